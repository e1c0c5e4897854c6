"""The logistic distribution."""

from __future__ import annotations

from fad._src.core import Array, ArrayLike
from fad._src.scipy import special
from fad._src.scipy.stats._common import (
    args,
    log_scale,
    standardize,
    uf,
)


def logpdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, loc, scale = args("logistic.logpdf", x, loc, scale)
    z = uf.abs(standardize(x, loc, scale))  # the density is symmetric
    return -z - 2.0 * uf.log1p(uf.exp(-z)) - log_scale(scale)


def pdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.exp(logpdf(x, loc, scale))


def cdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, loc, scale = args("logistic.cdf", x, loc, scale)
    return special.expit(standardize(x, loc, scale))


def sf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, loc, scale = args("logistic.sf", x, loc, scale)
    return special.expit(-standardize(x, loc, scale))


def ppf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    q, loc, scale = args("logistic.ppf", x, loc, scale)
    return loc + scale * special.logit(q)


def isf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    q, loc, scale = args("logistic.isf", x, loc, scale)
    return loc - scale * special.logit(q)
