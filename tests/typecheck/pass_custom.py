"""Typed custom derivatives: custom_jvp rules (defjvp, defjvps, nondiff_argnums), custom_vjp."""

# ruff: noqa: E501  (the expected revealed types are long, and must stay on their line)

from __future__ import annotations

import functools
from typing import reveal_type

import numpy as np

import fad
import fad.numpy as jnp
from fad import Array, Cotangent, Tangent


@fad.custom_jvp
def softplus(x: Array) -> Array:
    return jnp.log1p(jnp.exp(x))


# fmt: off
reveal_type(softplus)  # N: Revealed type is "fad._src.custom_derivatives.custom_jvp[fad._src.core.Array, fad._src.core.Array]"
# fmt: on


@softplus.defjvp
def softplus_jvp(
    primals: tuple[Array], tangents: Tangent[tuple[Array]]
) -> tuple[Array, Tangent[Array]]:
    (x,) = primals
    (t,) = fad.unpack(tangents)
    return softplus(x), t / (1.0 + jnp.exp(-x))


x = jnp.array([-2.0, 0.0, 3.0])
y = softplus(x)
reveal_type(y)  # N: Revealed type is "fad._src.core.Array"
_, y_dot = fad.jvp(softplus, (x,), (fad.tangent(jnp.ones(3)),))
logistic = 1.0 / (1.0 + np.exp(-np.asarray(x)))
np.testing.assert_allclose(fad.primal_of(y_dot), logistic, rtol=1e-6)
np.testing.assert_allclose(fad.grad(lambda v: jnp.sum(softplus(v)))(x), logistic, rtol=1e-6)


# Two arguments: a lambda rule is inferred from the context; t[0] is a Tangent[Array].
@fad.custom_jvp
def scaled(x: Array, s: Array) -> Array:
    return x * s


scaled.defjvp(lambda p, t: (scaled(*p), t[0] * p[1] + t[1] * p[0]))
_, d = fad.jvp(scaled, (x, jnp.array(2.0)), (fad.tangent(jnp.ones(3)), fad.tangent(jnp.array(0.5))))
np.testing.assert_allclose(fad.primal_of(d), 2.0 + 0.5 * np.asarray(x), rtol=1e-6)


# defjvps: one rule per argument, tangent_i -> output tangent.
@fad.custom_jvp
def prod(x: Array, y: Array) -> Array:
    return x * y


prod.defjvps(lambda tx, out, x, y: tx * y, lambda ty, out, x, y: ty * x)


def prod_loss(a: Array, b: Array) -> Array:
    return jnp.sum(prod(a, b))


gx, gy = fad.grad(prod_loss, argnums=(0, 1))(x, 2.0 * x)
np.testing.assert_allclose(np.asarray(gx), 2.0 * np.asarray(x), rtol=1e-6)
np.testing.assert_allclose(np.asarray(gy), np.asarray(x), rtol=1e-6)


# nondiff_argnums: the rule takes those arguments first (typed Any); its result is checked.
# pyright (1.1.414) cannot apply functools.partial to a class generic over a TypeVarTuple
# (it types the wrapped function "(*Unknown) -> Unknown"): the E[pyright] lines follow
# from that; mypy types them.
@functools.partial(fad.custom_jvp, nondiff_argnums=(0,))  # E[pyright]
def power(n: int, x: Array) -> Array:
    return x**n


@power.defjvp  # E[pyright]
def power_jvp(
    n: int, primals: tuple[Array], tangents: Tangent[tuple[Array]]
) -> tuple[Array, Tangent[Array]]:
    (x,) = primals
    (t,) = fad.unpack(tangents)
    return power(n, x), t * (n * x ** (n - 1))  # E[pyright]


reveal_type(power(3, x))  # N: Revealed type is "fad._src.core.Array"
np.testing.assert_allclose(
    fad.grad(lambda v: jnp.sum(power(3, v)))(x), 3 * np.asarray(x) ** 2, rtol=1e-6  # E[pyright]
)


# custom_vjp: fwd returns (output, residuals); bwd maps a Cotangent of the output to the
# Cotangent of the tuple of arguments.
@fad.custom_vjp
def mul(a: Array, b: Array) -> Array:
    return a * b


def mul_fwd(a: Array, b: Array) -> tuple[Array, tuple[Array, Array]]:
    return a * b, (a, b)


def mul_bwd(res: tuple[Array, Array], g: Cotangent[Array]) -> Cotangent[tuple[Array, Array]]:
    a, b = res
    return fad.pack(g * b, g * a)


mul.defvjp(mul_fwd, mul_bwd)
# fmt: off
reveal_type(mul)  # N: Revealed type is "fad._src.custom_derivatives.custom_vjp[fad._src.core.Array, fad._src.core.Array, fad._src.core.Array]"
# fmt: on
out, pullback = fad.vjp(mul, x, jnp.ones(3))
a_bar, b_bar = fad.unpack(pullback(fad.cotangent(jnp.ones(3))))
np.testing.assert_allclose(fad.primal_of(b_bar), np.asarray(x))


# Lambdas: the residual type is inferred from fwd.
@fad.custom_vjp
def sin(x: Array) -> Array:
    return jnp.sin(x)


sin.defvjp(lambda x: (jnp.sin(x), jnp.cos(x)), lambda c, g: fad.pack(g * c))
np.testing.assert_allclose(fad.grad(lambda v: jnp.sum(sin(v)))(x), np.cos(np.asarray(x)), rtol=1e-6)


# custom_vjp with nondiff_argnums: bwd takes them first and returns the cotangents of the
# differentiable arguments only.
@functools.partial(fad.custom_vjp, nondiff_argnums=(0,))  # E[pyright]
def clip_grad(bound: float, x: Array) -> Array:
    return x


def clip_fwd(bound: float, x: Array) -> tuple[Array, None]:
    return x, None


def clip_bwd(bound: float, res: None, g: Cotangent[Array]) -> Cotangent[tuple[Array]]:
    return fad.pack(fad.cotangent(jnp.clip(fad.primal_of(g), -bound, bound)))


clip_grad.defvjp(clip_fwd, clip_bwd)  # E[pyright]
w = jnp.array([10.0, -0.5, 3.0])
np.testing.assert_allclose(fad.grad(lambda v: jnp.sum(w * clip_grad(1.0, v)))(x), [1.0, -0.5, 1.0])  # E[pyright]
