"""Array creation: filled arrays (``zeros``, ``ones``, ``full``, ``eye``, the ``*_like``s),
``array`` and ``copy``, and matrices built from others (``tri``, ``tril``, ``triu``,
``diag``, ``diagflat``, and ``diagonal``, which reads one back).
"""

from __future__ import annotations

import builtins
import operator
from typing import Any

import numpy as np

from fad._src import dtypes
from fad._src.core import Array, ArrayLike, DType
from fad._src.numpy.conversion import asarray, astype, dtype_arg
from fad._src.numpy.shapes import moveaxis, ravel, reshape
from fad._src.prims import _util
from fad._src.prims import elementwise as ew
from fad._src.prims import indexing as ix
from fad._src.prims import structural as st


def array(
    object: Any,
    dtype: Any = None,
    *,
    copy: bool = True,
    order: str | None = "K",
    ndmin: int = 0,
    device: Any = None,
    out_sharding: Any = None,
) -> Array:
    """An Array from ``object`` (nested sequences, numpy arrays, scalars, Arrays)."""
    out = asarray(object, dtype)
    if ndmin > out.ndim:
        out = reshape(out, (1,) * (ndmin - out.ndim) + out.shape)
    return out


def copy(a: ArrayLike, order: str | None = None) -> Array:
    """A copy of ``a`` (Arrays are immutable, so this is ``a`` as an Array)."""
    return asarray(a)


def _shape_arg(shape: Any, name: str = "shape") -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    try:
        out = tuple(operator.index(s) for s in shape)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of integers, got {shape!r}") from None
    if builtins.any(s < 0 for s in out):
        raise ValueError(f"{name} must not contain negative sizes, got {out}")
    return out


def _default_dtype(dtype: Any, fallback: DType | None = None) -> DType:
    dt = dtype_arg(dtype)
    return dt if dt is not None else (fallback or dtypes.default_float_dtype())


def full(shape: Any, fill_value: ArrayLike, dtype: Any = None) -> Array:
    shape_t = _shape_arg(shape)
    if dtype is None:
        v = asarray(fill_value)
        return st.broadcast_to(v, shape_t) if v.ndim else ew.full(shape_t, v, v.dtype)
    dt = _default_dtype(dtype)
    v = asarray(fill_value)
    return st.broadcast_to(astype(v, dt), shape_t)


def zeros(shape: Any, dtype: Any = None) -> Array:
    return ew.full(_shape_arg(shape), 0, _default_dtype(dtype))


def ones(shape: Any, dtype: Any = None) -> Array:
    return ew.full(_shape_arg(shape), 1, _default_dtype(dtype))


def empty(shape: Any, dtype: Any = None) -> Array:
    """Zero-filled: fad arrays are immutable, so uninitialised memory is never useful."""
    return zeros(shape, dtype)


def zeros_like(a: ArrayLike, dtype: Any = None, shape: Any = None) -> Array:
    x = asarray(a)
    return ew.full(
        x.shape if shape is None else _shape_arg(shape), 0, _default_dtype(dtype, x.dtype)
    )


def ones_like(a: ArrayLike, dtype: Any = None, shape: Any = None) -> Array:
    x = asarray(a)
    return ew.full(
        x.shape if shape is None else _shape_arg(shape), 1, _default_dtype(dtype, x.dtype)
    )


def full_like(a: ArrayLike, fill_value: ArrayLike, dtype: Any = None, shape: Any = None) -> Array:
    x = asarray(a)
    dt = _default_dtype(dtype, x.dtype)
    return full(x.shape if shape is None else shape, fill_value, dt)


def empty_like(
    prototype: ArrayLike, dtype: Any = None, shape: Any = None, *, device: Any = None
) -> Array:
    """An array like ``prototype`` (filled with zeros: fad has no uninitialized memory)."""
    return zeros_like(prototype, dtype, shape)


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Array:
    M = N if M is None else M
    dt = _default_dtype(dtype)
    rows = st.iota(np.dtype(np.int32), (N, M), 0)
    cols = st.iota(np.dtype(np.int32), (N, M), 1)
    return ew.convert_element_type(
        ew.eq(ew.add(rows, ew.full((N, M), k, np.dtype(np.int32))), cols), dt
    )


def identity(n: int, dtype: Any = None) -> Array:
    return eye(n, dtype=dtype)


def _tri_mask(n: int, m: int, k: int) -> Array:
    rows = st.iota(np.dtype(np.int32), (n, m), 0)
    cols = st.iota(np.dtype(np.int32), (n, m), 1)
    return ew.ge(ew.add(rows, ew.full((n, m), k, np.dtype(np.int32))), cols)


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Array:
    return astype(_tri_mask(N, N if M is None else M, k), _default_dtype(dtype))


def tril(m: ArrayLike, k: int = 0) -> Array:
    x = asarray(m)
    mask = st.broadcast_to(_tri_mask(x.shape[-2], x.shape[-1], k), x.shape)
    return ew.select(mask, x, zeros_like(x))


def triu(m: ArrayLike, k: int = 0) -> Array:
    x = asarray(m)
    mask = st.broadcast_to(_tri_mask(x.shape[-2], x.shape[-1], k - 1), x.shape)
    return ew.select(mask, zeros_like(x), x)


def diagonal(a: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Array:
    x = asarray(a)
    i, j = _util.canonical_axis(axis1, x.ndim), _util.canonical_axis(axis2, x.ndim)
    x = moveaxis(x, (i, j), (-2, -1))
    n, m = x.shape[-2], x.shape[-1]
    length = builtins.max(0, builtins.min(n + builtins.min(offset, 0), m - builtins.max(offset, 0)))
    rows = np.arange(length) - builtins.min(offset, 0)
    cols = np.arange(length) + builtins.max(offset, 0)
    # Gather the diagonal with both index components, for every leading position.
    xt = moveaxis(x, (-2, -1), (0, 1))
    idx = Array(np.stack([rows, cols], axis=-1).astype(np.int32))
    return moveaxis(ix.gather(xt, idx), 0, -1)


def diag(v: ArrayLike, k: int = 0) -> Array:
    x = asarray(v)
    if x.ndim == 2:
        return diagonal(x, k)
    if x.ndim != 1:
        raise ValueError(f"diag expects a 1-d or 2-d array, got shape {x.shape}")
    n = x.shape[0] + builtins.abs(k)
    rows = np.arange(x.shape[0]) - builtins.min(k, 0)
    cols = np.arange(x.shape[0]) + builtins.max(k, 0)
    idx = Array(np.stack([rows, cols], axis=-1).astype(np.int32))
    return ix.scatter(zeros((n, n), x.dtype), idx, x, "add")


def diagflat(v: ArrayLike, k: int = 0) -> Array:
    return diag(ravel(v), k)
