"""JAX's gradient-clipping example, typed: a custom VJP rule returns None for the bounds.

``fad.pack(None, None, ct)`` is the cotangent of ``tuple[float, float, Array]``: the
bounds get no gradient. The gradients are compared with JAX's, recorded from the same
program (tests/data/clip_gradient_jax.json).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import fad
import fad.numpy as jnp
from fad import Array, Cotangent

RECORDED = json.loads(
    (Path(__file__).resolve().parent.parent / "data" / "clip_gradient_jax.json").read_text()
)


@fad.custom_vjp
def clip_gradient(lo: float, hi: float, x: Array) -> Array:
    return x  # the identity on the way forward


def clip_gradient_fwd(lo: float, hi: float, x: Array) -> tuple[Array, tuple[float, float]]:
    return x, (lo, hi)  # the bounds are the residuals


def clip_gradient_bwd(
    res: tuple[float, float], g: Cotangent[Array]
) -> Cotangent[tuple[float, float, Array]]:
    lo, hi = res
    # Clipping is not linear, so it leaves the cotangent space explicitly; None: the bounds
    # get no cotangent.
    return fad.pack(None, None, fad.cotangent(jnp.clip(fad.primal_of(g), lo, hi)))


clip_gradient.defvjp(clip_gradient_fwd, clip_gradient_bwd)


def clip_sin(x: Array) -> Array:
    return jnp.sin(clip_gradient(-0.75, 0.75, x))


xs = jnp.asarray(np.asarray(RECORDED["x"], np.float32))
want = np.asarray(RECORDED["grad"], np.float32)
np.testing.assert_allclose(np.asarray(fad.vmap(fad.grad(clip_sin))(xs)), want, rtol=1e-6)
np.testing.assert_allclose(np.asarray(fad.jit(fad.vmap(fad.grad(clip_sin)))(xs)), want, rtol=1e-6)
np.testing.assert_allclose(float(fad.grad(clip_sin)(xs[2])), want[2], rtol=1e-6)


def bounded(lo: Array, hi: Array, x: Array) -> Array:
    return jnp.sum(jnp.sin(clip_gradient(float(lo), float(hi), x)))


# The bounds' gradients are zeros, as JAX gives for the None cotangents.
g_lo, g_hi, g_x = fad.grad(bounded, argnums=(0, 1, 2))(
    jnp.asarray(-0.75), jnp.asarray(0.75), jnp.asarray(np.float32(2.0))
)
np.testing.assert_allclose(
    [float(g_lo), float(g_hi), float(g_x)], RECORDED["grad_lo_hi_x_at_2"], rtol=1e-6
)
