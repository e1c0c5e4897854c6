"""``fad.lax``'s own functions: JAX's signatures over fad's primitives.

The binary elementwise operations do no numpy-style promotion or broadcasting, but a
Python scalar (a weakly typed operand) takes the dtype of the array it meets; the
structural ones (``reshape``, ``slice``, ``full``, ``iota``, the dynamic slices, the
cumulative reductions, ``sort``) adapt JAX's argument conventions to the primitives.
``fad.lax`` re-exports these beside the primitives it exposes unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike
from fad._src.prims import elementwise as ew
from fad._src.prims import indexing as ix
from fad._src.prims import linalg as la
from fad._src.prims import reductions as red
from fad._src.prims import sorting as so
from fad._src.prims import structural as st

# ---------------------------------------------------------------------------
# Binary elementwise ops (a Python scalar adopts the other operand's dtype)
# ---------------------------------------------------------------------------


def _operands(x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
    a = x if isinstance(x, Array) else core.asarray(x)
    b = y if isinstance(y, Array) else core.asarray(y)
    if a.dtype != b.dtype:
        if a.weak_type and not b.weak_type:
            a = ew.convert_element_type(a, b.dtype)
        elif b.weak_type and not a.weak_type:
            b = ew.convert_element_type(b, a.dtype)
    return a, b


def _binary(fn: Callable[[Array, Array], Array]) -> Callable[[ArrayLike, ArrayLike], Array]:
    def op(x: ArrayLike, y: ArrayLike) -> Array:
        return fn(*_operands(x, y))

    op.__name__ = fn.__name__.rstrip("_")
    op.__doc__ = f"``{op.__name__}`` of two arrays of one shape and dtype (no promotion)."
    return op


add = _binary(ew.add)
sub = _binary(ew.sub)
mul = _binary(ew.mul)
div = _binary(ew.div)
rem = _binary(ew.rem)
pow = _binary(ew.pow)
max = _binary(ew.max)
min = _binary(ew.min)
atan2 = _binary(ew.atan2)
nextafter = _binary(ew.nextafter)
polygamma = _binary(ew.polygamma)
bitwise_and = _binary(ew.bitwise_and)
bitwise_or = _binary(ew.bitwise_or)
bitwise_xor = _binary(ew.bitwise_xor)
shift_left = _binary(ew.shift_left)
shift_right_arithmetic = _binary(ew.shift_right_arithmetic)
shift_right_logical = _binary(ew.shift_right_logical)
complex = _binary(ew.complex_)
eq = _binary(ew.eq)
ne = _binary(ew.ne)
lt = _binary(ew.lt)
le = _binary(ew.le)
gt = _binary(ew.gt)
ge = _binary(ew.ge)


def clamp(min: ArrayLike, x: ArrayLike, max: ArrayLike) -> Array:
    """``x`` clipped to ``[min, max]`` (bounds of ``x``'s dtype, scalars or same shape)."""
    a = x if isinstance(x, Array) else core.asarray(x)
    lo, _ = _operands(min, a)
    hi, _ = _operands(max, a)
    if lo.shape != a.shape:
        lo = st.broadcast_in_dim(lo, a.shape, ())
    if hi.shape != a.shape:
        hi = st.broadcast_in_dim(hi, a.shape, ())
    return ew.clamp(lo, a, hi)


# ---------------------------------------------------------------------------
# JAX's signatures for the structural ops
# ---------------------------------------------------------------------------


def convert_element_type(operand: ArrayLike, new_dtype: Any) -> Array:
    """``operand`` converted to ``new_dtype`` (a strongly typed result)."""
    a = operand if isinstance(operand, Array) else core.asarray(operand)
    return ew.convert_element_type(a, dtypes.canonicalize_dtype(np.dtype(new_dtype)))


def dot_general(
    lhs: Array, rhs: Array, dimension_numbers: Any, precision: Any = None,
    preferred_element_type: Any = None,
) -> Array:  # fmt: skip
    """The general dot product: ``((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))``.

    ``precision`` is accepted for compatibility; fad always computes at full precision.
    """
    del precision
    return la.dot_general(lhs, rhs, dimension_numbers, preferred_element_type)


def reshape(
    operand: Array, new_sizes: Sequence[int], dimensions: Sequence[int] | None = None
) -> Array:
    """``operand`` reshaped (in row-major order, after permuting by ``dimensions``)."""
    if dimensions is not None:
        operand = st.transpose_(operand, dimensions)
    return st.reshape(operand, new_sizes)


def broadcast(operand: Array, sizes: Sequence[int]) -> Array:
    """``operand`` with leading axes of ``sizes`` added."""
    shape = (*sizes, *operand.shape)
    return st.broadcast_in_dim(operand, shape, tuple(range(len(sizes), len(shape))))


def slice(
    operand: Array, start_indices: Sequence[int], limit_indices: Sequence[int],
    strides: Sequence[int] | None = None,
) -> Array:  # fmt: skip
    """The static slice ``operand[start:limit:stride]`` along every axis."""
    return st.slice_(operand, start_indices, limit_indices, strides)


def dynamic_slice_in_dim(
    operand: Array, start_index: ArrayLike, slice_size: int, axis: int = 0
) -> Array:
    """``slice_size`` elements of ``operand`` along ``axis`` from a traced start index."""
    starts: list[ArrayLike] = [np.int32(0)] * operand.ndim
    starts[axis] = start_index
    sizes = list(operand.shape)
    sizes[axis] = slice_size
    return ix.dynamic_slice(operand, [core.asarray(s) for s in starts], sizes)


def dynamic_index_in_dim(
    operand: Array, index: ArrayLike, axis: int = 0, keepdims: bool = True
) -> Array:
    """The slice at a traced ``index`` along ``axis``."""
    out = dynamic_slice_in_dim(operand, index, 1, axis)
    return out if keepdims else st.squeeze(out, (axis,))


def iota(dtype: Any, size: int) -> Array:
    """``[0, 1, ..., size - 1]`` of ``dtype``."""
    return st.iota(np.dtype(dtype), (size,), 0)


def broadcasted_iota(dtype: Any, shape: Sequence[int], dimension: int) -> Array:
    """An array of ``shape`` whose values count along ``dimension``."""
    return st.iota(np.dtype(dtype), shape, dimension)


def full(shape: Sequence[int], fill_value: ArrayLike, dtype: Any = None) -> Array:
    """An array of ``shape`` filled with ``fill_value`` (of its dtype unless ``dtype``)."""
    v = fill_value if isinstance(fill_value, Array) else core.asarray(fill_value)
    dt = v.dtype if dtype is None else dtypes.canonicalize_dtype(np.dtype(dtype))
    return ew.full(shape, v, dt)


def cumsum(operand: Array, axis: int = 0, reverse: bool = False) -> Array:
    return red.cumsum(operand, axis, reverse)


def cumprod(operand: Array, axis: int = 0, reverse: bool = False) -> Array:
    return red.cumprod(operand, axis, reverse)


def cummax(operand: Array, axis: int = 0, reverse: bool = False) -> Array:
    return red.cummax(operand, axis, reverse)


def cummin(operand: Array, axis: int = 0, reverse: bool = False) -> Array:
    return red.cummin(operand, axis, reverse)


def associative_scan(
    fn: Callable[[Array, Array], Array], elems: Array, reverse: bool = False, axis: int = 0
) -> Array:
    """All prefix combinations of ``elems`` along ``axis`` under the associative ``fn``."""
    return red.associative_scan(fn, elems, axis, reverse)


def sort(
    operand: Array | Sequence[Array], dimension: int = -1, is_stable: bool = True,
    num_keys: int = 1,
) -> Any:  # fmt: skip
    """Sort along ``dimension``; a sequence of operands is sorted by its first ``num_keys``."""
    if isinstance(operand, Array):
        return so.sort([operand], dimension, is_stable, num_keys)[0]
    return tuple(so.sort(list(operand), dimension, is_stable, num_keys))
