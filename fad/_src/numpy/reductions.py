"""Reductions and statistics: ``sum``, ``prod``, ``max``, ``min``, ``mean``, ``var``,
``std``, ``average``, the ``nan*`` variants, quantiles, ``argmax``/``argmin``, the
cumulative sums and products, and ``diff``.

As in JAX, integers narrower than the default int accumulate in it.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Sequence
from typing import Any, overload

import numpy as np

from fad._src import dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy.conversion import (
    Axis,
    as_inexact,
    asarray,
    astype,
    broadcast_to,
    dtype_arg,
    promote_inexact,
)
from fad._src.numpy.creation import full_like, ones_like, zeros_like
from fad._src.numpy.indexing import take
from fad._src.numpy.logic import all, any, isnan, logical_not, to_bool
from fad._src.numpy.manipulation import concatenate
from fad._src.numpy.shapes import keep_dims, moveaxis, ravel, reduction_axes, reshape
from fad._src.numpy.sorting import sort, where
from fad._src.numpy.ufuncs import (
    add,
    ceil,
    clip,
    floor,
    maximum,
    minimum,
    multiply,
    round,
    sqrt,
    subtract,
    true_divide,
)
from fad._src.prims import _util
from fad._src.prims import elementwise as ew
from fad._src.prims import reductions as red
from fad._src.prims import structural as st
from fad._src.typing import LinearArray


def _sum_dtype(x: Array, dtype: Any) -> Array:
    dt = dtype_arg(dtype)
    if dt is not None:
        return astype(x, dt)
    # As in JAX, integers narrower than the default int accumulate in it (bool as signed).
    default = dtypes.default_int_dtype()
    if dtypes.is_bool(x.dtype):
        return astype(x, default)
    if dtypes.is_integer(x.dtype) and x.dtype.itemsize < default.itemsize:
        unsigned = np.dtype(f"uint{default.itemsize * 8}")
        return astype(x, unsigned if dtypes.is_unsigned(x.dtype) else default)
    return x


def _accumulate(
    reduce: Callable[[Array, Sequence[int]], Array],
    unit: int,
    a: ArrayLike,
    axis: Axis,
    dtype: Any,
    keepdims: bool,
    where: ArrayLike | None,
) -> Array:
    """``sum``/``prod``: ``reduce`` in the accumulation dtype; masked elements count as ``unit``."""
    x = _sum_dtype(asarray(a), dtype)
    if where is not None:
        x = _where_mask(x, where, unit)
    axes = reduction_axes(axis, x.ndim)
    return keep_dims(reduce(x, axes), x.shape, axes, keepdims)


@overload
def sum(
    a: LinearArray, axis: Axis = None, dtype: Any = None, keepdims: bool = False,
    where: ArrayLike | None = None,
) -> LinearArray: ...
@overload
def sum(
    a: ArrayLike, axis: Axis = None, dtype: Any = None, keepdims: bool = False,
    where: ArrayLike | None = None,
) -> Array: ...
def sum(  # type: ignore[misc]  # the overload above is for the static type only
    a: ArrayLike,
    axis: Axis = None,
    dtype: Any = None,
    keepdims: bool = False,
    where: ArrayLike | None = None,
) -> Array:
    return _accumulate(st.reduce_sum, 0, a, axis, dtype, keepdims, where)


def _where_mask(x: Array, where_: ArrayLike, fill: Any) -> Array:
    m = st.broadcast_to(to_bool(where_), x.shape)
    return ew.select(m, x, ew.full_like(x, fill))


def prod(
    a: ArrayLike,
    axis: Axis = None,
    dtype: Any = None,
    keepdims: bool = False,
    where: ArrayLike | None = None,
) -> Array:
    return _accumulate(red.reduce_prod, 1, a, axis, dtype, keepdims, where)


def _extremum(
    name: str,
    reduce: Callable[[Array, Sequence[int]], Array],
    combine: Callable[[ArrayLike, ArrayLike], Array],
    a: ArrayLike,
    axis: Axis,
    keepdims: bool,
    initial: ArrayLike | None,
    where: ArrayLike | None,
) -> Array:
    """``max``/``min``: ``reduce`` over ``axis``, then ``combine`` with ``initial``."""
    x = asarray(a)
    axes = reduction_axes(axis, x.ndim)
    if where is not None:
        if initial is None:
            raise ValueError(f"{name} with where= needs an initial value")
        x = _where_mask(x, where, red._identity(x.dtype, name))
    if builtins.any(x.shape[i] == 0 for i in axes) and initial is None:
        raise ValueError(f"zero-size array to reduction operation {name} which has no identity")
    out = reduce(x, axes)
    if initial is not None:
        out = combine(out, initial)
    return keep_dims(out, x.shape, axes, keepdims)


def max(
    a: ArrayLike,
    axis: Axis = None,
    keepdims: bool = False,
    initial: ArrayLike | None = None,
    where: ArrayLike | None = None,
) -> Array:
    return _extremum("max", red.reduce_max, maximum, a, axis, keepdims, initial, where)


def min(
    a: ArrayLike,
    axis: Axis = None,
    keepdims: bool = False,
    initial: ArrayLike | None = None,
    where: ArrayLike | None = None,
) -> Array:
    return _extremum("min", red.reduce_min, minimum, a, axis, keepdims, initial, where)


amax = max
"""Another name for [`max`][fad.numpy.max]."""
amin = min
"""Another name for [`min`][fad.numpy.min]."""


@overload
def mean(
    a: LinearArray, axis: Axis = None, dtype: Any = None, keepdims: bool = False,
    where: ArrayLike | None = None,
) -> LinearArray: ...
@overload
def mean(
    a: ArrayLike, axis: Axis = None, dtype: Any = None, keepdims: bool = False,
    where: ArrayLike | None = None,
) -> Array: ...
def mean(  # type: ignore[misc]  # the overload above is for the static type only
    a: ArrayLike,
    axis: Axis = None,
    dtype: Any = None,
    keepdims: bool = False,
    where: ArrayLike | None = None,
) -> Array:
    x = asarray(a)
    dt = dtype_arg(dtype) or dtypes.to_inexact(x.dtype, x.weak_type)[0]
    x = astype(x, dt) if x.dtype != dt else x
    axes = reduction_axes(axis, x.ndim)
    if where is not None:
        m = st.broadcast_to(to_bool(where), x.shape)
        total = st.reduce_sum(ew.select(m, x, zeros_like(x)), axes)
        count = st.reduce_sum(ew.convert_element_type(m, dt), axes)
        return keep_dims(ew.div(total, count), x.shape, axes, keepdims)
    n = math.prod(x.shape[i] for i in axes)
    total = st.reduce_sum(x, axes)
    return keep_dims(ew.div(total, ew.full_like(total, n)), x.shape, axes, keepdims)


def var(
    a: ArrayLike, axis: Axis = None, dtype: Any = None, ddof: int = 0, keepdims: bool = False
) -> Array:
    x = asarray(a)
    dt = dtype_arg(dtype) or dtypes.to_inexact(x.dtype, x.weak_type)[0]
    x = astype(x, dt)
    axes = reduction_axes(axis, x.ndim)
    centered = ew.sub(x, st.broadcast_to(mean(x, axes, keepdims=True), x.shape))
    sq = (
        ew.real(ew.mul(centered, ew.conj(centered)))
        if dtypes.is_complex(dt)
        else ew.mul(centered, centered)
    )
    n = math.prod(x.shape[i] for i in axes) - ddof
    total = st.reduce_sum(sq, axes)
    return keep_dims(ew.div(total, ew.full_like(total, n)), x.shape, axes, keepdims)


def std(
    a: ArrayLike, axis: Axis = None, dtype: Any = None, ddof: int = 0, keepdims: bool = False
) -> Array:
    return sqrt(var(a, axis, dtype, ddof, keepdims))


def average(
    a: ArrayLike, axis: Axis = None, weights: ArrayLike | None = None, returned: bool = False
) -> Any:
    if weights is None:
        avg = mean(a, axis)
        x = asarray(a)
        count = ew.full_like(avg, math.prod(x.shape[i] for i in reduction_axes(axis, x.ndim)))
        return (avg, count) if returned else avg
    x, w = promote_inexact("average", a, weights)
    axes = reduction_axes(axis, x.ndim)
    wsum = st.reduce_sum(w, axes)
    avg = ew.div(st.reduce_sum(ew.mul(x, w), axes), wsum)
    return (avg, wsum) if returned else avg


def nansum(a: ArrayLike, axis: Axis = None, dtype: Any = None, keepdims: bool = False) -> Array:
    """``sum`` with nans counted as zero."""
    x = asarray(a)
    return sum(where(isnan(x), zeros_like(x), x), axis=axis, dtype=dtype, keepdims=keepdims)


def nanprod(a: ArrayLike, axis: Axis = None, dtype: Any = None, keepdims: bool = False) -> Array:
    """``prod`` with nans counted as one."""
    x = asarray(a)
    return prod(where(isnan(x), ones_like(x), x), axis=axis, dtype=dtype, keepdims=keepdims)


def nanmean(a: ArrayLike, axis: Axis = None, dtype: Any = None, keepdims: bool = False) -> Array:
    """``mean`` of the non-nan elements (nan where there are none)."""
    x = asarray(a)
    dt = dtype_arg(dtype) or dtypes.to_inexact(x.dtype, x.weak_type)[0]
    x = astype(x, dt)
    present = logical_not(isnan(x))
    total = sum(where(present, x, zeros_like(x)), axis=axis, keepdims=keepdims)
    count = sum(present, axis=axis, dtype=dtypes.real_dtype(dt), keepdims=keepdims)
    return true_divide(total, count)


def _nan_extreme(which: str, a: ArrayLike, axis: Axis, keepdims: bool) -> Array:
    x = asarray(a)
    if not dtypes.is_inexact(x.dtype):
        return (max if which == "max" else min)(x, axis=axis, keepdims=keepdims)
    nan_ = isnan(x)
    fill = full_like(x, -np.inf if which == "max" else np.inf)
    out = (max if which == "max" else min)(where(nan_, fill, x), axis=axis, keepdims=keepdims)
    all_nan = all(nan_, axis=axis, keepdims=keepdims)
    return where(all_nan, full_like(out, np.nan), out)


def nanmax(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:
    """``max`` ignoring nans (nan where a slice is all nan)."""
    return _nan_extreme("max", a, axis, keepdims)


def nanmin(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:
    """``min`` ignoring nans (nan where a slice is all nan)."""
    return _nan_extreme("min", a, axis, keepdims)


def ptp(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:
    """Peak to peak: ``max - min``."""
    return subtract(max(a, axis=axis, keepdims=keepdims), min(a, axis=axis, keepdims=keepdims))


_QUANTILE_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")


def quantile(
    a: ArrayLike, q: ArrayLike, axis: Axis = None, keepdims: bool = False, method: str = "linear"
) -> Array:
    """The ``q``-th quantiles over ``axis`` (via a sort; nan if a slice holds a nan).

    The result has ``q``'s axes first, then the axes not reduced, as in numpy.
    """
    if method not in _QUANTILE_METHODS:
        raise ValueError(f"quantile: method must be one of {_QUANTILE_METHODS}, got {method!r}")
    (x,) = as_inexact([asarray(a)])
    axes = reduction_axes(axis, x.ndim)
    if builtins.any(x.shape[i] == 0 for i in axes):
        raise ValueError(f"quantile of an empty axis: shape {x.shape}, axes {axes}")
    kept = [i for i in range(x.ndim) if i not in axes]
    xt = st.transpose_(x, [*kept, *axes])
    n = math.prod(x.shape[i] for i in axes)
    xt = st.reshape(xt, (*(x.shape[i] for i in kept), n))
    srt = sort(xt, axis=-1)
    qa = astype(asarray(q), x.dtype if dtypes.is_float(x.dtype) else dtypes.default_float_dtype())
    pos = multiply(qa, n - 1)
    lo = clip(astype(floor(pos), np.int32), 0, n - 1)
    hi = clip(astype(ceil(pos), np.int32), 0, n - 1)
    q_axes = tuple(range(len(kept), len(kept) + qa.ndim))

    def at(i: Array) -> Array:
        return moveaxis(take(srt, i, axis=-1, mode="clip"), q_axes, tuple(range(qa.ndim)))

    v_lo, v_hi = at(lo), at(hi)
    frac = subtract(pos, floor(pos))
    frac = reshape(frac, frac.shape + (1,) * len(kept))
    if method == "linear":
        out = add(v_lo, multiply(frac, subtract(v_hi, v_lo)))
    elif method == "lower":
        out = v_lo
    elif method == "higher":
        out = v_hi
    elif method == "midpoint":
        out = multiply(add(v_lo, v_hi), 0.5)
    else:
        # numpy's "nearest" rounds half to even on the position.
        out = at(clip(astype(round(pos), np.int32), 0, n - 1))
    has_nan = any(isnan(xt), axis=-1)
    out = where(has_nan, full_like(out, np.nan), out)
    if keepdims:
        out = reshape(out, (*qa.shape, *(1 if i in axes else x.shape[i] for i in range(x.ndim))))
    return out


def percentile(
    a: ArrayLike, q: ArrayLike, axis: Axis = None, keepdims: bool = False, method: str = "linear"
) -> Array:
    """``quantile`` with ``q`` in percent."""
    return quantile(a, true_divide(q, 100), axis=axis, keepdims=keepdims, method=method)


def median(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:
    """The middle value (mean of the two middle ones for even counts)."""
    return quantile(a, 0.5, axis=axis, keepdims=keepdims, method="midpoint")


def _arg_reduce(which: str, a: ArrayLike, axis: int | None, keepdims: bool) -> Array:
    x = asarray(a)
    if axis is None:
        x, ax = ravel(x), 0
    else:
        ax = _util.canonical_axis(int(axis), x.ndim)
    if x.shape[ax] == 0:
        raise ValueError(f"attempt to get {which} of an empty sequence")
    fn = red.argmax if which == "argmax" else red.argmin
    out = fn(x, ax, dtypes.default_int_dtype())
    if keepdims:
        shape = list(asarray(a).shape) if axis is not None else [1] * asarray(a).ndim
        if axis is not None:
            shape[ax] = 1
        out = st.reshape(out, shape)
    return out


def argmax(a: ArrayLike, axis: int | None = None, keepdims: bool = False) -> Array:
    return _arg_reduce("argmax", a, axis, keepdims)


def argmin(a: ArrayLike, axis: int | None = None, keepdims: bool = False) -> Array:
    return _arg_reduce("argmin", a, axis, keepdims)


def _cumulative(name: str, a: ArrayLike, axis: int | None, dtype: Any) -> tuple[Array, int]:
    x = _sum_dtype(asarray(a), dtype)
    if axis is None:
        return ravel(x), 0
    return x, _util.canonical_axis(int(axis), x.ndim)


def cumsum(a: ArrayLike, axis: int | None = None, dtype: Any = None) -> Array:
    x, ax = _cumulative("cumsum", a, axis, dtype)
    return red.cumsum(x, ax)


def cumprod(a: ArrayLike, axis: int | None = None, dtype: Any = None) -> Array:
    x, ax = _cumulative("cumprod", a, axis, dtype)
    return red.cumprod(x, ax)


cumulative_sum = cumsum
"""The array API's name for [`cumsum`][fad.numpy.cumsum]."""
cumulative_prod = cumprod
"""The array API's name for [`cumprod`][fad.numpy.cumprod]."""


def count_nonzero(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:
    return sum(to_bool(a), axis=axis, dtype=dtypes.default_int_dtype(), keepdims=keepdims)


def diff(
    a: ArrayLike,
    n: int = 1,
    axis: int = -1,
    prepend: ArrayLike | None = None,
    append: ArrayLike | None = None,
) -> Array:
    x = asarray(a)
    ax = _util.canonical_axis(axis, x.ndim)
    parts = []
    for extra in (prepend,):
        if extra is not None:
            e_ = asarray(extra)
            shape = list(x.shape)
            shape[ax] = 1
            parts.append(broadcast_to(e_, shape) if e_.ndim == 0 else e_)
    parts.append(x)
    if append is not None:
        e_ = asarray(append)
        shape = list(x.shape)
        shape[ax] = 1
        parts.append(broadcast_to(e_, shape) if e_.ndim == 0 else e_)
    if len(parts) > 1:
        x = concatenate(parts, ax)
    for _ in range(n):
        m = x.shape[ax]
        hi = st.slice_in_dim(x, 1, m, axis=ax)
        lo = st.slice_in_dim(x, 0, builtins.max(m - 1, 0), axis=ax)
        x = ew.ne(hi, lo) if x.dtype == np.bool_ else ew.sub(hi, lo)
    return x


def ediff1d(ary: ArrayLike) -> Array:
    return diff(ravel(ary))
