"""Rearranging arrays: joining (``concatenate``, ``vstack``, ...), splitting, tiling
(``tile``, ``repeat``), flipping and rolling, and ``pad``.
"""

from __future__ import annotations

import builtins
import itertools
import operator
from collections.abc import Sequence
from typing import Any, overload

import numpy as np

from fad._src import core
from fad._src.core import Array, ArrayLike
from fad._src.numpy.conversion import Axis, asarray, astype, broadcast_to, promote_no_broadcast
from fad._src.numpy.indexing import take
from fad._src.numpy.shapes import (
    atleast_1d,
    atleast_2d,
    atleast_3d,
    ravel,
    reduction_axes,
    reshape,
    swapaxes,
)
from fad._src.prims import _util
from fad._src.prims import structural as st
from fad._src.typing import LinearArray


@overload
def concatenate(
    arrays: Sequence[LinearArray], axis: int | None = 0, dtype: Any = None
) -> LinearArray: ...
@overload
def concatenate(arrays: Sequence[ArrayLike], axis: int | None = 0, dtype: Any = None) -> Array: ...
def concatenate(  # type: ignore[misc]
    arrays: Sequence[ArrayLike], axis: int | None = 0, dtype: Any = None
) -> Array:
    if not len(arrays):
        raise ValueError("need at least one array to concatenate")
    arrs = promote_no_broadcast("concatenate", arrays)
    if dtype is not None:
        arrs = [astype(a, dtype) for a in arrs]
    if axis is None:
        arrs = [ravel(a) for a in arrs]
        axis = 0
    nd = arrs[0].ndim
    if nd == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    for a in arrs:
        if a.ndim != nd:
            raise ValueError(
                "all the input arrays must have same number of dimensions, but got "
                f"{[x.shape for x in arrs]}"
            )
    ax = _util.canonical_axis(axis, nd)
    shape0 = arrs[0].shape
    for a in arrs:
        if a.shape != shape0 and builtins.any(
            n != m for i, (n, m) in enumerate(zip(a.shape, arrs[0].shape, strict=True)) if i != ax
        ):
            raise ValueError(
                f"concatenate: all input array dimensions except axis {ax} must match, got "
                f"{[x.shape for x in arrs]}"
            )
    return st.concatenate(arrs, ax)


concat = concatenate
"""The array API's name for [`concatenate`][fad.numpy.concatenate]."""


def vstack(tup: Sequence[ArrayLike], dtype: Any = None) -> Array:
    """Join along the first axis (1-d arrays as rows)."""
    rows: list[Array] = [atleast_2d(a) for a in tup]
    return concatenate(rows, 0, dtype=dtype)


row_stack = vstack
"""Another name for [`vstack`][fad.numpy.vstack]."""


def hstack(tup: Sequence[ArrayLike], dtype: Any = None) -> Array:
    """Join along the second axis (the first for 1-d arrays)."""
    arrs: list[Array] = [atleast_1d(a) for a in tup]
    return concatenate(arrs, 0 if arrs[0].ndim == 1 else 1, dtype=dtype)


def dstack(tup: Sequence[ArrayLike], dtype: Any = None) -> Array:
    """Join along the third axis."""
    arrs: list[Array] = [atleast_3d(a) for a in tup]
    return concatenate(arrs, 2, dtype=dtype)


def column_stack(tup: Sequence[ArrayLike]) -> Array:
    arrs = [asarray(a) for a in tup]
    return concatenate([reshape(a, (-1, 1)) if a.ndim < 2 else a for a in arrs], 1)


def _static_ints(value: Any, name: str) -> Any:
    """A concrete int, or a list of ints, from Python/numpy/fad values (never a tracer)."""
    if isinstance(value, core.Tracer):
        raise core.ConcretizationError(
            f"{name}: the indices or sections must be concrete (they decide the output shapes)"
        )
    v = np.asarray(value.concrete_value() if isinstance(value, Array) else value)
    if v.ndim == 0:
        return operator.index(v.item())
    return [operator.index(i) for i in v.ravel().tolist()]


def split(ary: ArrayLike, indices_or_sections: Any, axis: int = 0) -> list[Array]:
    """Pieces of ``ary`` along ``axis``: ``N`` equal sections, or cut before each index
    (indices may be a list, a numpy array or a concrete fad Array)."""
    x = asarray(ary)
    ax = _util.canonical_axis(axis, x.ndim)
    n = x.shape[ax]
    spec = _static_ints(indices_or_sections, "split")
    if isinstance(spec, int):
        sections = spec
        if sections <= 0 or n % sections:
            raise ValueError(
                f"array split does not result in an equal division: {n} into {sections}"
            )
        bounds = [i * (n // sections) for i in range(sections + 1)]
    else:
        bounds = [0, *[builtins.min(builtins.max(i if i >= 0 else i + n, 0), n) for i in spec], n]
    return [
        st.slice_in_dim(x, lo, builtins.max(lo, hi), axis=ax)
        for lo, hi in itertools.pairwise(bounds)
    ]


def array_split(ary: ArrayLike, indices_or_sections: Any, axis: int = 0) -> list[Array]:
    x = asarray(ary)
    ax = _util.canonical_axis(axis, x.ndim)
    spec = _static_ints(indices_or_sections, "array_split")
    if isinstance(spec, int):
        n, k = x.shape[ax], spec
        if k <= 0:
            raise ValueError(f"array_split: the number of sections must be positive, got {k}")
        sizes = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
        spec = [int(i) for i in np.cumsum(sizes)[:-1]]
    return split(x, spec, ax)


def vsplit(ary: ArrayLike, indices_or_sections: Any) -> list[Array]:
    """``split`` along the first axis."""
    return split(ary, indices_or_sections, 0)


def hsplit(ary: ArrayLike, indices_or_sections: Any) -> list[Array]:
    """``split`` along the second axis (the first for 1-d arrays)."""
    return split(ary, indices_or_sections, 1 if asarray(ary).ndim > 1 else 0)


def tile(A: ArrayLike, reps: int | Sequence[int] | ArrayLike) -> Array:
    """``A`` repeated ``reps`` times along each axis (``reps`` an int, a sequence, or a
    concrete array of them)."""
    x = asarray(A)
    spec = _static_ints(reps, "tile")
    reps_t = (spec,) if isinstance(spec, int) else tuple(spec)
    if builtins.any(r < 0 for r in reps_t):
        raise ValueError(f"tile: reps must be non-negative, got {reps_t}")
    nd = builtins.max(x.ndim, len(reps_t))
    x = reshape(x, (1,) * (nd - x.ndim) + x.shape)
    reps_t = (1,) * (nd - len(reps_t)) + reps_t
    # Broadcast to (r0, n0, r1, n1, ...) and merge pairs.
    big = tuple(v for r, n in zip(reps_t, x.shape, strict=True) for v in (r, n))
    b = st.broadcast_in_dim(x, big, tuple(range(1, 2 * nd, 2)))
    return st.reshape(b, tuple(r * n for r, n in zip(reps_t, x.shape, strict=True)))


def repeat(
    a: ArrayLike, repeats: Any, axis: int | None = None, total_repeat_length: int | None = None
) -> Array:
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    ax = _util.canonical_axis(axis, x.ndim)
    if isinstance(repeats, (int, np.integer)) and total_repeat_length in (
        None,
        repeats * x.shape[ax],
    ):
        r = int(repeats)
        if r < 0:
            raise ValueError(f"repeat: repeats must be non-negative, got {r}")
        shape = list(x.shape)
        big = (*x.shape[: ax + 1], r, *x.shape[ax + 1 :])
        b = st.broadcast_in_dim(x, big, tuple(i if i <= ax else i + 1 for i in range(x.ndim)))
        shape[ax] *= r
        return st.reshape(b, shape)
    if isinstance(repeats, core.Tracer):
        raise core.ConcretizationError(
            "repeat: traced repeats give a value-dependent output shape; pass concrete repeats"
        )
    reps = np.asarray(repeats.concrete_value() if isinstance(repeats, Array) else repeats)
    if reps.ndim > 1 or (reps.ndim == 1 and reps.shape[0] not in (1, x.shape[ax])):
        raise ValueError(
            f"repeat: repeats of shape {reps.shape} do not match axis {ax} of size {x.shape[ax]}"
        )
    idx = np.repeat(np.arange(x.shape[ax]), np.broadcast_to(reps, (x.shape[ax],)))
    if total_repeat_length is not None:
        # JAX: extra entries are dropped, missing ones repeat the last element.
        n = operator.index(total_repeat_length)
        idx = idx[:n] if idx.size >= n else np.concatenate([idx, np.full(n - idx.size, idx[-1])])
    return take(x, Array(idx.astype(np.int32)), axis=ax, mode="clip")


def flip(m: ArrayLike, axis: Axis = None) -> Array:
    x = asarray(m)
    return st.rev(x, reduction_axes(axis, x.ndim))


def fliplr(m: ArrayLike) -> Array:
    return flip(m, 1)


def flipud(m: ArrayLike) -> Array:
    return flip(m, 0)


def rot90(m: ArrayLike, k: int = 1, axes: tuple[int, int] = (0, 1)) -> Array:
    x = asarray(m)
    k %= 4
    a0, a1 = axes
    if k == 0:
        return x
    if k == 2:
        return flip(flip(x, a0), a1)
    if k == 1:
        return swapaxes(flip(x, a1), a0, a1)
    return flip(swapaxes(x, a0, a1), a1)


def roll(a: ArrayLike, shift: Any, axis: Axis = None) -> Array:
    x = asarray(a)
    if axis is None:
        return reshape(roll(ravel(x), shift, 0), x.shape)
    shifts = [shift] if isinstance(shift, (int, np.integer)) else list(shift)
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    if len(shifts) == 1:
        shifts = shifts * len(axes)
    for s, ax in zip(shifts, axes, strict=True):
        ax = _util.canonical_axis(int(ax), x.ndim)
        n = x.shape[ax]
        if n == 0:
            continue
        s = int(s) % n
        if s:
            x = st.concatenate(
                [st.slice_in_dim(x, n - s, n, axis=ax), st.slice_in_dim(x, 0, n - s, axis=ax)], ax
            )
    return x


def pad(
    array: ArrayLike,
    pad_width: Any,
    mode: str = "constant",
    constant_values: ArrayLike = 0,
    **kwargs: Any,
) -> Array:
    """``array`` padded by ``pad_width`` with the constant, edge, wrap, reflect or
    symmetric ``mode``."""
    if kwargs:
        raise NotImplementedError(
            f"pad: the keyword arguments {sorted(kwargs)} (of the statistic, linear_ramp and "
            "odd-reflect modes) are not supported"
        )
    x = asarray(array)
    pw = np.broadcast_to(
        np.asarray(pad_width, dtype=np.int64).reshape(-1, 2)
        if np.ndim(pad_width)
        else np.asarray([[pad_width, pad_width]]),
        (x.ndim, 2),
    )
    if builtins.any(int(v) < 0 for v in pw.ravel()):
        raise ValueError(f"pad: pad_width must be non-negative, got {pad_width}")
    if mode == "empty":
        mode, constant_values = "constant", 0
    if mode == "constant":
        cv = astype(asarray(constant_values), x.dtype)
        if cv.ndim == 0:
            return st.pad(x, cv, [(int(lo), int(hi), 0) for lo, hi in pw])
        if cv.ndim > 2 or cv.size not in (1, 2, 2 * x.ndim):
            raise ValueError(
                f"pad: constant_values of shape {cv.shape} do not fit an array of rank {x.ndim}"
            )
        # One (before, after) value per axis, padded axis by axis as numpy does.
        cvs = broadcast_to(reshape(cv, (-1, 2)) if cv.size != 1 else cv, (x.ndim, 2))
        for ax in range(x.ndim):
            for side in (0, 1):
                config = [(0, 0, 0)] * x.ndim
                config[ax] = (int(pw[ax][0]), 0, 0) if side == 0 else (0, int(pw[ax][1]), 0)
                x = st.pad(x, cvs[ax, side], config)
        return x
    if mode in ("edge", "wrap", "reflect", "symmetric"):
        for ax in range(x.ndim):
            lo, hi = int(pw[ax][0]), int(pw[ax][1])
            n = x.shape[ax]
            idx = np.arange(-lo, n + hi)
            if mode == "edge":
                idx = np.clip(idx, 0, n - 1)
            elif mode == "wrap":
                idx = idx % n
            elif mode == "reflect":
                period = 2 * (n - 1) if n > 1 else 1
                idx = np.abs(idx) % period
                idx = np.where(idx >= n, period - idx, idx)
            else:
                period = 2 * n
                idx = idx % period
                idx = np.where(idx >= n, period - 1 - idx, idx)
            x = take(x, Array(idx.astype(np.int32)), axis=ax, mode="clip")
        return x
    raise NotImplementedError(
        f"pad mode {mode!r} is not supported (supported: constant, empty, edge, wrap, reflect, "
        "symmetric)"
    )
