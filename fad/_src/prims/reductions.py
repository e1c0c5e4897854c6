"""Reductions over axes (sum, max, min, prod, and, or, argmax, argmin), cumsum, and
associative scans (cumprod, cummax, cummin) composed from slices and pads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, DType, Primitive, ShapedArray
from fad._src.interpreters import batch, jvp, transpose
from fad._src.interpreters.batch import BDim
from fad._src.prims import _util, xla_complex
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value, i64_array, shaped

Axes = tuple[int, ...]
NDArray = np.ndarray[Any, Any]


def _prod_impl(x: NDArray, *, axes: Axes) -> Any:
    dt = x.dtype
    if dt.kind == "c":  # XLA's complex multiplies, not numpy's (see xla_complex)
        return xla_complex.prod(x, axes)
    # (``np.prod`` without its Python wrapper, which costs more than the check above)
    return np.multiply.reduce(x, axis=axes, dtype=dt)


reduce_prod_p = _util.reduction("reduce_prod", _prod_impl, "number", "mul")

# (``np.maximum.reduce`` and ``np.minimum.reduce`` are ``np.max`` and ``np.min`` on an
# ndarray, without their Python wrapper)
reduce_max_p = _util.reduction(
    "reduce_max",
    lambda x, *, axes: np.maximum.reduce(x, axis=axes) if x.size else _empty_reduce(x, axes, "max"),
    "any",
    "max",
)
reduce_min_p = _util.reduction(
    "reduce_min",
    lambda x, *, axes: np.minimum.reduce(x, axis=axes) if x.size else _empty_reduce(x, axes, "min"),
    "any",
    "min",
)


def _bitwise_reduce(ufunc: np.ufunc) -> Callable[..., Any]:
    """Logical for bools, bitwise for integers (as XLA's and/or reductions)."""

    def impl(x: NDArray, *, axes: Axes) -> Any:
        return np.asarray(ufunc.reduce(x, axis=axes)).astype(x.dtype, copy=False)

    return impl


reduce_and_p = _util.reduction("reduce_and", _bitwise_reduce(np.bitwise_and), "int_or_bool", "and")
reduce_or_p = _util.reduction("reduce_or", _bitwise_reduce(np.bitwise_or), "int_or_bool", "or")


def _identity(dtype: DType, op: str) -> Any:
    """The identity element of a max/min reduction (what XLA returns for empty input)."""
    if dtypes.is_bool(dtype):
        return op == "min"
    if dtypes.is_integer(dtype):
        info = np.iinfo(dtype)
        return info.min if op == "max" else info.max
    return -np.inf if op == "max" else np.inf


def _empty_reduce(x: NDArray, axes: Axes, op: str) -> NDArray:
    shape = tuple(n for i, n in enumerate(x.shape) if i not in axes)
    return np.full(shape, _identity(x.dtype, op), x.dtype)


def reduce_max(x: Array, axes: Sequence[int]) -> Array:
    axes_t = tuple(sorted(int(a) for a in axes))
    return x if not axes_t else reduce_max_p.bind1(x, axes=axes_t)


def reduce_min(x: Array, axes: Sequence[int]) -> Array:
    axes_t = tuple(sorted(int(a) for a in axes))
    return x if not axes_t else reduce_min_p.bind1(x, axes=axes_t)


def reduce_prod(x: Array, axes: Sequence[int]) -> Array:
    axes_t = tuple(sorted(int(a) for a in axes))
    return x if not axes_t else reduce_prod_p.bind1(x, axes=axes_t)


def reduce_and(x: Array, axes: Sequence[int]) -> Array:
    axes_t = tuple(sorted(int(a) for a in axes))
    return x if not axes_t else reduce_and_p.bind1(x, axes=axes_t)


def reduce_or(x: Array, axes: Sequence[int]) -> Array:
    axes_t = tuple(sorted(int(a) for a in axes))
    return x if not axes_t else reduce_or_p.bind1(x, axes=axes_t)


def _minmax_jvp(g: Array, ans: Array, x: Array, *, axes: Axes) -> Array:
    # Split the tangent evenly between the locations that attain the extremum.
    loc = ew.eq(x, st.unreduce(ans, x.shape, axes))
    mask = ew.convert_element_type(loc, g.dtype)
    counts = st.reduce_sum(mask, axes)
    return ew.div(st.reduce_sum(ew.mul(g, mask), axes), counts)


jvp.defjvp(reduce_max_p, _minmax_jvp)
jvp.defjvp(reduce_min_p, _minmax_jvp)
jvp.defjvp_zero(reduce_and_p)
jvp.defjvp_zero(reduce_or_p)


def _prod_jvp(g: Array, ans: Array, x: Array, *, axes: Axes) -> Array:
    # d prod = sum_i g_i * prod_{j != i} x_j, with the "others" product from two
    # exclusive cumulative products, so zeros in x are handled exactly.
    kept = _util.kept_dims(x.ndim, axes)
    perm = (*kept, *axes)
    k = int(np.prod([x.shape[a] for a in axes], dtype=np.int64))
    lead = tuple(x.shape[i] for i in kept)
    xs = st.reshape(st.transpose_(x, perm), (*lead, k))
    gs = st.reshape(st.transpose_(g, perm), (*lead, k))
    last = len(lead)
    one = ew.ones_like(st.slice_in_dim(xs, 0, 1, axis=last))
    left = cumprod(st.concatenate([one, st.slice_in_dim(xs, 0, k - 1, axis=last)], last), last)
    right = cumprod(
        st.concatenate([st.slice_in_dim(xs, 1, k, axis=last), one], last), last, reverse=True
    )
    return st.reduce_sum(ew.mul(gs, ew.mul(left, right)), (last,))


jvp.defjvp(reduce_prod_p, _prod_jvp)


# ---------------------------------------------------------------------------
# argmax / argmin
# ---------------------------------------------------------------------------


def _arg_impl(fn: Callable[..., Any]) -> Callable[..., Any]:
    def impl(x: NDArray, *, axis: int, index_dtype: DType) -> Any:
        if x.shape[axis] == 0:
            raise ValueError("attempt to get argmax/argmin of an empty sequence")
        return fn(x, axis=axis).astype(index_dtype)

    return impl


def _argreduce_lowering(
    ctx: LoweringContext, monoid: str, x: Value, axis: int, index_dtype: DType
) -> Value:
    """numpy's argmax/argmin: the first index of the extremum; NaN counts as the extremum."""
    dt, it = x.dtype, np.dtype(index_dtype)
    idx = ctx.iota(axis, shaped(x.shape, it))
    init_val = ctx.scalar(_identity(dt, monoid), dt)
    init_idx = ctx.scalar(0, it)
    sv, si, sb = shaped((), dt), shaped((), it), shaped((), np.dtype(np.bool_))
    better = "GT" if monoid == "max" else "LT"
    nan_aware = dtypes.is_inexact(dt)

    def body(c: LoweringContext, args: list[Value]) -> list[Value]:
        a, ia, b, ib = args
        a_better = c.compare(better, a, b)
        tie = c.compare("EQ", a, b)
        if nan_aware:
            a_nan = c.compare("NE", a, a)
            b_nan = c.compare("NE", b, b)
            not_b_nan = c.op1("stablehlo.not", [b_nan], sb)
            # a wins if it is NaN and b is not, or neither is NaN and a is better.
            a_better = c.op1("stablehlo.or", [
                c.op1("stablehlo.and", [a_nan, not_b_nan], sb),
                c.op1("stablehlo.and", [a_better, not_b_nan], sb),
            ], sb)  # fmt: skip
            tie = c.op1("stablehlo.or", [tie, c.op1("stablehlo.and", [a_nan, b_nan], sb)], sb)
        first = c.compare("LT", ia, ib)
        pick_a = c.op1("stablehlo.or", [a_better, c.op1("stablehlo.and", [tie, first], sb)], sb)
        return [c.select(pick_a, a, b), c.select(pick_a, ia, ib)]

    region = ctx.region([sv, si, sv, si], body)
    kept = [n for i, n in enumerate(x.shape) if i != axis]
    outs = ctx.op(
        "stablehlo.reduce", [x, idx, init_val, init_idx], [shaped(kept, dt), shaped(kept, it)],
        f"dimensions = {i64_array([axis])}", [region],
    )  # fmt: skip
    return outs[1]


def _arg_prim(name: str, fn: Callable[..., Any], monoid: str) -> Primitive:
    prim = core.new_primitive(name)
    core.def_impl(prim, _arg_impl(fn))
    core.def_abstract(
        prim,
        lambda x, *, axis, index_dtype: _util.reduced_aval(name, x, (axis,), "any", index_dtype),
    )
    jvp.defjvp_zero(prim)

    def batch_rule(
        vals: Sequence[Array], dims: Sequence[BDim], *, axis: int, index_dtype: DType
    ) -> Any:
        (x,), (d,) = vals, dims
        assert d is not None
        new_axis = axis if axis < d else axis + 1
        return prim.bind1(x, axis=new_axis, index_dtype=index_dtype), _util.out_bdim((axis,), d)

    batch.def_batch(prim, batch_rule)
    lowering.def_rule(
        prim,
        lambda ctx, x, *, axis, index_dtype: _argreduce_lowering(ctx, monoid, x, axis, index_dtype),
    )
    return prim


argmax_p = _arg_prim("argmax", np.argmax, "max")
argmin_p = _arg_prim("argmin", np.argmin, "min")


def argmax(x: Array, axis: int, index_dtype: DType) -> Array:
    return argmax_p.bind1(x, axis=int(axis), index_dtype=np.dtype(index_dtype))


def argmin(x: Array, axis: int, index_dtype: DType) -> Array:
    return argmin_p.bind1(x, axis=int(axis), index_dtype=np.dtype(index_dtype))


# ---------------------------------------------------------------------------
# cumsum (a linear primitive) and associative scans
# ---------------------------------------------------------------------------

cumsum_p = core.new_primitive("cumsum")


def _cumsum_impl(x: NDArray, *, axis: int, reverse: bool) -> NDArray:
    if reverse:
        return np.flip(np.cumsum(np.flip(x, axis), axis=axis, dtype=x.dtype), axis)
    return np.cumsum(x, axis=axis, dtype=x.dtype)


def _cumsum_abstract(x: ShapedArray, *, axis: int, reverse: bool) -> ShapedArray:
    _util.check_kind("cumsum", "number", x)
    if not 0 <= axis < x.ndim:
        raise TypeError(f"cumsum: axis {axis} out of range for {x.str_short()}")
    return x


def _cumsum_batch(vals: Sequence[Array], dims: Sequence[BDim], *, axis: int, reverse: bool) -> Any:
    (x,), (d,) = vals, dims
    assert d is not None
    return cumsum(x, axis if axis < d else axis + 1, reverse), d


core.def_impl(cumsum_p, _cumsum_impl)
core.def_abstract(cumsum_p, _cumsum_abstract)
transpose.deflinear(cumsum_p, lambda ct, x, *, axis, reverse: [cumsum(ct, axis, not reverse)])
batch.def_batch(cumsum_p, _cumsum_batch)
_util.lower_via(cumsum_p, lambda x, *, axis, reverse: associative_scan(ew.add, x, axis, reverse))


def cumsum(x: Array, axis: int, reverse: bool = False) -> Array:
    return cumsum_p.bind1(x, axis=int(axis), reverse=bool(reverse))


def associative_scan(
    fn: Callable[[Array, Array], Array], x: Array, axis: int = 0, reverse: bool = False
) -> Array:
    """Inclusive scan of an associative ``fn`` along ``axis`` in O(log n) depth.

    Built from slices, pads and ``fn`` only, so every transformation sees through it.
    """
    if reverse:
        return st.rev(associative_scan(fn, st.rev(x, (axis,)), axis), (axis,))
    n = x.shape[axis]
    if n < 2:
        return x
    evens = st.slice_in_dim(x, 0, n - 1 if n % 2 == 0 else n, 2, axis)
    odds = st.slice_in_dim(x, 1, n, 2, axis)
    pairs = fn(st.slice_in_dim(evens, 0, odds.shape[axis], axis=axis), odds)
    scanned_odds = associative_scan(fn, pairs, axis)
    tail = st.slice_in_dim(evens, 1, evens.shape[axis], axis=axis)
    head = st.slice_in_dim(evens, 0, 1, axis=axis)
    prev = st.slice_in_dim(scanned_odds, 0, tail.shape[axis], axis=axis)
    scanned_evens = st.concatenate([head, fn(prev, tail)], axis) if tail.shape[axis] else head
    return _interleave(scanned_evens, scanned_odds, axis)


def _interleave(a: Array, b: Array, axis: int) -> Array:
    """``a[0], b[0], a[1], b[1], ...`` along ``axis`` (len(a) == len(b) or len(b) + 1)."""
    zero = Array(np.zeros((), a.dtype))
    na, nb = a.shape[axis], b.shape[axis]

    def config(lo: int, hi: int) -> list[tuple[int, int, int]]:
        c = [(0, 0, 0)] * a.ndim
        c[axis] = (lo, hi, 1)
        return c

    pa = st.pad(a, zero, config(0, 1 if na == nb else 0))
    pb = st.pad(b, zero, config(1, 0 if na == nb else 1))
    if dtypes.is_bool(a.dtype):
        return ew.bitwise_or(pa, pb)
    return ew.select(_odd_mask(pa.shape, axis), pb, pa)


def _odd_mask(shape: tuple[int, ...], axis: int) -> Array:
    i = st.iota(np.dtype(np.int32), shape, axis)
    return ew.eq(ew.rem(i, ew.full_like(i, 2)), ew.full_like(i, 1))


def cumprod(x: Array, axis: int, reverse: bool = False) -> Array:
    return associative_scan(ew.mul, x, axis, reverse)


def cummax(x: Array, axis: int, reverse: bool = False) -> Array:
    return associative_scan(ew.max, x, axis, reverse)


def cummin(x: Array, axis: int, reverse: bool = False) -> Array:
    return associative_scan(ew.min, x, axis, reverse)
