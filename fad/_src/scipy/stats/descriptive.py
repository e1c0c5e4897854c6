"""``mode``, ``rankdata`` and ``sem``: statistics over an axis, with JAX's signatures.

``mode`` and ``rankdata`` compare every pair of entries along the axis (quadratic in its
length, static shapes, so they work under ``jit`` and ``vmap``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from fad._src.core import Array, ArrayLike
from fad._src.numpy import reductions, sorting
from fad._src.numpy import ufuncs as uf
from fad._src.numpy.conversion import asarray
from fad._src.numpy.shapes import moveaxis


class ModeResult(NamedTuple):
    mode: Array
    count: Array  # type: ignore[assignment]  # shadows tuple.count, as in scipy and JAX


def _nan_policy(name: str, nan_policy: str) -> None:
    if nan_policy != "propagate":
        raise NotImplementedError(
            f"{name}: only nan_policy='propagate' is supported, got {nan_policy!r}"
        )


def mode(
    a: ArrayLike, axis: int | None = 0, nan_policy: str = "propagate", keepdims: bool = False
) -> ModeResult:
    """The most frequent value along ``axis`` (the smallest among ties) and its count."""
    _nan_policy("mode", nan_policy)
    x = asarray(a)
    if axis is None:
        x, axis = x.ravel(), 0
    if not -x.ndim <= axis < max(x.ndim, 1):
        raise ValueError(f"mode: axis {axis} is out of bounds for an array of {x.ndim} dimensions")
    x = moveaxis(x, axis, -1) if x.ndim else x.reshape(1)
    counts = reductions.sum(x[..., :, None] == x[..., None, :], axis=-1)
    top = reductions.max(counts, axis=-1, keepdims=True)
    big = np.inf if np.issubdtype(x.dtype, np.floating) else np.iinfo(x.dtype).max
    value = reductions.min(sorting.where(counts == top, x, big), axis=-1, keepdims=True)
    count = top.astype(np.int32)
    if not keepdims:
        value, count = value[..., 0], count[..., 0]
    else:
        value, count = moveaxis(value, -1, axis), moveaxis(count, -1, axis)
    return ModeResult(value, count)


def rankdata(
    a: ArrayLike, method: str = "average", *, axis: int | None = None, nan_policy: str = "propagate"
) -> Array:
    """Ranks from 1 along ``axis`` (flattened when ``None``); ties by ``method``:
    ``'average'``, ``'min'``, ``'max'``, ``'dense'`` or ``'ordinal'``."""
    _nan_policy("rankdata", nan_policy)
    if method not in ("average", "min", "max", "dense", "ordinal"):
        raise ValueError(
            f"rankdata: method must be 'average', 'min', 'max', 'dense' or 'ordinal', "
            f"got {method!r}"
        )
    x = asarray(a)
    if axis is None:
        x, axis = x.ravel(), -1
    x = moveaxis(x, axis, -1)
    less = reductions.sum(x[..., None, :] < x[..., :, None], axis=-1)
    equal = reductions.sum(x[..., None, :] == x[..., :, None], axis=-1)
    if method == "average":
        out = less.astype(float) + (equal.astype(float) + 1.0) / 2.0
    elif method == "min":
        out = less + 1
    elif method == "max":
        out = less + equal
    elif method == "dense":
        # Each distinct smaller value counts once: sum 1/multiplicity over the smaller entries.
        inv = 1.0 / equal.astype(float)
        out = (
            uf.rint(
                reductions.sum(
                    sorting.where(x[..., None, :] < x[..., :, None], inv[..., None, :], 0.0),
                    axis=-1,
                )
            ).astype(int)
            + 1
        )
    else:
        order = sorting.argsort(x, axis=-1, stable=True)
        out = sorting.argsort(order, axis=-1, stable=True) + 1
    return moveaxis(out, -1, axis)


def sem(
    a: ArrayLike,
    axis: int | None = 0,
    ddof: int = 1,
    nan_policy: str = "propagate",
    *,
    keepdims: bool = False,
) -> Array:
    """The standard error of the mean, ``std(a, ddof) / sqrt(n)``."""
    _nan_policy("sem", nan_policy)
    x = asarray(a)
    n = x.size if axis is None else x.shape[axis]
    return reductions.std(x, axis=axis, ddof=ddof, keepdims=keepdims) / float(np.sqrt(n))
