"""Gather and scatter over leading axes.

``gather(x, idx)`` with ``idx`` of shape ``(*B, k)`` gives ``(*B, *x.shape[k:])``:
element ``b`` is ``x[idx[b, 0], ..., idx[b, k-1]]``. ``mode="clip"`` clamps
out-of-range indices (XLA's gather); ``mode="fill"`` gives zeros there.
``scatter(x, idx, updates, kind)`` is the inverse: updates of shape
``(*B, *x.shape[k:])`` are combined into ``x`` by ``kind`` (set, add, mul, min,
max); out-of-range indices are dropped. numpy indexing in ``fad.numpy`` is built
on these two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, Shape, ShapedArray
from fad._src.interpreters import batch, jvp, transpose
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero, Zero
from fad._src.interpreters.transpose import NonlinearError, is_undefined
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value, i64_array, int_list, shaped

NDArray = np.ndarray[Any, Any]


def _split(x_shape: tuple[int, ...], idx: NDArray) -> tuple[tuple[NDArray, ...], NDArray]:
    """Per-axis index arrays and a mask of in-range entries."""
    k = idx.shape[-1]
    cols = tuple(idx[..., j].astype(np.int64) for j in range(k))
    valid = np.ones(idx.shape[:-1], dtype=bool)
    for c, n in zip(cols, x_shape[:k], strict=False):
        valid &= (c >= 0) & (c < n)
    return cols, valid


def _check(name: str, x: ShapedArray, idx: ShapedArray) -> int:
    if idx.ndim < 1 or not dtypes.is_integer(idx.dtype):
        raise TypeError(
            f"{name}: indices must be an integer array of shape (..., k), got {idx.str_short()}"
        )
    k = idx.shape[-1]
    if k > x.ndim:
        raise TypeError(f"{name}: {k} index components for an operand of rank {x.ndim}")
    return k


# ---------------------------------------------------------------------------
# gather
# ---------------------------------------------------------------------------

gather_p = core.new_primitive("gather")


def _gather_impl(x: NDArray, idx: NDArray, *, mode: str) -> NDArray:
    k = idx.shape[-1]
    cols, valid = _split(x.shape, idx)
    if x.size == 0:
        return np.zeros(idx.shape[:-1] + x.shape[k:], x.dtype)
    clipped = tuple(np.clip(c, 0, n - 1) for c, n in zip(cols, x.shape, strict=False))
    out = x[clipped] if k else np.broadcast_to(x, idx.shape[:-1] + x.shape)
    if mode == "fill":
        mask = valid.reshape(valid.shape + (1,) * (x.ndim - k))
        out = np.where(mask, out, np.zeros((), x.dtype))
    return np.asarray(out)


def _gather_abstract(x: ShapedArray, idx: ShapedArray, *, mode: str) -> ShapedArray:
    k = _check("gather", x, idx)
    return ShapedArray(idx.shape[:-1] + x.shape[k:], x.dtype, x.weak_type)


def _gather_jvp(primals: Sequence[Array], tangents: Sequence[MaybeZero], *, mode: str) -> Any:
    (x, idx), (t, _) = primals, tangents
    ans = gather(x, idx, mode)
    return ans, Zero.like(ans) if isinstance(t, Zero) else gather(t, idx, mode)


def _clip_indices(idx: Array, shape: tuple[int, ...]) -> Array:
    k = idx.shape[-1]
    hi = Array(np.asarray([n - 1 for n in shape[:k]], idx.dtype))
    lo = ew.full(idx.shape, 0, idx.dtype)
    return ew.clamp(lo, idx, st.broadcast_in_dim(hi, idx.shape, (idx.ndim - 1,)))


def _gather_transpose(ct: Array, x: Any, idx: Any, *, mode: str) -> list[MaybeZero | None]:
    if is_undefined(idx):
        raise NonlinearError("gather indices cannot be linear")
    shape = x.aval.shape
    zeros = ew.full(shape, 0, ct.dtype)
    # "clip" read the clamped location; "fill" read nothing out of range (scatter drops it).
    target = _clip_indices(idx, shape) if mode == "clip" else idx
    return [scatter(zeros, target, ct, "add"), None]


def _with_batch_column(idx: Array, size: int) -> Array:
    """Prepend the batch position as index component 0: (B, *I, k) -> (B, *I, k+1)."""
    col_shape = (*idx.shape[:-1], 1)
    col = ew.convert_element_type(st.iota(np.dtype(np.int32), col_shape, 0), idx.dtype)
    return st.concatenate([col, idx], idx.ndim - 1)


def _gather_batch(vals: Sequence[Array], dims: Sequence[BDim], *, mode: str) -> tuple[Array, int]:
    (x, idx), (dx, di) = vals, dims
    if dx is None:
        assert di is not None
        if di == idx.ndim - 1:
            idx, di = batch.moveaxis(idx, di, 0), 0
        return gather(x, idx, mode), di
    size = batch.batch_size(vals, dims)
    if di is None:
        k = idx.shape[-1]
        x = batch.moveaxis(x, dx, k)
        return gather(x, idx, mode), idx.ndim - 1
    x = batch.moveaxis(x, dx, 0)
    idx = batch.moveaxis(idx, di, 0)
    return gather(x, _with_batch_column(idx, size), mode), 0


def _in_range(ctx: LoweringContext, idx: Value, bounds: Sequence[int]) -> Value:
    """Per index row (all but the last axis): whether every component is in range."""
    sb = np.dtype(np.bool_)
    hi = ctx.constant(np.broadcast_to(np.asarray(bounds, idx.dtype), idx.shape).copy())
    ok = ctx.compare("LT", idx, hi)
    if not dtypes.is_unsigned(idx.dtype):
        zero = ctx.full(0, idx.shape, idx.dtype)
        ok = ctx.op1("stablehlo.and", [ok, ctx.compare("GE", idx, zero)], shaped(idx.shape, sb))
    true = ctx.scalar(True, sb)
    scalar = shaped((), sb)
    region = ctx.region([scalar, scalar], lambda c, a: [c.op1("stablehlo.and", a, scalar)])
    out = shaped(idx.shape[:-1], sb)
    dims = f"dimensions = {i64_array([idx.aval.ndim - 1])}"
    return ctx.op1("stablehlo.reduce", [ok, true], out, dims, [region])


def _gather_lowering(ctx: LoweringContext, x: Value, idx: Value, *, mode: str) -> Value:
    out = ctx.out_aval
    k = idx.shape[-1]
    batch_shape = idx.shape[:-1]
    if x.aval.size == 0 or out.size == 0:
        return ctx.full(0, out.shape, out.dtype)
    if k == 0:
        return ctx.broadcast_in_dim(x, range(len(batch_shape), len(out.shape)), out)
    offset = list(range(len(batch_shape), len(out.shape)))
    dn = (
        (f"offset_dims = {int_list(offset)}, " if offset else "")
        + f"collapsed_slice_dims = {int_list(range(k))}, "
        + f"start_index_map = {int_list(range(k))}, index_vector_dim = {len(batch_shape)}"
    )
    sizes = [1] * k + list(x.shape[k:])
    attrs = (
        f"dimension_numbers = #stablehlo.gather<{dn}>, indices_are_sorted = false, "
        f"slice_sizes = {i64_array(sizes)}"
    )
    res = ctx.op1("stablehlo.gather", [x, idx], out, attrs)
    if mode == "fill":
        valid = _in_range(ctx, idx, x.shape[:k])
        mask = ctx.broadcast_in_dim(
            valid, range(len(batch_shape)), shaped(out.shape, np.dtype(np.bool_))
        )
        res = ctx.select(mask, res, ctx.full(0, out.shape, out.dtype))
    return res


core.def_impl(gather_p, _gather_impl)
core.def_abstract(gather_p, _gather_abstract)
jvp.def_jvp_rule(gather_p, _gather_jvp)
transpose.def_transpose(gather_p, _gather_transpose)
batch.def_batch(gather_p, _gather_batch)
lowering.def_rule(gather_p, _gather_lowering)


def gather(x: Array, idx: Array, mode: str = "clip") -> Array:
    if mode not in ("clip", "fill"):
        raise ValueError(f"gather mode must be 'clip' or 'fill', got {mode!r}")
    return gather_p.bind1(x, idx, mode=mode)


# ---------------------------------------------------------------------------
# scatter
# ---------------------------------------------------------------------------

scatter_p = core.new_primitive("scatter")
_UFUNCS = {"add": np.add, "mul": np.multiply, "min": np.minimum, "max": np.maximum}


def _scatter_impl(x: NDArray, idx: NDArray, upd: NDArray, *, kind: str) -> NDArray:
    cols, valid = _split(x.shape, idx)
    out = x.copy()
    if not valid.any():
        return out
    sel = tuple(c[valid] for c in cols)
    u = upd[valid]
    if kind == "set":
        out[sel] = u
    else:
        _UFUNCS[kind].at(out, sel, u)
    return out


def _scatter_abstract(
    x: ShapedArray, idx: ShapedArray, upd: ShapedArray, *, kind: str
) -> ShapedArray:
    k = _check("scatter", x, idx)
    expected = idx.shape[:-1] + x.shape[k:]
    if upd.shape != expected or upd.dtype != x.dtype:
        raise TypeError(
            f"scatter: updates must be {x.dtype.name}{list(expected)} for operand {x.str_short()} "
            f"and indices {idx.str_short()}, got {upd.str_short()}"
        )
    if kind not in ("set", *_UFUNCS):
        raise TypeError(f"scatter: unknown kind {kind!r}")
    return ShapedArray(x.shape, x.dtype, x.weak_type)


def _scatter_jvp(primals: Sequence[Array], tangents: Sequence[MaybeZero], *, kind: str) -> Any:
    (x, idx, upd), (tx, _, tu) = primals, tangents
    ans = scatter(x, idx, upd, kind)
    if isinstance(tx, Zero) and isinstance(tu, Zero):
        return ans, Zero.like(ans)
    if kind in ("add", "set"):
        return ans, scatter(jvp.instantiate(tx), idx, jvp.instantiate(tu), kind)
    if kind == "mul":
        # ans = x * P with P = scatter_mul(1, idx, upd); dP = P * scatter_add(0, idx, tu / upd).
        ones = ew.ones_like(x)
        prod = scatter(ones, idx, upd, "mul")
        t = ew.zeros_like(x) if isinstance(tx, Zero) else ew.mul(tx, prod)
        if not isinstance(tu, Zero):
            rel = scatter(ew.zeros_like(x), idx, ew.div(tu, upd), "add")
            t = ew.add(t, ew.mul(ans, rel))
        return ans, t
    # min / max: the tangent follows whichever value won (x's where it survived).
    from_x = ew.eq(ans, x)
    t = ew.zeros_like(x) if isinstance(tx, Zero) else ew.select(from_x, tx, ew.zeros_like(x))
    if not isinstance(tu, Zero):
        won = ew.eq(gather(ans, idx, "clip"), upd)
        contrib = scatter(ew.zeros_like(x), idx, ew.select(won, tu, ew.zeros_like(tu)), "add")
        t = ew.add(t, ew.select(from_x, ew.zeros_like(x), contrib))
    return ans, t


def _scatter_transpose(
    ct: Array, x: Any, idx: Any, upd: Any, *, kind: str
) -> list[MaybeZero | None]:
    if kind not in ("add", "set") or is_undefined(idx):
        raise NonlinearError(f"scatter-{kind} is not linear")
    ct_x: MaybeZero | None = None
    if is_undefined(x):
        if kind == "add":
            ct_x = ct
        else:
            ct_x = scatter(ct, idx, ew.full(upd.aval.shape, 0, ct.dtype), "set")
    ct_u: MaybeZero | None = None
    if is_undefined(upd):
        ct_u = gather(ct, idx, "fill")
        if kind == "set":
            # Of several updates to one location only the one that was written gets a cotangent.
            won = _set_winners(idx, ct.shape)
            mask = st.broadcast_in_dim(won, ct_u.shape, tuple(range(won.ndim)))
            ct_u = ew.select(mask, ct_u, ew.zeros_like(ct_u))
    return [ct_x, None, ct_u]


def _set_winners(idx: Array, shape: tuple[int, ...]) -> Array:
    """Which index rows a scatter-set into an array of ``shape`` keeps (duplicates: one wins).

    Scattering each row's position and reading it back finds the winner by the same
    rule the scatter itself follows.
    """
    rows = idx.shape[:-1]
    n = int(np.prod(rows, dtype=np.int64))
    ids = st.reshape(st.iota(np.dtype(np.int32), (n,), 0), rows)
    slots = scatter(ew.full(shape[: idx.shape[-1]], -1, np.dtype(np.int32)), idx, ids, "set")
    return ew.eq(gather(slots, idx, "fill"), ids)


def _scatter_batch(vals: Sequence[Array], dims: Sequence[BDim], *, kind: str) -> tuple[Array, int]:
    (x, idx, upd), (dx, di, du) = vals, dims
    size = batch.batch_size(vals, dims)
    x = batch.bdim_at_front(x, dx, size)
    upd = batch.bdim_at_front(upd, du, size)
    if di is not None and di == idx.ndim - 1:
        idx, di = batch.moveaxis(idx, di, 0), 0
    idx = batch.bdim_at_front(idx, di, size)
    return scatter(x, _with_batch_column(idx, size), upd, kind), 0


_SCATTER_OPS = {
    "add": "stablehlo.add", "mul": "stablehlo.multiply", "min": "stablehlo.minimum",
    "max": "stablehlo.maximum",
}  # fmt: skip


def _scatter_lowering(
    ctx: LoweringContext, x: Value, idx: Value, upd: Value, *, kind: str
) -> Value:
    """Combine ``upd`` into ``x`` at index rows ``idx`` by ``kind``; drop out-of-range rows."""
    k = idx.shape[-1]
    nb = idx.aval.ndim - 1
    if x.aval.size == 0 or upd.aval.size == 0:
        return x
    dt = x.dtype
    scalar = shaped((), dt)
    op = _SCATTER_OPS.get(kind)
    if dtypes.is_bool(dt) and op is not None:
        op = "stablehlo.or" if kind in ("add", "max") else "stablehlo.and"

    def body(c: LoweringContext, args: list[Value]) -> list[Value]:
        return [args[1]] if op is None else [c.op1(op, args, scalar)]

    region = ctx.region([scalar, scalar], body)
    window = list(range(nb, upd.aval.ndim))
    dn = ", ".join(
        s for s in (
            f"update_window_dims = {int_list(window)}" if window else "",
            f"inserted_window_dims = {int_list(range(k))}" if k else "",
            f"scatter_dims_to_operand_dims = {int_list(range(k))}" if k else "",
            f"index_vector_dim = {nb}",
        ) if s
    )  # fmt: skip
    attrs = (
        f"indices_are_sorted = false, scatter_dimension_numbers = #stablehlo.scatter<{dn}>, "
        "unique_indices = false"
    )
    return ctx.op1("stablehlo.scatter", [x, idx, upd], x.aval, attrs, [region])


core.def_impl(scatter_p, _scatter_impl)
core.def_abstract(scatter_p, _scatter_abstract)
jvp.def_jvp_rule(scatter_p, _scatter_jvp)
transpose.def_transpose(scatter_p, _scatter_transpose)
batch.def_batch(scatter_p, _scatter_batch)
lowering.def_rule(scatter_p, _scatter_lowering)


def scatter(x: Array, idx: Array, updates: Array, kind: str = "set") -> Array:
    return scatter_p.bind1(x, idx, updates, kind=kind)


# ---------------------------------------------------------------------------
# dynamic_slice and dynamic_update_slice (start indices are traced scalars,
# clamped so the window stays in bounds, as XLA does)
# ---------------------------------------------------------------------------

dynamic_slice_p = core.new_primitive("dynamic_slice")


def _clamped_starts(shape: Shape, sizes: Shape, idx: Sequence[NDArray]) -> list[int]:
    return [int(np.clip(int(i), 0, n - s)) for n, s, i in zip(shape, sizes, idx, strict=True)]


def _dynamic_slice_impl(x: NDArray, *idx: NDArray, slice_sizes: Shape) -> NDArray:
    starts = _clamped_starts(x.shape, slice_sizes, idx)
    return x[tuple(slice(a, a + s) for a, s in zip(starts, slice_sizes, strict=True))]


def _check_starts(name: str, x: ShapedArray, idx: Sequence[ShapedArray]) -> None:
    if len(idx) != x.ndim or any(i.shape != () or not dtypes.is_integer(i.dtype) for i in idx):
        raise TypeError(f"{name}: needs {x.ndim} scalar integer start indices for {x.str_short()}")


def _dynamic_slice_abstract(x: ShapedArray, *idx: ShapedArray, slice_sizes: Shape) -> ShapedArray:
    _check_starts("dynamic_slice", x, idx)
    if len(slice_sizes) != x.ndim or any(
        not 0 <= s <= n for s, n in zip(slice_sizes, x.shape, strict=True)
    ):
        raise TypeError(f"dynamic_slice: slice_sizes {slice_sizes} invalid for {x.str_short()}")
    return ShapedArray(tuple(slice_sizes), x.dtype, x.weak_type)


def _dynamic_slice_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, slice_sizes: Shape
) -> Any:
    x, *idx = primals
    ans = dynamic_slice(x, idx, slice_sizes)
    t = tangents[0]
    return ans, Zero.like(ans) if isinstance(t, Zero) else dynamic_slice(t, idx, slice_sizes)


def _dynamic_slice_transpose(
    ct: Array, x: Any, *idx: Any, slice_sizes: Shape
) -> list[MaybeZero | None]:
    zeros = ew.full(x.aval.shape, 0, x.aval.dtype)
    return [dynamic_update_slice(zeros, ct, idx), *([None] * len(idx))]


def _window_indices(x_shape: Shape, window: Shape, starts: Sequence[Array]) -> Array:
    """Gather/scatter indices of a window per batch element: row ``b`` covers
    ``x[b, start_b : start_b + window]``, starts clamped in bounds as XLA does."""
    i32 = np.dtype(np.int32)
    cols = [st.reshape(st.iota(i32, window, 0), (*window, 1))]
    for axis, start in enumerate(starts):
        n, s = x_shape[axis + 1], window[axis + 1]
        start = ew.convert_element_type(start, i32)
        start = ew.clamp(ew.full_like(start, 0), start, ew.full_like(start, n - s))
        offsets = st.broadcast_in_dim(start, window, (0,))
        cols.append(st.reshape(ew.add(st.iota(i32, window, axis + 1), offsets), (*window, 1)))
    return st.concatenate(cols, len(window))


def _batched_starts(idx: Sequence[Array], dims: Sequence[BDim], size: int) -> list[Array]:
    return [batch.bdim_at_front(i, d, size) for i, d in zip(idx, dims, strict=True)]


def _dynamic_slice_batch(vals: Sequence[Array], dims: Sequence[BDim], *, slice_sizes: Shape) -> Any:
    x, *idx = vals
    dx, *didx = dims
    size = batch.batch_size(vals, dims)
    if all(d is None for d in didx):
        assert dx is not None
        zero = Array(np.asarray(0, idx[0].dtype if idx else np.int32))
        starts = [*idx[:dx], zero, *idx[dx:]]
        sizes = (*slice_sizes[:dx], x.shape[dx], *slice_sizes[dx:])
        return dynamic_slice(x, starts, sizes), dx
    # Batched starts: gather the window of every batch element at once.
    x = batch.bdim_at_front(x, dx, size)
    starts = _batched_starts(idx, didx, size)
    return gather(x, _window_indices(x.shape, (size, *slice_sizes), starts)), 0


core.def_impl(dynamic_slice_p, _dynamic_slice_impl)
core.def_abstract(dynamic_slice_p, _dynamic_slice_abstract)
jvp.def_jvp_rule(dynamic_slice_p, _dynamic_slice_jvp)
transpose.def_transpose(dynamic_slice_p, _dynamic_slice_transpose)
batch.def_batch(dynamic_slice_p, _dynamic_slice_batch)
lowering.def_rule(
    dynamic_slice_p, lambda ctx, x, *idx, slice_sizes: ctx.dynamic_slice(x, idx, slice_sizes)
)


def dynamic_slice(x: Array, start_indices: Sequence[Array], slice_sizes: Sequence[int]) -> Array:
    idx = [core.asarray(i) for i in start_indices]
    return dynamic_slice_p.bind1(x, *idx, slice_sizes=tuple(int(s) for s in slice_sizes))


dynamic_update_slice_p = core.new_primitive("dynamic_update_slice")


def _dynamic_update_slice_impl(x: NDArray, upd: NDArray, *idx: NDArray) -> NDArray:
    starts = _clamped_starts(x.shape, upd.shape, idx)
    out = x.copy()
    out[tuple(slice(a, a + s) for a, s in zip(starts, upd.shape, strict=True))] = upd
    return out


def _dynamic_update_slice_abstract(
    x: ShapedArray, upd: ShapedArray, *idx: ShapedArray
) -> ShapedArray:
    _check_starts("dynamic_update_slice", x, idx)
    if (
        upd.dtype != x.dtype
        or upd.ndim != x.ndim
        or any(u > n for u, n in zip(upd.shape, x.shape, strict=True))
    ):
        raise TypeError(
            f"dynamic_update_slice: update {upd.str_short()} does not fit operand {x.str_short()}"
        )
    return ShapedArray(x.shape, x.dtype, x.weak_type)


def _dynamic_update_slice_jvp(primals: Sequence[Array], tangents: Sequence[MaybeZero]) -> Any:
    x, upd, *idx = primals
    tx, tu = tangents[0], tangents[1]
    ans = dynamic_update_slice(x, upd, idx)
    if isinstance(tx, Zero) and isinstance(tu, Zero):
        return ans, Zero.like(ans)
    return ans, dynamic_update_slice(jvp.instantiate(tx), jvp.instantiate(tu), idx)


def _dynamic_update_slice_transpose(
    ct: Array, x: Any, upd: Any, *idx: Any
) -> list[MaybeZero | None]:
    shape = upd.aval.shape
    ct_x = dynamic_update_slice(ct, ew.full(shape, 0, ct.dtype), idx) if is_undefined(x) else None
    ct_u = dynamic_slice(ct, idx, shape) if is_undefined(upd) else None
    return [ct_x, ct_u, *([None] * len(idx))]


def _dynamic_update_slice_batch(vals: Sequence[Array], dims: Sequence[BDim]) -> Any:
    x, upd, *idx = vals
    dx, du, *didx = dims
    size = batch.batch_size(vals, dims)
    if all(d is None for d in didx):
        (x, upd), d = batch.align([x, upd], [dx, du])
        zero = Array(np.asarray(0, idx[0].dtype if idx else np.int32))
        return dynamic_update_slice(x, upd, [*idx[:d], zero, *idx[d:]]), d
    x = batch.bdim_at_front(x, dx, size)
    upd = batch.bdim_at_front(upd, du, size)
    starts = _batched_starts(idx, didx, size)
    return scatter(x, _window_indices(x.shape, upd.shape, starts), upd, "set"), 0


core.def_impl(dynamic_update_slice_p, _dynamic_update_slice_impl)
core.def_abstract(dynamic_update_slice_p, _dynamic_update_slice_abstract)
jvp.def_jvp_rule(dynamic_update_slice_p, _dynamic_update_slice_jvp)
transpose.def_transpose(dynamic_update_slice_p, _dynamic_update_slice_transpose)
batch.def_batch(dynamic_update_slice_p, _dynamic_update_slice_batch)
lowering.def_rule(
    dynamic_update_slice_p, lambda ctx, x, upd, *idx: ctx.dynamic_update_slice(x, upd, idx)
)


def dynamic_update_slice(x: Array, update: Array, start_indices: Sequence[Array]) -> Array:
    idx = [core.asarray(i) for i in start_indices]
    return dynamic_update_slice_p.bind1(x, update, *idx)


def take_along_axis(x: Array, idx: Array, axis: int) -> Array:
    """``x`` indexed by ``idx`` along ``axis`` (same shape as ``idx``), via one gather."""
    shape = idx.shape
    cols = []
    for d in range(x.ndim):
        if d == axis:
            col = ew.convert_element_type(idx, np.dtype(np.int32))
        else:
            col = st.iota(np.dtype(np.int32), shape, d)
        cols.append(st.reshape(col, (*shape, 1)))
    return gather(x, st.concatenate(cols, len(shape)), "clip")
