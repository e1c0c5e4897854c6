"""The Cauchy distribution."""

from __future__ import annotations

import numpy as np

from fad._src.core import Array, ArrayLike
from fad._src.scipy.stats._common import (
    args,
    log_scale,
    standardize,
    uf,
)


def logpdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, loc, scale = args("cauchy.logpdf", x, loc, scale)
    z = standardize(x, loc, scale)
    return -log_scale(scale) - uf.log1p(z * z) - float(np.log(np.pi))


def pdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.exp(logpdf(x, loc, scale))


def cdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, loc, scale = args("cauchy.cdf", x, loc, scale)
    return 0.5 + uf.arctan(standardize(x, loc, scale)) / np.pi


def logcdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.log(cdf(x, loc, scale))


def sf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, loc, scale = args("cauchy.sf", x, loc, scale)
    return 0.5 - uf.arctan(standardize(x, loc, scale)) / np.pi


def logsf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.log(sf(x, loc, scale))


def ppf(q: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    q, loc, scale = args("cauchy.ppf", q, loc, scale)
    return loc + scale * uf.tan(np.pi * (q - 0.5))


def isf(q: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    q, loc, scale = args("cauchy.isf", q, loc, scale)
    return loc + scale * uf.tan(np.pi * (0.5 - q))
