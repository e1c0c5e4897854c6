"""jit keeps the wrapped function's signature; vmap keeps it too (shapes are not types)."""

# ruff: noqa: E501  (the expected revealed types are long, and must stay on their line)

from __future__ import annotations

import functools
from typing import reveal_type

import numpy as np

import fad
import fad.numpy as jnp
from fad import Array


@fad.jit
def scale(x: Array, factor: float = 2.0) -> Array:
    return x * factor


reveal_type(scale)  # N: Revealed type is "fad._src.jit.JitFunction[[x: fad._src.core.Array, factor: float =], fad._src.core.Array]"
out = scale(jnp.ones(3), factor=3.0)
reveal_type(out)  # N: Revealed type is "fad._src.core.Array"
np.testing.assert_allclose(np.asarray(out), [3.0, 3.0, 3.0])


@functools.partial(fad.jit, static_argnames="n")
def power(x: Array, n: int) -> Array:
    return x**n


np.testing.assert_allclose(np.asarray(power(jnp.array(2.0), n=3)), 8.0)
lowered = fad.jit(scale).lower(jnp.ones(2))
compiled = lowered.compile()
reveal_type(compiled(jnp.ones(2)))  # N: Revealed type is "fad._src.core.Array"


class Model:
    def __init__(self, w: Array) -> None:
        self.w = w

    @functools.partial(fad.jit, static_argnums=0)  # self is hashed, not traced
    def apply(self, x: Array) -> Array:
        return x * 2.0


model = Model(jnp.ones(2))
reveal_type(model.apply)  # N: Revealed type is "def (x: fad._src.core.Array) -> fad._src.core.Array"
np.testing.assert_allclose(np.asarray(model.apply(jnp.ones(2))), [2.0, 2.0])

# Transformations of jitted functions keep their types.
d_scale = fad.grad(lambda x: jnp.sum(scale(x)))
np.testing.assert_allclose(np.asarray(d_scale(jnp.ones(2))), [2.0, 2.0])


def dot(a: Array, b: Array) -> Array:
    return jnp.sum(a * b)


batched = fad.vmap(dot, in_axes=(0, None))
reveal_type(batched)  # N: Revealed type is "def (a: fad._src.core.Array, b: fad._src.core.Array) -> fad._src.core.Array"
np.testing.assert_allclose(np.asarray(batched(jnp.ones((4, 3)), jnp.arange(3.0))), [3.0] * 4)
jac = fad.jacfwd(jnp.sin)(jnp.zeros(2))
np.testing.assert_allclose(np.asarray(jac), np.eye(2))
