"""Precise result types where they used to be ``Any`` (issue 17), checked against numpy.

Jacobians and Hessians of ``Array -> Array`` functions, literal ``argnums``, ``tree_map``
over arrays, a pullback unpacked inside a function, lambdas given to loops (and, under
pyright, to ``grad``, ``vmap`` and the Jacobians).
"""

# ruff: noqa: E501  (the expected revealed types are long, and must stay on their line)

from __future__ import annotations

from typing import reveal_type

import numpy as np

import fad
import fad.numpy as jnp
from fad import Array

x = jnp.array([0.5, -1.0, 2.0])
xn = np.asarray(x)


def f(x: Array) -> Array:
    return jnp.sin(x) * x


def scalar(x: Array) -> Array:
    return jnp.sum(x**3)


J = fad.jacfwd(f)(x)
reveal_type(J)  # N: Revealed type is "fad._src.core.Array"  # P: Array
np.testing.assert_allclose(np.asarray(J), np.diag(np.cos(xn) * xn + np.sin(xn)), rtol=1e-6)
Jr = fad.jacrev(f)(x)
reveal_type(Jr)  # N: Revealed type is "fad._src.core.Array"  # P: Array
np.testing.assert_allclose(np.asarray(Jr), np.asarray(J), rtol=1e-6)
H = fad.hessian(scalar)(x)
reveal_type(H)  # N: Revealed type is "fad._src.core.Array"  # P: Array
np.testing.assert_allclose(np.asarray(H), np.diag(6 * xn), rtol=1e-6)


def with_aux(x: Array) -> tuple[Array, Array]:
    return jnp.sin(x), jnp.sum(x)


Ja, total = fad.jacfwd(with_aux, has_aux=True)(x)
reveal_type(total)  # N: Revealed type is "fad._src.core.Array"  # P: Array
assert float(total) == float(jnp.sum(x))


def weighted(w: Array, x: Array, scale: float) -> Array:
    return scale * jnp.sum(w * x**2)


gx = fad.grad(weighted, argnums=1)(x, x, 2.0)
reveal_type(gx)  # N: Revealed type is "fad._src.core.Array"  # P: Array
np.testing.assert_allclose(np.asarray(gx), 4.0 * xn * xn, rtol=1e-6)
gw, gx2 = fad.grad(weighted, argnums=(0, 1))(x, x, 2.0)
reveal_type(gw)  # N: Revealed type is "fad._src.core.Array"  # P: Array
v, gx3 = fad.value_and_grad(weighted, argnums=1)(x, x, 2.0)
reveal_type(gx3)  # N: Revealed type is "fad._src.core.Array"  # P: Array


def three(a: Array, b: Array, c: Array) -> Array:
    return jnp.sum(a * b * c)


ga, gb, gc = fad.grad(three, argnums=(0, 1, 2))(x, 2 * x, 3 * x)
reveal_type(gc)  # N: Revealed type is "fad._src.core.Array"  # P: Array
np.testing.assert_allclose(np.asarray(gc), 2 * xn * xn, rtol=1e-6)

params = {"w": x, "b": jnp.asarray(1.0)}


def half(a: Array) -> Array:
    return a / 2


def sgd(p: Array, g: Array) -> Array:
    return p - 0.1 * g


halved = fad.tree.map(half, params)
reveal_type(halved)  # N: Revealed type is "dict[str, fad._src.core.Array]"  # P: dict[str, Array]
stepped = fad.tree_util.tree_map(sgd, params, halved)
reveal_type(stepped)  # N: Revealed type is "dict[str, fad._src.core.Array]"  # P: dict[str, Array]
np.testing.assert_allclose(np.asarray(stepped["w"]), 0.95 * xn, rtol=1e-6)


def pulled_back(x: Array) -> Array:
    # Unpacked inside a function, the pullback keeps its output type (an invariant class).
    _, pb = fad.vjp(f, x)
    reveal_type(pb)  # N: Revealed type is "fad._src.typing.Pullback[fad._src.core.Array, tuple[fad._src.core.Array]]"  # P: Pullback[Array, tuple[Array]]
    (x_bar,) = fad.unpack(pb(fad.cotangent(jnp.ones_like(x))))
    return fad.primal_of(x_bar)


np.testing.assert_allclose(np.asarray(pulled_back(x)), np.cos(xn) * xn + np.sin(xn), rtol=1e-6)

# A lambda given to a loop is typed from the carry, under both checkers.
count = fad.lax.while_loop(lambda c: c < 10, lambda c: c + 3, jnp.asarray(0))
reveal_type(count)  # N: Revealed type is "fad._src.core.Array"  # P: Array
assert int(count) == 12
# Under pyright a lambda given to grad, vmap or a Jacobian has an Array parameter. mypy
# types a lambda's parameters Any while it resolves overloads, so there the call is Any.
g_lambda = fad.grad(lambda z: jnp.sum(z**2))(x)
reveal_type(g_lambda)  # N: Revealed type is "Any"  # P: Array
batched = fad.vmap(lambda z: z @ z)(jnp.stack([x, x]))
reveal_type(batched)  # N: Revealed type is "Any"  # P: Array
np.testing.assert_allclose(np.asarray(g_lambda), 2 * xn, rtol=1e-6)
np.testing.assert_allclose(np.asarray(batched), [xn @ xn] * 2, rtol=1e-6)
