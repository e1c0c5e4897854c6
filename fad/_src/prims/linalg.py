"""``dot_general``: contraction with batch dimensions (the one bilinear primitive).

The output's axes are the batch axes, then the lhs's free axes, then the rhs's
free axes, as in XLA.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import core
from fad._src.core import Array, DType, ShapedArray
from fad._src.interpreters import batch, jvp, transpose
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero
from fad._src.interpreters.transpose import NonlinearError, is_undefined
from fad._src.prims import _util
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value, int_list, shaped

Dims = tuple[int, ...]
DimensionNumbers = tuple[tuple[Dims, Dims], tuple[Dims, Dims]]
NDArray = np.ndarray[Any, Any]

dot_general_p = core.new_primitive("dot_general")


def _free(ndim: int, *used: Dims) -> Dims:
    taken = {d for u in used for d in u}
    return tuple(i for i in range(ndim) if i not in taken)


@functools.lru_cache(maxsize=1024)
def _dot_layout(
    dimension_numbers: DimensionNumbers, lhs_ndim: int, rhs_ndim: int
) -> tuple[Dims, Dims, Dims | None, Dims | None]:
    """The free axes of both operands and the permutations that bring them to
    ``(batch, free, contracting)`` / ``(batch, contracting, free)`` (None: already so).
    Worked out once per layout: an eager ``dot`` in a loop meets the same one each time."""
    (lc, rc), (lb, rb) = dimension_numbers
    lf, rf = _free(lhs_ndim, lc, lb), _free(rhs_ndim, rc, rb)
    lperm, rperm = (*lb, *lf, *lc), (*rb, *rc, *rf)
    return (
        lf, rf, None if lperm == tuple(range(lhs_ndim)) else lperm,
        None if rperm == tuple(range(rhs_ndim)) else rperm,
    )  # fmt: skip


def _dot_general_impl(
    lhs: NDArray,
    rhs: NDArray,
    *,
    dimension_numbers: DimensionNumbers,
    preferred_element_type: DType | None,
) -> NDArray:
    (lc, _), (lb, _) = dimension_numbers
    lf, rf, lperm, rperm = _dot_layout(dimension_numbers, lhs.ndim, rhs.ndim)
    if (
        preferred_element_type is None and lperm is None and rperm is None and not lb
        and len(lc) == 1 and lhs.ndim == 2 and 1 <= rhs.ndim <= 2
    ):  # fmt: skip
        # A matrix times a matrix or a vector in standard layout (most eager ``dot`` s):
        # numpy's 2-d product, without the batch axis the general path adds.
        res: NDArray = np.dot(lhs, rhs)
        return res
    ls, rs = lhs.shape, rhs.shape
    b = [ls[i] for i in lb]
    m = [ls[i] for i in lf]
    n = [rs[i] for i in rf]
    # math.prod on Python ints: np.prod on small tuples costs microseconds per call.
    k = math.prod([ls[i] for i in lc])
    bb, mm, nn = math.prod(b), math.prod(m), math.prod(n)
    if not lb and preferred_element_type is None:
        # No batch axes: one 2-d product, which numpy's ``dot`` does with less dispatch
        # than ``matmul`` (the transposes of a small ``dot`` under ``grad`` are these).
        left2 = (lhs if lperm is None else lhs.transpose(lperm)).reshape(mm, k)
        right2 = (rhs if rperm is None else rhs.transpose(rperm)).reshape(k, nn)
        res2: NDArray = np.dot(left2, right2).reshape((*m, *n))
        return res2
    left = (lhs if lperm is None else lhs.transpose(lperm)).reshape(bb, mm, k)
    right = (rhs if rperm is None else rhs.transpose(rperm)).reshape(bb, k, nn)
    dt = lhs.dtype
    if preferred_element_type is not None:
        dt = preferred_element_type
        if np.promote_types(lhs.dtype, dt) == dt and dt != lhs.dtype:
            # A wider preferred type is the accumulation type too (as in XLA), not only the
            # result's: multiply and sum in it.
            left, right = left.astype(dt), right.astype(dt)
    out: NDArray = np.matmul(left, right).reshape((*b, *m, *n))
    return out if out.dtype == dt else out.astype(dt)


def _dot_general_abstract(
    lhs: ShapedArray, rhs: ShapedArray, *, dimension_numbers: DimensionNumbers,
    preferred_element_type: DType | None,
) -> ShapedArray:  # fmt: skip
    (lc, rc), (lb, rb) = dimension_numbers
    _util.check_kind("dot_general", "any", lhs, rhs)
    if lhs.dtype != rhs.dtype:
        raise TypeError(
            "dot_general requires operands of equal dtypes, got "
            f"{lhs.str_short()} and {rhs.str_short()}"
        )
    if len(lc) != len(rc) or len(lb) != len(rb):
        raise TypeError(f"dot_general: mismatched dimension numbers {dimension_numbers}")
    for name, a, b in (("contracting", lc, rc), ("batch", lb, rb)):
        for i, j in zip(a, b, strict=True):
            if not (0 <= i < lhs.ndim and 0 <= j < rhs.ndim) or lhs.shape[i] != rhs.shape[j]:
                raise TypeError(
                    f"dot_general: {name} dimensions {a} of {lhs.str_short()} and {b} of "
                    f"{rhs.str_short()} do not match"
                )
    lf, rf = _free(lhs.ndim, lc, lb), _free(rhs.ndim, rc, rb)
    shape = (*(lhs.shape[i] for i in lb), *(lhs.shape[i] for i in lf), *(rhs.shape[i] for i in rf))
    dt = lhs.dtype if preferred_element_type is None else preferred_element_type
    return ShapedArray(shape, dt, lhs.weak_type and rhs.weak_type)


def _argsort(xs: Sequence[int]) -> Dims:
    """The stable argsort of a few ints (in Python: np.argsort costs more on a tuple)."""
    return tuple(sorted(range(len(xs)), key=xs.__getitem__))


@functools.lru_cache(maxsize=1024)
def _transpose_lhs_layout(
    dimension_numbers: DimensionNumbers, lhs_ndim: int, rhs_ndim: int
) -> tuple[DimensionNumbers, Dims | None]:
    """The dimension numbers of ``ct . rhs`` and the permutation back to the lhs's axes
    (worked out once per layout: a pullback in a loop transposes the same dot each time)."""
    (lc, rc), (lb, rb) = dimension_numbers
    lf = _free(lhs_ndim, lc, lb)
    rf = _free(rhs_ndim, rc, rb)
    nb, nlf = len(lb), len(lf)
    ct_rf = tuple(range(nb + nlf, nb + nlf + len(rf)))
    order = (*lb, *lf, *(lc[j] for j in _argsort(rc)))
    return ((ct_rf, rf), (tuple(range(nb)), rb)), _perm_or_none(_argsort(order))


def _perm_or_none(perm: Dims) -> Dims | None:
    """``perm``, or None where it is the identity (no transpose to bind)."""
    return None if perm == tuple(range(len(perm))) else perm


def _transposed_dot(
    ct: Array, other: Array, dn: DimensionNumbers, perm: Dims | None, dtype: DType
) -> Array:
    """``dot_general(ct, other, dn)`` in ``dtype``, then ``perm``: the cotangent of one
    operand (``dn`` and ``perm`` come normalized from a layout function)."""
    pet = None if dtype == ct.dtype else np.dtype(dtype)
    out = dot_general_p.bind1(ct, other, dimension_numbers=dn, preferred_element_type=pet)
    return out if perm is None else st.transpose_p.bind1(out, permutation=perm)


def _transpose_lhs(
    ct: Array, rhs: Array, lhs_aval: ShapedArray, dimension_numbers: DimensionNumbers
) -> Array:
    dn, perm = _transpose_lhs_layout(dimension_numbers, lhs_aval.ndim, rhs.ndim)
    return _transposed_dot(ct, rhs, dn, perm, lhs_aval.dtype)


@functools.lru_cache(maxsize=1024)
def _transpose_rhs_layout(
    dimension_numbers: DimensionNumbers, lhs_ndim: int, rhs_ndim: int
) -> tuple[DimensionNumbers, Dims | None]:
    """``_transpose_lhs_layout`` for the rhs: ``ct . lhs`` and the permutation back."""
    (lc, rc), (lb, rb) = dimension_numbers
    lf = _free(lhs_ndim, lc, lb)
    rf = _free(rhs_ndim, rc, rb)
    nb = len(lb)
    ct_lf = tuple(range(nb, nb + len(lf)))
    # Contract ct's lhs-free axes with lhs's free axes; result axes: batch, rhs free, lhs contract.
    order = (*rb, *rf, *(rc[j] for j in _argsort(lc)))
    return ((ct_lf, lf), (tuple(range(nb)), lb)), _perm_or_none(_argsort(order))


def _transpose_rhs(
    ct: Array, lhs: Array, rhs_aval: ShapedArray, dimension_numbers: DimensionNumbers
) -> Array:
    dn, perm = _transpose_rhs_layout(dimension_numbers, lhs.ndim, rhs_aval.ndim)
    return _transposed_dot(ct, lhs, dn, perm, rhs_aval.dtype)


def _dot_general_transpose(
    ct: Array, lhs: Any, rhs: Any, *, dimension_numbers: DimensionNumbers,
    preferred_element_type: DType | None,
) -> list[MaybeZero | None]:  # fmt: skip
    if is_undefined(lhs) and is_undefined(rhs):
        raise NonlinearError("dot_general of two values that both depend linearly on the input")
    # With a preferred_element_type the cotangent is wider than the operands: contract in
    # its dtype, and let the transposed dot_general round back to the operand's dtype.
    dn = dimension_numbers
    if is_undefined(lhs):
        return [_transpose_lhs(ct, ew.convert_element_type(rhs, ct.dtype), lhs.aval, dn), None]
    return [None, _transpose_rhs(ct, ew.convert_element_type(lhs, ct.dtype), rhs.aval, dn)]


def _shift(dims: Dims, d: int) -> Dims:
    return tuple(i if i < d else i + 1 for i in dims)


def _dot_general_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, dimension_numbers: DimensionNumbers,
    preferred_element_type: DType | None,
) -> tuple[Array, int]:  # fmt: skip
    (lhs, rhs), (dl, dr) = vals, dims
    (lc, rc), (lb, rb) = dimension_numbers
    if dl is not None and dr is not None:
        # Both batched: the batch axes become one more pair of dot_general batch
        # dimensions, wherever they are (the output puts batch dimensions first).
        new = ((_shift(lc, dl), _shift(rc, dr)), ((dl, *_shift(lb, dl)), (dr, *_shift(rb, dr))))
        return dot_general(lhs, rhs, new, preferred_element_type), 0
    if dl is not None:
        nlc, nlb = _shift(lc, dl), _shift(lb, dl)
        lf = _free(lhs.ndim, nlc, nlb)
        out = dot_general(lhs, rhs, ((nlc, rc), (nlb, rb)), preferred_element_type)
        return out, len(lb) + lf.index(dl)
    assert dr is not None
    nrc, nrb = _shift(rc, dr), _shift(rb, dr)
    rf = _free(rhs.ndim, nrc, nrb)
    lf = _free(lhs.ndim, lc, lb)
    out = dot_general(lhs, rhs, ((lc, nrc), (lb, nrb)), preferred_element_type)
    return out, len(lb) + len(lf) + rf.index(dr)


def _dot_general_lowering(
    ctx: LoweringContext, x: Value, y: Value, *, dimension_numbers: DimensionNumbers,
    preferred_element_type: DType | None,
) -> Value:  # fmt: skip
    (lc, rc), (lb, rb) = dimension_numbers
    out = ctx.out_aval
    fields = [
        ("lhs_batching_dimensions", lb), ("rhs_batching_dimensions", rb),
        ("lhs_contracting_dimensions", lc), ("rhs_contracting_dimensions", rc),
    ]  # fmt: skip
    dn = ", ".join(f"{k} = {int_list(v)}" for k, v in fields if len(v))
    attrs = (
        f"dot_dimension_numbers = #stablehlo.dot<{dn}>, precision_config = "
        "[#stablehlo<precision HIGHEST>, #stablehlo<precision HIGHEST>]"
    )
    in_dt, out_dt = x.dtype, out.dtype
    widening = out_dt == in_dt or (
        out_dt.kind == in_dt.kind and out_dt.itemsize >= in_dt.itemsize and out_dt.kind in "fiu"
    )
    if widening:
        return ctx.op1("stablehlo.dot_general", [x, y], out, attrs)
    # numpy multiplies in the operand dtype, then converts.
    res = ctx.op1("stablehlo.dot_general", [x, y], shaped(out.shape, in_dt), attrs)
    return ctx.convert(res, out_dt)


core.def_impl(dot_general_p, _dot_general_impl)
core.def_abstract(dot_general_p, _dot_general_abstract)
jvp.defjvp(
    dot_general_p,
    lambda g, ans, x, y, **p: dot_general_p.bind1(g, y, **p),
    lambda g, ans, x, y, **p: dot_general_p.bind1(x, g, **p),
)
transpose.def_transpose(dot_general_p, _dot_general_transpose)
batch.def_batch(dot_general_p, _dot_general_batch)
lowering.def_rule(dot_general_p, _dot_general_lowering)


def dot_general(
    lhs: Array, rhs: Array, dimension_numbers: Any, preferred_element_type: DType | None = None
) -> Array:
    (lc, rc), (lb, rb) = dimension_numbers
    dn = ((tuple(lc), tuple(rc)), (tuple(lb), tuple(rb)))
    pet = None if preferred_element_type is None else np.dtype(preferred_element_type)
    if pet == lhs.dtype:
        pet = None
    return dot_general_p.bind1(lhs, rhs, dimension_numbers=dn, preferred_element_type=pet)
