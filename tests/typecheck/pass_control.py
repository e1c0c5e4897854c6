"""Control flow is generic in its carry, xs and ys (issue 17): the types flow through.

A Python scalar carry is weakly typed, so the loop sees and returns an ``Array``; the
values are checked against plain Python loops.
"""

# ruff: noqa: E501  (the expected revealed types are long, and must stay on their line)

from __future__ import annotations

from typing import reveal_type

import numpy as np

import fad.numpy as jnp
from fad import Array, lax

xs = jnp.array([1.0, 2.0, 3.0, 4.0])


def step(carry: tuple[Array, Array], x: Array) -> tuple[tuple[Array, Array], Array]:
    total, count = carry
    return (total + x, count + 1.0), total * x


(total, count), ys = lax.scan(step, (jnp.asarray(0.0), jnp.asarray(0.0)), xs)
reveal_type(total)  # N: Revealed type is "fad._src.core.Array"  # P: Array
reveal_type(ys)  # N: Revealed type is "fad._src.core.Array"  # P: Array
assert float(total) == 10.0 and float(count) == 4.0
np.testing.assert_allclose(np.asarray(ys), [0.0, 2.0, 9.0, 24.0])

# A Python float carry becomes an Array; a lambda's parameters are typed from the carry.
c, cumsum = lax.scan(lambda c, x: (c + x, c + x), 0.0, xs)
reveal_type(c)  # N: Revealed type is "fad._src.core.Array"  # P: Array
np.testing.assert_allclose(np.asarray(cumsum), np.cumsum([1.0, 2.0, 3.0, 4.0]))
n, _ = lax.scan(lambda c, _: (c + 1, None), jnp.asarray(0), None, length=5)
assert int(n) == 5

f = lax.fori_loop(0, 5, lambda i, v: v * 2.0 + i, 1.0)
reveal_type(f)  # N: Revealed type is "fad._src.core.Array"  # P: Array
ref = 1.0
for i in range(5):
    ref = ref * 2.0 + i
assert float(f) == ref
w = lax.while_loop(lambda v: v < 100.0, lambda v: v * 3.0, jnp.asarray(1.0))
reveal_type(w)  # N: Revealed type is "fad._src.core.Array"  # P: Array
assert float(w) == 243.0
pair = lax.while_loop(lambda p: p[0] < 3, lambda p: (p[0] + 1, p[1] * 2.0), (jnp.asarray(0), jnp.asarray(1.0)))
reveal_type(pair)  # N: Revealed type is "tuple[fad._src.core.Array, fad._src.core.Array]"  # P: tuple[Array, Array]
assert float(pair[1]) == 8.0

y = lax.cond(jnp.sum(xs) > 0, lambda a, b: a * b, lambda a, b: a - b, xs, jnp.asarray(2.0))
reveal_type(y)  # N: Revealed type is "fad._src.core.Array"  # P: Array
np.testing.assert_allclose(np.asarray(y), np.asarray(xs) * 2.0)
z = lax.switch(1, [jnp.sin, jnp.cos, jnp.tanh], xs)
reveal_type(z)  # N: Revealed type is "fad._src.core.Array"  # P: Array
np.testing.assert_allclose(np.asarray(z), np.cos(np.asarray(xs)), rtol=1e-6)
sq = lax.map(lambda v: v * v, xs)
reveal_type(sq)  # N: Revealed type is "fad._src.core.Array"  # P: Array
np.testing.assert_allclose(np.asarray(sq), [1.0, 4.0, 9.0, 16.0])
