"""fad.scipy.linalg's matrix functions and special matrices against scipy.linalg: values,
derivatives (finite differences, and expm's Frechet derivative against scipy's), vmap
and jit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.linalg as sl

import fad
import fad.numpy as jnp
from fad.scipy import linalg
from fad.test_util import check_grads

NDArray = np.ndarray[Any, Any]
RNG = np.random.default_rng(2)
A4 = RNG.normal(size=(4, 4))
SPD = A4 @ A4.T + 4 * np.eye(4)


def _close(got: Any, want: Any, rtol: float = 1e-10, atol: float = 1e-12) -> None:
    np.testing.assert_allclose(np.asarray(got), want, rtol=rtol, atol=atol)


@pytest.mark.parametrize("x64", [False, True], ids=["f32", "f64"])
def test_expm(x64: bool) -> None:
    dt = np.float64 if x64 else np.float32
    rtol = 1e-12 if x64 else 2e-5
    with fad.config.enable_x64_scope(x64):
        for a in (A4, 0.01 * A4, 8 * A4, np.zeros((3, 3)), np.triu(A4)):
            x = a.astype(dt)
            out = linalg.expm(x)
            assert out.dtype == dt
            want = sl.expm(x.astype(np.float64))
            # Entries are compared relative to the largest (expm's error is normwise).
            _close(
                np.asarray(out) / np.abs(want).max(),
                want / np.abs(want).max(),
                rtol=rtol,
                atol=rtol,
            )
        batch = np.stack([A4, -A4, 0.5 * A4]).astype(dt)
        want = np.stack([sl.expm(b.astype(np.float64)) for b in batch])
        _close(
            np.asarray(linalg.expm(batch)) / np.abs(want).max(),
            want / np.abs(want).max(),
            rtol=rtol,
            atol=rtol,
        )


def test_expm_frechet_and_derivatives() -> None:
    e = RNG.normal(size=(4, 4))
    with fad.config.enable_x64_scope(True):
        ea, lf = linalg.expm_frechet(A4, e)
        ea0, lf0 = sl.expm_frechet(A4, e)
        _close(ea, ea0)
        _close(lf, lf0)
        _close(linalg.expm_frechet(A4, e, compute_expm=False), lf0)
        # The JVP of expm is its Frechet derivative: forward and reverse agree with scipy's.
        _, tangent = fad.jvp(linalg.expm, (jnp.asarray(A4),), (fad.tangent(jnp.asarray(e)),))
        _close(tangent, lf0, rtol=1e-9)
        ct = RNG.normal(size=(4, 4))
        _, pullback = fad.vjp(linalg.expm, jnp.asarray(A4))
        (g,) = fad.primal_of(pullback(fad.cotangent(jnp.asarray(ct))))
        _close(np.sum(np.asarray(g) * e), np.sum(ct * lf0), rtol=1e-9)
        check_grads(linalg.expm, [jnp.asarray(0.3 * A4[:3, :3])], order=2, rtol=1e-5)
        out = fad.vmap(linalg.expm)(jnp.asarray(np.stack([A4, -A4])))
        _close(out, np.stack([sl.expm(A4), sl.expm(-A4)]))
        _close(fad.jit(linalg.expm)(A4), sl.expm(A4))
    with pytest.raises(ValueError, match="expm_frechet: A and E"):
        linalg.expm_frechet(A4, e[:3, :3])


def test_matrix_functions() -> None:
    b = RNG.normal(size=(3, 3))
    c = RNG.normal(size=(4, 3))
    m = RNG.normal(size=(5, 3))
    with fad.config.enable_x64_scope(True):
        for a in (SPD, A4 + 6 * np.eye(4)):
            root = linalg.sqrtm(a)
            assert root.dtype == np.complex128
            _close(root, sl.sqrtm(a), rtol=1e-9, atol=1e-10)
        for side in ("right", "left"):
            u, p = linalg.polar(A4, side)
            u0, p0 = sl.polar(A4, side)
            _close(u, u0)
            _close(p, p0)
        _close(linalg.solve_sylvester(A4, b, c), sl.solve_sylvester(A4, b, c), rtol=1e-9)
        cr, cl = RNG.normal(size=(2, 5)), RNG.normal(size=(3, 2))
        _close(linalg.qr_multiply(m, cr)[0], sl.qr_multiply(m, cr)[0])
        _close(linalg.qr_multiply(m, cl, "left")[0], sl.qr_multiply(m, cl, "left")[0])
        d, e = RNG.normal(size=5), RNG.normal(size=4)
        _close(
            linalg.eigh_tridiagonal(d, e, eigvals_only=True),
            sl.eigh_tridiagonal(d, e, eigvals_only=True),
        )
        w, v = linalg.eigh_tridiagonal(d, e)
        t = np.diag(d) + np.diag(e, 1) + np.diag(e, -1)
        _close(np.asarray(v) @ np.diag(np.asarray(w)) @ np.asarray(v).T, t, atol=1e-12)
        _close(
            linalg.eigh_tridiagonal(d, e, eigvals_only=True, select="i", select_range=(1, 2)),
            sl.eigh_tridiagonal(d, e, eigvals_only=True)[1:3],
        )
        # Derivatives: sqrtm(X)^2 = X, so d(sqrtm) solves a Sylvester equation; compare to FD.
        check_grads(lambda x: linalg.sqrtm(x).real, [jnp.asarray(SPD[:3, :3])], order=1, rtol=1e-5)
        check_grads(
            lambda x, y: linalg.solve_sylvester(x, y, c[:3, :2]),
            [jnp.asarray(A4[:3, :3] + 3 * np.eye(3)), jnp.asarray(b[:2, :2])],
            order=2,
            rtol=1e-5,
        )
        check_grads(lambda x: linalg.polar(x)[1], [jnp.asarray(A4[:3, :3])], order=2, rtol=1e-5)
        _close(fad.jit(lambda x: linalg.sqrtm(x))(SPD), sl.sqrtm(SPD), rtol=1e-9)
        _close(
            fad.vmap(lambda x: linalg.polar(x)[0])(np.stack([A4, -A4])),
            np.stack([sl.polar(A4)[0], sl.polar(-A4)[0]]),
        )


VEC = RNG.normal(size=5)
ROW = RNG.normal(size=4)
CONSTRUCTORS: list[tuple[str, Callable[..., Any], Callable[..., Any], tuple[Any, ...]]] = [
    ("toeplitz", linalg.toeplitz, sl.toeplitz, (VEC, ROW)),
    ("toeplitz1", linalg.toeplitz, sl.toeplitz, (VEC,)),
    ("hankel", linalg.hankel, sl.hankel, (VEC, ROW)),
    ("hankel1", linalg.hankel, sl.hankel, (VEC,)),
    ("circulant", linalg.circulant, sl.circulant, (VEC,)),
    ("companion", linalg.companion, sl.companion, (VEC,)),
    ("fiedler", linalg.fiedler, sl.fiedler, (VEC,)),
    ("fiedler_companion", linalg.fiedler_companion, sl.fiedler_companion, (VEC,)),
    ("fiedler_companion4", linalg.fiedler_companion, sl.fiedler_companion, (ROW,)),
    ("leslie", linalg.leslie, sl.leslie, (VEC, ROW)),
    ("convolution_full", linalg.convolution_matrix, sl.convolution_matrix, (ROW, 6)),
    ("convolution_same", linalg.convolution_matrix, sl.convolution_matrix, (ROW, 3, "same")),
    ("convolution_same_long", linalg.convolution_matrix, sl.convolution_matrix, (ROW, 7, "same")),
    ("convolution_valid", linalg.convolution_matrix, sl.convolution_matrix, (VEC, 3, "valid")),
    ("block_diag", linalg.block_diag, sl.block_diag, (ROW[:2], A4[:2, :3], 3.0)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "fn", "ref", "args"), CONSTRUCTORS, ids=[c[0] for c in CONSTRUCTORS]
)
def test_constructors(
    name: str, fn: Callable[..., Any], ref: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    with fad.config.enable_x64_scope(True):
        _close(fn(*args), ref(*args))
        arrays = [i for i, a in enumerate(args) if isinstance(a, np.ndarray)]

        def f(*vals: Any) -> Any:
            full = list(args)
            for i, v in zip(arrays, vals, strict=True):
                full[i] = v
            return fn(*full)

        # Linear in their entries: one order of finite differences checks the whole map.
        check_grads(f, [jnp.asarray(args[i]) for i in arrays], order=1)
        _close(fad.jit(f)(*[args[i] for i in arrays]), ref(*args))


def test_batched_constructors_under_vmap() -> None:
    cs = RNG.normal(size=(3, 4))
    with fad.config.enable_x64_scope(True):
        _close(fad.vmap(linalg.toeplitz)(cs), np.stack([sl.toeplitz(c) for c in cs]))
        _close(linalg.toeplitz(cs), np.stack([sl.toeplitz(c) for c in cs]))
        _close(fad.vmap(linalg.circulant)(cs), np.stack([sl.circulant(c) for c in cs]))


def test_static_matrices() -> None:
    with fad.config.enable_x64_scope(True):
        _close(linalg.hilbert(5), sl.hilbert(5))
        _close(linalg.invhilbert(6), sl.invhilbert(6), rtol=1e-12)
        for kind in ("symmetric", "lower", "upper"):
            _close(linalg.pascal(5, kind), sl.pascal(5, kind))
            _close(linalg.invpascal(5, kind), sl.invpascal(5, kind))
        _close(linalg.hadamard(8), sl.hadamard(8))
        assert linalg.hadamard(4).dtype == np.int64
        _close(linalg.helmert(5), sl.helmert(5))
        _close(linalg.helmert(5, full=True), sl.helmert(5, full=True))
        for scale in (None, "sqrtn", "n"):
            _close(linalg.dft(6, scale), sl.dft(6, scale))
    assert linalg.hilbert(3).dtype == np.float32 and linalg.dft(3).dtype == np.complex64
    with pytest.raises(ValueError, match="hadamard: n must be a power of 2"):
        linalg.hadamard(6)
    with pytest.raises(ValueError, match="pascal: kind"):
        linalg.pascal(3, "diagonal")


def test_schur_family() -> None:
    a = RNG.normal(size=(5, 5))
    with fad.config.enable_x64_scope(True):
        for output in ("real", "complex"):
            t, z = linalg.schur(a, output)
            t0, z0 = sl.schur(a, output)
            _close(t, t0)
            _close(z, z0)
            tj, zj = fad.jit(lambda x, o=output: linalg.schur(x, o))(a)
            _close(tj, t0)
            _close(zj, z0)
        h, q = linalg.hessenberg(a, calc_q=True)
        h0, q0 = sl.hessenberg(a, calc_q=True)
        _close(h, h0)
        _close(q, q0)
        _close(fad.jit(lambda x: linalg.hessenberg(x, calc_q=True)[1])(a), q0)
        batch = np.stack([a, a.T])
        _close(fad.vmap(linalg.hessenberg)(batch), np.stack([sl.hessenberg(a), sl.hessenberg(a.T)]))
        _close(
            fad.vmap(lambda x: linalg.schur(x)[0])(batch),
            np.stack([sl.schur(a)[0], sl.schur(a.T)[0]]),
        )
        t0, z0 = sl.schur(a)
        tc, zc = sl.rsf2csf(t0, z0)
        t1, z1 = linalg.rsf2csf(t0, z0)
        _close(t1, tc, atol=1e-12)
        _close(z1, zc, atol=1e-12)
        _close(fad.jit(linalg.rsf2csf)(t0, z0)[0], tc, atol=1e-12)
        # rsf2csf is ordinary arithmetic; its new Z is linear in the old one.
        check_grads(lambda z: linalg.rsf2csf(t0, z)[1].real, [jnp.asarray(z0)], order=1)
        _close(linalg.funm(a, jnp.exp), sl.funm(a, np.exp), rtol=1e-10)
        _close(linalg.funm(a, jnp.exp), sl.expm(a), rtol=1e-10)
        f, err = linalg.funm(a, jnp.sin, disp=False)
        _close(f, sl.funm(a, np.sin), rtol=1e-10)
        assert float(err) == pytest.approx(sl.funm(a, np.sin, disp=False)[1], rel=0.5)
        _close(fad.jit(lambda x: linalg.funm(x, jnp.exp))(a), sl.expm(a), rtol=1e-10)
    with pytest.raises(ValueError, match="schur: output"):
        linalg.schur(a, "quasi")
    # No derivative rule (as in JAX): differentiating says so instead of guessing.
    with pytest.raises(NotImplementedError, match="'schur'"):
        fad.grad(lambda x: linalg.schur(x)[0].sum())(a)
    with pytest.raises(NotImplementedError, match="'hessenberg'"):
        fad.jvp(linalg.hessenberg, (jnp.asarray(a),), (fad.tangent(jnp.asarray(a)),))
