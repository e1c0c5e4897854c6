"""Nonlinear uses of a tangent, and tangent-cotangent mixing, stay errors (issue 17)."""

from __future__ import annotations

import fad
import fad.numpy as jnp
from fad import Array, Tangent

x = jnp.ones(3)
mask = x > 0
t = fad.tangent(jnp.ones(3))
c = fad.cotangent(jnp.ones(3))

e = jnp.exp(t)  # E: arg-type
sq = t * t  # E: operator
tt = t @ t  # E: operator
tc = t * c  # E: operator
mixed = jnp.stack([t, c])  # E: type-var
wc = jnp.where(mask, t, c)  # E: type-var
affine = jnp.where(mask, t, x)  # E: call-overload
both = jnp.sum(t) + jnp.sum(c)  # E: arg-type
pt: Tangent[Array] = jnp.sum(x)  # E: assignment
prod = jnp.matmul(t, c)  # E: call-overload
