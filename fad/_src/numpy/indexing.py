"""numpy indexing on fad arrays: ``x[idx]`` and functional updates ``x.at[idx].set(v)``.

Static basic indices (ints, slices, ``None``, ``...``) become ``slice``, ``rev``
and ``reshape``. Anything else (integer arrays, traced scalars, concrete boolean
masks) builds an index grid, one coordinate per operand axis for every output
element, and uses ``gather``; updates use ``scatter`` with the same grid, so both
follow numpy's rules for where the advanced-index dimensions go.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array
from fad._src.prims import elementwise as ew
from fad._src.prims import indexing as ix
from fad._src.prims import structural as st


def _is_static_int(i: object) -> bool:
    return isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_))


def _is_static_slice(i: object) -> bool:
    return isinstance(i, slice) and builtins.all(
        v is None or _is_static_int(v) for v in (i.start, i.stop, i.step)
    )


def _is_basic(i: object) -> bool:
    return i is None or i is Ellipsis or _is_static_int(i) or _is_static_slice(i)


def _expand(x: Array, idx: tuple[Any, ...]) -> list[Any]:
    """Replace ``...`` by full slices, checking the number of indexed axes."""
    consumed = 0
    for i in idx:
        if i is None or i is Ellipsis:
            continue
        consumed += _as_array(i).ndim if _is_bool_mask(i) else 1
    if consumed > x.ndim:
        raise IndexError(
            f"too many indices for array: array is {x.ndim}-dimensional, but {consumed} were indexed"
        )
    ellipses = [k for k, i in enumerate(idx) if i is Ellipsis]
    if len(ellipses) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    fill = [slice(None)] * (x.ndim - consumed)
    if ellipses:
        k = ellipses[0]
        return [*idx[:k], *fill, *idx[k + 1 :]]
    return [*idx, *fill]


def _is_bool_mask(i: object) -> bool:
    if isinstance(i, (bool, np.bool_)):
        return True
    if isinstance(i, Array | np.ndarray):
        return bool(i.dtype == np.bool_)
    if isinstance(i, list):
        return bool(np.asarray(i).dtype == np.bool_) and len(i) > 0
    return False


def _as_array(i: Any) -> Array:
    if isinstance(i, Array):
        return i
    return core.asarray(np.asarray(i))


def _basic(x: Array, entries: Sequence[Any]) -> Array:
    starts, limits, strides, reverse, shape = [], [], [], [], []
    axis = 0
    for e in entries:
        if e is None:
            shape.append(1)
            continue
        n = x.shape[axis]
        if _is_static_int(e):
            i = int(e)
            if not -n <= i < n:
                raise IndexError(f"index {i} is out of bounds for axis {axis} with size {n}")
            i %= n
            starts.append(i)
            limits.append(i + 1)
            strides.append(1)
        else:
            start, stop, step = e.indices(n)
            count = len(range(start, stop, step))
            if step > 0:
                lo, stride = start, step
            else:
                lo, stride = start + (count - 1) * step if count else 0, -step
                reverse.append(axis)
            starts.append(lo)
            limits.append(lo + (count - 1) * stride + 1 if count else lo)
            strides.append(stride)
            shape.append(count)
        axis += 1
    y = st.slice_(x, starts, limits, strides)
    y = st.rev(y, reverse)
    return st.reshape(y, shape)


def _normalize(i: Array, n: int) -> Array:
    if not dtypes.is_integer(i.dtype):
        raise IndexError(
            f"arrays used as indices must be of integer (or boolean) type, got {i.dtype.name}"
        )
    i = ew.convert_element_type(i, np.dtype(np.int32))
    neg = ew.lt(i, st.full(i.shape, 0, i.dtype))
    return ew.select(neg, ew.add(i, st.full(i.shape, n, i.dtype)), i)


def index_grid(x: Array, idx: Any) -> Array:
    """Coordinates into ``x`` for every element of ``x[idx]``: shape ``(*out_shape, x.ndim)``."""
    entries = _expand(x, idx if isinstance(idx, tuple) else (idx,))
    # Each entry becomes ("new",), ("slice", values) or ("adv", array) per operand axis.
    parts: list[tuple[str, Any]] = []
    axis = 0
    for e in entries:
        if e is None:
            parts.append(("new", None))
        elif _is_static_slice(e):
            parts.append(("slice", np.arange(*e.indices(x.shape[axis]))))
            axis += 1
        elif _is_bool_mask(e):
            mask = _as_array(e)
            if isinstance(mask, core.Tracer):
                raise IndexError(
                    "boolean index arrays must be concrete: the output shape depends on their "
                    "values (use fad.numpy.where instead)"
                )
            for coords in np.nonzero(mask.concrete_value()):
                parts.append(("adv", _normalize(Array(coords.astype(np.int32)), x.shape[axis])))
                axis += 1
        elif isinstance(e, slice):
            raise IndexError(f"slice bounds must be static integers, got {e}")
        else:
            parts.append(("adv", _normalize(_as_array(e), x.shape[axis])))
            axis += 1
    adv_positions = [k for k, (kind, _) in enumerate(parts) if kind == "adv"]
    adv_shape = tuple(
        np.broadcast_shapes(*(p[1].shape for p in parts if p[0] == "adv"))
    ) if adv_positions else ()  # fmt: skip
    contiguous = adv_positions == list(range(adv_positions[0], adv_positions[-1] + 1)) if adv_positions else True
    # Output layout: the advanced block goes where it stood if contiguous, else first.
    out_dims: list[tuple[str, int]] = []
    adv_placed = False
    if not contiguous:
        out_dims.append(("adv", 0))
        adv_placed = True
    for k, (kind, val) in enumerate(parts):
        if kind == "adv":
            if not adv_placed:
                out_dims.append(("adv", 0))
                adv_placed = True
        else:
            out_dims.append((kind, k))
    out_shape: list[int] = []
    adv_start = 0
    part_dim: dict[int, int] = {}
    for kind, k in out_dims:
        if kind == "adv":
            adv_start = len(out_shape)
            out_shape.extend(adv_shape)
        else:
            part_dim[k] = len(out_shape)
            out_shape.append(1 if parts[k][0] == "new" else len(parts[k][1]))
    shape = tuple(out_shape)
    adv_dims = tuple(range(adv_start, adv_start + len(adv_shape)))
    coords = []
    for k, (kind, val) in enumerate(parts):
        if kind == "new":
            continue
        if kind == "slice":
            col = st.broadcast_in_dim(Array(val.astype(np.int32)), shape, (part_dim[k],))
        else:
            a = st.broadcast_to(val, adv_shape)
            col = st.broadcast_in_dim(a, shape, adv_dims)
        coords.append(st.reshape(col, (*shape, 1)))
    if not coords:
        return st.full((*shape, 0), 0, np.dtype(np.int32))
    return st.concatenate(coords, len(shape))


def getitem(x: Array, idx: Any) -> Array:
    idx_t = idx if isinstance(idx, tuple) else (idx,)
    if builtins.all(_is_basic(i) for i in idx_t):
        return _basic(x, _expand(x, idx_t))
    if isinstance(idx, list) and not _is_bool_mask(idx):
        idx_t = (np.asarray(idx),)
    return ix.gather(x, index_grid(x, idx_t), "clip")


def _update(x: Array, idx: Any, values: Any, kind: str) -> Array:
    grid = index_grid(x, idx if isinstance(idx, tuple) else (idx,))
    out_shape = grid.shape[:-1]
    v = core.asarray(values) if not isinstance(values, Array) else values
    if v.dtype != x.dtype:
        v = ew.convert_element_type(v, x.dtype)
    try:
        v = st.broadcast_to(v, out_shape)
    except ValueError:
        raise ValueError(
            f"cannot broadcast update values of shape {v.shape} to the indexed shape {out_shape}"
        ) from None
    return ix.scatter(x, grid, v, kind)


class _IndexUpdateRef:
    """``x.at[idx]``: methods return a new array with ``x[idx]`` updated."""

    __slots__ = ("_array", "_index")

    def __init__(self, array: Array, index: Any) -> None:
        self._array = array
        self._index = index

    def get(self) -> Array:
        return getitem(self._array, self._index)

    def set(self, values: Any) -> Array:
        return _update(self._array, self._index, values, "set")

    def add(self, values: Any) -> Array:
        return _update(self._array, self._index, values, "add")

    def subtract(self, values: Any) -> Array:
        return _update(self._array, self._index, ew.neg(core.asarray(values)), "add")

    def multiply(self, values: Any) -> Array:
        return _update(self._array, self._index, values, "mul")

    mul = multiply

    def divide(self, values: Any) -> Array:
        v = core.asarray(values)
        return _update(self._array, self._index, ew.div(ew.ones_like(v), v), "mul")

    def min(self, values: Any) -> Array:
        return _update(self._array, self._index, values, "min")

    def max(self, values: Any) -> Array:
        return _update(self._array, self._index, values, "max")


class _IndexUpdateHelper:
    __slots__ = ("_array",)

    def __init__(self, array: Array) -> None:
        self._array = array

    def __getitem__(self, index: Any) -> _IndexUpdateRef:
        return _IndexUpdateRef(self._array, index)
