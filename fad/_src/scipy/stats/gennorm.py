"""The generalized normal distribution with shape ``beta``."""

from __future__ import annotations

from fad._src.core import Array, ArrayLike
from fad._src.scipy import special
from fad._src.scipy.stats._common import (
    args,
    uf,
)


def logpdf(x: ArrayLike, beta: ArrayLike) -> Array:
    x, b = args("gennorm.logpdf", x, beta)
    return uf.log(0.5 * b) - special.gammaln(1.0 / b) - uf.power(uf.abs(x), b)


def pdf(x: ArrayLike, beta: ArrayLike) -> Array:
    return uf.exp(logpdf(x, beta))


def cdf(x: ArrayLike, beta: ArrayLike) -> Array:
    x, b = args("gennorm.cdf", x, beta)
    return 0.5 + 0.5 * uf.sign(x) * special.gammainc(1.0 / b, uf.power(uf.abs(x), b))
