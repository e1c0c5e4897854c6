"""More array manipulation: ``append``, ``insert``, ``delete``, ``block``, ``resize``,
``rollaxis``, ``dsplit``, ``unstack``; selecting (``compress``, ``extract``, ``choose``),
functional updates (``place``, ``put``, ``put_along_axis``, ``fill_diagonal``);
``partition``/``argpartition``, ``lexsort``, ``packbits``/``unpackbits``, ``matvec``/``vecmat``,
``geomspace`` and ``fromfunction``.

As in JAX, the "in-place" functions return a new array and need ``inplace=False``.
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy.conversion import asarray, astype, broadcast_to, promote_no_broadcast, stack
from fad._src.numpy.creation import zeros
from fad._src.numpy.indexing import take, take_along_axis
from fad._src.numpy.logic import to_bool
from fad._src.numpy.manipulation import concatenate, split
from fad._src.numpy.products import matmul
from fad._src.numpy.ranges import logspace
from fad._src.numpy.shapes import atleast_3d, moveaxis, ravel, reshape
from fad._src.numpy.sorting import argsort, nonzero, sort, where
from fad._src.numpy.ufuncs import conj, log10, sign
from fad._src.prims import _util
from fad._src.prims import elementwise as ew
from fad._src.prims import indexing as ix
from fad._src.prims import reductions as red
from fad._src.prims import sorting as so
from fad._src.prims import structural as st


def _check_inplace(inplace: bool, name: str) -> None:
    if inplace:
        raise ValueError(
            f"jax.numpy.{name} cannot modify arrays in place; call it with inplace=False and "
            "use the returned array (fad arrays are immutable, as JAX's are)"
        )


def append(arr: ArrayLike, values: ArrayLike, axis: int | None = None) -> Array:
    """``values`` appended to ``arr`` along ``axis`` (both flattened when ``axis`` is None)."""
    if axis is None:
        return concatenate([ravel(arr), ravel(values)])
    return concatenate([asarray(arr), asarray(values)], axis=axis)


def _static_indices(obj: Any, n: int, name: str) -> np.ndarray[Any, Any]:
    if isinstance(obj, slice):
        return np.arange(n)[obj]
    if isinstance(obj, core.Tracer):
        raise core.ConcretizationError(f"{name}: traced indices give a value-dependent shape")
    v = np.asarray(obj.concrete_value() if isinstance(obj, Array) else obj)
    if v.dtype == np.bool_:
        return np.flatnonzero(v)
    return v.astype(np.int64)


def delete(
    arr: ArrayLike,
    obj: ArrayLike | slice,
    axis: int | None = None,
    *,
    assume_unique_indices: bool = False,
) -> Array:
    """``arr`` without the entries ``obj`` along ``axis`` (indices must be concrete)."""
    x = asarray(arr)
    if axis is None:
        x, axis = ravel(x), 0
    ax = _util.canonical_axis(axis, x.ndim)
    n = x.shape[ax]
    idx = _static_indices(obj, n, "delete")
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(f"delete: index out of bounds for axis {ax} of size {n}")
    keep = np.setdiff1d(np.arange(n), idx % n if n else idx)
    return take(x, Array(keep.astype(np.int32)), axis=ax)


def insert(
    arr: ArrayLike, obj: ArrayLike | slice, values: ArrayLike, axis: int | None = None
) -> Array:
    """``values`` inserted before the indices ``obj`` along ``axis`` (concrete indices)."""
    x = asarray(arr)
    if axis is None:
        x, axis = ravel(x), 0
    ax = _util.canonical_axis(axis, x.ndim)
    n = x.shape[ax]
    scalar = not isinstance(obj, slice) and np.ndim(
        obj.concrete_value() if isinstance(obj, Array) and not isinstance(obj, core.Tracer)
        else obj) == 0  # fmt: skip
    idx = _static_indices(obj, n + 1, "insert") if not isinstance(obj, slice) else np.arange(
        n)[obj]  # fmt: skip
    idx = np.atleast_1d(idx)
    idx = np.where(idx < 0, idx + n, idx)
    if idx.size and (idx.min() < 0 or idx.max() > n):
        raise IndexError(f"insert: index out of bounds for axis {ax} of size {n}")
    v = astype(asarray(values), x.dtype)
    if scalar:
        v = moveaxis(v, 0, ax) if v.ndim == x.ndim else v
        vshape = list(x.shape)
        vshape[ax] = v.shape[ax] if v.ndim == x.ndim else 1
        v = broadcast_to(v if v.ndim == x.ndim else reshape(v, (*v.shape[:ax], 1, *v.shape[ax:]))
                         if v.ndim == x.ndim - 1 else v, tuple(vshape))  # fmt: skip
        k = vshape[ax]
        idx = np.full(k, idx[0])
    else:
        k = idx.size
        vshape = list(x.shape)
        vshape[ax] = k
        vv = v if v.ndim == x.ndim else reshape(v, (*([1] * (x.ndim - v.ndim)), *v.shape))
        if v.ndim == 1 and x.ndim > 1:
            vv = reshape(v, tuple(k if i == ax else 1 for i in range(x.ndim)))
        v = broadcast_to(vv, tuple(vshape))
    # New entries go before the old entry at their index (old i keyed 2i+1, new at i 2i).
    keys = np.concatenate([np.arange(n) * 2 + 1, idx * 2])
    order = np.argsort(keys, kind="stable")
    both = concatenate([x, v], axis=ax)
    return take(both, Array(order.astype(np.int32)), axis=ax)


def block(arrays: ArrayLike | list[Any]) -> Array:
    """Assemble an array from nested lists of blocks (innermost lists join the last axis)."""

    def depth(a: Any) -> int:
        return 1 + depth(a[0]) if isinstance(a, list) and a else (1 if isinstance(a, list) else 0)

    if not isinstance(arrays, list):
        return asarray(arrays)
    d = depth(arrays)
    leaves: list[Array] = []

    def collect(a: Any) -> None:
        if isinstance(a, list):
            for b in a:
                collect(b)
        else:
            leaves.append(asarray(a))

    collect(arrays)
    nd = builtins.max([d, *(x.ndim for x in leaves)])

    def build(a: Any, level: int) -> Array:
        if not isinstance(a, list):
            x = asarray(a)
            return reshape(x, (1,) * (nd - x.ndim) + x.shape)
        if not a:
            raise ValueError("block: lists cannot be empty")
        return concatenate([build(b, level + 1) for b in a], axis=-(d - level))

    return build(arrays, 0)


def resize(a: ArrayLike, new_shape: int | Sequence[int]) -> Array:
    """``a`` repeated (or cut) to fill ``new_shape``, in C order."""
    x = ravel(a)
    shape = (new_shape,) if isinstance(new_shape, int) else tuple(new_shape)
    total = math.prod(shape)
    if builtins.any(s < 0 for s in shape):
        raise ValueError(f"resize: new_shape must be non-negative, got {shape}")
    if x.shape[0] == 0:
        return zeros(shape, x.dtype)
    reps = -(-total // x.shape[0])
    return reshape(concatenate([x] * builtins.max(reps, 1))[:total], shape)


def rollaxis(a: ArrayLike, axis: int, start: int = 0) -> Array:
    """Move ``axis`` to before position ``start`` (numpy's older ``moveaxis``)."""
    x = asarray(a)
    n = x.ndim
    axis = _util.canonical_axis(axis, n)
    if not -n <= start <= n:
        raise ValueError(f"rollaxis: start {start} out of range for {n} dimensions")
    start = start % (n + 1) if start < 0 else start
    if axis < start:
        start -= 1
    return moveaxis(x, axis, start) if axis != start else x


def dsplit(ary: ArrayLike, indices_or_sections: Any) -> list[Array]:
    """``split`` along the third axis."""
    x = asarray(ary)
    if x.ndim < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(atleast_3d(x), indices_or_sections, 2)


def unstack(x: ArrayLike, /, *, axis: int = 0) -> tuple[Array, ...]:
    """The slices of ``x`` along ``axis``."""
    v = asarray(x)
    if v.ndim == 0:
        raise ValueError("unstack requires an array with at least one dimension")
    ax = _util.canonical_axis(axis, v.ndim)
    return tuple(st.index_in_dim(v, i, ax, keepdims=False) for i in range(v.shape[ax]))


def compress(
    condition: ArrayLike,
    a: ArrayLike,
    axis: int | None = None,
    *,
    size: int | None = None,
    fill_value: ArrayLike = 0,
    out: None = None,
) -> Array:
    """The entries of ``a`` along ``axis`` where ``condition`` holds (``size=`` for jit)."""
    if out is not None:
        raise NotImplementedError("compress: out= is not supported")
    # A host condition (numpy, lists) is concrete even under jit.
    if isinstance(condition, Array):
        c = ravel(to_bool(condition))
    else:
        c = Array(np.ravel(np.asarray(condition) != 0))
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    ax = _util.canonical_axis(axis, x.ndim)
    n = x.shape[ax]
    if c.shape[0] > n:
        c = c[:n]
    elif c.shape[0] < n:
        x = st.slice_in_dim(x, 0, c.shape[0], axis=ax)
    if size is None:
        if isinstance(c, core.Tracer):
            raise core.ConcretizationError(
                "compress: the output size depends on a traced condition; pass a static size="
            )
        size = int(np.count_nonzero(np.asarray(c.concrete_value())))
    size = operator.index(size)
    (pos,) = nonzero(c, size=size, fill_value=c.shape[0])
    return take(x, pos, axis=ax, mode="fill", fill_value=fill_value)


def extract(
    condition: ArrayLike,
    arr: ArrayLike,
    *,
    size: int | None = None,
    fill_value: ArrayLike = 0,
) -> Array:
    """The elements of ``arr`` where ``condition`` holds, flattened (``size=`` for jit)."""
    return compress(ravel(condition), ravel(arr), size=size, fill_value=fill_value)


def choose(
    a: ArrayLike, choices: Sequence[ArrayLike], out: None = None, mode: str = "raise"
) -> Array:
    """``choices[a[i]][i]`` elementwise (``mode``: "raise" needs concrete ``a``, "wrap", "clip")."""
    if out is not None:
        raise NotImplementedError("choose: out= is not supported")
    idx = asarray(a)
    cs = promote_no_broadcast("choose", list(choices))
    k = len(cs)
    if mode == "raise":
        if isinstance(idx, core.Tracer):
            raise core.ConcretizationError(
                "choose: mode='raise' needs concrete indices; use mode='wrap' or 'clip' under jit"
            )
        conc = np.asarray(idx.concrete_value())
        if conc.size and (conc.min() < 0 or conc.max() >= k):
            raise ValueError(f"choose: invalid entry in choice array (must be in [0, {k}))")
    elif mode == "wrap":
        idx = idx % k
    elif mode == "clip":
        idx = where(idx < 0, 0, where(idx >= k, k - 1, idx))
    else:
        raise ValueError(f"choose: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    shape = np.broadcast_shapes(idx.shape, *(c.shape for c in cs))
    stacked = stack([broadcast_to(c, shape) for c in cs])
    sel = reshape(broadcast_to(astype(idx, np.int32), shape), (1, *shape))
    return take_along_axis(stacked, sel, axis=0)[0]


def place(arr: ArrayLike, mask: ArrayLike, vals: ArrayLike, *, inplace: bool = True) -> Array:
    """``arr`` with the masked elements set from ``vals``, cycled, in order."""
    _check_inplace(inplace, "place")
    x = asarray(arr)
    m = ravel(broadcast_to(to_bool(mask), x.shape))
    v = ravel(astype(asarray(vals), x.dtype))
    flat = ravel(x)
    if v.shape[0] == 0:
        return x
    rank = ew.sub(astype(_cumsum_int(m), np.int32), ew.full(m.shape, 1, np.dtype(np.int32)))
    src = take(v, rank % v.shape[0], mode="clip")
    return reshape(where(m, src, flat), x.shape)


def _cumsum_int(m: Array) -> Array:
    return red.cumsum(astype(m, np.int32), 0)


def put(
    a: ArrayLike,
    ind: ArrayLike,
    v: ArrayLike,
    mode: str | None = None,
    *,
    inplace: bool = True,
) -> Array:
    """``a`` with the flat positions ``ind`` set to ``v`` (cycled)."""
    _check_inplace(inplace, "put")
    x = asarray(a)
    flat = ravel(x)
    i = ravel(asarray(ind))
    vals = ravel(astype(asarray(v), x.dtype))
    if i.shape[0] == 0 or vals.shape[0] == 0:
        return x
    vals = take(vals, Array(np.arange(i.shape[0]) % vals.shape[0]), mode="clip")
    n = flat.shape[0]
    if mode in (None, "fill", "drop"):
        i = where(i < 0, i + n, i)
        return reshape(_set_drop(flat, i, vals), x.shape)
    if mode == "wrap":
        i = i % n
    elif mode == "clip":
        i = where(i < 0, 0, where(i >= n, n - 1, i))
    else:
        raise ValueError(f"put: mode must be None, 'fill', 'drop', 'wrap' or 'clip', got {mode!r}")
    return reshape(_set_drop(flat, i, vals), x.shape)


def _set_drop(flat: Array, i: Array, vals: Array) -> Array:
    """``flat`` with ``flat[i] = vals``; out-of-range ``i`` are dropped."""
    idx = astype(i, np.int32)
    n = flat.shape[0]
    idx = where(ew.bitwise_or(idx < 0, idx >= n), n, idx)
    return ix.scatter(flat, reshape(idx, (-1, 1)), vals, "set")


def put_along_axis(
    arr: ArrayLike,
    indices: ArrayLike,
    values: ArrayLike,
    axis: int | None,
    inplace: bool = True,
    *,
    mode: str | None = None,
) -> Array:
    """``arr`` with ``arr[..., indices, ...]`` (along ``axis``) set to ``values``."""
    _check_inplace(inplace, "put_along_axis")
    x = asarray(arr)
    if axis is None:
        flat = put(ravel(x), indices, values, inplace=False)
        return flat
    ax = _util.canonical_axis(axis, x.ndim)
    idx = asarray(indices)
    if idx.ndim != x.ndim:
        raise ValueError("put_along_axis: indices must have the same number of dimensions as arr")
    shape = np.broadcast_shapes(
        tuple(s if i != ax else 1 for i, s in enumerate(x.shape)),
        tuple(s if i != ax else 1 for i, s in enumerate(idx.shape)),
    )
    full_idx_shape = tuple(idx.shape[i] if i == ax else shape[i] for i in range(x.ndim))
    idx = broadcast_to(idx, full_idx_shape)
    idx = where(idx < 0, idx + x.shape[ax], idx)
    grid = []
    for d in range(x.ndim):
        grid.append(idx if d == ax else st.iota(np.dtype(np.int32), full_idx_shape, d))
    v = broadcast_to(astype(asarray(values), x.dtype), full_idx_shape)
    return x.at[tuple(grid)].set(v)


def fill_diagonal(
    a: ArrayLike, val: ArrayLike, wrap: bool = False, *, inplace: bool = True
) -> Array:
    """``a`` with its main diagonal set to ``val`` (cycled)."""
    _check_inplace(inplace, "fill_diagonal")
    x = asarray(a)
    if x.ndim < 2:
        raise ValueError("fill_diagonal: array must be at least 2-d")
    if x.ndim > 2 and len(set(x.shape)) != 1:
        raise ValueError("fill_diagonal: all dimensions of input must be of equal length")
    n = builtins.min(x.shape)
    if x.ndim == 2 and wrap and x.shape[0] > x.shape[1]:
        step = x.shape[1] + 1
        pos = np.arange(0, x.shape[0] * x.shape[1], step)
    else:
        strides = np.cumprod((1, *x.shape[:0:-1]))[::-1]
        pos = np.arange(n) * int(strides.sum())
    return put(x, Array(pos.astype(np.int32)), val, inplace=False)


def partition(a: ArrayLike, kth: int, axis: int = -1) -> Array:
    """``a`` with the ``kth`` element in sorted position, smaller ones before it and
    larger ones after (here: fully sorted, which satisfies that contract)."""
    x = asarray(a)
    ax = _util.canonical_axis(axis, x.ndim)
    _check_kth(kth, x.shape[ax])
    return sort(x, axis=ax)


def argpartition(a: ArrayLike, kth: int, axis: int = -1) -> Array:
    """Indices that ``partition`` ``a`` (here: a stable argsort, which satisfies it)."""
    x = asarray(a)
    ax = _util.canonical_axis(axis, x.ndim)
    _check_kth(kth, x.shape[ax])
    return argsort(x, axis=ax)


def _check_kth(kth: int, n: int) -> None:
    k = operator.index(kth)
    if not -n <= k < n:
        raise ValueError(f"kth(={k}) out of bounds for an axis of size {n}")


def lexsort(keys: Sequence[ArrayLike] | Array, axis: int = -1) -> Array:
    """Indices that sort by the last key, then the one before, ... (stable)."""
    ks = list(keys) if not isinstance(keys, Array) else [keys[i] for i in range(keys.shape[0])]
    if not ks:
        raise TypeError("lexsort: need at least one key")
    arrs = [asarray(k) for k in ks]
    shape = np.broadcast_shapes(*(k.shape for k in arrs))
    arrs = [broadcast_to(k, shape) for k in arrs]
    if not shape:
        return zeros((), dtypes.default_int_dtype())
    ax = _util.canonical_axis(axis, len(shape))
    pos = st.iota(dtypes.default_int_dtype(), shape, ax)
    *_, perm = so.sort([*arrs[::-1], pos], ax, num_keys=len(arrs))
    return perm


def packbits(a: ArrayLike, axis: int | None = None, bitorder: str = "big") -> Array:
    """Booleans (nonzero) packed eight to a uint8 along ``axis`` (zero-padded at the end)."""
    if bitorder not in ("big", "little"):
        raise ValueError(f"packbits: bitorder must be 'big' or 'little', got {bitorder!r}")
    x = asarray(a)
    if not (dtypes.is_integer(x.dtype) or dtypes.is_bool(x.dtype)):
        raise TypeError(f"packbits: expected an integer or bool array, got {x.dtype.name}")
    b = astype(to_bool(x), np.uint8)
    if axis is None:
        b, axis = ravel(b), 0
    ax = _util.canonical_axis(axis, b.ndim)
    b = moveaxis(b, ax, -1)
    n = b.shape[-1]
    pad = -n % 8
    if pad:
        cfg = [(0, 0, 0)] * (b.ndim - 1) + [(0, pad, 0)]
        b = st.pad(b, ew.full((), 0, np.dtype(np.uint8)), cfg)
    b = reshape(b, (*b.shape[:-1], -1, 8))
    shifts = np.arange(7, -1, -1) if bitorder == "big" else np.arange(8)
    w = Array((1 << shifts).astype(np.uint8))
    packed = st.reduce_sum(ew.mul(b, st.broadcast_to(w, b.shape)), (b.ndim - 1,))
    return moveaxis(packed, -1, ax)


def unpackbits(
    a: ArrayLike, axis: int | None = None, count: int | None = None, bitorder: str = "big"
) -> Array:
    """Each uint8 expanded to its eight bits along ``axis``; ``count`` keeps that many."""
    if bitorder not in ("big", "little"):
        raise ValueError(f"unpackbits: bitorder must be 'big' or 'little', got {bitorder!r}")
    x = asarray(a)
    if x.dtype != np.uint8:
        raise TypeError(f"unpackbits: expected a uint8 array, got {x.dtype.name}")
    if axis is None:
        x, axis = ravel(x), 0
    ax = _util.canonical_axis(axis, x.ndim)
    x = moveaxis(x, ax, -1)
    shifts = np.arange(7, -1, -1) if bitorder == "big" else np.arange(8)
    xb = st.broadcast_in_dim(x, (*x.shape, 8), tuple(range(x.ndim)))
    sh = st.broadcast_to(Array(shifts.astype(np.uint8)), xb.shape)
    bits = ew.bitwise_and(ew.shift_right_logical(xb, sh), ew.full(xb.shape, 1, np.dtype(np.uint8)))
    bits = reshape(bits, (*x.shape[:-1], -1))
    if count is not None:
        c = operator.index(count)
        total = bits.shape[-1]
        if c >= 0:
            bits = bits[..., :c] if c <= total else concatenate(
                [bits, zeros((*bits.shape[:-1], c - total), np.uint8)], axis=-1)  # fmt: skip
        else:
            bits = bits[..., : total + c]
    return moveaxis(bits, -1, ax)


def matvec(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Matrix-vector products over the last axes, broadcasting the rest."""
    v = asarray(x2)
    return matmul(x1, v[..., None])[..., 0]


def vecmat(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Vector-matrix products over the last axes (the vector conjugated, as in numpy)."""
    v = conj(asarray(x1))
    return matmul(v[..., None, :], x2)[..., 0, :]


def geomspace(
    start: ArrayLike,
    stop: ArrayLike,
    num: int = 50,
    endpoint: bool = True,
    dtype: Any = None,
    axis: int = 0,
) -> Array:
    """``num`` numbers spaced evenly on a log scale from ``start`` to ``stop`` (same signs)."""
    s, e = asarray(start), asarray(stop)
    sg = sign(s)
    out = logspace(log10(s * sg), log10(e * sg), num, endpoint=endpoint, base=10.0, axis=axis)
    res = out * (sg if sg.ndim == 0 else moveaxis(sg[None], 0, axis))
    if num > 0:
        first = [slice(None)] * res.ndim
        first[axis] = slice(0, 1)
        res = res.at[tuple(first)].set(broadcast_to(s, res[tuple(first)].shape).astype(res.dtype))
        if endpoint and num > 1:
            last = [slice(None)] * res.ndim
            last[axis] = slice(num - 1, num)
            res = res.at[tuple(last)].set(broadcast_to(e, res[tuple(last)].shape).astype(res.dtype))
    return res if dtype is None else astype(res, dtype)


def fromfunction(
    function: Callable[..., Array], shape: Any, *, dtype: Any = float, **kwargs: Any
) -> Array:
    """``function`` called with one index grid per axis of ``shape``."""
    shp = tuple(operator.index(s) for s in shape)
    dt = dtypes.check_user_dtype(dtype, "fromfunction")
    grids = [st.iota(dt, shp, d) for d in range(len(shp))]
    return function(*grids, **kwargs)
