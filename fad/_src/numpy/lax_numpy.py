"""``fad.numpy``: numpy's API, built from fad primitives so every transformation sees it.

This layer does what the primitives do not: numpy broadcasting, JAX's dtype
promotion (with weak Python scalars), default dtypes and argument checking.
"""

from __future__ import annotations

import builtins
import itertools
import math
import operator
from collections.abc import Callable, Sequence
from typing import Any, Literal, overload

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike, DType
from fad._src.prims import _util
from fad._src.prims import elementwise as ew
from fad._src.prims import indexing as ix
from fad._src.prims import linalg as la
from fad._src.prims import reductions as red
from fad._src.prims import sorting as so
from fad._src.prims import structural as st

Axis = int | Sequence[int] | None

pi = np.pi
e = np.e
inf = np.inf
nan = np.nan
euler_gamma = np.euler_gamma
newaxis = None

# ---------------------------------------------------------------------------
# Conversion, promotion, broadcasting
# ---------------------------------------------------------------------------


def _dtype_arg(dtype: Any, name: str = "dtype") -> DType | None:
    return None if dtype is None else dtypes.check_user_dtype(dtype, name)


def asarray(a: Any, dtype: Any = None) -> Array:
    """Convert to a ``fad.Array`` (no copy when ``a`` already is one of the right dtype)."""
    dt = _dtype_arg(dtype)
    if isinstance(a, Array):
        return a if dt is None else astype(a, dt)
    if isinstance(a, (list, tuple)) and _contains_array(a):
        return (
            stack([asarray(x) for x in a]).astype(dt)
            if dt is not None
            else stack([asarray(x) for x in a])
        )
    if isinstance(a, (list, tuple)):
        if dt is None:
            return core.asarray(_from_nested_python(a))
        return core.asarray(np.asarray(a), dt)
    if dt is None:
        return core.asarray(a)
    if isinstance(a, (bool, int, float, complex)):
        return Array(np.asarray(a, dt))
    return core.asarray(a, dt)


def _contains_array(seq: Sequence[Any]) -> bool:
    return builtins.any(
        isinstance(x, Array) or (isinstance(x, (list, tuple)) and _contains_array(x)) for x in seq
    )


def _from_nested_python(a: Sequence[Any]) -> np.ndarray[Any, Any]:
    """JAX's defaults for nested Python lists: float lists become float32, ints int32."""
    v = np.asarray(a)
    if v.dtype == np.float64 or v.dtype == np.int64 or v.dtype == np.complex128:
        return v.astype(dtypes.canonicalize_dtype(v.dtype))
    return v


def array(object: Any, dtype: Any = None, copy: bool = True, ndmin: int = 0) -> Array:
    out = asarray(object, dtype)
    if ndmin > out.ndim:
        out = reshape(out, (1,) * (ndmin - out.ndim) + out.shape)
    return out


def _lift(x: ArrayLike, dt: DType, weak: bool) -> Array:
    """``x`` as an Array of dtype ``dt``; Python scalars are created there directly."""
    if isinstance(x, Array):
        if x.dtype == dt:
            return x
        return ew.convert_element_type(x, dt, weak)
    if isinstance(x, (bool, int, float, complex)):
        return Array(np.asarray(x, dt), weak)
    return ew.convert_element_type(core.asarray(x), dt, weak)


def _aval_of(x: ArrayLike) -> tuple[DType, bool]:
    if isinstance(x, Array):
        a = x.aval
        return a.dtype, a.weak_type
    if isinstance(x, (bool, int, float, complex)):
        return dtypes.dtype_of_python_scalar(x)
    if isinstance(x, (np.ndarray, np.generic)):
        return dtypes.canonicalize_dtype(np.asarray(x).dtype), False
    raise TypeError(f"expected an array or a scalar, got {type(x).__name__}: {x!r}")


def result_type(*args: Any) -> DType:
    pairs = [
        _aval_of(a)
        if not isinstance(a, (np.dtype, type, str))
        else (dtypes.check_user_dtype(a, "result_type"), False)
        for a in args
    ]
    return dtypes.result_type(*pairs)[0]


def promote(name: str, *args: ArrayLike) -> list[Array]:
    """JAX's promotion: a common dtype by the lattice, then numpy broadcasting."""
    for a in args:
        if not core.is_arraylike(a):
            if isinstance(a, (list, tuple)):
                continue
            raise TypeError(f"{name}: expected array-like arguments, got {type(a).__name__}: {a!r}")
    args = tuple(asarray(a) if isinstance(a, (list, tuple)) else a for a in args)
    pairs = [_aval_of(a) for a in args]
    dt, weak = dtypes.result_type(*pairs)
    arrs = [_lift(a, dt, weak) for a in args]
    return broadcast_arrays(*arrs)


def promote_inexact(name: str, *args: ArrayLike) -> list[Array]:
    """Promote, then lift integers and bools to the default float (``sin(1)`` is a float)."""
    pairs = [_aval_of(a) for a in args]
    dt, weak = dtypes.to_inexact(*dtypes.result_type(*pairs))
    arrs = [_lift(a, dt, weak) for a in args]
    return broadcast_arrays(*arrs)


def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...]:
    try:
        return tuple(np.broadcast_shapes(*(tuple(s) for s in shapes)))
    except ValueError:
        raise ValueError(
            f"operands could not be broadcast together with shapes {' '.join(map(str, shapes))}"
        ) from None


def broadcast_arrays(*args: ArrayLike) -> list[Array]:
    arrs = [asarray(a) for a in args]
    shapes = [a.shape for a in arrs]
    if builtins.all(s == shapes[0] for s in shapes):
        return arrs
    shape = broadcast_shapes(*shapes)
    return [st.broadcast_to(a, shape) for a in arrs]


def broadcast_to(x: ArrayLike, shape: int | Sequence[int]) -> Array:
    shape_t = (shape,) if isinstance(shape, int) else tuple(shape)
    return st.broadcast_to(asarray(x), shape_t)


def astype(x: ArrayLike, dtype: Any) -> Array:
    dt = dtypes.check_user_dtype(dtype, "astype")
    a = asarray(x)
    if a.dtype == dt:
        return ew.convert_element_type(a, dt, weak_type=False)
    return ew.convert_element_type(a, dt)


# ---------------------------------------------------------------------------
# Creation
# ---------------------------------------------------------------------------


def _shape_arg(shape: Any, name: str = "shape") -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    try:
        out = tuple(operator.index(s) for s in shape)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of integers, got {shape!r}") from None
    if builtins.any(s < 0 for s in out):
        raise ValueError(f"{name} must not contain negative sizes, got {out}")
    return out


def _default_dtype(dtype: Any, fallback: DType | None = None) -> DType:
    dt = _dtype_arg(dtype)
    return dt if dt is not None else (fallback or dtypes.default_float_dtype())


def full(shape: Any, fill_value: ArrayLike, dtype: Any = None) -> Array:
    shape_t = _shape_arg(shape)
    if dtype is None:
        v = asarray(fill_value)
        return st.broadcast_to(v, shape_t) if v.ndim else ew.full(shape_t, v, v.dtype)
    dt = _default_dtype(dtype)
    v = asarray(fill_value)
    return st.broadcast_to(astype(v, dt), shape_t)


def zeros(shape: Any, dtype: Any = None) -> Array:
    return ew.full(_shape_arg(shape), 0, _default_dtype(dtype))


def ones(shape: Any, dtype: Any = None) -> Array:
    return ew.full(_shape_arg(shape), 1, _default_dtype(dtype))


def empty(shape: Any, dtype: Any = None) -> Array:
    """Zero-filled: fad arrays are immutable, so uninitialised memory is never useful."""
    return zeros(shape, dtype)


def zeros_like(a: ArrayLike, dtype: Any = None, shape: Any = None) -> Array:
    x = asarray(a)
    return ew.full(
        x.shape if shape is None else _shape_arg(shape), 0, _default_dtype(dtype, x.dtype)
    )


def ones_like(a: ArrayLike, dtype: Any = None, shape: Any = None) -> Array:
    x = asarray(a)
    return ew.full(
        x.shape if shape is None else _shape_arg(shape), 1, _default_dtype(dtype, x.dtype)
    )


def full_like(a: ArrayLike, fill_value: ArrayLike, dtype: Any = None, shape: Any = None) -> Array:
    x = asarray(a)
    dt = _default_dtype(dtype, x.dtype)
    return full(x.shape if shape is None else shape, fill_value, dt)


empty_like = zeros_like


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Array:
    M = N if M is None else M
    dt = _default_dtype(dtype)
    rows = st.iota(np.dtype(np.int32), (N, M), 0)
    cols = st.iota(np.dtype(np.int32), (N, M), 1)
    return ew.convert_element_type(
        ew.eq(ew.add(rows, ew.full((N, M), k, np.dtype(np.int32))), cols), dt
    )


def identity(n: int, dtype: Any = None) -> Array:
    return eye(n, dtype=dtype)


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
    dt = _dtype_arg(dtype)
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
        _dtype_arg(dtype)
        or dtypes.to_inexact(*dtypes.result_type(_aval_of(start), _aval_of(stop)))[0]
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


# ---------------------------------------------------------------------------
# Elementwise functions
# ---------------------------------------------------------------------------


def _unary_inexact(prim_fn: Callable[[Array], Array], name: str) -> Callable[[ArrayLike], Array]:
    def f(x: ArrayLike) -> Array:
        if type(x) is Array:
            v = x._host
            if v is not None and v.dtype.kind in "fc":
                return prim_fn(x)
        (a,) = promote_inexact(name, x)
        return prim_fn(a)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Elementwise ``{name}`` (integers are promoted to the default float)."
    return f


sin = _unary_inexact(ew.sin, "sin")
cos = _unary_inexact(ew.cos, "cos")
tan = _unary_inexact(ew.tan, "tan")
arcsin = _unary_inexact(ew.asin, "arcsin")
arccos = _unary_inexact(ew.acos, "arccos")
arctan = _unary_inexact(ew.atan, "arctan")
sinh = _unary_inexact(ew.sinh, "sinh")
cosh = _unary_inexact(ew.cosh, "cosh")
tanh = _unary_inexact(ew.tanh, "tanh")
arcsinh = _unary_inexact(ew.asinh, "arcsinh")
arccosh = _unary_inexact(ew.acosh, "arccosh")
arctanh = _unary_inexact(ew.atanh, "arctanh")
exp = _unary_inexact(ew.exp, "exp")
exp2 = _unary_inexact(ew.exp2, "exp2")
log = _unary_inexact(ew.log, "log")
log1p = _unary_inexact(ew.log1p, "log1p")
expm1 = _unary_inexact(ew.expm1, "expm1")
sqrt = _unary_inexact(ew.sqrt, "sqrt")
cbrt = _unary_inexact(ew.cbrt, "cbrt")
asin, acos, atan, asinh, acosh, atanh = arcsin, arccos, arctan, arcsinh, arccosh, arctanh


def log2(x: ArrayLike) -> Array:
    (a,) = promote_inexact("log2", x)
    return ew.div(ew.log(a), ew.full_like(a, np.log(2)))


def log10(x: ArrayLike) -> Array:
    (a,) = promote_inexact("log10", x)
    return ew.div(ew.log(a), ew.full_like(a, np.log(10)))


def _binary(
    prim_fn: Callable[[Array, Array], Array], name: str, inexact: bool = False
) -> Callable[[ArrayLike, ArrayLike], Array]:
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
                return prim_fn(x, y)
        a, b = promote_inexact(name, x, y) if inexact else promote(name, x, y)
        return prim_fn(a, b)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Elementwise ``{name}`` with numpy broadcasting and JAX's type promotion."
    return f


add = _binary(ew.add, "add")
multiply = _binary(ew.mul, "multiply")
maximum = _binary(ew.max, "maximum")
minimum = _binary(ew.min, "minimum")
arctan2 = _binary(ew.atan2, "arctan2", inexact=True)
nextafter = _binary(ew.nextafter, "nextafter", inexact=True)
equal = _binary(ew.eq, "equal")
not_equal = _binary(ew.ne, "not_equal")
less = _binary(ew.lt, "less")
less_equal = _binary(ew.le, "less_equal")
greater = _binary(ew.gt, "greater")
greater_equal = _binary(ew.ge, "greater_equal")
bitwise_and = _binary(ew.bitwise_and, "bitwise_and")
bitwise_or = _binary(ew.bitwise_or, "bitwise_or")
bitwise_xor = _binary(ew.bitwise_xor, "bitwise_xor")
left_shift = _binary(ew.shift_left, "left_shift")
atan2 = arctan2


def subtract(x: ArrayLike, y: ArrayLike) -> Array:
    a, b = promote("subtract", x, y)
    if dtypes.is_bool(a.dtype):
        raise TypeError("subtract does not accept bool operands; use logical_xor")
    return ew.sub(a, b)


def right_shift(x: ArrayLike, y: ArrayLike) -> Array:
    a, b = promote("right_shift", x, y)
    if dtypes.is_unsigned(a.dtype):
        return ew.shift_right_logical(a, b)
    return ew.shift_right_arithmetic(a, b)


def true_divide(x: ArrayLike, y: ArrayLike) -> Array:
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


@overload
def where(condition: ArrayLike, x: None = None, y: None = None) -> tuple[Array, ...]: ...
@overload
def where(condition: ArrayLike, x: ArrayLike, y: ArrayLike) -> Array: ...
def where(condition: ArrayLike, x: ArrayLike | None = None, y: ArrayLike | None = None) -> Any:
    """``x`` where ``condition`` else ``y``; with only a condition, ``nonzero(condition)``."""
    if x is None and y is None:
        return nonzero(condition)
    if x is None or y is None:
        raise ValueError("where takes either one argument or three")
    a, b = promote("where", x, y)
    c = asarray(condition)
    if c.dtype != np.bool_:
        c = ew.ne(c, zeros_like(c))
    c, a, b = broadcast_arrays(c, a, b)
    return ew.select(c, a, b)


def select(
    condlist: Sequence[ArrayLike], choicelist: Sequence[ArrayLike], default: ArrayLike = 0
) -> Array:
    if len(condlist) != len(choicelist):
        raise ValueError(
            f"select: condlist and choicelist must have the same length, got {len(condlist)} and "
            f"{len(choicelist)}"
        )
    out = asarray(default)
    for c, v in reversed(list(zip(condlist, choicelist, strict=True))):
        out = where(c, v, out)
    return out


def clip(a: ArrayLike, a_min: ArrayLike | None = None, a_max: ArrayLike | None = None) -> Array:
    x = asarray(a)
    if a_min is not None:
        x = maximum(x, a_min)
    if a_max is not None:
        x = minimum(x, a_max)
    return x


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
    dt = _dtype_arg(dtype)
    exponents = linspace(start, stop, num, endpoint, axis=axis)
    out = power(base, exponents)
    return out if dt is None else astype(out, dt)


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


def sinc(x: ArrayLike) -> Array:
    (a,) = promote_inexact("sinc", x)
    zero = ew.eq(a, zeros_like(a))
    safe = ew.select(zero, ones_like(a), a)
    pix = ew.mul(safe, ew.full_like(a, np.pi))
    return ew.select(zero, ones_like(a), ew.div(ew.sin(pix), pix))


def heaviside(x1: ArrayLike, x2: ArrayLike) -> Array:
    a, b = promote_inexact("heaviside", x1, x2)
    zero = zeros_like(a)
    return ew.select(ew.lt(a, zero), zero, ew.select(ew.gt(a, zero), ones_like(a), b))


def _to_bool(x: ArrayLike) -> Array:
    a = asarray(x)
    return a if a.dtype == np.bool_ else ew.ne(a, zeros_like(a))


def logical_and(x: ArrayLike, y: ArrayLike) -> Array:
    a, b = broadcast_arrays(_to_bool(x), _to_bool(y))
    return ew.bitwise_and(a, b)


def logical_or(x: ArrayLike, y: ArrayLike) -> Array:
    a, b = broadcast_arrays(_to_bool(x), _to_bool(y))
    return ew.bitwise_or(a, b)


def logical_xor(x: ArrayLike, y: ArrayLike) -> Array:
    a, b = broadcast_arrays(_to_bool(x), _to_bool(y))
    return ew.bitwise_xor(a, b)


def logical_not(x: ArrayLike) -> Array:
    return ew.bitwise_not(_to_bool(x))


def invert(x: ArrayLike) -> Array:
    a = asarray(x)
    _util.check_kind("invert", "int_or_bool", a.aval)
    return ew.bitwise_not(a)


bitwise_not = invert


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


def isposinf(x: ArrayLike) -> Array:
    a = asarray(x)
    return ew.eq(a, ew.full_like(a, np.inf)) if dtypes.is_float(a.dtype) else isinf(a)


def isneginf(x: ArrayLike) -> Array:
    a = asarray(x)
    return ew.eq(a, ew.full_like(a, -np.inf)) if dtypes.is_float(a.dtype) else isinf(a)


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


# ---------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------


def _axes(axis: Axis, ndim: int, name: str = "axis") -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)):
        return _util.canonical_axes((int(axis),), ndim, name)
    return _util.canonical_axes(tuple(int(a) for a in axis), ndim, name)


def _keepdims(out: Array, shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool) -> Array:
    if not keepdims:
        return out
    return st.reshape(out, tuple(1 if i in axes else n for i, n in enumerate(shape)))


def _sum_dtype(x: Array, dtype: Any) -> Array:
    dt = _dtype_arg(dtype)
    if dt is not None:
        return astype(x, dt)
    # As in JAX, integers narrower than the default int accumulate in it (bool as signed).
    default = dtypes.default_int_dtype()
    if dtypes.is_bool(x.dtype):
        return astype(x, default)
    if dtypes.is_integer(x.dtype) and x.dtype.itemsize < default.itemsize:
        unsigned = np.dtype(f"uint{default.itemsize * 8}")
        return astype(x, unsigned if dtypes.is_unsigned(x.dtype) else default)
    return x


def _accumulate(
    reduce: Callable[[Array, Sequence[int]], Array],
    unit: int,
    a: ArrayLike,
    axis: Axis,
    dtype: Any,
    keepdims: bool,
    where: ArrayLike | None,
) -> Array:
    """``sum``/``prod``: ``reduce`` in the accumulation dtype; masked elements count as ``unit``."""
    x = _sum_dtype(asarray(a), dtype)
    if where is not None:
        x = _where_mask(x, where, unit)
    axes = _axes(axis, x.ndim)
    return _keepdims(reduce(x, axes), x.shape, axes, keepdims)


def sum(
    a: ArrayLike,
    axis: Axis = None,
    dtype: Any = None,
    keepdims: bool = False,
    where: ArrayLike | None = None,
) -> Array:
    return _accumulate(st.reduce_sum, 0, a, axis, dtype, keepdims, where)


def _where_mask(x: Array, where_: ArrayLike, fill: Any) -> Array:
    m = st.broadcast_to(_to_bool(where_), x.shape)
    return ew.select(m, x, ew.full_like(x, fill))


def prod(
    a: ArrayLike,
    axis: Axis = None,
    dtype: Any = None,
    keepdims: bool = False,
    where: ArrayLike | None = None,
) -> Array:
    return _accumulate(red.reduce_prod, 1, a, axis, dtype, keepdims, where)


def _extremum(
    name: str,
    reduce: Callable[[Array, Sequence[int]], Array],
    combine: Callable[[ArrayLike, ArrayLike], Array],
    a: ArrayLike,
    axis: Axis,
    keepdims: bool,
    initial: ArrayLike | None,
    where: ArrayLike | None,
) -> Array:
    """``max``/``min``: ``reduce`` over ``axis``, then ``combine`` with ``initial``."""
    x = asarray(a)
    axes = _axes(axis, x.ndim)
    if where is not None:
        if initial is None:
            raise ValueError(f"{name} with where= needs an initial value")
        x = _where_mask(x, where, red._identity(x.dtype, name))
    if builtins.any(x.shape[i] == 0 for i in axes) and initial is None:
        raise ValueError(f"zero-size array to reduction operation {name} which has no identity")
    out = reduce(x, axes)
    if initial is not None:
        out = combine(out, initial)
    return _keepdims(out, x.shape, axes, keepdims)


def max(
    a: ArrayLike,
    axis: Axis = None,
    keepdims: bool = False,
    initial: ArrayLike | None = None,
    where: ArrayLike | None = None,
) -> Array:
    return _extremum("max", red.reduce_max, maximum, a, axis, keepdims, initial, where)


def min(
    a: ArrayLike,
    axis: Axis = None,
    keepdims: bool = False,
    initial: ArrayLike | None = None,
    where: ArrayLike | None = None,
) -> Array:
    return _extremum("min", red.reduce_min, minimum, a, axis, keepdims, initial, where)


amax, amin = max, min


def all(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:
    x = _to_bool(a)
    axes = _axes(axis, x.ndim)
    return _keepdims(red.reduce_and(x, axes), x.shape, axes, keepdims)


def any(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:
    x = _to_bool(a)
    axes = _axes(axis, x.ndim)
    return _keepdims(red.reduce_or(x, axes), x.shape, axes, keepdims)


def mean(
    a: ArrayLike,
    axis: Axis = None,
    dtype: Any = None,
    keepdims: bool = False,
    where: ArrayLike | None = None,
) -> Array:
    x = asarray(a)
    dt = _dtype_arg(dtype) or dtypes.to_inexact(x.dtype, x.weak_type)[0]
    x = astype(x, dt) if x.dtype != dt else x
    axes = _axes(axis, x.ndim)
    if where is not None:
        m = st.broadcast_to(_to_bool(where), x.shape)
        total = st.reduce_sum(ew.select(m, x, zeros_like(x)), axes)
        count = st.reduce_sum(ew.convert_element_type(m, dt), axes)
        return _keepdims(ew.div(total, count), x.shape, axes, keepdims)
    n = math.prod(x.shape[i] for i in axes)
    total = st.reduce_sum(x, axes)
    return _keepdims(ew.div(total, ew.full_like(total, n)), x.shape, axes, keepdims)


def var(
    a: ArrayLike, axis: Axis = None, dtype: Any = None, ddof: int = 0, keepdims: bool = False
) -> Array:
    x = asarray(a)
    dt = _dtype_arg(dtype) or dtypes.to_inexact(x.dtype, x.weak_type)[0]
    x = astype(x, dt)
    axes = _axes(axis, x.ndim)
    centered = ew.sub(x, st.broadcast_to(mean(x, axes, keepdims=True), x.shape))
    sq = (
        ew.real(ew.mul(centered, ew.conj(centered)))
        if dtypes.is_complex(dt)
        else ew.mul(centered, centered)
    )
    n = math.prod(x.shape[i] for i in axes) - ddof
    total = st.reduce_sum(sq, axes)
    return _keepdims(ew.div(total, ew.full_like(total, n)), x.shape, axes, keepdims)


def std(
    a: ArrayLike, axis: Axis = None, dtype: Any = None, ddof: int = 0, keepdims: bool = False
) -> Array:
    return sqrt(var(a, axis, dtype, ddof, keepdims))


def average(
    a: ArrayLike, axis: Axis = None, weights: ArrayLike | None = None, returned: bool = False
) -> Any:
    if weights is None:
        avg = mean(a, axis)
        x = asarray(a)
        count = ew.full_like(avg, math.prod(x.shape[i] for i in _axes(axis, x.ndim)))
        return (avg, count) if returned else avg
    x, w = promote_inexact("average", a, weights)
    axes = _axes(axis, x.ndim)
    wsum = st.reduce_sum(w, axes)
    avg = ew.div(st.reduce_sum(ew.mul(x, w), axes), wsum)
    return (avg, wsum) if returned else avg


def nansum(a: ArrayLike, axis: Axis = None, dtype: Any = None, keepdims: bool = False) -> Array:
    """``sum`` with nans counted as zero."""
    x = asarray(a)
    return sum(where(isnan(x), zeros_like(x), x), axis=axis, dtype=dtype, keepdims=keepdims)


def nanprod(a: ArrayLike, axis: Axis = None, dtype: Any = None, keepdims: bool = False) -> Array:
    """``prod`` with nans counted as one."""
    x = asarray(a)
    return prod(where(isnan(x), ones_like(x), x), axis=axis, dtype=dtype, keepdims=keepdims)


def nanmean(a: ArrayLike, axis: Axis = None, dtype: Any = None, keepdims: bool = False) -> Array:
    """``mean`` of the non-nan elements (nan where there are none)."""
    x = asarray(a)
    dt = _dtype_arg(dtype) or dtypes.to_inexact(x.dtype, x.weak_type)[0]
    x = astype(x, dt)
    present = logical_not(isnan(x))
    total = sum(where(present, x, zeros_like(x)), axis=axis, keepdims=keepdims)
    count = sum(present, axis=axis, dtype=dtypes.real_dtype(dt), keepdims=keepdims)
    return true_divide(total, count)


def _nan_extreme(which: str, a: ArrayLike, axis: Axis, keepdims: bool) -> Array:
    x = asarray(a)
    if not dtypes.is_inexact(x.dtype):
        return (max if which == "max" else min)(x, axis=axis, keepdims=keepdims)
    nan_ = isnan(x)
    fill = full_like(x, -np.inf if which == "max" else np.inf)
    out = (max if which == "max" else min)(where(nan_, fill, x), axis=axis, keepdims=keepdims)
    all_nan = all(nan_, axis=axis, keepdims=keepdims)
    return where(all_nan, full_like(out, np.nan), out)


def nanmax(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:
    """``max`` ignoring nans (nan where a slice is all nan)."""
    return _nan_extreme("max", a, axis, keepdims)


def nanmin(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:
    """``min`` ignoring nans (nan where a slice is all nan)."""
    return _nan_extreme("min", a, axis, keepdims)


def ptp(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:
    """Peak to peak: ``max - min``."""
    return subtract(max(a, axis=axis, keepdims=keepdims), min(a, axis=axis, keepdims=keepdims))


_QUANTILE_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")


def quantile(
    a: ArrayLike, q: ArrayLike, axis: Axis = None, keepdims: bool = False, method: str = "linear"
) -> Array:
    """The ``q``-th quantiles over ``axis`` (via a sort; nan if a slice holds a nan).

    The result has ``q``'s axes first, then the axes not reduced, as in numpy.
    """
    if method not in _QUANTILE_METHODS:
        raise ValueError(f"quantile: method must be one of {_QUANTILE_METHODS}, got {method!r}")
    (x,) = _to_inexact([asarray(a)])
    axes = _axes(axis, x.ndim)
    if builtins.any(x.shape[i] == 0 for i in axes):
        raise ValueError(f"quantile of an empty axis: shape {x.shape}, axes {axes}")
    kept = [i for i in range(x.ndim) if i not in axes]
    xt = st.transpose_(x, [*kept, *axes])
    n = math.prod(x.shape[i] for i in axes)
    xt = st.reshape(xt, (*(x.shape[i] for i in kept), n))
    srt = sort(xt, axis=-1)
    qa = astype(asarray(q), x.dtype if dtypes.is_float(x.dtype) else dtypes.default_float_dtype())
    pos = multiply(qa, n - 1)
    lo = clip(astype(floor(pos), np.int32), 0, n - 1)
    hi = clip(astype(ceil(pos), np.int32), 0, n - 1)
    q_axes = tuple(range(len(kept), len(kept) + qa.ndim))

    def at(i: Array) -> Array:
        return moveaxis(take(srt, i, axis=-1, mode="clip"), q_axes, tuple(range(qa.ndim)))

    v_lo, v_hi = at(lo), at(hi)
    frac = subtract(pos, floor(pos))
    frac = reshape(frac, frac.shape + (1,) * len(kept))
    if method == "linear":
        out = add(v_lo, multiply(frac, subtract(v_hi, v_lo)))
    elif method == "lower":
        out = v_lo
    elif method == "higher":
        out = v_hi
    elif method == "midpoint":
        out = multiply(add(v_lo, v_hi), 0.5)
    else:
        # numpy's "nearest" rounds half to even on the position.
        out = at(clip(astype(round(pos), np.int32), 0, n - 1))
    has_nan = any(isnan(xt), axis=-1)
    out = where(has_nan, full_like(out, np.nan), out)
    if keepdims:
        out = reshape(out, (*qa.shape, *(1 if i in axes else x.shape[i] for i in range(x.ndim))))
    return out


def percentile(
    a: ArrayLike, q: ArrayLike, axis: Axis = None, keepdims: bool = False, method: str = "linear"
) -> Array:
    """``quantile`` with ``q`` in percent."""
    return quantile(a, true_divide(q, 100), axis=axis, keepdims=keepdims, method=method)


def median(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:
    """The middle value (mean of the two middle ones for even counts)."""
    return quantile(a, 0.5, axis=axis, keepdims=keepdims, method="midpoint")


def _arg_reduce(which: str, a: ArrayLike, axis: int | None, keepdims: bool) -> Array:
    x = asarray(a)
    if axis is None:
        x, ax = ravel(x), 0
    else:
        ax = _util.canonical_axis(int(axis), x.ndim)
    if x.shape[ax] == 0:
        raise ValueError(f"attempt to get {which} of an empty sequence")
    fn = red.argmax if which == "argmax" else red.argmin
    out = fn(x, ax, dtypes.default_int_dtype())
    if keepdims:
        shape = list(asarray(a).shape) if axis is not None else [1] * asarray(a).ndim
        if axis is not None:
            shape[ax] = 1
        out = st.reshape(out, shape)
    return out


def argmax(a: ArrayLike, axis: int | None = None, keepdims: bool = False) -> Array:
    return _arg_reduce("argmax", a, axis, keepdims)


def argmin(a: ArrayLike, axis: int | None = None, keepdims: bool = False) -> Array:
    return _arg_reduce("argmin", a, axis, keepdims)


def _cumulative(name: str, a: ArrayLike, axis: int | None, dtype: Any) -> tuple[Array, int]:
    x = _sum_dtype(asarray(a), dtype)
    if axis is None:
        return ravel(x), 0
    return x, _util.canonical_axis(int(axis), x.ndim)


def cumsum(a: ArrayLike, axis: int | None = None, dtype: Any = None) -> Array:
    x, ax = _cumulative("cumsum", a, axis, dtype)
    return red.cumsum(x, ax)


def cumprod(a: ArrayLike, axis: int | None = None, dtype: Any = None) -> Array:
    x, ax = _cumulative("cumprod", a, axis, dtype)
    return red.cumprod(x, ax)


cumulative_sum, cumulative_prod = cumsum, cumprod


# ---------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------


def shape(a: ArrayLike) -> tuple[int, ...]:
    return asarray(a).shape


def ndim(a: ArrayLike) -> int:
    return asarray(a).ndim


def size(a: ArrayLike, axis: int | None = None) -> int:
    x = asarray(a)
    return x.size if axis is None else x.shape[axis]


def reshape(a: ArrayLike, newshape: Any = None, order: str = "C", *, shape: Any = None) -> Array:
    x = asarray(a)
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


def ravel(a: ArrayLike, order: str = "C") -> Array:
    return reshape(a, (-1,), order)


def transpose(a: ArrayLike, axes: Sequence[int] | None = None) -> Array:
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


def expand_dims(a: ArrayLike, axis: int | Sequence[int]) -> Array:
    axes = [axis] if isinstance(axis, int) else list(axis)
    return st.expand_dims(asarray(a), axes)


def squeeze(a: ArrayLike, axis: int | Sequence[int] | None = None) -> Array:
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
        out.append(reshape(x, (1,) * (2 - x.ndim) + x.shape) if x.ndim < 2 else x)
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


def concatenate(arrays: Sequence[ArrayLike], axis: int | None = 0, dtype: Any = None) -> Array:
    if not len(arrays):
        raise ValueError("need at least one array to concatenate")
    arrs = _promote_no_broadcast("concatenate", arrays)
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
    for a in arrs:
        if builtins.any(
            n != m for i, (n, m) in enumerate(zip(a.shape, arrs[0].shape, strict=True)) if i != ax
        ):
            raise ValueError(
                f"concatenate: all input array dimensions except axis {ax} must match, got "
                f"{[x.shape for x in arrs]}"
            )
    return st.concatenate(arrs, ax)


concat = concatenate


def _promote_no_broadcast(name: str, arrays: Sequence[ArrayLike]) -> list[Array]:
    pairs = [_aval_of(a if not isinstance(a, (list, tuple)) else asarray(a)) for a in arrays]
    dt, weak = dtypes.result_type(*pairs)
    return [_lift(asarray(a) if isinstance(a, (list, tuple)) else a, dt, weak) for a in arrays]


def _to_inexact(arrays: Sequence[Array]) -> list[Array]:
    """Integer and bool arrays as the default float (inexact ones unchanged)."""
    return [
        a if dtypes.is_inexact(a.dtype) else astype(a, dtypes.default_float_dtype()) for a in arrays
    ]


def stack(arrays: Sequence[ArrayLike], axis: int = 0, dtype: Any = None) -> Array:
    if not len(arrays):
        raise ValueError("need at least one array to stack")
    arrs = _promote_no_broadcast("stack", arrays)
    shapes = {a.shape for a in arrs}
    if len(shapes) != 1:
        raise ValueError(
            f"all input arrays must have the same shape, got {[a.shape for a in arrs]}"
        )
    ax = _util.canonical_axis(axis, arrs[0].ndim + 1)
    out = st.concatenate([st.expand_dims(a, [ax]) for a in arrs], ax)
    return astype(out, dtype) if dtype is not None else out


def vstack(tup: Sequence[ArrayLike]) -> Array:
    return concatenate([atleast_2d(a) if asarray(a).ndim < 2 else asarray(a) for a in tup], 0)


row_stack = vstack


def hstack(tup: Sequence[ArrayLike]) -> Array:
    arrs = [atleast_1d(a) for a in tup]
    return concatenate(arrs, 0 if arrs[0].ndim == 1 else 1)


def dstack(tup: Sequence[ArrayLike]) -> Array:
    return concatenate([atleast_3d(a) for a in tup], 2)


def column_stack(tup: Sequence[ArrayLike]) -> Array:
    arrs = [asarray(a) for a in tup]
    return concatenate([reshape(a, (-1, 1)) if a.ndim < 2 else a for a in arrs], 1)


def split(ary: ArrayLike, indices_or_sections: Any, axis: int = 0) -> list[Array]:
    x = asarray(ary)
    ax = _util.canonical_axis(axis, x.ndim)
    n = x.shape[ax]
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0 or n % sections:
            raise ValueError(
                f"array split does not result in an equal division: {n} into {sections}"
            )
        bounds = [i * (n // sections) for i in range(sections + 1)]
    else:
        bounds = [0, *[builtins.min(builtins.max(int(i), 0), n) for i in indices_or_sections], n]
    return [
        st.slice_in_dim(x, lo, builtins.max(lo, hi), axis=ax)
        for lo, hi in itertools.pairwise(bounds)
    ]


def array_split(ary: ArrayLike, indices_or_sections: Any, axis: int = 0) -> list[Array]:
    x = asarray(ary)
    ax = _util.canonical_axis(axis, x.ndim)
    if isinstance(indices_or_sections, (int, np.integer)):
        n, k = x.shape[ax], int(indices_or_sections)
        sizes = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
        indices_or_sections = list(np.cumsum(sizes)[:-1])
    return split(x, indices_or_sections, ax)


def vsplit(ary: ArrayLike, sections: Any) -> list[Array]:
    return split(ary, sections, 0)


def hsplit(ary: ArrayLike, sections: Any) -> list[Array]:
    return split(ary, sections, 1 if asarray(ary).ndim > 1 else 0)


def tile(A: ArrayLike, reps: int | Sequence[int]) -> Array:
    x = asarray(A)
    reps_t = (reps,) if isinstance(reps, int) else tuple(reps)
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
    return st.rev(x, _axes(axis, x.ndim))


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


def _tri_mask(n: int, m: int, k: int) -> Array:
    rows = st.iota(np.dtype(np.int32), (n, m), 0)
    cols = st.iota(np.dtype(np.int32), (n, m), 1)
    return ew.ge(ew.add(rows, ew.full((n, m), k, np.dtype(np.int32))), cols)


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Array:
    return astype(_tri_mask(N, N if M is None else M, k), _default_dtype(dtype))


def tril(m: ArrayLike, k: int = 0) -> Array:
    x = asarray(m)
    mask = st.broadcast_to(_tri_mask(x.shape[-2], x.shape[-1], k), x.shape)
    return ew.select(mask, x, zeros_like(x))


def triu(m: ArrayLike, k: int = 0) -> Array:
    x = asarray(m)
    mask = st.broadcast_to(_tri_mask(x.shape[-2], x.shape[-1], k - 1), x.shape)
    return ew.select(mask, zeros_like(x), x)


def diagonal(a: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Array:
    x = asarray(a)
    i, j = _util.canonical_axis(axis1, x.ndim), _util.canonical_axis(axis2, x.ndim)
    x = moveaxis(x, (i, j), (-2, -1))
    n, m = x.shape[-2], x.shape[-1]
    length = builtins.max(0, builtins.min(n + builtins.min(offset, 0), m - builtins.max(offset, 0)))
    rows = np.arange(length) - builtins.min(offset, 0)
    cols = np.arange(length) + builtins.max(offset, 0)
    # Gather the diagonal with both index components, for every leading position.
    xt = moveaxis(x, (-2, -1), (0, 1))
    idx = Array(np.stack([rows, cols], axis=-1).astype(np.int32))
    return moveaxis(ix.gather(xt, idx), 0, -1)


def diag(v: ArrayLike, k: int = 0) -> Array:
    x = asarray(v)
    if x.ndim == 2:
        return diagonal(x, k)
    if x.ndim != 1:
        raise ValueError(f"diag expects a 1-d or 2-d array, got shape {x.shape}")
    n = x.shape[0] + builtins.abs(k)
    rows = np.arange(x.shape[0]) - builtins.min(k, 0)
    cols = np.arange(x.shape[0]) + builtins.max(k, 0)
    idx = Array(np.stack([rows, cols], axis=-1).astype(np.int32))
    return ix.scatter(zeros((n, n), x.dtype), idx, x, "add")


def diagflat(v: ArrayLike, k: int = 0) -> Array:
    return diag(ravel(v), k)


def trace(
    a: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None
) -> Array:
    return sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


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


def diff(
    a: ArrayLike,
    n: int = 1,
    axis: int = -1,
    prepend: ArrayLike | None = None,
    append: ArrayLike | None = None,
) -> Array:
    x = asarray(a)
    ax = _util.canonical_axis(axis, x.ndim)
    parts = []
    for extra in (prepend,):
        if extra is not None:
            e_ = asarray(extra)
            shape = list(x.shape)
            shape[ax] = 1
            parts.append(broadcast_to(e_, shape) if e_.ndim == 0 else e_)
    parts.append(x)
    if append is not None:
        e_ = asarray(append)
        shape = list(x.shape)
        shape[ax] = 1
        parts.append(broadcast_to(e_, shape) if e_.ndim == 0 else e_)
    if len(parts) > 1:
        x = concatenate(parts, ax)
    for _ in range(n):
        m = x.shape[ax]
        hi = st.slice_in_dim(x, 1, m, axis=ax)
        lo = st.slice_in_dim(x, 0, builtins.max(m - 1, 0), axis=ax)
        x = ew.ne(hi, lo) if x.dtype == np.bool_ else ew.sub(hi, lo)
    return x


def ediff1d(ary: ArrayLike) -> Array:
    return diff(ravel(ary))


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


def pad(
    array: ArrayLike, pad_width: Any, mode: str = "constant", constant_values: ArrayLike = 0
) -> Array:
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


# ---------------------------------------------------------------------------
# Products
# ---------------------------------------------------------------------------


def dot(a: ArrayLike, b: ArrayLike, precision: Any = None) -> Array:
    x, y = _promote_no_broadcast("dot", (a, b))
    if x.ndim == 0 or y.ndim == 0:
        return multiply(x, y)
    contract_y = 0 if y.ndim == 1 else y.ndim - 2
    if x.shape[-1] != y.shape[contract_y]:
        raise ValueError(
            f"dot: shapes {x.shape} and {y.shape} not aligned: {x.shape[-1]} (dim {x.ndim - 1}) != "
            f"{y.shape[contract_y]} (dim {contract_y})"
        )
    return la.dot_general(x, y, (((x.ndim - 1,), (contract_y,)), ((), ())))


def matmul(a: ArrayLike, b: ArrayLike, precision: Any = None) -> Array:
    x, y = _promote_no_broadcast("matmul", (a, b))
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError("matmul: input operands must not be scalars")
    x2 = reshape(x, (1, x.shape[0])) if x.ndim == 1 else x
    y2 = reshape(y, (y.shape[0], 1)) if y.ndim == 1 else y
    if x2.shape[-1] != y2.shape[-2]:
        raise ValueError(
            f"matmul: input operand 1 has a mismatch in its core dimension 0 (size "
            f"{y2.shape[-2]} is different from {x2.shape[-1]}); shapes {x.shape} and {y.shape}"
        )
    batch_shape = broadcast_shapes(x2.shape[:-2], y2.shape[:-2])
    xb = st.broadcast_to(x2, (*batch_shape, *x2.shape[-2:]))
    yb = st.broadcast_to(y2, (*batch_shape, *y2.shape[-2:]))
    nb = len(batch_shape)
    out = la.dot_general(xb, yb, (((nb + 1,), (nb,)), (tuple(range(nb)), tuple(range(nb)))))
    if x.ndim == 1:
        out = st.reshape(out, (*out.shape[:-2], out.shape[-1]))
    if y.ndim == 1:
        out = st.reshape(out, out.shape[:-1])
    return out


def vdot(a: ArrayLike, b: ArrayLike, precision: Any = None) -> Array:
    x, y = _promote_no_broadcast("vdot", (a, b))
    x = ravel(x)
    if dtypes.is_complex(x.dtype):
        x = ew.conj(x)
    return dot(x, ravel(y))


def vecdot(x1: ArrayLike, x2: ArrayLike, axis: int = -1) -> Array:
    a, b = promote("vecdot", x1, x2)
    if dtypes.is_complex(a.dtype):
        a = ew.conj(a)
    return sum(multiply(a, b), axis=axis)


def inner(a: ArrayLike, b: ArrayLike) -> Array:
    x, y = _promote_no_broadcast("inner", (a, b))
    if x.ndim == 0 or y.ndim == 0:
        return multiply(x, y)
    return la.dot_general(x, y, (((x.ndim - 1,), (y.ndim - 1,)), ((), ())))


def outer(a: ArrayLike, b: ArrayLike) -> Array:
    x, y = _promote_no_broadcast("outer", (a, b))
    return multiply(reshape(ravel(x), (-1, 1)), ravel(y))


def tensordot(a: ArrayLike, b: ArrayLike, axes: Any = 2) -> Array:
    x, y = _promote_no_broadcast("tensordot", (a, b))
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        ax_a, ax_b = list(range(x.ndim - n, x.ndim)), list(range(n))
    else:
        ax_a, ax_b = axes
        ax_a = [ax_a] if isinstance(ax_a, int) else list(ax_a)
        ax_b = [ax_b] if isinstance(ax_b, int) else list(ax_b)
    ca = _util.canonical_axes(ax_a, x.ndim)
    cb = _util.canonical_axes(ax_b, y.ndim)
    for i, j in zip(ca, cb, strict=True):
        if x.shape[i] != y.shape[j]:
            raise ValueError(
                f"tensordot: shape mismatch for sum: {x.shape} axes {ca} vs {y.shape} axes {cb}"
            )
    return la.dot_general(x, y, ((ca, cb), ((), ())))


def kron(a: ArrayLike, b: ArrayLike) -> Array:
    x, y = _promote_no_broadcast("kron", (a, b))
    nd = builtins.max(x.ndim, y.ndim)
    x = reshape(x, (1,) * (nd - x.ndim) + x.shape)
    y = reshape(y, (1,) * (nd - y.ndim) + y.shape)
    xe = reshape(x, tuple(v for n in x.shape for v in (n, 1)))
    ye = reshape(y, tuple(v for n in y.shape for v in (1, n)))
    out = multiply(xe, ye)
    return reshape(out, tuple(m * n for m, n in zip(x.shape, y.shape, strict=True)))


def cross(a: ArrayLike, b: ArrayLike, axis: int = -1) -> Array:
    x, y = promote("cross", a, b)
    x, y = moveaxis(x, axis, -1), moveaxis(y, axis, -1)
    if x.shape[-1] != 3:
        raise ValueError("cross: only 3-vectors are supported")
    x0, x1, x2 = (st.index_in_dim(x, i, x.ndim - 1, False) for i in range(3))
    y0, y1, y2 = (st.index_in_dim(y, i, y.ndim - 1, False) for i in range(3))
    out = stack(
        [
            ew.sub(ew.mul(x1, y2), ew.mul(x2, y1)),
            ew.sub(ew.mul(x2, y0), ew.mul(x0, y2)),
            ew.sub(ew.mul(x0, y1), ew.mul(x1, y0)),
        ],
        -1,
    )
    return moveaxis(out, -1, axis)


# ---------------------------------------------------------------------------
# Sorting and searching
# ---------------------------------------------------------------------------


def sort(
    a: ArrayLike,
    axis: int | None = -1,
    kind: str | None = None,
    stable: bool = True,
    descending: bool = False,
) -> Array:
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    if x.ndim == 0:
        return x
    ax = _util.canonical_axis(axis, x.ndim)
    (out,) = so.sort([x], ax)
    return flip(out, ax) if descending else out


def argsort(
    a: ArrayLike,
    axis: int | None = -1,
    kind: str | None = None,
    stable: bool = True,
    descending: bool = False,
) -> Array:
    """Indices that sort ``a`` (always stable; ties keep their order in both directions)."""
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    if x.ndim == 0:
        return zeros((), dtypes.default_int_dtype())
    ax = _util.canonical_axis(axis, x.ndim)
    pos = st.iota(dtypes.default_int_dtype(), x.shape, ax)
    if not descending:
        return so.sort([x, pos], ax, num_keys=1)[1]
    # Descending and stable: sort the reversed array ascending, then reverse the result.
    rev_pos = st.rev(pos, (ax,))
    _, perm = so.sort([st.rev(x, (ax,)), rev_pos], ax, num_keys=1)
    return st.rev(perm, (ax,))


def searchsorted(
    a: ArrayLike, v: ArrayLike, side: str = "left", sorter: ArrayLike | None = None
) -> Array:
    arr, vals = _promote_no_broadcast("searchsorted", (a, v))
    if arr.ndim != 1:
        raise ValueError("searchsorted: a must be one-dimensional")
    if sorter is not None:
        arr = take(arr, sorter, mode="clip")
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    # Count the elements of a that come before each v (a comparison against all of a),
    # in sort's order, where nan is above everything.
    flat = ravel(vals)
    n = arr.shape[0]
    grid_a = st.broadcast_in_dim(arr, (flat.shape[0], n), (1,))
    grid_v = st.broadcast_in_dim(flat, (flat.shape[0], n), (0,))
    if side == "left":
        before = _sort_less(grid_a, grid_v)
    else:
        before = ew.bitwise_not(_sort_less(grid_v, grid_a))
    counts = st.reduce_sum(ew.convert_element_type(before, dtypes.default_int_dtype()), (1,))
    return reshape(counts, vals.shape)


def _sort_less(a: Array, b: Array) -> Array:
    """``a < b`` in the total order ``sort`` uses: nan sorts after every number."""
    if not dtypes.is_float(a.dtype):
        return ew.lt(a, b)
    a_nan, b_nan = ew.ne(a, a), ew.ne(b, b)
    return ew.bitwise_or(ew.lt(a, b), ew.bitwise_and(b_nan, ew.bitwise_not(a_nan)))


def nonzero(a: ArrayLike, *, size: int | None = None, fill_value: Any = None) -> tuple[Array, ...]:
    """Indices of the nonzero elements, one array per axis.

    Without ``size`` the result's length depends on the values, so they must be
    concrete. With a static ``size`` it works under every transformation: the first
    ``size`` hits are kept and missing ones are ``fill_value`` (default 0).
    """
    x = asarray(a)
    if x.ndim == 0:
        raise ValueError("nonzero is not defined for 0-d arrays; use atleast_1d first")
    idx_dt = dtypes.default_int_dtype()
    if size is None:
        if isinstance(x, core.Tracer):
            raise core.ConcretizationError(
                "nonzero: the number of nonzero elements of a traced array is unknown; "
                "pass a static size= (and fill_value=)"
            )
        return tuple(Array(i.astype(idx_dt)) for i in np.nonzero(x.concrete_value()))
    size = operator.index(size)
    fills = fill_value if isinstance(fill_value, (tuple, list)) else [fill_value] * x.ndim
    if len(fills) != x.ndim:
        raise ValueError(f"nonzero: fill_value needs {x.ndim} entries, got {len(fills)}")
    mask = ravel(_to_bool(x))
    # The k-th hit goes to slot k; misses go to slot `size`, which scatter drops.
    counts = red.cumsum(ew.convert_element_type(mask, np.dtype(np.int32)), 0)
    slot = ew.sub(counts, ones_like(counts))
    slot = ew.select(mask, slot, ew.full_like(slot, size))
    grid = st.reshape(slot, (mask.shape[0], 1))
    out = []
    for axis, fill in enumerate(fills):
        coord = st.reshape(st.iota(idx_dt, x.shape, axis), (mask.shape[0],))
        base = ew.full((size,), 0 if fill is None else fill, idx_dt)
        out.append(ix.scatter(base, grid, coord, "set"))
    return tuple(out)


def argwhere(a: ArrayLike, *, size: int | None = None, fill_value: Any = None) -> Array:
    """Indices of the nonzero elements as rows (see ``nonzero`` for ``size``)."""
    x = atleast_1d(asarray(a))
    return stack(nonzero(x, size=size, fill_value=fill_value), -1)


def flatnonzero(a: ArrayLike, *, size: int | None = None, fill_value: Any = None) -> Array:
    return nonzero(ravel(a), size=size, fill_value=fill_value)[0]


def count_nonzero(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:
    return sum(_to_bool(a), axis=axis, dtype=dtypes.default_int_dtype(), keepdims=keepdims)


def _fill_value(dt: DType, fill_value: Any) -> Any:
    """JAX's default for out-of-bounds reads in "fill" mode: an obviously invalid value."""
    if fill_value is not None:
        return fill_value
    if dtypes.is_inexact(dt):
        return np.nan
    if dtypes.is_bool(dt):
        return True
    info = np.iinfo(dt)
    return info.max if dtypes.is_unsigned(dt) else info.min


def _index_mode(idx: Array, n: int, mode: str | None, name: str) -> tuple[Array, Array | None]:
    """Normalized in-range indices and, for "fill" mode, the mask of valid entries."""
    if not dtypes.is_integer(idx.dtype):
        raise TypeError(f"{name}: indices must be integers, got dtype {idx.dtype.name}")
    if mode not in (None, "fill", "clip", "wrap"):
        raise ValueError(f"{name}: mode must be 'fill', 'clip' or 'wrap', got {mode!r}")
    idx = ew.convert_element_type(idx, np.dtype(np.int32))
    if mode == "wrap":
        return remainder(idx, builtins.max(n, 1)), None
    idx = _normalize_index(idx, n)
    if mode == "clip":
        return idx, None
    valid = ew.bitwise_and(ew.ge(idx, zeros_like(idx)), ew.lt(idx, ew.full_like(idx, n)))
    return idx, valid


def take(
    a: ArrayLike,
    indices: ArrayLike,
    axis: int | None = None,
    mode: str | None = None,
    fill_value: Any = None,
) -> Array:
    """``a`` indexed by ``indices`` along ``axis``.

    As in JAX, out-of-bounds indices give ``fill_value`` (default: nan, or the
    extreme value of an integer dtype) unless ``mode`` is "clip" or "wrap".
    """
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    ax = _util.canonical_axis(axis, x.ndim)
    idx, valid = _index_mode(asarray(indices), x.shape[ax], mode, "take")
    xt = moveaxis(x, ax, 0)
    out = ix.gather(xt, reshape(idx, (*idx.shape, 1)), "clip")
    # out: (*idx.shape, *rest); move idx dims to where the axis was.
    k = idx.ndim
    order = list(range(k, k + ax)) + list(range(k)) + list(range(k + ax, out.ndim))
    out = st.transpose_(out, order)
    if valid is None:
        return out
    mask = st.broadcast_in_dim(valid, out.shape, tuple(range(ax, ax + k)))
    return ew.select(mask, out, ew.full(out.shape, _fill_value(x.dtype, fill_value), x.dtype))


def _normalize_index(idx: Array, n: int) -> Array:
    """Negative indices count from the end (int32 indices)."""
    idx = ew.convert_element_type(idx, np.dtype(np.int32))
    return ew.select(
        ew.lt(idx, zeros_like(idx)), ew.add(idx, ew.full(idx.shape, n, idx.dtype)), idx
    )


def take_along_axis(
    arr: ArrayLike,
    indices: ArrayLike,
    axis: int | None,
    mode: str | None = None,
    fill_value: Any = None,
) -> Array:
    """numpy's ``take_along_axis`` (indices broadcast against ``arr`` off ``axis``)."""
    x = asarray(arr)
    idx = asarray(indices)
    if axis is None:
        x, axis = ravel(x), 0
    ax = _util.canonical_axis(axis, x.ndim)
    if idx.ndim != x.ndim:
        raise ValueError(
            f"take_along_axis: indices of shape {idx.shape} need the rank of the array, "
            f"of shape {x.shape}"
        )
    try:
        rest = broadcast_shapes(
            tuple(1 if i == ax else n for i, n in enumerate(idx.shape)),
            tuple(1 if i == ax else n for i, n in enumerate(x.shape)),
        )
    except ValueError:
        raise ValueError(
            f"take_along_axis: indices of shape {idx.shape} do not broadcast against the array "
            f"of shape {x.shape} off axis {ax}"
        ) from None
    idx = st.broadcast_to(idx, tuple(idx.shape[i] if i == ax else rest[i] for i in range(x.ndim)))
    xb = st.broadcast_to(x, tuple(x.shape[i] if i == ax else rest[i] for i in range(x.ndim)))
    norm, valid = _index_mode(idx, x.shape[ax], mode, "take_along_axis")
    out = ix.take_along_axis(xb, norm, ax)
    if valid is None:
        return out
    return ew.select(valid, out, ew.full(out.shape, _fill_value(x.dtype, fill_value), x.dtype))


def iscomplexobj(x: Any) -> bool:
    return dtypes.is_complex(asarray(x).dtype)


def isrealobj(x: Any) -> bool:
    return not iscomplexobj(x)


def isscalar(x: Any) -> bool:
    return isinstance(x, (bool, int, float, complex, np.generic)) or (
        isinstance(x, Array) and x.ndim == 0
    )


def issubdtype(a: Any, b: Any) -> bool:
    return bool(np.issubdtype(a, b))


def copy(a: ArrayLike) -> Array:
    return asarray(a)


def interp(
    x: ArrayLike, xp: ArrayLike, fp: ArrayLike, left: Any = None, right: Any = None
) -> Array:
    """Piecewise-linear interpolation of ``(xp, fp)`` at ``x`` (``xp`` increasing)."""
    xv, xpv = _to_inexact(_promote_no_broadcast("interp", (x, xp)))
    (fpv,) = _to_inexact([asarray(fp)])
    if xpv.ndim != 1 or fpv.shape != xpv.shape or xpv.shape[0] == 0:
        raise ValueError(
            f"interp: xp and fp must be non-empty 1-d arrays of one shape, got {xpv.shape} "
            f"and {fpv.shape}"
        )
    n = xpv.shape[0]
    i = clip(searchsorted(xpv, xv, side="right"), 1, n - 1)
    x0, x1 = take(xpv, subtract(i, 1)), take(xpv, i)
    f0, f1 = take(fpv, subtract(i, 1)), take(fpv, i)
    xv = astype(xv, xpv.dtype)
    t = true_divide(subtract(xv, x0), subtract(x1, x0))
    out = add(f0, multiply(t, subtract(f1, f0)))
    out = where(less(xv, take(xpv, 0)), take(fpv, 0) if left is None else left, out)
    return where(greater(xv, take(xpv, n - 1)), take(fpv, n - 1) if right is None else right, out)
