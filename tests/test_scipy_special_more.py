"""fad.scipy.special's series, fractions and quadratures against scipy.special: values in
float64 and float32, derivatives to order 2 by finite differences (and closed forms), and
one vmap and one jit case each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.special as sps

import fad
import fad.numpy as jnp
from fad.scipy import special
from fad.test_util import check_grads

NDArray = np.ndarray[Any, Any]
RNG = np.random.default_rng(1)


def u(lo: float, hi: float, n: int = 12) -> NDArray:
    return RNG.uniform(lo, hi, n)


def ints(lo: int, hi: int, n: int = 12) -> NDArray:
    return RNG.integers(lo, hi, n).astype(np.float64)


# name, fad function, scipy function, arguments (float64), differentiable argnums
CASES: list[tuple[str, Callable[..., Any], Callable[..., Any], list[NDArray], tuple[int, ...]]] = [
    ("gammasgn", special.gammasgn, sps.gammasgn, [u(-5, 5)], ()),
    ("gamma", special.gamma, sps.gamma, [u(-4.5, 5)], (0,)),
    ("loggamma", special.loggamma, sps.loggamma, [u(0.1, 8)], (0,)),
    ("beta", special.beta, sps.beta, [u(0.2, 4), u(-2.5, 4)], (0, 1)),
    ("betaln", special.betaln, sps.betaln, [u(0.2, 6), u(0.2, 6)], (0, 1)),
    ("factorial", special.factorial, sps.factorial, [ints(-2, 12)], ()),
    ("comb", special.comb, sps.comb, [ints(0, 15), ints(-1, 12)], ()),
    ("poch", special.poch, sps.poch, [u(0.2, 5), u(-1, 3)], (0, 1)),
    ("rel_entr", special.rel_entr, sps.rel_entr, [u(0.1, 3), u(0.1, 3)], (0, 1)),
    ("kl_div", special.kl_div, sps.kl_div, [u(0.1, 3), u(0.1, 3)], (0, 1)),
    ("boxcox", special.boxcox, sps.boxcox, [u(0.2, 4), u(-2, 2)], (0, 1)),
    ("boxcox1p", special.boxcox1p, sps.boxcox1p, [u(-0.5, 4), u(-2, 2)], (0, 1)),
    ("gammainc", special.gammainc, sps.gammainc, [u(0.3, 20), u(0.1, 30)], (0, 1)),
    ("gammaincc", special.gammaincc, sps.gammaincc, [u(0.3, 20), u(0.1, 30)], (0, 1)),
    ("betainc", special.betainc, sps.betainc, [u(0.3, 12), u(0.3, 12), u(0.02, 0.98)], (0, 1, 2)),
    ("expn", special.expn, sps.expn, [ints(0, 6), u(0.05, 6)], (1,)),
    ("exp1", special.exp1, sps.exp1, [u(0.05, 8)], (0,)),
    ("expi", special.expi, sps.expi, [u(-8, 50)], (0,)),
    ("zeta", special.zeta, sps.zeta, [u(1.2, 12), u(0.2, 4)], (0, 1)),
    ("spence", special.spence, sps.spence, [u(0.01, 4)], (0,)),
    ("erfcx", special.erfcx, sps.erfcx, [u(-2, 30)], (0,)),
    ("log_ndtr", special.log_ndtr, sps.log_ndtr, [u(-40, 10)], (0,)),
    ("i0", special.i0, sps.i0, [u(-30, 30)], (0,)),
    ("i0e", special.i0e, sps.i0e, [u(-40, 40)], (0,)),
    ("i1", special.i1, sps.i1, [u(-30, 30)], (0,)),
    ("i1e", special.i1e, sps.i1e, [u(-40, 40)], (0,)),
    ("dawsn", special.dawsn, sps.dawsn, [u(-12, 12)], (0,)),
    ("fresnel", special.fresnel, sps.fresnel, [u(-9, 9)], (0,)),
    ("sici", special.sici, sps.sici, [u(0.1, 60)], (0,)),
    ("owens_t", special.owens_t, sps.owens_t, [u(-4, 4), u(-4, 4)], (0, 1)),
    ("hyp1f1", special.hyp1f1, sps.hyp1f1, [u(-2, 4), u(0.5, 4), u(-10, 10)], (0, 1, 2)),
    ("hyp2f1", special.hyp2f1, sps.hyp2f1, [u(-2, 3), u(-2, 3), u(0.5, 4), u(-2, 0.8)], (0, 1, 2, 3)),  # noqa: E501
]  # fmt: skip
IDS = [c[0] for c in CASES]


def _close(got: Any, want: Any, rtol: float, atol: float) -> None:
    for g, w in zip(
        got if isinstance(got, tuple) else (got,),
        want if isinstance(want, tuple) else (want,),
        strict=True,
    ):
        np.testing.assert_allclose(np.asarray(g), w, rtol=rtol, atol=atol)


@pytest.mark.parametrize("x64", [False, True], ids=["f32", "f64"])
@pytest.mark.parametrize(("name", "fn", "ref", "args", "diff"), CASES, ids=IDS)
def test_values(
    name: str,
    fn: Callable[..., Any],
    ref: Callable[..., Any],
    args: list[NDArray],
    diff: tuple[int, ...],
    x64: bool,
) -> None:
    dt = np.float64 if x64 else np.float32
    cast = [a.astype(dt) for a in args]
    with fad.config.enable_x64_scope(x64):
        out = fn(*cast)
        for o in out if isinstance(out, tuple) else (out,):
            assert o.dtype == dt and o.shape == args[0].shape
        want = ref(*[c.astype(np.float64) for c in cast])
        _close(out, want, rtol=1e-10 if x64 else 5e-4, atol=1e-12 if x64 else 1e-6)


@pytest.mark.parametrize(("name", "fn", "ref", "args", "diff"), CASES, ids=IDS)
def test_gradients(
    name: str,
    fn: Callable[..., Any],
    ref: Callable[..., Any],
    args: list[NDArray],
    diff: tuple[int, ...],
) -> None:
    if not diff:
        pytest.skip("integer-valued or piecewise constant")
    pts = [a[:2] for a in args]
    with fad.config.enable_x64_scope(True):

        def f(*d: Any) -> Any:
            full = list(pts)
            for i, v in zip(diff, d, strict=True):
                full[i] = v
            return fn(*full)

        check_grads(f, [jnp.asarray(pts[i]) for i in diff], order=2, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(("name", "fn", "ref", "args", "diff"), CASES, ids=IDS)
def test_vmap_and_jit(
    name: str,
    fn: Callable[..., Any],
    ref: Callable[..., Any],
    args: list[NDArray],
    diff: tuple[int, ...],
) -> None:
    pts = [a[:3].reshape(3, 1) for a in args]
    with fad.config.enable_x64_scope(True):
        eager = fn(*pts)
        _close(fad.vmap(fn)(*pts), eager, rtol=1e-12, atol=1e-14)
        _close(fad.jit(fn)(*pts), eager, rtol=1e-12, atol=1e-14)


def test_gammainc_derivative_in_x_is_the_density() -> None:
    a, x = RNG.uniform(0.5, 10, 6), RNG.uniform(0.1, 20, 6)
    with fad.config.enable_x64_scope(True):
        g = fad.vmap(fad.grad(special.gammainc, argnums=1))(jnp.asarray(a), jnp.asarray(x))
        gc = fad.vmap(fad.grad(special.gammaincc, argnums=1))(jnp.asarray(a), jnp.asarray(x))
    density = np.exp((a - 1) * np.log(x) - x - sps.gammaln(a))
    np.testing.assert_allclose(np.asarray(g), density, rtol=1e-9)
    np.testing.assert_allclose(np.asarray(gc), -density, rtol=1e-9)


def test_betainc_derivative_in_x_is_the_density() -> None:
    a, b, x = RNG.uniform(0.5, 6, 5), RNG.uniform(0.5, 6, 5), RNG.uniform(0.05, 0.95, 5)
    with fad.config.enable_x64_scope(True):
        g = fad.vmap(fad.grad(special.betainc, argnums=2))(
            jnp.asarray(a), jnp.asarray(b), jnp.asarray(x)
        )
    np.testing.assert_allclose(
        np.asarray(g),
        np.exp((a - 1) * np.log(x) + (b - 1) * np.log1p(-x) - sps.betaln(a, b)),
        rtol=1e-9,
    )


def test_closed_form_derivatives() -> None:
    x = RNG.uniform(0.5, 5, 5)
    with fad.config.enable_x64_scope(True):
        xa = jnp.asarray(x)
        d_i0 = fad.vmap(fad.grad(special.i0))(xa)
        d_exp1 = fad.vmap(fad.grad(special.exp1))(xa)
        d_dawsn = fad.vmap(fad.grad(special.dawsn))(xa)
        d_fres = fad.vmap(fad.grad(lambda v: special.fresnel(v)[1]))(xa)
    np.testing.assert_allclose(np.asarray(d_i0), sps.i1(x), rtol=1e-10)
    np.testing.assert_allclose(np.asarray(d_exp1), -np.exp(-x) / x, rtol=1e-10)
    np.testing.assert_allclose(np.asarray(d_dawsn), 1 - 2 * x * sps.dawsn(x), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(np.asarray(d_fres), np.cos(np.pi * x**2 / 2), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("x64", [False, True], ids=["f32", "f64"])
def test_edges_match_scipy(x64: bool) -> None:
    dt = np.float64 if x64 else np.float32
    rows: list[tuple[Callable[..., Any], Callable[..., Any], list[list[float]]]] = [
        (special.gammainc, sps.gammainc, [[1.0, 2.0, -1.0, 0.5], [0.0, -1.0, 1.0, np.inf]]),
        (special.gammaincc, sps.gammaincc, [[1.0, 2.0, -1.0, 0.5], [0.0, -1.0, 1.0, np.inf]]),
        (
            special.betainc,
            sps.betainc,
            [[1.0, 2.0, 2.0, -1.0], [1.0, 3.0, 3.0, 1.0], [0.0, 1.0, 1.5, 0.5]],
        ),
        (
            special.zeta,
            sps.zeta,
            [[1.0, 0.5, 2.0, 2.0, 2.0, 3.0], [1.0, 1.0, -1.0, -1.5, 0.0, -7.3]],
        ),
        (special.expn, sps.expn, [[0.0, 1.0, 3.0, 2.0], [0.0, 0.0, 0.0, -1.0]]),
        (special.expi, sps.expi, [[0.0, -1e-3, 1e-8, 40.5]]),
        (special.spence, sps.spence, [[0.0, 1.0, -1.0, 1e-9, 100.0]]),
        (special.factorial, sps.factorial, [[-1.0, 0.0, 5.0]]),
        (special.gamma, sps.gamma, [[0.0, -1.0, -0.5, 171.5]]),
        (special.erfcx, sps.erfcx, [[0.0, 2.0, -30.0, 1e5]]),
        (special.log_ndtr, sps.log_ndtr, [[0.0, -1e3, 40.0]]),
    ]
    with fad.config.enable_x64_scope(x64):
        for fn, ref, args in rows:
            cast = [np.array(a, dt) for a in args]
            want = ref(*[c.astype(np.float64) for c in cast])
            got = np.asarray(fn(*cast))
            np.testing.assert_allclose(
                got, want.astype(dt), rtol=1e-6 if x64 else 1e-4, err_msg=fn.__name__
            )
            np.testing.assert_allclose(
                np.asarray(fad.jit(fn)(*cast)), got, rtol=1e-6 if x64 else 1e-4, err_msg=fn.__name__
            )


def test_bernoulli_and_multigammaln() -> None:
    with fad.config.enable_x64_scope(True):
        b = np.asarray(special.bernoulli(10))
        np.testing.assert_allclose(b, sps.bernoulli(10), rtol=1e-11)
        # Exact (scipy's own are off in the 12th digit): B_4 = -1/30, B_10 = 5/66.
        assert b[4] == -1 / 30 and b[10] == 5 / 66
        x = RNG.uniform(3, 6, 4)
        np.testing.assert_allclose(
            np.asarray(special.multigammaln(x, 3)), sps.multigammaln(x, 3), rtol=1e-12
        )
        check_grads(lambda v: special.multigammaln(v, 3), [jnp.asarray(x)], order=2)
    with pytest.raises(ValueError, match="bernoulli: n"):
        special.bernoulli(-1)
    with pytest.raises(ValueError, match="multigammaln: d"):
        special.multigammaln(3.0, 0)


def test_bessel_jn() -> None:
    z = RNG.uniform(-20, 20, 8)
    with fad.config.enable_x64_scope(True):
        out = special.bessel_jn(z, v=4)
        assert out.shape == (5, 8)
        want = np.stack([sps.jv(k, z) for k in range(5)])
        np.testing.assert_allclose(np.asarray(out), want, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(
            np.asarray(fad.jit(lambda v: special.bessel_jn(v, v=4))(z)), want, rtol=1e-9, atol=1e-12
        )
        np.testing.assert_allclose(
            np.asarray(fad.vmap(lambda v: special.bessel_jn(v, v=4))(z)),
            want.T,
            rtol=1e-9,
            atol=1e-12,
        )
        # d/dz J_0 = -J_1
        d0 = fad.vmap(fad.grad(lambda v: special.bessel_jn(v, v=1)[0]))(jnp.asarray(z))
        np.testing.assert_allclose(np.asarray(d0), -sps.jv(1, z), rtol=1e-8, atol=1e-10)
        check_grads(lambda v: special.bessel_jn(v, v=2), [jnp.asarray(z[:2])], order=2, rtol=1e-4)
    with pytest.raises(ValueError, match="bessel_jn: v"):
        special.bessel_jn(1.0, v=-1)


def test_rejects_complex() -> None:
    with pytest.raises(TypeError, match="gammainc does not accept complex"):
        special.gammainc(1.0 + 1j, 2.0)


def test_wofz() -> None:
    z = RNG.uniform(-8, 8, 12) + 1j * RNG.uniform(-4, 8, 12)
    with fad.config.enable_x64_scope(True):
        np.testing.assert_allclose(np.asarray(special.wofz(z)), sps.wofz(z), rtol=1e-12)
        x = RNG.uniform(-5, 5, 6)
        assert special.wofz(x).dtype == np.complex128
        np.testing.assert_allclose(np.asarray(special.wofz(x)), sps.wofz(x), rtol=1e-12)
        np.testing.assert_allclose(np.asarray(fad.jit(special.wofz)(z)), sps.wofz(z), rtol=1e-12)
        np.testing.assert_allclose(np.asarray(fad.vmap(special.wofz)(z)), sps.wofz(z), rtol=1e-12)
        # Holomorphic, with w'(z) = -2 z w(z) + 2i / sqrt(pi): the JVP along 1 is w'(z).
        zz = jnp.asarray(z[:4])
        _, dw = fad.jvp(special.wofz, (zz,), (fad.tangent(jnp.ones_like(zz)),))
        want = -2 * z[:4] * sps.wofz(z[:4]) + 2j / np.sqrt(np.pi)
        np.testing.assert_allclose(np.asarray(dw), want, rtol=1e-10)
        check_grads(lambda v: special.wofz(v).real, [jnp.asarray(x[:2])], order=2, rtol=1e-5)
    assert special.wofz(np.float32(0.5)).dtype == np.complex64


def test_sph_harm_y() -> None:
    n = np.array([0, 1, 2, 3, 4, 5, 2, 3])
    m = np.array([0, -1, 2, -3, 1, 6, -2, 0])
    th, ph = RNG.uniform(0, np.pi, 8), RNG.uniform(0, 2 * np.pi, 8)
    with fad.config.enable_x64_scope(True):
        want = sps.sph_harm_y(n, m, th, ph)
        np.testing.assert_allclose(
            np.asarray(special.sph_harm_y(n, m, th, ph)), want, rtol=1e-12, atol=1e-15
        )
        jitted = fad.jit(lambda t, p: special.sph_harm_y(n, m, t, p, n_max=5))(th, ph)
        np.testing.assert_allclose(np.asarray(jitted), want, rtol=1e-12, atol=1e-15)
        per = fad.vmap(lambda a, b, t, p: special.sph_harm_y(a, b, t, p, n_max=5))(n, m, th, ph)
        np.testing.assert_allclose(np.asarray(per), want, rtol=1e-12, atol=1e-15)
        # d/dphi Y = i m Y.
        d_phi = fad.jvp(
            lambda p: special.sph_harm_y(n, m, th, p),
            (jnp.asarray(ph),),
            (fad.tangent(jnp.ones(8)),),
        )[1]
        np.testing.assert_allclose(np.asarray(d_phi), 1j * m * want, rtol=1e-10, atol=1e-14)
        check_grads(
            lambda t: special.sph_harm_y(n[:3], m[:3], t, ph[:3]).real,
            [jnp.asarray(th[:3])],
            order=2,
            rtol=1e-5,
        )
    with pytest.raises(TypeError, match="sph_harm_y: n must be integers"):
        special.sph_harm_y(np.array([1.0]), m[:1], th[:1], ph[:1])


def test_logsumexp_where() -> None:
    a = RNG.normal(size=(3, 4))
    mask = a > -0.5
    mask[:, 0] = True
    with fad.config.enable_x64_scope(True):
        want = np.array([np.log(np.exp(r[m]).sum()) for r, m in zip(a, mask, strict=True)])
        np.testing.assert_allclose(
            np.asarray(special.logsumexp(a, axis=1, where=mask)), want, rtol=1e-12
        )
        b = RNG.uniform(0.5, 2, (3, 4))
        want_b = np.array(
            [np.log((bb[m] * np.exp(r[m])).sum()) for r, bb, m in zip(a, b, mask, strict=True)]
        )
        np.testing.assert_allclose(
            np.asarray(special.logsumexp(a, axis=1, b=b, where=mask)), want_b, rtol=1e-12
        )
        g = fad.grad(lambda v: special.logsumexp(v, where=mask))(jnp.asarray(a))
        assert np.all(np.asarray(g)[~mask] == 0)
        np.testing.assert_allclose(
            np.asarray(fad.jit(lambda v: special.logsumexp(v, axis=1, where=mask))(a)),
            want,
            rtol=1e-12,
        )
