"""``gaussian_kde``: a Gaussian kernel density estimate, a pytree of arrays (so it passes
through ``jit``, ``vmap`` and ``grad`` like JAX's)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fad._src import tree_util
from fad._src.core import Array, ArrayLike
from fad._src.numpy import linalg as la
from fad._src.numpy import reductions
from fad._src.numpy import ufuncs as uf
from fad._src.numpy.conversion import asarray, result_type
from fad._src.numpy.products import matmul
from fad._src.random import continuous, discrete, keys
from fad._src.scipy import special


def _atleast_2d(x: ArrayLike) -> Array:
    a = asarray(x)
    return a.reshape(1, -1) if a.ndim < 2 else a


def _gaussian_logpdf(diff: Array, cov: Array) -> Array:
    """``log N(diff; 0, cov)`` for ``diff`` of shape ``(d, ...)``."""
    d = cov.shape[0]
    chol = la.cholesky(cov)
    flat = diff.reshape(d, -1)
    white = la.solve(chol, flat)  # L^-1 diff
    energy = 0.5 * reductions.sum(white * white, axis=0)
    log_det = reductions.sum(uf.log(uf.abs(chol[np.arange(d), np.arange(d)])))
    out = -energy - log_det - 0.5 * d * float(np.log(2 * np.pi))
    return out.reshape(diff.shape[1:])


class gaussian_kde:
    """A Gaussian KDE of ``dataset`` (shape ``(d, n)``, or ``(n,)`` for one dimension),
    with ``bw_method`` ``'scott'`` (default), ``'silverman'``, a scalar factor or a callable
    of the estimate, and optional ``weights``."""

    neff: Array
    dataset: Array
    weights: Array
    covariance: Array
    inv_cov: Array

    def __init__(
        self, dataset: ArrayLike, bw_method: str | ArrayLike | Callable[[Any], Any] | None = None,
        weights: ArrayLike | None = None,
    ) -> None:  # fmt: skip
        data = _atleast_2d(dataset)
        data = data.astype(result_type(data, 1.0))
        d, n = data.shape
        if n < 2:
            raise ValueError(
                f"gaussian_kde: dataset needs more than one point, got shape {data.shape}"
            )
        if weights is None:
            w = data[0] * 0.0 + 1.0 / n
        else:
            w = asarray(weights).astype(data.dtype)
            if w.shape != (n,):
                raise ValueError(f"gaussian_kde: weights must have shape ({n},), got {w.shape}")
            w = w / reductions.sum(w)
        self.dataset, self.weights = data, w
        self.neff = 1.0 / reductions.sum(w * w)
        if bw_method is None or bw_method == "scott":
            factor = uf.power(self.neff, -1.0 / (d + 4))
        elif bw_method == "silverman":
            factor = uf.power(self.neff * (d + 2.0) / 4.0, -1.0 / (d + 4))
        elif callable(bw_method):
            factor = asarray(bw_method(self))
        elif isinstance(bw_method, str):
            raise ValueError(
                "gaussian_kde: bw_method must be 'scott', 'silverman', a scalar or a callable, "
                f"got {bw_method!r}"
            )
        else:
            factor = asarray(bw_method)
        mean = reductions.sum(data * w, axis=1, keepdims=True)
        centered = data - mean
        data_cov = matmul(centered * w, centered.T) / (1.0 - reductions.sum(w * w))
        self.covariance = data_cov * factor * factor
        self.inv_cov = la.inv(self.covariance)

    @property
    def d(self) -> int:
        return int(self.dataset.shape[0])

    @property
    def n(self) -> int:
        return int(self.dataset.shape[1])

    def _points(self, points: ArrayLike) -> Array:
        p = _atleast_2d(points).astype(self.dataset.dtype)
        if p.shape[0] != self.d:
            if p.shape[1] == self.d and p.shape[0] == 1:
                p = p.T
            else:
                raise ValueError(
                    f"gaussian_kde: points must have {self.d} rows, got shape {p.shape}"
                )
        return p

    def logpdf(self, x: ArrayLike) -> Array:
        """The log density at the points ``x`` (shape ``(d, m)``), via ``logsumexp``."""
        p = self._points(x)
        diff = self.dataset[:, :, None] - p[:, None, :]
        logk = _gaussian_logpdf(diff, self.covariance)
        return special.logsumexp(logk + uf.log(self.weights)[:, None], axis=0)

    def evaluate(self, points: ArrayLike) -> Array:
        """The density at ``points`` (shape ``(d, m)``)."""
        return uf.exp(self.logpdf(points))

    __call__ = evaluate
    pdf = evaluate

    def integrate_gaussian(self, mean: ArrayLike, cov: ArrayLike) -> Array:
        """``int kde(x) N(x; mean, cov) dx``."""
        m = asarray(mean).astype(self.dataset.dtype).reshape(self.d)
        c = _atleast_2d(cov).astype(self.dataset.dtype).reshape(self.d, self.d)
        diff = self.dataset - m[:, None]
        return reductions.sum(self.weights * uf.exp(_gaussian_logpdf(diff, self.covariance + c)))

    def integrate_box_1d(self, low: ArrayLike, high: ArrayLike) -> Array:
        """The mass between ``low`` and ``high`` (one-dimensional data only)."""
        if self.d != 1:
            raise ValueError(f"gaussian_kde.integrate_box_1d: the data must be 1-D, got d={self.d}")
        sigma = uf.sqrt(self.covariance[0, 0])
        lo = (asarray(low) - self.dataset[0]) / sigma
        hi = (asarray(high) - self.dataset[0]) / sigma
        return reductions.sum(self.weights * (special.ndtr(hi) - special.ndtr(lo)))

    def integrate_kde(self, other: gaussian_kde) -> Array:
        """``int self(x) other(x) dx``."""
        if other.d != self.d:
            raise ValueError(
                f"gaussian_kde.integrate_kde: dimensions differ ({self.d} and {other.d})"
            )
        diff = self.dataset[:, :, None] - other.dataset[:, None, :]
        dens = uf.exp(_gaussian_logpdf(diff, self.covariance + other.covariance))
        return reductions.sum(self.weights[:, None] * other.weights[None, :] * dens)

    def resample(self, key: Any, shape: Sequence[int] = ()) -> Array:
        """Draws of shape ``(d, *shape)``: a data point chosen by weight plus Gaussian noise
        with the kernel's covariance."""
        k_choice, k_noise = keys.split(key)
        idx = discrete.choice(k_choice, self.n, shape=tuple(shape), p=self.weights)
        z = continuous.normal(k_noise, (self.d, *shape), dtype=self.dataset.dtype)
        noise = matmul(la.cholesky(self.covariance), z.reshape(self.d, -1)).reshape(z.shape)
        return self.dataset[:, idx] + noise

    def set_bandwidth(self, bw_method: Any = None) -> None:
        raise NotImplementedError(
            "gaussian_kde.set_bandwidth: an estimate is immutable (as in JAX); build a new "
            "gaussian_kde with the bw_method wanted"
        )

    def integrate_box(self, low_bounds: Any, high_bounds: Any, maxpts: Any = None) -> None:
        raise NotImplementedError(
            "gaussian_kde.integrate_box is not supported (as in JAX); use integrate_box_1d"
        )


_FIELDS = ("neff", "dataset", "weights", "covariance", "inv_cov")


def _flatten(k: gaussian_kde) -> tuple[list[Any], None]:
    return [getattr(k, f) for f in _FIELDS], None


def _unflatten(_: None, children: tuple[Any, ...]) -> gaussian_kde:
    k = object.__new__(gaussian_kde)
    for f, c in zip(_FIELDS, children, strict=True):
        setattr(k, f, c)
    return k


tree_util.register_node(gaussian_kde, _flatten, _unflatten)
