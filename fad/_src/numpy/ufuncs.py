"""Elementwise math with numpy broadcasting and JAX's promotion: arithmetic and powers,
exponentials and logarithms, trigonometry, rounding, comparisons, bitwise operations,
complex parts; and numpy's constants (``pi``, ``e``, ``inf``, ``nan``).

Functions defined on floats promote integers and bools to the default float, so
``sin(1)`` is a float32 unless x64 is enabled.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from fad._src import core, dtypes
from fad._src.config import config
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
"""The ratio of a circle's circumference to its diameter, as a Python float."""
e = np.e
"""Euler's number, the base of the natural logarithm, as a Python float."""
inf = np.inf
"""Positive infinity, as a Python float."""
nan = np.nan
"""Not a number, as a Python float."""
euler_gamma = np.euler_gamma
"""The Euler-Mascheroni constant, as a Python float."""


_F = TypeVar("_F", bound=Callable[..., Array])


def _named_as(general: Callable[..., Array], fast: _F) -> _F:
    """``fast``, which callers get, under the name and docstring of its definition."""
    fast.__name__ = fast.__qualname__ = general.__name__
    fast.__doc__ = general.__doc__
    fast.__module__ = general.__module__
    return fast


def _unary_inexact(
    prim: core.Primitive,
) -> Callable[[Callable[[ArrayLike], Array]], Callable[[ArrayLike], Array]]:
    """Puts the eager short path of a float function in front of its definition.

    The decorated ``def`` is the function as readers and the API reference see it (its
    name, signature and docstring) and its general path: promote to the default float,
    then bind ``prim``. The short path binds ``prim`` directly, one call shorter, where
    promotion has nothing to do: an inexact host array (with no handler installed it runs
    at once: ``core.eval_on_host1`` is ``eval_primitive``), or a tracer whose aval is
    inexact and canonical, for which ``promote_inexact`` returns the tracer itself.
    """

    def decorate(general: Callable[[ArrayLike], Array]) -> Callable[[ArrayLike], Array]:
        bind = core.bind_unary

        def f(x: ArrayLike) -> Array:
            if type(x) is Array:
                v = x._host
                if v is not None and v.dtype.kind in "fc":
                    if core.is_eager():
                        return core.eval_on_host1(prim, v, x._weak_type)
                    return bind(prim, x)
            elif isinstance(x, core.Tracer):
                dt = x.aval.dtype
                # (a 32-bit float is canonical with or without x64: no call for it)
                if dt.kind in "fc" and (dt.itemsize == 4 or dtypes.canonicalize_dtype(dt) == dt):
                    return bind(prim, x)
            return general(x)

        return _named_as(general, f)

    return decorate


@_unary_inexact(ew.sin_p)
def sin(x: ArrayLike) -> Array:
    """Sine of ``x`` (in radians)."""
    (a,) = promote_inexact("sin", x)
    return ew.sin(a)


@_unary_inexact(ew.cos_p)
def cos(x: ArrayLike) -> Array:
    """Cosine of ``x`` (in radians)."""
    (a,) = promote_inexact("cos", x)
    return ew.cos(a)


@_unary_inexact(ew.tan_p)
def tan(x: ArrayLike) -> Array:
    """Tangent of ``x`` (in radians)."""
    (a,) = promote_inexact("tan", x)
    return ew.tan(a)


@_unary_inexact(ew.asin_p)
def arcsin(x: ArrayLike) -> Array:
    """Inverse sine, in radians in ``[-pi/2, pi/2]``; nan outside ``[-1, 1]``."""
    (a,) = promote_inexact("arcsin", x)
    return ew.asin(a)


@_unary_inexact(ew.acos_p)
def arccos(x: ArrayLike) -> Array:
    """Inverse cosine, in radians in ``[0, pi]``; nan outside ``[-1, 1]``."""
    (a,) = promote_inexact("arccos", x)
    return ew.acos(a)


@_unary_inexact(ew.atan_p)
def arctan(x: ArrayLike) -> Array:
    """Inverse tangent, in radians in ``(-pi/2, pi/2)``."""
    (a,) = promote_inexact("arctan", x)
    return ew.atan(a)


@_unary_inexact(ew.sinh_p)
def sinh(x: ArrayLike) -> Array:
    """Hyperbolic sine."""
    (a,) = promote_inexact("sinh", x)
    return ew.sinh(a)


@_unary_inexact(ew.cosh_p)
def cosh(x: ArrayLike) -> Array:
    """Hyperbolic cosine."""
    (a,) = promote_inexact("cosh", x)
    return ew.cosh(a)


@_unary_inexact(ew.tanh_p)
def tanh(x: ArrayLike) -> Array:
    """Hyperbolic tangent."""
    (a,) = promote_inexact("tanh", x)
    return ew.tanh(a)


@_unary_inexact(ew.asinh_p)
def arcsinh(x: ArrayLike) -> Array:
    """Inverse hyperbolic sine."""
    (a,) = promote_inexact("arcsinh", x)
    return ew.asinh(a)


@_unary_inexact(ew.acosh_p)
def arccosh(x: ArrayLike) -> Array:
    """Inverse hyperbolic cosine; nan below 1."""
    (a,) = promote_inexact("arccosh", x)
    return ew.acosh(a)


@_unary_inexact(ew.atanh_p)
def arctanh(x: ArrayLike) -> Array:
    """Inverse hyperbolic tangent; ``+-inf`` at ``+-1``, nan outside ``[-1, 1]``."""
    (a,) = promote_inexact("arctanh", x)
    return ew.atanh(a)


@_unary_inexact(ew.exp_p)
def exp(x: ArrayLike) -> Array:
    """``e ** x``."""
    (a,) = promote_inexact("exp", x)
    return ew.exp(a)


@_unary_inexact(ew.exp2_p)
def exp2(x: ArrayLike) -> Array:
    """``2 ** x``."""
    (a,) = promote_inexact("exp2", x)
    return ew.exp2(a)


@_unary_inexact(ew.log_p)
def log(x: ArrayLike) -> Array:
    """Natural logarithm: ``-inf`` at 0, nan below 0 for real ``x``."""
    (a,) = promote_inexact("log", x)
    return ew.log(a)


@_unary_inexact(ew.log1p_p)
def log1p(x: ArrayLike) -> Array:
    """``log(1 + x)``, accurate for small ``x``, where ``1 + x`` would round."""
    (a,) = promote_inexact("log1p", x)
    return ew.log1p(a)


@_unary_inexact(ew.expm1_p)
def expm1(x: ArrayLike) -> Array:
    """``exp(x) - 1``, accurate for small ``x``, where the difference would cancel."""
    (a,) = promote_inexact("expm1", x)
    return ew.expm1(a)


@_unary_inexact(ew.sqrt_p)
def sqrt(x: ArrayLike) -> Array:
    """Non-negative square root: nan below 0 for real ``x``."""
    (a,) = promote_inexact("sqrt", x)
    return ew.sqrt(a)


@_unary_inexact(ew.cbrt_p)
def cbrt(x: ArrayLike) -> Array:
    """Real cube root (negative for negative ``x``)."""
    (a,) = promote_inexact("cbrt", x)
    return ew.cbrt(a)


def asin(x: ArrayLike) -> Array:
    """The array API's name for [`arcsin`][fad.numpy.arcsin]."""
    return arcsin(x)


def acos(x: ArrayLike) -> Array:
    """The array API's name for [`arccos`][fad.numpy.arccos]."""
    return arccos(x)


def atan(x: ArrayLike) -> Array:
    """The array API's name for [`arctan`][fad.numpy.arctan]."""
    return arctan(x)


def asinh(x: ArrayLike) -> Array:
    """The array API's name for [`arcsinh`][fad.numpy.arcsinh]."""
    return arcsinh(x)


def acosh(x: ArrayLike) -> Array:
    """The array API's name for [`arccosh`][fad.numpy.arccosh]."""
    return arccosh(x)


def atanh(x: ArrayLike) -> Array:
    """The array API's name for [`arctanh`][fad.numpy.arctanh]."""
    return arctanh(x)


def log2(x: ArrayLike) -> Array:
    """Base-2 logarithm."""
    (a,) = promote_inexact("log2", x)
    return ew.div(ew.log(a), ew.full_like(a, np.log(2)))


def log10(x: ArrayLike) -> Array:
    """Base-10 logarithm."""
    (a,) = promote_inexact("log10", x)
    return ew.div(ew.log(a), ew.full_like(a, np.log(10)))


_scalars: dict[tuple[Any, ...], tuple[np.ndarray[Any, Any], bool, core.LeanImpl]] = {}
_new_object = object.__new__
# The top frame of the handler stack (``core.is_eager()`` is ``_stack_top().parent is
# None``), read directly on ``x + 1``'s path, where one call is a tenth of the time.
_stack_top = core._current.get


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
    ts = type(scalar)
    if v is None or ts not in PY_SCALARS or _stack_top().parent is not None:
        return None
    # The scalar's array and promotion, by its type and value: ``x + 1`` in a loop makes
    # them once. Only values whose ``==`` is identity are keys (not -0.0 = 0.0, nor nan).
    key = None
    hit = None
    if ts is int or ts is bool or (ts is float and scalar == scalar and scalar != 0):
        key = (prim, v.dtype, weak, ts, scalar, inexact, config.x64_enabled)
        hit = _scalars.get(key)
    if hit is None:
        if type(scalar) is int and not -(2**31) <= scalar < 2**31:
            dtypes.check_python_int(scalar)
        dt, scalar_weak = dtypes.result_type_with_scalar(v.dtype, weak, ts, inexact)
        if v.dtype != dt or (not allow_bool and dt == dtypes.bool_):
            return None
        s = np.asarray(scalar, dt)
        if core.may_be_subnormal(scalar) and s.dtype in core.FLUSHED and core.holds_subnormals(s):
            return None  # the general path evaluates a subnormal operand as XLA does
        impl = core.host_impl2(prim, v, s)
        # (A float that overflows the dtype is not kept: its conversion warns each time.)
        if key is not None and (ts is not float or bool(np.isfinite(s))):
            s.flags.writeable = False  # shared by every use of the entry
            if len(_scalars) >= 4096:  # bounded: a program's own constants, not every one
                _scalars.clear()
            _scalars[key] = s, scalar_weak, impl
    else:
        s, scalar_weak, impl = hit
    # ``core.eval_on_host2``, inline, with its implementation kept in the entry: this is
    # all of ``x + 1``. The result is weak if both operands are and the dtype is kept.
    out = impl(s, v, out=...) if scalar_first else impl(v, s, out=...)
    r: Array = _new_object(Array)
    r._host = out
    r._weak_type = weak and scalar_weak and out.dtype == v.dtype
    r._buffer = None
    return r


def _binary(
    prim: core.Primitive, inexact: bool = False
) -> Callable[[Callable[[ArrayLike, ArrayLike], Array]], Callable[[ArrayLike, ArrayLike], Array]]:
    """Puts the eager short paths of a binary function in front of its definition.

    The decorated ``def`` is the function as readers see it and its general path:
    ``promote`` (``promote_inexact`` if ``inexact``), then bind ``prim``. The short paths
    bind ``prim`` itself, one call shorter: two host arrays of one dtype, shape and weak
    type as they are; an eager Python scalar operand through ``_eager_with_scalar``; two
    Arrays or an Array and a scalar through ``promote_pair`` (``promote``'s fast path,
    called directly; ``prim``'s impl is a numpy ufunc, so an eager Python scalar needs no
    broadcast).
    """
    if not isinstance(prim.impl, np.ufunc):
        raise TypeError(f"{prim} leaves eager scalars 0-d, so it must be a numpy ufunc")

    def decorate(
        general: Callable[[ArrayLike, ArrayLike], Array],
    ) -> Callable[[ArrayLike, ArrayLike], Array]:
        bind = core.bind_binary

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
                    return bind(prim, x, y)
            else:
                out = _eager_with_scalar(prim, x, y, inexact)
                if out is not None:
                    return out
            ab = promote_pair(x, y, inexact, True)
            if ab is None:
                return general(x, y)
            a, b = ab
            if type(a) is Array and type(b) is Array and core.is_eager():
                va, vb = a._host, b._host
                if va is not None and vb is not None:
                    # ``eval_primitive``'s lean path, which also takes the eager 0-d scalar
                    # ``promote_pair`` kept (numpy broadcasts it; the primitive would not).
                    return core.eval_on_host2(prim, va, a._weak_type, vb, b._weak_type)
            return bind(prim, a, b)

        return _named_as(general, f)

    return decorate


@_binary(ew.add_p)
def add(x: ArrayLike, y: ArrayLike) -> Array:
    """``x + y``."""
    a, b = promote("add", x, y)
    return ew.add(a, b)


@_binary(ew.mul_p)
def multiply(x: ArrayLike, y: ArrayLike) -> Array:
    """``x * y``."""
    a, b = promote("multiply", x, y)
    return ew.mul(a, b)


@_binary(ew.max_p)
def maximum(x: ArrayLike, y: ArrayLike) -> Array:
    """The larger of ``x`` and ``y``; nan if either is nan."""
    a, b = promote("maximum", x, y)
    return ew.max(a, b)


@_binary(ew.min_p)
def minimum(x: ArrayLike, y: ArrayLike) -> Array:
    """The smaller of ``x`` and ``y``; nan if either is nan."""
    a, b = promote("minimum", x, y)
    return ew.min(a, b)


@_binary(ew.atan2_p, inexact=True)
def arctan2(x: ArrayLike, y: ArrayLike) -> Array:
    """``arctan(x / y)`` in the quadrant of the point ``(y, x)``, in ``[-pi, pi]``."""
    a, b = promote_inexact("arctan2", x, y)
    return ew.atan2(a, b)


def atan2(x: ArrayLike, y: ArrayLike) -> Array:
    """The array API's name for [`arctan2`][fad.numpy.arctan2]."""
    return arctan2(x, y)


@_binary(ew.nextafter_p, inexact=True)
def nextafter(x: ArrayLike, y: ArrayLike) -> Array:
    """The next floating-point value after ``x`` in the direction of ``y``."""
    a, b = promote_inexact("nextafter", x, y)
    return ew.nextafter(a, b)


@_binary(ew.eq_p)
def equal(x: ArrayLike, y: ArrayLike) -> Array:
    """``x == y``, as bools."""
    a, b = promote("equal", x, y)
    return ew.eq(a, b)


@_binary(ew.ne_p)
def not_equal(x: ArrayLike, y: ArrayLike) -> Array:
    """``x != y``, as bools."""
    a, b = promote("not_equal", x, y)
    return ew.ne(a, b)


@_binary(ew.lt_p)
def less(x: ArrayLike, y: ArrayLike) -> Array:
    """``x < y``, as bools."""
    a, b = promote("less", x, y)
    return ew.lt(a, b)


@_binary(ew.le_p)
def less_equal(x: ArrayLike, y: ArrayLike) -> Array:
    """``x <= y``, as bools."""
    a, b = promote("less_equal", x, y)
    return ew.le(a, b)


@_binary(ew.gt_p)
def greater(x: ArrayLike, y: ArrayLike) -> Array:
    """``x > y``, as bools."""
    a, b = promote("greater", x, y)
    return ew.gt(a, b)


@_binary(ew.ge_p)
def greater_equal(x: ArrayLike, y: ArrayLike) -> Array:
    """``x >= y``, as bools."""
    a, b = promote("greater_equal", x, y)
    return ew.ge(a, b)


@_binary(ew.and_p)
def bitwise_and(x: ArrayLike, y: ArrayLike) -> Array:
    """``x & y`` on integers and bools."""
    a, b = promote("bitwise_and", x, y)
    return ew.bitwise_and(a, b)


@_binary(ew.or_p)
def bitwise_or(x: ArrayLike, y: ArrayLike) -> Array:
    """``x | y`` on integers and bools."""
    a, b = promote("bitwise_or", x, y)
    return ew.bitwise_or(a, b)


@_binary(ew.xor_p)
def bitwise_xor(x: ArrayLike, y: ArrayLike) -> Array:
    """``x ^ y`` on integers and bools."""
    a, b = promote("bitwise_xor", x, y)
    return ew.bitwise_xor(a, b)


@_binary(ew.shift_left_p)
def left_shift(x: ArrayLike, y: ArrayLike) -> Array:
    """``x << y`` on integers."""
    a, b = promote("left_shift", x, y)
    return ew.shift_left(a, b)


def subtract(x: ArrayLike, y: ArrayLike) -> Array:
    # ``sub``'s impl is ``np.subtract``, so the eager scalar paths apply (see ``_binary``).
    """``x - y``; bools are refused (use ``logical_xor``)."""
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
    """``x >> y`` on integers: arithmetic for signed, logical for unsigned dtypes."""
    a, b = promote("right_shift", x, y)
    if dtypes.is_unsigned(a.dtype):
        return ew.shift_right_logical(a, b)
    return ew.shift_right_arithmetic(a, b)


def true_divide(x: ArrayLike, y: ArrayLike) -> Array:
    # On the inexact operands this promotes to, ``div``'s impl is ``np.true_divide``, so
    # the eager scalar path applies (see ``_binary``).
    """``x / y``, always inexact: integers are promoted to the default float."""
    out = _eager_with_scalar(ew.div_p, x, y, True)
    if out is not None:
        return out
    a, b = promote_inexact("true_divide", x, y)
    return ew.div(a, b)


def divide(x: ArrayLike, y: ArrayLike) -> Array:
    """Another name for [`true_divide`][fad.numpy.true_divide]."""
    return true_divide(x, y)


def floor_divide(x: ArrayLike, y: ArrayLike) -> Array:
    """``x // y``: the quotient rounded toward ``-inf``, as Python and numpy do."""
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


def mod(x: ArrayLike, y: ArrayLike) -> Array:
    """Another name for [`remainder`][fad.numpy.remainder]."""
    return remainder(x, y)


def fmod(x: ArrayLike, y: ArrayLike) -> Array:
    """C's remainder: the result has the sign of the dividend ``x``."""
    a, b = promote("fmod", x, y)
    return ew.rem(a, b)


def divmod(x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
    """``(x // y, x % y)``."""
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


def pow(x: ArrayLike, y: ArrayLike) -> Array:
    """Another name for [`power`][fad.numpy.power]."""
    return power(x, y)


def negative(x: ArrayLike) -> Array:
    """``-x``; bools are refused (use ``logical_not``)."""
    a = asarray(x)
    if dtypes.is_bool(a.dtype):
        raise TypeError("negative does not accept bool; use logical_not")
    return ew.neg(a)


def positive(x: ArrayLike) -> Array:
    """``+x``: ``x`` as an array."""
    return asarray(x)


def reciprocal(x: ArrayLike) -> Array:
    """``1 / x``, in the default float for integers."""
    (a,) = promote_inexact("reciprocal", x)
    return ew.div(ones_like(a), a)


def square(x: ArrayLike) -> Array:
    """``x * x``, as ``integer_pow`` (exact for integers, cheap to differentiate)."""
    a = asarray(x)
    if dtypes.is_bool(a.dtype):
        a = astype(a, dtypes.default_int_dtype())
    return ew.integer_pow(a, 2)


def absolute(x: ArrayLike) -> Array:
    """``|x|``; the magnitude for complex ``x``. Its derivative at 0 is 0 (the subgradient JAX
    picks)."""
    a = asarray(x)
    if dtypes.is_unsigned(a.dtype) or dtypes.is_bool(a.dtype):
        return a
    return ew.abs(a)


def abs(x: ArrayLike) -> Array:
    """Another name for [`absolute`][fad.numpy.absolute]."""
    return absolute(x)


def fabs(x: ArrayLike) -> Array:
    """``|x|`` of real ``x``, in the default float for integers."""
    (a,) = promote_inexact("fabs", x)
    return ew.abs(a)


def sign(x: ArrayLike) -> Array:
    """-1, 0 or 1 by the sign of ``x`` (``x / |x|`` for complex; nan for nan)."""
    a = asarray(x)
    if dtypes.is_unsigned(a.dtype):
        return ew.convert_element_type(ew.ne(a, zeros_like(a)), a.dtype)
    return ew.sign(a)


def floor(x: ArrayLike) -> Array:
    """The largest integer not above ``x``, in ``x``'s dtype (integers pass through)."""
    a = asarray(x)
    if not dtypes.is_inexact(a.dtype):
        return a
    if dtypes.is_complex(a.dtype):
        raise TypeError("floor does not accept complex values")
    return ew.floor(a)


def ceil(x: ArrayLike) -> Array:
    """The smallest integer not below ``x``, in ``x``'s dtype (integers pass through)."""
    a = asarray(x)
    if not dtypes.is_inexact(a.dtype):
        return a
    if dtypes.is_complex(a.dtype):
        raise TypeError("ceil does not accept complex values")
    return ew.ceil(a)


def trunc(x: ArrayLike) -> Array:
    """``x`` rounded toward zero (integers pass through)."""
    a = asarray(x)
    if not dtypes.is_inexact(a.dtype):
        return a
    return ew.select(ew.lt(a, zeros_like(a)), ew.ceil(a), ew.floor(a))


def fix(x: ArrayLike) -> Array:
    """Another name for [`trunc`][fad.numpy.trunc]."""
    return trunc(x)


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


def around(a: ArrayLike, decimals: int = 0) -> Array:
    """Another name for [`round`][fad.numpy.round]."""
    return round(a, decimals)


def rint(x: ArrayLike) -> Array:
    """``x`` rounded to the nearest integer, halves to even."""
    return round(x)


def real(x: ArrayLike) -> Array:
    """The real part (``x`` itself for real ``x``)."""
    a = asarray(x)
    return ew.real(a) if dtypes.is_complex(a.dtype) else a


def imag(x: ArrayLike) -> Array:
    """The imaginary part (zeros for real ``x``)."""
    a = asarray(x)
    return ew.imag(a) if dtypes.is_complex(a.dtype) else zeros_like(a)


def conjugate(x: ArrayLike) -> Array:
    """The complex conjugate (``x`` itself for real ``x``)."""
    a = asarray(x)
    return ew.conj(a) if dtypes.is_complex(a.dtype) else a


def conj(x: ArrayLike) -> Array:
    """Another name for [`conjugate`][fad.numpy.conjugate]."""
    return conjugate(x)


def angle(z: ArrayLike, deg: bool = False) -> Array:
    """The argument of complex ``z``, in radians (in degrees with ``deg=True``)."""
    a = asarray(z)
    if dtypes.is_complex(a.dtype):
        out = ew.atan2(ew.imag(a), ew.real(a))
    else:
        (a,) = promote_inexact("angle", a)
        out = ew.atan2(zeros_like(a), a)
    return ew.mul(out, ew.full_like(out, 180 / np.pi)) if deg else out


def clip(a: ArrayLike, a_min: ArrayLike | None = None, a_max: ArrayLike | None = None) -> Array:
    """``x`` limited to ``[a_min, a_max]``; either bound may be ``None``."""
    x = asarray(a)
    if a_min is not None:
        x = maximum(x, a_min)
    if a_max is not None:
        x = minimum(x, a_max)
    return x


def logaddexp(x1: ArrayLike, x2: ArrayLike) -> Array:
    """``log(exp(x1) + exp(x2))`` without overflow, and with ``-inf`` where both are."""
    a, b = promote_inexact("logaddexp", x1, x2)
    amax = ew.max(a, b)
    # Where both are -inf (or equal infinities), avoid inf - inf.
    finite = ew.is_finite(amax)
    safe = ew.select(finite, amax, zeros_like(amax))
    out = ew.add(safe, ew.log1p(ew.exp(ew.neg(ew.abs(ew.sub(a, b))))))
    return ew.select(finite, out, amax)


def logaddexp2(x1: ArrayLike, x2: ArrayLike) -> Array:
    """``log2(2**x1 + 2**x2)`` without overflow."""
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
    """Degrees to radians."""
    (a,) = promote_inexact("deg2rad", x)
    return ew.mul(a, ew.full_like(a, np.pi / 180))


def rad2deg(x: ArrayLike) -> Array:
    """Radians to degrees."""
    (a,) = promote_inexact("rad2deg", x)
    return ew.mul(a, ew.full_like(a, 180 / np.pi))


def radians(x: ArrayLike) -> Array:
    """Another name for [`deg2rad`][fad.numpy.deg2rad]."""
    return deg2rad(x)


def degrees(x: ArrayLike) -> Array:
    """Another name for [`rad2deg`][fad.numpy.rad2deg]."""
    return rad2deg(x)


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
    """``sin(pi x) / (pi x)``, 1 at 0."""
    (a,) = promote_inexact("sinc", x)
    zero = ew.eq(a, zeros_like(a))
    safe = ew.select(zero, ones_like(a), a)
    pix = ew.mul(safe, ew.full_like(a, np.pi))
    at_zero = _sinc_maclaurin(0, ew.mul(a, ew.full_like(a, np.pi)))
    return ew.select(zero, at_zero, ew.div(ew.sin(pix), pix))


def heaviside(x1: ArrayLike, x2: ArrayLike) -> Array:
    """The step function: 0 below 0, 1 above, ``x2`` at 0."""
    a, b = promote_inexact("heaviside", x1, x2)
    zero = zeros_like(a)
    return ew.select(ew.lt(a, zero), zero, ew.select(ew.gt(a, zero), ones_like(a), b))


def invert(x: ArrayLike) -> Array:
    """``~x``: bitwise not of integers, logical not of bools."""
    a = asarray(x)
    _util.check_kind("invert", "int_or_bool", a.aval)
    return ew.bitwise_not(a)


def bitwise_not(x: ArrayLike) -> Array:
    """Another name for [`invert`][fad.numpy.invert]."""
    return invert(x)


def signbit(x: ArrayLike) -> Array:
    """Whether the sign bit is set: true for negative values and -0.0."""
    a = asarray(x)
    zero = zeros_like(a)
    if not dtypes.is_float(a.dtype):
        return ew.lt(a, zero)
    # -0.0 is caught by its reciprocal, -inf.
    negative_zero = ew.bitwise_and(ew.eq(a, zero), ew.lt(ew.div(ones_like(a), a), zero))
    return ew.bitwise_or(ew.lt(a, zero), negative_zero)


def copysign(x1: ArrayLike, x2: ArrayLike) -> Array:
    """The magnitude of ``x1`` with the sign of ``x2``."""
    a, b = promote_inexact("copysign", x1, x2)
    return ew.select(signbit(b), ew.neg(ew.abs(a)), ew.abs(a))
