"""numpy kernels that give XLA's CPU bits in eager mode.

``fma_impl`` is a fused multiply-add rounded once, in numpy (the ``fma``
primitive's eager implementation). The rest are numpy versions of the float32
kernels that XLA's CPU backend emits for ``log``, ``log1p``, ``erf`` and
``erf_inv``, operation for operation, including the multiply-adds the compiler
fuses. ``fad``'s eager ``erf`` and ``erf_inv`` use them for float32, so eager
results equal compiled ones (and JAX's) exactly rather than to within a few ulps.
They assume an FMA-capable x86-64 or ARM64 host, as XLA does there, and ignore
subnormal operands (which XLA flushes to zero). Plain numpy: nothing here binds
a primitive.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Final

import numpy as np

from fad._src import dtypes

NDArray = np.ndarray[Any, Any]

_F32: Final = np.dtype(np.float32)
_F64: Final = np.dtype(np.float64)


def _as_uint64(x: NDArray) -> NDArray:
    """The bits of a float64 array, same shape."""
    return np.ascontiguousarray(x).reshape(np.shape(x)).view(np.uint64)


def _two_sum(a: NDArray, b: NDArray) -> tuple[NDArray, NDArray]:
    """``a + b == s + e`` exactly, ``s`` the rounded sum (Knuth's TwoSum)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _fma_f32(a: NDArray, b: NDArray, c: NDArray) -> NDArray:
    a64, b64, c64 = a.astype(_F64), b.astype(_F64), c.astype(_F64)
    p = a64 * b64  # exact: two 24-bit significands fit in 53 bits
    s, err = _two_sum(p, c64)
    # ``s`` rounds to the right float32 unless it sits exactly halfway between two
    # float32 values while the exact sum does not; then ``err`` says which way to go.
    halfway = (_as_uint64(s) & np.uint64(0x1FFFFFFF)) == np.uint64(0x10000000)
    nudge = halfway & (err != 0) & np.isfinite(err)
    s = np.where(nudge, np.nextafter(s, np.where(err > 0, np.inf, -np.inf)), s)
    return s.astype(_F32)


_SPLIT: Final = 134217729.0  # 2**27 + 1, Veltkamp's splitting constant for float64


def _two_prod(a: NDArray, b: NDArray) -> tuple[NDArray, NDArray]:
    """``a * b == p + e`` exactly (Dekker's product, barring overflow)."""
    p = a * b

    def split(x: NDArray) -> tuple[NDArray, NDArray]:
        t = _SPLIT * x
        hi = t - (t - x)
        return hi, x - hi

    ah, al = split(a)
    bh, bl = split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _round_to_odd_sum(a: NDArray, b: NDArray) -> NDArray:
    """``a + b`` rounded to odd: an inexact sum takes the neighbour with an odd last bit."""
    s, err = _two_sum(a, b)
    even = (_as_uint64(s) & np.uint64(1)) == 0
    fix = even & (err != 0)
    return np.where(fix, np.nextafter(s, np.where(err > 0, np.inf, -np.inf)), s)


def _fused_f64(a: NDArray, b: NDArray, c: NDArray) -> NDArray:
    # Boldo and Melquiond's emulation: exact product and sum, then one sum rounded
    # to odd before the final rounding to nearest, which makes that rounding correct.
    uh, ul = _two_prod(a, b)
    th, tl = _two_sum(c, uh)
    v = _round_to_odd_sum(tl, ul)
    out = th + v
    plain = a * b + c
    return np.where(np.isfinite(out) & np.isfinite(ul), out, plain)


def _fma_f64(a: NDArray, b: NDArray, c: NDArray) -> NDArray:
    """``_fused_f64`` where it holds, IEEE's fused result where it does not: factors past
    ``2^995`` (Veltkamp's split overflows) and products past the largest float are scaled
    by ``2^-64`` first (the sum may still be finite); a sum that rounds to zero keeps the
    sign of the product that underflowed; an infinite ``c`` wins over a finite product;
    zero, infinite and NaN factors give the plain ``a * b + c``."""
    t = np.float64
    plain = a * b + c
    fin_ab = np.isfinite(a) & np.isfinite(b)
    fused = _fused_f64(a, b, c)
    big = t(2.0**995)
    sa = np.where((np.abs(a) > big) | (np.isinf(a * b) & (np.abs(b) <= big)), t(2.0**-64), t(1))
    sb = np.where(np.abs(b) > big, t(2.0**-64), t(1))
    scale = fin_ab & ((sa != 1) | (sb != 1))
    if scale.any():
        sab = sa * sb
        fused = np.where(scale, _fused_f64(a * sa, b * sb, c * sab) / sab, fused)
    fused = np.where((fused == 0) & (c == 0), (a * b) * t(0), fused)
    out = np.where(fin_ab & (a != 0) & (b != 0) & np.isfinite(c), fused, plain)
    return np.asarray(np.where(fin_ab & np.isinf(c), c, out))


def fma_impl(a: NDArray, b: NDArray, c: NDArray) -> NDArray:
    with np.errstate(all="ignore"):
        if a.dtype == _F64:
            return _fma_f64(a, b, c)
        if a.dtype == _F32:
            return _fma_f32(a, b, c)
        if dtypes.is_float(a.dtype):  # float16, bfloat16: one rounding from float32
            return _fma_f32(a.astype(_F32), b.astype(_F32), c.astype(_F32)).astype(a.dtype)
        return np.asarray(a * b + c).astype(a.dtype)


# ---------------------------------------------------------------------------
# XLA CPU float32 kernels, in numpy
# ---------------------------------------------------------------------------


def _c(v: float) -> np.float32:
    return np.float32(v)


def _fma32(a: NDArray | np.float32, b: NDArray | np.float32, c: NDArray | np.float32) -> NDArray:
    shape = np.broadcast_shapes(np.shape(a), np.shape(b), np.shape(c))
    return _fma_f32(*(np.broadcast_to(np.asarray(v, _F32), shape) for v in (a, b, c)))


# Cephes' single-precision log polynomial, in the split (Estrin-like) evaluation order
# that XLA's CPU kernel uses; q1 + q2 is ln 2 split into a short head and a tail.
_LOG_P: Final = tuple(
    _c(v)
    for v in (
        7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
        -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
    )
)  # fmt: skip
_LOG_Q1: Final = _c(-2.12194440e-4)
_LOG_Q2: Final = _c(0.693359375)
_SQRT_HALF: Final = _c(0.707106781186547524)
_TINY32: Final = np.finfo(np.float32).tiny


def xla_log_f32(x: NDArray) -> NDArray:
    """XLA CPU's float32 natural logarithm, bit for bit."""
    x = np.asarray(x, _F32)
    with np.errstate(all="ignore"):
        m, e_int = np.frexp(np.maximum(x, _TINY32))
        m = m.astype(_F32)
        e = e_int.astype(_F32)
        small = m < _SQRT_HALF
        e = e - np.where(small, _c(1), _c(0))
        t = (m - _c(1)) + np.where(small, m, _c(0))
        t2 = t * t
        t3 = t2 * t
        p = _LOG_P
        y = _fma32(p[0], t, p[1])
        y1 = _fma32(p[3], t, p[4])
        y2 = _fma32(p[6], t, p[7])
        y = _fma32(y, t, p[2])
        y1 = _fma32(y1, t, p[5])
        y2 = _fma32(y2, t, p[8])
        y = _fma32(y, t3, y1)
        y = _fma32(y, t3, y2)
        y = _fma32(y, t3, e * _LOG_Q1)
        t = _fma32(_c(-0.5), t2, t)
        t = t + y
        out = _fma32(_LOG_Q2, e, t)
        out = np.where(x < _TINY32, np.where(x < 0, _c(np.nan), _c(-np.inf)), out)
        out = np.where(np.isposinf(x), x, out)
        return np.where(np.isnan(x), x, out).astype(_F32)


# Cephes' log1p rational approximation, highest power first.
_LOG1P_NUM_64: Final = tuple(float(v) for v in (
    4.5270000862445199635215e-5, 4.9854102823193375972212e-1, 6.5787325942061044846969e0,
    2.9911919328553073277375e1, 6.0949667980987787057556e1, 5.7112963590585538103336e1,
    2.0039553499201281259648e1,
))  # fmt: skip
_LOG1P_DEN_64: Final = tuple(float(v) for v in (
    1.0, 1.5062909083469192043167e1, 8.3047565967967209469434e1, 2.2176239823732856465394e2,
    3.0909872225312059774938e2, 2.1642788614495947685003e2, 6.0118660497603843919306e1,
))  # fmt: skip


_LOG1P_NUM: Final = tuple(_c(v) for v in _LOG1P_NUM_64)
_LOG1P_DEN: Final = tuple(_c(v) for v in _LOG1P_DEN_64)


def _horner(x: NDArray, coeffs: Sequence[np.float32]) -> NDArray:
    out = np.full_like(x, coeffs[0])
    for c in coeffs[1:]:
        out = _fma32(out, x, c)
    return out


def xla_log1p_f32(x: NDArray) -> NDArray:
    """XLA CPU's float32 ``log1p``: a rational approximation near 0, else ``log(1 + x)``."""
    x = np.asarray(x, _F32)
    with np.errstate(all="ignore"):
        x2 = x * x
        r = _horner(x, _LOG1P_NUM) / _horner(x, _LOG1P_DEN)
        r = (x * x2) * r
        r = _fma32(_c(-0.5), x2, r)
        near_zero = x + r
        far = xla_log_f32(x + _c(1))
        return np.where(np.abs(x) < _c(0.41421356237309504880), near_zero, far).astype(_F32)


# Giles' single-precision erfinv polynomials (for w < 5 and w >= 5), highest power first.
_ERFINV_LT5: Final = tuple(
    _c(v)
    for v in (
        2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
        -0.00125372503, -0.00417768164, 0.246640727, 1.50140941,
    )
)  # fmt: skip
_ERFINV_GE5: Final = tuple(
    _c(v)
    for v in (
        -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
        -0.0076224613, 0.00943887047, 1.00167406, 2.83297682,
    )
)  # fmt: skip


def xla_erf_inv_f32(x: NDArray) -> NDArray:
    """XLA's float32 ``erf_inv`` (Giles' approximation) as its CPU backend evaluates it."""
    x = np.asarray(x, _F32)
    with np.errstate(all="ignore"):
        w = -xla_log1p_f32(x * -x)
        lt = w < _c(5)
        w = np.where(lt, w - _c(2.5), np.sqrt(w) - _c(3))
        p = np.where(lt, _ERFINV_LT5[0], _ERFINV_GE5[0]).astype(_F32)
        for a, b in zip(_ERFINV_LT5[1:], _ERFINV_GE5[1:], strict=True):
            p = _fma32(p, w, np.where(lt, a, b).astype(_F32))
        out = p * x
        return np.where(np.abs(x) == _c(1), x * _c(np.inf), out).astype(_F32)


# The odd numerator and even denominator of XLA's float32 erf approximation, in x**2,
# highest power first; beyond 3.8325..., erf rounds to +-1.
_ERF_NUM: Final = tuple(
    _c(v)
    for v in (
        0.00022905065861350646, 0.0034082910107109506, 0.050955695062380861, 0.18520832239976145,
        1.128379143519084,
    )
)  # fmt: skip
_ERF_DEN: Final = tuple(
    _c(v)
    for v in (
        -1.1791602954361697e-7, 0.000023547966471313185, 0.0010179625278914885,
        0.014070470171167667, 0.11098505178285362, 0.49746925110067538, 1.0,
    )
)  # fmt: skip


def xla_erf_f32(x: NDArray) -> NDArray:
    """XLA CPU's float32 ``erf``, bit for bit."""
    x = np.asarray(x, _F32)
    with np.errstate(all="ignore"):
        x2 = x * x
        num = x * _horner(x2, _ERF_NUM)
        out = num / _horner(x2, _ERF_DEN)
        saturated = np.abs(x) >= _c(3.832506856900711)
        return np.where(saturated, np.copysign(_c(1), x), out).astype(_F32)


# Giles' double-precision erfinv polynomials for w < 6.25, w < 16 and beyond, highest
# power first; the shorter ones line up with the tail of the longest.
_ERFINV64_LT6_25: Final = (
    -3.6444120640178196996e-21, -1.685059138182016589e-19, 1.2858480715256400167e-18,
    1.115787767802518096e-17, -1.333171662854620906e-16, 2.0972767875968561637e-17,
    6.6376381343583238325e-15, -4.0545662729752068639e-14, -8.1519341976054721522e-14,
    2.6335093153082322977e-12, -1.2975133253453532498e-11, -5.4154120542946279317e-11,
    1.051212273321532285e-09, -4.1126339803469836976e-09, -2.9070369957882005086e-08,
    4.2347877827932403518e-07, -1.3654692000834678645e-06, -1.3882523362786468719e-05,
    0.0001867342080340571352, -0.00074070253416626697512, -0.0060336708714301490533,
    0.24015818242558961693, 1.6536545626831027356,
)  # fmt: skip
_ERFINV64_LT16: Final = (
    2.2137376921775787049e-09, 9.0756561938885390979e-08, -2.7517406297064545428e-07,
    1.8239629214389227755e-08, 1.5027403968909827627e-06, -4.013867526981545969e-06,
    2.9234449089955446044e-06, 1.2475304481671778723e-05, -4.7318229009055733981e-05,
    6.8284851459573175448e-05, 2.4031110387097893999e-05, -0.0003550375203628474796,
    0.00095328937973738049703, -0.0016882755560235047313, 0.0024914420961078508066,
    -0.0037512085075692412107, 0.005370914553590063617, 1.0052589676941592334,
    3.0838856104922207635,
)  # fmt: skip
_ERFINV64_GE16: Final = (
    -2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-09,
    -3.7894654401267369937e-09, 7.6157012080783393804e-09, -1.4960026627149240478e-08,
    2.9147953450901080826e-08, -6.7711997758452339498e-08, 2.2900482228026654717e-07,
    -9.9298272942317002539e-07, 4.5260625972231537039e-06, -1.9681778105531670567e-05,
    7.5995277030017761139e-05, -0.00021503011930044477347, -0.00013871931833623122026,
    1.0103004648645343977, 4.8499064014085844221,
)  # fmt: skip


def _fma64(a: Any, b: Any, c: Any) -> NDArray:
    return _fma_f64(*np.broadcast_arrays(*(np.asarray(v, _F64) for v in (a, b, c))))


def xla_log1p_f64(x: NDArray) -> NDArray:
    """XLA CPU's float64 ``log1p``: the same rational approximation near 0, else libm's log."""
    x = np.asarray(x, _F64)
    with np.errstate(all="ignore"):
        x2 = x * x
        num, den = np.full_like(x, _LOG1P_NUM_64[0]), np.full_like(x, _LOG1P_DEN_64[0])
        for c in _LOG1P_NUM_64[1:]:
            num = _fma64(num, x, c)
        for c in _LOG1P_DEN_64[1:]:
            den = _fma64(den, x, c)
        r = (x * x2) * (num / den)
        near_zero = x + _fma64(-0.5, x2, r)
        return np.where(np.abs(x) < 0.41421356237309504880, near_zero, np.log(x + 1.0))


def xla_erf_inv_f64(x: NDArray) -> NDArray:
    """XLA's float64 ``erf_inv`` (Giles' double-precision approximation), as compiled on CPU."""
    x = np.asarray(x, _F64)
    with np.errstate(all="ignore"):
        w = -xla_log1p_f64(x * -x)
        lt_6_25, lt_16 = w < 6.25, w < 16.0

        def coefficient(i: int) -> NDArray:
            c = np.full_like(x, _ERFINV64_LT6_25[i])
            if i < 19:
                c = np.where(lt_6_25, c, _ERFINV64_LT16[i])
            if i < 17:
                c = np.where(lt_16, c, _ERFINV64_GE16[i])
            return c

        shift = np.where(lt_16, 3.25, 5.0)
        w = np.where(lt_6_25, w - 3.125, np.sqrt(w) - shift)
        p = coefficient(0)
        for i in range(1, 17):
            p = _fma64(p, w, coefficient(i))
        for i in range(17, 19):
            p = np.where(lt_16, _fma64(p, w, coefficient(i)), p)
        for i in range(19, 23):
            p = np.where(lt_6_25, _fma64(p, w, coefficient(i)), p)
        return np.where(np.abs(x) == 1.0, x * np.inf, p * x)


_libm_erf = np.frompyfunc(math.erf, 1, 1)


def libm_erf_f64(x: NDArray) -> NDArray:
    """float64 ``erf`` from the C library, which XLA's CPU backend calls."""
    return np.asarray(_libm_erf(np.asarray(x, _F64)), dtype=_F64)


def xla_kernel(
    f32: Callable[[NDArray], NDArray], f64: Callable[[NDArray], NDArray]
) -> Callable[[NDArray], NDArray]:
    """An eager impl: ``f32`` for float32 (float16/bfloat16 go through float32, as in XLA),
    ``f64`` for float64. Results keep the operand's dtype."""

    def impl(x: NDArray) -> NDArray:
        if x.dtype == _F64:
            return f64(x)
        if x.dtype == _F32:
            return f32(x)
        return f32(x.astype(_F32)).astype(x.dtype)

    return impl


# ---------------------------------------------------------------------------
# XLA's values of the gamma family at poles and infinities (chlo.lgamma, chlo.digamma,
# chlo.polygamma), where scipy's conventions differ
# ---------------------------------------------------------------------------


def xla_lgamma_special(x: NDArray, out: NDArray) -> NDArray:
    """``lgamma(-inf)`` is +inf in XLA (the magnitude grows without bound), -inf in scipy."""
    return np.where(np.isneginf(x), np.inf, out).astype(out.dtype, copy=False)


def xla_digamma_special(x: NDArray, out: NDArray) -> NDArray:
    """``digamma(+-0)`` is NaN in XLA (a pole, like the negative integers), +-inf in scipy."""
    return np.where(x == 0, np.nan, out).astype(out.dtype, copy=False)


def xla_polygamma_special(m: NDArray, x: NDArray, out: NDArray) -> NDArray:
    """XLA's ``polygamma(m, x)`` at the poles (the non-positive integers and -inf) is +inf
    for odd ``m`` and NaN for even ``m`` (digamma included); at +inf it is NaN for
    ``m >= 1``. scipy gives signed infinities at the poles and 0 at +inf."""
    with np.errstate(invalid="ignore"):
        pole = (x <= 0) & (x == np.floor(x))
        odd = np.mod(m, 2) == 1
    out = np.where(pole, np.where(odd, np.inf, np.nan), out)
    return np.where(np.isposinf(x) & (m >= 1), np.nan, out).astype(x.dtype, copy=False)
