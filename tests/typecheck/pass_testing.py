"""fad.testing as a user calls it: the checks are typed against the function's arguments."""

from __future__ import annotations

from typing import reveal_type

import fad
import fad.numpy as jnp
import fad.testing
from fad import Array, Cotangent, Tangent


def loss(w: Array, x: Array) -> Array:
    return jnp.sum(jnp.tanh(x @ w) ** 2)


w, x = jnp.array([0.1, -0.2]), jnp.array([[1.0, 2.0], [0.5, -1.0]])
fad.testing.check_laws(loss, w, x, laws=["jvp_fd", "grad_vjp_one"], seed=3)
fad.testing.check_laws(loss, w, x, argnums=[0], rtol=1e-2, atol=1e-2, batch=[(w, x), (w, x)])


@fad.custom_jvp
def softplus(v: Array) -> Array:
    return jnp.log1p(jnp.exp(v))


@softplus.defjvp
def softplus_jvp(primals: tuple[Array], tangents: Tangent[tuple[Array]]) -> tuple[Array, Tangent[Array]]:  # noqa: E501
    (v,) = primals
    (t,) = fad.unpack(tangents)
    return softplus(v), t * (1.0 / (1.0 + jnp.exp(-v)))


fad.testing.check_custom_jvp(softplus, jnp.linspace(-1.0, 1.0, 3))


@fad.custom_vjp
def scale(v: Array) -> Array:
    return 3.0 * v


def scale_fwd(v: Array) -> tuple[Array, None]:
    return 3.0 * v, None


def scale_bwd(res: None, ct: Cotangent[Array]) -> Cotangent[tuple[Array]]:
    return fad.cotangent((3.0 * fad.primal_of(ct),))


scale.defvjp(scale_fwd, scale_bwd)
fad.testing.check_custom_vjp(scale, jnp.ones(2))
fad.testing.check_handler(fad.Handler(), loss, w, x)
reveal_type(fad.testing.edge_values(jnp.float32))  # N: Revealed type is "numpy.ndarray[Any, Any]"
