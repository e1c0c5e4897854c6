"""The Dirichlet distribution (``x`` and ``alpha`` along the first axis, as in scipy)."""

from __future__ import annotations

from fad._src.core import Array, ArrayLike
from fad._src.numpy import logic, reductions
from fad._src.numpy import ufuncs as uf
from fad._src.numpy.conversion import asarray, result_type
from fad._src.numpy.manipulation import concatenate
from fad._src.numpy.sorting import where
from fad._src.scipy import special


def logpdf(x: ArrayLike, alpha: ArrayLike) -> Array:
    """The log density at ``x`` of shape ``(K, ...)`` (or ``(K - 1, ...)``: the last
    coordinate is ``1 - sum``) for concentrations ``alpha`` of shape ``(K,)``; ``-inf``
    off the simplex."""
    xx, aa = asarray(x), asarray(alpha)
    dt = result_type(xx, aa, 1.0)
    xx, aa = xx.astype(dt), aa.astype(dt)
    if aa.ndim != 1:
        raise ValueError(f"dirichlet.logpdf: alpha must be 1-D, got shape {aa.shape}")
    k = aa.shape[0]
    if xx.shape[0] == k - 1:
        xx = concatenate([xx, (1.0 - reductions.sum(xx, axis=0))[None]], axis=0)
    if xx.shape[0] != k:
        raise ValueError(
            f"dirichlet.logpdf: x needs {k} or {k - 1} rows for alpha of size {k}, "
            f"got shape {xx.shape}"
        )
    a = aa.reshape((k,) + (1,) * (xx.ndim - 1))
    norm = reductions.sum(special.gammaln(aa)) - special.gammaln(reductions.sum(aa))
    val = reductions.sum(special.xlogy(a - 1.0, xx), axis=0) - norm
    on_simplex = logic.logical_and(
        logic.all(logic.logical_and(xx >= 0, xx <= 1), axis=0),
        uf.abs(reductions.sum(xx, axis=0) - 1.0) < 1e-6,
    )
    return where(on_simplex, val, -float("inf"))


def pdf(x: ArrayLike, alpha: ArrayLike) -> Array:
    return uf.exp(logpdf(x, alpha))
