"""``lax.reduce``, ``sort_key_val``, ``top_k``, ``dot``, ``full_like``: values recorded from
jax 0.10.2 (inline: small), numpy, finite differences, and jit/vmap against eager."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import fad
import fad.lax as lax
import fad.numpy as jnp
from fad.test_util import check_grads


def test_reduce_monoids_and_general_computations() -> None:
    x = jnp.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(np.asarray(lax.reduce(x, 0.0, lax.add, (1,))), [3.0, 12.0])
    np.testing.assert_allclose(np.asarray(lax.reduce(x, -jnp.inf, lax.max, (0,))), [3.0, 4.0, 5.0])
    pair: Any = lax.reduce(
        (x, jnp.ones((2, 3))), (0.0, 0.0), lambda a, b: (a[0] + b[0], a[1] * b[1]), (1,)
    )
    np.testing.assert_allclose(np.asarray(pair[0]), [3.0, 12.0])  # jax: [3, 12], [0, 0]
    np.testing.assert_allclose(np.asarray(pair[1]), [0.0, 0.0])
    rng = np.random.default_rng(0)
    y = jnp.asarray(rng.uniform(0.5, 1.5, (3, 7, 5)).astype(np.float32))

    def logaddexp_reduce(v: fad.Array) -> fad.Array:
        out: fad.Array = lax.reduce(v, -jnp.inf, jnp.logaddexp, (1, 2))
        return out

    expect = np.log(np.exp(np.asarray(y, np.float64)).sum((1, 2)))
    np.testing.assert_allclose(np.asarray(logaddexp_reduce(y)), expect, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(fad.jit(logaddexp_reduce)(y)), expect, rtol=1e-5)
    check_grads(logaddexp_reduce, (y,), order=2, modes=("fwd", "rev"), atol=2e-2, rtol=2e-2)
    def prod(v: fad.Array) -> fad.Array:
        out: fad.Array = lax.reduce(v, 1.0, lambda a, b: a * b, (0,))
        return out

    np.testing.assert_allclose(np.asarray(prod(y)), np.prod(np.asarray(y), 0), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(fad.vmap(prod)(y)), np.prod(np.asarray(y), 1), rtol=1e-5)
    assert lax.reduce(jnp.ones((2, 0)), 0.0, lambda a, b: a + b, (1,)).shape == (2,)
    with pytest.raises(TypeError, match="one structure"):
        lax.reduce((x, x), 0.0, lax.add, (0,))
    with pytest.raises(TypeError, match="init value"):
        lax.reduce(x, jnp.zeros(2), lax.add, (0,))


def test_sort_key_val_and_top_k() -> None:
    k, v = lax.sort_key_val(jnp.array([3, 1, 2]), jnp.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(np.asarray(k), [1, 2, 3])
    np.testing.assert_array_equal(np.asarray(v), [2.0, 3.0, 1.0])
    vals, idx = lax.top_k(jnp.array([3.0, 1.0, 4.0, 1.0, 5.0]), 2)  # jax: [5, 4], [4, 2]
    np.testing.assert_array_equal(np.asarray(vals), [5.0, 4.0])
    np.testing.assert_array_equal(np.asarray(idx), [4, 2])
    vals, idx = lax.top_k(jnp.array([3, 5, 5, 1], jnp.uint8), 3)  # ties: lower index first
    np.testing.assert_array_equal(np.asarray(vals), [5, 5, 3])
    np.testing.assert_array_equal(np.asarray(idx), [1, 2, 0])
    rng = np.random.default_rng(1)
    x = jnp.asarray(rng.permutation(12).reshape(3, 4).astype(np.float32))
    vals, idx = lax.top_k(x, 2)
    np.testing.assert_array_equal(np.asarray(vals), -np.sort(-np.asarray(x), 1)[:, :2])
    np.testing.assert_array_equal(
        np.asarray(fad.jit(lambda a: lax.top_k(a, 2)[0])(x)), np.asarray(vals)
    )
    g = np.asarray(fad.grad(lambda a: jnp.sum(lax.top_k(a, 2)[0] * jnp.array([1.0, 10.0])))(x))
    expect = np.zeros((3, 4), np.float32)
    for r in range(3):
        expect[r, int(idx[r, 0])], expect[r, int(idx[r, 1])] = 1.0, 10.0
    np.testing.assert_array_equal(g, expect)
    with pytest.raises(ValueError, match="k must be"):
        lax.top_k(x, 5)


def test_dot_and_full_like() -> None:
    a = jnp.asarray(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    np.testing.assert_allclose(np.asarray(lax.dot(a, jnp.ones(3))), [3.0, 12.0])
    np.testing.assert_allclose(np.asarray(lax.dot(a, a.T)), np.asarray(a) @ np.asarray(a).T)
    np.testing.assert_allclose(np.asarray(lax.dot(np.ones(3), np.ones(3))), 3.0)
    with pytest.raises(TypeError, match="Incompatible shapes for dot"):
        lax.dot(a, jnp.ones(2))
    out = lax.full_like(a, 2, jnp.int32, (4,))
    assert out.dtype == jnp.int32 and out.shape == (4,)
    np.testing.assert_array_equal(np.asarray(out), [2, 2, 2, 2])
    same = lax.full_like(a, 1.5)
    assert same.shape == (2, 3) and same.dtype == jnp.float32
