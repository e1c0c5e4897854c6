"""``fad.nn`` against values recorded from jax 0.10.2 (tests/data/nn_reference.json, by
tools/record_jax_parity.py): activations and their derivatives (at the kinks too), the
softmax family with masks, ``one_hot``, ``standardize``, and the initializers (bit-compatible
random streams: the same key gives JAX's parameters). Finite differences check second
derivatives of the smooth ones."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp
from fad.test_util import check_grads

REF = json.loads((pathlib.Path(__file__).parent / "data" / "nn_reference.json").read_text())
POINTS = jnp.asarray(np.array(REF["points"], np.float32))


@pytest.mark.parametrize("name", sorted(REF["activations"]))
def test_activation_values_and_derivatives(name: str) -> None:
    ref = REF["activations"][name]
    if name == "gelu_exact":
        f: Any = lambda x: fad.nn.gelu(x, approximate=False)  # noqa: E731
    else:
        f = getattr(fad.nn, name)
    np.testing.assert_allclose(np.asarray(f(POINTS)), ref["value"], rtol=2e-6, atol=1e-6)
    np.testing.assert_allclose(np.asarray(fad.jit(f)(POINTS)), ref["value"], rtol=2e-6, atol=1e-6)
    g = fad.vmap(fad.grad(f))(POINTS)
    np.testing.assert_allclose(np.asarray(g), ref["grad"], rtol=2e-5, atol=1e-6)


SMOOTH = ["sigmoid", "log_sigmoid", "softplus", "silu", "gelu", "soft_sign", "selu", "celu"]


@pytest.mark.parametrize("name", SMOOTH)
def test_second_derivatives(name: str) -> None:
    x = jnp.asarray(np.array([-1.7, -0.4, 0.6, 2.2], np.float32))
    check_grads(getattr(fad.nn, name), (x,), order=2, modes=("fwd", "rev"), atol=2e-2, rtol=2e-2)


def test_relu_kinks_follow_jax() -> None:
    g = fad.grad(fad.nn.relu)
    assert float(np.asarray(g(0.0))) == 0.0 and float(np.asarray(g(1.0))) == 1.0
    assert float(np.asarray(fad.grad(fad.nn.relu6)(6.0))) == 0.0
    assert isinstance(fad.nn.relu(1), fad.Array)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_family(name: str) -> None:
    f = getattr(fad.nn, name)
    m = jnp.asarray(np.array(REF["m"], np.float32))
    mask = jnp.asarray(np.array(REF["mask"]))
    np.testing.assert_allclose(np.asarray(f(m)), REF[name], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(f(m, axis=0)), REF[name + "_axis0"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        np.asarray(f(m, where=mask)), REF[name + "_where"], rtol=1e-5, atol=1e-6
    )
    pullback: Any = fad.vjp(f, m)[1]
    (g,) = pullback(jnp.asarray(np.array(REF["ct"], np.float32)))
    np.testing.assert_allclose(np.asarray(g), REF[name + "_vjp"], rtol=1e-4, atol=1e-5)
    check_grads(f, (m,), order=2, modes=("fwd", "rev"), atol=2e-2, rtol=2e-2)
    big = jnp.asarray(np.array([1000.0, 0.0, -1000.0], np.float32))  # no overflow
    assert np.isfinite(np.asarray(fad.nn.log_softmax(big))[:2]).all()
    np.testing.assert_allclose(np.asarray(fad.nn.softmax(big)), [1.0, 0.0, 0.0])


def test_one_hot_glu_standardize_logsumexp() -> None:
    np.testing.assert_array_equal(
        np.asarray(fad.nn.one_hot(jnp.array([0, 2, 5, -1]), 4)), REF["one_hot"]
    )
    np.testing.assert_array_equal(
        np.asarray(fad.nn.one_hot(jnp.array([[1, 0], [3, 2]]), 4, axis=0)), REF["one_hot_axis0"]
    )
    assert fad.nn.one_hot(jnp.array([1]), 3, dtype=jnp.int32).dtype == jnp.int32
    m = jnp.asarray(np.array(REF["m"], np.float32))
    np.testing.assert_allclose(np.asarray(fad.nn.glu(m[:, :4])), REF["glu"], rtol=1e-5)
    np.testing.assert_allclose(
        np.asarray(fad.nn.standardize(m)), REF["standardize"], rtol=1e-4, atol=1e-5
    )
    pullback: Any = fad.vjp(fad.nn.standardize, m)[1]
    (g,) = pullback(jnp.asarray(np.array(REF["ct"], np.float32)))
    np.testing.assert_allclose(np.asarray(g), REF["standardize_vjp"], rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(
        np.asarray(fad.nn.logsumexp(m, axis=1)),
        np.log(np.exp(np.array(REF["m"])).sum(1)),
        rtol=1e-5,
    )
    with pytest.raises(ValueError, match="even"):
        fad.nn.glu(jnp.ones(3))


@pytest.mark.parametrize("name", sorted(REF["initializers"]))
def test_initializers_match_jax(name: str) -> None:
    init = fad.nn.initializers
    key = fad.random.key(42)
    makers: dict[str, Any] = {
        "glorot_uniform": (init.glorot_uniform(), (4, 3)),
        "glorot_normal": (init.glorot_normal(), (3, 3, 2, 5)),
        "lecun_normal": (init.lecun_normal(), (5, 2)),
        "he_uniform": (init.he_uniform(), (2, 6)),
        "he_normal": (init.he_normal(), (6, 2)),
        "normal": (init.normal(0.5), (3,)),
        "uniform": (init.uniform(2.0), (2, 2)),
        "truncated_normal": (init.truncated_normal(0.1), (4,)),
        "variance_scaling": (
            init.variance_scaling(3.0, "fan_out", "normal", in_axis=0, out_axis=1),
            (2, 3, 4),
        ),
        "orthogonal": (init.orthogonal(), (3, 5)),
        "orthogonal_tall": (init.orthogonal(2.0), (5, 3)),
        "constant": (init.constant(1.5), (2,)),
    }
    fn, shape = makers[name]
    # jax 0.10 draws with the partitionable threefry scheme by default
    previous = fad.config.threefry_partitionable
    fad.config.update("threefry_partitionable", True)
    try:
        out = fn(key, shape)
    finally:
        fad.config.update("threefry_partitionable", previous)
    assert out.shape == shape and out.dtype == jnp.float32
    np.testing.assert_allclose(np.asarray(out), REF["initializers"][name], rtol=2e-5, atol=2e-6)


def test_initializer_errors_and_zeros() -> None:
    init = fad.nn.initializers
    with pytest.raises(ValueError, match="mode"):
        init.variance_scaling(1.0, "fan_sum", "normal")
    with pytest.raises(ValueError, match="distribution"):
        init.variance_scaling(1.0, "fan_in", "cauchy")
    np.testing.assert_array_equal(np.asarray(init.zeros(None, (2, 3))), np.zeros((2, 3)))
    assert init.ones(None, (2,), jnp.int32).dtype == jnp.int32
