"""The negative binomial distribution (failures before success number ``n``)."""

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


def logpmf(k: ArrayLike, n: ArrayLike, p: ArrayLike, loc: ArrayLike = 0) -> Array:
    k, n, p, loc = args("nbinom.logpmf", k, n, p, loc)
    k = k - loc
    inside = logic.logical_and(k >= 0, _integer(k))
    ks = where(inside, k, 0.0)
    log_comb = special.gammaln(ks + n) - special.gammaln(n) - special.gammaln(ks + 1.0)
    val = log_comb + special.xlogy(n, p) + special.xlog1py(ks, -p)
    return where(inside, val, NEG_INF)


def pmf(k: ArrayLike, n: ArrayLike, p: ArrayLike, loc: ArrayLike = 0) -> Array:
    return uf.exp(logpmf(k, n, p, loc))
