"""fad.testing rejects arguments that do not fit the checked function."""

from __future__ import annotations

import fad
import fad.numpy as jnp
import fad.testing
from fad import Array


def loss(w: Array, x: Array) -> Array:
    return jnp.sum(x @ w)


w = jnp.ones(2)
fad.testing.check_laws(loss, w)  # E: arg-type
fad.testing.check_laws(loss, w, "x")  # E: arg-type
fad.testing.check_laws(loss, w, w, laws=3)  # E: arg-type
fad.testing.check_custom_jvp(loss, w, w)  # E: arg-type
