"""Sorting, searching and counting: ``sort``, ``argsort``, ``searchsorted``, ``nonzero``
and its relatives, ``where`` and ``select``; and ``interp``, which searches its sample
points.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any, overload

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy.conversion import (
    as_inexact,
    asarray,
    astype,
    broadcast_arrays,
    promote,
    promote_no_broadcast,
    stack,
)
from fad._src.numpy.creation import ones_like, zeros, zeros_like
from fad._src.numpy.indexing import take
from fad._src.numpy.logic import to_bool
from fad._src.numpy.manipulation import flip
from fad._src.numpy.shapes import atleast_1d, ravel, reshape
from fad._src.numpy.ufuncs import add, clip, greater, less, multiply, subtract, true_divide
from fad._src.prims import _util
from fad._src.prims import elementwise as ew
from fad._src.prims import indexing as ix
from fad._src.prims import reductions as red
from fad._src.prims import sorting as so
from fad._src.prims import structural as st
from fad._src.typing import LinearArray


def sort(
    a: ArrayLike,
    axis: int | None = -1,
    *,
    kind: str | None = None,
    order: None = None,
    stable: bool = True,
    descending: bool = False,
) -> Array:
    """Sorted copy of ``a`` along ``axis`` (NaNs last; stable)."""
    if order is not None:
        raise TypeError("sort: order= (structured arrays) is not supported")
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    if x.ndim == 0:
        return x
    ax = _util.canonical_axis(axis, x.ndim)
    (out,) = so.sort([x], ax)
    return flip(out, ax) if descending else out


def argsort(
    a: ArrayLike,
    axis: int | None = -1,
    *,
    kind: str | None = None,
    order: None = None,
    stable: bool = True,
    descending: bool = False,
    dtype: Any = None,
) -> Array:
    """Indices that sort ``a`` (always stable; ties keep their order in both directions),
    in ``dtype`` (default: the default int)."""
    if order is not None:
        raise TypeError("argsort: order= (structured arrays) is not supported")
    out = _argsort(a, axis, descending)
    return out if dtype is None else astype(out, dtype)


def _argsort(a: ArrayLike, axis: int | None, descending: bool) -> Array:
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    if x.ndim == 0:
        return zeros((), dtypes.default_int_dtype())
    ax = _util.canonical_axis(axis, x.ndim)
    pos = st.iota(dtypes.default_int_dtype(), x.shape, ax)
    if not descending:
        return so.sort([x, pos], ax, num_keys=1)[1]
    # Descending and stable: sort the reversed array ascending, then reverse the result.
    rev_pos = st.rev(pos, (ax,))
    _, perm = so.sort([st.rev(x, (ax,)), rev_pos], ax, num_keys=1)
    return st.rev(perm, (ax,))


def searchsorted(
    a: ArrayLike,
    v: ArrayLike,
    side: str = "left",
    sorter: ArrayLike | None = None,
    *,
    method: str = "scan",
) -> Array:
    """Insertion points of ``v`` in the sorted ``a`` (``method`` is accepted for JAX
    compatibility: every method gives the same indices)."""
    if method not in ("scan", "scan_unrolled", "sort", "compare_all"):
        raise ValueError(f"searchsorted: unknown method {method!r}")
    arr, vals = promote_no_broadcast("searchsorted", (a, v))
    if arr.ndim != 1:
        raise ValueError("searchsorted: a must be one-dimensional")
    if sorter is not None:
        arr = take(arr, sorter, mode="clip")
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    # Count the elements of a that come before each v (a comparison against all of a),
    # in sort's order, where nan is above everything.
    flat = ravel(vals)
    n = arr.shape[0]
    grid_a = st.broadcast_in_dim(arr, (flat.shape[0], n), (1,))
    grid_v = st.broadcast_in_dim(flat, (flat.shape[0], n), (0,))
    if side == "left":
        before = _sort_less(grid_a, grid_v)
    else:
        before = ew.bitwise_not(_sort_less(grid_v, grid_a))
    counts = st.reduce_sum(ew.convert_element_type(before, dtypes.default_int_dtype()), (1,))
    return reshape(counts, vals.shape)


def _sort_less(a: Array, b: Array) -> Array:
    """``a < b`` in the total order ``sort`` uses: nan sorts after every number."""
    if not dtypes.is_float(a.dtype):
        return ew.lt(a, b)
    a_nan, b_nan = ew.ne(a, a), ew.ne(b, b)
    return ew.bitwise_or(ew.lt(a, b), ew.bitwise_and(b_nan, ew.bitwise_not(a_nan)))


def nonzero(a: ArrayLike, *, size: int | None = None, fill_value: Any = None) -> tuple[Array, ...]:
    """Indices of the nonzero elements, one array per axis.

    Without ``size`` the result's length depends on the values, so they must be
    concrete. With a static ``size`` it works under every transformation: the first
    ``size`` hits are kept and missing ones are ``fill_value`` (default 0).
    """
    x = asarray(a)
    if x.ndim == 0:
        raise ValueError("nonzero is not defined for 0-d arrays; use atleast_1d first")
    idx_dt = dtypes.default_int_dtype()
    if size is None:
        if isinstance(x, core.Tracer):
            raise core.ConcretizationError(
                "nonzero: the number of nonzero elements of a traced array is unknown; "
                "pass a static size= (and fill_value=)"
            )
        return tuple(Array(i.astype(idx_dt)) for i in np.nonzero(x.concrete_value()))
    size = operator.index(size)
    fills = fill_value if isinstance(fill_value, (tuple, list)) else [fill_value] * x.ndim
    if len(fills) != x.ndim:
        raise ValueError(f"nonzero: fill_value needs {x.ndim} entries, got {len(fills)}")
    mask = ravel(to_bool(x))
    # The k-th hit goes to slot k; misses go to slot `size`, which scatter drops.
    counts = red.cumsum(ew.convert_element_type(mask, np.dtype(np.int32)), 0)
    slot = ew.sub(counts, ones_like(counts))
    slot = ew.select(mask, slot, ew.full_like(slot, size))
    grid = st.reshape(slot, (mask.shape[0], 1))
    out = []
    for axis, fill in enumerate(fills):
        coord = st.reshape(st.iota(idx_dt, x.shape, axis), (mask.shape[0],))
        base = ew.full((size,), 0 if fill is None else fill, idx_dt)
        out.append(ix.scatter(base, grid, coord, "set"))
    return tuple(out)


def argwhere(a: ArrayLike, *, size: int | None = None, fill_value: Any = None) -> Array:
    """Indices of the nonzero elements as rows (see ``nonzero`` for ``size``)."""
    x = atleast_1d(asarray(a))
    return stack(nonzero(x, size=size, fill_value=fill_value), -1)


def flatnonzero(a: ArrayLike, *, size: int | None = None, fill_value: Any = None) -> Array:
    return nonzero(ravel(a), size=size, fill_value=fill_value)[0]


@overload
def where(condition: ArrayLike, x: LinearArray, y: LinearArray | float, /) -> LinearArray: ...


@overload
def where(condition: ArrayLike, x: float, y: LinearArray, /) -> LinearArray: ...


@overload
def where(
    condition: ArrayLike,
    x: None = None,
    y: None = None,
    /,
    *,
    size: int | None = None,
    fill_value: Any = None,
) -> tuple[Array, ...]: ...


@overload
def where(
    condition: ArrayLike,
    x: ArrayLike,
    y: ArrayLike,
    /,
    *,
    size: int | None = None,
    fill_value: Any = None,
) -> Array: ...


def where(  # type: ignore[misc]
    condition: ArrayLike,
    x: ArrayLike | None = None,
    y: ArrayLike | None = None,
    /,
    *,
    size: int | None = None,
    fill_value: Any = None,
) -> Any:
    """``x`` where ``condition`` else ``y``; with only a condition, ``nonzero(condition)``
    (which takes ``size=``/``fill_value=`` under ``jit``)."""
    if x is None and y is None:
        return nonzero(condition, size=size, fill_value=fill_value)
    if size is not None or fill_value is not None:
        raise ValueError("where: size and fill_value apply only to the one-argument form")
    if x is None or y is None:
        raise ValueError("where takes either one argument or three")
    a, b = promote("where", x, y)
    c = asarray(condition)
    if c.dtype != np.bool_:
        c = ew.ne(c, zeros_like(c))
    c, a, b = broadcast_arrays(c, a, b)
    return ew.select(c, a, b)


def select(
    condlist: Sequence[ArrayLike], choicelist: Sequence[ArrayLike], default: ArrayLike = 0
) -> Array:
    if len(condlist) != len(choicelist):
        raise ValueError(
            f"select: condlist and choicelist must have the same length, got {len(condlist)} and "
            f"{len(choicelist)}"
        )
    out = asarray(default)
    for c, v in reversed(list(zip(condlist, choicelist, strict=True))):
        out = where(c, v, out)
    return out


def interp(
    x: ArrayLike,
    xp: ArrayLike,
    fp: ArrayLike,
    left: ArrayLike | str | None = None,
    right: ArrayLike | str | None = None,
    period: ArrayLike | None = None,
) -> Array:
    """Piecewise-linear interpolation of ``(xp, fp)`` at ``x`` (``xp`` increasing).

    Outside ``xp`` the result is ``left``/``right`` (default: the end values of ``fp``),
    or the end segment's line for ``"extrapolate"``. With ``period`` the samples are
    periodic (``xp`` need not be sorted; ``left``/``right`` are ignored).
    """
    xv, xpv = as_inexact(promote_no_broadcast("interp", (x, xp)))
    (fpv,) = as_inexact([asarray(fp)])
    if xpv.ndim != 1 or fpv.shape != xpv.shape or xpv.shape[0] == 0:
        raise ValueError(
            f"interp: xp and fp must be non-empty 1-d arrays of one shape, got {xpv.shape} "
            f"and {fpv.shape}"
        )
    for name, side in (("left", left), ("right", right)):
        if isinstance(side, str) and side != "extrapolate":
            raise ValueError(f"interp: {name} must be a value, None or 'extrapolate', got {side!r}")
    if period is not None:
        per = astype(asarray(period), xpv.dtype)
        if per.ndim != 0:
            raise ValueError(f"interp: period must be a scalar, got shape {per.shape}")
        per = ew.abs(per)
        xv = _fmod_pos(astype(xv, xpv.dtype), per)
        xpm = _fmod_pos(xpv, per)
        order = argsort(xpm)
        xps, fps = take(xpm, order), take(fpv, order)
        # One sample wrapped around on each side makes the interpolation periodic.
        xpv = concatenate_1d([take(xps, -1) - per, xps, take(xps, 0) + per])
        fpv = concatenate_1d([take(fps, -1), fps, take(fps, 0)])
        left = right = None
    n = xpv.shape[0]
    if n == 1:
        return astype(ew.full(asarray(xv).shape, 0, fpv.dtype), fpv.dtype) + take(fpv, 0)
    i = clip(searchsorted(xpv, xv, side="right"), 1, n - 1)
    x0, x1 = take(xpv, subtract(i, 1)), take(xpv, i)
    f0, f1 = take(fpv, subtract(i, 1)), take(fpv, i)
    xv = astype(xv, xpv.dtype)
    dx = subtract(x1, x0)
    t = true_divide(subtract(xv, x0), where(dx == 0, ones_like(dx), dx))
    out = add(f0, multiply(t, subtract(f1, f0)))
    if not isinstance(left, str):
        out = where(less(xv, take(xpv, 0)), take(fpv, 0) if left is None else left, out)
    if not isinstance(right, str):
        out = where(
            greater(xv, take(xpv, n - 1)), take(fpv, n - 1) if right is None else right, out
        )
    return out


def _fmod_pos(x: Array, p: Array) -> Array:
    """``x mod p`` in ``[0, p)``."""
    r = ew.rem(x, st.broadcast_to(p, x.shape))
    return where(less(r, 0), add(r, p), r)


def concatenate_1d(parts: Sequence[Array]) -> Array:
    return st.concatenate([reshape(p, (-1,)) for p in parts], 0)
