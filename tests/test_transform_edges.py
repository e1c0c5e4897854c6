"""Transformations on inputs JAX accepts, and the errors JAX raises (types checked against
jax 0.10.2): pullbacks and linearized functions returned from ``jit``, ``custom_jvp`` with
Python control flow on concrete values, ``float0`` through ``jit``, ``custom_gradient``,
``nondiff_argnames``, ``register_pytree_node_class``, key-array views, vmap of custom rules
that close over batched values."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp


def test_vjp_pullback_and_linearized_function_returned_from_jit() -> None:
    f = fad.jit(lambda x: fad.vjp(jnp.sin, x)[1])
    for x in (1.0, 2.0):  # the second call reuses the trace with new residuals
        pb: Any = f(x)
        np.testing.assert_allclose(np.asarray(pb(3.0)[0]), 3.0 * np.cos(x), rtol=1e-6)
    lin = fad.jit(lambda x: fad.linearize(lambda v: v * jnp.sin(v), x)[1])
    for x in (0.5, 1.5):
        fj: Any = lin(x)
        np.testing.assert_allclose(
            np.asarray(fj(2.0)), 2.0 * (np.sin(x) + x * np.cos(x)), rtol=1e-6
        )
    # they are pytrees: their leaves are the residuals
    _, pb2 = fad.vjp(lambda v: v * 2.0, jnp.ones(3))
    assert all(isinstance(leaf, fad.Array) for leaf in fad.tree.leaves(pb2))
    doubled: Any = fad.tree.map(lambda r: r, pb2)
    np.testing.assert_allclose(np.asarray(doubled(jnp.ones(3))[0]), [2.0, 2.0, 2.0])


def test_custom_jvp_with_python_control_flow_on_concrete_values() -> None:
    @fad.custom_jvp
    def f(x: Any) -> Any:
        if x > 0:
            return jnp.sin(x)
        return jnp.cos(x)

    @f.defjvp
    def f_jvp(primals: Any, tangents: Any) -> Any:
        (x,), (t,) = primals, tangents
        return f(x), (2.0 if x > 0 else 3.0) * t

    np.testing.assert_allclose(np.asarray(f(-1.0)), np.cos(-1.0), rtol=1e-6)
    out, t = fad.jvp(f, (1.0,), (fad.tangent(1.0),))
    np.testing.assert_allclose(np.asarray(out), np.sin(1.0), rtol=1e-6)
    assert float(np.asarray(t)) == 2.0
    assert float(np.asarray(fad.grad(f)(-1.0))) == 3.0
    with pytest.raises(fad.ConcretizationError):
        fad.jit(f)(1.0)


def test_float0_through_jit() -> None:
    z = np.zeros(2, fad.float0)
    out: Any = fad.jit(lambda x, t: (x * 2, t))(1.0, z)
    assert float(np.asarray(out[0])) == 2.0 and out[1].dtype == fad.float0 and out[1].shape == (2,)

    def prod(a: Any, m: Any) -> Any:
        return a * m

    def grads(x: Any, n: Any) -> Any:
        return fad.grad(prod, (0, 1), allow_int=True)(x, n)

    g: Any = fad.jit(grads)(2.0, 3)
    assert float(np.asarray(g[0])) == 3.0 and g[1].dtype == fad.float0


def test_error_types_match_jax() -> None:
    _, pb = fad.vjp(jnp.sin, jnp.ones(2))
    with pytest.raises(ValueError, match="float16"):  # jax: ValueError
        pb(jnp.ones(2, jnp.float16))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="int32"):
        pb(jnp.ones(2, jnp.int32))  # type: ignore[arg-type]
    np.testing.assert_allclose(np.asarray(pb(np.ones(2))[0]), np.cos(1.0), rtol=1e-6)  # type: ignore[arg-type]

    def gen(x: Any) -> Any:
        yield x

    with pytest.raises(TypeError, match="generator function"):
        fad.jit(gen)
    with pytest.raises(ValueError, match="static_argnums"):
        fad.jit(lambda x: x, static_argnums=3)
    for big in (2**31, 2**40, 2**100):
        with pytest.raises(OverflowError):
            jnp.multiply(jnp.ones(2), big)
        with pytest.raises(OverflowError):
            fad.jit(lambda x, b=big: x * b)(jnp.ones(2))
    with pytest.raises(TypeError, match="argnums"):
        fad.grad(jnp.sin, argnums=3)(1.0)
    with pytest.raises(TypeError, match="same tree structure"):
        fad.jvp(lambda a: a, ((1.0, 2.0),), ((1.0,),))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="same length"):
        fad.jvp(jnp.sin, (1.0,), (1.0, 2.0))  # type: ignore[arg-type]


def test_custom_gradient() -> None:
    @fad.custom_gradient
    def f(x: Any) -> Any:
        return x**2, lambda g: (g * 10 * x,)

    assert float(np.asarray(f(3.0))) == 9.0
    assert float(np.asarray(fad.grad(f)(3.0))) == 30.0
    assert float(np.asarray(fad.jit(fad.grad(f))(3.0))) == 30.0
    np.testing.assert_allclose(
        np.asarray(fad.vmap(fad.grad(f))(jnp.array([1.0, 2.0]))), [10.0, 20.0]
    )

    @fad.custom_gradient
    def g(x: Any, y: Any) -> Any:
        return x * y, lambda ct: (ct * y, ct * 0.0)

    gx, gy = fad.grad(g, (0, 1))(2.0, 3.0)
    assert (float(np.asarray(gx)), float(np.asarray(gy))) == (3.0, 0.0)


def test_nondiff_argnames_and_pytree_node_class() -> None:
    def power(x: Any, n: int) -> Any:
        return x**n

    p = fad.custom_jvp(power, nondiff_argnames=("n",))
    p.defjvp(lambda n, prim, tan: (p(prim[0], n), n * prim[0] ** (n - 1) * tan[0]))
    assert p.nondiff_argnums == (1,)
    assert float(np.asarray(fad.grad(lambda x: p(x, 3))(2.0))) == 12.0
    with pytest.raises(ValueError, match="nondiff_argnames"):
        fad.custom_jvp(power, nondiff_argnames=("m",))

    @fad.tree_util.register_pytree_node_class
    class Box:
        def __init__(self, v: Any) -> None:
            self.v = v

        def tree_flatten(self) -> tuple[tuple[Any], None]:
            return (self.v,), None

        @classmethod
        def tree_unflatten(cls, aux: None, children: tuple[Any, ...]) -> Box:
            return cls(*children)

    g: Any = fad.grad(lambda b: b.v**2)(Box(3.0))
    assert isinstance(g, Box) and float(np.asarray(g.v)) == 6.0


def test_key_array_views() -> None:
    k = fad.random.split(fad.random.key(0), 6).reshape(2, 3)
    data = np.asarray(fad.random.key_data(k))
    np.testing.assert_array_equal(np.asarray(fad.random.key_data(k.T)), data.transpose(1, 0, 2))
    np.testing.assert_array_equal(
        np.asarray(fad.random.key_data(k.swapaxes(0, 1))), data.transpose(1, 0, 2)
    )
    np.testing.assert_array_equal(np.asarray(fad.random.key_data(k.copy())), data)
    np.testing.assert_array_equal(np.asarray(fad.random.key_data(k[1, ::-1])), data[1, ::-1])
    np.testing.assert_array_equal(np.asarray(fad.random.key_data(k[..., 0])), data[:, 0])
    assert k.flatten().shape == (6,) and k.T.shape == (3, 2)
    same = fad.random.normal(k.T[2, 1]) == fad.random.normal(k[1, 2])
    assert bool(np.asarray(same))


def test_vmap_of_custom_rules_closing_over_batched_values() -> None:
    """Same results as the closed forms; differentiating the closed-over value is an error
    (as in JAX), not a leaked tracer."""
    xs = jnp.array([0.1, 0.2, 0.3])

    def with_jvp(a: Any) -> Any:
        @fad.custom_jvp
        def h(x: Any) -> Any:
            return jnp.sin(x) * a

        h.defjvp(lambda p, t: (h(p[0]), t[0] * jnp.cos(p[0]) * a))
        return fad.grad(h)(2.0)

    def with_vjp(a: Any) -> Any:
        @fad.custom_vjp
        def h(x: Any) -> Any:
            return x * 2.0

        h.defvjp(lambda x: (h(x), a), lambda r, ct: fad.cotangent((ct * r,)))
        return fad.grad(h)(1.0)

    expect = np.cos(2.0) * np.asarray(xs)
    np.testing.assert_allclose(np.asarray(fad.vmap(with_jvp)(xs)), expect, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(fad.jit(fad.vmap(with_jvp))(xs)), expect, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(fad.vmap(with_vjp)(xs)), np.asarray(xs), rtol=1e-6)
    np.testing.assert_allclose(
        np.asarray(fad.grad(lambda v: fad.vmap(with_vjp)(v).sum())(xs)), [1.0, 1.0, 1.0]
    )
    with pytest.raises(TypeError, match="closed-over value"):
        fad.grad(lambda v: fad.vmap(with_jvp)(v).sum())(xs)
