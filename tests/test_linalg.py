"""Linear algebra: fad.numpy.linalg and fad.scipy.linalg against numpy/scipy, their
derivatives against finite differences (``check_grads``, to second order), vmap against
a loop, jit against eager, and the argument errors.

Inputs are random and well conditioned (positive definite or diagonally shifted), so
numpy's answer is the truth to a tolerance set by the dtype.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
import scipy.linalg as sla

import fad
import fad.numpy as jnp
import fad.scipy.linalg as fsl
from fad import grad, jit, vmap
from fad._src.prims import lapack
from fad.test_util import check_grads

NDArray = np.ndarray[Any, Any]
F32, F64, C64, C128 = (np.dtype(t) for t in (np.float32, np.float64, np.complex64, np.complex128))
DTYPES = [F32, F64, C64, C128]


@pytest.fixture(autouse=True)
def x64() -> Iterator[None]:
    """64-bit dtypes stay 64-bit (32-bit inputs are unaffected)."""
    with fad.config.enable_x64_scope(True):
        yield


def _tol(dt: np.dtype[Any]) -> float:
    return 2e-4 if dt in (F32, C64) else 1e-10


def _rand(rng: np.random.Generator, shape: tuple[int, ...], dt: np.dtype[Any]) -> NDArray:
    x = rng.standard_normal(shape)
    if dt.kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return np.asarray(x.astype(dt))


def _spd(rng: np.random.Generator, shape: tuple[int, ...], dt: np.dtype[Any]) -> NDArray:
    a = _rand(rng, shape, dt)
    n = shape[-1]
    return np.asarray((a @ np.conj(np.swapaxes(a, -1, -2)) + n * np.eye(n)).astype(dt))


def _shifted(rng: np.random.Generator, shape: tuple[int, ...], dt: np.dtype[Any]) -> NDArray:
    """A general (non-symmetric) matrix kept away from singularity."""
    return np.asarray((_rand(rng, shape, dt) + 3 * np.eye(shape[-1])).astype(dt))


def _close(got: Any, want: Any, dt: np.dtype[Any], what: str = "") -> None:
    g = np.asarray(got)
    w = np.asarray(want)
    assert g.shape == w.shape, f"{what}: shape {g.shape} != {w.shape}"
    tol = _tol(dt)
    np.testing.assert_allclose(
        g, w, rtol=tol, atol=tol * max(1.0, float(np.abs(w).max(initial=0))), err_msg=what
    )


def _adj(x: NDArray) -> NDArray:
    return np.conj(np.swapaxes(x, -1, -2))


# ---------------------------------------------------------------------------
# Values against numpy / scipy
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("dt", DTYPES, ids=str)
@pytest.mark.parametrize("batch", [(), (2,)], ids=["single", "batched"])
def test_factorizations_match_numpy(dt: np.dtype[Any], batch: tuple[int, ...]) -> None:
    rng = np.random.default_rng(0)
    a = _spd(rng, (*batch, 4, 4), dt)
    L = jnp.linalg.cholesky(a)
    assert L.dtype == dt
    _close(L, np.linalg.cholesky(a), dt, "cholesky")
    _close(jnp.linalg.cholesky(a, upper=True), _adj(np.linalg.cholesky(a)), dt, "cholesky upper")
    w, v = jnp.linalg.eigh(a)
    assert w.dtype == np.finfo(dt).dtype and v.dtype == dt
    _close(w, np.linalg.eigvalsh(a), dt, "eigh values")
    _close(
        np.asarray(a) @ np.asarray(v), np.asarray(v) * np.asarray(w)[..., None, :], dt, "a v = v w"
    )
    _close(
        _adj(np.asarray(v)) @ np.asarray(v), np.broadcast_to(np.eye(4), a.shape), dt, "v unitary"
    )
    _close(jnp.linalg.eigvalsh(a, UPLO="U"), np.linalg.eigvalsh(a, UPLO="U"), dt, "eigvalsh")
    for shape in [(5, 3), (3, 5), (4, 4)]:
        x = _rand(rng, (*batch, *shape), dt)
        for mode in ("reduced", "complete"):
            q, r = jnp.linalg.qr(x, mode=mode)
            nq, nr = np.linalg.qr(x, mode=mode)
            _close(q, nq, dt, f"qr {mode} q {shape}")
            _close(r, nr, dt, f"qr {mode} r {shape}")
        _close(jnp.linalg.qr(x, mode="r"), np.linalg.qr(x, mode="r"), dt, "qr r")
        for full in (True, False):
            u, s, vh = jnp.linalg.svd(x, full_matrices=full)
            nu, ns, nvh = np.linalg.svd(x, full_matrices=full)
            assert (u.shape, s.shape, vh.shape) == (nu.shape, ns.shape, nvh.shape)
            _close(s, ns, dt, "svd s")
            k = min(shape)
            us = np.asarray(u)[..., :, :k] * np.asarray(s)[..., None, :]
            _close(us @ np.asarray(vh)[..., :k, :], x, dt, "u s vh = x")
        _close(
            jnp.linalg.svd(x, compute_uv=False), np.linalg.svd(x, compute_uv=False), dt, "svdvals"
        )
        _close(jnp.linalg.svdvals(x), np.linalg.svd(x, compute_uv=False), dt, "svdvals")


@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_solve_inv_det_match_numpy(dt: np.dtype[Any]) -> None:
    rng = np.random.default_rng(1)
    a = _shifted(rng, (2, 4, 4), dt)
    b = _rand(rng, (2, 4, 3), dt)
    _close(jnp.linalg.solve(a, b), np.linalg.solve(a, b), dt, "solve matrix")
    v = _rand(rng, (4,), dt)
    _close(jnp.linalg.solve(a, v), np.linalg.solve(a, v), dt, "solve vector, batched a")
    _close(jnp.linalg.solve(a[0], b), np.linalg.solve(a[0], b), dt, "solve broadcast a")
    _close(jnp.linalg.inv(a), np.linalg.inv(a), dt, "inv")
    _close(jnp.linalg.det(a), np.linalg.det(a), dt, "det")
    sign, logdet = jnp.linalg.slogdet(a)
    nsign, nlogdet = np.linalg.slogdet(a)
    _close(sign, nsign, dt, "slogdet sign")
    _close(logdet, nlogdet, dt, "slogdet logabsdet")
    for n in (-2, 0, 1, 3):
        _close(jnp.linalg.matrix_power(a, n), np.linalg.matrix_power(a, n), dt, f"matrix_power {n}")
    x = _rand(rng, (5, 3), dt)
    _close(jnp.linalg.pinv(x), np.linalg.pinv(x), dt, "pinv")
    _close(jnp.linalg.pinv(a[0], hermitian=False), np.linalg.inv(a[0]), dt, "pinv square")
    _close(jnp.linalg.cond(a), np.linalg.cond(a), dt, "cond")
    _close(jnp.linalg.cond(a, "fro"), np.linalg.cond(a, "fro"), dt, "cond fro")
    _close(jnp.linalg.cond(a, 1), np.linalg.cond(a, 1), dt, "cond 1")
    _close(jnp.linalg.multi_dot([a[0], b[0], b[1].T]), a[0] @ b[0] @ b[1].T, dt, "multi_dot")


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_det_sign_parity_and_singular_slogdet() -> None:
    perm = np.eye(3)[[1, 0, 2]]  # one swap: det -1
    assert float(jnp.linalg.det(perm)) == pytest.approx(-1.0)
    sign, logdet = jnp.linalg.slogdet(np.array([[1.0, 2.0], [2.0, 4.0]]))
    assert float(sign) == 0.0 and float(logdet) == -np.inf
    # Integer input is promoted to the default float.
    d = jnp.linalg.det(np.array([[2, 1], [1, 3]], np.int32))
    assert d.dtype == np.float64 and float(d) == pytest.approx(5.0)


def test_rank_and_hermitian_svd() -> None:
    rng = np.random.default_rng(2)
    low = _rand(rng, (5, 2), F64) @ _rand(rng, (2, 4), F64)
    assert int(jnp.linalg.matrix_rank(low)) == np.linalg.matrix_rank(low) == 2
    h = _spd(rng, (4, 4), C128) - 6 * np.eye(4)  # indefinite Hermitian
    u, s, vh = jnp.linalg.svd(h, hermitian=True)
    _close(s, np.linalg.svd(h, compute_uv=False), C128, "hermitian svd values")
    _close((np.asarray(u) * np.asarray(s)) @ np.asarray(vh), h, C128, "hermitian svd")


@pytest.mark.parametrize("dt", [F32, C128], ids=str)
def test_norms_match_numpy(dt: np.dtype[Any]) -> None:
    rng = np.random.default_rng(3)
    v = _rand(rng, (5,), dt)
    m = _rand(rng, (3, 4), dt)
    t = _rand(rng, (2, 3, 4), dt)
    for ord in (None, 1, 2, np.inf, -np.inf, 0, 3, -1.5):
        _close(jnp.linalg.norm(v, ord), np.linalg.norm(v, ord), dt, f"vector ord={ord}")
        _close(jnp.linalg.norm(t, ord, axis=1), np.linalg.norm(t, ord, axis=1), dt, f"axis=1 {ord}")
    for mord in (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        _close(jnp.linalg.norm(m, mord), np.linalg.norm(m, mord), dt, f"matrix ord={mord}")
        for axis in ((0, 2), (2, 1)):
            want = np.linalg.norm(t, mord, axis=axis, keepdims=True)
            _close(jnp.linalg.norm(t, mord, axis=axis, keepdims=True), want, dt, f"{mord} {axis}")
    _close(jnp.linalg.norm(t), np.linalg.norm(t), dt, "flattened")
    _close(jnp.linalg.vector_norm(t, ord=1), np.sum(np.abs(t)), dt, "vector_norm")
    _close(jnp.linalg.matrix_norm(t, ord=2), np.linalg.matrix_norm(t, ord=2), dt, "matrix_norm")
    assert jnp.linalg.norm(v).dtype == np.finfo(dt).dtype


@pytest.mark.parametrize("dt", [F32, C128], ids=str)
def test_scipy_linalg_matches_scipy(dt: np.dtype[Any]) -> None:
    rng = np.random.default_rng(4)
    a = _shifted(rng, (4, 4), dt)
    b = _rand(rng, (4, 2), dt)
    for trans in (0, 1, 2, "T"):
        for lower in (False, True):
            for unit in (False, True):
                want = sla.solve_triangular(a, b, trans, lower, unit)
                got = fsl.solve_triangular(a, b, trans, lower, unit)
                _close(got, want, dt, f"solve_triangular {trans} {lower} {unit}")
    _close(
        fsl.solve_triangular(a, b[:, 0], lower=True),
        sla.solve_triangular(a, b[:, 0], lower=True),
        dt,
        "solve_triangular vector",
    )
    spd = _spd(rng, (4, 4), dt)
    for lower in (False, True):
        _close(fsl.cholesky(spd, lower=lower), sla.cholesky(spd, lower=lower), dt, "cholesky")
        cf = fsl.cho_factor(spd, lower=lower)
        _close(fsl.cho_solve(cf, b), sla.cho_solve(sla.cho_factor(spd, lower=lower), b), dt, "cho")
    _close(fsl.solve(spd, b, assume_a="pos"), sla.solve(spd, b, assume_a="pos"), dt, "solve pos")
    _close(fsl.solve(a, b), sla.solve(a, b), dt, "solve gen")
    for shape in [(4, 4), (5, 3), (3, 5)]:
        x = _rand(rng, shape, dt)
        for got, want in zip(fsl.lu(x), sla.lu(x), strict=True):
            _close(got, want, dt, f"lu {shape}")
        for got, want in zip(fsl.lu(x, permute_l=True), sla.lu(x, permute_l=True), strict=True):
            _close(got, want, dt, f"lu permute_l {shape}")
        for mode in ("full", "economic", "r"):
            for got, want in zip(fsl.qr(x, mode=mode), sla.qr(x, mode=mode), strict=True):
                _close(got, want, dt, f"qr {mode} {shape}")
    lu_piv = fsl.lu_factor(a)
    want_lu, want_piv = sla.lu_factor(a)
    _close(lu_piv[0], want_lu, dt, "lu_factor lu")
    np.testing.assert_array_equal(lu_piv[1], want_piv)
    for trans in (0, 1, 2):
        _close(
            fsl.lu_solve(lu_piv, b, trans),
            sla.lu_solve((want_lu, want_piv), b, trans),
            dt,
            f"lu_solve trans={trans}",
        )
    for lower in (True, False):
        w, _ = fsl.eigh(a, lower=lower)
        nw = sla.eigh(a, lower=lower, eigvals_only=True)
        _close(w, nw, dt, "eigh")
        _close(fsl.eigh(a, lower=lower, eigvals_only=True), nw, dt, "eigvalsh")
    _close(fsl.det(a), sla.det(a), dt, "det")
    _close(fsl.inv(a), sla.inv(a), dt, "inv")
    _close(fsl.svd(a, compute_uv=False), sla.svd(a, compute_uv=False), dt, "svd")


def test_cholesky_of_indefinite_matrix_is_nan() -> None:
    a = np.array([[[4.0, 1.0], [1.0, 3.0]], [[1.0, 2.0], [2.0, 1.0]]])
    out = np.asarray(jnp.linalg.cholesky(a))
    np.testing.assert_allclose(out[0], np.linalg.cholesky(a[0]))
    assert np.isnan(out[1]).all()


# ---------------------------------------------------------------------------
# Derivatives (float64 / complex128, so central differences are accurate)
# ---------------------------------------------------------------------------


def _abs2(x: Any) -> Any:
    return jnp.real(x * jnp.conj(x))


def _phase_free(pair: tuple[Any, Any]) -> tuple[Any, Any]:
    """``(eigenvalues, |eigenvectors|^2)`` from either order (the vectors are the 2-D one)."""
    a, b = pair
    return (a, _abs2(b)) if b.ndim > a.ndim else (b, _abs2(a))


# Each maker draws the arguments; eigenvectors and singular vectors are compared through
# phase-invariant |.|^2, since their phases are not determined.
Maker = Callable[[np.random.Generator, np.dtype[Any]], tuple[NDArray, ...]]
GRAD_CASES: list[tuple[str, Callable[..., Any], Maker]] = [
    ("cholesky", jnp.linalg.cholesky, lambda r, d: (_spd(r, (3, 3), d),)),
    ("solve", jnp.linalg.solve, lambda r, d: (_shifted(r, (3, 3), d), _rand(r, (3, 2), d))),
    ("inv", jnp.linalg.inv, lambda r, d: (_shifted(r, (3, 3), d),)),
    ("det", jnp.linalg.det, lambda r, d: (_shifted(r, (3, 3), d),)),
    ("logabsdet", lambda a: jnp.linalg.slogdet(a)[1], lambda r, d: (_shifted(r, (3, 3), d),)),
    ("eigh", lambda a: _phase_free(jnp.linalg.eigh(a)), lambda r, d: (_spd(r, (3, 3), d),)),
    ("qr_tall", lambda a: tuple(jnp.linalg.qr(a)), lambda r, d: (_rand(r, (4, 3), d),)),
    ("qr_wide", lambda a: tuple(jnp.linalg.qr(a)), lambda r, d: (_rand(r, (2, 4), d),)),
    (
        "svd_wide",
        lambda a: tuple(map(_abs2, jnp.linalg.svd(a, full_matrices=False))),
        lambda r, d: (_rand(r, (2, 3), d),),
    ),
    (
        "svd_tall",
        lambda a: tuple(map(_abs2, jnp.linalg.svd(a, full_matrices=False))),
        lambda r, d: (_rand(r, (3, 2), d),),
    ),
    ("norm_2", lambda a: jnp.linalg.norm(a, 2), lambda r, d: (_rand(r, (3, 2), d),)),
    ("pinv", jnp.linalg.pinv, lambda r, d: (_rand(r, (3, 2), d),)),
    (
        "matrix_power",
        lambda a: jnp.linalg.matrix_power(a, -2),
        lambda r, d: (_shifted(r, (2, 2), d),),
    ),
    (
        "solve_triangular",
        lambda a, b: fsl.solve_triangular(a, b, trans=2, lower=True),
        lambda r, d: (_shifted(r, (3, 3), d), _rand(r, (3, 2), d)),
    ),
    (
        "cho_solve",
        lambda a, b: fsl.cho_solve(fsl.cho_factor(a), b),
        lambda r, d: (_spd(r, (3, 3), d), _rand(r, (3, 1), d)),
    ),
    ("lu_factor", lambda a: fsl.lu_factor(a)[0], lambda r, d: (_shifted(r, (3, 3), d),)),
    (
        "lu_solve",
        lambda a, b: fsl.lu_solve(fsl.lu_factor(a), b, trans=1),
        lambda r, d: (_shifted(r, (3, 3), d), _rand(r, (3,), d)),
    ),
]


@pytest.mark.parametrize("dt", [F64, C128], ids=str)
@pytest.mark.parametrize("case", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_derivatives_to_second_order(case: Any, dt: np.dtype[Any]) -> None:
    _, fn, make = case
    args = make(np.random.default_rng(5), dt)
    check_grads(fn, args, order=2)


def test_lapack_primitive_jvps_are_exact_for_nonsymmetric_tangents() -> None:
    """cholesky/eigh read one triangle: their JVPs differentiate that, for any tangent."""
    rng = np.random.default_rng(6)
    a = jnp.asarray(_spd(rng, (3, 3), C128) + 0.1 * _rand(rng, (3, 3), C128))
    check_grads(lambda x: lapack.cholesky(x, symmetrize_input=False), (a,), order=1)
    check_grads(
        lambda x: _phase_free(lapack.eigh(x, lower=False, symmetrize_input=False)),
        (a,),
        order=1,
    )


def test_hessian_of_logdet() -> None:
    """d^2 log det A [E, F] = -tr(A^-1 E A^-1 F), a closed form."""
    rng = np.random.default_rng(7)
    a = _spd(rng, (3, 3), F64)
    e, f = _rand(rng, (3, 3), F64), _rand(rng, (3, 3), F64)

    def d_logdet(x: Any) -> Any:
        _, d = fad.jvp(lambda y: jnp.linalg.slogdet(y)[1], (x,), (fad.tangent(e),))
        return fad.primal_of(d)

    _, second = fad.jvp(d_logdet, (a,), (fad.tangent(f),))
    ai = np.linalg.inv(a)
    assert float(fad.primal_of(second)) == pytest.approx(-np.trace(ai @ e @ ai @ f), rel=1e-10)


def test_nonunique_derivatives_raise() -> None:
    x = np.ones((3, 2)) + np.eye(3, 2)
    with pytest.raises(NotImplementedError, match="full_matrices"):
        fad.jvp(lambda a: jnp.linalg.svd(a, full_matrices=True), (x,), (fad.tangent(x),))
    with pytest.raises(NotImplementedError, match="reduced"):
        fad.jvp(lambda a: jnp.linalg.qr(a, mode="complete"), (x,), (fad.tangent(x),))


# ---------------------------------------------------------------------------
# vmap equals a loop
# ---------------------------------------------------------------------------


def _stack_loop(
    f: Callable[..., Any], args: list[NDArray], in_axes: list[int | None], n: int
) -> list[NDArray]:
    outs = []
    for i in range(n):
        sl = [
            x if ax is None else np.take(x, i, axis=ax) for x, ax in zip(args, in_axes, strict=True)
        ]
        out = f(*sl)
        outs.append([np.asarray(o) for o in (out if isinstance(out, tuple) else (out,))])
    return [np.stack([o[k] for o in outs]) for k in range(len(outs[0]))]


Builder = Callable[[np.random.Generator], list[NDArray]]
VMAP_CASES: list[tuple[str, Callable[..., Any], Builder, list[int | None]]] = [
    ("cholesky", jnp.linalg.cholesky, lambda r: [np.moveaxis(_spd(r, (3, 3, 3), C64), 0, 2)], [2]),
    (
        "solve_batched_b",
        jnp.linalg.solve,
        lambda r: [_shifted(r, (3, 3), F32), _rand(r, (3, 4, 3), F32)],
        [None, 1],
    ),
    (
        "solve_batched_a",
        jnp.linalg.solve,
        lambda r: [_shifted(r, (3, 3, 3), F32), _rand(r, (3,), F32)],
        [0, None],
    ),
    ("eigh", lambda a: tuple(jnp.linalg.eigh(a)), lambda r: [_spd(r, (2, 3, 3), F32)], [0]),
    ("svd", lambda a: tuple(jnp.linalg.svd(a)), lambda r: [_rand(r, (4, 3, 2), F32)], [1]),
    ("qr", lambda a: tuple(jnp.linalg.qr(a)), lambda r: [_rand(r, (3, 2, 3), C64)], [0]),
    (
        "slogdet",
        lambda a: tuple(jnp.linalg.slogdet(a)),
        lambda r: [_shifted(r, (3, 3, 3), F32)],
        [2],
    ),
    ("lu", fsl.lu, lambda r: [_rand(r, (3, 4, 3), F32)], [0]),
    (
        "solve_triangular",
        lambda a, b: fsl.solve_triangular(a, b, trans=1, unit_diagonal=True),
        lambda r: [_shifted(r, (2, 3, 3), F32), _rand(r, (3, 2, 2), F32)],
        [0, 2],
    ),
]


@pytest.mark.parametrize("case", VMAP_CASES, ids=[c[0] for c in VMAP_CASES])
def test_vmap_equals_loop(case: Any) -> None:
    _, f, make, in_axes = case
    args = make(np.random.default_rng(8))
    n = next(x.shape[ax] for x, ax in zip(args, in_axes, strict=True) if ax is not None)
    got = vmap(f, in_axes=tuple(in_axes))(*args)
    got_list = list(got) if isinstance(got, tuple) else [got]
    want = _stack_loop(f, args, in_axes, n)
    for g, w in zip(got_list, want, strict=True):
        np.testing.assert_allclose(np.asarray(g), w, rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------------------
# jit (LAPACK custom calls) equals eager
# ---------------------------------------------------------------------------


def _everything(a: Any, spd: Any, tall: Any, wide: Any) -> list[Any]:
    """Every primitive once (eigen/singular vectors through |.|^2, as LAPACK may pick
    other phases than numpy); the non-positive-definite slice gives NaN."""
    outs = [jnp.linalg.cholesky(spd), *jnp.linalg.slogdet(a), jnp.linalg.inv(a)]
    outs += [
        fsl.solve_triangular(a, jnp.swapaxes(wide, -1, -2), trans=2, lower=True, unit_diagonal=True)
    ]
    outs += [lapack.triangular_solve(a, wide, left_side=False, lower=False, transpose_a=True)]
    outs += [
        *fsl.lu_factor(tall),
        fsl.lu(wide)[0],
        *jnp.linalg.qr(tall),
        *jnp.linalg.qr(wide, "complete"),
    ]
    outs += [fsl.lu_solve(fsl.lu_factor(a), jnp.swapaxes(wide, -1, -2), trans=1)]
    outs += [lapack.lu_pivots_to_permutation(jnp.asarray(np.array([4, 1, 3, 4], np.int32)), 6)]
    w, v = jnp.linalg.eigh(spd, UPLO="U")
    outs += [w, _abs2(v), jnp.linalg.svd(wide, compute_uv=False)]
    outs += [_abs2(o) for o in jnp.linalg.svd(tall)] + [
        _abs2(o) for o in jnp.linalg.svd(wide, False)
    ]
    return outs


@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_jit_matches_eager(dt: np.dtype[Any]) -> None:
    rng = np.random.default_rng(9)
    spd = _spd(rng, (2, 3, 3), dt)
    spd[1] -= 20 * np.eye(3, dtype=dt)  # not positive definite
    args = (_shifted(rng, (2, 3, 3), dt), spd, _rand(rng, (2, 4, 3), dt), _rand(rng, (2, 2, 3), dt))
    want = _everything(*args)
    got = jit(_everything)(*args)
    assert np.isnan(np.asarray(got[0])[1]).all() and not np.isnan(np.asarray(got[0])[0]).any()
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g.dtype == w.dtype, i
        _close(g, w, dt, f"output {i}")


# ---------------------------------------------------------------------------
# The cookbook cell
# ---------------------------------------------------------------------------

COOKBOOK = np.array(
    [
        [-0.7534186 + 0.0j, -3.0509028 - 10.940544j, 5.9896846 + 3.5423026j],
        [-3.0509028 + 10.940544j, -8.904491 + 0.0j, -5.1351523 - 6.559373j],
        [5.9896846 - 3.5423026j, -5.1351523 + 6.559373j, 0.01320427 + 0.0j],
    ]
)


def test_cookbook_holomorphic_grad_of_cholesky() -> None:
    with fad.config.enable_x64_scope(False):
        A = jnp.array([[5.0, 2.0 + 3j, 5j], [2.0 - 3j, 7.0, 1.0 + 7j], [-5j, 1.0 - 7j, 12.0]])

        def f(X: Any) -> Any:
            L = jnp.linalg.cholesky(X)
            return jnp.sum((L - jnp.sin(L)) ** 2)

        for g in (grad(f, holomorphic=True)(A), jit(grad(f, holomorphic=True))(A)):
            assert g.dtype == np.complex64
            np.testing.assert_allclose(np.asarray(g), COOKBOOK, rtol=2e-5, atol=2e-5)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def test_bad_arguments_raise_clear_errors() -> None:
    with pytest.raises(ValueError, match=r"cholesky: a must be square.*\(3, 4\)"):
        jnp.linalg.cholesky(np.ones((3, 4)))
    with pytest.raises(
        ValueError, match=r"inv: a must have shape \(\.\.\., M, N\), got shape \(3,\)"
    ):
        jnp.linalg.inv(np.ones(3))
    with pytest.raises(TypeError, match="float16"):
        jnp.linalg.det(np.eye(2, dtype=np.float16))
    with pytest.raises(ValueError, match=r"solve: a of shape \(3, 3\) and b of shape \(4,\)"):
        jnp.linalg.solve(np.eye(3), np.ones(4))
    with pytest.raises(ValueError, match="mode"):
        jnp.linalg.qr(np.eye(3), mode="bogus")
    with pytest.raises(ValueError, match="UPLO"):
        jnp.linalg.eigh(np.eye(3), UPLO="X")
    with pytest.raises(ValueError, match="invalid order"):
        jnp.linalg.norm(np.eye(3), ord="bogus")
    with pytest.raises(ValueError, match="trans"):
        fsl.solve_triangular(np.eye(3), np.ones(3), trans=3)
    with pytest.raises(ValueError, match="piv"):
        fsl.lu_solve((np.eye(3), np.zeros(2, np.int32)), np.ones(3))
    with pytest.raises(TypeError, match="matrix_power: the exponent must be an integer"):
        jnp.linalg.matrix_power(np.eye(2), 1.5)  # type: ignore[arg-type]


def test_primitive_shape_and_dtype_errors() -> None:
    a = jnp.asarray(np.eye(3))
    with pytest.raises(
        TypeError,
        match=r"with left_side=True, a must be 2x2 to match the 2 rows of b, got f64\[3,3\]",
    ):
        lapack.triangular_solve(a, jnp.ones((2, 2), dtype=np.float64), left_side=True)
    with pytest.raises(TypeError, match="one dtype"):
        lapack.triangular_solve(a, jnp.ones((3, 2), dtype=np.float32), left_side=True)
    with pytest.raises(TypeError, match="batch dimensions"):
        lapack.triangular_solve(a, jnp.ones((2, 3, 2), dtype=np.float64), left_side=True)
    with pytest.raises(
        TypeError, match=r"cholesky: the operand must have shape \(\.\.\., m, n\), got f64\[3\]"
    ):
        lapack.cholesky(jnp.ones(3, dtype=np.float64), symmetrize_input=False)
    with pytest.raises(TypeError, match=r"eigh: the operand must be float32.*got i32\[2,2\]"):
        lapack.eigh(jnp.ones((2, 2), dtype=np.int32), symmetrize_input=False)
    with pytest.raises(TypeError, match="qr: the operand must be float32"):
        fad.make_jaxpr(lambda x: lapack.qr_p.bindn(x, full_matrices=False))(
            jnp.ones((2, 2), dtype=np.int32)
        )
