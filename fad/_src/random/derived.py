"""Samplers that transform one uniform, Bernoulli or normal draw: ``exponential``,
``laplace``, ``logistic``, ``cauchy``, ``pareto``, ``weibull_min``, ``rademacher``,
``multivariate_normal`` and ``orthogonal``.

Each is JAX's formula, operation for operation, compiled with ``jit`` as JAX compiles
its samplers, so eager results carry XLA's ``log``/``exp``/``tan`` roundings and agree
with JAX bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import dtypes
from fad._src.core import Array, DType
from fad._src.jit import jit
from fad._src.numpy import linalg
from fad._src.numpy.conversion import astype, broadcast_shapes, promote_inexact
from fad._src.numpy.products import matmul
from fad._src.numpy.shapes import swapaxes
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st
from fad._src.random.continuous import (
    check_shape,
    float_dtype,
    float_param,
    param_shape,
    sample_normal,
    sample_uniform,
    shape_arg,
)
from fad._src.random.discrete import bernoulli
from fad._src.random.gamma import exponential_of, unit_uniform
from fad._src.random.keys import KeyArray, unwrap_key
from fad._src.random.threefry import Shape


def _bounded_uniform(data: Array, shape: Shape, dtype: DType, lo: float, hi: float) -> Array:
    return sample_uniform(data, shape, dtype, ew.full(shape, lo, dtype), ew.full(shape, hi, dtype))


def _exponential(data: Array, *, shape: Shape, dtype: DType) -> Array:
    return exponential_of(data, shape, dtype)


def _laplace(data: Array, *, shape: Shape, dtype: DType) -> Array:
    u = _bounded_uniform(data, shape, dtype, -1.0 + float(dtypes.finfo(dtype).epsneg), 1.0)
    return ew.mul(ew.sign(u), ew.log1p(ew.neg(ew.abs(u))))


def _logistic(data: Array, *, shape: Shape, dtype: DType) -> Array:
    x = _bounded_uniform(data, shape, dtype, float(dtypes.finfo(dtype).tiny), 1.0)
    return ew.sub(ew.log(x), ew.log1p(ew.neg(x)))


def _cauchy(data: Array, *, shape: Shape, dtype: DType) -> Array:
    u = _bounded_uniform(data, shape, dtype, float(dtypes.finfo(dtype).eps), 1.0)
    centered = ew.sub(u, ew.full(shape, 0.5, dtype))
    return ew.tan(ew.mul(ew.full(shape, np.pi, dtype), centered))


_STATIC = ("shape", "dtype")
_exponential_compiled = jit(_exponential, static_argnames=_STATIC)
_laplace_compiled = jit(_laplace, static_argnames=_STATIC)
_logistic_compiled = jit(_logistic, static_argnames=_STATIC)
_cauchy_compiled = jit(_cauchy, static_argnames=_STATIC)


def exponential(key: KeyArray, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Exponential samples with rate 1: ``-log1p(-u)`` for a uniform ``u``.

    Args:
        key: A single key (typed or raw).
        shape: The output shape.
        dtype: A floating-point dtype.

    Returns:
        An array of ``shape`` and ``dtype`` with non-negative values.

    Raises:
        TypeError: ``key`` is not a key, or ``shape`` is not a sequence of ints.
        ValueError: ``dtype`` is not a float dtype.

    Examples:
        >>> e = fad.random.exponential(fad.random.key(0), (10000,))
        >>> bool(abs(jnp.mean(e) - 1.0) < 0.05)
        True
    """
    data, _ = unwrap_key("exponential", key)
    dt = float_dtype("exponential", dtype)
    return _exponential_compiled(data, shape=shape_arg("exponential", shape), dtype=dt)


def laplace(key: KeyArray, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Laplace samples (location 0, scale 1): ``sign(u) * log1p(-|u|)`` for ``u`` uniform
    in ``(-1, 1)``.

    Args:
        key: A single key (typed or raw).
        shape: The output shape.
        dtype: A floating-point dtype.

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``key`` is not a key, or ``shape`` is not a sequence of ints.
        ValueError: ``dtype`` is not a float dtype.

    Examples:
        >>> x = fad.random.laplace(fad.random.key(0), (10000,))
        >>> bool(abs(jnp.mean(jnp.abs(x)) - 1.0) < 0.05)  # E|x| is the scale
        True
    """
    data, _ = unwrap_key("laplace", key)
    dt = float_dtype("laplace", dtype)
    return _laplace_compiled(data, shape=shape_arg("laplace", shape), dtype=dt)


def logistic(key: KeyArray, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Logistic samples: the logit ``log(u) - log1p(-u)`` of a uniform ``u``.

    Args:
        key: A single key (typed or raw).
        shape: The output shape.
        dtype: A floating-point dtype.

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``key`` is not a key, or ``shape`` is not a sequence of ints.
        ValueError: ``dtype`` is not a float dtype.

    Examples:
        >>> x = fad.random.logistic(fad.random.key(0), (10000,))
        >>> bool(abs(jnp.mean(x)) < 0.1)
        True
    """
    data, _ = unwrap_key("logistic", key)
    dt = float_dtype("logistic", dtype)
    return _logistic_compiled(data, shape=shape_arg("logistic", shape), dtype=dt)


def cauchy(key: KeyArray, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Standard Cauchy samples: ``tan(pi * (u - 1/2))`` for a uniform ``u``.

    Args:
        key: A single key (typed or raw).
        shape: The output shape.
        dtype: A floating-point dtype.

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``key`` is not a key, or ``shape`` is not a sequence of ints.
        ValueError: ``dtype`` is not a float dtype.

    Examples:
        >>> x = fad.random.cauchy(fad.random.key(0), (10001,))
        >>> bool(abs(jnp.median(x)) < 0.1)
        True
    """
    data, _ = unwrap_key("cauchy", key)
    dt = float_dtype("cauchy", dtype)
    return _cauchy_compiled(data, shape=shape_arg("cauchy", shape), dtype=dt)


def _pareto(data: Array, b: Array) -> Array:
    return ew.exp(ew.div(exponential_of(data, b.shape, b.dtype), b))


_pareto_compiled = jit(_pareto)


def pareto(key: KeyArray, b: Any, shape: Sequence[int] | None = None, dtype: Any = None) -> Array:
    """Pareto samples with shape parameter ``b`` (minimum 1): ``exp(e / b)`` for an
    exponential ``e``; differentiable in ``b``.

    Args:
        key: A single key (typed or raw).
        b: The shape parameter (positive).
        shape: The output shape (default: ``b``'s shape).
        dtype: A floating-point dtype.

    Returns:
        An array of ``shape`` and ``dtype`` with values ``>= 1``.

    Raises:
        TypeError: ``key`` is not a key, or ``b`` is not a number or an array.
        ValueError: ``dtype`` is not a float dtype, or ``b`` does not broadcast to ``shape``.

    Examples:
        >>> x = fad.random.pareto(fad.random.key(0), 3.0, (10000,))
        >>> bool(jnp.min(x) >= 1.0 and abs(jnp.mean(x) - 1.5) < 0.05)  # b / (b - 1)
        True
    """
    data, _ = unwrap_key("pareto", key)
    dt = float_dtype("pareto", dtype)
    shp = param_shape("pareto", shape, b)
    return _pareto_compiled(data, st.broadcast_to(float_param("pareto", "b", b, dt), shp))


def _weibull_min(data: Array, scale: Array, inv_concentration: Array) -> Array:
    u = unit_uniform(data, scale.shape, scale.dtype)
    return ew.mul(ew.pow(ew.neg(ew.log1p(ew.neg(u))), inv_concentration), scale)


_weibull_min_compiled = jit(_weibull_min)


def weibull_min(
    key: KeyArray, scale: Any, concentration: Any, shape: Sequence[int] = (), dtype: Any = None
) -> Array:
    """Weibull samples: ``scale * (-log1p(-u)) ** (1 / concentration)`` for a uniform ``u``;
    differentiable in ``scale`` and ``concentration``.

    Args:
        key: A single key (typed or raw).
        scale: The scale parameter (positive), broadcasting to ``shape``.
        concentration: The shape parameter (positive), broadcasting to ``shape``.
        shape: The output shape.
        dtype: A floating-point dtype.

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``key`` is not a key, or a parameter is not a number or an array.
        ValueError: ``dtype`` is not a float dtype, or a parameter does not broadcast to
            ``shape``.

    Examples:
        >>> x = fad.random.weibull_min(fad.random.key(0), 2.0, 1.0, (10000,))
        >>> bool(abs(jnp.mean(x) - 2.0) < 0.1)  # concentration 1 is exponential
        True
    """
    data, _ = unwrap_key("weibull_min", key)
    dt = float_dtype("weibull_min", dtype)
    shp = shape_arg("weibull_min", shape)
    check_shape("weibull_min", shp, np.shape(scale), np.shape(concentration))
    scale_a = st.broadcast_to(float_param("weibull_min", "scale", scale, dt), shp)
    if isinstance(concentration, (int, float)) and not isinstance(concentration, bool):
        # JAX divides a Python number in double precision, then rounds the quotient.
        inv = ew.full(shp, 1.0 / concentration, dt)
    else:
        c = float_param("weibull_min", "concentration", concentration, dt)
        inv = st.broadcast_to(ew.div(ew.full(c.shape, 1, dt), c), shp)
    return _weibull_min_compiled(data, scale_a, inv)


def rademacher(key: KeyArray, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Random signs: -1 or +1 with equal probability.

    Args:
        key: A single key (typed or raw).
        shape: The output shape.
        dtype: The result dtype (default: the default integer dtype).

    Returns:
        An array of ``shape`` and ``dtype`` with values in ``{-1, 1}``.

    Raises:
        TypeError: ``key`` is not a key, or ``shape`` is not a sequence of ints.

    Examples:
        >>> s = fad.random.rademacher(fad.random.key(0), (6,))
        >>> sorted(set(s.tolist()) | {-1, 1})
        [-1, 1]
    """
    unwrap_key("rademacher", key)
    dt = (
        dtypes.default_int_dtype() if dtype is None
        else dtypes.check_user_dtype(dtype, "rademacher")
    )  # fmt: skip
    shp = shape_arg("rademacher", shape)
    b = astype(bernoulli(key, 0.5, shp), dt)
    return astype(ew.sub(ew.mul(ew.full(shp, 2, dt), b), ew.full(shp, 1, dt)), dt)


_METHODS = ("cholesky", "eigh", "svd")


def _multivariate_normal(
    data: Array, mean: Array, cov: Array, *, shape: Shape, dtype: DType, method: str
) -> Array:
    if method == "svd":
        u, s, _ = linalg.svd(cov)
        factor = ew.mul(u, st.broadcast_to(st.expand_dims(ew.sqrt(s), (s.ndim - 1,)), u.shape))
    elif method == "eigh":
        w, v = linalg.eigh(cov)
        factor = ew.mul(v, st.broadcast_to(st.expand_dims(ew.sqrt(w), (w.ndim - 1,)), v.shape))
    else:
        factor = linalg.cholesky(cov)
    n = mean.shape[-1]
    z = sample_normal(data, (*shape, n), dtype)
    full = (*shape, n, n)
    factor = st.broadcast_to(factor, full) if factor.shape != full else factor
    prod = st.reshape(matmul(factor, st.reshape(z, (*shape, n, 1))), (*shape, n))
    return ew.add(st.broadcast_to(mean, prod.shape), prod)


_multivariate_normal_compiled = jit(_multivariate_normal, static_argnames=(*_STATIC, "method"))


def multivariate_normal(
    key: KeyArray, mean: Any, cov: Any, shape: Sequence[int] | None = None, dtype: Any = None,
    method: str = "cholesky",
) -> Array:  # fmt: skip
    """Samples of a multivariate normal with ``mean`` and covariance ``cov``:
    ``mean + factor @ z`` for standard normal ``z`` and ``factor @ factor.T == cov``.

    Args:
        key: A single key (typed or raw).
        mean: Mean vectors, shape ``(..., n)``.
        cov: Covariance matrices, shape ``(..., n, n)`` (positive definite for
            ``"cholesky"``; semidefinite works with ``"eigh"`` and ``"svd"``).
        shape: The batch shape (default: the broadcast batch shape of ``mean`` and
            ``cov``); the result has shape ``shape + (n,)``.
        dtype: A floating-point dtype (default: ``mean``'s).
        method: How ``cov`` is factored: ``"cholesky"``, ``"eigh"`` or ``"svd"``.

    Returns:
        An array of shape ``shape + (n,)``.

    Raises:
        TypeError: ``key`` is not a key.
        ValueError: ``method`` is unknown, ``dtype`` is not a float dtype, ``mean`` or
            ``cov`` has the wrong rank or shape, or the batch shapes do not broadcast to
            ``shape``.

    Examples:
        >>> cov = jnp.array([[1.0, 0.8], [0.8, 1.0]])
        >>> x = fad.random.multivariate_normal(fad.random.key(0), jnp.zeros(2), cov, (5000,))
        >>> bool(abs(jnp.mean(x[:, 0] * x[:, 1]) - 0.8) < 0.05)
        True
    """
    data, _ = unwrap_key("multivariate_normal", key)
    if method not in _METHODS:
        raise ValueError(f"multivariate_normal: method must be one of {_METHODS}, got {method!r}")
    (mean_a,) = promote_inexact("multivariate_normal", mean)
    (cov_a,) = promote_inexact("multivariate_normal", cov)
    joint = np.promote_types(mean_a.dtype, cov_a.dtype)
    mean_a, cov_a = astype(mean_a, joint), astype(cov_a, joint)
    dt = mean_a.dtype if dtype is None else float_dtype("multivariate_normal", dtype)
    if not dtypes.is_float(dt):
        raise ValueError(f"multivariate_normal: dtype must be a float dtype, got {dt.name}")
    if mean_a.ndim < 1:
        raise ValueError(f"multivariate_normal: mean must have ndim >= 1, got {mean_a.ndim}")
    if cov_a.ndim < 2:
        raise ValueError(f"multivariate_normal: cov must have ndim >= 2, got {cov_a.ndim}")
    n = mean_a.shape[-1]
    if cov_a.shape[-2:] != (n, n):
        raise ValueError(
            f"multivariate_normal: cov must have shape (..., {n}, {n}), got {cov_a.shape}"
        )
    if shape is None:
        shp = broadcast_shapes(mean_a.shape[:-1], cov_a.shape[:-2])
    else:
        shp = shape_arg("multivariate_normal", shape)
        check_shape("multivariate_normal", shp, mean_a.shape[:-1], cov_a.shape[:-2])
    return _multivariate_normal_compiled(
        data, mean_a, cov_a, shape=shp, dtype=dt, method=method
    )


def _orthogonal(data: Array, *, n: int, m: int, shape: Shape, dtype: DType) -> Array:
    z = sample_normal(data, (*shape, max(n, m), min(n, m)), dtype)
    q, r = linalg.qr(z)
    d = linalg.diagonal(r)
    x = ew.mul(q, st.broadcast_to(st.expand_dims(ew.sign(d), (d.ndim - 1,)), q.shape))
    return swapaxes(x, -1, -2) if n < m else x


_orthogonal_compiled = jit(_orthogonal, static_argnames=("n", "m", *_STATIC))


def orthogonal(
    key: KeyArray, n: int, shape: Sequence[int] = (), dtype: Any = None, m: int | None = None
) -> Array:
    """Random ``n x m`` matrices with orthonormal columns (or rows, if ``n < m``), uniform
    over the orthogonal group when square (Haar measure): the QR decomposition of a
    normal matrix, with the signs of ``R``'s diagonal moved into ``Q``.

    Args:
        key: A single key (typed or raw).
        n: The number of rows.
        shape: The batch shape; the result has shape ``shape + (n, m)``.
        dtype: A floating-point dtype.
        m: The number of columns (default ``n``).

    Returns:
        An array of shape ``shape + (n, m)``.

    Raises:
        TypeError: ``key`` is not a key, or ``n``/``m`` is not a non-negative int.
        ValueError: ``dtype`` is not a float dtype.

    Examples:
        >>> q = fad.random.orthogonal(fad.random.key(0), 3)
        >>> bool(jnp.allclose(q @ q.T, jnp.eye(3), atol=1e-5))
        True
    """
    data, _ = unwrap_key("orthogonal", key)
    cols = n if m is None else m
    for name, v in (("n", n), ("m", cols)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
            raise TypeError(f"orthogonal: {name} must be a non-negative int, got {v!r}")
    dt = float_dtype("orthogonal", dtype)
    shp = shape_arg("orthogonal", shape)
    return _orthogonal_compiled(data, n=int(n), m=int(cols), shape=shp, dtype=dt)


__all__ = [
    "cauchy", "exponential", "laplace", "logistic", "multivariate_normal", "orthogonal",
    "pareto", "rademacher", "weibull_min",
]  # fmt: skip
