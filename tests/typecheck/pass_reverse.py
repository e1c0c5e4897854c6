"""Typed reverse mode: vjp, grad, value_and_grad, linear_transpose, an optimizer step."""

# ruff: noqa: E501  (the expected revealed types are long, and must stay on their line)

from __future__ import annotations

from collections.abc import Mapping
from typing import reveal_type

import numpy as np

import fad
import fad.numpy as jnp
from fad import Array, Cotangent, LinearTranspose

Params = Mapping[str, Array]


def loss(params: Params, x: Array, y: Array) -> Array:
    pred = jnp.tanh(x @ params["w"] + params["b"])
    return jnp.mean((pred - y) ** 2)


params: Params = {"w": jnp.array([[0.5], [-0.25]]), "b": jnp.array([0.1])}
xs = jnp.array([[1.0, 2.0], [0.5, -1.0], [3.0, 0.0]])
ys = jnp.array([[0.5], [0.0], [1.0]])

# grad returns the primal type (the Euclidean identification), so the step type-checks.
g = fad.grad(loss)(params, xs, ys)
reveal_type(g)  # N: Revealed type is "typing.Mapping[str, fad._src.core.Array]"
lr = 0.1
new_params = {k: params[k] - lr * g[k] for k in params}
assert float(loss(new_params, xs, ys)) < float(loss(params, xs, ys))

# A tuple of argnums gives a tuple of gradients, each typed as its argument.
gp, gx = fad.grad(loss, argnums=(0, 1))(params, xs, ys)
reveal_type(gx)  # N: Revealed type is "fad._src.core.Array"
np.testing.assert_allclose(np.asarray(gp["w"]), np.asarray(g["w"]), rtol=1e-6)
value, g2 = fad.value_and_grad(loss)(params, xs, ys)
reveal_type(value)  # N: Revealed type is "fad._src.core.Array"
reveal_type(g2)  # N: Revealed type is "typing.Mapping[str, fad._src.core.Array]"


def loss_aux(params: Params, x: Array, y: Array) -> tuple[Array, int]:
    return loss(params, x, y), 7


g3, aux = fad.grad(loss_aux, has_aux=True)(params, xs, ys)
reveal_type(aux)  # N: Revealed type is "int"
(val, aux2), g4 = fad.value_and_grad(loss_aux, has_aux=True)(params, xs, ys)
assert aux == aux2 == 7


# vjp: the pullback maps a cotangent of the output to a cotangent of the argument tuple.
def h(a: Array, b: Array) -> Array:
    return a * jnp.exp(b)


a0, b0 = jnp.array([1.0, 2.0]), jnp.array([0.0, 1.0])
out, pullback = fad.vjp(h, a0, b0)
reveal_type(pullback)  # N: Revealed type is "fad._src.typing.Pullback[fad._src.core.Array, tuple[fad._src.core.Array, fad._src.core.Array]]"
a_bar, b_bar = fad.unpack(pullback(fad.cotangent(jnp.ones(2))))
reveal_type(a_bar)  # N: Revealed type is "fad._src.typing.Cotangent[fad._src.core.Array]"
np.testing.assert_allclose(fad.primal_of(a_bar), np.exp([0.0, 1.0]), rtol=1e-6)
np.testing.assert_allclose(fad.primal_of(b_bar), [1.0, 2.0 * np.e], rtol=1e-6)
both = fad.primal_of(pullback(fad.cotangent(jnp.ones(2))))  # or read all values at once
np.testing.assert_allclose(both[0], fad.primal_of(a_bar))


def sum_cotangents(pb: LinearTranspose[Array, tuple[Array, Array]]) -> Cotangent[Array]:
    ca, cb = fad.unpack(pb(fad.cotangent(jnp.ones(2))))
    return ca + cb


np.testing.assert_allclose(
    fad.primal_of(sum_cotangents(pullback)), fad.primal_of(a_bar) + fad.primal_of(b_bar)
)

# linear_transpose of a linearized function: Cotangent[B] -> Cotangent[tuple[X]].
x = jnp.array([0.3, -0.7])
_, f_jvp = fad.linearize(jnp.sin, x)
f_vjp = fad.linear_transpose(f_jvp, x)
reveal_type(f_vjp)  # N: Revealed type is "fad._src.typing.Pullback[fad._src.core.Array, tuple[fad._src.core.Array]]"
(x_bar,) = fad.unpack(f_vjp(fad.cotangent(jnp.ones(2))))
np.testing.assert_allclose(fad.primal_of(x_bar), np.cos([0.3, -0.7]), rtol=1e-6)

# ... and of a linear function of several primals, and of a Linear of several primals.
m = jnp.array([[1.0, 2.0], [3.0, 4.0]])


def affine(u: Array, v: Array) -> Array:
    return m @ u + 2.0 * v


t_affine = fad.linear_transpose(affine, x, x)
cu, cv = fad.unpack(t_affine(fad.cotangent(jnp.array([1.0, 0.0]))))
np.testing.assert_allclose(fad.primal_of(cu), [1.0, 2.0])
np.testing.assert_allclose(fad.primal_of(cv), [2.0, 0.0])
_, affine_jvp = fad.linearize(affine, x, x)
t_lin = fad.linear_transpose(affine_jvp, (x, x))
(c_pair,) = fad.unpack(t_lin(fad.cotangent(jnp.array([1.0, 0.0]))))
cu2, cv2 = fad.unpack(c_pair)
np.testing.assert_allclose(fad.primal_of(cu2), [1.0, 2.0])
np.testing.assert_allclose(fad.primal_of(cv2), [2.0, 0.0])
