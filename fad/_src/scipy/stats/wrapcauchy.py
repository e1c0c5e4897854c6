"""The wrapped Cauchy distribution on ``[0, 2 pi]``."""

from __future__ import annotations

import numpy as np

from fad._src.core import Array, ArrayLike
from fad._src.scipy.stats._common import (
    NAN,
    NEG_INF,
    args,
    logic,
    uf,
    where,
)


def logpdf(x: ArrayLike, c: ArrayLike) -> Array:
    x, c = args("wrapcauchy.logpdf", x, c)
    inside = logic.logical_and(x >= 0, x <= 2 * np.pi)
    val = uf.log1p(-c * c) - np.log(2 * np.pi) - uf.log(1.0 + c * c - 2.0 * c * uf.cos(x))
    valid = logic.logical_and(c > 0, c < 1)
    out: Array = where(valid, where(inside, val, NEG_INF), NAN)
    return out


def pdf(x: ArrayLike, c: ArrayLike) -> Array:
    return uf.exp(logpdf(x, c))
