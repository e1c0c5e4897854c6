"""``sort``: sort several operands together, keyed lexicographically by the first
``num_keys``. Sorting is a permutation, so tangents follow the same permutation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ShapedArray
from fad._src.interpreters import batch, jvp
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero, Zero
from fad._src.prims import indexing as ix
from fad._src.prims import structural as st
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value, shaped

NDArray = np.ndarray[Any, Any]

sort_p = core.new_primitive("sort", multiple_results=True)


def _sort_impl(*xs: NDArray, dimension: int, is_stable: bool, num_keys: int) -> list[NDArray]:
    keys = [np.moveaxis(k, dimension, -1) for k in xs[:num_keys]]
    # np.lexsort sorts by its last key first, and is stable.
    flat = [k.reshape(-1, k.shape[-1]) for k in keys]
    rows = [np.lexsort(tuple(reversed([f[i] for f in flat]))) for i in range(flat[0].shape[0])]
    perm = np.stack(rows).reshape(keys[0].shape) if rows else np.zeros(keys[0].shape, np.intp)
    perm = np.moveaxis(perm, -1, dimension)
    return [np.take_along_axis(x, perm, axis=dimension) for x in xs]


def _sort_abstract(
    *xs: ShapedArray, dimension: int, is_stable: bool, num_keys: int
) -> list[ShapedArray]:
    if not xs or any(x.shape != xs[0].shape for x in xs):
        raise TypeError(f"sort: operands must share one shape, got {[x.str_short() for x in xs]}")
    if not 0 <= dimension < xs[0].ndim:
        raise TypeError(f"sort: dimension {dimension} out of range for {xs[0].str_short()}")
    if not 1 <= num_keys <= len(xs):
        raise TypeError(f"sort: num_keys {num_keys} must be in [1, {len(xs)}]")
    return list(xs)


def _sort_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, dimension: int, is_stable: bool,
    num_keys: int,
) -> Any:  # fmt: skip
    shape = primals[0].shape
    position = st.iota(np.dtype(np.int32), shape, dimension)
    *outs, perm = sort(
        [*primals, position], dimension=dimension, is_stable=is_stable, num_keys=num_keys
    )
    t_out: list[MaybeZero] = [
        Zero.like(o) if isinstance(t, Zero) else ix.take_along_axis(t, perm, dimension)
        for o, t in zip(outs, tangents, strict=True)
    ]
    return outs, t_out


def _sort_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, dimension: int, is_stable: bool, num_keys: int
) -> Any:
    aligned, d = batch.align(vals, dims)
    dim = dimension if dimension < d else dimension + 1
    outs = sort(aligned, dimension=dim, is_stable=is_stable, num_keys=num_keys)
    return outs, [d] * len(outs)


def _sort_key(ctx: LoweringContext, v: Value) -> Value:
    """Floats made totally ordered as numpy sorts them: -0.0 == 0.0, NaNs last."""
    if not dtypes.is_float(v.dtype):
        return v
    zero = ctx.full(0, v.shape, v.dtype)
    v = ctx.select(ctx.compare("EQ", v, zero), zero, v)
    nan = ctx.full(np.nan, v.shape, v.dtype)
    return ctx.select(ctx.compare("NE", v, v), nan, v)


def _key_lt_eq(ctx: LoweringContext, a: Value, b: Value) -> tuple[Value, Value]:
    """Whether key ``a`` sorts before ``b``, and whether they tie (complex: lexicographic)."""
    sb = shaped((), np.dtype(np.bool_))
    if dtypes.is_complex(a.dtype):
        rt = shaped((), dtypes.real_dtype(a.dtype))
        ar, ai = (ctx.op1(op, [a], rt) for op in ("stablehlo.real", "stablehlo.imag"))
        br, bi = (ctx.op1(op, [b], rt) for op in ("stablehlo.real", "stablehlo.imag"))
        lt_r, eq_r = _key_lt_eq(ctx, ar, br)
        lt_i, eq_i = _key_lt_eq(ctx, ai, bi)
        lt = ctx.op1("stablehlo.or", [lt_r, ctx.op1("stablehlo.and", [eq_r, lt_i], sb)], sb)
        return lt, ctx.op1("stablehlo.and", [eq_r, eq_i], sb)
    a, b = _sort_key(ctx, a), _sort_key(ctx, b)
    return ctx.compare("LT", a, b, total=True), ctx.compare("EQ", a, b, total=True)


def _sort_lowering(
    ctx: LoweringContext, *xs: Value, dimension: int, is_stable: bool, num_keys: int
) -> list[Value]:
    scalars = [shaped((), x.dtype) for x in xs]
    sb = shaped((), np.dtype(np.bool_))

    def body(c: LoweringContext, args: list[Value]) -> list[Value]:
        pairs = [_key_lt_eq(c, args[2 * i], args[2 * i + 1]) for i in range(num_keys)]
        result = pairs[-1][0]
        for lt, eq in reversed(pairs[:-1]):
            result = c.op1("stablehlo.or", [lt, c.op1("stablehlo.and", [eq, result], sb)], sb)
        return [result]

    region = ctx.region([a for s in scalars for a in (s, s)], body)
    attrs = f"dimension = {dimension} : i64, is_stable = {'true' if is_stable else 'false'}"
    return ctx.op("stablehlo.sort", xs, [x.aval for x in xs], attrs, [region])


core.def_impl(sort_p, _sort_impl)
core.def_abstract(sort_p, _sort_abstract)
jvp.def_jvp_rule(sort_p, _sort_jvp)
batch.def_batch(sort_p, _sort_batch)
lowering.def_rule(sort_p, _sort_lowering)


def sort(
    operands: Sequence[Array], dimension: int = -1, is_stable: bool = True, num_keys: int = 1
) -> list[Array]:
    ndim = operands[0].ndim
    dim = dimension % ndim if ndim else 0
    return sort_p.bindn(*operands, dimension=dim, is_stable=bool(is_stable), num_keys=int(num_keys))
