"""The Pareto distribution with shape ``b`` (support ``x >= loc + scale``)."""

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


def _z(
    name: str, x: ArrayLike, b: ArrayLike, loc: ArrayLike, scale: ArrayLike
) -> tuple[Array, Array, Array, Array]:
    x, b, loc, scale = args(name, x, b, loc, scale)
    z = standardize(x, loc, scale)
    inside = z >= 1
    return where(inside, z, 1.0), b, scale, inside


def logpdf(x: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    z, b, scale, inside = _z("pareto.logpdf", x, b, loc, scale)
    return where(inside, uf.log(b) - (b + 1.0) * uf.log(z) - log_scale(scale), NEG_INF)


def pdf(x: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.exp(logpdf(x, b, loc, scale))


def logsf(x: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    z, b, _, inside = _z("pareto.logsf", x, b, loc, scale)
    return where(inside, -b * uf.log(z), 0.0)


def sf(x: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.exp(logsf(x, b, loc, scale))


def cdf(x: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return -uf.expm1(logsf(x, b, loc, scale))


def logcdf(x: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    z, b, _, inside = _z("pareto.logcdf", x, b, loc, scale)
    return where(inside, uf.log1p(-uf.exp(-b * uf.log(z))), NEG_INF)


def ppf(q: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    q, b, loc, scale = args("pareto.ppf", q, b, loc, scale)
    ok = logic.logical_and(q >= 0, q <= 1)
    return where(ok, loc + scale * uf.power(1.0 - where(ok, q, 0.0), -1.0 / b), NAN)
