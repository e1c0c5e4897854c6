"""``sort``: sort several operands together, keyed lexicographically by the first
``num_keys``. Sorting is a permutation, so tangents follow the same permutation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import core
from fad._src.core import Array, ShapedArray
from fad._src.interpreters import batch, jvp
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero, Zero
from fad._src.prims import indexing as ix
from fad._src.prims import structural as st
from fad._src.xla import lowering

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


core.def_impl(sort_p, _sort_impl)
core.def_abstract(sort_p, _sort_abstract)
jvp.jvp_rules[sort_p] = _sort_jvp
batch.batch_rules[sort_p] = _sort_batch
lowering.def_rule(
    sort_p,
    lambda ctx, *xs, dimension, is_stable, num_keys: ctx.sort(xs, dimension, is_stable, num_keys),
)


def sort(
    operands: Sequence[Array], dimension: int = -1, is_stable: bool = True, num_keys: int = 1
) -> list[Array]:
    ndim = operands[0].ndim
    dim = dimension % ndim if ndim else 0
    return sort_p.bindn(*operands, dimension=dim, is_stable=bool(is_stable), num_keys=int(num_keys))
