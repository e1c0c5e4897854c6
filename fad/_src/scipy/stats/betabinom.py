"""The beta-binomial distribution."""

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


def logpmf(k: ArrayLike, n: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0) -> Array:
    k, n, a, b, loc = args("betabinom.logpmf", k, n, a, b, loc)
    k = k - loc
    inside = logic.logical_and(logic.logical_and(k >= 0, k <= n), _integer(k))
    ks = where(inside, k, 0.0)
    log_comb = special.gammaln(n + 1.0) - special.gammaln(ks + 1.0) - special.gammaln(n - ks + 1.0)
    val = log_comb + special.betaln(ks + a, n - ks + b) - special.betaln(a, b)
    return where(inside, val, NEG_INF)


def pmf(k: ArrayLike, n: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0) -> Array:
    return uf.exp(logpmf(k, n, a, b, loc))
