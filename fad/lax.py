"""``fad.lax``: JAX's ``jax.lax`` names: structured control flow and the primitive-level ops.

Control flow (``cond``, ``switch``, ``while_loop``, ``fori_loop``, ``scan``, ``map``)
stages the functions it is given into sub-programs of one primitive, so it works
under ``jit`` and ``vmap`` and is differentiable (``while_loop`` in forward mode only).

The other functions apply one primitive each. As in ``jax.lax``, they do no numpy-style
promotion or broadcasting: operands share one shape and dtype, except that a Python
scalar takes the dtype of the array it is combined with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike
from fad._src.prims import elementwise as _ew
from fad._src.prims import indexing as _ix
from fad._src.prims import linalg as _linalg
from fad._src.prims import reductions as _red
from fad._src.prims import sorting as _sorting
from fad._src.prims import structural as _st
from fad._src.prims.bits import bitcast_convert_type as bitcast_convert_type
from fad._src.prims.control_flow import cond as cond
from fad._src.prims.control_flow import fori_loop as fori_loop
from fad._src.prims.control_flow import map as map
from fad._src.prims.control_flow import scan as scan
from fad._src.prims.control_flow import select as select
from fad._src.prims.control_flow import stop_gradient as stop_gradient
from fad._src.prims.control_flow import switch as switch
from fad._src.prims.control_flow import while_loop as while_loop
from fad._src.prims.elementwise import abs as abs
from fad._src.prims.elementwise import acos as acos
from fad._src.prims.elementwise import acosh as acosh
from fad._src.prims.elementwise import asin as asin
from fad._src.prims.elementwise import asinh as asinh
from fad._src.prims.elementwise import atan as atan
from fad._src.prims.elementwise import atanh as atanh
from fad._src.prims.elementwise import bitwise_not as bitwise_not
from fad._src.prims.elementwise import cbrt as cbrt
from fad._src.prims.elementwise import ceil as ceil
from fad._src.prims.elementwise import conj as conj
from fad._src.prims.elementwise import cos as cos
from fad._src.prims.elementwise import cosh as cosh
from fad._src.prims.elementwise import digamma as digamma
from fad._src.prims.elementwise import erf as erf
from fad._src.prims.elementwise import erf_inv as erf_inv
from fad._src.prims.elementwise import erfc as erfc
from fad._src.prims.elementwise import exp as exp
from fad._src.prims.elementwise import exp2 as exp2
from fad._src.prims.elementwise import expm1 as expm1
from fad._src.prims.elementwise import floor as floor
from fad._src.prims.elementwise import imag as imag
from fad._src.prims.elementwise import integer_pow as integer_pow
from fad._src.prims.elementwise import is_finite as is_finite
from fad._src.prims.elementwise import lgamma as lgamma
from fad._src.prims.elementwise import log as log
from fad._src.prims.elementwise import log1p as log1p
from fad._src.prims.elementwise import logistic as logistic
from fad._src.prims.elementwise import neg as neg
from fad._src.prims.elementwise import real as real
from fad._src.prims.elementwise import round as round
from fad._src.prims.elementwise import rsqrt as rsqrt
from fad._src.prims.elementwise import select_n as select_n
from fad._src.prims.elementwise import sign as sign
from fad._src.prims.elementwise import sin as sin
from fad._src.prims.elementwise import sinh as sinh
from fad._src.prims.elementwise import sqrt as sqrt
from fad._src.prims.elementwise import tan as tan
from fad._src.prims.elementwise import tanh as tanh
from fad._src.prims.indexing import dynamic_slice as dynamic_slice
from fad._src.prims.indexing import dynamic_update_slice as dynamic_update_slice
from fad._src.prims.reductions import argmax as argmax
from fad._src.prims.reductions import argmin as argmin
from fad._src.prims.reductions import reduce_and as reduce_and
from fad._src.prims.reductions import reduce_max as reduce_max
from fad._src.prims.reductions import reduce_min as reduce_min
from fad._src.prims.reductions import reduce_or as reduce_or
from fad._src.prims.reductions import reduce_prod as reduce_prod
from fad._src.prims.structural import broadcast_in_dim as broadcast_in_dim
from fad._src.prims.structural import concatenate as concatenate
from fad._src.prims.structural import expand_dims as expand_dims
from fad._src.prims.structural import index_in_dim as index_in_dim
from fad._src.prims.structural import pad as pad
from fad._src.prims.structural import reduce_sum as reduce_sum
from fad._src.prims.structural import rev as rev
from fad._src.prims.structural import slice_in_dim as slice_in_dim
from fad._src.prims.structural import squeeze as squeeze
from fad._src.prims.structural import transpose_ as transpose

__all__ = [
    "abs", "acos", "acosh", "add", "argmax", "argmin", "asin", "asinh", "associative_scan",
    "atan", "atan2", "atanh", "bitcast_convert_type", "bitwise_and", "bitwise_not",
    "bitwise_or", "bitwise_xor", "broadcast", "broadcast_in_dim", "broadcasted_iota", "cbrt",
    "ceil", "clamp", "complex", "concatenate", "cond", "conj", "convert_element_type", "cos",
    "cosh", "cummax", "cummin", "cumprod", "cumsum", "digamma", "div", "dot_general",
    "dynamic_index_in_dim", "dynamic_slice", "dynamic_slice_in_dim", "dynamic_update_slice",
    "eq", "erf", "erf_inv", "erfc", "exp", "exp2", "expand_dims", "expm1", "floor",
    "fori_loop", "full", "ge", "gt", "imag", "index_in_dim", "integer_pow", "iota",
    "is_finite", "le", "lgamma", "log", "log1p", "logistic", "lt", "map", "max", "min", "mul",
    "ne", "neg", "nextafter", "pad", "polygamma", "pow", "real", "reduce_and", "reduce_max",
    "reduce_min", "reduce_or", "reduce_prod", "reduce_sum", "rem", "reshape", "rev", "round",
    "rsqrt", "scan", "select", "select_n", "shift_left", "shift_right_arithmetic",
    "shift_right_logical", "sign", "sin", "sinh", "slice", "slice_in_dim", "sort", "sqrt",
    "squeeze", "stop_gradient", "sub", "switch", "tan", "tanh", "transpose", "while_loop",
]  # fmt: skip


# ---------------------------------------------------------------------------
# Binary elementwise ops (a Python scalar adopts the other operand's dtype)
# ---------------------------------------------------------------------------


def _operands(x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
    a = x if isinstance(x, Array) else core.asarray(x)
    b = y if isinstance(y, Array) else core.asarray(y)
    if a.dtype != b.dtype:
        if a.weak_type and not b.weak_type:
            a = _ew.convert_element_type(a, b.dtype)
        elif b.weak_type and not a.weak_type:
            b = _ew.convert_element_type(b, a.dtype)
    return a, b


def _binary(fn: Callable[[Array, Array], Array]) -> Callable[[ArrayLike, ArrayLike], Array]:
    def op(x: ArrayLike, y: ArrayLike) -> Array:
        return fn(*_operands(x, y))

    op.__name__ = fn.__name__.rstrip("_")
    op.__doc__ = f"``{op.__name__}`` of two arrays of one shape and dtype (no promotion)."
    return op


add = _binary(_ew.add)
sub = _binary(_ew.sub)
mul = _binary(_ew.mul)
div = _binary(_ew.div)
rem = _binary(_ew.rem)
pow = _binary(_ew.pow)
max = _binary(_ew.max)
min = _binary(_ew.min)
atan2 = _binary(_ew.atan2)
nextafter = _binary(_ew.nextafter)
polygamma = _binary(_ew.polygamma)
bitwise_and = _binary(_ew.bitwise_and)
bitwise_or = _binary(_ew.bitwise_or)
bitwise_xor = _binary(_ew.bitwise_xor)
shift_left = _binary(_ew.shift_left)
shift_right_arithmetic = _binary(_ew.shift_right_arithmetic)
shift_right_logical = _binary(_ew.shift_right_logical)
complex = _binary(_ew.complex_)
eq = _binary(_ew.eq)
ne = _binary(_ew.ne)
lt = _binary(_ew.lt)
le = _binary(_ew.le)
gt = _binary(_ew.gt)
ge = _binary(_ew.ge)


def clamp(min: ArrayLike, x: ArrayLike, max: ArrayLike) -> Array:
    """``x`` clipped to ``[min, max]`` (bounds of ``x``'s dtype, scalars or same shape)."""
    a = x if isinstance(x, Array) else core.asarray(x)
    lo, _ = _operands(min, a)
    hi, _ = _operands(max, a)
    if lo.shape != a.shape:
        lo = _st.broadcast_in_dim(lo, a.shape, ())
    if hi.shape != a.shape:
        hi = _st.broadcast_in_dim(hi, a.shape, ())
    return _ew.clamp(lo, a, hi)


# ---------------------------------------------------------------------------
# JAX's signatures for the structural ops
# ---------------------------------------------------------------------------


def convert_element_type(operand: ArrayLike, new_dtype: Any) -> Array:
    """``operand`` converted to ``new_dtype`` (a strongly typed result)."""
    a = operand if isinstance(operand, Array) else core.asarray(operand)
    return _ew.convert_element_type(a, dtypes.canonicalize_dtype(np.dtype(new_dtype)))


def dot_general(
    lhs: Array, rhs: Array, dimension_numbers: Any, precision: Any = None,
    preferred_element_type: Any = None,
) -> Array:  # fmt: skip
    """The general dot product: ``((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))``.

    ``precision`` is accepted for compatibility; fad always computes at full precision.
    """
    del precision
    return _linalg.dot_general(lhs, rhs, dimension_numbers, preferred_element_type)


def reshape(
    operand: Array, new_sizes: Sequence[int], dimensions: Sequence[int] | None = None
) -> Array:
    """``operand`` reshaped (in row-major order, after permuting by ``dimensions``)."""
    if dimensions is not None:
        operand = _st.transpose_(operand, dimensions)
    return _st.reshape(operand, new_sizes)


def broadcast(operand: Array, sizes: Sequence[int]) -> Array:
    """``operand`` with leading axes of ``sizes`` added."""
    shape = (*sizes, *operand.shape)
    return _st.broadcast_in_dim(operand, shape, tuple(range(len(sizes), len(shape))))


def slice(
    operand: Array, start_indices: Sequence[int], limit_indices: Sequence[int],
    strides: Sequence[int] | None = None,
) -> Array:  # fmt: skip
    """The static slice ``operand[start:limit:stride]`` along every axis."""
    return _st.slice_(operand, start_indices, limit_indices, strides)


def dynamic_slice_in_dim(
    operand: Array, start_index: ArrayLike, slice_size: int, axis: int = 0
) -> Array:
    """``slice_size`` elements of ``operand`` along ``axis`` from a traced start index."""
    starts: list[ArrayLike] = [np.int32(0)] * operand.ndim
    starts[axis] = start_index
    sizes = list(operand.shape)
    sizes[axis] = slice_size
    return _ix.dynamic_slice(operand, [core.asarray(s) for s in starts], sizes)


def dynamic_index_in_dim(
    operand: Array, index: ArrayLike, axis: int = 0, keepdims: bool = True
) -> Array:
    """The slice at a traced ``index`` along ``axis``."""
    out = dynamic_slice_in_dim(operand, index, 1, axis)
    return out if keepdims else _st.squeeze(out, (axis,))


def iota(dtype: Any, size: int) -> Array:
    """``[0, 1, ..., size - 1]`` of ``dtype``."""
    return _st.iota(np.dtype(dtype), (size,), 0)


def broadcasted_iota(dtype: Any, shape: Sequence[int], dimension: int) -> Array:
    """An array of ``shape`` whose values count along ``dimension``."""
    return _st.iota(np.dtype(dtype), shape, dimension)


def full(shape: Sequence[int], fill_value: ArrayLike, dtype: Any = None) -> Array:
    """An array of ``shape`` filled with ``fill_value`` (of its dtype unless ``dtype``)."""
    v = fill_value if isinstance(fill_value, Array) else core.asarray(fill_value)
    dt = v.dtype if dtype is None else dtypes.canonicalize_dtype(np.dtype(dtype))
    return _ew.full(shape, v, dt)


def cumsum(operand: Array, axis: int = 0, reverse: bool = False) -> Array:
    return _red.cumsum(operand, axis, reverse)


def cumprod(operand: Array, axis: int = 0, reverse: bool = False) -> Array:
    return _red.cumprod(operand, axis, reverse)


def cummax(operand: Array, axis: int = 0, reverse: bool = False) -> Array:
    return _red.cummax(operand, axis, reverse)


def cummin(operand: Array, axis: int = 0, reverse: bool = False) -> Array:
    return _red.cummin(operand, axis, reverse)


def associative_scan(
    fn: Callable[[Array, Array], Array], elems: Array, reverse: bool = False, axis: int = 0
) -> Array:
    """All prefix combinations of ``elems`` along ``axis`` under the associative ``fn``."""
    return _red.associative_scan(fn, elems, axis, reverse)


def sort(
    operand: Array | Sequence[Array], dimension: int = -1, is_stable: bool = True,
    num_keys: int = 1,
) -> Any:  # fmt: skip
    """Sort along ``dimension``; a sequence of operands is sorted by its first ``num_keys``."""
    if isinstance(operand, Array):
        return _sorting.sort([operand], dimension, is_stable, num_keys)[0]
    return tuple(_sorting.sort(list(operand), dimension, is_stable, num_keys))
