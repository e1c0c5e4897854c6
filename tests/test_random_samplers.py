"""fad.random's distribution samplers against JAX 0.10.2, bit for bit.

The truth is ``tests/data/random_reference_samplers.json``, recorded with JAX by
``tools/record_random_samplers.py`` under both threefry schemes: sample values, and
``jax.grad`` of a weighted sum of the samples for gamma, loggamma and the samplers built
on them (the implicit reparameterization gradient). Each sampler is compiled, so a case
costs a compilation (seconds for the loop-based ones): by default the cheap samplers run
every recorded case and the loop-based ones a sample of them, eagerly and under ``jit``;
set ``FAD_RANDOM_ALL_CASES=1`` to replay every case both ways. Beyond JAX: gamma's
gradient against scipy's incomplete gamma function, ``vmap`` against a loop, edge values,
and the argument errors.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.special as sps

import fad
import fad.numpy as jnp
from fad import random
from fad._src.core import Array

_REFERENCE = json.loads(
    (Path(__file__).parent / "data" / "random_reference_samplers.json").read_text("utf-8")
)
CASES: list[dict[str, Any]] = _REFERENCE["cases"]
_ALL = os.environ.get("FAD_RANDOM_ALL_CASES") == "1"

# Samplers with rejection loops compile for seconds: a sample of their cases by default.
_LOOPED = {"gamma", "loggamma", "beta", "dirichlet", "chisquare", "t", "poisson", "binomial",
           "gamma_grad", "loggamma_grad", "beta_grad", "dirichlet_grad", "chisquare_grad",
           "t_grad"}  # fmt: skip
_EAGER_SAMPLE = frozenset({
    "gamma[array a]/part", "gamma[f64]/classic/x64", "gamma_grad[f64]/classic/x64",
    "loggamma_grad[array a]/part", "dirichlet_grad[alpha]/classic", "beta[arrays]/classic",
    "dirichlet[batch]/part",
    "chisquare[df]/part", "t[df]/classic", "poisson[lam]/classic", "binomial[arrays]/classic",
})  # fmt: skip
_JIT_SAMPLE = frozenset({
    "gamma[0.5,(5,)]/part", "poisson[25.0,(3,4)]/classic", "binomial[10,0.9,(6,)]/part",
    "exponential[(8,)]/classic", "laplace[(8,)]/part", "logistic[(8,)]/classic",
    "cauchy[f64]/part/x64", "pareto[b]/part", "weibull_min[(6,)]/classic",
    "rademacher[(10,)]/part", "multivariate_normal[cholesky]/classic",
    "orthogonal[3,m=5]/part",
})  # fmt: skip
EAGER_CASES = [c for c in CASES if _ALL or c["call"] not in _LOOPED or c["id"] in _EAGER_SAMPLE]
JIT_CASES = [
    c for c in CASES if (_ALL and not c["call"].endswith("_grad")) or c["id"] in _JIT_SAMPLE
]


@pytest.fixture(autouse=True)
def _restore_config() -> Iterator[None]:
    x64 = fad.config.read("enable_x64")
    part = fad.config.read("threefry_partitionable")
    yield
    fad.config.update("enable_x64", x64)
    fad.config.update("threefry_partitionable", part)


def _dec(v: Any) -> Any:
    if isinstance(v, dict) and "array" in v:
        return np.asarray(v["array"], dtype=v["dtype"])
    return v


def _call(case: dict[str, Any]) -> tuple[Callable[..., Any], list[Any], dict[str, Any]]:
    """The sampler, its positional arguments after the key, and its keywords."""
    kwargs = {k: tuple(v) if k == "shape" else v for k, v in case["kwargs"].items()}
    fn = getattr(random, case["call"].removesuffix("_grad"))
    return fn, [_dec(a) for a in case["args"]], kwargs


def _expected(case: dict[str, Any]) -> np.ndarray[Any, Any]:
    want = case["expect"]
    dt = np.dtype(want["dtype"])
    raw = np.asarray(want["bits"], np.uint64 if dt.kind == "f" else np.int64)
    vals = raw.astype(f"u{dt.itemsize}").view(dt) if dt.kind == "f" else raw.astype(dt)
    return vals.reshape(want["shape"])


def _assert_same_bits(got: Any, case: dict[str, Any]) -> None:
    g, want = np.asarray(got), _expected(case)
    assert g.dtype == want.dtype and g.shape == want.shape, (g.dtype, g.shape, want.dtype)
    if g.dtype.kind == "f":
        uint = f"u{g.dtype.itemsize}"
        bad = np.flatnonzero(g.view(uint) != want.view(uint))
    else:
        bad = np.flatnonzero(g != want)
    assert bad.size == 0, f"{bad.size} of {g.size} differ, first at {bad[:5]}: {g.ravel()[bad[:3]]}"


def _weighted_sum(x: Array) -> Array:
    """The gradient cases' objective, as the recording script defines it."""
    w = 1 + jnp.arange(x.size, dtype=x.dtype).reshape(x.shape) / x.size
    return jnp.sum(x * w)


# Gradients of samplers built on gamma: the chain rule outside the compiled sampler (exp,
# softmax, sqrt) runs in another order than JAX's, so these agree to rounding, not bits.
_CHAIN_RULE = frozenset({"beta_grad", "dirichlet_grad", "chisquare_grad", "t_grad"})


def _configure(case: dict[str, Any]) -> None:
    fad.config.update("enable_x64", case["x64"])
    fad.config.update("threefry_partitionable", case["partitionable"])


@pytest.mark.parametrize("case", EAGER_CASES, ids=[c["id"] for c in EAGER_CASES])
def test_matches_jax_reference(case: dict[str, Any]) -> None:
    _configure(case)
    fn, args, kwargs = _call(case)
    key = random.key(case["seed"])
    if case["call"].endswith("_grad"):
        objective = lambda a: _weighted_sum(fn(key, a, *args[1:], **kwargs))  # noqa: E731
        got = fad.grad(objective)(jnp.asarray(args[0]))
        if case["call"] in _CHAIN_RULE:
            np.testing.assert_allclose(got, _expected(case), rtol=2e-5)
            return
    else:
        got = fn(key, *args, **kwargs)
    _assert_same_bits(got, case)


@pytest.mark.parametrize("case", JIT_CASES, ids=[c["id"] for c in JIT_CASES])
def test_jit_matches_jax_reference(case: dict[str, Any]) -> None:
    """Under an outer ``jit``, with the key data and the float parameters as arguments.

    Parameters that are compile-time constants let XLA fold the arithmetic on them with
    its own rounding (gamma with ``a=0.5`` then differs in the last bits of one of five
    samples), as with ``truncated_normal``'s bounds; JAX's recorded calls had them as
    arguments. ``weibull_min`` takes a Python
    ``concentration`` as a number on purpose (JAX divides it in double precision).
    """
    _configure(case)
    fn, args, kwargs = _call(case)
    dynamic = [
        i for i, a in enumerate(args)
        if isinstance(a, np.ndarray) or (isinstance(a, float) and case["call"] != "weibull_min")
    ]  # fmt: skip

    def run(data: random.KeyData, *params: Array) -> Array:
        full = list(args)
        for i, p in zip(dynamic, params, strict=True):
            full[i] = p
        out: Array = fn(random.wrap_key_data(data), *full, **kwargs)
        return out

    data = random.key_data(random.key(case["seed"]))
    _assert_same_bits(fad.jit(run)(data, *(jnp.asarray(args[i]) for i in dynamic)), case)


def test_gamma_gradient_under_jit_matches_jax() -> None:
    (case,) = [c for c in CASES if c["id"] == "gamma_grad[array a]/classic"]
    _configure(case)
    fn, args, kwargs = _call(case)

    def objective(data: random.KeyData, a: Array) -> Array:
        return _weighted_sum(fn(random.wrap_key_data(data), a, **kwargs))

    grad = fad.jit(fad.grad(objective, argnums=1))
    _assert_same_bits(grad(random.key_data(random.key(case["seed"])), jnp.asarray(args[0])), case)


def test_reference_covers_every_sampler_under_both_schemes() -> None:
    calls = {c["call"] for c in CASES}
    assert calls == {
        "gamma", "loggamma", "beta", "dirichlet", "chisquare", "t", "poisson", "binomial",
        "exponential", "laplace", "logistic", "cauchy", "pareto", "weibull_min", "rademacher",
        "multivariate_normal", "orthogonal", "gamma_grad", "loggamma_grad", "beta_grad",
        "dirichlet_grad", "chisquare_grad", "t_grad",
    }  # fmt: skip
    for call in calls:
        assert {c["partitionable"] for c in CASES if c["call"] == call} == {False, True}
    # loggamma's values enter its gradient case (the gradient is a function of them).
    assert {c["call"].removesuffix("_grad") for c in EAGER_CASES} == {
        c.removesuffix("_grad") for c in calls
    }
    assert len(JIT_CASES) >= len(_JIT_SAMPLE)


# ---------------------------------------------------------------------------
# Derivatives
# ---------------------------------------------------------------------------


def test_gamma_gradient_is_the_implicit_reparameterization_gradient() -> None:
    """``dx/da = -(dF/da)(x; a) / f(x; a)``: the sample moves so that its CDF value stays
    put. Checked against scipy's regularized incomplete gamma function, differentiated
    in ``a`` by central differences, and the gamma density."""
    fad.config.update("enable_x64", True)
    key = random.key(3)
    a = np.array([0.4, 2.5, 9.0])  # the shape of a reference case: one compilation
    x = np.asarray(random.gamma(key, a, dtype=np.float64))
    g = np.asarray(fad.grad(lambda al: jnp.sum(random.gamma(key, al, dtype=np.float64)))(a))
    h = 1e-6
    dcdf_da = (sps.gammainc(a + h, x) - sps.gammainc(a - h, x)) / (2 * h)
    density = np.exp((a - 1) * np.log(x) - x - sps.gammaln(a))
    np.testing.assert_allclose(g, -dcdf_da / density, rtol=1e-5)


def test_vmap_over_keys_matches_a_loop() -> None:
    """Batched keys give each key's samples (to rounding: the batched program is compiled
    separately, and XLA may round a vectorized ``exp`` differently in the last bit)."""
    keys = random.split(random.key(11), 3)

    def draw(k: random.PRNGKeyArray, a: Array) -> Array:
        return random.beta(k, a, 2.0)

    a = jnp.asarray(1.5)
    batched = fad.vmap(draw, in_axes=(0, None))(keys, a)
    looped = np.stack([np.asarray(draw(k, a)) for k in keys])
    np.testing.assert_allclose(batched, looped, rtol=1e-6)


# ---------------------------------------------------------------------------
# Distributions (independent of JAX)
# ---------------------------------------------------------------------------


def test_sample_moments() -> None:
    k = random.split(random.key(2024), 6)
    n = 20000
    e = np.asarray(random.exponential(k[0], (n,)))
    assert e.min() >= 0 and abs(e.mean() - 1) < 0.03
    lap = np.asarray(random.laplace(k[1], (n,)))
    assert abs(lap.mean()) < 0.05 and abs(lap.var() - 2) < 0.1
    lo = np.asarray(random.logistic(k[2], (n,)))
    assert abs(lo.var() - np.pi**2 / 3) < 0.15
    w = np.asarray(random.weibull_min(k[3], 1.0, 2.0, (n,)))
    assert abs(w.mean() - np.sqrt(np.pi) / 2) < 0.02
    r = np.asarray(random.rademacher(k[4], (n,)))
    assert set(np.unique(r).tolist()) == {-1, 1} and abs(r.mean()) < 0.03
    q = np.asarray(random.orthogonal(k[5], 4, (3,)))
    np.testing.assert_allclose(q @ np.swapaxes(q, -1, -2), np.broadcast_to(np.eye(4), (3, 4, 4)),
                               atol=1e-5)  # fmt: skip


def test_binomial_and_poisson_edge_values() -> None:
    """Invalid counts and probabilities give nan, infinite counts inf, p = 1 all successes,
    rate 0 no events. (Shapes as in the reference cases, so the compilations are shared.)"""
    k = random.key(0)
    n = np.array([-1.0, np.inf, 4.0, 4.0, 3.0], np.float32)
    p = np.array([0.5, 0.5, np.nan, 1.0, -0.5], np.float32)
    out = np.asarray(random.binomial(k, n, p))
    assert np.isnan(out[[0, 2, 4]]).all() and out[1] == np.inf and out[3] == 4.0
    lam = np.array([0.0, 0.0, 1.0, 0.0, 50.0, 0.0, 0.0], np.float32)
    counts = np.asarray(random.poisson(k, lam))
    assert counts[[0, 1, 3, 5, 6]].tolist() == [0] * 5 and counts[4] > 20


# ---------------------------------------------------------------------------
# Argument errors
# ---------------------------------------------------------------------------


def test_argument_errors() -> None:
    k = random.key(0)
    with pytest.raises(TypeError, match="PRNG key"):
        random.gamma(jnp.ones(2), 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="float dtype"):
        random.exponential(k, (2,), np.int32)
    with pytest.raises(ValueError, match="broadcast"):
        random.gamma(k, np.ones(3), (2,))
    with pytest.raises(ValueError, match="at least one axis"):
        random.dirichlet(k, 1.0)
    with pytest.raises(ValueError, match="method"):
        random.multivariate_normal(k, np.zeros(2), np.eye(2), method="qr")
    with pytest.raises(ValueError, match="cov must have shape"):
        random.multivariate_normal(k, np.zeros(2), np.eye(3))
    with pytest.raises(TypeError, match="non-negative int"):
        random.orthogonal(k, 2.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="integer dtype"):
        random.poisson(k, 1.0, dtype=np.float32)
    with pytest.raises(ValueError, match="float dtype"):
        random.binomial(k, 3.0, 0.5, dtype=np.int32)
    with pytest.raises(TypeError, match="must be an array or a number"):
        random.t(k, "five")
    with pytest.raises(ValueError, match="single key"):
        random.cauchy(random.split(k), (2,))
