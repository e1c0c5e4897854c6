"""Typed forward mode: jvp in both tangent idioms, linearize, tangent arithmetic."""

# ruff: noqa: E501  (the expected revealed types are long, and must stay on their line)

from __future__ import annotations

from typing import reveal_type

import numpy as np

import fad
import fad.numpy as jnp
from fad import Array, Linear, Tangent


def f(x: Array) -> Array:
    return jnp.sin(x) * x


def g(x: Array, y: Array) -> Array:
    return x * y + jnp.cos(x)


x = jnp.array([0.5, 1.0, 2.0])
y = jnp.array([1.5, -1.0, 0.25])
v = fad.tangent(jnp.ones(3))
w = fad.tangent(jnp.array([0.0, 1.0, 0.0]))

# A tangent of the tuple of arguments (the general form) ...
out, out_dot = fad.jvp(g, (x, y), fad.tangent((jnp.ones(3), jnp.zeros(3))))
reveal_type(out)  # N: Revealed type is "fad._src.core.Array"
reveal_type(out_dot)  # N: Revealed type is "fad._src.typing.Tangent[fad._src.core.Array]"
# ... or one tangent per argument (typed for 1 to 3 arguments).
out2, out_dot2 = fad.jvp(g, (x, y), (v, w))
out3, out_dot3 = fad.jvp(g, (x, y), fad.pack(v, w))
np.testing.assert_allclose(fad.primal_of(out_dot2), fad.primal_of(out_dot3))

# Tangent arithmetic stays in the tangent space.
combo = 2.0 * v - w / 4 + (-v) * x
reveal_type(combo)  # N: Revealed type is "fad._src.typing.Tangent[fad._src.core.Array]"

# linearize: a Linear map of tangents; one primal gives Linear[X, B].
y0, f_jvp = fad.linearize(f, x)
reveal_type(f_jvp)  # N: Revealed type is "fad._src.typing.Linear[fad._src.core.Array, fad._src.core.Array]"
_, f_dot = fad.jvp(f, (x,), (v,))
np.testing.assert_allclose(fad.primal_of(f_jvp(v)), fad.primal_of(f_dot), rtol=1e-6)

# Several primals give Linear[tuple[X, Y], B], called with the packed tangent.
_, g_jvp = fad.linearize(g, x, y)
reveal_type(g_jvp)  # N: Revealed type is "fad._src.typing.Linear[tuple[fad._src.core.Array, fad._src.core.Array], fad._src.core.Array]"
np.testing.assert_allclose(
    fad.primal_of(g_jvp(fad.pack(v, w))), fad.primal_of(out_dot2), rtol=1e-6
)


# A function annotated as a linear map satisfies the Linear protocol.
def twice(t: Tangent[Array]) -> Tangent[Array]:
    return 2.0 * t


def apply_twice(lin: Linear[Array, Array], t: Tangent[Array]) -> Tangent[Array]:
    return lin(lin(t))


doubled = apply_twice(twice, v)
np.testing.assert_allclose(fad.primal_of(doubled), 4.0 * np.ones(3))
np.testing.assert_allclose(fad.primal_of(apply_twice(f_jvp, v)), fad.primal_of(f_jvp(f_jvp(v))))

# Tangents of pytrees: split and join, index a mapping.
pair = fad.tangent((jnp.ones(3), jnp.zeros(2)))
first, second = fad.unpack(pair)
reveal_type(second)  # N: Revealed type is "fad._src.typing.Tangent[fad._src.core.Array]"
params_dot = fad.tangent({"w": jnp.ones(3), "b": jnp.zeros(())})
reveal_type(params_dot["w"])  # N: Revealed type is "fad._src.typing.Tangent[fad._src.core.Array]"
assert fad.primal_of(params_dot["b"]).shape == ()

# jvp with an auxiliary output.
y_aux, y_dot_aux, aux = fad.jvp(lambda a: (jnp.sum(a * a), "label"), (x,), (v,), has_aux=True)
reveal_type(aux)  # N: Revealed type is "str"
assert aux == "label"
