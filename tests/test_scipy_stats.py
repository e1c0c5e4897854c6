"""fad.scipy.stats against scipy.stats: every distribution function's values (float64 and
float32), derivatives to order 2 by finite differences, one vmap and one jit case each;
and mode, rankdata, sem and gaussian_kde."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.stats as ss

import fad
import fad.numpy as jnp
from fad.scipy import stats
from fad.test_util import check_grads

NDArray = np.ndarray[Any, Any]
RNG = np.random.default_rng(3)
X = RNG.uniform(-3, 6, 8)
Q = RNG.uniform(0.02, 0.98, 8)
UNIT = RNG.uniform(0.02, 0.98, 8)
K = np.arange(-1, 7).astype(np.float64)
LOC, SCALE = 0.3, 1.7

# (distribution, function, first argument, shape parameters)
CONTINUOUS: list[tuple[str, str, NDArray, tuple[float, ...]]] = []
for _d in ("norm", "expon", "laplace", "logistic", "cauchy", "uniform", "gumbel_r", "gumbel_l"):
    for _f in getattr(stats, _d).__all__:
        CONTINUOUS.append((_d, _f, Q if _f in ("ppf", "isf") else X, ()))
for _d, _shape in (
    ("gamma", (2.5,)),
    ("chi2", (3.5,)),
    ("beta", (2.5, 1.5)),
    ("t", (2.5,)),
    ("pareto", (2.5,)),
):
    for _f in getattr(stats, _d).__all__:
        _x = Q if _f == "ppf" else (UNIT * SCALE + LOC if _d == "beta" else X)
        CONTINUOUS.append((_d, _f, _x, _shape))
CASES = [c for c in CONTINUOUS]


def _loc_scale(d: str) -> tuple[float, ...]:
    return (LOC, SCALE)


@pytest.mark.parametrize("x64", [False, True], ids=["f32", "f64"])
@pytest.mark.parametrize(("dist", "fn", "x", "shape"), CASES, ids=[f"{c[0]}.{c[1]}" for c in CASES])
def test_continuous_values(
    dist: str, fn: str, x: NDArray, shape: tuple[float, ...], x64: bool
) -> None:
    dt = np.float64 if x64 else np.float32
    ours, ref = getattr(getattr(stats, dist), fn), getattr(getattr(ss, dist), fn)
    with fad.config.enable_x64_scope(x64):
        out = ours(x.astype(dt), *shape, *_loc_scale(dist))
        assert out.dtype == dt
        want = ref(x.astype(dt).astype(np.float64), *shape, *_loc_scale(dist))
        np.testing.assert_allclose(
            np.asarray(out), want, rtol=1e-10 if x64 else 2e-4, atol=1e-12 if x64 else 1e-5
        )


@pytest.mark.parametrize(("dist", "fn", "x", "shape"), CASES, ids=[f"{c[0]}.{c[1]}" for c in CASES])
def test_continuous_gradients_vmap_jit(
    dist: str, fn: str, x: NDArray, shape: tuple[float, ...]
) -> None:
    ours = getattr(getattr(stats, dist), fn)
    # Points inside the support, away from kinks (laplace at loc, uniform's edges).
    pts = x[2:4]
    if dist == "uniform" and fn not in ("ppf",):
        pts = LOC + SCALE * np.array([0.3, 0.6])
    if dist == "pareto" and fn != "ppf":
        pts = LOC + SCALE * np.array([1.5, 3.0])
    if dist in ("expon", "gamma", "chi2") and fn not in ("ppf",):
        pts = LOC + np.array([0.7, 2.5])
    with fad.config.enable_x64_scope(True):
        params = [
            jnp.asarray(pts),
            *(jnp.asarray(s) for s in shape),
            jnp.asarray(LOC),
            jnp.asarray(SCALE),
        ]
        # The incomplete gamma and beta functions' series are checked to order 2 in
        # test_scipy_special_more.py; here one order keeps the test fast.
        incomplete = dist in ("gamma", "chi2", "beta") and fn not in ("logpdf", "pdf")
        if not (dist == "uniform" and fn in ("logpdf", "pdf")):
            check_grads(ours, params, order=1 if incomplete else 2, rtol=1e-4, atol=1e-7)
        eager = ours(x, *shape, LOC, SCALE)
        np.testing.assert_allclose(
            np.asarray(fad.jit(ours)(x, *shape, LOC, SCALE)), np.asarray(eager), rtol=1e-12
        )
        batched = fad.vmap(lambda v: ours(v, *shape, LOC, SCALE))(jnp.asarray(x))
        np.testing.assert_allclose(np.asarray(batched), np.asarray(eager), rtol=1e-12)


def test_gennorm_and_circular() -> None:
    z = RNG.uniform(-3, 3, 8)
    with fad.config.enable_x64_scope(True):
        for f in stats.gennorm.__all__:
            np.testing.assert_allclose(
                np.asarray(getattr(stats.gennorm, f)(z, 1.7)),
                getattr(ss.gennorm, f)(z, 1.7),
                rtol=1e-10,
            )
        np.testing.assert_allclose(
            np.asarray(stats.vonmises.logpdf(z, 2.3)), ss.vonmises.logpdf(z, 2.3), rtol=1e-10
        )
        np.testing.assert_allclose(
            np.asarray(stats.vonmises.pdf(z, 50.0)),
            ss.vonmises.pdf(z, 50.0),
            rtol=1e-9,
            atol=1e-300,
        )
        w = RNG.uniform(0, 2 * np.pi, 8)
        np.testing.assert_allclose(
            np.asarray(stats.wrapcauchy.pdf(w, 0.4)), ss.wrapcauchy.pdf(w, 0.4), rtol=1e-10
        )
        check_grads(
            stats.gennorm.logpdf, [jnp.asarray(z[:2]), jnp.asarray(1.7)], order=2, rtol=1e-4
        )
        check_grads(
            stats.vonmises.logpdf, [jnp.asarray(z[:2]), jnp.asarray(2.3)], order=2, rtol=1e-4
        )
        check_grads(
            stats.wrapcauchy.logpdf, [jnp.asarray(w[:2]), jnp.asarray(0.4)], order=2, rtol=1e-4
        )
        np.testing.assert_allclose(
            np.asarray(fad.jit(stats.gennorm.cdf)(z, 1.7)), ss.gennorm.cdf(z, 1.7), rtol=1e-10
        )
        np.testing.assert_allclose(
            np.asarray(fad.vmap(stats.vonmises.pdf, (0, None))(z, 2.3)),
            ss.vonmises.pdf(z, 2.3),
            rtol=1e-10,
        )


DISCRETE: list[tuple[str, Callable[..., Any], Callable[..., Any], tuple[float, ...]]] = [
    ("geom", stats.geom.logpmf, ss.geom.logpmf, (0.3, 1.0)),
    ("poisson.logpmf", stats.poisson.logpmf, ss.poisson.logpmf, (3.5, 1.0)),
    ("poisson.pmf", stats.poisson.pmf, ss.poisson.pmf, (3.5,)),
    ("poisson.cdf", stats.poisson.cdf, ss.poisson.cdf, (3.5, 1.0)),
    ("bernoulli.logpmf", stats.bernoulli.logpmf, ss.bernoulli.logpmf, (0.3,)),
    ("bernoulli.pmf", stats.bernoulli.pmf, ss.bernoulli.pmf, (0.3,)),
    ("binom", stats.binom.logpmf, ss.binom.logpmf, (5.0, 0.3)),
    ("binom.pmf", stats.binom.pmf, ss.binom.pmf, (5.0, 0.3)),
    ("nbinom", stats.nbinom.logpmf, ss.nbinom.logpmf, (4.0, 0.3)),
    ("nbinom.pmf", stats.nbinom.pmf, ss.nbinom.pmf, (4.0, 0.3)),
    ("betabinom", stats.betabinom.logpmf, ss.betabinom.logpmf, (5.0, 2.0, 3.0)),
    ("betabinom.pmf", stats.betabinom.pmf, ss.betabinom.pmf, (5.0, 2.0, 3.0)),
    ("geom.pmf", stats.geom.pmf, ss.geom.pmf, (0.3,)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "ours", "ref", "params"), DISCRETE, ids=[d[0] for d in DISCRETE])
def test_discrete(
    name: str, ours: Callable[..., Any], ref: Callable[..., Any], params: tuple[float, ...]
) -> None:
    with fad.config.enable_x64_scope(True):
        np.testing.assert_allclose(np.asarray(ours(K, *params)), ref(K, *params), rtol=1e-10)
        np.testing.assert_allclose(
            np.asarray(fad.jit(ours)(K, *params)), ref(K, *params), rtol=1e-10
        )
        np.testing.assert_allclose(
            np.asarray(fad.vmap(lambda k: ours(k, *params))(jnp.asarray(K))),
            ref(K, *params),
            rtol=1e-10,
        )
        # Differentiable in the continuous parameters (not in k or n).
        # Inside every support (geom's starts at 2 here, bernoulli's ends at 1).
        k = jnp.asarray(np.array([0.0, 1.0] if name.startswith("bernoulli") else [2.0, 3.0]))
        cont = [
            i
            for i, _ in enumerate(params)
            if not (name.startswith(("binom", "betabinom")) and i == 0)
        ]
        cont = [
            i
            for i in cont
            if not (
                len(params) > 1
                and i == len(params) - 1
                and params[i] == 1.0
                and name.startswith(("geom", "poisson"))
            )
        ]

        def f(*vals: Any) -> Any:
            full: list[Any] = list(params)
            for i, v in zip(cont, vals, strict=True):
                full[i] = v
            return ours(k, *full)

        order = 1 if name == "poisson.cdf" else 2  # gammaincc: order 2 in test_scipy_special_more
        check_grads(f, [jnp.asarray(params[i]) for i in cont], order=order, rtol=1e-4)


def test_bernoulli_cdf_ppf_and_poisson_entropy() -> None:
    with fad.config.enable_x64_scope(True):
        np.testing.assert_allclose(
            np.asarray(stats.bernoulli.cdf(K - 0.5, 0.3)), ss.bernoulli.cdf(K - 0.5, 0.3)
        )
        q = np.array([0.0, 0.3, 0.7, 0.71, 1.0])
        np.testing.assert_allclose(
            np.asarray(stats.bernoulli.ppf(q, 0.3)), ss.bernoulli.ppf(q, 0.3)
        )
        mu = np.array([0.5, 3.0, 50.0, 299.0, 301.0, 1000.0])
        np.testing.assert_allclose(
            np.asarray(stats.poisson.entropy(mu)), ss.poisson(mu).entropy(), rtol=1e-10
        )
        np.testing.assert_allclose(
            np.asarray(fad.jit(stats.poisson.entropy)(mu)), ss.poisson(mu).entropy(), rtol=1e-10
        )
        check_grads(stats.poisson.entropy, [jnp.asarray(np.array([2.5, 7.0]))], order=1, rtol=1e-4)


@pytest.mark.parametrize(
    "lo_hi", [(-1.0, 2.0), (1.0, 4.0), (-4.0, -1.5)], ids=["middle", "upper", "lower"]
)
def test_truncnorm(lo_hi: tuple[float, float]) -> None:
    a, b = lo_hi
    z = RNG.uniform(-5, 5, 12)
    with fad.config.enable_x64_scope(True):
        for f in stats.truncnorm.__all__:
            ours = getattr(stats.truncnorm, f)
            np.testing.assert_allclose(
                np.asarray(ours(z, a, b, 0.2, 1.3)),
                getattr(ss.truncnorm, f)(z, a, b, 0.2, 1.3),
                rtol=1e-9,
                atol=1e-300,
            )
        inside = 0.2 + 1.3 * np.array([a + 0.3 * (b - a), a + 0.6 * (b - a)])
        check_grads(
            stats.truncnorm.logpdf,
            [
                jnp.asarray(inside),
                jnp.asarray(a),
                jnp.asarray(b),
                jnp.asarray(0.2),
                jnp.asarray(1.3),
            ],
            order=2,
            rtol=1e-4,
        )
        check_grads(
            stats.truncnorm.cdf,
            [jnp.asarray(inside), jnp.asarray(a), jnp.asarray(b)],
            order=1,
            rtol=1e-4,
        )
        np.testing.assert_allclose(
            np.asarray(fad.jit(stats.truncnorm.sf)(z, a, b)), ss.truncnorm.sf(z, a, b), rtol=1e-9
        )


def test_multivariate() -> None:
    cov = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 0.5]])
    mean = np.array([0.1, -0.2, 0.3])
    x = RNG.normal(size=(5, 3))
    p = np.array([0.2, 0.3, 0.5])
    counts = np.array([[2.0, 3.0, 5.0], [1.0, 1.0, 8.0], [1.0, 1.0, 1.0]])
    alpha = np.array([1.5, 2.0, 3.0])
    xd = RNG.dirichlet(alpha, 4).T
    with fad.config.enable_x64_scope(True):
        mvn = stats.multivariate_normal
        np.testing.assert_allclose(
            np.asarray(mvn.logpdf(x, mean, cov)),
            ss.multivariate_normal.logpdf(x, mean, cov),
            rtol=1e-12,
        )
        np.testing.assert_allclose(
            np.asarray(mvn.pdf(x[0], mean, cov)),
            ss.multivariate_normal.pdf(x[0], mean, cov),
            rtol=1e-12,
        )
        np.testing.assert_allclose(
            np.asarray(mvn.logpdf(x, mean, np.array([1.0, 2.0, 3.0]))),
            ss.multivariate_normal.logpdf(x, mean, np.diag([1.0, 2.0, 3.0])),
            rtol=1e-12,
        )
        check_grads(
            mvn.logpdf,
            [jnp.asarray(x[:2]), jnp.asarray(mean), jnp.asarray(cov)],
            order=2,
            rtol=1e-4,
        )
        np.testing.assert_allclose(
            np.asarray(fad.vmap(mvn.logpdf, (0, None, None))(x, mean, cov)),
            ss.multivariate_normal.logpdf(x, mean, cov),
            rtol=1e-12,
        )
        np.testing.assert_allclose(
            np.asarray(fad.jit(mvn.logpdf)(x, mean, cov)),
            ss.multivariate_normal.logpdf(x, mean, cov),
            rtol=1e-12,
        )
        want = ss.multinomial.logpmf(counts, 10, p)
        np.testing.assert_allclose(
            np.asarray(stats.multinomial.logpmf(counts, 10.0, p)), want, rtol=1e-12
        )
        np.testing.assert_allclose(
            np.asarray(fad.jit(stats.multinomial.pmf)(counts, 10.0, p)), np.exp(want), rtol=1e-12
        )
        check_grads(
            lambda q: stats.multinomial.logpmf(counts[:2], 10.0, q),
            [jnp.asarray(p)],
            order=2,
            rtol=1e-4,
        )
        np.testing.assert_allclose(
            np.asarray(stats.dirichlet.logpdf(xd, alpha)),
            ss.dirichlet.logpdf(xd, alpha),
            rtol=1e-12,
        )
        np.testing.assert_allclose(
            np.asarray(stats.dirichlet.pdf(xd[:2], alpha)), ss.dirichlet.pdf(xd, alpha), rtol=1e-12
        )
        # In alpha only: a finite difference in x leaves the simplex.
        x2 = xd[:, :2]
        check_grads(lambda al: stats.dirichlet.logpdf(x2, al), [jnp.asarray(alpha)], order=2)
        np.testing.assert_allclose(
            np.asarray(fad.vmap(stats.dirichlet.logpdf, (1, None))(xd, alpha)),
            ss.dirichlet.logpdf(xd, alpha),
            rtol=1e-12,
        )
    with pytest.raises(ValueError, match=r"multivariate_normal\.logpdf: cov"):
        stats.multivariate_normal.logpdf(x, mean, np.eye(2))


def test_mode_rankdata_sem() -> None:
    data = RNG.integers(0, 4, (6, 5)).astype(np.float64)
    with fad.config.enable_x64_scope(True):
        for axis in (0, 1, None):
            m, m0 = stats.mode(data, axis=axis), ss.mode(data, axis=axis)
            np.testing.assert_array_equal(np.asarray(m.mode), m0.mode)
            np.testing.assert_array_equal(np.asarray(m.count), m0.count)
        mk = stats.mode(data, axis=1, keepdims=True)
        assert mk.mode.shape == (6, 1)
        for method in ("average", "min", "max", "dense", "ordinal"):
            for axis in (None, 0, 1):
                np.testing.assert_array_equal(
                    np.asarray(stats.rankdata(data, method, axis=axis)),
                    ss.rankdata(data, method, axis=axis),
                )
        np.testing.assert_array_equal(
            np.asarray(fad.jit(lambda v: stats.rankdata(v, "average"))(data)), ss.rankdata(data)
        )
        np.testing.assert_array_equal(
            np.asarray(fad.vmap(lambda v: stats.mode(v).mode)(data)), ss.mode(data, axis=1).mode
        )
        x = RNG.normal(size=(4, 6))
        np.testing.assert_allclose(np.asarray(stats.sem(x)), ss.sem(x), rtol=1e-12)
        np.testing.assert_allclose(
            np.asarray(stats.sem(x, axis=None, ddof=0)), ss.sem(x, axis=None, ddof=0), rtol=1e-12
        )
        check_grads(lambda v: stats.sem(v, axis=1), [jnp.asarray(x[:2, :3])], order=2)
    with pytest.raises(ValueError, match="rankdata: method"):
        stats.rankdata(data, "first")


def test_gaussian_kde() -> None:
    data = RNG.normal(size=(2, 30))
    w = RNG.uniform(0.1, 1, 30)
    pts = RNG.normal(size=(2, 7))
    with fad.config.enable_x64_scope(True):
        ours, ref = stats.gaussian_kde(data, weights=w), ss.gaussian_kde(data, weights=w)
        np.testing.assert_allclose(np.asarray(ours(pts)), ref(pts), rtol=1e-12)
        np.testing.assert_allclose(np.asarray(ours.logpdf(pts)), ref.logpdf(pts), rtol=1e-12)
        np.testing.assert_allclose(np.asarray(ours.neff), ref.neff, rtol=1e-12)
        for bw in ("silverman", 0.4):
            np.testing.assert_allclose(
                np.asarray(stats.gaussian_kde(data, bw)(pts)),
                ss.gaussian_kde(data, bw)(pts),
                rtol=1e-12,
            )
        np.testing.assert_allclose(
            np.asarray(ours.integrate_gaussian(np.zeros(2), np.eye(2))),
            ref.integrate_gaussian(np.zeros(2), np.eye(2)),
            rtol=1e-12,
        )
        np.testing.assert_allclose(
            np.asarray(ours.integrate_kde(stats.gaussian_kde(pts))),
            ref.integrate_kde(ss.gaussian_kde(pts)),
            rtol=1e-12,
        )
        d1 = RNG.normal(size=40)
        np.testing.assert_allclose(
            np.asarray(stats.gaussian_kde(d1).integrate_box_1d(-0.5, 1.0)),
            ss.gaussian_kde(d1).integrate_box_1d(-0.5, 1.0),
            rtol=1e-12,
        )
        # A pytree: it passes through jit, and the density is differentiable in the data.
        np.testing.assert_allclose(
            np.asarray(fad.jit(lambda k, p: k(p))(ours, pts)), ref(pts), rtol=1e-12
        )
        check_grads(
            lambda d: stats.gaussian_kde(d).logpdf(pts[:, :2]),
            [jnp.asarray(data[:, :6])],
            order=2,
            rtol=1e-4,
        )
        np.testing.assert_allclose(
            np.asarray(fad.vmap(lambda p: ours(p[:, None])[0], in_axes=1)(pts)),
            ref(pts),
            rtol=1e-12,
        )
        draws = ours.resample(fad.random.key(0), (2000,))
        assert draws.shape == (2, 2000)
        # The sample mean is the weighted data mean (the kernel noise has mean zero).
        np.testing.assert_allclose(
            np.asarray(draws).mean(axis=1), (data * w).sum(1) / w.sum(), atol=0.1
        )
    with pytest.raises(NotImplementedError, match="set_bandwidth"):
        ours.set_bandwidth("scott")
