"""The multinomial distribution over the last axis."""

from __future__ import annotations

from fad._src.core import Array, ArrayLike
from fad._src.numpy import logic, reductions
from fad._src.numpy import ufuncs as uf
from fad._src.numpy.conversion import asarray, result_type
from fad._src.numpy.sorting import where
from fad._src.scipy import special


def logpmf(x: ArrayLike, n: ArrayLike, p: ArrayLike) -> Array:
    """``log(n! / prod x_i! * prod p_i^x_i)`` for counts ``x`` summing to ``n`` (``-inf``
    otherwise)."""
    xx, nn, pp = asarray(x), asarray(n), asarray(p)
    dt = result_type(xx, nn, pp, 1.0)
    xx, nn, pp = xx.astype(dt), nn.astype(dt), pp.astype(dt)
    val = special.gammaln(nn + 1.0) + reductions.sum(
        special.xlogy(xx, pp) - special.gammaln(xx + 1.0), axis=-1
    )
    ok = logic.logical_and(
        reductions.sum(xx, axis=-1) == nn,
        logic.all(logic.logical_and(xx >= 0, xx == uf.floor(xx)), axis=-1),
    )
    return where(ok, val, -float("inf"))


def pmf(x: ArrayLike, n: ArrayLike, p: ArrayLike) -> Array:
    return uf.exp(logpmf(x, n, p))
