"""The Poisson distribution."""

from __future__ import annotations

import numpy as np

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


def _integer(k: Array) -> Array:
    return k == uf.floor(k)


def logpmf(k: ArrayLike, mu: ArrayLike, loc: ArrayLike = 0) -> Array:
    k, mu, loc = args("poisson.logpmf", k, mu, loc)
    k = k - loc
    inside = logic.logical_and(k >= 0, _integer(k))
    ks = where(inside, k, 0.0)
    return where(inside, special.xlogy(ks, mu) - mu - special.gammaln(ks + 1.0), NEG_INF)


def pmf(k: ArrayLike, mu: ArrayLike, loc: ArrayLike = 0) -> Array:
    return uf.exp(logpmf(k, mu, loc))


def cdf(k: ArrayLike, mu: ArrayLike, loc: ArrayLike = 0) -> Array:
    k, mu, loc = args("poisson.cdf", k, mu, loc)
    k = uf.floor(k - loc)
    inside = k >= 0
    return where(inside, special.gammaincc(where(inside, k, 0.0) + 1.0, mu), 0.0)


_ENTROPY_TERMS = 600  # direct summation up to mu = 300; the asymptotic series beyond


def entropy(mu: ArrayLike, loc: ArrayLike = 0) -> Array:
    """``-sum_k pmf(k) log pmf(k)``: summed directly for ``mu <= 300``, by the asymptotic
    expansion ``log(2 pi e mu) / 2 - 1/(12 mu) - 1/(24 mu^2) - 19/(360 mu^3)`` above."""
    mu, _ = args("poisson.entropy", mu, loc)
    big = mu > 300
    mu_s = where(big, 1.0, mu)
    positive = mu_s > 0
    mu_p = where(positive, mu_s, 1.0)
    from fad._src.prims.control_flow import fori_loop

    def body(i: Array, total: Array) -> Array:
        k = i.astype(mu.dtype)
        lp = special.xlogy(k, mu_p) - mu_p - special.gammaln(k + 1.0)
        return total - uf.exp(lp) * lp

    small = where(positive, fori_loop(0, _ENTROPY_TERMS, body, mu * 0.0), 0.0)
    m = where(big, mu, 400.0)
    asym = 0.5 * uf.log(2 * np.pi * np.e * m) - 1 / (12 * m) - 1 / (24 * m**2) - 19 / (360 * m**3)
    return where(mu < 0, NAN, where(big, asym, small))
