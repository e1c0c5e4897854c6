"""Student's t distribution."""

from __future__ import annotations

import numpy as np

from fad._src.core import Array, ArrayLike
from fad._src.scipy import special
from fad._src.scipy.stats._common import (
    args,
    log_scale,
    standardize,
    uf,
)


def logpdf(x: ArrayLike, df: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    x, df, loc, scale = args("t.logpdf", x, df, loc, scale)
    z = standardize(x, loc, scale)
    norm_const = (
        special.gammaln(0.5 * (df + 1.0)) - special.gammaln(0.5 * df) - 0.5 * uf.log(np.pi * df)
    )
    return norm_const - log_scale(scale) - 0.5 * (df + 1.0) * uf.log1p(z * z / df)


def pdf(x: ArrayLike, df: ArrayLike, loc: ArrayLike = 0, scale: ArrayLike = 1) -> Array:
    return uf.exp(logpdf(x, df, loc, scale))
