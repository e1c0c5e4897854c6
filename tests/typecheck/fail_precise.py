"""Misuses that the precise result types catch (issue 17)."""

from __future__ import annotations

import fad
import fad.numpy as jnp
from fad import Array

x = jnp.ones(3)


def f(x: Array) -> Array:
    return jnp.sin(x)


def g(w: Array, scale: float) -> Array:
    return scale * jnp.sum(w)


def user(x: Array) -> None:
    _, pb = fad.vjp(f, x)
    pb(fad.cotangent((x, x)))  # E: arg-type
    pb(fad.tangent(x))  # E: arg-type


name: str = fad.jacfwd(f)(x)  # E: assignment
count: int = fad.hessian(lambda z: jnp.sum(z))(x)  # E[pyright]
flag: bool = fad.grad(g, argnums=1)(x, 2.0)  # E: assignment
