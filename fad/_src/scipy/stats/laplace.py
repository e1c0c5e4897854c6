"""The Laplace (double exponential) distribution."""

from __future__ import annotations

import numpy as np

from fad._src.core import Array, ArrayLike
from fad._src.scipy.stats._common import (
    args,
    log_scale,
    standardize,
    uf,
    where,
)


def logpdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, loc, scale = args("laplace.logpdf", x, loc, scale)
    return -uf.abs(standardize(x, loc, scale)) - log_scale(scale) - float(np.log(2.0))


def pdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.exp(logpdf(x, loc, scale))


def cdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, loc, scale = args("laplace.cdf", x, loc, scale)
    z = standardize(x, loc, scale)
    half = 0.5 * uf.exp(-uf.abs(z))
    return where(z < 0, half, 1.0 - half)
