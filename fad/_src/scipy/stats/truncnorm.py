"""The normal distribution truncated to ``[a, b]`` in standard units."""

from __future__ import annotations

import numpy as np

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


def _parts(
    name: str, x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike, scale: ArrayLike
) -> tuple[Array, Array, Array, Array, Array]:
    x, a, b, loc, scale = args(name, x, a, b, loc, scale)
    return standardize(x, loc, scale), a, b, scale, a > 0


def _mass(lo: Array, hi: Array, upper: Array) -> Array:
    """``ndtr(hi) - ndtr(lo)``, through the upper tail where ``upper`` (no cancellation)."""
    return where(upper, special.ndtr(-lo) - special.ndtr(-hi), special.ndtr(hi) - special.ndtr(lo))


def logpdf(
    x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1
) -> Array:
    z, a, b, scale, upper = _parts("truncnorm.logpdf", x, a, b, loc, scale)
    inside = logic.logical_and(z >= a, z <= b)
    val = -0.5 * z * z - 0.5 * np.log(2 * np.pi) - uf.log(_mass(a, b, upper)) - log_scale(scale)
    out: Array = where(inside, val, NEG_INF)
    return out


def pdf(
    x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1
) -> Array:
    return uf.exp(logpdf(x, a, b, loc, scale))


def cdf(
    x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1
) -> Array:
    z, a, b, _, upper = _parts("truncnorm.cdf", x, a, b, loc, scale)
    zc = uf.clip(z, a, b)
    return uf.clip(_mass(a, zc, upper) / _mass(a, b, upper), 0.0, 1.0)


def logcdf(
    x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1
) -> Array:
    return uf.log(cdf(x, a, b, loc, scale))


def sf(x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    z, a, b, _, upper = _parts("truncnorm.sf", x, a, b, loc, scale)
    zc = uf.clip(z, a, b)
    return uf.clip(_mass(zc, b, upper) / _mass(a, b, upper), 0.0, 1.0)


def logsf(
    x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1
) -> Array:
    return uf.log(sf(x, a, b, loc, scale))
