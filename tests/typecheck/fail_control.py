"""A loop whose carry changes type is an error, as under JAX's own signatures (issue 17)."""

from __future__ import annotations

import fad.numpy as jnp
from fad import Array, lax

xs = jnp.ones(4)


def grows(c: Array, x: Array) -> tuple[tuple[Array, Array], Array]:
    return (c, x), x


def takes_tuple(c: tuple[Array, Array], x: Array) -> tuple[tuple[Array, Array], Array]:
    return c, x


lax.scan(grows, jnp.asarray(0.0), xs)  # E: arg-type
lax.scan(takes_tuple, jnp.asarray(0.0), xs)  # E: arg-type
lax.fori_loop(0, 3, lambda i, v: (v, v), jnp.asarray(1.0))  # E: arg-type, return-value
lax.while_loop(lambda v: v < 3, lambda v: (v, v), jnp.asarray(0.0))  # E: arg-type, return-value
lax.cond(True, jnp.sin, jnp.cos, "x")  # E: arg-type
lax.switch(0, [jnp.sin, jnp.cos], xs, xs)  # E: list-item
lax.map(lambda p: p.upper(), xs)  # E: attr-defined
