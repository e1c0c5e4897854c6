"""The uniform distribution on ``[loc, loc + scale]``."""

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
    x, loc, scale = args("uniform.logpdf", x, loc, scale)
    inside = logic.logical_and(x >= loc, x <= loc + scale)
    return where(inside, -log_scale(scale), NEG_INF)


def pdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.exp(logpdf(x, loc, scale))


def cdf(x: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, loc, scale = args("uniform.cdf", x, loc, scale)
    return uf.clip(standardize(x, loc, scale), 0.0, 1.0)


def ppf(q: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    q, loc, scale = args("uniform.ppf", q, loc, scale)
    return where(logic.logical_and(q >= 0, q <= 1), loc + q * scale, NAN)
