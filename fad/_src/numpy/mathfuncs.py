"""Elementwise functions beyond ``ufuncs``: ``clip`` with JAX's ``min=``/``max=``,
``fmax``/``fmin`` (NaN-ignoring), ``float_power``, ``frexp``/``ldexp``/``modf``,
``gcd``/``lcm``, ``spacing``, ``i0``, ``nan_to_num``, ``bitwise_count``, ``unwrap``,
``iscomplex``/``isreal`` and the array-API names of the bitwise operations.

Each is composed of fad primitives, so it differentiates, batches and stages like them.
"""

from __future__ import annotations

import math

import numpy as np

from fad._src import dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy.conversion import asarray, astype, promote, promote_inexact
from fad._src.numpy.creation import full_like, zeros_like
from fad._src.numpy.logic import isinf, isnan, logical_and, logical_or
from fad._src.numpy.reductions import cumsum, diff
from fad._src.numpy.sorting import where
from fad._src.numpy.ufuncs import (
    abs,
    copysign,
    exp,
    exp2,
    imag,
    invert,
    left_shift,
    maximum,
    minimum,
    nextafter,
    power,
    real,
    right_shift,
    sqrt,
    trunc,
)
from fad._src.prims import bits
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st
from fad._src.prims.control_flow import while_loop


def clip(
    arr: ArrayLike | None = None, /, min: ArrayLike | None = None, max: ArrayLike | None = None
) -> Array:
    """``arr`` limited to ``[min, max]`` (either bound may be omitted)."""
    if arr is None:
        raise TypeError("clip: the array argument is required")
    x = asarray(arr)
    if min is not None:
        x = maximum(x, min)
    if max is not None:
        x = minimum(x, max)
    return x


def fmax(x1: ArrayLike, x2: ArrayLike) -> Array:
    """Elementwise maximum that ignores NaN (NaN only where both are NaN)."""
    a, b = promote("fmax", x1, x2)
    return where(isnan(a), b, where(isnan(b), a, maximum(a, b)))


def fmin(x1: ArrayLike, x2: ArrayLike) -> Array:
    """Elementwise minimum that ignores NaN (NaN only where both are NaN)."""
    a, b = promote("fmin", x1, x2)
    return where(isnan(a), b, where(isnan(b), a, minimum(a, b)))


def float_power(x: ArrayLike, y: ArrayLike, /) -> Array:
    """``x ** y`` computed in the inexact promotion of the operands."""
    a, b = promote_inexact("float_power", x, y)
    return power(a, b)


def _scale_by_pow2(x: Array, k: Array) -> Array:
    """``x * 2**k`` for integer ``k``, in two halves so that neither power overflows."""
    k1 = ew.div(k, ew.full_like(k, 2))
    k2 = ew.sub(k, k1)
    f1, f2 = (exp2(astype(v, x.dtype if dtypes.is_float(x.dtype) else dtypes.real_dtype(x.dtype)))
              for v in (k1, k2))  # fmt: skip
    return x * f1 * f2


def ldexp(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 * 2**x2`` for an integer ``x2``."""
    e = asarray(x2)
    if not dtypes.is_integer(e.dtype):
        raise TypeError(f"ldexp: x2 must have an integer dtype, got {e.dtype.name}")
    (x,) = promote_inexact("ldexp", x1)
    if dtypes.is_complex(x.dtype):
        raise TypeError("ldexp: x1 must be real")
    x, e = (
        st.broadcast_to(x, np.broadcast_shapes(x.shape, e.shape)),
        st.broadcast_to(astype(e, np.int32), np.broadcast_shapes(x.shape, e.shape)),
    )
    return _scale_by_pow2(x, e)


_FLOAT_LAYOUT = {2: (np.int16, 10, 5), 4: (np.int32, 23, 8), 8: (np.int64, 52, 11)}


def frexp(x: ArrayLike, /) -> tuple[Array, Array]:
    """Mantissa in ``[0.5, 1)`` and int32 exponent with ``x = m * 2**e`` (0, inf, nan: e = 0).

    The exponent is read from the bits; the mantissa is ``x * 2**-e``, so it is
    differentiable in ``x`` (its derivative is ``2**-e``).
    """
    (v,) = promote_inexact("frexp", x)
    if dtypes.is_complex(v.dtype) or v.dtype.itemsize not in _FLOAT_LAYOUT:
        raise TypeError(f"frexp: x must be float16, float32 or float64, got {v.dtype.name}")
    int_t, nmant, nexp = _FLOAT_LAYOUT[v.dtype.itemsize]
    info = np.finfo(v.dtype)
    small = logical_and(abs(v) < float(info.smallest_normal), v != 0)
    # Subnormals: scale into the normal range first, and subtract the scale afterwards.
    scaled = where(small, v * float(2.0 ** (nmant + 1)), v)
    b = bits.bitcast_convert_type(ew.stop_gradient(scaled), int_t)
    raw = ew.bitwise_and(
        ew.shift_right_arithmetic(b, ew.full_like(b, nmant)), ew.full_like(b, (1 << nexp) - 1)
    )
    bias = (1 << (nexp - 1)) - 1
    e = astype(raw, np.int32) - (bias - 1) - where(small, nmant + 1, 0)
    special = logical_or(logical_or(v == 0, isinf(v)), isnan(v))
    e = where(special, 0, e)
    return _scale_by_pow2(v, -e), e


def modf(x: ArrayLike, /, out: None = None) -> tuple[Array, Array]:
    """Fractional and integral parts, both with the sign of ``x`` (``modf(inf) = (0, inf)``)."""
    if out is not None:
        raise NotImplementedError("modf: out= is not supported (fad arrays are immutable)")
    (v,) = promote_inexact("modf", x)
    whole = trunc(v)
    inf = isinf(v)
    finite_v = where(inf, zeros_like(v), v)
    frac = where(inf, copysign(zeros_like(v), v), finite_v - trunc(finite_v))
    return frac, whole


def _check_integers(name: str, *xs: Array) -> None:
    for v in xs:
        if not (dtypes.is_integer(v.dtype) or dtypes.is_bool(v.dtype)):
            raise TypeError(f"{name}: arguments must be integers, got {v.dtype.name}")


def gcd(x1: ArrayLike, x2: ArrayLike) -> Array:
    """Greatest common divisor of integers (Euclid's algorithm in a ``while_loop``)."""
    a, b = promote("gcd", x1, x2)
    _check_integers("gcd", a, b)
    a, b = abs(a), abs(b)

    def cond(ab: tuple[Array, Array]) -> Array:
        return st.reduce_sum(astype(ab[1] != 0, np.int32), tuple(range(ab[1].ndim))) > 0

    def body(ab: tuple[Array, Array]) -> tuple[Array, Array]:
        p, q = ab
        nz = q != 0
        safe_q = where(nz, q, 1)
        return where(nz, q, p), where(nz, ew.rem(p, safe_q), 0)

    g, _ = while_loop(cond, body, (a, b))
    return g


def lcm(x1: ArrayLike, x2: ArrayLike) -> Array:
    """Least common multiple of integers (0 when either is 0)."""
    a, b = promote("lcm", x1, x2)
    _check_integers("lcm", a, b)
    g = gcd(a, b)
    zero = g == 0
    return where(zero, 0, abs(ew.div(a, where(zero, 1, g)) * b))


def spacing(x: ArrayLike, /) -> Array:
    """Distance from ``x`` to the next float away from zero (negative for negative ``x``)."""
    (v,) = promote_inexact("spacing", x)
    if dtypes.is_complex(v.dtype):
        raise TypeError("spacing: x must be real")
    toward = where(v < 0, -np.inf, np.inf)
    return nextafter(v, astype(toward, v.dtype)) - v


_I0_SWITCH = 18.0
_I0_SERIES_TERMS = 36
_I0_ASYMPTOTIC_TERMS = 35


def i0(x: ArrayLike) -> Array:
    """Modified Bessel function of the first kind, order 0.

    Its power series ``sum (x^2/4)^k / (k!)^2`` up to ``|x| = 18``, the asymptotic
    expansion ``e^|x| / sqrt(2 pi |x|) * sum a_k`` beyond; each branch is evaluated at
    an argument clamped to its range, so neither produces inf/NaN (or NaN gradients)
    where it is not selected.
    """
    (v,) = promote_inexact("i0", x)
    if dtypes.is_complex(v.dtype):
        raise TypeError("i0: complex arguments are not supported")
    ax = abs(v)
    # v itself (not |v|) in the even series, so derivatives at 0 do not pass through abs.
    near = maximum(minimum(v, _I0_SWITCH), -_I0_SWITCH)
    t = near * near * 0.25
    series = zeros_like(t)
    for k in range(_I0_SERIES_TERMS, -1, -1):
        series = series * t + 1.0 / float(math.factorial(k)) ** 2
    far = maximum(ax, _I0_SWITCH)
    inv = 1.0 / (8.0 * far)
    coef, total, term = 1.0, zeros_like(far) + 1.0, zeros_like(far) + 1.0
    for k in range(_I0_ASYMPTOTIC_TERMS):
        coef = (2 * k + 1) ** 2 / (k + 1)
        term = term * coef * inv
        total = total + term
    asym = exp(far) / sqrt(2.0 * np.pi * far) * total
    return where(ax <= _I0_SWITCH, series, asym)


def nan_to_num(
    x: ArrayLike,
    copy: bool = True,
    nan: ArrayLike = 0.0,
    posinf: ArrayLike | None = None,
    neginf: ArrayLike | None = None,
) -> Array:
    """NaN to ``nan``, +inf/-inf to ``posinf``/``neginf`` (default: the dtype's extremes)."""
    v = asarray(x)
    if not dtypes.is_inexact(v.dtype):
        return v
    if dtypes.is_complex(v.dtype):
        re = nan_to_num(real(v), nan=nan, posinf=posinf, neginf=neginf)
        im = nan_to_num(imag(v), nan=nan, posinf=posinf, neginf=neginf)
        return ew.complex_(re, im)
    info = np.finfo(v.dtype)
    hi = float(info.max) if posinf is None else posinf
    lo = float(info.min) if neginf is None else neginf
    out = where(isnan(v), astype(nan, v.dtype), v)
    out = where(logical_and(isinf(v), v > 0), astype(hi, v.dtype), out)
    return where(logical_and(isinf(v), v < 0), astype(lo, v.dtype), out)


def bitwise_count(x: ArrayLike, /) -> Array:
    """Number of 1 bits in ``|x|`` (numpy's definition), as uint8."""
    v = asarray(x)
    if dtypes.is_bool(v.dtype):
        return astype(v, np.uint8)
    if not dtypes.is_integer(v.dtype):
        raise TypeError(f"bitwise_count: x must be an integer array, got {v.dtype.name}")
    width = v.dtype.itemsize * 8
    u = bits.bitcast_convert_type(abs(v), np.dtype(f"uint{width}"))
    one = ew.full_like(u, 1)
    count = ew.bitwise_and(u, one)
    for i in range(1, width):
        count = ew.add(count, ew.bitwise_and(ew.shift_right_logical(u, ew.full_like(u, i)), one))
    return astype(count, np.uint8)


def bitwise_invert(x: ArrayLike, /) -> Array:
    """Array-API name of ``invert``."""
    return invert(x)


def bitwise_left_shift(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Array-API name of ``left_shift``."""
    return left_shift(x1, x2)


def bitwise_right_shift(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Array-API name of ``right_shift``."""
    return right_shift(x1, x2)


def iscomplex(x: ArrayLike) -> Array:
    """Elementwise: a nonzero imaginary part."""
    return imag(x) != 0


def isreal(x: ArrayLike) -> Array:
    """Elementwise: a zero imaginary part."""
    return imag(x) == 0


def unwrap(
    p: ArrayLike,
    discont: ArrayLike | None = None,
    axis: int = -1,
    period: ArrayLike = 2 * np.pi,
) -> Array:
    """Undo jumps larger than ``discont`` (default ``period / 2``) along ``axis``."""
    (x,) = promote_inexact("unwrap", p)
    if x.shape == () or x.shape[axis] == 0:
        return x
    d = diff(x, axis=axis)
    half = asarray(period) / 2
    ddmod = ((d + half) % asarray(period)) - half
    ddmod = where(logical_and(ddmod == -half, d > 0), half + zeros_like(ddmod), ddmod)
    correct = ddmod - d
    lim = half if discont is None else maximum(asarray(discont), half)
    correct = where(abs(d) < lim, full_like(correct, 0), correct)
    ax = axis % x.ndim
    cum = cumsum(correct, axis=ax)
    pad_cfg = [(0, 0, 0)] * x.ndim
    pad_cfg[ax] = (1, 0, 0)
    return x + st.pad(cum, ew.full((), 0, cum.dtype), pad_cfg)
