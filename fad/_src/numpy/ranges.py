"""Numerical ranges: ``arange``, ``linspace``, ``logspace`` and ``meshgrid``."""

from __future__ import annotations

import builtins
from typing import Any, Literal, overload

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy.conversion import asarray, astype, broadcast_shapes, dtype_and_weak, dtype_arg
from fad._src.numpy.shapes import moveaxis, ravel, reshape
from fad._src.numpy.ufuncs import power
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st


def arange(start: Any, stop: Any = None, step: Any = None, dtype: Any = None) -> Array:
    for name, v in (("start", start), ("stop", stop), ("step", step)):
        if isinstance(v, core.Tracer):
            raise core.ConcretizationError(
                f"arange's {name} must be a concrete value: the output shape depends on it"
            )
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    vals = np.arange(start, stop, step)
    dt = dtype_arg(dtype)
    if dt is None:
        dt = dtypes.canonicalize_dtype(vals.dtype)
        if builtins.all(isinstance(v, (int, np.integer)) for v in (start, stop, step)):
            dt = dtypes.default_int_dtype()
    return Array(vals.astype(dt))


@overload
def linspace(
    start: ArrayLike,
    stop: ArrayLike,
    num: int = 50,
    endpoint: bool = True,
    retstep: Literal[False] = False,
    dtype: Any = None,
    axis: int = 0,
) -> Array: ...


@overload
def linspace(
    start: ArrayLike,
    stop: ArrayLike,
    num: int,
    endpoint: bool,
    retstep: Literal[True],
    dtype: Any = None,
    axis: int = 0,
) -> tuple[Array, Array]: ...


@overload
def linspace(
    start: ArrayLike,
    stop: ArrayLike,
    num: int = 50,
    endpoint: bool = True,
    *,
    retstep: Literal[True],
    dtype: Any = None,
    axis: int = 0,
) -> tuple[Array, Array]: ...


def linspace(
    start: ArrayLike,
    stop: ArrayLike,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: Any = None,
    axis: int = 0,
) -> Array | tuple[Array, Array]:
    """``num`` evenly spaced values; the last is ``stop`` exactly when ``endpoint``."""
    dt = (
        dtype_arg(dtype)
        or dtypes.to_inexact(*dtypes.result_type(dtype_and_weak(start), dtype_and_weak(stop)))[0]
    )
    lo, hi = (astype(asarray(v), dt) for v in (start, stop))
    div = (num - 1) if endpoint else num
    t = st.iota(dt if dtypes.is_inexact(dt) else dtypes.default_float_dtype(), (num,), 0)
    lo_, hi_ = (astype(v, t.dtype) for v in (lo, hi))
    shape = broadcast_shapes(lo.shape, hi.shape)
    lo_b = st.broadcast_to(lo_, shape)
    hi_b = st.broadcast_to(hi_, shape)
    delta = ew.sub(hi_b, lo_b)
    step = ew.div(delta, ew.full(shape, builtins.max(div, 1), t.dtype))
    full_shape = (num, *shape)
    tt = st.broadcast_in_dim(t, full_shape, (0,))
    out = ew.add(
        st.broadcast_in_dim(lo_b, full_shape, tuple(range(1, len(full_shape)))),
        ew.mul(tt, st.broadcast_in_dim(step, full_shape, tuple(range(1, len(full_shape))))),
    )
    if endpoint and num > 1:
        last = st.reshape(hi_b, (1, *shape))
        out = st.concatenate([st.slice_in_dim(out, 0, num - 1), last], 0)
    out = moveaxis(out, 0, axis)
    if not dtypes.is_inexact(dt):
        out = ew.floor(out)  # integer results round toward -inf, as in numpy 2 and JAX
    out = astype(out, dt)
    return (out, astype(step, dt)) if retstep else out


def logspace(
    start: ArrayLike,
    stop: ArrayLike,
    num: int = 50,
    endpoint: bool = True,
    base: ArrayLike = 10.0,
    dtype: Any = None,
    axis: int = 0,
) -> Array:
    """``base ** linspace(start, stop)``."""
    dt = dtype_arg(dtype)
    exponents = linspace(start, stop, num, endpoint, axis=axis)
    out = power(base, exponents)
    return out if dt is None else astype(out, dt)


def meshgrid(
    *xi: ArrayLike, indexing: str = "xy", sparse: bool = False, copy: bool = True
) -> list[Array]:
    arrs = [ravel(x) for x in xi]
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid indexing must be 'xy' or 'ij', got {indexing!r}")
    shape = [a.shape[0] for a in arrs]
    if indexing == "xy" and len(arrs) >= 2:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, a in enumerate(arrs):
        pos = i
        if indexing == "xy" and len(arrs) >= 2 and i < 2:
            pos = 1 - i
        if sparse:
            s = [1] * len(arrs)
            s[pos] = a.shape[0]
            out.append(reshape(a, s))
        else:
            out.append(st.broadcast_in_dim(a, tuple(shape), (pos,)))
    return out
