"""numpy kernels that give XLA's CPU results for complex operands in eager mode.

numpy's complex functions follow C99 Annex G: they keep the sign of a zero part, give
``exp(-inf + inf j) = 0`` and ``abs(inf + nan j) = inf``. XLA's CPU backend expands each
complex operation into real arithmetic on the two parts (MLIR's complex-to-standard
formulas: Smith's division, ``exp(a) * (cos b + i sin b)``, ``|z|`` as
``max * sqrt(1 + (min / max)^2)``), so infinite and NaN parts propagate differently and
some zero parts come out with the other sign. These kernels are those formulas, step
by step in the component dtype, so eager results equal compiled ones (and JAX's) on
every edge value. ``IMPLS`` maps each primitive's name to its kernel; the primitives
use them for complex operands only (``core.def_dtype_impl``), real dtypes keep their
plain numpy ufuncs. Plain numpy: nothing here binds a primitive.
"""

from __future__ import annotations

import cmath
from collections.abc import Callable
from typing import Any

import numpy as np

from .xla_kernels import fma_impl, xla_log_f32

NDArray = np.ndarray[Any, Any]


def _log(x: NDArray) -> NDArray:
    """``log`` with XLA's bits (its float32 kernel; float64 calls the C library's), where
    a result multiplies a huge exponent (``pow``) and every ulp shows."""
    return xla_log_f32(x) if x.dtype == np.float32 else np.log(x)


def _parts(z: NDArray) -> tuple[NDArray, NDArray]:
    return np.real(z), np.imag(z)


def _make(re: Any, im: Any, like: NDArray) -> NDArray:
    """The complex array of ``like``'s dtype with parts ``re`` and ``im`` (assigned part by
    part: ``re + 1j * im`` would turn an infinite ``im`` into a NaN real part)."""
    out = np.empty(np.broadcast_shapes(np.shape(re), np.shape(im)), like.dtype)
    out.real, out.imag = re, im
    return out


def _abs_parts(a: NDArray, b: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """``(min, max, 1 + (min / max)^2)`` of ``|a|, |b|`` (NaN-propagating max and min)."""
    x, y = np.abs(a), np.abs(b)
    hi, lo = np.maximum(x, y), np.minimum(x, y)
    ratio = lo / hi
    return lo, hi, _fma(ratio, ratio, np.ones_like(ratio))


def _abs(a: NDArray, b: NDArray) -> NDArray:
    """``|a + b i|`` as ``max * sqrt(1 + (min / max)^2)``; ``min`` where that is NaN (0/0,
    inf/inf, NaN parts): ``|inf + nan j|`` is NaN."""
    lo, hi, s = _abs_parts(a, b)
    r = hi * np.sqrt(s)
    return np.where(np.isnan(r), lo, r)


def abs_(z: NDArray) -> NDArray:
    return _abs(*_parts(z))


def sign(z: NDArray) -> NDArray:
    """``z / |z|`` part by part, ``z`` itself (signed zeros kept) where ``z`` is zero."""
    a, b = _parts(z)
    r = _abs(a, b)
    zero = (a == 0) & (b == 0)
    return np.where(zero, z, _make(a / r, b / r, z))


def sqrt(z: NDArray) -> NDArray:
    """``u + i y / (2u)`` for ``x >= 0``, ``|y| / (2u) + i sgn(y) u`` otherwise, with
    ``u = sqrt((hypot(x, y) + |x|) / 2)`` rescaled where that under- or overflows and
    ``sgn(y) = -1`` only for ``y < 0``: ``sqrt(-1 - 0j) = +1j``."""
    x, y = _parts(z)
    t = x.dtype.type
    one, two = t(1), t(2)
    ax, ay = np.abs(x), np.abs(y)
    sq_ax, sq_ay = np.sqrt(ax), np.sqrt(ay)
    sq_2 = np.sqrt(two)
    sq_12 = np.sqrt(one + sq_2)
    u_gen = np.sqrt(_hypot_like(np.maximum(ax, ay), np.minimum(ax, ay)) / two + ax / two)
    ay_div_gen = ay / (u_gen * two)
    eq, lt = ax == ay, ax < ay
    r = np.where(eq, one, np.where(lt, ax / ay, ay / ax))
    sq_r = np.where(eq, one, np.where(lt, sq_ax / sq_ay, sq_ay / sq_ax))
    h = _hypot_like(np.maximum(one, r), np.minimum(one, r))
    sq_1h, sq_rh = np.sqrt(one + h), np.sqrt(r + h)
    rescale = (u_gen == 0) | (u_gen == np.inf)
    gt = ax > ay
    u = np.where(eq, sq_ax * sq_12 / sq_2,
                 np.where(rescale, np.where(gt, sq_ax * (sq_1h / sq_2), sq_ay * (sq_rh / sq_2)),
                          u_gen))  # fmt: skip
    ay_div_u = np.where(
        eq, sq_ay / (sq_12 * sq_2),
        np.where(rescale, np.where(gt, sq_ay * sq_r / (sq_1h * sq_2), sq_ay / (sq_rh * sq_2)),
                 ay_div_gen),
    )  # fmt: skip
    re = np.where(x >= 0, u, ay_div_u)
    im = np.where(x < 0, np.where(y < 0, -u, u), np.where(y < 0, -ay_div_u, ay_div_u))
    return _make(re, im, z)


def rsqrt(z: NDArray) -> NDArray:
    """``rsqrt|z| * (cos(-t/2) + i sin(-t/2))``; signed zeros at infinite moduli,
    ``inf + nan j`` at zero."""
    a, b = _parts(z)
    t = a.dtype.type
    lo, hi, s = _abs_parts(a, b)
    r = (t(1) / np.sqrt(hi)) * (t(1) / np.sqrt(np.sqrt(s)))
    r = np.where(np.isnan(r), t(1) / np.sqrt(lo), r)
    ang = np.arctan2(b, a) * t(-0.5)
    re, im = r * np.cos(ang), r * np.sin(ang)
    to_zero = ((np.abs(b) == np.inf) & np.isnan(a)) | (np.abs(a) == np.inf)
    re = np.where(to_zero, np.copysign(t(0), a), re)
    im = np.where(to_zero, -np.copysign(t(0), b), im)
    zero = (a == 0) & (b == 0)
    return _make(np.where(zero, t(np.inf), re), np.where(zero, t(np.nan), im), z)


def exp(z: NDArray) -> NDArray:
    """``exp(a) * (cos b + i sin b)``, imaginary part +0 where ``b`` is zero."""
    a, b = _parts(z)
    e = np.exp(a)
    return _make(e * np.cos(b), np.where(b == 0, a.dtype.type(0), e * np.sin(b)), z)


# Cephes' ``cosm1`` polynomial in ``b^2`` (highest power first).
_COSM1 = (4.7377507964246204691685e-14, -1.1470284843425359765671e-11,
          2.0876754287081521758361e-9, -2.7557319214999787979814e-7,
          2.4801587301570552304991e-5, -1.3888888888888872993737e-3,
          4.1666666666666666609054e-2)  # fmt: skip


def _cosm1(b: NDArray) -> NDArray:
    """``cos(b) - 1``: ``cos(b) - 1`` from ``b^2 >= (pi/4)^2`` on, Cephes' polynomial below
    (which gives +0 at ``b = -0``)."""
    t = b.dtype.type
    b2 = b * b
    poly = np.full_like(b2, t(_COSM1[0]))
    for k in _COSM1[1:]:
        poly = poly * b2 + t(k)
    small = (b2 * b2) * poly + t(-0.5) * b2
    out: NDArray = np.where(b2 >= t(0.61685), np.cos(b) - t(1), small)
    return out


def expm1(z: NDArray) -> NDArray:
    """``(expm1(a) cos b + cosm1 b) + i exp(a) sin b``, imaginary part +0 where ``b`` is 0."""
    a, b = _parts(z)
    t = a.dtype.type
    em1 = np.expm1(a)
    cm1 = _cosm1(b)
    re = em1 * (cm1 + t(1)) + cm1
    im = np.where(b == 0, t(0), (em1 + t(1)) * np.sin(b))
    return _make(re, im, z)


def _ratio(lo: NDArray, hi: NDArray) -> NDArray:
    """``lo / hi``, 1 where they are equal (both zero or both infinite)."""
    with np.errstate(all="ignore"):
        return np.where(lo == hi, lo.dtype.type(1), lo / hi)


def log(z: NDArray) -> NDArray:
    """``log(max) + log1p((min/max)^2) / 2 + i atan2(b, a)`` over the parts' magnitudes:
    no overflow for huge parts; ``log(inf + nan j)`` is NaN."""
    a, b = _parts(z)
    x, y = np.abs(a), np.abs(b)
    hi, lo = np.maximum(x, y), np.minimum(x, y)
    ratio = _ratio(lo, hi)
    re = np.log(hi) + a.dtype.type(0.5) * np.log1p(ratio * ratio)
    return _make(re, np.arctan2(b, a), z)


def _split(x: NDArray) -> tuple[NDArray, NDArray]:
    """Veltkamp's split ``x = hi + lo`` (halves of the significand)."""
    c = x.dtype.type(2 ** ((np.finfo(x.dtype).nmant + 2) // 2) + 1)
    g = c * x
    hi = g + (x - g)
    return hi, x - hi


def _square(x: NDArray) -> tuple[NDArray, NDArray]:
    """Dekker's ``x * x = hi + lo``."""
    xh, xl = _split(x)
    hi = x * x
    return hi, (((-hi) + xh * xh) + xh * xl + xh * xl) + xl * xl


def _two_sum(a: NDArray, b: NDArray) -> tuple[NDArray, NDArray]:
    s = a + b
    z = s - a
    return s, (a - (s - z)) + (b - z)


def log1p(z: NDArray) -> NDArray:
    """``log|z + 1| + i atan2(y, x + 1)``, the modulus's log by region: ``log(max) +
    log1p((min/max)^2) / 2`` for large parts, ``log((x+1)^2 + y^2) / 2`` near -1, else
    ``log1p(2x + x^2 + y^2) / 2`` with Dekker squares summed by 2Sum."""
    x, y = _parts(z)
    t = x.dtype.type
    one, half = t(1), t(0.5)
    xp1 = x + one
    safe_max = np.sqrt(np.finfo(t).max) * t(0.01)
    xxh, xxl = _square(x)
    yyh, yyl = _square(y)
    s, e = _two_sum(x + x, yyh)
    for term in (xxh, yyl, xxl):
        s, e1 = _two_sum(s, term)
        e = e + e1
    s, _ = _two_sum(s, e)
    re_a = half * np.log1p(s)
    ax, ay = np.abs(x), np.abs(y)
    mx, mn = np.maximum(ax, ay), np.minimum(ax, ay)
    re_b = np.log(mx) + half * np.log1p(np.where(mn == mx, one, (mn / mx) * (mn / mx)))
    re_c = half * np.log(xp1 * xp1 + y * y)
    re = np.where(mx > safe_max, re_b, np.where(np.abs(xp1) + ay < t(0.2), re_c, re_a))
    return _make(re, np.arctan2(y, xp1), z)


def _trig_parts(z: NDArray) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """``(exp(y)/2, 1/(2 exp(y)), sin x, cos x)`` for ``z = x + i y``."""
    x, y = _parts(z)
    e = np.exp(y)
    half = x.dtype.type(0.5)
    return half * e, half / e, np.sin(x), np.cos(x)


def sin(z: NDArray) -> NDArray:
    """``(e/2 + 1/(2e)) sin x + i (e/2 - 1/(2e)) cos x`` with ``e = exp(y)``."""
    pe, ne, s, c = _trig_parts(z)
    return _make((pe + ne) * s, (pe - ne) * c, z)


def cos(z: NDArray) -> NDArray:
    """``(1/(2e) + e/2) cos x + i (1/(2e) - e/2) sin x`` with ``e = exp(y)``."""
    pe, ne, s, c = _trig_parts(z)
    return _make((ne + pe) * c, (ne - pe) * s, z)


def _tanh_parts(a: NDArray, b: NDArray) -> tuple[NDArray, NDArray]:
    """tanh of ``a + b i`` as ``(e^2a - e^-2a + 4i cos b sin b) / (e^2a + e^-2a +
    4 cos^2 b)`` with ``expm1``, ``+-1`` where ``e^2a + e^-2a`` overflows, NaN and zero
    parts where ``sin 2b`` is NaN or ``b`` zero."""
    t = a.dtype.type
    two_a = a + a
    ep, en = np.expm1(two_a), np.expm1(t(-1) * two_a)
    cb, sb = np.cos(b), np.sin(b)
    imag_num = t(4) * (cb * sb)
    sum_m2 = ep + en
    denom = sum_m2 + cb * cb * t(4)
    re = np.where(sum_m2 == np.inf, np.copysign(t(1), a), (ep - en) / denom)
    im = imag_num / denom
    a_inf = np.abs(a) == np.inf
    num_nan = np.isnan(imag_num)
    re = np.where(num_nan & ~a_inf, t(np.nan), re)
    im = np.where((b == 0) | (a_inf & num_nan), t(0), im)
    return re, im


def tanh(z: NDArray) -> NDArray:
    re, im = _tanh_parts(*_parts(z))
    return _make(re, im, z)


def tan(z: NDArray) -> NDArray:
    """``tan(x + i y) = -i tanh(-y + i x)``."""
    x, y = _parts(z)
    re, im = _tanh_parts(y * x.dtype.type(-1), x)
    return _make(im, re * x.dtype.type(-1), z)


def _fma(a: NDArray, b: NDArray, c: NDArray) -> NDArray:
    """``a * b + c`` rounded once, as XLA contracts it.

    float32 parts: the product is exact in float64, the sum rounds there and again to
    float32 (which differs from one rounding only at exact ties), with IEEE's infinities,
    NaNs and zero signs throughout. float64 parts: ``fma_impl``'s emulation.
    """
    with np.errstate(all="ignore"):
        if a.dtype == np.float32:
            wide = np.float64
            return (a.astype(wide) * b.astype(wide) + c.astype(wide)).astype(np.float32)
        return fma_impl(a, b, c)


def mul(x: NDArray, y: NDArray) -> NDArray:
    """``(ac - bd) + i (bc + ad)``, each a multiply-add: no C99 recovery of infinities
    from NaN products."""
    a, b = _parts(x)
    c, d = _parts(y)
    return _make(_fma(a, c, -(b * d)), _fma(b, c, a * d), x)


def div(x: NDArray, y: NDArray) -> NDArray:
    """Smith's division, with C99's infinities and zeros where it gives NaN in both parts:
    a zero divisor, an infinite numerator over a finite divisor, a finite one over an
    infinite divisor."""
    a_r, a_i = _parts(x)
    b_r, b_i = _parts(y)
    t = a_r.dtype.type
    zero, one, inf = t(0), t(1), t(np.inf)
    rb = b_r / b_i
    db = b_i + rb * b_r
    rbi = b_i / b_r
    dbi = b_r + rbi * b_i
    br_abs, bi_abs = np.abs(b_r), np.abs(b_i)
    lt = br_abs < bi_abs
    c_r = np.where(lt, (rb * a_r + a_i) / db, (rbi * a_i + a_r) / dbi)
    c_i = np.where(lt, (rb * a_i - a_r) / db, (a_i - rbi * a_r) / dbi)
    # Zero divisor, numerator not all NaN.
    zero_den = (br_abs == 0) & (bi_abs == 0) & (~np.isnan(a_r) | ~np.isnan(a_i))
    s_inf = np.copysign(inf, b_r)
    z_r, z_i = s_inf * a_r, s_inf * a_i
    # Infinite numerator, finite divisor.
    ar_inf, ai_inf = np.abs(a_r) == inf, np.abs(a_i) == inf
    b_fin = (br_abs != inf) & ~np.isnan(b_r) & (bi_abs != inf) & ~np.isnan(b_i)
    inf_num = (ar_inf | ai_inf) & b_fin
    ar_s = np.copysign(np.where(ar_inf, one, zero), a_r)
    ai_s = np.copysign(np.where(ai_inf, one, zero), a_i)
    n_r, n_i = inf * (ar_s * b_r + ai_s * b_i), inf * (ai_s * b_r - ar_s * b_i)
    # Finite numerator, infinite divisor.
    br_inf, bi_inf = br_abs == inf, bi_abs == inf
    a_fin = (np.abs(a_r) != inf) & ~np.isnan(a_r) & (np.abs(a_i) != inf) & ~np.isnan(a_i)
    inf_den = (br_inf | bi_inf) & a_fin
    br_s = np.copysign(np.where(br_inf, one, zero), b_r)
    bi_s = np.copysign(np.where(bi_inf, one, zero), b_i)
    f_r, f_i = zero * (a_r * br_s + a_i * bi_s), zero * (a_i * br_s - a_r * bi_s)
    # The corner cases replace Smith's result only where it is NaN in both parts.
    nan = np.isnan(c_r) & np.isnan(c_i)
    zero_den, inf_num, inf_den = nan & zero_den, nan & inf_num, nan & inf_den
    re = np.where(zero_den, z_r, np.where(inf_num, n_r, np.where(inf_den, f_r, c_r)))
    im = np.where(zero_den, z_i, np.where(inf_num, n_i, np.where(inf_den, f_i, c_i)))
    return _make(re, im, x)


def pow_(x: NDArray, y: NDArray) -> NDArray:
    """``|x|^c exp(-d arg x) (cos q + i sin q)``, ``q = c arg x + d log|x|``, with
    ``0^0 = x^0 = 1^y = 1``, ``0^c = 0`` (c > 0), ``inf^c`` inf or 0 for real ``c``."""
    a, b = _parts(x)
    c, d = _parts(y)
    t = a.dtype.type
    r = _abs(a, b)
    arg = np.arctan2(b, a)
    coeff = np.power(r, c) * np.exp(-d * arg)
    q = _fma(c, arg, d * _log(r))  # (XLA contracts it to a multiply-add)
    re, im = coeff * np.cos(q), coeff * np.sin(q)
    d0, c0, b0 = d == 0, c == 0, b == 0
    z0 = (r == 0) & d0 & (t(0) <= c)
    re = np.where(z0, np.where(c0, t(1), t(0)), re)
    im = np.where(z0, t(0), im)
    one = (c0 & d0) | ((a == 1) & b0)
    re, im = np.where(one, t(1), re), np.where(one, t(0), im)
    a_inf = (a == np.inf) & b0 & d0
    re = np.where(a_inf & (c > 0), t(np.inf), np.where(a_inf & (c < 0), t(0), re))
    im = np.where(a_inf & ((c > 0) | (c < 0)), t(0), im)
    return _make(re, im, x)


def _hypot_like(mx: NDArray, mn: NDArray) -> NDArray:
    """``hypot`` of magnitudes ``mx >= mn`` as the asin kernel forms it."""
    t = mx.dtype.type
    ratio = mn / mx
    r = ratio * ratio
    sqa = np.sqrt(t(1) + r)
    out: NDArray = np.where((sqa == 1) & (r > 0), mx + mx * r / t(2), mx * sqa)
    return np.where(mx == mn, np.sqrt(t(2)) * mx, out)


def _asin_kernel(x: NDArray, y: NDArray) -> tuple[NDArray, NDArray]:
    """``(q, v)`` for magnitudes ``x = |re z|, y = |im z|``: ``asin``'s real part is
    ``atan2(re z, q)`` and its imaginary part ``+-v`` (Hull et al.'s algorithm with
    fewer regions, as chlo decomposes ``asin``, ``acos``, ``asinh`` and ``acosh``)."""
    t = x.dtype.type
    one, half = t(1), t(0.5)
    safe_max = np.sqrt(np.finfo(t).max) / t(8)
    xp1, xm1 = x + one, x - one
    r = _hypot_like(np.maximum(np.abs(xp1), y), np.minimum(np.abs(xp1), y))
    s = _hypot_like(np.maximum(np.abs(xm1), y), np.minimum(np.abs(xm1), y))
    a = half * (r + s)
    half_apx = half * (a + x)
    yy = y * y
    rpxp1, smxm1, spxm1 = r + xp1, s - xm1, s + xm1
    q = np.where(
        np.maximum(x, y) >= safe_max,
        y,
        np.where(x <= one, np.sqrt(half_apx * (yy / rpxp1 + smxm1)),
                 y * np.sqrt(half_apx / rpxp1 + half_apx / spxm1)),
    )  # fmt: skip
    safe_max_opt = np.where(x < safe_max * t(1e12), safe_max * t(1e-6), safe_max * t(100))
    y_big = y >= safe_max_opt
    mx = np.where(y_big, y, x)
    xoy = np.where(y_big & (y != np.inf), x / y, t(0))
    big = np.log(t(2)) + np.log(mx) + half * np.log1p(xoy * xoy)
    small = (y < np.sqrt(np.finfo(t).tiny) * t(4)) & (x < one)
    ap1 = a + one
    half_yy = half * yy
    d = half_yy / rpxp1
    am1 = np.where(small, -(xp1 * xm1) / ap1,
                   np.where(x >= one, d + half * spxm1,
                            np.where(a <= t(1.5), d + half_yy / smxm1, a - one)))  # fmt: skip
    sq = np.sqrt(am1 * ap1)
    v = np.where(mx >= np.where(y_big, safe_max_opt, safe_max), big,
                 np.where(small, y / sq, np.log1p(am1 + sq)))  # fmt: skip
    return q, v


def asin(z: NDArray) -> NDArray:
    """``atan2(x, q) + i v``, ``v`` negated for ``y < 0`` only (not for ``y = -0``)."""
    x, y = _parts(z)
    q, v = _asin_kernel(np.abs(x), np.abs(y))
    return _make(np.arctan2(x, q), np.where(y < 0, -v, v), z)


def acos(z: NDArray) -> NDArray:
    """``atan2(q, x) - i v``, ``v`` kept for ``y < 0``."""
    x, y = _parts(z)
    q, v = _asin_kernel(np.abs(x), np.abs(y))
    return _make(np.arctan2(q, x), np.where(y < 0, v, -v), z)


def acosh(z: NDArray) -> NDArray:
    """``v + i acos_re``, the imaginary part negated for ``y < 0``."""
    x, y = _parts(z)
    q, v = _asin_kernel(np.abs(x), np.abs(y))
    re = np.arctan2(q, x)
    return _make(v, np.where(y < 0, -re, re), z)


def asinh(z: NDArray) -> NDArray:
    """``-i asin(i z)``, part by part."""
    x, y = _parts(z)
    w = asin(_make(-y, x, z))
    return _make(np.imag(w), -np.real(w), z)


def atanh(z: NDArray) -> NDArray:
    """``sign(x) log1p(4 |x| / ((1 - |x|)^2 + y^2)) / 4 + i atan2(2y, (1 - |x|)(1 + |x|) -
    y^2) / 2`` in the safe region; asymptotic forms and ``+-pi/2`` (by ``y >= 0``, NaN
    counting as negative) outside it."""
    x, y = _parts(z)
    t = x.dtype.type
    one = t(1)
    inv_negeps = np.nextafter(one / t(np.finfo(t).epsneg), t(np.inf))
    safe_max = inv_negeps * inv_negeps
    ax, ay = np.abs(x), np.abs(y)
    naxm1 = one - ax
    y2 = y * y
    sx = np.where(x >= 0, one, -one)
    sy = np.where(y >= 0, one, -one)
    safe = (ax < safe_max) & (ay < safe_max)
    arg23 = ax / (naxm1 * naxm1 + y2)
    arg5 = np.where(np.isinf(x) | np.isinf(y), t(0), one / (ax / y + y / ax) / y)
    arg = np.where(safe, arg23, np.where(ay * inv_negeps < ax, one / ax, arg5))
    re = sx * np.log1p(t(4) * arg) * t(0.25)
    im = np.where(safe, np.arctan2(y + y, naxm1 * (one + ax) - y2), sy * t(np.pi)) * t(0.5)
    return _make(re, im, z)


def atan(z: NDArray) -> NDArray:
    """``-i atanh(i z)``, part by part."""
    x, y = _parts(z)
    w = atanh(_make(-y, x, z))
    return _make(np.imag(w), -np.real(w), z)


def _c(v: float, like: NDArray) -> NDArray:
    """The constant ``v + 0j`` in ``like``'s dtype (a 0-d array: it broadcasts)."""
    return np.asarray(v, like.dtype)


def _add(x: NDArray, y: NDArray) -> NDArray:
    return _make(np.real(x) + np.real(y), np.imag(x) + np.imag(y), x)


def _neg(x: NDArray) -> NDArray:
    return _make(-np.real(x), -np.imag(x), x)


def sinh(z: NDArray) -> NDArray:
    """``exp(z + log 1/2) - exp(-z + log 1/2)``: chlo's form, which does not overflow
    early."""
    h = _c(np.log(0.5), z)
    return _add(exp(_add(z, h)), _neg(exp(_add(_neg(z), h))))


def cosh(z: NDArray) -> NDArray:
    """``exp(z + log 1/2) + exp(-z + log 1/2)``."""
    h = _c(np.log(0.5), z)
    return _add(exp(_add(z, h)), exp(_add(_neg(z), h)))


def exp2(z: NDArray) -> NDArray:
    """``exp(z * log 2)``, the product a complex multiply (as fad lowers ``exp2``)."""
    return exp(mul(z, np.broadcast_to(_c(np.log(2), z), z.shape)))


def logistic(z: NDArray) -> NDArray:
    """``1 / (1 + exp(-z))`` in complex arithmetic (XLA's expansion of ``logistic``)."""
    one = np.broadcast_to(_c(1, z), z.shape)
    return div(one, _add(one, exp(_neg(z))))


def _pick(x: NDArray, y: NDArray, pick_x: NDArray) -> NDArray:
    return np.where(pick_x, x, y)


def max_(x: NDArray, y: NDArray) -> NDArray:
    """The lexicographically larger of ``x`` and ``y`` (real parts first, then imaginary
    parts), ``y`` where they tie or a compared part is NaN: fad lowers ``max`` of complex
    operands this way, as JAX does."""
    rx, ry = np.real(x), np.real(y)
    return _pick(x, y, np.where(rx == ry, np.imag(x) > np.imag(y), rx > ry))


def min_(x: NDArray, y: NDArray) -> NDArray:
    """The lexicographically smaller of ``x`` and ``y``; ``y`` where they tie or a compared
    part is NaN."""
    rx, ry = np.real(x), np.real(y)
    return _pick(x, y, np.where(rx == ry, np.imag(x) < np.imag(y), rx < ry))


def integer_pow(x: NDArray, y: int) -> NDArray:
    """``x ** y`` by squaring with the complex multiply (``1 / x ** -y`` for ``y < 0``), as
    fad lowers ``integer_pow``; the first factor is not multiplied into a one (XLA folds
    ``1 * x`` to ``x``, which keeps infinite parts from turning into NaN)."""
    with np.errstate(all="ignore"):
        base, n, acc = x, -y if y < 0 else y, None
        while n:
            if n & 1:
                acc = base if acc is None else mul(acc, base)
            n >>= 1
            if n:
                base = mul(base, base)
        one = np.ones_like(x)
        if acc is None:
            return one
        return div(one, acc) if y < 0 else acc


def prod(x: NDArray, axes: tuple[int, ...]) -> NDArray:
    """The product over ``axes`` as XLA's reduce forms it: the complex multiply, one
    element after another from the initial one (a single element is the product itself:
    XLA drops a reduction over one element)."""
    with np.errstate(all="ignore"):
        nd = len(axes)
        moved = np.moveaxis(x, axes, tuple(range(x.ndim - nd, x.ndim)))
        flat = moved.reshape((*moved.shape[: x.ndim - nd], -1))
        if flat.shape[-1] == 1:
            return flat[..., 0].copy()
        acc = np.ones(flat.shape[:-1], x.dtype)
        for j in range(flat.shape[-1]):
            acc = mul(acc, flat[..., j])
        return acc


def _mul_eager(x: NDArray, y: NDArray) -> NDArray:
    """``mul``, through numpy's product where that is the same formula with each product
    rounded: where it is finite no product overflowed, and the two differ at most in the
    last bit (float64 parts must also stay below ``2^995``, past which XLA's float64
    multiply-add is not a plain one). numpy warns of overflows there, as for real ones."""
    r = x * y
    if cmath.isfinite(np.add.reduce(r, None)):  # (a non-finite part makes the sum one)
        if x.dtype == np.complex64:
            return r
        if max(np.abs(x).max(initial=0), np.abs(y).max(initial=0)) <= 2.0**995:
            return r
    return _quiet_mul(x, y)


def _quiet(kernel: Callable[..., NDArray]) -> Callable[..., NDArray]:
    """``kernel`` without numpy's floating-point warnings: its intermediate NaNs and
    infinities (``0/0`` in a ratio that a later select replaces) are not the caller's."""

    def run(*args: NDArray) -> NDArray:
        with np.errstate(all="ignore"):
            return kernel(*args)

    run.__name__ = run.__qualname__ = kernel.__name__
    run.__doc__ = kernel.__doc__
    return run


# Each primitive's name and its complex kernel.
_KERNELS: dict[str, Callable[..., NDArray]] = {
    "abs": abs_, "sign": sign, "sqrt": sqrt, "rsqrt": rsqrt, "exp": exp, "exp2": exp2,
    "expm1": expm1, "log": log, "log1p": log1p, "logistic": logistic, "sin": sin, "cos": cos,
    "tan": tan, "sinh": sinh, "cosh": cosh, "tanh": tanh, "asin": asin, "acos": acos,
    "atan": atan, "asinh": asinh, "acosh": acosh, "atanh": atanh,
    "mul": mul, "div": div, "pow": pow_, "max": max_, "min": min_,
}  # fmt: skip
IMPLS = {name: _quiet(kernel) for name, kernel in _KERNELS.items()}
_quiet_mul = IMPLS["mul"]
IMPLS["mul"] = _mul_eager
