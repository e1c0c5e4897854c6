"""What the distribution modules share: argument promotion and the standardized variable."""

from __future__ import annotations

import numpy as np

from fad._src.core import Array, ArrayLike
from fad._src.numpy import logic
from fad._src.numpy import ufuncs as uf
from fad._src.numpy.sorting import where
from fad._src.scipy.special import _reals

__all__ = ["args", "standardize", "where", "uf", "logic", "NEG_INF", "NAN", "log_scale"]

NEG_INF = -np.inf
NAN = np.nan


def args(name: str, *xs: ArrayLike) -> list[Array]:
    """``xs`` promoted to one float dtype and broadcast to one shape (complex refused)."""
    return _reals(name, *xs)


def standardize(x: Array, loc: Array, scale: Array) -> Array:
    return (x - loc) / scale


def log_scale(scale: Array) -> Array:
    """``log(scale)``, nan for a non-positive scale (scipy's invalid parameter)."""
    return where(scale > 0, uf.log(where(scale > 0, scale, 1.0)), NAN)
