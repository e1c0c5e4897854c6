"""The beta distribution on ``[loc, loc + scale]``."""

from __future__ import annotations

from fad._src.core import Array, ArrayLike
from fad._src.scipy import special
from fad._src.scipy.stats._common import (
    NEG_INF,
    args,
    log_scale,
    logic,
    standardize,
    uf,
    where,
)


def logpdf(
    x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1
) -> Array:
    x, a, b, loc, scale = args("beta.logpdf", x, a, b, loc, scale)
    z = standardize(x, loc, scale)
    inside = logic.logical_and(z >= 0, z <= 1)
    zs = where(inside, z, 0.5)
    val = special.xlogy(a - 1.0, zs) + special.xlog1py(b - 1.0, -zs) - special.betaln(a, b)
    return where(inside, val - log_scale(scale), NEG_INF)


def pdf(
    x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1
) -> Array:
    return uf.exp(logpdf(x, a, b, loc, scale))


def cdf(
    x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1
) -> Array:
    x, a, b, loc, scale = args("beta.cdf", x, a, b, loc, scale)
    return special.betainc(a, b, uf.clip(standardize(x, loc, scale), 0.0, 1.0))


def logcdf(
    x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1
) -> Array:
    return uf.log(cdf(x, a, b, loc, scale))


def sf(x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, a, b, loc, scale = args("beta.sf", x, a, b, loc, scale)
    return special.betainc(b, a, uf.clip(1.0 - standardize(x, loc, scale), 0.0, 1.0))


def logsf(
    x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1
) -> Array:
    return uf.log(sf(x, a, b, loc, scale))
