"""Keys have static types: typed keys (``PRNGKeyArray``) and raw key data (``KeyData``)
flow through key/PRNGKey/split/fold_in/clone and into every sampler."""

from __future__ import annotations

from typing import reveal_type

import numpy as np

import fad
import fad.numpy as jnp
from fad import Array, random

key = random.key(0)
reveal_type(key)  # N: Revealed type is "fad._src.random.keys.PRNGKeyArray"
key, sub = random.split(key)
reveal_type(sub)  # N: Revealed type is "fad._src.random.keys.PRNGKeyArray"
keys = random.split(key, 4)
reveal_type(keys[0])  # N: Revealed type is "fad._src.random.keys.PRNGKeyArray"
reveal_type(random.fold_in(key, 3))  # N: Revealed type is "fad._src.random.keys.PRNGKeyArray"
reveal_type(random.clone(key))  # N: Revealed type is "fad._src.random.keys.PRNGKeyArray"

raw = random.PRNGKey(0)
reveal_type(raw)  # N: Revealed type is "fad._src.random.keys.KeyData"
raw, raw_sub = random.split(raw)
reveal_type(raw_sub)  # N: Revealed type is "fad._src.random.keys.KeyData"
reveal_type(random.split(raw, 3)[1])  # N: Revealed type is "fad._src.random.keys.KeyData"
reveal_type(random.key_data(key))  # N: Revealed type is "fad._src.random.keys.KeyData"
reveal_type(random.wrap_key_data(raw))  # N: Revealed type is "fad._src.random.keys.PRNGKeyArray"

# Raw key data is data too (JAX's legacy keys are uint32 arrays).
words: Array = random.key_data(key)
assert words.dtype == np.uint32

x = random.normal(sub, (3,))
g = random.gamma(raw_sub, jnp.array([0.5, 2.0]))
n = random.poisson(random.fold_in(raw, 1), 3.0, (2,))
reveal_type(g)  # N: Revealed type is "fad._src.core.Array"


def draw(k: random.KeyArray, n: int) -> Array:
    """A function over either kind of key."""
    a, b = random.split(k)
    return random.uniform(a, (n,)) + random.exponential(b, (n,))


assert draw(key, 2).shape == draw(raw, 2).shape == (2,)
def two_normals(k: random.PRNGKeyArray) -> Array:
    return random.normal(k, (2,))


batched = fad.vmap(two_normals)(random.split(key, 3))
assert batched.shape == (3, 2) and x.shape == (3,) and n.shape == (2,)
