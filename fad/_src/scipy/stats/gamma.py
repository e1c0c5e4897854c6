"""The gamma distribution with shape ``a``."""

from __future__ import annotations

from fad._src.core import Array, ArrayLike
from fad._src.scipy import special
from fad._src.scipy.stats._common import (
    NEG_INF,
    args,
    log_scale,
    standardize,
    uf,
    where,
)


def logpdf(x: ArrayLike, a: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, a, loc, scale = args("gamma.logpdf", x, a, loc, scale)
    z = standardize(x, loc, scale)
    inside = z >= 0
    zs = where(inside, z, 1.0)
    val = special.xlogy(a - 1.0, zs) - zs - special.gammaln(a) - log_scale(scale)
    return where(inside, val, NEG_INF)


def pdf(x: ArrayLike, a: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.exp(logpdf(x, a, loc, scale))


def cdf(x: ArrayLike, a: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, a, loc, scale = args("gamma.cdf", x, a, loc, scale)
    return special.gammainc(a, uf.maximum(standardize(x, loc, scale), 0.0))


def logcdf(x: ArrayLike, a: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.log(cdf(x, a, loc, scale))


def sf(x: ArrayLike, a: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, a, loc, scale = args("gamma.sf", x, a, loc, scale)
    return special.gammaincc(a, uf.maximum(standardize(x, loc, scale), 0.0))


def logsf(x: ArrayLike, a: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.log(sf(x, a, loc, scale))
