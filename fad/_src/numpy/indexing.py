"""numpy indexing on fad arrays: ``x[idx]``, functional updates ``x.at[idx].set(v)``,
and ``take``/``take_along_axis``.

Static basic indices (ints, slices, ``None``, ``...``) become ``slice``, ``rev``
and ``reshape``. Anything else (integer arrays, traced scalars, concrete boolean
masks) builds an index grid, one coordinate per operand axis for every output
element, and uses ``gather``; updates use ``scatter`` with the same grid, so both
follow numpy's rules for where the advanced-index dimensions go.

Out-of-bounds behaviour follows JAX: a static Python int out of range raises
``IndexError`` as in numpy; array indices are clamped when reading and dropped
when updating (their values may be unknown until run time). ``take`` and
``take_along_axis`` fill out-of-bounds reads instead, unless told to clip or wrap.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike, DType
from fad._src.numpy.conversion import asarray, broadcast_shapes
from fad._src.numpy.creation import zeros_like
from fad._src.numpy.shapes import moveaxis, ravel, reshape
from fad._src.numpy.ufuncs import remainder, true_divide
from fad._src.prims import _util
from fad._src.prims import elementwise as ew
from fad._src.prims import indexing as ix
from fad._src.prims import structural as st
from fad._src.prims.control_flow import scan

NDArray = np.ndarray[Any, Any]

newaxis = None


def _is_static_int(i: object) -> bool:
    return isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_))


def _is_static_slice(i: object) -> bool:
    return isinstance(i, slice) and builtins.all(
        v is None or _is_static_int(v) for v in (i.start, i.stop, i.step)
    )


def _is_basic(i: object) -> bool:
    return i is None or i is Ellipsis or _is_static_int(i) or _is_static_slice(i)


def _is_scalar_bool(i: object) -> bool:
    if isinstance(i, (bool, np.bool_)):
        return True
    return isinstance(i, (Array, np.ndarray)) and i.ndim == 0 and i.dtype == np.bool_


def _is_bool_mask(i: object) -> bool:
    if isinstance(i, (Array, np.ndarray)):
        return bool(i.dtype == np.bool_)
    return False


_BAD_INDEX = (
    "only integers, slices (`:`), ellipsis (`...`), None (`newaxis`) and integer or "
    "boolean arrays are valid indices"
)


def _canonical(idx: Any) -> tuple[Any, ...]:
    """The index as a tuple, with lists turned into numpy arrays (as numpy treats them)."""
    idx_t = idx if isinstance(idx, tuple) else (idx,)
    out: list[Any] = []
    for i in idx_t:
        if isinstance(i, (list, tuple)):
            v = np.asarray(i)
            if v.size == 0:
                v = v.astype(np.int32)
            i = v
        if (
            isinstance(i, np.ndarray)
            and i.dtype != np.bool_
            and not np.issubdtype(i.dtype, np.integer)
        ):
            raise IndexError(f"{_BAD_INDEX}; got an array of dtype {i.dtype.name}")
        if isinstance(i, Array) and not (dtypes.is_integer(i.dtype) or dtypes.is_bool(i.dtype)):
            raise IndexError(f"{_BAD_INDEX}; got an array of dtype {i.dtype.name}")
        if not (_is_basic(i) or isinstance(i, (slice, Array, np.ndarray, np.bool_, bool))):
            raise IndexError(f"{_BAD_INDEX}; got {type(i).__name__}: {i!r}")
        out.append(i)
    return tuple(out)


def _expand(x: Array, idx: tuple[Any, ...]) -> list[Any]:
    """Replace ``...`` by full slices, checking the number of indexed axes."""
    consumed = 0
    for i in idx:
        if i is None or i is Ellipsis or _is_scalar_bool(i):
            continue
        consumed += i.ndim if _is_bool_mask(i) else 1
    if consumed > x.ndim:
        raise IndexError(
            f"too many indices for array: array is {x.ndim}-dimensional, but {consumed} were "
            "indexed"
        )
    ellipses = [k for k, i in enumerate(idx) if i is Ellipsis]
    if len(ellipses) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    fill = [slice(None)] * (x.ndim - consumed)
    if ellipses:
        k = ellipses[0]
        return [*idx[:k], *fill, *idx[k + 1 :]]
    return [*idx, *fill]


def _check_int(i: int, n: int, axis: int) -> int:
    if not -n <= i < n:
        raise IndexError(f"index {i} is out of bounds for axis {axis} with size {n}")
    return i % n


def _basic(x: Array, entries: Sequence[Any]) -> Array:
    starts, limits, strides, reverse, shape = [], [], [], [], []
    axis = 0
    for e in entries:
        if e is None:
            shape.append(1)
            continue
        n = x.shape[axis]
        if _is_static_int(e):
            i = _check_int(int(e), n, axis)
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
    """int32 indices with negative ones counted from the end."""
    i = ew.convert_element_type(i, np.dtype(np.int32))
    neg = ew.lt(i, ew.full(i.shape, 0, i.dtype))
    return ew.select(neg, ew.add(i, ew.full(i.shape, n, i.dtype)), i)


def _concrete_mask(e: Any) -> NDArray:
    if isinstance(e, core.Tracer):
        raise IndexError(
            "boolean index arrays must be concrete: the output shape depends on their values "
            "(use fad.numpy.where instead)"
        )
    return np.asarray(e.concrete_value() if isinstance(e, Array) else e)


# One entry per index component: ("new", None) for None, ("slice", positions),
# ("adv", index array) for an axis of x, or ("adv_new", array) for a scalar bool,
# which adds an axis of size 1 that is indexed by [0] (True) or [] (False).
Part = tuple[str, Any]


def _parts(x: Array, entries: Sequence[Any]) -> list[Part]:
    parts: list[Part] = []
    axis = 0
    for e in entries:
        if e is None:
            parts.append(("new", None))
        elif _is_scalar_bool(e):
            keep = bool(_concrete_mask(e))
            parts.append(("adv_new", Array(np.zeros((1 if keep else 0,), np.int32))))
        elif _is_static_slice(e):
            parts.append(("slice", np.arange(*e.indices(x.shape[axis]))))
            axis += 1
        elif isinstance(e, slice):
            raise IndexError(f"slice bounds must be static integers, got {e}")
        elif _is_bool_mask(e):
            mask = _concrete_mask(e)
            expected = x.shape[axis : axis + mask.ndim]
            if mask.shape != expected:
                raise IndexError(
                    f"boolean index of shape {mask.shape} does not match the indexed axes "
                    f"{tuple(range(axis, axis + mask.ndim))} of shape {expected}"
                )
            for coords in np.nonzero(mask):
                parts.append(("adv", Array(coords.astype(np.int32))))
                axis += 1
        elif _is_static_int(e):
            i = _check_int(int(e), x.shape[axis], axis)
            parts.append(("adv", Array(np.asarray(i, np.int32))))
            axis += 1
        else:
            parts.append(("adv", _normalize(core.asarray(e), x.shape[axis])))
            axis += 1
    return parts


def index_grid(x: Array, idx: tuple[Any, ...]) -> Array:
    """Coordinates into ``x`` for every element of ``x[idx]``: shape ``(*out_shape, x.ndim)``."""
    parts = _parts(x, _expand(x, idx))
    adv = [k for k, (kind, _) in enumerate(parts) if kind in ("adv", "adv_new")]
    try:
        adv_shape = tuple(np.broadcast_shapes(*(parts[k][1].shape for k in adv)))
    except ValueError:
        shapes = " ".join(str(parts[k][1].shape) for k in adv)
        raise IndexError(
            f"shape mismatch: indexing arrays could not be broadcast together with shapes {shapes}"
        ) from None
    # numpy: adjacent advanced indices put their dimensions where they stand; advanced
    # indices separated by a slice or None put them first.
    contiguous = adv == list(range(adv[0], adv[-1] + 1)) if adv else True
    out_shape: list[int] = []
    part_dim: dict[int, int] = {}
    adv_start: int | None = None
    if adv and not contiguous:
        adv_start = 0
        out_shape.extend(adv_shape)
    for k, (kind, val) in enumerate(parts):
        if kind in ("adv", "adv_new"):
            if adv_start is None:
                adv_start = len(out_shape)
                out_shape.extend(adv_shape)
            continue
        part_dim[k] = len(out_shape)
        out_shape.append(1 if kind == "new" else len(val))
    shape = tuple(out_shape)
    adv_dims = tuple(range(adv_start, adv_start + len(adv_shape))) if adv_start is not None else ()
    coords = []
    for k, (kind, val) in enumerate(parts):
        if kind in ("new", "adv_new"):
            continue
        if kind == "slice":
            col = st.broadcast_in_dim(Array(val.astype(np.int32)), shape, (part_dim[k],))
        else:
            col = st.broadcast_in_dim(st.broadcast_to(val, adv_shape), shape, adv_dims)
        coords.append(st.reshape(col, (*shape, 1)))
    if not coords:
        return ew.full((*shape, 0), 0, np.dtype(np.int32))
    return st.concatenate(coords, len(shape))


def getitem(x: Array, idx: Any) -> Array:
    """``x[idx]`` with numpy's semantics (array indices are clamped, as in JAX)."""
    if type(idx) is int:  # ``x[i]``, iteration: what ``_basic`` does, without its generality
        shape = x.shape
        if shape:
            i = _check_int(idx, shape[0], 0)
            if type(x) is Array and core.is_eager():
                v = x._host
                if v is not None:  # the slice and reshape run now; no one sees them bound
                    return core.wrap_fresh(v[i], x._weak_type)
            row = st.slice_(x, (i, *[0] * (len(shape) - 1)), (i + 1, *shape[1:]))
            return st.reshape(row, shape[1:])
    idx_t = _canonical(idx)
    if builtins.all(_is_basic(i) for i in idx_t):
        return _basic(x, _expand(x, idx_t))
    return ix.gather(x, index_grid(x, idx_t), "clip")


def _update(x: Array, idx: Any, values: Any, kind: str) -> Array:
    grid = index_grid(x, _canonical(idx))
    out_shape = grid.shape[:-1]
    v = values if isinstance(values, Array) else core.asarray(values)
    if v.dtype != x.dtype:
        v = ew.convert_element_type(v, x.dtype)
    # Leading axes of size 1 beyond the indexed rank are dropped, as numpy does.
    while v.ndim > len(out_shape) and v.shape[0] == 1:
        v = st.reshape(v, v.shape[1:])
    try:
        v = st.broadcast_to(v, out_shape)
    except ValueError:
        raise ValueError(
            f"cannot broadcast update values of shape {v.shape} to the indexed shape {out_shape}"
        ) from None
    return ix.scatter(x, grid, v, kind)


class IndexUpdateRef:
    """``x.at[idx]``: methods return a new array with ``x[idx]`` updated.

    Repeated indices accumulate for ``add``, ``multiply``, ``min`` and ``max`` (like
    ``np.add.at``); for ``set`` one of the values wins.
    """

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
        v = values if isinstance(values, Array) else core.asarray(values)
        return _update(self._array, self._index, ew.neg(v), "add")

    def multiply(self, values: Any) -> Array:
        return _update(self._array, self._index, values, "mul")

    mul = multiply

    def divide(self, values: Any) -> Array:
        """``x / p`` where ``p`` multiplies together the values aimed at each element."""
        x = self._array
        if not dtypes.is_inexact(x.dtype):
            raise TypeError(f"at[].divide needs an inexact array, got dtype {x.dtype.name}")
        return true_divide(x, _update(ew.ones_like(x), self._index, values, "mul"))

    def apply(
        self,
        func: Callable[[Array], Any],
        *,
        indices_are_sorted: bool = False,
        unique_indices: bool = False,
        mode: str | None = None,
    ) -> Array:
        """``x`` with the unary ``func`` applied at ``idx``, once per occurrence of each
        index (repeated indices compose, as numpy's ``ufunc.at``). With
        ``unique_indices=True`` it is one gather, ``func`` and scatter; otherwise the
        indexed elements are updated in turn by a ``scan``."""
        x = self._array
        if unique_indices:
            return _update(x, self._index, func(getitem(x, self._index)), "set")
        grid = index_grid(x, _canonical(self._index))
        k = int(np.prod(grid.shape[:-1]))
        flat = st.reshape(grid, (k, grid.shape[-1]))
        if k == 0:
            return x

        def step(c: Array, pos: Array) -> tuple[Array, None]:
            one = st.reshape(pos, (1, pos.shape[0]))
            cur = ix.gather(c, one, "clip")
            new = func(cur)
            new = new if isinstance(new, Array) else core.asarray(new)
            if new.dtype != c.dtype:
                new = ew.convert_element_type(new, c.dtype)
            return ix.scatter(c, one, st.broadcast_to(new, cur.shape), "set"), None

        out, _ = scan(step, x, flat)
        return out

    def min(self, values: Any) -> Array:
        return _update(self._array, self._index, values, "min")

    def max(self, values: Any) -> Array:
        return _update(self._array, self._index, values, "max")


class IndexUpdateHelper:
    """``x.at``: indexing it, ``x.at[idx]``, gives the ``IndexUpdateRef`` for ``idx``."""

    __slots__ = ("_array",)

    def __init__(self, array: Array) -> None:
        self._array = array

    def __getitem__(self, index: Any) -> IndexUpdateRef:
        return IndexUpdateRef(self._array, index)


def _fill_value(dt: DType, fill_value: Any) -> Any:
    """JAX's default for out-of-bounds reads in "fill" mode: an obviously invalid value."""
    if fill_value is not None:
        return fill_value
    if dtypes.is_inexact(dt):
        return np.nan
    if dtypes.is_bool(dt):
        return True
    info = np.iinfo(dt)
    return info.max if dtypes.is_unsigned(dt) else info.min


def _index_mode(idx: Array, n: int, mode: str | None, name: str) -> tuple[Array, Array | None]:
    """Normalized in-range indices and, for "fill" mode, the mask of valid entries."""
    if not dtypes.is_integer(idx.dtype):
        raise TypeError(f"{name}: indices must be integers, got dtype {idx.dtype.name}")
    if mode not in (None, "fill", "clip", "wrap"):
        raise ValueError(f"{name}: mode must be 'fill', 'clip' or 'wrap', got {mode!r}")
    idx = ew.convert_element_type(idx, np.dtype(np.int32))
    if mode == "wrap":
        return remainder(idx, builtins.max(n, 1)), None
    idx = _normalize(idx, n)
    if mode == "clip":
        return idx, None
    valid = ew.bitwise_and(ew.ge(idx, zeros_like(idx)), ew.lt(idx, ew.full_like(idx, n)))
    return idx, valid


def take(
    a: ArrayLike,
    indices: ArrayLike,
    axis: int | None = None,
    out: None = None,
    mode: str | None = None,
    unique_indices: bool = False,
    indices_are_sorted: bool = False,
    fill_value: Any = None,
) -> Array:
    """``a`` indexed by ``indices`` along ``axis``.

    As in JAX, out-of-bounds indices give ``fill_value`` (default: nan, or the
    extreme value of an integer dtype) unless ``mode`` is "clip" or "wrap".
    """
    if out is not None:
        raise NotImplementedError("take: out= is not supported (fad arrays are immutable)")
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    ax = _util.canonical_axis(axis, x.ndim)
    idx, valid = _index_mode(asarray(indices), x.shape[ax], mode, "take")
    xt = moveaxis(x, ax, 0)
    got = ix.gather(xt, reshape(idx, (*idx.shape, 1)), "clip")
    # got: (*idx.shape, *rest); move idx dims to where the axis was.
    k = idx.ndim
    order = list(range(k, k + ax)) + list(range(k)) + list(range(k + ax, got.ndim))
    got = st.transpose_(got, order)
    if valid is None:
        return got
    mask = st.broadcast_in_dim(valid, got.shape, tuple(range(ax, ax + k)))
    return ew.select(mask, got, ew.full(got.shape, _fill_value(x.dtype, fill_value), x.dtype))


def take_along_axis(
    arr: ArrayLike,
    indices: ArrayLike,
    axis: int | None,
    mode: str | None = None,
    fill_value: Any = None,
    *,
    wrap_negative_indices: bool = True,
) -> Array:
    """numpy's ``take_along_axis`` (indices broadcast against ``arr`` off ``axis``);
    with ``wrap_negative_indices=False`` negative indices are out of bounds."""
    x = asarray(arr)
    idx = asarray(indices)
    if not wrap_negative_indices:
        n_ax = x.size if axis is None else x.shape[_util.canonical_axis(axis, x.ndim)]
        idx = ew.select(ew.lt(idx, zeros_like(idx)), ew.full_like(idx, n_ax), idx)
    if axis is None:
        x, axis = ravel(x), 0
    ax = _util.canonical_axis(axis, x.ndim)
    if idx.ndim != x.ndim:
        raise ValueError(
            f"take_along_axis: indices of shape {idx.shape} need the rank of the array, "
            f"of shape {x.shape}"
        )
    try:
        rest = broadcast_shapes(
            tuple(1 if i == ax else n for i, n in enumerate(idx.shape)),
            tuple(1 if i == ax else n for i, n in enumerate(x.shape)),
        )
    except ValueError:
        raise ValueError(
            f"take_along_axis: indices of shape {idx.shape} do not broadcast against the array "
            f"of shape {x.shape} off axis {ax}"
        ) from None
    idx = st.broadcast_to(idx, tuple(idx.shape[i] if i == ax else rest[i] for i in range(x.ndim)))
    xb = st.broadcast_to(x, tuple(x.shape[i] if i == ax else rest[i] for i in range(x.ndim)))
    norm, valid = _index_mode(idx, x.shape[ax], mode, "take_along_axis")
    out = ix.take_along_axis(xb, norm, ax)
    if valid is None:
        return out
    return ew.select(valid, out, ew.full(out.shape, _fill_value(x.dtype, fill_value), x.dtype))
