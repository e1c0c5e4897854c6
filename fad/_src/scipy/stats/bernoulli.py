"""The Bernoulli distribution."""

from __future__ import annotations

from fad._src.core import Array, ArrayLike
from fad._src.scipy import special
from fad._src.scipy.stats._common import (
    NAN,
    NEG_INF,
    args,
    logic,
    uf,
    where,
)


def logpmf(k: ArrayLike, p: ArrayLike, loc: ArrayLike = 0) -> Array:
    k, p, loc = args("bernoulli.logpmf", k, p, loc)
    k = k - loc
    inside = logic.logical_or(k == 0, k == 1)
    return where(inside, special.xlogy(k, p) + special.xlog1py(1.0 - k, -p), NEG_INF)


def pmf(k: ArrayLike, p: ArrayLike, loc: ArrayLike = 0) -> Array:
    return uf.exp(logpmf(k, p, loc))


def cdf(k: ArrayLike, p: ArrayLike) -> Array:
    k, p = args("bernoulli.cdf", k, p)
    out = where(k < 0, 0.0, where(k < 1, 1.0 - p, 1.0))
    return where(logic.logical_and(p >= 0, p <= 1), out, NAN)


def ppf(q: ArrayLike, p: ArrayLike) -> Array:
    q, p = args("bernoulli.ppf", q, p)
    out = where(q > 1.0 - p, 1.0, 0.0)
    out = where(q == 0, -1.0, out)  # scipy: the support's lower end minus one
    ok = logic.logical_and(logic.logical_and(q >= 0, q <= 1), logic.logical_and(p >= 0, p <= 1))
    return where(ok, out, NAN)
