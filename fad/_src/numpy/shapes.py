"""Shapes and axes: ``reshape``, ``ravel``, ``transpose``, ``moveaxis``, ``squeeze``,
``expand_dims``, ``atleast_*``; and how reductions read ``axis`` and keep dimensions.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any, overload

import numpy as np

from fad._src.core import Array, ArrayLike
from fad._src.numpy.conversion import Axis, asarray
from fad._src.prims import _util
from fad._src.prims import structural as st
from fad._src.typing import LinearArray


def shape(a: ArrayLike) -> tuple[int, ...]:
    return asarray(a).shape


def ndim(a: ArrayLike) -> int:
    return asarray(a).ndim


def size(a: ArrayLike, axis: int | None = None) -> int:
    x = asarray(a)
    return x.size if axis is None else x.shape[axis]


@overload
def reshape(
    a: LinearArray, shape: Any = None, order: str = "C", *, newshape: Any = None,
    copy: bool | None = None, out_sharding: Any = None,
) -> LinearArray: ...  # fmt: skip
@overload
def reshape(
    a: ArrayLike, shape: Any = None, order: str = "C", *, newshape: Any = None,
    copy: bool | None = None, out_sharding: Any = None,
) -> Array: ...  # fmt: skip
def reshape(  # type: ignore[misc]
    a: ArrayLike,
    shape: Any = None,
    order: str = "C",
    *,
    newshape: Any = None,
    copy: bool | None = None,
    out_sharding: Any = None,
) -> Array:
    """``a`` with a new shape (one entry may be -1); ``newshape`` is numpy's older name."""
    x = asarray(a)
    if shape is not None and newshape is not None:
        raise TypeError("reshape: pass shape or newshape, not both")
    target = shape if shape is not None else newshape
    if target is None:
        raise TypeError("reshape needs a shape")
    if isinstance(target, (int, np.integer)):
        dims = [int(target)]
    else:
        try:
            dims = [operator.index(d) for d in target]
        except TypeError:
            raise TypeError(f"reshape: shape must be integers, got {target!r}") from None
    if dims.count(-1) > 1:
        raise ValueError("can only specify one unknown dimension (-1)")
    if -1 in dims:
        known = math.prod(d for d in dims if d != -1)
        if known == 0 or x.size % known:
            raise ValueError(f"cannot reshape array of shape {x.shape} into shape {tuple(dims)}")
        dims[dims.index(-1)] = x.size // known
    if math.prod(dims) != x.size:
        raise ValueError(
            f"cannot reshape array of shape {x.shape} (size {x.size}) into shape {tuple(dims)}"
        )
    if order == "F":
        return transpose(st.reshape(transpose(x), tuple(reversed(dims))))
    if order != "C":
        raise ValueError(f"reshape order must be 'C' or 'F', got {order!r}")
    return st.reshape(x, tuple(dims))


@overload
def ravel(a: LinearArray, order: str = "C") -> LinearArray: ...
@overload
def ravel(a: ArrayLike, order: str = "C") -> Array: ...
def ravel(a: ArrayLike, order: str = "C") -> Array:  # type: ignore[misc]
    return reshape(a, (-1,), order)


@overload
def transpose(a: LinearArray, axes: Sequence[int] | None = None) -> LinearArray: ...
@overload
def transpose(a: ArrayLike, axes: Sequence[int] | None = None) -> Array: ...
def transpose(a: ArrayLike, axes: Sequence[int] | None = None) -> Array:  # type: ignore[misc]
    x = asarray(a)
    if axes is None:
        perm = tuple(reversed(range(x.ndim)))
    else:
        perm = _util.canonical_axes(tuple(axes), x.ndim, "axes")
        if len(perm) != x.ndim:
            raise ValueError(f"axes {tuple(axes)} don't match array of dimension {x.ndim}")
    return st.transpose_(x, perm)


def permute_dims(a: ArrayLike, axes: Sequence[int]) -> Array:
    return transpose(a, axes)


def matrix_transpose(x: ArrayLike) -> Array:
    return swapaxes(x, -1, -2)


def swapaxes(a: ArrayLike, axis1: int, axis2: int) -> Array:
    x = asarray(a)
    i, j = _util.canonical_axis(axis1, x.ndim), _util.canonical_axis(axis2, x.ndim)
    perm = list(range(x.ndim))
    perm[i], perm[j] = perm[j], perm[i]
    return st.transpose_(x, perm)


def moveaxis(a: ArrayLike, source: int | Sequence[int], destination: int | Sequence[int]) -> Array:
    x = asarray(a)
    src = _util.canonical_axes([source] if isinstance(source, int) else source, x.ndim, "source")
    dst = _util.canonical_axes(
        [destination] if isinstance(destination, int) else destination, x.ndim, "destination"
    )
    if len(src) != len(dst):
        raise ValueError("moveaxis: source and destination must have the same number of elements")
    order = [i for i in range(x.ndim) if i not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        order.insert(d, s)
    return st.transpose_(x, order)


@overload
def expand_dims(a: LinearArray, axis: int | Sequence[int]) -> LinearArray: ...
@overload
def expand_dims(a: ArrayLike, axis: int | Sequence[int]) -> Array: ...
def expand_dims(a: ArrayLike, axis: int | Sequence[int]) -> Array:  # type: ignore[misc]
    axes = [axis] if isinstance(axis, int) else list(axis)
    return st.expand_dims(asarray(a), axes)


@overload
def squeeze(a: LinearArray, axis: int | Sequence[int] | None = None) -> LinearArray: ...
@overload
def squeeze(a: ArrayLike, axis: int | Sequence[int] | None = None) -> Array: ...
def squeeze(a: ArrayLike, axis: int | Sequence[int] | None = None) -> Array:  # type: ignore[misc]
    x = asarray(a)
    if axis is None:
        axes = [i for i, n in enumerate(x.shape) if n == 1]
    else:
        axes = [axis] if isinstance(axis, int) else list(axis)
    return st.squeeze(x, axes)


def atleast_1d(*arys: ArrayLike) -> Any:
    out = [reshape(a, (1,)) if asarray(a).ndim == 0 else asarray(a) for a in arys]
    return out[0] if len(out) == 1 else out


def atleast_2d(*arys: ArrayLike) -> Any:
    out = []
    for a in arys:
        x = asarray(a)
        out.append(st.reshape(x, (1,) * (2 - x.ndim) + x.shape) if x.ndim < 2 else x)
    return out[0] if len(out) == 1 else out


def atleast_3d(*arys: ArrayLike) -> Any:
    out = []
    for a in arys:
        x = asarray(a)
        if x.ndim == 0:
            x = reshape(x, (1, 1, 1))
        elif x.ndim == 1:
            x = reshape(x, (1, x.shape[0], 1))
        elif x.ndim == 2:
            x = reshape(x, (*x.shape, 1))
        out.append(x)
    return out[0] if len(out) == 1 else out


def reduction_axes(axis: Axis, ndim: int, name: str = "axis") -> tuple[int, ...]:
    """A reduction's ``axis`` argument as a tuple of non-negative axes (all for ``None``)."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)):
        return _util.canonical_axes((int(axis),), ndim, name)
    return _util.canonical_axes(tuple(int(a) for a in axis), ndim, name)


def keep_dims(out: Array, shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool) -> Array:
    """``out`` with the reduced ``axes`` of ``shape`` put back as size 1, if ``keepdims``."""
    if not keepdims:
        return out
    return st.reshape(out, tuple(1 if i in axes else n for i, n in enumerate(shape)))
