"""Untyped, JAX-style code (bare tuples) type-checks where its values are Any."""

from __future__ import annotations

from typing import Any

import numpy as np

import fad
import fad.numpy as jnp


def jax_style(x: Any, v: Any) -> Any:
    # With Any values, the typed signatures accept JAX's bare tuples.
    _, y_dot = fad.jvp(jnp.sin, (x,), (v,))
    return y_dot


np.testing.assert_allclose(np.asarray(jax_style(jnp.zeros(2), jnp.ones(2))), [1.0, 1.0])
