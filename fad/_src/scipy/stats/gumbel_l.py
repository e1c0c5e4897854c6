"""The left-skewed Gumbel (extreme value) distribution."""

from __future__ import annotations

from fad._src.core import Array, ArrayLike
from fad._src.scipy.stats._common import (
    args,
    log_scale,
    standardize,
    uf,
    where,
)


def logpdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, loc, scale = args("gumbel_l.logpdf", x, loc, scale)
    z = standardize(x, loc, scale)
    return z - uf.exp(z) - log_scale(scale)


def pdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.exp(logpdf(x, loc, scale))


def logsf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, loc, scale = args("gumbel_l.logsf", x, loc, scale)
    return -uf.exp(standardize(x, loc, scale))


def sf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.exp(logsf(x, loc, scale))


def cdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return -uf.expm1(logsf(x, loc, scale))


def logcdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    # log1p(-sf) where sf is small, log(cdf) where cdf is.
    c = sf(x, loc, scale)
    return where(c < 0.5, uf.log1p(-c), uf.log(cdf(x, loc, scale)))


def ppf(p: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    p, loc, scale = args("gumbel_l.ppf", p, loc, scale)
    return loc + scale * uf.log(-uf.log1p(-p))
