"""Linear operations on tangents and cotangents keep their role (issue 17).

Products with a point, ``@`` with a matrix, reshapes, transposes, sums, means, stacks,
concatenations and ``where(mask, t, 0.0)`` are linear in the tangent, so a custom rule
writes them without ``primal_of`` round trips; the results are checked against numpy.
"""

# ruff: noqa: E501  (the expected revealed types are long, and must stay on their line)

from __future__ import annotations

from typing import reveal_type

import numpy as np

import fad
import fad.numpy as jnp
from fad import Array, Cotangent, Tangent

x = jnp.array([0.5, -1.0, 2.0])
A = jnp.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
t = fad.tangent(jnp.array([1.0, 0.5, -2.0]))
c = fad.cotangent(jnp.array([2.0, 1.0, 1.0]))
mask = x > 0
tn, cn = np.asarray(fad.primal_of(t)), np.asarray(fad.primal_of(c))

s = jnp.sum(x * t)
reveal_type(s)  # N: Revealed type is "fad._src.typing.Tangent[fad._src.core.Array]"  # P: Tangent[Array]
np.testing.assert_allclose(np.asarray(fad.primal_of(s)), np.sum(np.asarray(x) * tn))
m = A @ (t * x)
reveal_type(m)  # N: Revealed type is "fad._src.typing.Tangent[fad._src.core.Array]"  # P: Tangent[Array]
np.testing.assert_allclose(np.asarray(fad.primal_of(m)), np.asarray(A) @ (tn * np.asarray(x)))
r: Tangent[Array] = t.reshape(-1, 1).T
assert fad.primal_of(r).shape == (1, 3)
st = jnp.stack([t, 2.0 * t])
reveal_type(st)  # N: Revealed type is "fad._src.typing.Tangent[fad._src.core.Array]"  # P: Tangent[Array]
cc = jnp.concatenate([c, -c])
reveal_type(cc)  # N: Revealed type is "fad._src.typing.Cotangent[fad._src.core.Array]"  # P: Cotangent[Array]
np.testing.assert_allclose(np.asarray(fad.primal_of(cc)), np.concatenate([cn, -cn]))
w = jnp.where(mask, t, 0.0)
reveal_type(w)  # N: Revealed type is "fad._src.typing.Tangent[fad._src.core.Array]"  # P: Tangent[Array]
np.testing.assert_allclose(np.asarray(fad.primal_of(w)), np.where(np.asarray(mask), tn, 0.0))
mc = jnp.mean(jnp.stack([c, c]), axis=0)
reveal_type(mc)  # N: Revealed type is "fad._src.typing.Cotangent[fad._src.core.Array]"  # P: Cotangent[Array]
np.testing.assert_allclose(np.asarray(fad.primal_of(mc)), cn)
pulled: Cotangent[Array] = jnp.matmul(A.T, jnp.dot(A, c))
np.testing.assert_allclose(np.asarray(fad.primal_of(pulled)), np.asarray(A).T @ (np.asarray(A) @ cn))
assert t.sum().shape == () and c.mean(axis=0).shape == ()


# A custom JVP rule written with linear operations only: softmax's tangent is
# sm * t - sm * sum(sm * t), with no primal_of.
@fad.custom_jvp
def softmax(z: Array) -> Array:
    e = jnp.exp(z - jnp.max(z))
    return e / jnp.sum(e)


@softmax.defjvp
def softmax_jvp(
    primals: tuple[Array], tangents: Tangent[tuple[Array]]
) -> tuple[Array, Tangent[Array]]:
    (z,) = primals
    (z_dot,) = fad.unpack(tangents)
    sm = softmax(z)
    return sm, sm * z_dot - sm * jnp.sum(sm * z_dot)


out, out_dot = fad.jvp(softmax, (x,), (t,))
reveal_type(out_dot)  # N: Revealed type is "fad._src.typing.Tangent[fad._src.core.Array]"  # P: Tangent[Array]
xn = np.asarray(x)
sm_n = np.exp(xn - xn.max()) / np.exp(xn - xn.max()).sum()
np.testing.assert_allclose(np.asarray(fad.primal_of(out_dot)), sm_n * tn - sm_n * np.sum(sm_n * tn), rtol=1e-6)
