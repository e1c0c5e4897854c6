"""The multivariate normal distribution."""

from __future__ import annotations

import numpy as np

from fad._src.core import Array, ArrayLike
from fad._src.numpy import reductions
from fad._src.numpy import ufuncs as uf
from fad._src.numpy.conversion import asarray, broadcast_shapes, broadcast_to, result_type
from fad._src.prims import lapack


def logpdf(x: ArrayLike, mean: ArrayLike, cov: ArrayLike, allow_singular: None = None) -> Array:
    """The log density at ``x`` (shape ``(..., d)``) of ``N(mean, cov)``; ``cov`` is a
    ``(d, d)`` matrix (a scalar or a vector: a diagonal), factored by Cholesky."""
    if allow_singular is not None:
        raise NotImplementedError("multivariate_normal.logpdf: allow_singular is not supported")
    xx, mm, cc = asarray(x), asarray(mean), asarray(cov)
    dt = result_type(xx, mm, cc, 1.0)
    xx, mm, cc = xx.astype(dt), mm.astype(dt), cc.astype(dt)
    if mm.ndim == 0:
        mm = mm.reshape(1)
    d = mm.shape[-1]
    if cc.ndim < 2:
        # A scalar or vector covariance is diagonal: the density factorizes.
        var = broadcast_to(cc, (d,))
        z = (xx - mm) ** 2 / var
        return -0.5 * reductions.sum(z + uf.log(2 * np.pi * var), axis=-1)
    if cc.shape[-2:] != (d, d):
        raise ValueError(
            f"multivariate_normal.logpdf: cov of shape {cc.shape} does not match mean of size {d}"
        )
    chol = lapack.cholesky(cc)
    diff = xx - mm
    batch = broadcast_shapes(diff.shape[:-1], cc.shape[:-2])
    diff = broadcast_to(diff, (*batch, d))
    chol = broadcast_to(chol, (*batch, d, d))
    white = lapack.triangular_solve(chol, diff[..., None], left_side=True, lower=True)[..., 0]
    log_det = reductions.sum(uf.log(_diag(chol)), axis=-1)
    return (
        -0.5 * reductions.sum(white * white, axis=-1) - log_det - 0.5 * d * float(np.log(2 * np.pi))
    )


def _diag(m: Array) -> Array:
    n = m.shape[-1]
    return m[..., np.arange(n), np.arange(n)]


def pdf(x: ArrayLike, mean: ArrayLike, cov: ArrayLike) -> Array:
    return uf.exp(logpdf(x, mean, cov))
