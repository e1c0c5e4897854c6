"""Truth tests: ``all``/``any``, the ``logical_*`` functions, ``isnan``/``isinf``/
``isfinite``, ``isclose``/``allclose``, ``array_equal`` and the array type queries.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fad._src import dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy.conversion import Axis, asarray, broadcast_arrays, no_out, promote
from fad._src.numpy.creation import zeros_like
from fad._src.numpy.shapes import keep_dims, reduction_axes
from fad._src.numpy.ufuncs import equal
from fad._src.prims import elementwise as ew
from fad._src.prims import reductions as red
from fad._src.prims import structural as st


def to_bool(x: ArrayLike) -> Array:
    """``x`` as booleans (nonzero is True)."""
    a = asarray(x)
    return a if a.dtype == np.bool_ else ew.ne(a, zeros_like(a))


def logical_and(x: ArrayLike, y: ArrayLike) -> Array:
    a, b = broadcast_arrays(to_bool(x), to_bool(y))
    return ew.bitwise_and(a, b)


def logical_or(x: ArrayLike, y: ArrayLike) -> Array:
    a, b = broadcast_arrays(to_bool(x), to_bool(y))
    return ew.bitwise_or(a, b)


def logical_xor(x: ArrayLike, y: ArrayLike) -> Array:
    a, b = broadcast_arrays(to_bool(x), to_bool(y))
    return ew.bitwise_xor(a, b)


def logical_not(x: ArrayLike) -> Array:
    return ew.bitwise_not(to_bool(x))


def isfinite(x: ArrayLike) -> Array:
    a = asarray(x)
    if dtypes.is_complex(a.dtype):
        return logical_and(ew.is_finite(ew.real(a)), ew.is_finite(ew.imag(a)))
    if not dtypes.is_inexact(a.dtype):
        return ew.full(a.shape, True, np.dtype(np.bool_))
    return ew.is_finite(a)


def isnan(x: ArrayLike) -> Array:
    a = asarray(x)
    if dtypes.is_complex(a.dtype):
        return logical_or(isnan(ew.real(a)), isnan(ew.imag(a)))
    if not dtypes.is_inexact(a.dtype):
        return ew.full(a.shape, False, np.dtype(np.bool_))
    return ew.ne(a, a)


def isinf(x: ArrayLike) -> Array:
    a = asarray(x)
    if dtypes.is_complex(a.dtype):
        return logical_or(isinf(ew.real(a)), isinf(ew.imag(a)))
    if not dtypes.is_inexact(a.dtype):
        return ew.full(a.shape, False, np.dtype(np.bool_))
    return ew.eq(ew.abs(a), ew.full_like(a, np.inf))


def isposinf(x: ArrayLike, /, out: None = None) -> Array:
    """Elementwise ``x == +inf``."""
    no_out(out, "isposinf")
    a = asarray(x)
    return ew.eq(a, ew.full_like(a, np.inf)) if dtypes.is_float(a.dtype) else isinf(a)


def isneginf(x: ArrayLike, /, out: None = None) -> Array:
    """Elementwise ``x == -inf``."""
    no_out(out, "isneginf")
    a = asarray(x)
    return ew.eq(a, ew.full_like(a, -np.inf)) if dtypes.is_float(a.dtype) else isinf(a)


def isclose(
    a: ArrayLike, b: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Array:
    x, y = promote("isclose", a, b)
    if not dtypes.is_inexact(x.dtype):
        return ew.eq(x, y)
    # Infinities are close only to themselves (inf - inf is nan, and |inf| * rtol is inf).
    finite = logical_and(isfinite(x), isfinite(y))
    xs, ys = (ew.select(finite, v, zeros_like(v)) for v in (x, y))
    diff = ew.abs(ew.sub(xs, ys))
    mag = ew.abs(ys)
    rtol_, atol_ = (ew.full_like(mag, t) for t in (rtol, atol))
    close = ew.le(diff, ew.add(atol_, ew.mul(rtol_, mag)))
    out = ew.select(finite, close, ew.eq(x, y))
    if equal_nan:
        out = logical_or(out, logical_and(isnan(x), isnan(y)))
    return out


def allclose(
    a: ArrayLike, b: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Array:
    return all(isclose(a, b, rtol, atol, equal_nan))


def array_equal(a1: ArrayLike, a2: ArrayLike, equal_nan: bool = False) -> Array:
    x, y = asarray(a1), asarray(a2)
    if x.shape != y.shape:
        return asarray(False)
    eqs = equal(x, y)
    if equal_nan:
        eqs = logical_or(eqs, logical_and(isnan(x), isnan(y)))
    return all(eqs)


def array_equiv(a1: ArrayLike, a2: ArrayLike) -> Array:
    try:
        x, y = broadcast_arrays(a1, a2)
    except ValueError:
        return asarray(False)
    return all(equal(x, y))


def all(
    a: ArrayLike,
    axis: Axis = None,
    out: None = None,
    keepdims: bool = False,
    *,
    where: ArrayLike | None = None,
) -> Array:
    """Whether every element (where ``where`` holds) is true."""
    no_out(out, "all")
    x = to_bool(a)
    if where is not None:
        x = logical_or(x, logical_not(st.broadcast_to(to_bool(where), x.shape)))
    axes = reduction_axes(axis, x.ndim)
    return keep_dims(red.reduce_and(x, axes), x.shape, axes, keepdims)


def any(
    a: ArrayLike,
    axis: Axis = None,
    out: None = None,
    keepdims: bool = False,
    *,
    where: ArrayLike | None = None,
) -> Array:
    """Whether any element (where ``where`` holds) is true."""
    no_out(out, "any")
    x = to_bool(a)
    if where is not None:
        x = logical_and(x, st.broadcast_to(to_bool(where), x.shape))
    axes = reduction_axes(axis, x.ndim)
    return keep_dims(red.reduce_or(x, axes), x.shape, axes, keepdims)


def iscomplexobj(x: Any) -> bool:
    return dtypes.is_complex(asarray(x).dtype)


def isrealobj(x: Any) -> bool:
    return not iscomplexobj(x)


def isscalar(element: Any) -> bool:
    """Whether ``element`` is a scalar: a Python or numpy scalar, or a 0-d Array."""
    return isinstance(element, (bool, int, float, complex, np.generic)) or (
        isinstance(element, Array) and element.ndim == 0
    )
