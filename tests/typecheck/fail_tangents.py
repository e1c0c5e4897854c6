"""Tangents, cotangents and points are different static types."""

from __future__ import annotations

import fad
import fad.numpy as jnp
from fad import Array


def f(x: Array) -> Array:
    return jnp.sin(x) * x


def g(x: Array, y: Array) -> Array:
    return x * y


x = jnp.ones(3)
v = fad.tangent(jnp.ones(3))
u = fad.cotangent(jnp.ones(3))

# A bare array is a point, not a tangent (JAX style: runs, but is rejected statically).
fad.jvp(f, (x,), (x,))  # E: arg-type
fad.jvp(f, (x,), (u,))  # E: arg-type
y, f_jvp = fad.linearize(f, x)
f_jvp(x)  # E: arg-type
# A cotangent is not a tangent.
f_jvp(u)  # E: arg-type
fad.jvp(f, (x,), fad.cotangent((x,)))  # E: call-overload
# A tangent does not go into a pullback, and a pullback's result is not a tangent.
y, pullback = fad.vjp(f, x)
pullback(v)  # E: arg-type
pullback(y)  # E: arg-type
(x_bar,) = fad.unpack(pullback(u))
f_jvp(x_bar)  # E: arg-type
# The wrong number of tangents.
fad.jvp(g, (x, x), fad.tangent((x,)))  # E: arg-type
fad.jvp(g, (x, x), (v,))  # E: arg-type
fad.jvp(f, (x,), fad.pack(v, v))  # E: arg-type
_, g_jvp = fad.linearize(g, x, x)
g_jvp(v)  # E: arg-type
a, b, c = fad.unpack(fad.pack(v, v))  # E: misc
# Vector-space arithmetic only: no tangent + point, no tangent + cotangent.
v + x  # E: operator
x + v  # E: operator
v + u  # E: operator
u - v  # E: operator
v * v  # E: operator
jnp.sin(v)  # E: arg-type
bad: Array = v  # E: assignment
fad.pack(v, u)  # E: call-overload
