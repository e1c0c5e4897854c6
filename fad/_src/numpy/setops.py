"""Set operations on arrays: ``unique`` (and the array-API ``unique_*``), ``union1d``,
``intersect1d``, ``setdiff1d``, ``setxor1d``, ``isin``; and ``sort_complex`` and
``trim_zeros``.

Their output length depends on the values. As in JAX, each takes a static ``size=``
(with ``fill_value=``) to work under ``jit`` and ``vmap``: the result is then the first
``size`` elements, padded with ``fill_value``. Without ``size`` the values must be
concrete, and a traced argument raises ``ConcretizationError`` saying to pass ``size``.
Everything is built from sorts, comparisons and gathers, so values differentiate
through to the elements they were taken from.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy.conversion import asarray, astype, promote_no_broadcast
from fad._src.numpy.creation import zeros
from fad._src.numpy.indexing import take
from fad._src.numpy.logic import any, isnan, logical_and, logical_not
from fad._src.numpy.manipulation import concatenate
from fad._src.numpy.shapes import moveaxis, ravel, reshape
from fad._src.numpy.sorting import argsort, nonzero, searchsorted, where
from fad._src.numpy.ufuncs import imag, real
from fad._src.prims import _util
from fad._src.prims import elementwise as ew
from fad._src.prims import indexing as ix
from fad._src.prims import reductions as red
from fad._src.prims import sorting as so
from fad._src.prims import structural as st


class UniqueAllResult(NamedTuple):
    values: Array
    indices: Array
    inverse_indices: Array
    counts: Array


class UniqueCountsResult(NamedTuple):
    values: Array
    counts: Array


class UniqueInverseResult(NamedTuple):
    values: Array
    inverse_indices: Array


def _int() -> np.dtype[Any]:
    return dtypes.default_int_dtype()


def _out_size(mask: Array, size: int | None, name: str) -> int:
    """``size``, or the concrete number of hits in ``mask``."""
    if size is not None:
        s = operator.index(size)
        if s < 0:
            raise ValueError(f"{name}: size must be non-negative, got {s}")
        return s
    if isinstance(mask, core.Tracer):
        raise core.ConcretizationError(
            f"{name}: the output size depends on the values of a traced array; pass a static "
            "size= (and optionally fill_value=) to use it under jit or vmap"
        )
    return int(np.count_nonzero(np.asarray(mask.concrete_value())))


def _compact(values: Array, mask: Array, size: int, fill: Any) -> Array:
    """The rows of ``values`` where ``mask`` holds, in order: ``size`` of them, ``fill`` after."""
    (pos,) = nonzero(mask, size=size, fill_value=0)
    out = take(values, pos, axis=0, mode="clip")
    count = st.reduce_sum(astype(mask, _int()), (0,))
    valid = ew.lt(st.iota(_int(), (size,), 0), st.broadcast_to(count, (size,)))
    valid = st.broadcast_in_dim(valid, out.shape, (0,))
    return where(valid, out, astype(asarray(fill), out.dtype))


def _sorted_groups(x: Array, equal_nan: bool) -> tuple[Array, Array, Array]:
    """Sort the rows of ``x`` (1-d, or 2-d sorted lexicographically by row): the
    permutation, the sorted rows and the mask of the first row of each group of equals."""
    n = x.shape[0]
    if x.ndim == 1:
        perm = argsort(x)
        s = take(x, perm)
    else:
        cols = [x[:, j] for j in range(x.shape[1])]
        *_, perm = so.sort([*cols, st.iota(_int(), (n,), 0)], 0, num_keys=max(len(cols), 1))
        s = take(x, perm, axis=0)
    if n == 0:
        return perm, s, zeros((0,), bool)
    lo, hi = s[1:], s[:-1]
    new = ew.ne(lo, hi)
    if equal_nan and dtypes.is_inexact(x.dtype):
        new = logical_and(new, logical_not(logical_and(isnan(lo), isnan(hi))))
    if x.ndim == 2:
        new = any(new, axis=1)
    first = ew.full((1,), True, np.dtype(bool))
    return perm, s, st.concatenate([first, new], 0)


def unique(
    ar: ArrayLike,
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: int | None = None,
    *,
    equal_nan: bool = True,
    size: int | None = None,
    fill_value: ArrayLike | None = None,
    sorted: bool = True,
) -> Any:
    """Sorted unique elements (or rows along ``axis``), optionally with the index of
    each one's first occurrence, the inverse map and the counts."""
    x = asarray(ar)
    in_shape = x.shape
    if axis is None:
        x2 = ravel(x)
        ax = 0
    else:
        ax = _util.canonical_axis(axis, x.ndim)
        moved = moveaxis(x, ax, 0)
        x2 = reshape(moved, (moved.shape[0], -1))
    n = x2.shape[0]
    perm, s, first = _sorted_groups(x2, equal_nan)
    k = _out_size(first, size, "unique")
    default_fill = s[0] if n else zeros((), s.dtype)
    vals = _compact(s, first, k, default_fill if fill_value is None else fill_value)
    if axis is not None:
        vals = moveaxis(reshape(vals, (k, *moved.shape[1:])), 0, ax)
    if not (return_index or return_inverse or return_counts):
        return vals
    out = [vals]
    group = ew.sub(astype(_cumsum(first), _int()), ew.full((n,), 1, _int()))
    if return_index:
        out.append(_compact(perm, first, k, perm[0] if n else 0))
    if return_inverse:
        inv = ix.scatter(zeros((n,), _int()), st.reshape(perm, (n, 1)), group, "set")
        out.append(reshape(inv, in_shape) if axis is None else inv)
    if return_counts:
        counts = ix.scatter(zeros((max(n, k),), _int()), st.reshape(group, (n, 1)),
                            ew.full((n,), 1, _int()), "add")  # fmt: skip
        out.append(counts[:k])
    return tuple(out)


def _cumsum(mask: Array) -> Array:
    return red.cumsum(astype(mask, _int()), 0)


def unique_values(
    x: ArrayLike, /, *, size: int | None = None, fill_value: ArrayLike | None = None
) -> Array:
    """The sorted unique values (NaNs each count as distinct, as in the array API)."""
    out: Array = unique(x, equal_nan=False, size=size, fill_value=fill_value)
    return out


def unique_counts(
    x: ArrayLike, /, *, size: int | None = None, fill_value: ArrayLike | None = None
) -> UniqueCountsResult:
    """The sorted unique values and how often each occurs."""
    v, c = unique(x, return_counts=True, equal_nan=False, size=size, fill_value=fill_value)
    return UniqueCountsResult(v, c)


def unique_inverse(
    x: ArrayLike, /, *, size: int | None = None, fill_value: ArrayLike | None = None
) -> UniqueInverseResult:
    """The sorted unique values and, for each element of ``x``, the index of its value."""
    v, i = unique(x, return_inverse=True, equal_nan=False, size=size, fill_value=fill_value)
    return UniqueInverseResult(v, i)


def unique_all(
    x: ArrayLike, /, *, size: int | None = None, fill_value: ArrayLike | None = None
) -> UniqueAllResult:
    """Values, first indices, inverse indices and counts (see ``unique``)."""
    v, i, inv, c = unique(x, True, True, True, equal_nan=False, size=size, fill_value=fill_value)
    return UniqueAllResult(v, i, inv, c)


def isin(
    element: ArrayLike,
    test_elements: ArrayLike,
    assume_unique: bool = False,
    invert: bool = False,
    *,
    method: str = "auto",
) -> Array:
    """Elementwise: whether each element of ``element`` occurs in ``test_elements``."""
    e, t = promote_no_broadcast("isin", (element, test_elements))
    flat = ravel(t)
    if flat.shape[0] == 0:
        hit = ew.full(e.shape, False, np.dtype(bool))
    else:
        grid_e = st.broadcast_in_dim(e, (*e.shape, flat.shape[0]), tuple(range(e.ndim)))
        grid_t = st.broadcast_in_dim(flat, grid_e.shape, (e.ndim,))
        hit = any(ew.eq(grid_e, grid_t), axis=-1)
    return logical_not(hit) if invert else hit


def _unique_mask(a: Array, assume_unique: bool) -> tuple[Array, Array, Array]:
    x = ravel(a)
    if assume_unique:
        perm = argsort(x)
        return perm, take(x, perm), ew.full(x.shape, True, np.dtype(bool))
    return _sorted_groups(x, True)


def union1d(
    ar1: ArrayLike, ar2: ArrayLike, *, size: int | None = None, fill_value: ArrayLike | None = None
) -> Array:
    """Sorted unique elements of either array."""
    a, b = promote_no_broadcast("union1d", (ar1, ar2))
    out: Array = unique(concatenate([ravel(a), ravel(b)]), size=size, fill_value=fill_value)
    return out


def setdiff1d(
    ar1: ArrayLike,
    ar2: ArrayLike,
    assume_unique: bool = False,
    *,
    size: int | None = None,
    fill_value: ArrayLike | None = None,
) -> Array:
    """Sorted unique elements of ``ar1`` that are not in ``ar2``."""
    a, b = promote_no_broadcast("setdiff1d", (ar1, ar2))
    _, s, first = _unique_mask(a, assume_unique)
    keep = logical_and(first, isin(s, b, invert=True))
    k = _out_size(keep, size, "setdiff1d")
    return _compact(s, keep, k, 0 if fill_value is None else fill_value)


def intersect1d(
    ar1: ArrayLike,
    ar2: ArrayLike,
    assume_unique: bool = False,
    return_indices: bool = False,
    *,
    size: int | None = None,
    fill_value: ArrayLike | None = None,
) -> Any:
    """Sorted unique elements in both arrays; with ``return_indices``, also the index of
    each one's first occurrence in ``ar1`` and in ``ar2``."""
    a, b = promote_no_broadcast("intersect1d", (ar1, ar2))
    perm1, s1, first1 = _unique_mask(a, assume_unique)
    keep = logical_and(first1, isin(s1, b))
    k = _out_size(keep, size, "intersect1d")
    fill = (s1[0] if s1.shape[0] else 0) if fill_value is None else fill_value
    vals = _compact(s1, keep, k, fill)
    if not return_indices:
        return vals
    i1 = _compact(perm1, keep, k, perm1[0] if s1.shape[0] else 0)
    fb = ravel(b)
    perm2 = argsort(fb)
    s2 = take(fb, perm2)
    pos = searchsorted(s2, vals) if fb.shape[0] else zeros((k,), _int())
    i2 = take(perm2, pos, mode="clip") if fb.shape[0] else pos
    return vals, i1, i2


def setxor1d(
    ar1: ArrayLike,
    ar2: ArrayLike,
    assume_unique: bool = False,
    *,
    size: int | None = None,
    fill_value: ArrayLike | None = None,
) -> Array:
    """Sorted unique elements in exactly one of the arrays."""
    a, b = promote_no_broadcast("setxor1d", (ar1, ar2))
    _, s1, f1 = _unique_mask(a, assume_unique)
    _, s2, f2 = _unique_mask(b, assume_unique)
    keep = concatenate([logical_and(f1, isin(s1, b, invert=True)),
                        logical_and(f2, isin(s2, a, invert=True))])  # fmt: skip
    both = concatenate([s1, s2])
    # Kept elements first, in sorted order (the sort is stable and keyed on both).
    drop = astype(logical_not(keep), np.int32)
    _, svals, skeep = so.sort([drop, both, keep], 0, num_keys=2)
    k = _out_size(keep, size, "setxor1d")
    fill = (svals[0] if svals.shape[0] else 0) if fill_value is None else fill_value
    return _compact(svals, skeep, k, fill)


def sort_complex(a: ArrayLike) -> Array:
    """Sorted by real part, then imaginary part; the result is complex."""
    x = ravel(asarray(a)) if asarray(a).ndim == 0 else asarray(a)
    cdt = (
        x.dtype
        if dtypes.is_complex(x.dtype)
        else dtypes.complex_dtype(
            x.dtype if dtypes.is_inexact(x.dtype) else dtypes.default_float_dtype()
        )
    )
    x = astype(x, cdt)
    re, im = so.sort([real(x), imag(x)], -1, num_keys=2)
    return ew.complex_(re, im)


def trim_zeros(filt: ArrayLike, trim: str = "fb", axis: int | Sequence[int] | None = None) -> Array:
    """``filt`` without its leading (``"f"``) and/or trailing (``"b"``) zeros along ``axis``
    (default: every axis); the values must be concrete, since they decide the shape."""
    x = asarray(filt)
    if isinstance(x, core.Tracer):
        raise core.ConcretizationError(
            "trim_zeros: the output shape depends on the values of a traced array"
        )
    if x.ndim == 0:
        raise ValueError("trim_zeros: filt must be at least one-dimensional")
    t = trim.lower()
    if not set(t) <= {"f", "b"}:
        raise ValueError(f"trim_zeros: trim must contain only 'f' and 'b', got {trim!r}")
    nz = np.asarray(x.concrete_value()) != 0
    axes = range(x.ndim) if axis is None else [axis] if isinstance(axis, int) else axis
    for ax in axes:
        a = _util.canonical_axis(int(ax), x.ndim)
        hit = np.flatnonzero(nz.any(axis=tuple(i for i in range(x.ndim) if i != a)))
        lo = int(hit[0]) if hit.size and "f" in t else 0 if hit.size or "f" not in t else x.shape[a]
        hi = int(hit[-1]) + 1 if hit.size and "b" in t else x.shape[a]
        x = st.slice_in_dim(x, lo, max(lo, hi), axis=a)
        nz = np.take(nz, np.arange(lo, max(lo, hi)), axis=a)
    return x
