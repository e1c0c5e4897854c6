"""The von Mises distribution on the circle."""

from __future__ import annotations

import numpy as np

from fad._src.core import Array, ArrayLike
from fad._src.scipy import special
from fad._src.scipy.stats._common import (
    NAN,
    args,
    uf,
    where,
)


def logpdf(x: ArrayLike, kappa: ArrayLike) -> Array:
    x, kappa = args("vonmises.logpdf", x, kappa)
    # exp(kappa cos x) / (2 pi I0(kappa)), with I0 scaled so that large kappa cannot overflow.
    val = kappa * (uf.cos(x) - 1.0) - uf.log(2 * np.pi * special.i0e(kappa))
    return where(kappa > 0, val, NAN)


def pdf(x: ArrayLike, kappa: ArrayLike) -> Array:
    return uf.exp(logpdf(x, kappa))
