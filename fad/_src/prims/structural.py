"""Shape primitives: broadcast, reshape, transpose, squeeze, reverse, concatenate,
pad, slice, dynamic slice/update, iota. All are linear in their array operands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import core
from fad._src.core import Array, DType, Shape, ShapedArray
from fad._src.interpreters import batch, transpose
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero
from fad._src.interpreters.transpose import is_undefined
from fad._src.prims import _util
from fad._src.prims import elementwise as ew
from fad._src.xla import lowering

NDArray = np.ndarray[Any, Any]

# ---------------------------------------------------------------------------
# broadcast_in_dim
# ---------------------------------------------------------------------------

broadcast_in_dim_p = core.broadcast_in_dim_p  # declared in the core: the interpreters emit it


def _broadcast_in_dim_impl(
    x: NDArray, *, shape: Shape, broadcast_dimensions: tuple[int, ...]
) -> NDArray:
    if x.flags.c_contiguous and x.dtype.kind in "biufc" and len(broadcast_dimensions) == x.ndim:
        # The read-only view ``np.broadcast_to`` makes (a stride of 0 on every broadcast
        # axis), built directly: a fraction of its cost, which is most of a scalar's
        # broadcast. A contiguous numeric ``x`` is a buffer that starts at its first element.
        strides = [0] * len(shape)
        xs, xst = x.shape, x.strides
        for i, d in enumerate(broadcast_dimensions):
            if xs[i] != 1:
                if xs[i] != shape[d]:
                    break  # not a broadcast: numpy's own says why
                strides[d] = xst[i]
        else:
            out = np.ndarray(shape, x.dtype, x, 0, tuple(strides))
            out.flags.writeable = False
            return out
    expanded = [1] * len(shape)
    for i, d in enumerate(broadcast_dimensions):
        expanded[d] = x.shape[i]
    return np.broadcast_to(x.reshape(expanded), shape)


def _broadcast_in_dim_abstract(
    x: ShapedArray, *, shape: Shape, broadcast_dimensions: tuple[int, ...]
) -> ShapedArray:
    if len(broadcast_dimensions) != x.ndim:
        raise TypeError(
            f"broadcast_in_dim: operand of rank {x.ndim} needs {x.ndim} broadcast_dimensions, "
            f"got {broadcast_dimensions}"
        )
    for i, d in enumerate(broadcast_dimensions):
        if not 0 <= d < len(shape) or x.shape[i] not in (1, shape[d]):
            raise TypeError(
                f"broadcast_in_dim: cannot broadcast operand {x.str_short()} to shape {shape} "
                f"with broadcast_dimensions {broadcast_dimensions}"
            )
    if list(broadcast_dimensions) != sorted(set(broadcast_dimensions)):
        raise TypeError(f"broadcast_dimensions must be strictly increasing: {broadcast_dimensions}")
    return ShapedArray(tuple(shape), x.dtype, x.weak_type)


def _broadcast_in_dim_transpose(
    ct: Array, x: Any, *, shape: Shape, broadcast_dimensions: tuple[int, ...]
) -> list[MaybeZero | None]:
    in_shape = x.aval.shape
    new_dims = tuple(d for d in range(len(shape)) if d not in broadcast_dimensions)
    # Dimensions of size 1 in the operand that were stretched.
    stretched = tuple(
        d for i, d in enumerate(broadcast_dimensions) if in_shape[i] == 1 and shape[d] != 1
    )
    summed = reduce_sum(ct, tuple(sorted(new_dims + stretched)))
    return [reshape(summed, in_shape)]


def _broadcast_in_dim_batch(
    vals: Sequence[Array],
    dims: Sequence[BDim],
    *,
    shape: Shape,
    broadcast_dimensions: tuple[int, ...],
) -> tuple[Array, int]:
    (x,), (d,) = vals, dims
    assert d is not None
    # The batch axis stays where it is relative to the operand's other axes: it goes
    # right after the output axis that the operand axis before it maps to.
    q = broadcast_dimensions[d - 1] + 1 if d > 0 else 0
    shifted = [b if b < q else b + 1 for b in broadcast_dimensions]
    out_shape = (*shape[:q], x.shape[d], *shape[q:])
    return broadcast_in_dim(x, out_shape, (*shifted[:d], q, *shifted[d:])), q


core.def_impl(broadcast_in_dim_p, _broadcast_in_dim_impl)
core.def_abstract(broadcast_in_dim_p, _broadcast_in_dim_abstract)
transpose.deflinear(broadcast_in_dim_p, _broadcast_in_dim_transpose)
batch.def_batch(broadcast_in_dim_p, _broadcast_in_dim_batch)
lowering.def_rule(
    broadcast_in_dim_p,
    lambda ctx, x, *, shape, broadcast_dimensions: ctx.broadcast_in_dim(x, broadcast_dimensions),
)


def broadcast_in_dim(x: Array, shape: Sequence[int], broadcast_dimensions: Sequence[int]) -> Array:
    shape, bdims = tuple(int(s) for s in shape), tuple(int(b) for b in broadcast_dimensions)
    if x.shape == shape and bdims == tuple(range(len(shape))):
        return x
    return broadcast_in_dim_p.bind1(x, shape=shape, broadcast_dimensions=bdims)


def broadcast_to(x: Array, shape: Sequence[int]) -> Array:
    """numpy-style broadcast of ``x`` to ``shape`` (trailing alignment)."""
    shape = tuple(shape)
    lead = len(shape) - x.ndim
    if lead < 0 or any(s not in (1, t) for s, t in zip(x.shape, shape[lead:], strict=True)):
        raise ValueError(f"cannot broadcast an array of shape {x.shape} to shape {shape}")
    return broadcast_in_dim(x, shape, tuple(range(lead, len(shape))))


# ---------------------------------------------------------------------------
# reduce_sum: broadcast_in_dim's transpose (and it is reduce_sum's), so the two live
# together; the other reductions are in ``reductions.py``.
# ---------------------------------------------------------------------------

reduce_sum_p = _util.reduction(
    # (``np.add.reduce`` is what ``np.sum`` calls on an ndarray, without its Python wrapper)
    "reduce_sum",
    lambda x, *, axes: np.add.reduce(x, axis=axes, dtype=x.dtype),
    "number",
    "add",
)
transpose.deflinear(reduce_sum_p, lambda ct, x, *, axes: [unreduce(ct, x.aval.shape, axes)])


def reduce_sum(x: Array, axes: Sequence[int]) -> Array:
    axes_t = tuple(sorted(int(a) for a in axes))
    return x if not axes_t else reduce_sum_p.bind1(x, axes=axes_t)


def unreduce(y: Array, shape: tuple[int, ...], axes: tuple[int, ...]) -> Array:
    """Broadcast a reduction's result back over the reduced ``axes`` of ``shape``."""
    return broadcast_in_dim(y, shape, _util.kept_dims(len(shape), axes))


# ---------------------------------------------------------------------------
# reshape, transpose, squeeze, rev
# ---------------------------------------------------------------------------

reshape_p = core.new_primitive("reshape")


def _reshape_abstract(x: ShapedArray, *, new_sizes: Shape) -> ShapedArray:
    if int(np.prod(new_sizes, dtype=np.int64)) != x.size:
        raise TypeError(f"reshape: cannot reshape {x.str_short()} to shape {new_sizes}")
    return ShapedArray(new_sizes, x.dtype, x.weak_type)


def _reshape_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, new_sizes: Shape
) -> tuple[Array, int]:
    (x,), (d,) = vals, dims
    assert d is not None
    x = batch.moveaxis(x, d, 0)
    return reshape(x, (x.shape[0], *new_sizes)), 0


core.def_impl(reshape_p, lambda x, *, new_sizes: x.reshape(new_sizes))
core.def_abstract(reshape_p, _reshape_abstract)
transpose.deflinear(reshape_p, lambda ct, x, *, new_sizes: [reshape(ct, x.aval.shape)])
batch.def_batch(reshape_p, _reshape_batch)
lowering.def_rule(reshape_p, lambda ctx, x, *, new_sizes: ctx.reshape(x))


def reshape(x: Array, new_sizes: Sequence[int]) -> Array:
    new = tuple(int(s) for s in new_sizes)
    return x if x.shape == new else reshape_p.bind1(x, new_sizes=new)


transpose_p = core.transpose_p  # declared in the core: the interpreters emit it


def _transpose_abstract(x: ShapedArray, *, permutation: tuple[int, ...]) -> ShapedArray:
    if sorted(permutation) != list(range(x.ndim)):
        raise TypeError(
            f"transpose: {permutation} is not a permutation of the axes of {x.str_short()}"
        )
    return ShapedArray(tuple(x.shape[p] for p in permutation), x.dtype, x.weak_type)


def _transpose_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, permutation: tuple[int, ...]
) -> tuple[Array, int]:
    (x,), (d,) = vals, dims
    assert d is not None
    rest = [p if p < d else p + 1 for p in permutation]
    return transpose_(x, (d, *rest)), 0


core.def_impl(transpose_p, lambda x, *, permutation: x.transpose(permutation))  # (no wrapper)
core.def_abstract(transpose_p, _transpose_abstract)
transpose.deflinear(
    transpose_p,
    lambda ct, x, *, permutation: [transpose_(ct, tuple(int(i) for i in np.argsort(permutation)))],
)
batch.def_batch(transpose_p, _transpose_batch)
lowering.def_rule(transpose_p, lambda ctx, x, *, permutation: ctx.transpose(x, permutation))


def transpose_(x: Array, permutation: Sequence[int]) -> Array:
    perm = tuple(int(p) for p in permutation)
    return x if perm == tuple(range(x.ndim)) else transpose_p.bind1(x, permutation=perm)


def squeeze(x: Array, dimensions: Sequence[int]) -> Array:
    dims = _util.canonical_axes(dimensions, x.ndim)
    for d in dims:
        if x.shape[d] != 1:
            raise ValueError(f"cannot squeeze axis {d} of size {x.shape[d]} (shape {x.shape})")
    return reshape(x, tuple(s for i, s in enumerate(x.shape) if i not in dims))


def expand_dims(x: Array, dimensions: Sequence[int]) -> Array:
    ndim = x.ndim + len(dimensions)
    dims = _util.canonical_axes(dimensions, ndim)
    shape = list(x.shape)
    for d in sorted(dims):
        shape.insert(d, 1)
    return reshape(x, shape)


rev_p = core.new_primitive("rev")


def _rev_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, dimensions: tuple[int, ...]
) -> tuple[Array, int]:
    (x,), (d,) = vals, dims
    assert d is not None
    return rev(x, tuple(a if a < d else a + 1 for a in dimensions)), d


core.def_impl(rev_p, lambda x, *, dimensions: np.flip(x, dimensions) if dimensions else x)
core.def_abstract(
    rev_p,
    lambda x, *, dimensions: (
        ShapedArray(x.shape, x.dtype, x.weak_type)
        if all(0 <= d < x.ndim for d in dimensions)
        else _bad_axes("rev", dimensions, x)
    ),
)
transpose.deflinear(rev_p, lambda ct, x, *, dimensions: [rev(ct, dimensions)])
batch.def_batch(rev_p, _rev_batch)
lowering.def_rule(rev_p, lambda ctx, x, *, dimensions: ctx.reverse(x, dimensions))


def _bad_axes(name: str, axes: Sequence[int], x: ShapedArray) -> ShapedArray:
    raise TypeError(f"{name}: axes {tuple(axes)} out of range for {x.str_short()}")


def rev(x: Array, dimensions: Sequence[int]) -> Array:
    dims = tuple(int(d) for d in dimensions)
    return x if not dims else rev_p.bind1(x, dimensions=dims)


# ---------------------------------------------------------------------------
# concatenate
# ---------------------------------------------------------------------------

concatenate_p = core.new_primitive("concatenate")


def _concatenate_abstract(*xs: ShapedArray, dimension: int) -> ShapedArray:
    if not xs:
        raise TypeError("concatenate needs at least one operand")
    first = xs[0]
    for x in xs[1:]:
        if (
            x.dtype != first.dtype
            or x.ndim != first.ndim
            or any(
                a != b
                for i, (a, b) in enumerate(zip(x.shape, first.shape, strict=True))
                if i != dimension
            )
        ):
            raise TypeError(
                "concatenate: operands must have equal dtypes and shapes except along axis "
                f"{dimension}, got {', '.join(a.str_short() for a in xs)}"
            )
    shape = list(first.shape)
    shape[dimension] = sum(x.shape[dimension] for x in xs)
    return ShapedArray(tuple(shape), first.dtype, all(x.weak_type for x in xs))


def _concatenate_transpose(ct: Array, *xs: Any, dimension: int) -> list[MaybeZero | None]:
    out: list[MaybeZero | None] = []
    start = 0
    for x in xs:
        size = x.aval.shape[dimension]
        if is_undefined(x):
            lo = [0] * ct.ndim
            hi = list(ct.shape)
            lo[dimension], hi[dimension] = start, start + size
            out.append(slice_(ct, lo, hi))
        else:
            out.append(None)
        start += size
    return out


def _concatenate_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, dimension: int
) -> tuple[Array, int]:
    aligned, d = batch.align(vals, dims)
    return concatenate(aligned, dimension if dimension < d else dimension + 1), d


core.def_impl(concatenate_p, lambda *xs, dimension: np.concatenate(xs, axis=dimension))
core.def_abstract(concatenate_p, _concatenate_abstract)
transpose.deflinear(concatenate_p, _concatenate_transpose)
batch.def_batch(concatenate_p, _concatenate_batch)
lowering.def_rule(concatenate_p, lambda ctx, *xs, dimension: ctx.concatenate(xs, dimension))


def concatenate(xs: Sequence[Array], dimension: int) -> Array:
    if len(xs) == 1:
        return xs[0]
    return concatenate_p.bind1(*xs, dimension=int(dimension))


# ---------------------------------------------------------------------------
# pad
# ---------------------------------------------------------------------------

pad_p = core.new_primitive("pad")
PadConfig = tuple[tuple[int, int, int], ...]


def _pad_impl(x: NDArray, pv: NDArray, *, padding_config: PadConfig) -> NDArray:
    # Interior padding first, then edges (negative edges crop).
    shape = [
        (n + max(n - 1, 0) * interior)
        for n, (_, _, interior) in zip(x.shape, padding_config, strict=True)
    ]
    out = np.full(shape, pv, dtype=x.dtype)
    out[tuple(slice(None, None, interior + 1) for _, _, interior in padding_config)] = x
    widths = [(max(lo, 0), max(hi, 0)) for lo, hi, _ in padding_config]
    out = np.pad(out, widths, constant_values=pv)
    crop = tuple(
        slice(-lo if lo < 0 else 0, (out.shape[i] + hi) if hi < 0 else None)
        for i, (lo, hi, _) in enumerate(padding_config)
    )
    return out[crop]


def _pad_abstract(x: ShapedArray, pv: ShapedArray, *, padding_config: PadConfig) -> ShapedArray:
    if pv.shape != () or pv.dtype != x.dtype:
        raise TypeError(
            f"pad: padding value must be a scalar of dtype {x.dtype.name}, got {pv.str_short()}"
        )
    if len(padding_config) != x.ndim:
        raise TypeError(f"pad: padding_config has {len(padding_config)} entries for rank {x.ndim}")
    shape = []
    for n, (lo, hi, interior) in zip(x.shape, padding_config, strict=True):
        if interior < 0:
            raise TypeError("pad: interior padding must be non-negative")
        size = lo + hi + n + max(n - 1, 0) * interior
        if size < 0:
            raise TypeError(f"pad: negative output size for {x.str_short()} and {padding_config}")
        shape.append(size)
    return ShapedArray(tuple(shape), x.dtype, x.weak_type)


def _pad_transpose(
    ct: Array, x: Any, pv: Any, *, padding_config: PadConfig
) -> list[MaybeZero | None]:
    # Undo negative edges by zero-padding, then take every (interior+1)-th element.
    unneg = pad(
        ct, _scalar_zero(ct), tuple((max(-lo, 0), max(-hi, 0), 0) for lo, hi, _ in padding_config)
    )
    lo = [max(lo, 0) for lo, _, _ in padding_config]
    shape = x.aval.shape
    hi = [
        lo_i + (n - 1) * (interior + 1) + 1 if n else lo_i
        for lo_i, n, (_, _, interior) in zip(lo, shape, padding_config, strict=True)
    ]
    strides = [interior + 1 for _, _, interior in padding_config]
    # The cotangent at x's positions: x's own cotangent, and what the padding value's is not
    # (needed for the latter even when x is a constant).
    at_x = slice_(unneg, lo, hi, strides)
    t_x = at_x if is_undefined(x) else None
    t_pv: MaybeZero | None = None
    if is_undefined(pv):
        axes = tuple(range(ct.ndim))
        t_pv = ew.sub(reduce_sum(ct, axes), reduce_sum(at_x, axes))
    return [t_x, t_pv]


def _scalar_zero(x: Array) -> Array:
    return Array(np.zeros((), x.dtype))


def _pad_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, padding_config: PadConfig
) -> tuple[Array, int]:
    (x, pv), (dx, dpv) = vals, dims
    size = batch.batch_size(vals, dims)
    d = 0 if dx is None else dx
    x = batch.bdim_to(x, dx, size, d)
    config = (*padding_config[:d], (0, 0, 0), *padding_config[d:])
    if dpv is None:
        return pad(x, pv, config), d
    # A batched padding value: pad with zero, then fill the padding from a mask.
    zero = _scalar_zero(x)
    padded = pad(x, zero, config)
    mask = pad(ew.full_like(x, False, np.dtype(np.bool_)), Array(np.asarray(True)), config)
    fill = broadcast_in_dim(pv, padded.shape, (d,))
    return ew.select(mask, fill, padded), d


core.def_impl(pad_p, _pad_impl)
core.def_abstract(pad_p, _pad_abstract)
transpose.deflinear(pad_p, _pad_transpose)
batch.def_batch(pad_p, _pad_batch)
lowering.def_rule(pad_p, lambda ctx, x, pv, *, padding_config: ctx.pad(x, pv, padding_config))


def pad(x: Array, padding_value: Array, padding_config: Sequence[Sequence[int]]) -> Array:
    config = tuple((int(lo), int(hi), int(i)) for lo, hi, i in padding_config)
    if all(c == (0, 0, 0) for c in config):
        return x
    return pad_p.bind1(x, padding_value, padding_config=config)


# ---------------------------------------------------------------------------
# slice
# ---------------------------------------------------------------------------

slice_p = core.new_primitive("slice")


def _slice_abstract(
    x: ShapedArray, *, start_indices: Shape, limit_indices: Shape, strides: Shape | None
) -> ShapedArray:
    st = strides or (1,) * x.ndim
    if not (len(start_indices) == len(limit_indices) == len(st) == x.ndim):
        raise TypeError(f"slice: index lists must have length {x.ndim} for {x.str_short()}")
    shape = []
    for n, lo, hi, s in zip(x.shape, start_indices, limit_indices, st, strict=True):
        if not 0 <= lo <= hi <= n or s < 1:
            raise TypeError(
                f"slice: invalid slice {start_indices}:{limit_indices}:{st} of {x.str_short()}"
            )
        shape.append((hi - lo + s - 1) // s)
    return ShapedArray(tuple(shape), x.dtype, x.weak_type)


def _slice_impl(
    x: NDArray, *, start_indices: Shape, limit_indices: Shape, strides: Shape | None
) -> NDArray:
    st = strides or (1,) * x.ndim
    return x[
        tuple(slice(a, b, s) for a, b, s in zip(start_indices, limit_indices, st, strict=True))
    ]


def _slice_transpose(
    ct: Array, x: Any, *, start_indices: Shape, limit_indices: Shape, strides: Shape | None
) -> list[MaybeZero | None]:
    shape = x.aval.shape
    st = strides or (1,) * len(shape)
    config = []
    for n, lo, out, s in zip(shape, start_indices, ct.shape, st, strict=True):
        used = lo + (out - 1) * s + 1 if out else lo
        config.append((lo, n - used, s - 1 if out else 0))
    return [pad(ct, _scalar_zero(ct), config)]


def _slice_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, start_indices: Shape, limit_indices: Shape,
    strides: Shape | None,
) -> tuple[Array, int]:  # fmt: skip
    (x,), (d,) = vals, dims
    assert d is not None
    lo, hi = list(start_indices), list(limit_indices)
    lo.insert(d, 0)
    hi.insert(d, x.shape[d])
    st = None
    if strides is not None:
        st = list(strides)
        st.insert(d, 1)
    return slice_(x, lo, hi, st), d


core.def_impl(slice_p, _slice_impl)
core.def_abstract(slice_p, _slice_abstract)
transpose.deflinear(slice_p, _slice_transpose)
batch.def_batch(slice_p, _slice_batch)
lowering.def_rule(
    slice_p,
    lambda ctx, x, *, start_indices, limit_indices, strides: ctx.slice(
        x, start_indices, limit_indices, strides
    ),
)


def slice_(
    x: Array, start: Sequence[int], limit: Sequence[int], strides: Sequence[int] | None = None
) -> Array:
    start_t, limit_t = tuple(int(i) for i in start), tuple(int(i) for i in limit)
    st = None if strides is None or all(s == 1 for s in strides) else tuple(int(s) for s in strides)
    if start_t == (0,) * x.ndim and limit_t == x.shape and st is None:
        return x
    return slice_p.bind1(x, start_indices=start_t, limit_indices=limit_t, strides=st)


def slice_in_dim(x: Array, start: int, limit: int, stride: int = 1, axis: int = 0) -> Array:
    lo, hi, st = [0] * x.ndim, list(x.shape), [1] * x.ndim
    lo[axis], hi[axis], st[axis] = start, limit, stride
    return slice_(x, lo, hi, st)


def index_in_dim(x: Array, index: int, axis: int = 0, keepdims: bool = True) -> Array:
    out = slice_in_dim(x, index, index + 1, 1, axis)
    return out if keepdims else reshape(out, x.shape[:axis] + x.shape[axis + 1 :])


# ---------------------------------------------------------------------------
# iota (no operands: never traced through, only staged)
# ---------------------------------------------------------------------------

iota_p = core.new_primitive("iota")


def _iota_impl(*, dtype: DType, shape: Shape, dimension: int) -> NDArray:
    r = np.arange(shape[dimension], dtype=dtype)
    expanded = [1] * len(shape)
    expanded[dimension] = shape[dimension]
    return np.broadcast_to(r.reshape(expanded), shape)


core.def_impl(iota_p, _iota_impl)
core.def_abstract(iota_p, lambda *, dtype, shape, dimension: ShapedArray(shape, dtype, False))
lowering.def_rule(iota_p, lambda ctx, *, dtype, shape, dimension: ctx.iota(dimension))


def iota(dtype: DType, shape: Sequence[int], dimension: int = 0) -> Array:
    return iota_p.bind1(
        dtype=np.dtype(dtype), shape=tuple(int(s) for s in shape), dimension=int(dimension)
    )
