"""``fad.nn.initializers``: JAX's parameter initializers.

An initializer is a function ``init(key, shape, dtype=float32) -> Array``; the factories
(``normal(stddev)``, ``glorot_uniform()``, ``variance_scaling(...)``) return one. They draw
with ``fad.random``, which is bit-compatible with ``jax.random``, so the same key gives
JAX's parameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from fad._src import dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy import conversion, creation, linalg, shapes, ufuncs
from fad._src.random import continuous


class Initializer(Protocol):
    """``init(key, shape, dtype) -> Array``."""

    def __call__(self, key: Any, shape: Sequence[int], dtype: Any = ...) -> Array: ...


def _dtype(dtype: Any) -> np.dtype[Any]:
    return dtypes.canonicalize_dtype(
        np.dtype(dtypes.default_float_dtype() if dtype is None else dtype)
    )


def zeros(key: Any, shape: Sequence[int], dtype: Any = None) -> Array:
    """An array of zeros (the key is unused)."""
    del key
    return creation.zeros(tuple(shape), _dtype(dtype))


def ones(key: Any, shape: Sequence[int], dtype: Any = None) -> Array:
    """An array of ones (the key is unused)."""
    del key
    return creation.ones(tuple(shape), _dtype(dtype))


def constant(value: ArrayLike, dtype: Any = None) -> Initializer:
    """An initializer filling every entry with ``value``."""

    def init(key: Any, shape: Sequence[int], dtype: Any = dtype) -> Array:
        del key
        return creation.full(tuple(shape), value, _dtype(dtype))

    return init


def uniform(scale: ArrayLike = 1e-2, dtype: Any = None) -> Initializer:
    """Uniform on ``[0, scale)``."""

    def init(key: Any, shape: Sequence[int], dtype: Any = dtype) -> Array:
        dt = _dtype(dtype)
        return ufuncs.multiply(
            continuous.uniform(key, tuple(shape), dt), conversion.asarray(scale, dt)
        )

    return init


def normal(stddev: ArrayLike = 1e-2, dtype: Any = None) -> Initializer:
    """Normal with mean 0 and ``stddev``."""

    def init(key: Any, shape: Sequence[int], dtype: Any = dtype) -> Array:
        dt = _dtype(dtype)
        return ufuncs.multiply(
            continuous.normal(key, tuple(shape), dt), conversion.asarray(stddev, dt)
        )

    return init


def truncated_normal(
    stddev: ArrayLike = 1e-2, dtype: Any = None, lower: float = -2.0, upper: float = 2.0
) -> Initializer:
    """A normal truncated to ``[lower, upper]`` standard deviations, scaled by ``stddev``."""

    def init(key: Any, shape: Sequence[int], dtype: Any = dtype) -> Array:
        dt = _dtype(dtype)
        sample = continuous.truncated_normal(key, lower, upper, tuple(shape), dt)
        return ufuncs.multiply(sample, conversion.asarray(stddev, dt))

    return init


def _fans(
    shape: Sequence[int], in_axis: int | Sequence[int], out_axis: int | Sequence[int],
    batch_axis: int | Sequence[int],
) -> tuple[float, float]:  # fmt: skip
    if len(shape) < 1:
        raise ValueError(f"variance_scaling needs a shape of rank at least 1, got {tuple(shape)}")

    def axes(a: int | Sequence[int]) -> list[int]:
        return [a] if isinstance(a, int) else list(a)

    ins, outs, batch = axes(in_axis), axes(out_axis), axes(batch_axis)
    for a in ins + outs + batch:
        if not -len(shape) <= a < len(shape):
            raise ValueError(f"variance_scaling: axis {a} is out of range for shape {tuple(shape)}")
    in_size = math.prod(shape[a] for a in ins)
    out_size = math.prod(shape[a] for a in outs)
    batch_size = math.prod(shape[a] for a in batch)
    receptive = math.prod(shape) / in_size / out_size / batch_size
    return in_size * receptive, out_size * receptive


def variance_scaling(
    scale: float, mode: str, distribution: str, in_axis: int | Sequence[int] = -2,
    out_axis: int | Sequence[int] = -1, batch_axis: int | Sequence[int] = (), dtype: Any = None,
) -> Initializer:  # fmt: skip
    """Samples with variance ``scale / fan`` (``fan`` the ``mode``: ``'fan_in'``,
    ``'fan_out'`` or ``'fan_avg'``) from ``distribution`` (``'truncated_normal'``,
    ``'normal'`` or ``'uniform'``)."""
    if mode not in ("fan_in", "fan_out", "fan_avg"):
        raise ValueError(f"invalid mode for variance scaling initializer: {mode!r}")
    if distribution not in ("truncated_normal", "normal", "uniform"):
        raise ValueError(f"invalid distribution for variance scaling initializer: {distribution!r}")

    def init(key: Any, shape: Sequence[int], dtype: Any = dtype) -> Array:
        dt = _dtype(dtype)
        fan_in, fan_out = _fans(shape, in_axis, out_axis, batch_axis)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
        variance = conversion.asarray(np.asarray(scale / fan, dt))
        shape_t = tuple(shape)
        if distribution == "truncated_normal":
            # .8796... is the standard deviation of a standard normal truncated to (-2, 2).
            stddev = ufuncs.true_divide(
                ufuncs.sqrt(variance), conversion.asarray(np.asarray(0.87962566103423978, dt))
            )
            return ufuncs.multiply(continuous.truncated_normal(key, -2, 2, shape_t, dt), stddev)
        if distribution == "normal":
            return ufuncs.multiply(continuous.normal(key, shape_t, dt), ufuncs.sqrt(variance))
        bound = ufuncs.sqrt(ufuncs.multiply(conversion.asarray(np.asarray(3.0, dt)), variance))
        return ufuncs.multiply(continuous.uniform(key, shape_t, dt, -1), bound)

    return init


def _scaling(scale: float, mode: str, distribution: str, doc: str) -> Callable[..., Initializer]:
    def factory(
        in_axis: int | Sequence[int] = -2, out_axis: int | Sequence[int] = -1,
        batch_axis: int | Sequence[int] = (), dtype: Any = None,
    ) -> Initializer:  # fmt: skip
        return variance_scaling(scale, mode, distribution, in_axis, out_axis, batch_axis, dtype)

    factory.__doc__ = doc
    return factory


glorot_uniform = _scaling(1.0, "fan_avg", "uniform", "Glorot (Xavier) uniform: variance 1/fan_avg.")
glorot_normal = _scaling(
    1.0, "fan_avg", "truncated_normal", "Glorot (Xavier) normal: variance 1/fan_avg."
)
lecun_uniform = _scaling(1.0, "fan_in", "uniform", "LeCun uniform: variance 1/fan_in.")
lecun_normal = _scaling(1.0, "fan_in", "truncated_normal", "LeCun normal: variance 1/fan_in.")
he_uniform = _scaling(2.0, "fan_in", "uniform", "He (Kaiming) uniform: variance 2/fan_in.")
he_normal = _scaling(2.0, "fan_in", "truncated_normal", "He (Kaiming) normal: variance 2/fan_in.")
xavier_uniform, xavier_normal = glorot_uniform, glorot_normal
kaiming_uniform, kaiming_normal = he_uniform, he_normal


def orthogonal(scale: ArrayLike = 1.0, column_axis: int = -1, dtype: Any = None) -> Initializer:
    """A (semi-)orthogonal matrix from the QR of a normal sample, sign-fixed by ``R``'s
    diagonal, with the columns along ``column_axis``."""

    def init(key: Any, shape: Sequence[int], dtype: Any = dtype) -> Array:
        dt = _dtype(dtype)
        if len(shape) < 2:
            raise ValueError("orthogonal initializer requires at least a two-dimensional shape")
        n_rows = math.prod(shape) // shape[column_axis]
        n_cols = shape[column_axis]
        matrix_shape = (n_cols, n_rows) if n_rows < n_cols else (n_rows, n_cols)
        a = continuous.normal(key, matrix_shape, dt)
        q, r = linalg.qr(a)
        q = ufuncs.multiply(q, ufuncs.sign(creation.diagonal(r)))
        if n_rows < n_cols:
            q = shapes.transpose(q)
        rest = [s for i, s in enumerate(shape) if i != column_axis % len(shape)]
        q = shapes.reshape(q, (*rest, n_cols))
        q = shapes.moveaxis(q, -1, column_axis)
        return ufuncs.multiply(q, conversion.asarray(scale, dt))

    return init
