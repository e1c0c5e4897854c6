"""fad.scipy.special against scipy.special: values, dtypes and gradients."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.special as sps

import fad
import fad.numpy as jnp
from fad.scipy import special

NDArray = np.ndarray[Any, Any]

RNG = np.random.default_rng(0)
DOMAINS: dict[str, NDArray] = {
    "real": RNG.uniform(-4, 4, size=(3, 5)),
    "prob": RNG.uniform(0.01, 0.99, size=(3, 5)),
    "open": RNG.uniform(-0.99, 0.99, size=(3, 5)),
    "pos": RNG.uniform(0.1, 6, size=(3, 5)),
}

UNARY: list[tuple[str, Callable[..., Any], Callable[..., Any], str]] = [
    ("expit", special.expit, sps.expit, "real"),
    ("logit", special.logit, sps.logit, "prob"),
    ("erf", special.erf, sps.erf, "real"),
    ("erfc", special.erfc, sps.erfc, "real"),
    ("erfinv", special.erfinv, sps.erfinv, "open"),
    ("gammaln", special.gammaln, sps.gammaln, "pos"),
    ("gammaln-neg", special.gammaln, sps.gammaln, "real"),
    ("digamma", special.digamma, sps.digamma, "pos"),
    ("ndtr", special.ndtr, sps.ndtr, "real"),
    ("ndtri", special.ndtri, sps.ndtri, "prob"),
    ("entr", special.entr, sps.entr, "pos"),
]


@pytest.mark.parametrize("x64", [False, True], ids=["f32", "f64"])
@pytest.mark.parametrize(("name", "fn", "ref", "domain"), UNARY, ids=[u[0] for u in UNARY])
def test_unary(
    name: str, fn: Callable[..., Any], ref: Callable[..., Any], domain: str, x64: bool
) -> None:
    x = DOMAINS[domain]
    dt = np.float64 if x64 else np.float32
    xd = x.astype(dt)
    with fad.config.enable_x64_scope(x64):
        out = fn(xd)
        assert out.dtype == dt and out.shape == x.shape
        expected = ref(xd.astype(np.float64))
        np.testing.assert_allclose(
            np.asarray(out), expected, rtol=1e-12 if x64 else 2e-5, atol=1e-12 if x64 else 1e-6
        )
        # Integers are promoted to the default float (logit(2) is nan: no warning wanted).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            assert fn(np.array([1, 2])).dtype == dt


def _num_grad(f: Callable[[NDArray], float], x: NDArray, eps: float = 1e-6) -> NDArray:
    g = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (f(x + d) - f(x - d)) / (2 * eps)
    return g


@pytest.mark.parametrize(("name", "fn", "ref", "domain"), UNARY, ids=[u[0] for u in UNARY])
def test_unary_gradients(
    name: str, fn: Callable[..., Any], ref: Callable[..., Any], domain: str
) -> None:
    x = DOMAINS[domain][0]
    with fad.config.enable_x64_scope(True):
        g = fad.grad(lambda v: jnp.sum(fn(v)))(jnp.asarray(x))
        num = _num_grad(lambda v: float(np.sum(ref(v))), x)
        np.testing.assert_allclose(np.asarray(g), num, rtol=1e-5, atol=1e-8)


def test_polygamma() -> None:
    x = DOMAINS["pos"]
    with fad.config.enable_x64_scope(True):
        for n in (0, 1, 3):
            np.testing.assert_allclose(
                np.asarray(special.polygamma(n, x)), sps.polygamma(n, x), rtol=1e-10
            )
        g = fad.grad(lambda v: jnp.sum(special.digamma(v)))(jnp.asarray(x))
        np.testing.assert_allclose(np.asarray(g), sps.polygamma(1, x), rtol=1e-10)


@pytest.mark.parametrize("name", ["xlogy", "xlog1py"])
def test_xlogy(name: str) -> None:
    fn = getattr(special, name)
    ref = getattr(sps, name)
    x = np.array([0.0, 0.0, 0.0, 2.0, -1.5, 3.0])
    y = (
        np.array([0.0, 1.0, -1.0, 0.5, 2.0, 4.0])
        if name == "xlogy"
        else np.array([-1.0, 0.0, -2.0, 0.5, 2.0, -0.5])
    )
    with fad.config.enable_x64_scope(True), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = fn(x, y)
        np.testing.assert_allclose(np.asarray(out), ref(x, y), rtol=1e-12)
        assert out.dtype == np.float64
        # Where x == 0 the gradient is finite: d/dx = log(y) is irrelevant at the masked points,
        # and nothing flows into y.
        def total(a: fad.Array, b: fad.Array) -> fad.Array:
            out: fad.Array = fn(a, b)
            return jnp.sum(out)

        gx, gy = fad.grad(total, argnums=(0, 1))(jnp.asarray(x), jnp.asarray(y))
        assert np.all(np.isfinite(np.asarray(gy)))
        live = x != 0
        inner = np.log(y[live]) if name == "xlogy" else np.log1p(y[live])
        np.testing.assert_allclose(np.asarray(gx)[live], inner, rtol=1e-12)
        np.testing.assert_array_equal(np.asarray(gy)[~live], 0.0)
        # Broadcasting and dtype promotion.
        assert fn(np.float32(2.0), np.array([1, 2])).dtype == np.float32


LSE_AXES: list[Any] = [None, 0, 1, -1, (0, 2), ()]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", LSE_AXES, ids=str)
def test_logsumexp_matches_scipy(axis: Any, keepdims: bool) -> None:
    a = RNG.normal(size=(2, 3, 4)) * 30
    with fad.config.enable_x64_scope(True):
        out = special.logsumexp(a, axis=axis, keepdims=keepdims)
        ref = sps.logsumexp(a, axis=axis, keepdims=keepdims)
        assert out.shape == np.shape(ref) and out.dtype == np.float64
        np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-12)
    out32 = special.logsumexp(a.astype(np.float32), axis=axis, keepdims=keepdims)
    assert out32.dtype == np.float32
    np.testing.assert_allclose(np.asarray(out32), ref, rtol=1e-5)


def test_logsumexp_weights_and_sign() -> None:
    a = RNG.normal(size=(3, 4))
    b = RNG.normal(size=(3, 4))
    b[0, 1] = 0.0
    a[0, 1] = np.inf  # masked by its zero weight
    with fad.config.enable_x64_scope(True), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for axis in (None, 0, 1):
            out, sign = special.logsumexp(a, axis=axis, b=b, return_sign=True)
            ref, ref_sign = sps.logsumexp(a, axis=axis, b=b, return_sign=True)
            np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-10)
            np.testing.assert_array_equal(np.asarray(sign), ref_sign)
            plain = special.logsumexp(a, axis=axis, b=b)
            expected = np.where(ref_sign < 0, np.nan, ref)
            np.testing.assert_allclose(np.asarray(plain), expected, rtol=1e-10)
        out = special.logsumexp(a[1], b=np.abs(b[1]))
        np.testing.assert_allclose(float(out), sps.logsumexp(a[1], b=np.abs(b[1])), rtol=1e-12)


def test_logsumexp_infinities_and_empty() -> None:
    a = np.array(
        [
            [-np.inf, -np.inf, -np.inf],
            [0.0, -np.inf, 1.0],
            [np.inf, 0.0, 1.0],
            [np.nan, 0.0, 1.0],
            [1e30, 1e30, -1e30],
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = special.logsumexp(a.astype(np.float32), axis=1)
        ref = sps.logsumexp(a, axis=1)
    np.testing.assert_allclose(np.asarray(out), ref.astype(np.float32), rtol=1e-6)
    empty = special.logsumexp(np.zeros((2, 0), np.float32), axis=1)
    np.testing.assert_array_equal(np.asarray(empty), [-np.inf, -np.inf])


def test_logsumexp_gradient_is_softmax() -> None:
    a = RNG.normal(size=(3, 4)) * 50
    with fad.config.enable_x64_scope(True):
        g = fad.grad(lambda x: jnp.sum(special.logsumexp(x, axis=1)))(jnp.asarray(a))
        soft = np.exp(a - sps.logsumexp(a, axis=1, keepdims=True))
        np.testing.assert_allclose(np.asarray(g), soft, rtol=1e-12)
        # The max is a constant to differentiation: no tie-splitting artefacts at equal maxima.
        ties = np.array([2.0, 2.0, 0.0])
        g2 = fad.grad(lambda x: special.logsumexp(x))(jnp.asarray(ties))
        np.testing.assert_allclose(np.asarray(g2), np.exp(ties - sps.logsumexp(ties)), rtol=1e-12)
        # A row of -inf has zero gradient rather than nan.
        rows = np.array([[-np.inf, -np.inf], [0.0, 1.0]])
        g3 = fad.grad(lambda x: jnp.sum(special.logsumexp(x, axis=1)))(jnp.asarray(rows))
        assert np.all(np.isfinite(np.asarray(g3)))
        np.testing.assert_allclose(np.asarray(g3)[1], np.exp(rows[1] - sps.logsumexp(rows[1])))
        # With weights: d/db = exp(a) / sum(b exp(a)).
        w = np.abs(RNG.normal(size=4)) + 0.1
        gb = fad.grad(lambda bb: special.logsumexp(a[0], b=bb))(jnp.asarray(w))
        np.testing.assert_allclose(
            np.asarray(gb), np.exp(a[0] - sps.logsumexp(a[0], b=w)), rtol=1e-10
        )


def test_logsumexp_under_vmap_and_softmax() -> None:
    a = RNG.normal(size=(4, 5)).astype(np.float32)
    out = fad.vmap(lambda r: special.logsumexp(r))(jnp.asarray(a))
    np.testing.assert_allclose(np.asarray(out), sps.logsumexp(a, axis=1), rtol=1e-5)
    np.testing.assert_allclose(
        np.asarray(special.softmax(a, axis=1)), sps.softmax(a, axis=1), rtol=1e-5
    )
    np.testing.assert_allclose(
        np.asarray(special.log_softmax(a, axis=0)), sps.log_softmax(a, axis=0), rtol=1e-5, atol=1e-6
    )
    with pytest.raises(TypeError, match="complex"):
        special.logsumexp(np.ones(2, np.complex64))
