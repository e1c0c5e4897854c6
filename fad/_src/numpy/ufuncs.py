"""Elementwise math with numpy broadcasting and JAX's promotion: arithmetic and powers,
exponentials and logarithms, trigonometry, rounding, comparisons, bitwise operations,
complex parts; and numpy's constants (``pi``, ``e``, ``inf``, ``nan``).

Functions defined on floats promote integers and bools to the default float, so
``sin(1)`` is a float32 unless x64 is enabled.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike
from fad._src.custom_derivatives import custom_jvp
from fad._src.numpy.conversion import (
    PY_SCALARS,
    asarray,
    astype,
    promote,
    promote_inexact,
    promote_pair,
)
from fad._src.numpy.creation import ones_like, zeros_like
from fad._src.prims import _util
from fad._src.prims import elementwise as ew
from fad._src.typing import Tangent, tangent

pi = np.pi
e = np.e
inf = np.inf
nan = np.nan
euler_gamma = np.euler_gamma


def _unary_inexact(prim: core.Primitive, name: str) -> Callable[[ArrayLike], Array]:
    # Binds ``prim`` itself (what its ``ew`` wrapper does), one call shorter. An inexact
    # host array needs no promotion, and with no handler installed it runs at once
    # (``core.eval_on_host1`` is ``eval_primitive``); so does a tracer whose aval is
    # inexact and canonical, for which ``promote_inexact`` returns the tracer itself.
    # Anything else takes ``promote_inexact``.
    bind1 = prim.bind1

    def f(x: ArrayLike) -> Array:
        if type(x) is Array:
            v = x._host
            if v is not None and v.dtype.kind in "fc":
                if core.is_eager():
                    return core.eval_on_host1(prim, v, x._weak_type)
                return bind1(x)
        elif isinstance(x, core.Tracer):
            dt = x.aval.dtype
            if dt.kind in "fc" and dtypes.canonicalize_dtype(dt) == dt:
                return bind1(x)
        (a,) = promote_inexact(name, x)
        return bind1(a)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Elementwise ``{name}`` (integers are promoted to the default float)."
    return f


sin = _unary_inexact(ew.sin_p, "sin")
cos = _unary_inexact(ew.cos_p, "cos")
tan = _unary_inexact(ew.tan_p, "tan")
arcsin = _unary_inexact(ew.asin_p, "arcsin")
arccos = _unary_inexact(ew.acos_p, "arccos")
arctan = _unary_inexact(ew.atan_p, "arctan")
sinh = _unary_inexact(ew.sinh_p, "sinh")
cosh = _unary_inexact(ew.cosh_p, "cosh")
tanh = _unary_inexact(ew.tanh_p, "tanh")
arcsinh = _unary_inexact(ew.asinh_p, "arcsinh")
arccosh = _unary_inexact(ew.acosh_p, "arccosh")
arctanh = _unary_inexact(ew.atanh_p, "arctanh")
exp = _unary_inexact(ew.exp_p, "exp")
exp2 = _unary_inexact(ew.exp2_p, "exp2")
log = _unary_inexact(ew.log_p, "log")
log1p = _unary_inexact(ew.log1p_p, "log1p")
expm1 = _unary_inexact(ew.expm1_p, "expm1")
sqrt = _unary_inexact(ew.sqrt_p, "sqrt")
cbrt = _unary_inexact(ew.cbrt_p, "cbrt")
asin, acos, atan, asinh, acosh, atanh = arcsin, arccos, arctan, arcsinh, arccosh, arctanh


def log2(x: ArrayLike) -> Array:
    (a,) = promote_inexact("log2", x)
    return ew.div(ew.log(a), ew.full_like(a, np.log(2)))


def log10(x: ArrayLike) -> Array:
    (a,) = promote_inexact("log10", x)
    return ew.div(ew.log(a), ew.full_like(a, np.log(10)))


def _eager_with_scalar(
    prim: core.Primitive, x: ArrayLike, y: ArrayLike, inexact: bool, allow_bool: bool = True
) -> Array | None:
    """``prim`` of a host Array and a Python scalar (either order) with no handler
    installed: one numpy call on the Array's value and the scalar made in the promoted
    dtype, with no Array for the scalar and nothing bound (no one would see it).

    It must agree with ``promote_pair`` then ``bind``: taken only where promotion leaves
    the Array's dtype alone (a converted Array takes that path), the scalar is the same
    ``np.asarray(s, dtype)`` with the promoted weak type, and ``core.eval_on_host2`` is
    ``eval_primitive``. ``prim``'s impl must broadcast the 0-d scalar as a numpy ufunc does
    (the callers' are ufuncs, and ``div``'s is ``np.true_divide`` on inexact values).
    ``None`` means: take that path (also for a bool result, with ``allow_bool=False``).
    """
    if type(x) is Array:
        v = x._host
        scalar, scalar_first = y, False
        weak = x._weak_type
    elif type(y) is Array:
        v = y._host
        scalar, scalar_first = x, True
        weak = y._weak_type
    else:
        return None
    if v is None or type(scalar) not in PY_SCALARS or not core.is_eager():
        return None
    if type(scalar) is int and not -(2**31) <= scalar < 2**31:
        dtypes.check_python_int(scalar)
    dt, scalar_weak = dtypes.result_type_with_scalar(v.dtype, weak, type(scalar), inexact)
    if v.dtype != dt or (not allow_bool and dt == dtypes.bool_):
        return None
    s = np.asarray(scalar, dt)
    if scalar_first:
        return core.eval_on_host2(prim, s, scalar_weak, v, weak)
    return core.eval_on_host2(prim, v, weak, s, scalar_weak)


def _binary(
    prim: core.Primitive, name: str, inexact: bool = False
) -> Callable[[ArrayLike, ArrayLike], Array]:
    # Binds ``prim`` itself (what its ``ew`` wrapper does), one call shorter. Two host
    # arrays of one dtype, shape and weak type bind as they are; an eager Python scalar
    # operand takes ``_eager_with_scalar``; otherwise ``promote_pair`` (``promote``'s fast
    # path, called directly; ``prim``'s impl is a numpy ufunc, so an eager Python scalar
    # needs no broadcast) or the general promotion.
    if not isinstance(prim.impl, np.ufunc):
        raise TypeError(f"{name} leaves eager scalars 0-d, so {prim} must be a numpy ufunc")
    bind1 = prim.bind1

    def f(x: ArrayLike, y: ArrayLike) -> Array:
        if type(x) is Array and type(y) is Array:
            vx, vy = x._host, y._host
            if (
                vx is not None
                and vy is not None
                and vx.dtype == vy.dtype
                and vx.shape == vy.shape
                and x._weak_type == y._weak_type
                and (not inexact or dtypes.is_inexact(vx.dtype))
            ):
                return bind1(x, y)
        else:
            out = _eager_with_scalar(prim, x, y, inexact)
            if out is not None:
                return out
        ab = promote_pair(x, y, inexact, True)
        if ab is None:
            ab = promote_inexact(name, x, y) if inexact else promote(name, x, y)
        a, b = ab
        if type(a) is Array and type(b) is Array and core.is_eager():
            va, vb = a._host, b._host
            if va is not None and vb is not None:
                # ``eval_primitive``'s lean path, which also takes the eager 0-d scalar
                # ``promote_pair`` kept (numpy broadcasts it; the primitive would not).
                return core.eval_on_host2(prim, va, a._weak_type, vb, b._weak_type)
        return bind1(a, b)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Elementwise ``{name}`` with numpy broadcasting and JAX's type promotion."
    return f


add = _binary(ew.add_p, "add")
multiply = _binary(ew.mul_p, "multiply")
maximum = _binary(ew.max_p, "maximum")
minimum = _binary(ew.min_p, "minimum")
arctan2 = _binary(ew.atan2_p, "arctan2", inexact=True)
nextafter = _binary(ew.nextafter_p, "nextafter", inexact=True)
equal = _binary(ew.eq_p, "equal")
not_equal = _binary(ew.ne_p, "not_equal")
less = _binary(ew.lt_p, "less")
less_equal = _binary(ew.le_p, "less_equal")
greater = _binary(ew.gt_p, "greater")
greater_equal = _binary(ew.ge_p, "greater_equal")
bitwise_and = _binary(ew.and_p, "bitwise_and")
bitwise_or = _binary(ew.or_p, "bitwise_or")
bitwise_xor = _binary(ew.xor_p, "bitwise_xor")
left_shift = _binary(ew.shift_left_p, "left_shift")
atan2 = arctan2


def subtract(x: ArrayLike, y: ArrayLike) -> Array:
    # ``sub``'s impl is ``np.subtract``, so the eager scalar paths apply (see ``_binary``).
    out = _eager_with_scalar(ew.sub_p, x, y, False, allow_bool=False)
    if out is not None:
        return out
    ab = promote_pair(x, y, False, True)
    a, b = ab if ab is not None else promote("subtract", x, y)
    if dtypes.is_bool(a.dtype):
        raise TypeError("subtract does not accept bool operands; use logical_xor")
    if type(a) is Array and type(b) is Array and core.is_eager():
        va, vb = a._host, b._host
        if va is not None and vb is not None:  # as in ``_binary`` (a kept 0-d scalar)
            return core.eval_on_host2(ew.sub_p, va, a._weak_type, vb, b._weak_type)
    return ew.sub(a, b)


def right_shift(x: ArrayLike, y: ArrayLike) -> Array:
    a, b = promote("right_shift", x, y)
    if dtypes.is_unsigned(a.dtype):
        return ew.shift_right_logical(a, b)
    return ew.shift_right_arithmetic(a, b)


def true_divide(x: ArrayLike, y: ArrayLike) -> Array:
    # On the inexact operands this promotes to, ``div``'s impl is ``np.true_divide``, so
    # the eager scalar path applies (see ``_binary``).
    out = _eager_with_scalar(ew.div_p, x, y, True)
    if out is not None:
        return out
    a, b = promote_inexact("true_divide", x, y)
    return ew.div(a, b)


divide = true_divide


def floor_divide(x: ArrayLike, y: ArrayLike) -> Array:
    a, b = promote("floor_divide", x, y)
    if dtypes.is_integer(a.dtype):
        q = ew.div(a, b)
        # C division truncates; floor where the signs differ and there is a remainder.
        r = ew.rem(a, b)
        fix = ew.bitwise_and(
            ew.ne(r, zeros_like(r)), ew.ne(ew.lt(a, zeros_like(a)), ew.lt(b, zeros_like(b)))
        )
        return ew.select(fix, ew.sub(q, ones_like(q)), q)
    if dtypes.is_complex(a.dtype):
        raise TypeError("floor_divide does not accept complex operands")
    if dtypes.is_bool(a.dtype):
        raise TypeError("floor_divide does not accept bool operands")
    # Divide what is left after fmod (exact), then correct toward -inf, as numpy does;
    # floor(a / b) alone can be off by one when a / b rounds up to an integer.
    mod = ew.rem(a, b)
    div = ew.div(ew.sub(a, mod), b)
    zero = zeros_like(mod)
    fix = ew.bitwise_and(ew.ne(mod, zero), ew.ne(ew.lt(b, zero), ew.lt(mod, zero)))
    return ew.round(ew.select(fix, ew.sub(div, ones_like(div)), div))


def remainder(x: ArrayLike, y: ArrayLike) -> Array:
    """Python's ``%``: the result has the sign of the divisor."""
    a, b = promote("remainder", x, y)
    r = ew.rem(a, b)
    zero = zeros_like(r)
    fix = ew.bitwise_and(ew.ne(r, zero), ew.ne(ew.lt(r, zero), ew.lt(b, zero)))
    return ew.select(fix, ew.add(r, b), r)


mod = remainder


def fmod(x: ArrayLike, y: ArrayLike) -> Array:
    a, b = promote("fmod", x, y)
    return ew.rem(a, b)


def divmod(x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
    return floor_divide(x, y), remainder(x, y)


def power(x: ArrayLike, y: ArrayLike) -> Array:
    """``x ** y``; a static integer exponent becomes ``integer_pow`` (exact, cheap to
    differentiate)."""
    if isinstance(y, (int, np.integer)) and not isinstance(y, (bool, np.bool_)):
        a = asarray(x)
        if dtypes.is_bool(a.dtype):
            a = astype(a, dtypes.default_int_dtype())
        if dtypes.is_integer(a.dtype) and y < 0:
            raise ValueError("integers to negative integer powers are not allowed")
        return ew.integer_pow(a, int(y))
    a, b = promote("power", x, y)
    if dtypes.is_inexact(a.dtype):
        return ew.pow(a, b)
    if dtypes.is_bool(a.dtype):
        a, b = (astype(v, dtypes.default_int_dtype()) for v in (a, b))
    return _integer_power(a, b)


def _integer_power(x: Array, y: Array) -> Array:
    """Integer ``x ** y`` by binary exponentiation over the bits of ``y``.

    A concrete exponent needs only as many rounds as its largest value has bits;
    a traced one gets every bit of its dtype. Negative exponents give 0 (numpy raises).
    """
    if isinstance(y, core.Tracer):
        bits = y.dtype.itemsize * 8 - (0 if dtypes.is_unsigned(y.dtype) else 1)
    else:
        bits = builtins.max(int(np.max(y._value)), 0).bit_length() if y.size else 0
    one, zero = ones_like(y), zeros_like(y)
    neg = ew.lt(y, zero)
    acc = ones_like(x)
    e = y
    base = x
    for _ in range(bits):
        odd = ew.ne(ew.bitwise_and(e, one), zero)
        acc = ew.select(odd, ew.mul(acc, base), acc)
        base = ew.mul(base, base)
        e = ew.shift_right_arithmetic(e, one)
    return ew.select(neg, zeros_like(acc), acc)


pow = power


def negative(x: ArrayLike) -> Array:
    a = asarray(x)
    if dtypes.is_bool(a.dtype):
        raise TypeError("negative does not accept bool; use logical_not")
    return ew.neg(a)


def positive(x: ArrayLike) -> Array:
    return asarray(x)


def reciprocal(x: ArrayLike) -> Array:
    (a,) = promote_inexact("reciprocal", x)
    return ew.div(ones_like(a), a)


def square(x: ArrayLike) -> Array:
    a = asarray(x)
    if dtypes.is_bool(a.dtype):
        a = astype(a, dtypes.default_int_dtype())
    return ew.integer_pow(a, 2)


def absolute(x: ArrayLike) -> Array:
    a = asarray(x)
    if dtypes.is_unsigned(a.dtype) or dtypes.is_bool(a.dtype):
        return a
    return ew.abs(a)


abs = absolute


def fabs(x: ArrayLike) -> Array:
    (a,) = promote_inexact("fabs", x)
    return ew.abs(a)


def sign(x: ArrayLike) -> Array:
    a = asarray(x)
    if dtypes.is_unsigned(a.dtype):
        return ew.convert_element_type(ew.ne(a, zeros_like(a)), a.dtype)
    return ew.sign(a)


def _rounding(prim_fn: Callable[[Array], Array], name: str) -> Callable[[ArrayLike], Array]:
    def f(x: ArrayLike) -> Array:
        a = asarray(x)
        if not dtypes.is_inexact(a.dtype):
            return a
        if dtypes.is_complex(a.dtype):
            raise TypeError(f"{name} does not accept complex values")
        return prim_fn(a)

    f.__name__ = f.__qualname__ = name
    return f


floor = _rounding(ew.floor, "floor")
ceil = _rounding(ew.ceil, "ceil")


def trunc(x: ArrayLike) -> Array:
    a = asarray(x)
    if not dtypes.is_inexact(a.dtype):
        return a
    return ew.select(ew.lt(a, zeros_like(a)), ew.ceil(a), ew.floor(a))


fix = trunc


def round(a: ArrayLike, decimals: int = 0) -> Array:
    """Round half to even at ``decimals`` digits (negative: left of the point, ints too)."""
    x = asarray(a)
    if dtypes.is_bool(x.dtype) or (dtypes.is_integer(x.dtype) and decimals >= 0):
        return x
    if dtypes.is_integer(x.dtype):
        return _round_int(x, 10**-decimals)
    if dtypes.is_complex(x.dtype):
        return ew.complex_(round(ew.real(x), decimals), round(ew.imag(x), decimals))
    if decimals == 0:
        return ew.round(x)
    factor = ew.full_like(x, 10.0**decimals)
    return ew.div(ew.round(ew.mul(x, factor)), factor)


def _round_int(x: Array, f: int) -> Array:
    """``x`` rounded half to even to a multiple of ``f``."""
    if f > np.iinfo(x.dtype).max:
        return zeros_like(x)
    fa = ew.full_like(x, f)
    q = floor_divide(x, fa)
    r = ew.sub(x, ew.mul(q, fa))  # 0 <= r < f
    rest = ew.sub(fa, r)
    odd = ew.ne(ew.bitwise_and(q, ones_like(q)), zeros_like(q))
    up = ew.bitwise_or(ew.gt(r, rest), ew.bitwise_and(ew.eq(r, rest), odd))
    return ew.mul(ew.select(up, ew.add(q, ones_like(q)), q), fa)


around = round


def rint(x: ArrayLike) -> Array:
    return round(x)


def real(x: ArrayLike) -> Array:
    a = asarray(x)
    return ew.real(a) if dtypes.is_complex(a.dtype) else a


def imag(x: ArrayLike) -> Array:
    a = asarray(x)
    return ew.imag(a) if dtypes.is_complex(a.dtype) else zeros_like(a)


def conjugate(x: ArrayLike) -> Array:
    a = asarray(x)
    return ew.conj(a) if dtypes.is_complex(a.dtype) else a


conj = conjugate


def angle(z: ArrayLike, deg: bool = False) -> Array:
    a = asarray(z)
    if dtypes.is_complex(a.dtype):
        out = ew.atan2(ew.imag(a), ew.real(a))
    else:
        (a,) = promote_inexact("angle", a)
        out = ew.atan2(zeros_like(a), a)
    return ew.mul(out, ew.full_like(out, 180 / np.pi)) if deg else out


def clip(a: ArrayLike, a_min: ArrayLike | None = None, a_max: ArrayLike | None = None) -> Array:
    x = asarray(a)
    if a_min is not None:
        x = maximum(x, a_min)
    if a_max is not None:
        x = minimum(x, a_max)
    return x


def logaddexp(x1: ArrayLike, x2: ArrayLike) -> Array:
    a, b = promote_inexact("logaddexp", x1, x2)
    amax = ew.max(a, b)
    # Where both are -inf (or equal infinities), avoid inf - inf.
    finite = ew.is_finite(amax)
    safe = ew.select(finite, amax, zeros_like(amax))
    out = ew.add(safe, ew.log1p(ew.exp(ew.neg(ew.abs(ew.sub(a, b))))))
    return ew.select(finite, out, amax)


def logaddexp2(x1: ArrayLike, x2: ArrayLike) -> Array:
    a, b = promote_inexact("logaddexp2", x1, x2)
    ln2 = ew.full_like(a, np.log(2))
    return ew.div(logaddexp(ew.mul(a, ln2), ew.mul(b, ln2)), ln2)


def hypot(x1: ArrayLike, x2: ArrayLike) -> Array:
    """``sqrt(a**2 + b**2)`` scaled by the larger magnitude so squares cannot overflow."""
    a, b = promote_inexact("hypot", x1, x2)
    a, b = ew.abs(a), ew.abs(b)
    big, small = ew.max(a, b), ew.min(a, b)
    safe = ew.select(ew.eq(big, zeros_like(big)), ones_like(big), big)
    ratio = ew.div(small, safe)
    out = ew.mul(big, ew.sqrt(ew.add(ones_like(ratio), ew.mul(ratio, ratio))))
    # An infinite operand wins even over nan, as in numpy.
    inf = ew.full_like(out, np.inf)
    return ew.select(ew.bitwise_or(ew.eq(a, inf), ew.eq(b, inf)), inf, out)


def deg2rad(x: ArrayLike) -> Array:
    (a,) = promote_inexact("deg2rad", x)
    return ew.mul(a, ew.full_like(a, np.pi / 180))


def rad2deg(x: ArrayLike) -> Array:
    (a,) = promote_inexact("rad2deg", x)
    return ew.mul(a, ew.full_like(a, 180 / np.pi))


radians, degrees = deg2rad, rad2deg


def _sinc_maclaurin_fun(k: int, x: Array) -> Array:
    # The k-th derivative of sin(u)/u at u = 0, (-1)^(k/2) / (k + 1) for even k, 0 for odd.
    return ew.full_like(x, 0.0 if k % 2 else (-1) ** (k // 2) / (k + 1))


# At the removable singularity sinc's derivatives of every order come from its Maclaurin
# series (``grad(grad(sinc))(0.)`` is -pi^2/3), not from the selected constant 1.
_sinc_maclaurin = custom_jvp(_sinc_maclaurin_fun, nondiff_argnums=(0,))


@_sinc_maclaurin.defjvp
def _sinc_maclaurin_jvp(
    k: int, primals: tuple[Any, ...], tangents: Any
) -> tuple[Array, Tangent[Array]]:
    (x,), (t,) = primals, tangents
    return _sinc_maclaurin(k, x), tangent(ew.mul(_sinc_maclaurin(k + 1, x), t))


def sinc(x: ArrayLike) -> Array:
    (a,) = promote_inexact("sinc", x)
    zero = ew.eq(a, zeros_like(a))
    safe = ew.select(zero, ones_like(a), a)
    pix = ew.mul(safe, ew.full_like(a, np.pi))
    at_zero = _sinc_maclaurin(0, ew.mul(a, ew.full_like(a, np.pi)))
    return ew.select(zero, at_zero, ew.div(ew.sin(pix), pix))


def heaviside(x1: ArrayLike, x2: ArrayLike) -> Array:
    a, b = promote_inexact("heaviside", x1, x2)
    zero = zeros_like(a)
    return ew.select(ew.lt(a, zero), zero, ew.select(ew.gt(a, zero), ones_like(a), b))


def invert(x: ArrayLike) -> Array:
    a = asarray(x)
    _util.check_kind("invert", "int_or_bool", a.aval)
    return ew.bitwise_not(a)


bitwise_not = invert


def signbit(x: ArrayLike) -> Array:
    a = asarray(x)
    zero = zeros_like(a)
    if not dtypes.is_float(a.dtype):
        return ew.lt(a, zero)
    # -0.0 is caught by its reciprocal, -inf.
    negative_zero = ew.bitwise_and(ew.eq(a, zero), ew.lt(ew.div(ones_like(a), a), zero))
    return ew.bitwise_or(ew.lt(a, zero), negative_zero)


def copysign(x1: ArrayLike, x2: ArrayLike) -> Array:
    a, b = promote_inexact("copysign", x1, x2)
    return ew.select(signbit(b), ew.neg(ew.abs(a)), ew.abs(a))
