"""Signatures the transformations keep: jit's parameters, grad's result types, pytree leaves."""

from __future__ import annotations

from collections.abc import Mapping

import fad
import fad.numpy as jnp
from fad import Array


@fad.jit
def scale(x: Array, factor: float = 2.0) -> Array:
    return x * factor


x = jnp.ones(3)
scale(x, facter=3.0)  # E: call-arg
scale(x, factor="big")  # E: arg-type
scale()  # E: call-arg
fad.jit(scale).lower(x, 1.0, 2.0)  # E: call-arg

# A non-array leaf in a pytree argument.
Params = Mapping[str, Array]


def loss(params: Params, data: Array) -> Array:
    return jnp.sum(params["w"] * data)


params: Params = {"w": jnp.ones(3)}
fad.grad(loss)({"w": "three"}, x)  # E: dict-item
fad.grad(loss)({"w": x, "n": 3}, x)  # E: dict-item
fad.vjp(loss, {"w": [1, 2]}, x)  # E: call-arg, arg-type
fad.jvp(loss, (params, "x"), fad.tangent((params, x)))  # E: arg-type

# grad returns the type of the argument it differentiates (argnums=0) ...
g_params = fad.grad(loss)(params, x)
g_wrong: Array = g_params  # E: assignment
# ... or a tuple of them (a tuple of argnums).
both = fad.grad(loss, argnums=(0, 1))(params, x)
one: Params = both  # E: assignment
gp, gd = both
gd_wrong: Params = gd  # E: assignment
value, grad_value = fad.value_and_grad(loss)(params, x)
value_wrong: Params = value  # E: assignment
# grad of a function of no arguments, or with a non-scalar-like result.
fad.grad(lambda: x)  # E: misc, arg-type
fad.grad(loss)(x, x)  # E: arg-type

# vmap keeps the signature: a wrong keyword is still an error.
fad.vmap(loss)(params, date=x)  # E: call-arg
