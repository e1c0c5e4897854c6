"""The exponential distribution."""

from __future__ import annotations

from fad._src.core import Array, ArrayLike
from fad._src.scipy.stats._common import (
    NAN,
    NEG_INF,
    args,
    log_scale,
    logic,
    standardize,
    uf,
    where,
)


def logpdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, loc, scale = args("expon.logpdf", x, loc, scale)
    z = standardize(x, loc, scale)
    return where(z >= 0, -z - log_scale(scale), NEG_INF)


def pdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.exp(logpdf(x, loc, scale))


def cdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, loc, scale = args("expon.cdf", x, loc, scale)
    z = uf.maximum(standardize(x, loc, scale), 0.0)
    return -uf.expm1(-z)


def logcdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.log(cdf(x, loc, scale))


def sf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.exp(logsf(x, loc, scale))


def logsf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, loc, scale = args("expon.logsf", x, loc, scale)
    return -uf.maximum(standardize(x, loc, scale), 0.0)


def ppf(q: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    q, loc, scale = args("expon.ppf", q, loc, scale)
    ok = logic.logical_and(q >= 0, q <= 1)
    return where(ok, loc - scale * uf.log1p(-where(ok, q, 0.0)), NAN)
