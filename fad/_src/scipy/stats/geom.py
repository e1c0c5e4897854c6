"""The geometric distribution (support ``k >= 1``)."""

from __future__ import annotations

from fad._src.core import Array, ArrayLike
from fad._src.scipy import special
from fad._src.scipy.stats._common import (
    NEG_INF,
    args,
    logic,
    uf,
    where,
)


def _integer(k: Array) -> Array:
    return k == uf.floor(k)


def logpmf(k: ArrayLike, p: ArrayLike, loc: ArrayLike = 0) -> Array:
    k, p, loc = args("geom.logpmf", k, p, loc)
    k = k - loc
    inside = logic.logical_and(k >= 1, _integer(k))
    ks = where(inside, k, 1.0)
    return where(inside, special.xlog1py(ks - 1.0, -p) + uf.log(p), NEG_INF)


def pmf(k: ArrayLike, p: ArrayLike, loc: ArrayLike = 0) -> Array:
    return uf.exp(logpmf(k, p, loc))
