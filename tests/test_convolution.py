"""``lax.conv_general_dilated`` and ``lax.reduce_window`` against values and gradients
recorded from jax 0.10.2 (tests/data/conv_reference.json, by tools/record_jax_parity.py),
finite differences to second order, and the same call under ``jit`` and ``vmap``."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import numpy as np
import pytest

import fad
import fad.lax as lax
import fad.numpy as jnp
from fad.test_util import check_grads

DATA = json.loads((pathlib.Path(__file__).parent / "data" / "conv_reference.json").read_text())
OPS: dict[str, tuple[Any, float]] = {
    "max": (lax.max, -np.inf), "min": (lax.min, np.inf), "sum": (lax.add, 0.0),
    "prod": (lax.mul, 1.0),
}  # fmt: skip


def _padding(case: dict[str, Any]) -> Any:
    pad = case["padding"]
    return pad if isinstance(pad, str) else [tuple(p) for p in pad]


def _conv_fn(case: dict[str, Any]) -> Any:
    dn = case["dimension_numbers"]

    def f(a: fad.Array, b: fad.Array) -> fad.Array:
        return lax.conv_general_dilated(
            a, b, case["strides"],
            _padding(case),
            case["lhs_dilation"], case["rhs_dilation"], None if dn is None else tuple(dn),
            feature_group_count=case["feature_group_count"],
            batch_group_count=case["batch_group_count"],
        )  # fmt: skip

    return f


@pytest.mark.parametrize("k", range(len(DATA["conv"])))
def test_conv_matches_recorded_jax(k: int) -> None:
    case = DATA["conv"][k]
    f = _conv_fn(case)
    with fad.config.enable_x64_scope(True):
        lhs, rhs = jnp.asarray(np.array(case["lhs"])), jnp.asarray(np.array(case["rhs"]))
        np.testing.assert_allclose(np.asarray(f(lhs, rhs)), case["out"], rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(
            np.asarray(fad.jit(f)(lhs, rhs)), case["out"], rtol=1e-10, atol=1e-10
        )
        pullback: Any = fad.vjp(f, lhs, rhs)[1]
        ga, gb = pullback(jnp.asarray(np.array(case["ct"])))
        np.testing.assert_allclose(np.asarray(ga), case["grad_lhs"], rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(np.asarray(gb), case["grad_rhs"], rtol=1e-10, atol=1e-10)
        if k < 3:
            check_grads(f, (lhs, rhs), order=2, modes=("fwd", "rev"))


def test_conv_vmap_and_errors() -> None:
    rng = np.random.default_rng(0)
    x = jnp.asarray(rng.normal(size=(3, 1, 2, 5, 5)).astype(np.float32))
    w = jnp.asarray(rng.normal(size=(4, 2, 3, 3)).astype(np.float32))

    def f(a: fad.Array) -> fad.Array:
        return lax.conv(a, w, (1, 1), "SAME")

    batched = fad.vmap(f)(x)
    looped = np.stack([np.asarray(f(x[i])) for i in range(3)])
    np.testing.assert_allclose(np.asarray(batched), looped, rtol=1e-5, atol=1e-5)
    with pytest.raises(TypeError, match="one dtype"):
        lax.conv(x[0], w.astype(jnp.float16), (1, 1), "SAME")
    with pytest.raises(TypeError, match="feature"):
        lax.conv(x[0], jnp.ones((4, 3, 3, 3)), (1, 1), "SAME")
    with pytest.raises(ValueError, match="padding"):
        lax.conv(x[0], w, (1, 1), "FULL")


@pytest.mark.parametrize("k", range(len(DATA["reduce_window"])))
def test_reduce_window_matches_recorded_jax(k: int) -> None:
    case = DATA["reduce_window"][k]
    op, init = OPS[case["kind"]]
    pad = (
        case["padding"] if isinstance(case["padding"], str) else [tuple(p) for p in case["padding"]]
    )

    def f(a: fad.Array) -> fad.Array:
        return lax.reduce_window(
            a, init, op, case["window"], case["strides"], pad, case["base_dilation"],
            case["window_dilation"],
        )  # fmt: skip

    with fad.config.enable_x64_scope(True):
        x = jnp.asarray(np.array(case["x"]))
        np.testing.assert_allclose(np.asarray(f(x)), case["out"], rtol=1e-12)
        np.testing.assert_allclose(np.asarray(fad.jit(f)(x)), case["out"], rtol=1e-12)
        if case["grad"] is not None:
            pullback: Any = fad.vjp(f, x)[1]
            (g,) = pullback(jnp.asarray(np.array(case["ct"])))
            np.testing.assert_allclose(np.asarray(g), case["grad"], rtol=1e-10, atol=1e-12)
        if case["kind"] in ("sum", "prod"):  # smooth: second order by finite differences
            check_grads(f, (x,), order=2, modes=("fwd", "rev"))


def test_max_pool_gradient_and_vmap() -> None:
    x = jnp.asarray(np.random.default_rng(1).permutation(16).reshape(4, 4).astype(np.float32))

    def pool(a: fad.Array) -> fad.Array:
        return lax.reduce_window(a, -jnp.inf, lax.max, (2, 2), (2, 2), "VALID")

    np.testing.assert_array_equal(
        np.asarray(pool(x)), np.asarray(x).reshape(2, 2, 2, 2).max((1, 3))
    )
    g = np.asarray(fad.grad(lambda a: jnp.sum(pool(a)))(x))
    xs = np.asarray(x)
    for i in range(2):
        for j in range(2):
            block = xs[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            expect = (block == block.max()).astype(np.float32)
            np.testing.assert_array_equal(g[2 * i : 2 * i + 2, 2 * j : 2 * j + 2], expect)
    xb = jnp.stack([x, -x])
    np.testing.assert_array_equal(
        np.asarray(fad.vmap(pool)(xb)), np.stack([np.asarray(pool(x)), np.asarray(pool(-x))])
    )
    with pytest.raises(TypeError, match="init_value"):
        lax.reduce_window(x, jnp.zeros(2), lax.add, (2, 2), (1, 1), "VALID")


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_and_correlate_match_numpy(mode: Any) -> None:
    rng = np.random.default_rng(2)
    a: Any = rng.normal(size=7)
    v: Any = rng.normal(size=3)
    z: Any = rng.normal(size=4) + 1j * rng.normal(size=4)
    for x, y in ((a, v), (v, a)):
        np.testing.assert_allclose(
            np.asarray(jnp.convolve(x, y, mode)), np.convolve(x, y, mode), rtol=1e-5, atol=1e-5
        )
        np.testing.assert_allclose(
            np.asarray(jnp.correlate(x, y, mode)), np.correlate(x, y, mode), rtol=1e-5, atol=1e-5
        )
    np.testing.assert_allclose(
        np.asarray(jnp.correlate(a.astype(np.complex64), z, mode)),
        np.correlate(a, z, mode),
        rtol=1e-5,
        atol=1e-5,
    )
    check_grads(
        lambda x, y: jnp.convolve(x, y, mode),
        (jnp.asarray(a), jnp.asarray(v)),
        order=2,
        atol=5e-2,
        rtol=5e-2,
    )


def test_convolve_errors() -> None:
    with pytest.raises(ValueError, match="1-dimensional"):
        jnp.convolve(jnp.ones((2, 2)), jnp.ones(2))
    with pytest.raises(ValueError, match="empty"):
        jnp.correlate(jnp.ones(0), jnp.ones(2))
    with pytest.raises(ValueError, match="mode"):
        jnp.convolve(jnp.ones(3), jnp.ones(2), "circular")
