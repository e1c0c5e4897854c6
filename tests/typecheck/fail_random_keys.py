"""An array is not a key, and a typed key is not an array."""

from __future__ import annotations

import fad.numpy as jnp
from fad import Array, random

random.normal(jnp.ones(2), (3,))  # E: arg-type
random.gamma(jnp.zeros(2), 1.0)  # E: arg-type
random.split(jnp.ones(2))  # E: call-overload
random.fold_in(jnp.ones(2), 1)  # E: call-overload
random.poisson(1, 2.0)  # E: arg-type

key = random.key(0)
_ = key + 1  # E: operator
jnp.sin(key)  # E: arg-type
arr: Array = key  # E: assignment
data: Array = random.split(key)  # E: assignment
sub: random.PRNGKeyArray = random.split(random.PRNGKey(0))  # E: assignment
