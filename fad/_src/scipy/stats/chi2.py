"""The chi-squared distribution: ``gamma(df / 2, scale=2)``."""

from __future__ import annotations

from fad._src.core import Array, ArrayLike
from fad._src.scipy.stats import gamma
from fad._src.scipy.stats._common import (
    args,
)


def _g(name: str, x: ArrayLike, df: ArrayLike, loc: ArrayLike, scale: ArrayLike) -> list[Array]:
    x, df, loc, scale = args(name, x, df, loc, scale)
    return [x, df / 2.0, loc, 2.0 * scale]


def logpdf(x: ArrayLike, df: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return gamma.logpdf(*_g("chi2.logpdf", x, df, loc, scale))


def pdf(x: ArrayLike, df: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return gamma.pdf(*_g("chi2.pdf", x, df, loc, scale))


def cdf(x: ArrayLike, df: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return gamma.cdf(*_g("chi2.cdf", x, df, loc, scale))


def logcdf(x: ArrayLike, df: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return gamma.logcdf(*_g("chi2.logcdf", x, df, loc, scale))


def sf(x: ArrayLike, df: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return gamma.sf(*_g("chi2.sf", x, df, loc, scale))


def logsf(x: ArrayLike, df: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return gamma.logsf(*_g("chi2.logsf", x, df, loc, scale))
