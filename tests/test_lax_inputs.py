"""``fad.lax`` on plain inputs, as ``jax.lax``: numpy arrays and Python scalars convert,
scalars and size-1 dimensions of equal rank broadcast (in every mode), and what
``jax.lax`` refuses is a TypeError (values and errors checked against jax 0.10.2)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import fad
import fad.lax as lax
import fad.numpy as jnp
from fad.test_util import check_grads


def test_python_and_numpy_scalars() -> None:
    out = lax.sin(1.0)
    assert isinstance(out, fad.Array) and out.dtype == np.float32 and out.weak_type
    np.testing.assert_allclose(out, np.sin(1.0), rtol=1e-6)
    np.testing.assert_allclose(lax.sin(np.ones(2)), np.sin(np.ones(2)), rtol=1e-6)
    assert lax.sin(np.ones(2)).dtype == np.float32  # canonicalized, as jax without x64
    np.testing.assert_allclose(lax.add(np.ones(2), 1.0), [2.0, 2.0])
    np.testing.assert_allclose(lax.add(np.ones(2), np.array(1.0)), [2.0, 2.0])
    assert lax.abs(-3) == 3 and lax.abs(-3).weak_type
    np.testing.assert_allclose(lax.integer_pow(2.0, 3), 8.0)
    assert bool(lax.ne(1, 2))
    np.testing.assert_allclose(lax.reduce_max(np.arange(3.0), (0,)), 2.0)
    np.testing.assert_allclose(lax.rev(np.arange(3.0), (0,)), [2.0, 1.0, 0.0])
    np.testing.assert_allclose(lax.concatenate([np.ones(2), np.ones(1)], 0), np.ones(3))
    np.testing.assert_allclose(lax.clamp(0.0, np.arange(3.0), 1.0), [0.0, 1.0, 1.0])
    np.testing.assert_allclose(lax.select_n(True, np.ones(2), np.zeros(2)), [0.0, 0.0])
    np.testing.assert_allclose(
        lax.select_n(np.array([True, False]), np.ones(2), np.zeros(2)), [0.0, 1.0]
    )
    np.testing.assert_allclose(lax.reshape(np.arange(4.0), (2, 2)), np.arange(4.0).reshape(2, 2))


def test_same_in_jit_and_grad() -> None:
    np.testing.assert_allclose(fad.jit(lambda: lax.sin(1.0))(), np.sin(1.0), rtol=1e-6)
    np.testing.assert_allclose(fad.grad(lambda x: lax.mul(x, np.float32(3.0)))(2.0), 3.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: lax.sin(1), "sin does not accept dtype int32"),
        (lambda: lax.exp(jnp.array([1, 2])), "exp does not accept dtype int32"),
        (
            lambda: lax.sin([1.0]),  # type: ignore[arg-type]
            "sin takes arrays or scalars, got list",
        ),
        (
            lambda: lax.atan2([1.0], [1.0]),  # type: ignore[arg-type]
            "atan2 takes arrays or scalars",
        ),
        (lambda: lax.add(jnp.ones(2), jnp.ones(2, jnp.int32)), "same dtypes"),
        (lambda: lax.add(jnp.ones(2, jnp.int32), 1.5), "same dtypes"),
        (lambda: lax.add(jnp.ones(2), np.ones(2, np.int32)), "same dtypes"),
        (lambda: lax.add(jnp.ones((2, 3, 4)), jnp.ones((3, 4))), "same number of dimensions"),
        (lambda: lax.add(jnp.ones((2, 3)), jnp.ones((3, 2))), "incompatible shapes"),
    ],
)
def test_refusals_are_type_errors(call: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        call()  # type: ignore[operator]
    with pytest.raises(TypeError, match=message):
        fad.jit(call)()  # type: ignore[arg-type]


def test_eager_exp_of_integers_agrees_with_jit() -> None:
    """numpy would compute ``exp`` of int32 as float64; the primitive refuses, eager and jit."""
    x = jnp.array([1, 2])
    for f in (lax.exp, fad.jit(lax.exp)):
        with pytest.raises(TypeError):
            f(x)


BINARY = [lax.add, lax.sub, lax.mul, lax.div, lax.max, lax.min, lax.pow, lax.atan2]


@pytest.mark.parametrize("op", BINARY, ids=lambda f: f.__name__)
def test_size_one_broadcasting_all_modes(op: object) -> None:
    """(2,3,4) with (2,1,4): the values, the gradient (summed over the broadcast axis) and
    jit all match numpy's broadcasting; the gradient also matches finite differences."""
    rng = np.random.default_rng(0)
    x = jnp.asarray(rng.uniform(0.5, 1.5, (2, 3, 4)).astype(np.float32))
    y = jnp.asarray(rng.uniform(0.5, 1.5, (2, 1, 4)).astype(np.float32))
    f: Any = op
    ref = {
        "add": np.add,
        "sub": np.subtract,
        "mul": np.multiply,
        "div": np.divide,
        "max": np.maximum,
        "min": np.minimum,
        "pow": np.power,
        "atan2": np.arctan2,
    }
    expect = ref[f.__name__](np.asarray(x), np.asarray(y))
    np.testing.assert_allclose(f(x, y), expect, rtol=1e-5)
    np.testing.assert_allclose(fad.jit(f)(x, y), expect, rtol=1e-5)
    check_grads(f, (x, y), order=2, modes=("fwd", "rev"), atol=5e-2, rtol=5e-2)
    gy = fad.grad(lambda y: f(x, y).sum())(y)
    assert gy.shape == (2, 1, 4)


def test_broadcast_gradient_matches_recorded_jax() -> None:
    """jax.grad of lax.add((2,3,4), (2,1,4)).sum() w.r.t. the second operand is 3 everywhere."""

    def f(x: fad.Array, y: fad.Array) -> fad.Array:
        return lax.add(x, y).sum()

    g: Any = fad.grad(f, (0, 1))(jnp.ones((2, 3, 4)), jnp.ones((2, 1, 4)))
    np.testing.assert_array_equal(g[0], np.ones((2, 3, 4)))
    np.testing.assert_array_equal(g[1], np.full((2, 1, 4), 3.0))
    # both operands broadcast: (1, 3) with (2, 1)
    out = lax.mul(jnp.ones((1, 3)), jnp.full((2, 1), 2.0))
    np.testing.assert_array_equal(out, np.full((2, 3), 2.0))
    gv = fad.vmap(lambda a: lax.add(a, jnp.ones((1, 4))))(jnp.ones((5, 3, 1)))
    assert gv.shape == (5, 3, 4)
