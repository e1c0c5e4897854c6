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
    no_out,
    promote_inexact,
)
from fad._src.numpy.creation import full_like, ones_like, zeros_like
from fad._src.numpy.indexing import take
from fad._src.numpy.logic import all, any, isnan, logical_and, logical_not, logical_or, to_bool
from fad._src.numpy.manipulation import concatenate
from fad._src.numpy.shapes import keep_dims, moveaxis, ravel, reduction_axes, reshape
from fad._src.numpy.sorting import sort, where
from fad._src.numpy.sorting import where as _where
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
    a: LinearArray, axis: Axis = None, dtype: Any = None, out: None = None,
    keepdims: bool = False, initial: None = None, where: ArrayLike | None = None,
    promote_integers: bool = True,
) -> LinearArray: ...
@overload
def sum(
    a: ArrayLike, axis: Axis = None, dtype: Any = None, out: None = None,
    keepdims: bool = False, initial: ArrayLike | None = None, where: ArrayLike | None = None,
    promote_integers: bool = True,
) -> Array: ...
def sum(  # type: ignore[misc]  # the overload above is for the static type only
    a: ArrayLike,
    axis: Axis = None,
    dtype: Any = None,
    out: None = None,
    keepdims: bool = False,
    initial: ArrayLike | None = None,
    where: ArrayLike | None = None,
    promote_integers: bool = True,
) -> Array:
    """Sum over ``axis`` (narrow integers accumulate in the default int, as in JAX)."""
    no_out(out, "sum")
    res = _accumulate(st.reduce_sum, 0, a, axis, _own_int(a, dtype, promote_integers), keepdims,
                      where)  # fmt: skip
    return res if initial is None else add(res, astype(asarray(initial), res.dtype))


def _own_int(a: ArrayLike, dtype: Any, promote_integers: bool) -> Any:
    """``promote_integers=False``: an integer input accumulates in its own dtype."""
    if dtype is not None or promote_integers:
        return dtype
    dt = asarray(a).dtype
    return dt if dtypes.is_integer(dt) else None


def _where_mask(x: Array, where_: ArrayLike, fill: Any) -> Array:
    m = st.broadcast_to(to_bool(where_), x.shape)
    return ew.select(m, x, ew.full_like(x, fill))


def prod(
    a: ArrayLike,
    axis: Axis = None,
    dtype: Any = None,
    out: None = None,
    keepdims: bool = False,
    initial: ArrayLike | None = None,
    where: ArrayLike | None = None,
    promote_integers: bool = True,
) -> Array:
    """Product over ``axis`` (narrow integers accumulate in the default int, as in JAX)."""
    no_out(out, "prod")
    res = _accumulate(red.reduce_prod, 1, a, axis, _own_int(a, dtype, promote_integers), keepdims,
                      where)  # fmt: skip
    return res if initial is None else multiply(res, astype(asarray(initial), res.dtype))


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
    out: None = None,
    keepdims: bool = False,
    initial: ArrayLike | None = None,
    where: ArrayLike | None = None,
) -> Array:
    no_out(out, "max")
    return _extremum("max", red.reduce_max, maximum, a, axis, keepdims, initial, where)


def min(
    a: ArrayLike,
    axis: Axis = None,
    out: None = None,
    keepdims: bool = False,
    initial: ArrayLike | None = None,
    where: ArrayLike | None = None,
) -> Array:
    no_out(out, "min")
    return _extremum("min", red.reduce_min, minimum, a, axis, keepdims, initial, where)


amax = max
"""Another name for [`max`][fad.numpy.max]."""
amin = min
"""Another name for [`min`][fad.numpy.min]."""


@overload
def mean(
    a: LinearArray, axis: Axis = None, dtype: Any = None, out: None = None,
    keepdims: bool = False, *, where: ArrayLike | None = None,
) -> LinearArray: ...
@overload
def mean(
    a: ArrayLike, axis: Axis = None, dtype: Any = None, out: None = None,
    keepdims: bool = False, *, where: ArrayLike | None = None,
) -> Array: ...
def mean(  # type: ignore[misc]  # the overload above is for the static type only
    a: ArrayLike,
    axis: Axis = None,
    dtype: Any = None,
    out: None = None,
    keepdims: bool = False,
    *,
    where: ArrayLike | None = None,
) -> Array:
    no_out(out, "mean")
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
    a: ArrayLike,
    axis: Axis = None,
    dtype: Any = None,
    out: None = None,
    ddof: int = 0,
    keepdims: bool = False,
    *,
    where: ArrayLike | None = None,
    mean: ArrayLike | None = None,
    correction: int | float | None = None,
) -> Array:
    """Variance over ``axis`` with ``ddof`` (or the array API's ``correction``); ``where``
    masks elements and ``mean`` supplies a precomputed mean (with ``keepdims=True`` shape)."""
    no_out(out, "var")
    if correction is not None:
        if ddof:
            raise ValueError("var: ddof and correction can't be provided simultaneously")
        ddof = correction  # type: ignore[assignment]
    x = asarray(a)
    dt = dtype_arg(dtype) or dtypes.to_inexact(x.dtype, x.weak_type)[0]
    x = astype(x, dt)
    axes = reduction_axes(axis, x.ndim)
    m = _mean(x, axes, keepdims=True, where=where) if mean is None else asarray(mean)
    centered = ew.sub(x, st.broadcast_to(astype(m, dt), x.shape))
    sq = (
        ew.real(ew.mul(centered, ew.conj(centered)))
        if dtypes.is_complex(dt)
        else ew.mul(centered, centered)
    )
    if where is not None:
        mask = st.broadcast_to(to_bool(where), x.shape)
        sq = ew.select(mask, sq, zeros_like(sq))
        count = st.reduce_sum(ew.convert_element_type(mask, sq.dtype), axes)
        total = st.reduce_sum(sq, axes)
        res = ew.div(total, ew.sub(count, ew.full_like(count, ddof)))
        return keep_dims(res, x.shape, axes, keepdims)
    n = math.prod(x.shape[i] for i in axes) - ddof
    total = st.reduce_sum(sq, axes)
    return keep_dims(ew.div(total, ew.full_like(total, n)), x.shape, axes, keepdims)


def std(
    a: ArrayLike,
    axis: Axis = None,
    dtype: Any = None,
    out: None = None,
    ddof: int = 0,
    keepdims: bool = False,
    *,
    where: ArrayLike | None = None,
    mean: ArrayLike | None = None,
    correction: int | float | None = None,
) -> Array:
    """Standard deviation: the square root of ``var`` with the same arguments."""
    return sqrt(var(a, axis, dtype, out, ddof, keepdims, where=where, mean=mean,
                    correction=correction))  # fmt: skip


_mean = mean


def average(
    a: ArrayLike,
    axis: Axis = None,
    weights: ArrayLike | None = None,
    returned: bool = False,
    keepdims: bool = False,
) -> Any:
    """Weighted mean over ``axis`` (with ``returned``, also the sum of the weights)."""
    if weights is None:
        avg = mean(a, axis, keepdims=keepdims)
        x = asarray(a)
        count = ew.full_like(avg, math.prod(x.shape[i] for i in reduction_axes(axis, x.ndim)))
        return (avg, count) if returned else avg
    x, w = promote_inexact("average", a, weights)
    axes = reduction_axes(axis, x.ndim)
    wsum = keep_dims(st.reduce_sum(w, axes), x.shape, axes, keepdims)
    avg = ew.div(keep_dims(st.reduce_sum(ew.mul(x, w), axes), x.shape, axes, keepdims), wsum)
    return (avg, wsum) if returned else avg


def nansum(
    a: ArrayLike,
    axis: Axis = None,
    dtype: Any = None,
    out: None = None,
    keepdims: bool = False,
    initial: ArrayLike | None = None,
    where: ArrayLike | None = None,
) -> Array:
    """``sum`` with nans counted as zero."""
    x = asarray(a)
    return sum(_where(isnan(x), zeros_like(x), x), axis, dtype, out, keepdims, initial, where)


def nanprod(
    a: ArrayLike,
    axis: Axis = None,
    dtype: Any = None,
    out: None = None,
    keepdims: bool = False,
    initial: ArrayLike | None = None,
    where: ArrayLike | None = None,
) -> Array:
    """``prod`` with nans counted as one."""
    x = asarray(a)
    return prod(_where(isnan(x), ones_like(x), x), axis, dtype, out, keepdims, initial, where)


def nanmean(
    a: ArrayLike,
    axis: Axis = None,
    dtype: Any = None,
    out: None = None,
    keepdims: bool = False,
    where: ArrayLike | None = None,
) -> Array:
    """``mean`` of the non-nan elements (nan where there are none)."""
    no_out(out, "nanmean")
    x = asarray(a)
    dt = dtype_arg(dtype) or dtypes.to_inexact(x.dtype, x.weak_type)[0]
    x = astype(x, dt)
    present = logical_not(isnan(x))
    if where is not None:
        present = logical_and(present, st.broadcast_to(to_bool(where), x.shape))
    total = sum(_where(present, x, zeros_like(x)), axis=axis, keepdims=keepdims)
    count = sum(present, axis=axis, dtype=dtypes.real_dtype(dt), keepdims=keepdims)
    return true_divide(total, count)


def _nan_extreme(
    which: str,
    a: ArrayLike,
    axis: Axis,
    out: None,
    keepdims: bool,
    initial: ArrayLike | None,
    where_: ArrayLike | None,
) -> Array:
    no_out(out, f"nan{which}")
    x = asarray(a)
    find = max if which == "max" else min
    if not dtypes.is_inexact(x.dtype):
        return find(x, axis=axis, keepdims=keepdims, initial=initial, where=where_)
    nan_ = isnan(x)
    fill = full_like(x, -np.inf if which == "max" else np.inf)
    res = find(_where(nan_, fill, x), axis=axis, keepdims=keepdims, initial=initial, where=where_)
    empty = nan_ if where_ is None else logical_or(nan_, logical_not(to_bool(where_)))
    all_nan = all(empty, axis=axis, keepdims=keepdims)
    if initial is not None:
        return res
    return _where(all_nan, full_like(res, np.nan), res)


def nanmax(
    a: ArrayLike,
    axis: Axis = None,
    out: None = None,
    keepdims: bool = False,
    initial: ArrayLike | None = None,
    where: ArrayLike | None = None,
) -> Array:
    """``max`` ignoring nans (nan where a slice is all nan)."""
    return _nan_extreme("max", a, axis, out, keepdims, initial, where)


def nanmin(
    a: ArrayLike,
    axis: Axis = None,
    out: None = None,
    keepdims: bool = False,
    initial: ArrayLike | None = None,
    where: ArrayLike | None = None,
) -> Array:
    """``min`` ignoring nans (nan where a slice is all nan)."""
    return _nan_extreme("min", a, axis, out, keepdims, initial, where)


def ptp(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False) -> Array:
    """Peak to peak: ``max - min``."""
    no_out(out, "ptp")
    return subtract(max(a, axis=axis, keepdims=keepdims), min(a, axis=axis, keepdims=keepdims))


_QUANTILE_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")


def quantile(
    a: ArrayLike,
    q: ArrayLike,
    axis: Axis = None,
    out: None = None,
    overwrite_input: bool = False,
    method: str = "linear",
    keepdims: bool = False,
    *,
    weights: ArrayLike | None = None,
) -> Array:
    """The ``q``-th quantiles over ``axis`` (via a sort; nan if a slice holds a nan).

    The result has ``q``'s axes first, then the axes not reduced, as in numpy.
    """
    no_out(out, "quantile")
    if weights is not None:
        raise NotImplementedError("quantile: weights= is not supported")
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
        res = add(v_lo, multiply(frac, subtract(v_hi, v_lo)))
    elif method == "lower":
        res = v_lo
    elif method == "higher":
        res = v_hi
    elif method == "midpoint":
        res = multiply(add(v_lo, v_hi), 0.5)
    else:
        # numpy's "nearest" rounds half to even on the position.
        res = at(clip(astype(round(pos), np.int32), 0, n - 1))
    has_nan = any(isnan(xt), axis=-1)
    res = where(has_nan, full_like(res, np.nan), res)
    if keepdims:
        res = reshape(res, (*qa.shape, *(1 if i in axes else x.shape[i] for i in range(x.ndim))))
    return res


def percentile(
    a: ArrayLike,
    q: ArrayLike,
    axis: Axis = None,
    out: None = None,
    overwrite_input: bool = False,
    method: str = "linear",
    keepdims: bool = False,
    *,
    weights: ArrayLike | None = None,
) -> Array:
    """``quantile`` with ``q`` in percent."""
    return quantile(a, true_divide(q, 100), axis, out, overwrite_input, method, keepdims,
                    weights=weights)  # fmt: skip


def median(
    a: ArrayLike,
    axis: Axis = None,
    out: None = None,
    overwrite_input: bool = False,
    keepdims: bool = False,
) -> Array:
    """The middle value (mean of the two middle ones for even counts)."""
    return quantile(a, 0.5, axis=axis, out=out, keepdims=keepdims, method="midpoint")


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


def argmax(
    a: ArrayLike, axis: int | None = None, out: None = None, keepdims: bool | None = None
) -> Array:
    no_out(out, "argmax")
    return _arg_reduce("argmax", a, axis, bool(keepdims))


def argmin(
    a: ArrayLike, axis: int | None = None, out: None = None, keepdims: bool | None = None
) -> Array:
    no_out(out, "argmin")
    return _arg_reduce("argmin", a, axis, bool(keepdims))


def _cumulative(name: str, a: ArrayLike, axis: int | None, dtype: Any) -> tuple[Array, int]:
    x = _sum_dtype(asarray(a), dtype)
    if axis is None:
        return ravel(x), 0
    return x, _util.canonical_axis(int(axis), x.ndim)


def cumsum(a: ArrayLike, axis: int | None = None, dtype: Any = None, out: None = None) -> Array:
    no_out(out, "cumsum")
    x, ax = _cumulative("cumsum", a, axis, dtype)
    return red.cumsum(x, ax)


def cumprod(a: ArrayLike, axis: int | None = None, dtype: Any = None, out: None = None) -> Array:
    no_out(out, "cumprod")
    x, ax = _cumulative("cumprod", a, axis, dtype)
    return red.cumprod(x, ax)


def _cumulative_api(
    name: str, x: ArrayLike, axis: int | None, dtype: Any, include_initial: bool, unit: int
) -> Array:
    v = asarray(x)
    if axis is None:
        if v.ndim > 1:
            raise ValueError(f"{name}: axis must be given for arrays of more than one dimension")
        axis = 0
    if v.ndim == 0:
        raise ValueError(f"{name}: x must be at least one-dimensional")
    out = (cumsum if unit == 0 else cumprod)(v, axis, dtype)
    if not include_initial:
        return out
    ax = _util.canonical_axis(axis, out.ndim)
    cfg = [(0, 0, 0)] * out.ndim
    cfg[ax] = (1, 0, 0)
    return st.pad(out, ew.full((), unit, out.dtype), cfg)


def cumulative_sum(
    x: ArrayLike,
    /,
    *,
    axis: int | None = None,
    dtype: Any = None,
    include_initial: bool = False,
) -> Array:
    """Array-API cumulative sum (``include_initial`` prepends the 0)."""
    return _cumulative_api("cumulative_sum", x, axis, dtype, include_initial, 0)


def cumulative_prod(
    x: ArrayLike,
    /,
    *,
    axis: int | None = None,
    dtype: Any = None,
    include_initial: bool = False,
) -> Array:
    """Array-API cumulative product (``include_initial`` prepends the 1)."""
    return _cumulative_api("cumulative_prod", x, axis, dtype, include_initial, 1)


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


def ediff1d(
    ary: ArrayLike, to_end: ArrayLike | None = None, to_begin: ArrayLike | None = None
) -> Array:
    """Differences of the flattened array, with ``to_begin``/``to_end`` attached."""
    d = diff(ravel(ary))
    parts = [ravel(astype(asarray(to_begin), d.dtype))] if to_begin is not None else []
    parts.append(d)
    if to_end is not None:
        parts.append(ravel(astype(asarray(to_end), d.dtype)))
    return concatenate(parts) if len(parts) > 1 else d
