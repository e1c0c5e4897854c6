"""Collectives over named axes: psum, pmax, pmin, all_gather, psum_scatter, all_to_all,
ppermute and axis_index.

A named axis is bound by ``vmap(..., axis_name=...)``: each batch element plays one
member of the group, and the batch handler owning the axis applies the collective's
*named rule* to the whole batch at once (psum is a sum over the batch axis, all_gather
makes the batch axis a data axis, ...). Under a handler that does not own the axis the
collective is an ordinary primitive whose *batch rule* moves its own parameters past the
batch axis. The JVP and transpose rules follow from linearity: psum transposes to psum,
all_gather to psum_scatter, all_to_all to all_to_all with the axes swapped, ppermute to
the inverse permutation. A collective reaching the bottom of the stack names an axis
nobody bound: a ``NameError``, as in JAX.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ShapedArray
from fad._src.interpreters import batch, jvp, transpose
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero, Zero
from fad._src.prims import elementwise as ew
from fad._src.prims import reductions as red
from fad._src.prims import structural as st
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value, shaped

AxisNames = tuple[Hashable, ...]


def _unbound(name: str) -> Any:
    def impl(*args: Any, axes: AxisNames = (), axis_name: Hashable = None, **_: Any) -> Any:
        missing = axes or (axis_name,)
        raise NameError(f"unbound axis name: {missing[0]} ({name} outside a vmap/shard_map "
                        "that binds it)")

    return impl


def _size(name: Hashable) -> int:
    size = batch.axis_size(name)
    if size is None:
        raise NameError(f"unbound axis name: {name}")
    return size


def _names(axis_name: Any) -> AxisNames:
    return tuple(axis_name) if isinstance(axis_name, tuple | list) else (axis_name,)


def _front(x: Array, d: BDim, size: int) -> Array:
    return batch.bdim_at_front(x, d, size)


def _member(x: Array, d: BDim) -> ShapedArray:
    """One member's aval (the batched operand without its batch axis)."""
    a = x.aval
    if d is None:
        return a
    return ShapedArray(a.shape[:d] + a.shape[d + 1 :], a.dtype, a.weak_type)


def _split_axes(handler: batch.BatchHandler, axes: AxisNames) -> tuple[bool, AxisNames]:
    """(whether ``handler`` owns one of ``axes``, the axes left for the handlers below)."""
    mine = handler.axis_name in axes
    return mine, tuple(a for a in axes if a != handler.axis_name)


# ---------------------------------------------------------------------------
# psum, pmax, pmin
# ---------------------------------------------------------------------------


def _reducer(name: str, reduce: Any, unbatched: Any) -> core.Primitive:
    prim = core.new_primitive(name)

    def abstract(x: ShapedArray, *, axes: AxisNames) -> ShapedArray:
        for a in axes:
            _size(a)
        return x

    def named(
        handler: batch.BatchHandler, vals: Sequence[Array], dims: Sequence[BDim], *,
        axes: AxisNames,
    ) -> tuple[Array, BDim]:  # fmt: skip
        (x,), (d,) = vals, dims
        _, rest = _split_axes(handler, axes)
        out = unbatched(x, handler.axis_size) if d is None else reduce(x, (d,))
        return (prim.bind1(out, axes=rest) if rest else out), None

    def foreign(vals: Sequence[Array], dims: Sequence[BDim], *, axes: AxisNames) -> Any:
        return prim.bind1(vals[0], axes=axes), dims[0]

    core.def_impl(prim, _unbound(name))
    core.def_abstract(prim, abstract, reads_context=True)
    batch.def_named(prim, named)
    batch.def_batch(prim, foreign)
    return prim


def _times(x: Array, n: int) -> Array:
    return ew.mul(x, ew.full(x.shape, n, x.dtype))


psum_p = _reducer("psum", st.reduce_sum, _times)
transpose.deflinear(psum_p, lambda ct, x, *, axes: [psum_p.bind1(ct, axes=axes)])

pmax_p = _reducer("pmax", red.reduce_max, lambda x, n: x)
pmin_p = _reducer("pmin", red.reduce_min, lambda x, n: x)


def _extremum_jvp(prim: core.Primitive) -> None:
    """The tangent where the extremum is attained, shared equally among ties (as the
    max/min reductions do)."""

    def rule(primals: Sequence[Array], tangents: Sequence[MaybeZero], *, axes: AxisNames) -> Any:
        (x,), (t,) = primals, tangents
        m = prim.bind1(x, axes=axes)
        if type(t) is Zero:
            return m, Zero.like(m)
        hit = ew.convert_element_type(ew.eq(x, m), x.dtype)
        count = psum_p.bind1(hit, axes=axes)
        share = psum_p.bind1(ew.mul(jvp.instantiate(t), hit), axes=axes)
        return m, ew.div(share, count)

    jvp.def_jvp_rule(prim, rule)


_extremum_jvp(pmax_p)
_extremum_jvp(pmin_p)


def psum(x: Array, axis_name: Any) -> Array:
    return psum_p.bind1(x, axes=_names(axis_name))


def pmax(x: Array, axis_name: Any) -> Array:
    return pmax_p.bind1(x, axes=_names(axis_name))


def pmin(x: Array, axis_name: Any) -> Array:
    return pmin_p.bind1(x, axes=_names(axis_name))


# ---------------------------------------------------------------------------
# all_gather and psum_scatter (each other's transposes)
# ---------------------------------------------------------------------------

all_gather_p = core.new_primitive("all_gather")
psum_scatter_p = core.new_primitive("psum_scatter")


def _all_gather_abstract(
    x: ShapedArray, *, axis_name: Hashable, axis: int, tiled: bool
) -> ShapedArray:
    n = _size(axis_name)
    shape = list(x.shape)
    if tiled:
        shape[axis] *= n
    else:
        shape.insert(axis, n)
    return ShapedArray(tuple(shape), x.dtype, x.weak_type)


def _all_gather_named(
    handler: batch.BatchHandler, vals: Sequence[Array], dims: Sequence[BDim], *,
    axis_name: Hashable, axis: int, tiled: bool,
) -> tuple[Array, BDim]:  # fmt: skip
    (x,), (d,) = vals, dims
    n = handler.axis_size
    xb = _front(x, d, n)  # (n, *shape)
    out = batch.moveaxis(xb, 0, axis)
    if tiled:
        shape = list(out.shape)
        merged = shape[axis] * shape[axis + 1]
        out = st.reshape(out, (*shape[:axis], merged, *shape[axis + 2 :]))
    return out, None


def _all_gather_foreign(
    vals: Sequence[Array], dims: Sequence[BDim], *, axis_name: Hashable, axis: int, tiled: bool
) -> Any:
    x = _front(vals[0], dims[0], 0)
    return all_gather_p.bind1(x, axis_name=axis_name, axis=axis + 1, tiled=tiled), 0


def _cut(shape: list[int], dim: int, n: int, tiled: bool, what: str) -> None:
    """A member's piece of ``shape`` cut into ``n`` along ``dim`` (in place): a ``1/n``
    slice when ``tiled``, else that dimension (which must have size ``n``) removed."""
    if tiled:
        if shape[dim] % n:
            raise ValueError(
                f"{what}: dimension {dim} of size {shape[dim]} does not divide by the axis "
                f"size {n}"
            )
        shape[dim] //= n
    else:
        if shape[dim] != n:
            raise ValueError(
                f"{what}: dimension {dim} has size {shape[dim]}, not the axis size {n} (or "
                "pass tiled=True)"
            )
        del shape[dim]


def _psum_scatter_abstract(
    x: ShapedArray, *, axis_name: Hashable, scatter_dimension: int, tiled: bool
) -> ShapedArray:
    shape = list(x.shape)
    _cut(shape, scatter_dimension, _size(axis_name), tiled, "psum_scatter")
    return ShapedArray(tuple(shape), x.dtype, x.weak_type)


def _psum_scatter_named(
    handler: batch.BatchHandler, vals: Sequence[Array], dims: Sequence[BDim], *,
    axis_name: Hashable, scatter_dimension: int, tiled: bool,
) -> tuple[Array, BDim]:  # fmt: skip
    (x,), (d,) = vals, dims
    _psum_scatter_abstract(
        _member(x, d), axis_name=axis_name, scatter_dimension=scatter_dimension, tiled=tiled
    )
    n = handler.axis_size
    total = _times(x, n) if d is None else st.reduce_sum(x, (d,))
    if tiled:
        shape = list(total.shape)
        k = shape[scatter_dimension] // n
        total = st.reshape(
            total, (*shape[:scatter_dimension], n, k, *shape[scatter_dimension + 1 :])
        )
    return total, scatter_dimension


def _psum_scatter_foreign(
    vals: Sequence[Array], dims: Sequence[BDim], *, axis_name: Hashable, scatter_dimension: int,
    tiled: bool,
) -> Any:  # fmt: skip
    x = _front(vals[0], dims[0], 0)
    out = psum_scatter_p.bind1(
        x, axis_name=axis_name, scatter_dimension=scatter_dimension + 1, tiled=tiled
    )
    return out, 0


for _p, _abstract, _named, _foreign in (
    (all_gather_p, _all_gather_abstract, _all_gather_named, _all_gather_foreign),
    (psum_scatter_p, _psum_scatter_abstract, _psum_scatter_named, _psum_scatter_foreign),
):
    core.def_impl(_p, _unbound(_p.name))
    core.def_abstract(_p, _abstract, reads_context=True)
    batch.def_named(_p, _named)
    batch.def_batch(_p, _foreign)

transpose.deflinear(
    all_gather_p,
    lambda ct, x, *, axis_name, axis, tiled: [
        psum_scatter_p.bind1(ct, axis_name=axis_name, scatter_dimension=axis, tiled=tiled)
    ],
)
transpose.deflinear(
    psum_scatter_p,
    lambda ct, x, *, axis_name, scatter_dimension, tiled: [
        all_gather_p.bind1(ct, axis_name=axis_name, axis=scatter_dimension, tiled=tiled)
    ],
)


def all_gather(x: Array, axis_name: Hashable, *, axis: int = 0, tiled: bool = False) -> Array:
    axis = axis + x.ndim + (0 if tiled else 1) if axis < 0 else axis
    return all_gather_p.bind1(x, axis_name=axis_name, axis=axis, tiled=tiled)


def psum_scatter(
    x: Array, axis_name: Hashable, *, scatter_dimension: int = 0, tiled: bool = False
) -> Array:
    d = scatter_dimension + x.ndim if scatter_dimension < 0 else scatter_dimension
    return psum_scatter_p.bind1(x, axis_name=axis_name, scatter_dimension=d, tiled=tiled)


# ---------------------------------------------------------------------------
# all_to_all
# ---------------------------------------------------------------------------

all_to_all_p = core.new_primitive("all_to_all")


def _all_to_all_abstract(
    x: ShapedArray, *, axis_name: Hashable, split_axis: int, concat_axis: int, tiled: bool
) -> ShapedArray:
    n = _size(axis_name)
    shape = list(x.shape)
    _cut(shape, split_axis, n, tiled, "all_to_all")
    if tiled:
        shape[concat_axis] *= n
    else:
        shape.insert(concat_axis, n)
    return ShapedArray(tuple(shape), x.dtype, x.weak_type)


def _all_to_all_named(
    handler: batch.BatchHandler, vals: Sequence[Array], dims: Sequence[BDim], *,
    axis_name: Hashable, split_axis: int, concat_axis: int, tiled: bool,
) -> tuple[Array, BDim]:  # fmt: skip
    (x,), (d,) = vals, dims
    _all_to_all_abstract(
        _member(x, d), axis_name=axis_name, split_axis=split_axis, concat_axis=concat_axis,
        tiled=tiled,
    )  # fmt: skip
    n = handler.axis_size
    xb = _front(x, d, n)  # member j at position 0
    if tiled:
        shape = list(xb.shape)
        k = shape[split_axis + 1] // n
        # Split the split axis into (n chunks, k): chunk i goes to member i.
        xb = st.reshape(xb, (*shape[: split_axis + 1], n, k, *shape[split_axis + 2 :]))
        # Member i receives chunk i from every j, stacked along concat_axis then merged.
        moved = batch.moveaxis(xb, split_axis + 1, 0)  # (i, j, ...rest with k)
        # Per member i: (j, ...); put j just before concat_axis's data and merge.
        rest = list(moved.shape[2:])
        per = batch.moveaxis(moved, 1, concat_axis + 1)
        merged = [*rest[:concat_axis], n * rest[concat_axis], *rest[concat_axis + 1 :]]
        return st.reshape(per, (n, *merged)), 0
    moved = batch.moveaxis(xb, split_axis + 1, 0)  # (i, j, ...per-member rest)
    return batch.moveaxis(moved, 1, concat_axis + 1), 0


def _all_to_all_foreign(
    vals: Sequence[Array], dims: Sequence[BDim], *, axis_name: Hashable, split_axis: int,
    concat_axis: int, tiled: bool,
) -> Any:  # fmt: skip
    x = _front(vals[0], dims[0], 0)
    out = all_to_all_p.bind1(
        x, axis_name=axis_name, split_axis=split_axis + 1, concat_axis=concat_axis + 1,
        tiled=tiled,
    )  # fmt: skip
    return out, 0


core.def_impl(all_to_all_p, _unbound("all_to_all"))
core.def_abstract(all_to_all_p, _all_to_all_abstract, reads_context=True)
batch.def_named(all_to_all_p, _all_to_all_named)
batch.def_batch(all_to_all_p, _all_to_all_foreign)
transpose.deflinear(
    all_to_all_p,
    lambda ct, x, *, axis_name, split_axis, concat_axis, tiled: [
        all_to_all_p.bind1(
            ct, axis_name=axis_name, split_axis=concat_axis, concat_axis=split_axis, tiled=tiled
        )
    ],
)


def all_to_all(
    x: Array, axis_name: Hashable, split_axis: int, concat_axis: int, *, tiled: bool = False
) -> Array:
    return all_to_all_p.bind1(
        x, axis_name=axis_name, split_axis=split_axis, concat_axis=concat_axis, tiled=tiled
    )


# ---------------------------------------------------------------------------
# ppermute
# ---------------------------------------------------------------------------

ppermute_p = core.new_primitive("ppermute")


def _ppermute_abstract(
    x: ShapedArray, *, axis_name: Hashable, perm: tuple[tuple[int, int], ...]
) -> ShapedArray:
    n = _size(axis_name)
    srcs = [s for s, _ in perm]
    dsts = [d for _, d in perm]
    if len(set(srcs)) != len(srcs) or len(set(dsts)) != len(dsts):
        raise ValueError(f"ppermute: perm {perm} sends from or to one member twice")
    if any(not 0 <= i < n for i in (*srcs, *dsts)):
        raise ValueError(f"ppermute: perm {perm} names members outside 0..{n - 1}")
    return x


def _ppermute_named(
    handler: batch.BatchHandler, vals: Sequence[Array], dims: Sequence[BDim], *,
    axis_name: Hashable, perm: tuple[tuple[int, int], ...],
) -> tuple[Array, BDim]:  # fmt: skip
    (x,), (d,) = vals, dims
    _ppermute_abstract(_member(x, d), axis_name=axis_name, perm=perm)
    n = handler.axis_size
    xb = _front(x, d, n)
    source = {dst: src for src, dst in perm}
    zero = ew.full((1, *xb.shape[1:]), 0, xb.dtype)
    pieces = [
        st.slice_(xb, (source[i], *(0,) * (xb.ndim - 1)), (source[i] + 1, *xb.shape[1:]))
        if i in source
        else zero
        for i in range(n)
    ]
    return st.concatenate(pieces, 0), 0


def _ppermute_foreign(
    vals: Sequence[Array], dims: Sequence[BDim], *, axis_name: Hashable,
    perm: tuple[tuple[int, int], ...],
) -> Any:  # fmt: skip
    return ppermute_p.bind1(vals[0], axis_name=axis_name, perm=perm), dims[0]


core.def_impl(ppermute_p, _unbound("ppermute"))
core.def_abstract(ppermute_p, _ppermute_abstract, reads_context=True)
batch.def_named(ppermute_p, _ppermute_named)
batch.def_batch(ppermute_p, _ppermute_foreign)
transpose.deflinear(
    ppermute_p,
    lambda ct, x, *, axis_name, perm: [
        ppermute_p.bind1(ct, axis_name=axis_name, perm=tuple((d, s) for s, d in perm))
    ],
)


def ppermute(x: Array, axis_name: Hashable, perm: Sequence[tuple[int, int]]) -> Array:
    pairs = tuple((int(s), int(d)) for s, d in perm)
    return ppermute_p.bind1(x, axis_name=axis_name, perm=pairs)


# ---------------------------------------------------------------------------
# axis_index
# ---------------------------------------------------------------------------

axis_index_p = core.new_primitive("axis_index")


def _axis_index_abstract(*, axis_name: Hashable) -> ShapedArray:
    _size(axis_name)
    return ShapedArray((), dtypes.canonicalize_dtype(dtypes.int32), False)


def _axis_index_named(
    handler: batch.BatchHandler, vals: Sequence[Array], dims: Sequence[BDim], *,
    axis_name: Hashable,
) -> tuple[Array, BDim]:  # fmt: skip
    return st.iota(dtypes.canonicalize_dtype(dtypes.int32), (handler.axis_size,)), 0


core.def_impl(axis_index_p, _unbound("axis_index"))
core.def_abstract(axis_index_p, _axis_index_abstract, reads_context=True)
batch.def_named(axis_index_p, _axis_index_named)
jvp.defjvp_zero(axis_index_p)


def axis_index(axis_name: Hashable) -> Array:
    return axis_index_p.bind1(axis_name=axis_name)




# ---------------------------------------------------------------------------
# Lowering inside shard_map: XLA collectives over replica groups of the mesh
# ---------------------------------------------------------------------------

# The mesh (axis names, shape) of the shard_map body being lowered; device i of the
# program is the mesh position ``np.unravel_index(i, shape)``.
_lowering_mesh: ContextVar[tuple[tuple[str, ...], tuple[int, ...]] | None] = ContextVar(
    "lowering_mesh", default=None
)
_channels = itertools.count(1)


@contextmanager
def lowering_mesh(names: tuple[str, ...], shape: tuple[int, ...]) -> Iterator[None]:
    """Lower collectives in the block inside against this mesh (shard_map's lowering)."""
    token = _lowering_mesh.set((names, shape))
    try:
        yield
    finally:
        _lowering_mesh.reset(token)


def _groups(axes: Sequence[Hashable]) -> np.ndarray[Any, Any]:
    """Device ids grouped by the members of ``axes``: one row per group, the members in
    axis order (the other mesh coordinates fixed within a row)."""
    mesh = _lowering_mesh.get()
    if mesh is None:
        raise NameError(f"unbound axis name: {axes[0]} (a collective outside shard_map/vmap)")
    names, shape = mesh
    for a in axes:
        if a not in names:
            raise NameError(f"unbound axis name: {a}")
    idx = [names.index(str(a)) for a in axes]
    others = [i for i in range(len(names)) if i not in idx]
    ids = np.arange(math.prod(shape)).reshape(shape)
    return ids.transpose(others + idx).reshape(-1, math.prod(shape[i] for i in idx))


def _group_attrs(axes: Sequence[Hashable], global_ids: bool = True) -> str:
    g = _groups(axes)
    attrs = (
        f"channel_handle = #stablehlo.channel_handle<handle = {next(_channels)}, type = 1>, "
        f"replica_groups = dense<{g.tolist()}> : tensor<{g.shape[0]}x{g.shape[1]}xi64>"
    )
    return attrs + (", use_global_device_ids" if global_ids else "")


def _lower_reduce(op: str) -> Any:
    def rule(ctx: LoweringContext, x: Value, *, axes: AxisNames) -> Value:
        if not axes:
            return x
        scalar = shaped((), x.dtype)
        region = ctx.region(
            [scalar, scalar], lambda c, ab: [c.op1(op, ab, scalar)]
        )
        return ctx.op1("stablehlo.all_reduce", [x], ctx.out_aval, _group_attrs(axes), [region])

    return rule


lowering.def_rule(psum_p, _lower_reduce("stablehlo.add"))
lowering.def_rule(pmax_p, _lower_reduce("stablehlo.maximum"))
lowering.def_rule(pmin_p, _lower_reduce("stablehlo.minimum"))


def _lower_all_gather(
    ctx: LoweringContext, x: Value, *, axis_name: Hashable, axis: int, tiled: bool
) -> Value:
    if not tiled:
        x = ctx.reshape(x, shaped((*x.shape[:axis], 1, *x.shape[axis:]), x.dtype))
    attrs = f"all_gather_dim = {axis} : i64, " + _group_attrs((axis_name,))
    return ctx.op1("stablehlo.all_gather", [x], ctx.out_aval, attrs)


def _lower_psum_scatter(
    ctx: LoweringContext, x: Value, *, axis_name: Hashable, scatter_dimension: int, tiled: bool
) -> Value:
    n = _groups((axis_name,)).shape[1]
    shape = list(x.shape)
    shape[scatter_dimension] //= n
    scalar = shaped((), x.dtype)
    region = ctx.region([scalar, scalar], lambda c, ab: [c.op1("stablehlo.add", ab, scalar)])
    attrs = f"scatter_dimension = {scatter_dimension} : i64, " + _group_attrs((axis_name,))
    out = ctx.op1("stablehlo.reduce_scatter", [x], shaped(shape, x.dtype), attrs, [region])
    return out if tiled else ctx.reshape(out, ctx.out_aval)


def _lower_all_to_all(
    ctx: LoweringContext, x: Value, *, axis_name: Hashable, split_axis: int, concat_axis: int,
    tiled: bool,
) -> Value:  # fmt: skip
    n = _groups((axis_name,)).shape[1]
    concat = concat_axis if tiled else split_axis
    shape = list(x.shape)
    shape[split_axis] //= n
    shape[concat] *= n
    attrs = (
        f"split_dimension = {split_axis} : i64, concat_dimension = {concat} : i64, "
        f"split_count = {n} : i64, " + _group_attrs((axis_name,), global_ids=False)
    )
    out = ctx.op1("stablehlo.all_to_all", [x], shaped(shape, x.dtype), attrs)
    if tiled:
        return out
    # Untiled: pieces of one element along the split axis, then that axis moves to
    # concat_axis.
    perm = list(range(len(shape)))
    perm.insert(concat_axis, perm.pop(split_axis))
    return ctx.transpose(out, perm)


def _lower_ppermute(
    ctx: LoweringContext, x: Value, *, axis_name: Hashable, perm: tuple[tuple[int, int], ...]
) -> Value:
    pairs = [[int(g[s]), int(g[d])] for g in _groups((axis_name,)) for s, d in perm]
    attrs = (
        f"channel_handle = #stablehlo.channel_handle<handle = {next(_channels)}, type = 1>, "
        f"source_target_pairs = dense<{pairs}> : tensor<{len(pairs)}x2xi64>"
    )
    return ctx.op1("stablehlo.collective_permute", [x], ctx.out_aval, attrs)


def _lower_axis_index(ctx: LoweringContext, *, axis_name: Hashable) -> Value:
    mesh = _lowering_mesh.get()
    _groups((axis_name,))  # checks the name
    assert mesh is not None
    names, shape = mesh
    k = names.index(str(axis_name))
    stride = math.prod(shape[k + 1 :])
    pid = ctx.op1("stablehlo.partition_id", [], shaped((), np.dtype(np.uint32)))
    i = ctx.convert(pid, ctx.out_aval.dtype)
    dt = ctx.out_aval.dtype
    q = ctx.op1("stablehlo.divide", [i, ctx.scalar(stride, dt)], ctx.out_aval)
    return ctx.op1("stablehlo.remainder", [q, ctx.scalar(shape[k], dt)], ctx.out_aval)


lowering.def_rule(all_gather_p, _lower_all_gather)
lowering.def_rule(psum_scatter_p, _lower_psum_scatter)
lowering.def_rule(all_to_all_p, _lower_all_to_all)
lowering.def_rule(ppermute_p, _lower_ppermute)
lowering.def_rule(axis_index_p, _lower_axis_index)
