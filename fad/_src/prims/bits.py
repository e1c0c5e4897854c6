"""Bit-level primitives: ``bitcast_convert_type`` and ``fma``.

``bitcast_convert_type`` reinterprets an array's bits as another dtype (how the PRNG
turns random mantissa bits into floats). ``fma`` is a fused multiply-add, rounded
once: XLA's CPU compiler fuses ``a * b + c`` into one hardware FMA, so a numpy
evaluation with two roundings disagrees with compiled code (and with JAX) in the
last bit of about one value in five; sampling code that must match JAX bit for bit
spells the multiply-add as ``fma``. Its eager kernel is in ``xla_kernels``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, DType, ShapedArray
from fad._src.interpreters import batch, jvp
from fad._src.interpreters.batch import BDim
from fad._src.prims import _util, xla_kernels
from fad._src.prims import elementwise as ew
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value

NDArray = np.ndarray[Any, Any]

# ---------------------------------------------------------------------------
# bitcast_convert_type
# ---------------------------------------------------------------------------

bitcast_convert_type_p = core.new_primitive("bitcast_convert_type")


def _bitcast_ok(dt: DType) -> bool:
    return dtypes.is_integer(dt) or dtypes.is_float(dt)


def _bitcast_abstract(x: ShapedArray, *, new_dtype: DType) -> ShapedArray:
    for what, dt in (("operand", x.dtype), ("new_dtype", new_dtype)):
        if not _bitcast_ok(dt):
            raise TypeError(
                f"bitcast_convert_type: {what} dtype must be an integer or real float type, "
                f"got {dt.name}"
            )
    old, new = x.dtype.itemsize, new_dtype.itemsize
    if old == new:
        shape = x.shape
    elif old > new:
        shape = (*x.shape, old // new)
    else:
        ratio = new // old
        if not x.shape or x.shape[-1] != ratio:
            raise TypeError(
                f"bitcast_convert_type: converting {x.str_short()} to the wider {new_dtype.name} "
                f"needs a trailing axis of size {ratio}, got shape {x.shape}"
            )
        shape = x.shape[:-1]
    return ShapedArray(shape, new_dtype, False)


def _bitcast_impl(x: NDArray, *, new_dtype: DType) -> NDArray:
    # A trailing unit axis makes numpy's view legal for 0-d operands and narrowing casts;
    # numpy splits each element little-endian first, as XLA does.
    x = np.ascontiguousarray(x).reshape(x.shape)  # (ascontiguousarray makes 0-d arrays 1-d)
    old, new = x.dtype.itemsize, new_dtype.itemsize
    if old == new:
        return x.view(new_dtype)
    if old > new:
        return x.reshape((*x.shape, 1)).view(new_dtype)
    return x.view(new_dtype).reshape(x.shape[:-1])


def _bitcast_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, new_dtype: DType
) -> tuple[Array, int]:
    (x,), (d,) = vals, dims
    assert d is not None
    if x.dtype.itemsize >= new_dtype.itemsize or d < x.ndim - 1:
        return bitcast_convert_type(x, new_dtype), d
    # Widening consumes the trailing axis, so the batch axis must not be it.
    return bitcast_convert_type(batch.moveaxis(x, d, 0), new_dtype), 0


def _bitcast_lowering(ctx: LoweringContext, x: Value, *, new_dtype: DType) -> Value:
    return ctx.op1("stablehlo.bitcast_convert", [x], ctx.out_aval)


core.def_impl(bitcast_convert_type_p, _bitcast_impl)
core.def_abstract(bitcast_convert_type_p, _bitcast_abstract)
jvp.defjvp_zero(bitcast_convert_type_p)
batch.def_batch(bitcast_convert_type_p, _bitcast_batch)
lowering.def_rule(bitcast_convert_type_p, _bitcast_lowering)


def bitcast_convert_type(x: Array, new_dtype: Any) -> Array:
    """Reinterpret the bits of ``x`` as ``new_dtype`` (like JAX's ``lax.bitcast_convert_type``).

    Equal widths keep the shape; a narrower ``new_dtype`` adds a trailing axis of
    ``old_width // new_width`` elements; a wider one consumes a trailing axis of that size.
    """
    dt = np.dtype(new_dtype)
    _bitcast_abstract(x.aval, new_dtype=dt)  # eager evaluation skips abstract checks
    if x.dtype == dt:
        return x
    return bitcast_convert_type_p.bind1(x, new_dtype=dt)


# ---------------------------------------------------------------------------
# fma: a * b + c with a single rounding
# ---------------------------------------------------------------------------

fma_p = core.new_primitive("fma")


def _fma_abstract(a: ShapedArray, b: ShapedArray, c: ShapedArray) -> ShapedArray:
    return _util.elementwise_aval("fma", [a, b, c], "float")


core.def_impl(fma_p, xla_kernels.fma_impl)
core.def_abstract(fma_p, _fma_abstract)
# The tangent is linear in the tangents (mul and add), so fma itself needs no transpose.
jvp.defjvp(
    fma_p,
    lambda g, ans, a, b, c: ew.mul(g, b),
    lambda g, ans, a, b, c: ew.mul(a, g),
    lambda g, ans, a, b, c: g,
)
batch.defbroadcasting(fma_p)
# XLA fuses the multiply and the add back into one FMA.
_util.lower_via(fma_p, lambda a, b, c: ew.add(ew.mul(a, b), c))


def fma(a: Array, b: Array, c: Array) -> Array:
    """``a * b + c`` rounded once, for floats of one shape and dtype."""
    return fma_p.bind1(a, b, c)


__all__ = ["bitcast_convert_type", "bitcast_convert_type_p", "fma", "fma_p"]
