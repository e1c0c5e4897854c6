"""Index helpers: ``indices``, ``ix_``, ``diag_indices``, ``tril_indices``/``triu_indices``
(and ``*_from``), ``mask_indices``, ``ravel_multi_index``/``unravel_index``; and the
index objects ``mgrid``, ``ogrid``, ``r_``, ``c_``, ``s_`` and ``index_exp``."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy.conversion import asarray, astype, broadcast_arrays
from fad._src.numpy.creation import ones
from fad._src.numpy.manipulation import concatenate
from fad._src.numpy.ranges import arange, linspace
from fad._src.numpy.shapes import reshape
from fad._src.numpy.sorting import nonzero, where
from fad._src.prims import structural as st

s_ = np.s_
index_exp = np.index_exp


def _int() -> np.dtype[Any]:
    return dtypes.default_int_dtype()


def indices(
    dimensions: Sequence[int], dtype: Any = None, sparse: bool = False
) -> Array | tuple[Array, ...]:
    """One grid per axis of ``dimensions`` holding that axis's index."""
    dims = tuple(operator.index(d) for d in dimensions)
    dt = _int() if dtype is None else dtypes.check_user_dtype(dtype, "indices")
    if sparse:
        return tuple(
            st.iota(dt, tuple(n if j == i else 1 for j, n in enumerate(dims)), i)
            for i in range(len(dims))
        )
    if not dims:
        return st.iota(dt, (0,), 0)
    return st.concatenate([st.iota(dt, (1, *dims), i + 1) for i in range(len(dims))], 0)


def ix_(*args: ArrayLike) -> tuple[Array, ...]:
    """Open mesh from 1-d sequences: ``x[ix_(a, b)]`` selects the cross product."""
    out = []
    n = len(args)
    for i, a in enumerate(args):
        v = asarray(a)
        if v.ndim != 1:
            raise ValueError(f"ix_: arguments must be one-dimensional, got shape {v.shape}")
        if dtypes.is_bool(v.dtype):
            (v,) = nonzero(v)
        out.append(reshape(v, tuple(v.shape[0] if j == i else 1 for j in range(n))))
    return tuple(out)


def diag_indices(n: int, ndim: int = 2) -> tuple[Array, ...]:
    """Indices of the main diagonal of an ``n``-sided ``ndim``-dimensional array."""
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"diag_indices: n must be non-negative, got {n}")
    return (st.iota(_int(), (n,), 0),) * operator.index(ndim)


def diag_indices_from(arr: ArrayLike) -> tuple[Array, ...]:
    """``diag_indices`` for an array whose sides are all equal."""
    x = asarray(arr)
    if x.ndim < 2 or len(set(x.shape)) != 1:
        raise ValueError(f"diag_indices_from: needs a square array of >= 2 dims, got {x.shape}")
    return diag_indices(x.shape[0], x.ndim)


def _tri_indices(n: int, k: int, m: int | None, lower: bool) -> tuple[Array, Array]:
    mm = n if m is None else m
    mask = np.tri(n, mm, k, dtype=bool) if lower else ~np.tri(n, mm, k - 1, dtype=bool)
    r, c = np.nonzero(mask)
    return Array(r.astype(_int())), Array(c.astype(_int()))


def tril_indices(n: int, k: int = 0, m: int | None = None) -> tuple[Array, Array]:
    """Row and column indices of the lower triangle (diagonal offset ``k``)."""
    return _tri_indices(operator.index(n), operator.index(k), m, True)


def triu_indices(n: int, k: int = 0, m: int | None = None) -> tuple[Array, Array]:
    """Row and column indices of the upper triangle (diagonal offset ``k``)."""
    return _tri_indices(operator.index(n), operator.index(k), m, False)


def tril_indices_from(arr: ArrayLike, k: int = 0) -> tuple[Array, Array]:
    """``tril_indices`` for the shape of a 2-d array."""
    shape = arr.shape if hasattr(arr, "shape") else np.shape(arr)
    if len(shape) != 2:
        raise ValueError(f"tril_indices_from: arr must be 2-d, got shape {shape}")
    return tril_indices(shape[0], k, shape[1])


def triu_indices_from(arr: ArrayLike, k: int = 0) -> tuple[Array, Array]:
    """``triu_indices`` for the shape of a 2-d array."""
    shape = arr.shape if hasattr(arr, "shape") else np.shape(arr)
    if len(shape) != 2:
        raise ValueError(f"triu_indices_from: arr must be 2-d, got shape {shape}")
    return triu_indices(shape[0], k, shape[1])


def mask_indices(
    n: int, mask_func: Callable[[ArrayLike, int], Array], k: int = 0, *, size: int | None = None
) -> tuple[Array, Array]:
    """Indices where ``mask_func(ones((n, n)), k)`` is nonzero (``size=`` for jit)."""
    m = mask_func(ones((operator.index(n), operator.index(n)), _int()), k)
    r, c = nonzero(m, size=size)
    return r, c


def ravel_multi_index(
    multi_index: Sequence[ArrayLike],
    dims: Sequence[int],
    mode: str = "raise",
    order: str = "C",
    *,
    dtype: Any = None,
) -> Array:
    """Flat indices of the coordinate arrays ``multi_index`` in an array of shape ``dims``."""
    dims_t = tuple(operator.index(d) for d in dims)
    if len(multi_index) != len(dims_t):
        raise ValueError(
            f"ravel_multi_index: need {len(dims_t)} index arrays, got {len(multi_index)}"
        )
    if order not in ("C", "F"):
        raise ValueError(f"ravel_multi_index: order must be 'C' or 'F', got {order!r}")
    if mode == "raise":
        # Host indices (numpy, lists) are checked as they are, so this works under jit too.
        for i, n in zip(multi_index, dims_t, strict=True):
            if isinstance(i, Array):
                continue
            c = np.asarray(i)
            if c.size and (c.min() < 0 or c.max() >= n):
                raise ValueError("ravel_multi_index: invalid entry in coordinates array")
    hosts = [not isinstance(i, Array) for i in multi_index]
    idx = broadcast_arrays(*(astype(asarray(i), _int()) for i in multi_index))
    fixed = []
    for i, n, host in zip(idx, dims_t, hosts, strict=True):
        if mode == "raise" and host:
            pass
        elif mode == "raise":
            if isinstance(i, core.Tracer):
                raise core.ConcretizationError(
                    "ravel_multi_index: mode='raise' needs concrete indices; use 'wrap' or 'clip'"
                )
            c = np.asarray(i.concrete_value())
            if c.size and (c.min() < 0 or c.max() >= n):
                raise ValueError("ravel_multi_index: invalid entry in coordinates array")
        elif mode == "wrap":
            i = i % n
        elif mode == "clip":
            i = where(i < 0, 0, where(i >= n, n - 1, i))
        else:
            raise ValueError(
                f"ravel_multi_index: mode must be 'raise', 'wrap' or 'clip', got {mode!r}"
            )
        fixed.append(i)
    strides = np.cumprod((1, *dims_t[::-1][:-1]))[::-1] if order == "C" else np.cumprod(
        (1, *dims_t[:-1]))  # fmt: skip
    out = fixed[0] * int(strides[0])
    for i, s in zip(fixed[1:], strides[1:], strict=True):
        out = out + i * int(s)
    return out if dtype is None else astype(out, dtype)


def unravel_index(indices: ArrayLike, shape: Sequence[int]) -> tuple[Array, ...]:
    """Coordinates in an array of ``shape`` of the flat ``indices`` (out-of-range ones
    are clipped, as in JAX)."""
    dims = tuple(operator.index(d) for d in shape)
    i = asarray(indices)
    if not (dtypes.is_integer(i.dtype)):
        raise TypeError(f"unravel_index: indices must be integers, got {i.dtype.name}")
    total = int(np.prod(dims))
    i = where(i < 0, i + total, i)
    i = where(i < 0, 0, where(i >= total, total - 1, i))
    out = []
    for n in dims[::-1]:
        out.append(i % n)
        i = i // n
    return tuple(out[::-1])


def _grid(key: Any, sparse: bool) -> Any:
    keys = key if isinstance(key, tuple) else (key,)
    axes = []
    for k in keys:
        if not isinstance(k, slice):
            raise TypeError(f"mgrid/ogrid take slices, got {k!r}")
        start = 0 if k.start is None else k.start
        step = 1 if k.step is None else k.step
        if isinstance(step, complex):
            axes.append(linspace(start, k.stop, int(abs(step))))
        else:
            axes.append(arange(start, k.stop, step))
    if not isinstance(key, tuple):
        return axes[0]
    n = len(axes)
    shaped = [reshape(a, tuple(a.shape[0] if j == i else 1 for j in range(n)))
              for i, a in enumerate(axes)]  # fmt: skip
    if sparse:
        return tuple(shaped)
    full = broadcast_arrays(*shaped)
    return st.concatenate([reshape(f, (1, *f.shape)) for f in full], 0)


class _Mgrid:
    """``mgrid[0:3, 0:2]``: dense coordinate grids (a complex step is a point count)."""

    def __getitem__(self, key: Any) -> Array:
        out: Array = _grid(key, sparse=False)
        return out


class _Ogrid:
    """``ogrid[0:3, 0:2]``: open (broadcastable) coordinate grids."""

    def __getitem__(self, key: Any) -> Any:
        return _grid(key, sparse=True)


class _Concat:
    """``r_``/``c_``: concatenation by index syntax (slices become ranges)."""

    def __init__(self, axis: int, ndmin: int, trans1d: int) -> None:
        self.axis, self.ndmin, self.trans1d = axis, ndmin, trans1d

    def __getitem__(self, key: Any) -> Array:
        keys = key if isinstance(key, tuple) else (key,)
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        parts: list[Array] = []
        for k in keys:
            if isinstance(k, str):
                spec = [int(v) for v in k.split(",")]
                axis = spec[0]
                if len(spec) > 1:
                    ndmin = spec[1]
                if len(spec) > 2:
                    trans1d = spec[2]
                continue
            if isinstance(k, slice):
                v = _grid(k, sparse=False)
            else:
                v = asarray(k)
            if v.ndim < ndmin:
                item_ndim = v.ndim
                v = reshape(v, (1,) * (ndmin - item_ndim) + v.shape)
                if trans1d != -1:
                    k2 = ndmin - item_ndim
                    k1 = trans1d + k2 + 1 if trans1d < 0 else trans1d
                    order = list(range(ndmin))
                    v = st.transpose_(v, order[:k1] + order[k2:] + order[k1:k2])
            if v.ndim == 0:
                v = reshape(v, (1,))
            parts.append(v)
        if not parts:
            return asarray(np.zeros(0))
        return concatenate(parts, axis=axis)


mgrid = _Mgrid()
ogrid = _Ogrid()
r_ = _Concat(0, 1, -1)
c_ = _Concat(-1, 2, 0)
