"""Elementwise primitives: math functions, arithmetic, comparisons, bit ops, selection.

Operands of an elementwise primitive share one shape and one dtype (``fad.numpy``
broadcasts and promotes before binding). Each primitive's rules sit in the block
that defines it: numpy implementation, abstract eval, JVP, transpose (for the
linear ones), batching and StableHLO lowering.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.special as sps

from fad._src import core, dtypes
from fad._src.core import Array, DType, Primitive, ShapedArray
from fad._src.interpreters import batch, jvp, transpose
from fad._src.interpreters.jvp import MaybeZero, Zero
from fad._src.interpreters.transpose import NonlinearError, UndefinedPrimal, is_undefined
from fad._src.prims import _util, xla_complex, xla_kernels
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value

NpFn = Callable[..., Any]


def _register(
    name: str,
    impl: NpFn,
    nargs: int,
    kind: str,
    out_dtype: Callable[[DType], DType] | None,
    hlo: str | None,
) -> Primitive:
    prim = core.new_primitive(name)
    core.def_impl(prim, impl)

    def abstract(*avals: ShapedArray) -> ShapedArray:
        if len(avals) != nargs:
            raise TypeError(f"{name} takes {nargs} operands, got {len(avals)}")
        out = None if out_dtype is None else out_dtype(avals[0].dtype)
        return _util.elementwise_aval(name, avals, kind, out)

    core.def_abstract(prim, abstract)
    if nargs == 1:
        batch.defvectorized(prim)
    else:
        batch.defbroadcasting(prim)
    if hlo is not None:
        lowering.def_elementwise(prim, hlo)
    return prim


def unop(
    name: str,
    impl: NpFn,
    kind: str = "inexact",
    out_dtype: Callable[[DType], DType] | None = None,
    hlo: str | None = None,
) -> Primitive:
    return _register(name, impl, 1, kind, out_dtype, hlo)


def binop(
    name: str,
    impl: NpFn,
    kind: str = "any",
    out_dtype: Callable[[DType], DType] | None = None,
    hlo: str | None = None,
) -> Primitive:
    return _register(name, impl, 2, kind, out_dtype, hlo)


def _same(dt: DType) -> DType:
    return dt


def _to_bool(dt: DType) -> DType:
    return np.dtype(np.bool_)


def _to_real(dt: DType) -> DType:
    return dtypes.real_dtype(dt)


def _keep(impl: NpFn) -> NpFn:
    """numpy may upcast (e.g. float16 math); cast results back to the input dtype."""

    def f(x: np.ndarray[Any, Any], *rest: np.ndarray[Any, Any]) -> Any:
        return np.asarray(impl(x, *rest)).astype(x.dtype, copy=False)

    return f


# ---------------------------------------------------------------------------
# Constants and small helpers built from primitives
# ---------------------------------------------------------------------------


_stack_top = core._current.get

# (the functions below are the primitives of every JVP rule and transpose)
_unary, _binary = core.bind_unary, core.bind_binary

_PY_SCALARS = frozenset({bool, int, float, complex})


# The host values of constant arrays that ``full`` has made where primitives on constants
# run at once (read-only views of one element), by shape, dtype and value: JVP rules ask
# for the same ``ones_like(ans)`` on every call. Each caller gets its own Array (one may be
# donated to ``jit`` and deleted) of the one read-only value.
_filled: dict[tuple[Any, ...], np.ndarray[Any, Any]] = {}


def filled(shape: Sequence[int], value: Any, dtype: DType, weak: bool) -> Array | None:
    """``full`` of a Python int or float, with weak type ``weak``, where primitives on
    constants run at once (the value comes from ``_filled``); ``None`` elsewhere, or for
    another value (the caller binds the broadcast then)."""
    tv = type(value)
    if not (tv is int or (tv is float and not core.may_be_subnormal(value))) or not (
        _stack_top().passes_concrete  # (``core.passes_concrete()``, inline: every JVP rule)
    ):
        return None
    # (a float key also holds its sign, which tells 0.0 from -0.0; a NaN is never found)
    if type(shape) is not tuple:
        shape = tuple(map(int, shape))
    key = (shape, dtype, value, tv is float and math.copysign(1.0, value))
    v = _filled.get(key)
    if v is None:
        out = _full(key[0], value, dtype)
        if type(out) is not Array:
            return None
        v = out._value
        v.flags.writeable = False
        if len(_filled) >= 256:  # bounded: the few shapes a program's rules meet
            _filled.clear()
        _filled[key] = v
    return core.wrap_fresh(v, weak)


def full(shape: Sequence[int], value: Any, dtype: DType) -> Array:
    """An array of ``shape`` filled with ``value`` (a broadcast scalar, cheap to stage)."""
    out = filled(shape, value, dtype, False)
    return _full(shape, value, dtype) if out is None else out


def _full(shape: Sequence[int], value: Any, dtype: DType) -> Array:
    """``full`` by binding: a 0-d array of ``value``, broadcast (``filled``'s misses too)."""
    if isinstance(value, Array):
        scalar = value
    elif type(value) in _PY_SCALARS:
        scalar = core.scalar_array(value, dtype, False)
    else:
        scalar = Array(np.asarray(value, dtype))
    if scalar.dtype != dtype:
        scalar = convert_element_type(scalar, dtype)
    shape = tuple(map(int, shape))
    if scalar.shape == shape:
        return scalar
    return core.broadcast_in_dim_p.bind1(scalar, shape=shape, broadcast_dimensions=())


def full_like(x: Array, value: Any, dtype: DType | None = None) -> Array:
    """``full`` in ``x``'s shape and dtype (or ``dtype``): a host array's (a primal in a
    JVP rule) are read off its value."""
    v = x._host if type(x) is Array else None
    if v is None:
        return full(x.shape, value, x.dtype if dtype is None else dtype)
    return full(v.shape, value, v.dtype if dtype is None else dtype)


def zeros_like(x: Array) -> Array:
    return full_like(x, 0)


def ones_like(x: Array) -> Array:
    return full_like(x, 1)


# ---------------------------------------------------------------------------
# Unary math
# ---------------------------------------------------------------------------

neg_p = unop("neg", np.negative, "number", hlo="stablehlo.negate")
sin_p = unop("sin", np.sin, hlo="stablehlo.sine")
cos_p = unop("cos", np.cos, hlo="stablehlo.cosine")
tan_p = unop("tan", np.tan, hlo="stablehlo.tan")
asin_p = unop("asin", np.arcsin, hlo="chlo.asin")
acos_p = unop("acos", np.arccos, hlo="chlo.acos")
atan_p = unop("atan", np.arctan, hlo="chlo.atan")
sinh_p = unop("sinh", np.sinh, hlo="chlo.sinh")
cosh_p = unop("cosh", np.cosh, hlo="chlo.cosh")
tanh_p = unop("tanh", np.tanh, hlo="stablehlo.tanh")
asinh_p = unop("asinh", np.arcsinh, hlo="chlo.asinh")
acosh_p = unop("acosh", np.arccosh, hlo="chlo.acosh")
atanh_p = unop("atanh", np.arctanh, hlo="chlo.atanh")
exp_p = unop("exp", np.exp, hlo="stablehlo.exponential")
exp2_p = unop("exp2", np.exp2, hlo=None)
log_p = unop("log", np.log, hlo="stablehlo.log")
log1p_p = unop("log1p", np.log1p, hlo="stablehlo.log_plus_one")
expm1_p = unop("expm1", np.expm1, hlo="stablehlo.exponential_minus_one")
sqrt_p = unop("sqrt", np.sqrt, hlo="stablehlo.sqrt")
rsqrt_p = unop("rsqrt", _keep(lambda x: 1 / np.sqrt(x)), hlo="stablehlo.rsqrt")
cbrt_p = unop("cbrt", np.cbrt, "float", hlo="stablehlo.cbrt")


def _logistic(x: np.ndarray[Any, Any]) -> Any:
    # scipy's expit has no complex loop; 1 / (1 + exp(-x)) is the same function there.
    return 1 / (1 + np.exp(-x)) if np.iscomplexobj(x) else sps.expit(x)


logistic_p = unop("logistic", _keep(_logistic), hlo="stablehlo.logistic")
# erf and erf_inv replay XLA's CPU kernels, so eager bits equal compiled ones (and JAX's).
erf_p = unop(
    "erf",
    xla_kernels.xla_kernel(xla_kernels.xla_erf_f32, xla_kernels.libm_erf_f64),
    "float",
    hlo="chlo.erf",
)
erfc_p = unop("erfc", _keep(sps.erfc), "float", hlo="chlo.erfc")
erf_inv_p = unop(
    "erf_inv",
    xla_kernels.xla_kernel(xla_kernels.xla_erf_inv_f32, xla_kernels.xla_erf_inv_f64),
    "float",
    hlo="chlo.erf_inv",
)
lgamma_p = unop("lgamma", _keep(lambda x: xla_kernels.xla_lgamma_special(x, sps.gammaln(x))),
               "float", hlo="chlo.lgamma")  # fmt: skip
digamma_p = unop("digamma", _keep(lambda x: xla_kernels.xla_digamma_special(x, sps.digamma(x))),
                 "float", hlo="chlo.digamma")  # fmt: skip
abs_p = unop("abs", np.abs, "number", out_dtype=_to_real, hlo="stablehlo.abs")
sign_p = unop("sign", np.sign, "number", hlo="stablehlo.sign")
floor_p = unop("floor", np.floor, "float", hlo="stablehlo.floor")
ceil_p = unop("ceil", np.ceil, "float", hlo="stablehlo.ceil")
round_p = unop("round", np.round, "float", hlo="stablehlo.round_nearest_even")
is_finite_p = unop("is_finite", np.isfinite, "float", out_dtype=_to_bool, hlo="stablehlo.is_finite")
not_p = unop("not", np.invert, "int_or_bool", hlo="stablehlo.not")
real_p = unop("real", np.real, "complex", out_dtype=_to_real, hlo="stablehlo.real")
imag_p = unop("imag", np.imag, "complex", out_dtype=_to_real, hlo="stablehlo.imag")
conj_p = unop("conj", np.conjugate, "complex", hlo=None)
stop_gradient_p = unop("stop_gradient", lambda x: x, "any", hlo=None)


# d/dx of each unary function, as (g, ans, x) -> tangent; the linear ones (neg, real,
# imag, conj) register their JVP and transpose with one ``deflinear``.
transpose.deflinear(neg_p, lambda ct, x: [neg(ct)])
jvp.defjvp(sin_p, lambda g, ans, x: mul(g, cos(x)))
jvp.defjvp(cos_p, lambda g, ans, x: neg(mul(g, sin(x))))
jvp.defjvp(tan_p, lambda g, ans, x: mul(g, add(ones_like(ans), mul(ans, ans))))
jvp.defjvp(asin_p, lambda g, ans, x: mul(g, rsqrt(sub(ones_like(x), mul(x, x)))))
jvp.defjvp(acos_p, lambda g, ans, x: neg(mul(g, rsqrt(sub(ones_like(x), mul(x, x))))))
jvp.defjvp(atan_p, lambda g, ans, x: div(g, add(ones_like(x), mul(x, x))))
jvp.defjvp(sinh_p, lambda g, ans, x: mul(g, cosh(x)))
jvp.defjvp(cosh_p, lambda g, ans, x: mul(g, sinh(x)))
jvp.defjvp(tanh_p, lambda g, ans, x: mul(g, sub(ones_like(ans), mul(ans, ans))))
jvp.defjvp(asinh_p, lambda g, ans, x: mul(g, rsqrt(add(mul(x, x), ones_like(x)))))
jvp.defjvp(
    acosh_p,
    lambda g, ans, x: div(g, mul(sqrt(sub(x, ones_like(x))), sqrt(add(x, ones_like(x))))),
)
jvp.defjvp(atanh_p, lambda g, ans, x: div(g, sub(ones_like(x), mul(x, x))))
jvp.defjvp(exp_p, lambda g, ans, x: mul(g, ans))
jvp.defjvp(exp2_p, lambda g, ans, x: mul(g, mul(ans, full_like(ans, np.log(2)))))
jvp.defjvp(log_p, lambda g, ans, x: div(g, x))
jvp.defjvp(log1p_p, lambda g, ans, x: div(g, add(x, ones_like(x))))
jvp.defjvp(expm1_p, lambda g, ans, x: mul(g, add(ans, ones_like(ans))))
jvp.defjvp(sqrt_p, lambda g, ans, x: div(g, mul(full_like(ans, 2), ans)))
jvp.defjvp(rsqrt_p, lambda g, ans, x: mul(g, mul(full_like(ans, -0.5), div(ans, x))))
jvp.defjvp(cbrt_p, lambda g, ans, x: div(g, mul(full_like(ans, 3), mul(ans, ans))))
jvp.defjvp(logistic_p, lambda g, ans, x: mul(g, mul(ans, sub(ones_like(ans), ans))))
jvp.defjvp(
    erf_p,
    lambda g, ans, x: mul(g, mul(full_like(x, 2 / np.sqrt(np.pi)), exp(neg(mul(x, x))))),
)
jvp.defjvp(
    erfc_p,
    lambda g, ans, x: mul(g, mul(full_like(x, -2 / np.sqrt(np.pi)), exp(neg(mul(x, x))))),
)
jvp.defjvp(
    erf_inv_p,
    lambda g, ans, x: mul(g, mul(full_like(x, np.sqrt(np.pi) / 2), exp(mul(ans, ans)))),
)
jvp.defjvp(lgamma_p, lambda g, ans, x: mul(g, digamma(x)))
jvp.defjvp(digamma_p, lambda g, ans, x: mul(g, polygamma(ones_like(x), x)))
for _p in (floor_p, ceil_p, round_p, is_finite_p, not_p, stop_gradient_p):
    jvp.defjvp_zero(_p)


def _sign_jvp(primals: Sequence[Array], tangents: Sequence[MaybeZero]) -> tuple[Array, MaybeZero]:
    # Piecewise constant for real and integer x; for complex x, s = x/|x| moves along the
    # unit circle: ds = (dx - s Re(conj(s) dx)) / |x| (zero at x = 0, like the real case).
    (x,), (t,) = primals, tangents
    ans = sign(x)
    if isinstance(t, Zero) or not dtypes.is_complex(x.dtype):
        return ans, Zero.like(ans)
    r = abs(x)
    zero = zeros_like(r)
    at_zero = eq(r, zero)
    inv_r = select_n(at_zero, div(ones_like(r), select_n(at_zero, r, ones_like(r))), zero)
    radial = mul(ans, complex_(real(mul(conj(ans), t)), zero))
    return ans, mul(sub(t, radial), complex_(inv_r, zero))


jvp.def_jvp_rule(sign_p, _sign_jvp)


def _abs_jvp(g: Array, ans: Array, x: Array) -> Array:
    if dtypes.is_complex(x.dtype):
        # d|x| = Re(conj(x) dx) / |x|
        safe = select_n(eq(ans, zeros_like(ans)), ans, ones_like(ans))
        return div(real(mul(conj(x), g)), safe)
    return mul(g, sign(x))


jvp.defjvp(abs_p, _abs_jvp)
transpose.deflinear(real_p, lambda ct, x: [complex_(ct, zeros_like(ct))])
transpose.deflinear(imag_p, lambda ct, x: [complex_(zeros_like(ct), neg(ct))])
transpose.deflinear(conj_p, lambda ct, x: [conj(ct)])

_util.lower_via(exp2_p, lambda x: exp(mul(x, full_like(x, np.log(2)))))
_util.lower_via(conj_p, lambda x: complex_(real(x), neg(imag(x))))
_util.lower_via(stop_gradient_p, lambda x: x)


def neg(x: Array) -> Array:
    return _unary(neg_p, x)


def sin(x: Array) -> Array:
    return _unary(sin_p, x)


def cos(x: Array) -> Array:
    return _unary(cos_p, x)


def tan(x: Array) -> Array:
    return _unary(tan_p, x)


def asin(x: Array) -> Array:
    return _unary(asin_p, x)


def acos(x: Array) -> Array:
    return _unary(acos_p, x)


def atan(x: Array) -> Array:
    return _unary(atan_p, x)


def sinh(x: Array) -> Array:
    return _unary(sinh_p, x)


def cosh(x: Array) -> Array:
    return _unary(cosh_p, x)


def tanh(x: Array) -> Array:
    return _unary(tanh_p, x)


def asinh(x: Array) -> Array:
    return _unary(asinh_p, x)


def acosh(x: Array) -> Array:
    return _unary(acosh_p, x)


def atanh(x: Array) -> Array:
    return _unary(atanh_p, x)


def exp(x: Array) -> Array:
    return _unary(exp_p, x)


def exp2(x: Array) -> Array:
    return _unary(exp2_p, x)


def log(x: Array) -> Array:
    return _unary(log_p, x)


def log1p(x: Array) -> Array:
    return _unary(log1p_p, x)


def expm1(x: Array) -> Array:
    return _unary(expm1_p, x)


def sqrt(x: Array) -> Array:
    return _unary(sqrt_p, x)


def rsqrt(x: Array) -> Array:
    return _unary(rsqrt_p, x)


def cbrt(x: Array) -> Array:
    return _unary(cbrt_p, x)


def logistic(x: Array) -> Array:
    return _unary(logistic_p, x)


def erf(x: Array) -> Array:
    return _unary(erf_p, x)


def erfc(x: Array) -> Array:
    return _unary(erfc_p, x)


def erf_inv(x: Array) -> Array:
    return _unary(erf_inv_p, x)


def lgamma(x: Array) -> Array:
    return _unary(lgamma_p, x)


def digamma(x: Array) -> Array:
    return _unary(digamma_p, x)


def abs(x: Array) -> Array:
    return _unary(abs_p, x)


def sign(x: Array) -> Array:
    return _unary(sign_p, x)


def floor(x: Array) -> Array:
    return _unary(floor_p, x)


def ceil(x: Array) -> Array:
    return _unary(ceil_p, x)


def round(x: Array) -> Array:
    return _unary(round_p, x)


def is_finite(x: Array) -> Array:
    return _unary(is_finite_p, x)


def bitwise_not(x: Array) -> Array:
    return _unary(not_p, x)


def real(x: Array) -> Array:
    return _unary(real_p, x)


def imag(x: Array) -> Array:
    return _unary(imag_p, x)


def conj(x: Array) -> Array:
    return _unary(conj_p, x)


def stop_gradient(x: Array) -> Array:
    return _unary(stop_gradient_p, x)


# ---------------------------------------------------------------------------
# Binary arithmetic
# ---------------------------------------------------------------------------


# ``dtype.kind in "iu"`` is ``np.issubdtype(dtype, np.integer)`` at a fraction of the cost.
def _int_div(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> Any:
    if x.dtype.kind in "iu":
        return _xla_int_div(x, y)
    out = np.true_divide(x, y)
    return out if out.dtype == x.dtype else out.astype(x.dtype)


# XLA's integer division truncates toward zero; ``x / 0`` is -1 (all bits set, so the
# largest value of an unsigned type), ``x % 0`` is ``x``, and ``INT_MIN / -1`` wraps to
# ``INT_MIN`` with remainder 0. The eager kernels give exactly what a compiled program gives.
def _xla_int_div(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> Any:
    zero = y == 0
    with np.errstate(all="ignore"):
        safe = np.where(zero, np.ones_like(y), y)
        r = np.fmod(x, safe)
        # x - r is a multiple of ``safe``, so floor division is exact there.
        q = np.floor_divide(x - r, safe)
    return np.where(zero, np.array(-1).astype(x.dtype), q).astype(x.dtype, copy=False)


def _rem(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> Any:
    with np.errstate(divide="ignore", invalid="ignore"):
        if x.dtype.kind in "iu":
            zero = y == 0
            r = np.fmod(x, np.where(zero, np.ones_like(y), y))
            return np.where(zero, x, r).astype(x.dtype, copy=False)
        return np.fmod(x, y)


def _pow(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> Any:
    with np.errstate(all="ignore"):
        if x.ndim == 0 and y.ndim == 0:
            # numpy's power of two 0-d operands takes a scalar path that gives nan for
            # ``pow(-inf, 0.5)``; its array loop gives inf, as C's pow and XLA do.
            return np.power(x.reshape(1), y.reshape(1)).reshape(()).astype(x.dtype, copy=False)
        return np.power(x, y).astype(x.dtype, copy=False)


add_p = binop("add", np.add, hlo="stablehlo.add")
sub_p = binop("sub", np.subtract, "number", hlo="stablehlo.subtract")
mul_p = binop("mul", np.multiply, hlo="stablehlo.multiply")
div_p = binop("div", _int_div, "number", hlo="stablehlo.divide")
rem_p = binop("rem", _rem, "real", hlo="stablehlo.remainder")
pow_p = binop("pow", _pow, "inexact", hlo="stablehlo.power")
max_p = binop("max", np.maximum, hlo="stablehlo.maximum")
min_p = binop("min", np.minimum, hlo="stablehlo.minimum")
atan2_p = binop("atan2", np.arctan2, "float", hlo="stablehlo.atan2")
nextafter_p = binop("nextafter", np.nextafter, "float", hlo="chlo.next_after")
and_p = binop("and", np.bitwise_and, "int_or_bool", hlo="stablehlo.and")
or_p = binop("or", np.bitwise_or, "int_or_bool", hlo="stablehlo.or")
xor_p = binop("xor", np.bitwise_xor, "int_or_bool", hlo="stablehlo.xor")
shift_left_p = binop("shift_left", np.left_shift, "integer", hlo="stablehlo.shift_left")
shift_right_arithmetic_p = binop(
    "shift_right_arithmetic", np.right_shift, "integer", hlo="stablehlo.shift_right_arithmetic"
)
shift_right_logical_p = binop(
    "shift_right_logical",
    lambda x, y: (
        x.astype(np.dtype(f"u{x.dtype.itemsize}")) >> y.astype(np.dtype(f"u{x.dtype.itemsize}"))
    ).astype(x.dtype),
    "integer",
    hlo="stablehlo.shift_right_logical",
)


def _complex(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> Any:
    # Assigned part by part: ``x + 1j * y`` turns an infinite y into a NaN real part.
    out = np.empty(np.broadcast_shapes(x.shape, y.shape), dtypes.complex_dtype(x.dtype))
    out.real, out.imag = x, y
    return out


complex_p = binop("complex", _complex, "float", dtypes.complex_dtype, hlo="stablehlo.complex")

_CMP = {
    "eq": (np.equal, "EQ"), "ne": (np.not_equal, "NE"), "lt": (np.less, "LT"),
    "le": (np.less_equal, "LE"), "gt": (np.greater, "GT"), "ge": (np.greater_equal, "GE"),
}  # fmt: skip
eq_p, ne_p, lt_p, le_p, gt_p, ge_p = (
    binop(name, fn, "any", out_dtype=_to_bool, hlo=None) for name, (fn, _) in _CMP.items()
)
for _p, (_name, (_fn, _direction)) in zip(
    (eq_p, ne_p, lt_p, le_p, gt_p, ge_p), _CMP.items(), strict=True
):
    lowering.def_compare(_p, _direction)
    jvp.defjvp_zero(_p)

for _p in (and_p, or_p, xor_p, shift_left_p, shift_right_arithmetic_p, shift_right_logical_p):
    jvp.defjvp_zero(_p)
# nextafter(x, y) is x moved by one ulp: slope 1 in x, piecewise constant in y.
jvp.defjvp(nextafter_p, lambda g, ans, x, y: g, None)


def _polygamma_impl(m: np.ndarray[Any, Any], x: np.ndarray[Any, Any]) -> Any:
    with np.errstate(all="ignore"):
        out = sps.polygamma(m.astype(np.int64), x)
    out = xla_kernels.xla_polygamma_special(m, x, out)
    return np.where(m == np.round(m), out, np.nan).astype(x.dtype)


def _polygamma_jvp_m(g: Array, ans: Array, m: Array, x: Array) -> Array:
    raise TypeError("polygamma(m, x) is not differentiable with respect to its order m")


# polygamma(m, x): the m-th derivative of digamma (m a non-negative integer stored as a float).
polygamma_p = binop("polygamma", _polygamma_impl, "float", hlo="chlo.polygamma")
jvp.defjvp(
    polygamma_p,
    _polygamma_jvp_m,
    lambda g, ans, m, x: mul(g, polygamma(add(m, ones_like(m)), x)),
)

# add and sub are linear, but their JVPs are per-operand partials rather than ``deflinear``:
# a constant operand (``x + 1``) then adds nothing to the tangent, where ``deflinear`` would
# add a materialised zero array (and stage it, with the zeros as a residual, under grad).
jvp.defjvp(add_p, lambda g, ans, x, y: g, lambda g, ans, x, y: g)
jvp.defjvp(sub_p, lambda g, ans, x, y: g, lambda g, ans, x, y: neg(g))
transpose.def_transpose(add_p, lambda ct, x, y: [ct, ct])
transpose.def_transpose(sub_p, lambda ct, x, y: [ct, neg(ct)])
transpose.deflinear(complex_p, lambda ct, x, y: [real(ct), neg(imag(ct))])
jvp.defjvp(mul_p, lambda g, ans, x, y: mul(g, y), lambda g, ans, x, y: mul(x, g))
jvp.defjvp(div_p, lambda g, ans, x, y: div(g, y), lambda g, ans, x, y: neg(mul(g, div(ans, y))))


def _pow_jvp_x(g: Array, ans: Array, x: Array, y: Array) -> Array:
    # y * x**(y-1), with 0 where x == y == 0 (so 0**0 has derivative 0, not nan). Only
    # that point is selected away: at y == 0 and x != 0 the expression is 0 already, and
    # its derivative in y (1/x, for jacfwd of jacfwd) must survive.
    ym1 = sub(y, ones_like(y))
    d = mul(y, pow(x, ym1))
    x0 = eq(x, zeros_like(x))
    return mul(g, select_n(x0, d, select_n(eq(y, zeros_like(y)), d, zeros_like(d))))


def _pow_jvp_y(g: Array, ans: Array, x: Array, y: Array) -> Array:
    safe_x = select_n(eq(x, zeros_like(x)), x, ones_like(x))
    return mul(g, mul(log(safe_x), ans))


jvp.defjvp(pow_p, _pow_jvp_x, _pow_jvp_y)


def _balanced_eq(x: Array, z: Array, y: Array) -> Array:
    """1 where x wins, 0.5 on ties, 0 where y wins (JAX's convention for max/min)."""
    one, half, zero = ones_like(z), full_like(z, 0.5), zeros_like(z)
    return select_n(eq(x, z), zero, select_n(eq(y, z), one, half))


jvp.defjvp(
    max_p,
    lambda g, ans, x, y: mul(g, _balanced_eq(x, ans, y)),
    lambda g, ans, x, y: mul(g, _balanced_eq(y, ans, x)),
)
jvp.defjvp(
    min_p,
    lambda g, ans, x, y: mul(g, _balanced_eq(x, ans, y)),
    lambda g, ans, x, y: mul(g, _balanced_eq(y, ans, x)),
)
jvp.defjvp(
    atan2_p,
    lambda g, ans, x, y: mul(g, div(y, add(mul(x, x), mul(y, y)))),
    lambda g, ans, x, y: neg(mul(g, div(x, add(mul(x, x), mul(y, y))))),
)
jvp.defjvp(
    rem_p,
    lambda g, ans, x, y: g,
    lambda g, ans, x, y: mul(neg(g), mul(sign(div(x, y)), floor(abs(div(x, y))))),
)


def _mul_transpose(ct: Array, x: Any, y: Any) -> list[MaybeZero | None]:
    # ``type(...) is``: ``is_undefined`` inlined (mul is most of a linear program)
    x_lin, y_lin = type(x) is UndefinedPrimal, type(y) is UndefinedPrimal
    if x_lin and y_lin:
        raise NonlinearError("mul of two values that both depend linearly on the input")
    return [mul(ct, y), None] if x_lin else [None, mul(x, ct)]


def _div_transpose(ct: Array, x: Any, y: Any) -> list[MaybeZero | None]:
    if is_undefined(y):
        raise NonlinearError("div by a value that depends linearly on the input")
    return [div(ct, y), None]


transpose.def_transpose(mul_p, _mul_transpose)
transpose.def_transpose(div_p, _div_transpose)

# add_any: the interpreters' own addition of tangents and cotangents.
core.def_impl(core.add_any_p, np.add)
core.def_abstract(core.add_any_p, lambda x, y: _util.elementwise_aval("add_any", [x, y]))
transpose.deflinear(core.add_any_p, lambda ct, x, y: [ct, ct])
batch.defbroadcasting(core.add_any_p)
lowering.def_elementwise(core.add_any_p, "stablehlo.add")


def add(x: Array, y: Array) -> Array:
    return _binary(add_p, x, y)


def sub(x: Array, y: Array) -> Array:
    return _binary(sub_p, x, y)


def mul(x: Array, y: Array) -> Array:
    return _binary(mul_p, x, y)


def div(x: Array, y: Array) -> Array:
    return _binary(div_p, x, y)


def rem(x: Array, y: Array) -> Array:
    return _binary(rem_p, x, y)


def pow(x: Array, y: Array) -> Array:
    return _binary(pow_p, x, y)


def max(x: Array, y: Array) -> Array:
    return _binary(max_p, x, y)


def min(x: Array, y: Array) -> Array:
    return _binary(min_p, x, y)


def atan2(x: Array, y: Array) -> Array:
    return _binary(atan2_p, x, y)


def nextafter(x: Array, y: Array) -> Array:
    return _binary(nextafter_p, x, y)


def polygamma(m: Array, x: Array) -> Array:
    return polygamma_p.bind1(m, x)


def bitwise_and(x: Array, y: Array) -> Array:
    return _binary(and_p, x, y)


def bitwise_or(x: Array, y: Array) -> Array:
    return _binary(or_p, x, y)


def bitwise_xor(x: Array, y: Array) -> Array:
    return _binary(xor_p, x, y)


def shift_left(x: Array, y: Array) -> Array:
    return _binary(shift_left_p, x, y)


def shift_right_arithmetic(x: Array, y: Array) -> Array:
    return _binary(shift_right_arithmetic_p, x, y)


def shift_right_logical(x: Array, y: Array) -> Array:
    return _binary(shift_right_logical_p, x, y)


def complex_(x: Array, y: Array) -> Array:
    return _binary(complex_p, x, y)


def eq(x: Array, y: Array) -> Array:
    return _binary(eq_p, x, y)


def ne(x: Array, y: Array) -> Array:
    return _binary(ne_p, x, y)


def lt(x: Array, y: Array) -> Array:
    return _binary(lt_p, x, y)


def le(x: Array, y: Array) -> Array:
    return _binary(le_p, x, y)


def gt(x: Array, y: Array) -> Array:
    return _binary(gt_p, x, y)


def ge(x: Array, y: Array) -> Array:
    return _binary(ge_p, x, y)


# ---------------------------------------------------------------------------
# Complex operands
# ---------------------------------------------------------------------------

# XLA expands complex arithmetic into real operations with its own handling of infinite
# and NaN parts and of zero signs, where numpy follows C99 Annex G: for complex dtypes the
# eager implementations are XLA's formulas (``xla_complex``); real dtypes keep numpy's
# ufuncs, looked up at no extra cost (``core.def_dtype_impl``).
for _p in (abs_p, sign_p, sqrt_p, rsqrt_p, exp_p, exp2_p, expm1_p, log_p, log1p_p, logistic_p,
           sin_p, cos_p, tan_p, sinh_p, cosh_p, tanh_p, asin_p, acos_p, atan_p, asinh_p,
           acosh_p, atanh_p, mul_p, div_p, pow_p, max_p, min_p):  # fmt: skip
    for _dt in (np.complex64, np.complex128):
        core.def_dtype_impl(_p, _dt, xla_complex.IMPLS[_p.name])


def _complex_max(x: Array, y: Array) -> Array:
    # Lexicographic, as JAX lowers it (XLA's own complex maximum compares real parts only).
    rx, ry = real(x), real(y)
    return select_n(select_n(eq(rx, ry), gt(rx, ry), gt(imag(x), imag(y))), y, x)


def _complex_min(x: Array, y: Array) -> Array:
    rx, ry = real(x), real(y)
    return select_n(select_n(eq(rx, ry), lt(rx, ry), lt(imag(x), imag(y))), y, x)


def _minmax_rule(op: str, complex_fn: Callable[[Array, Array], Array]) -> lowering.LoweringRule:
    def rule(ctx: LoweringContext, x: Value, y: Value) -> Value:
        if dtypes.is_complex(x.aval.dtype):
            out: Value = _util.inline(ctx, complex_fn, (x, y), {})
            return out
        return ctx.elementwise(op, (x, y))

    return rule


lowering.def_rule(max_p, _minmax_rule("stablehlo.maximum", _complex_max))
lowering.def_rule(min_p, _minmax_rule("stablehlo.minimum", _complex_min))


# ---------------------------------------------------------------------------
# integer_pow, select_n, clamp, convert_element_type
# ---------------------------------------------------------------------------

integer_pow_p = core.new_primitive("integer_pow")


def _integer_pow_impl(x: np.ndarray[Any, Any], *, y: int) -> Any:
    dt = x.dtype  # (read once: the complex check costs no more than the reads it saves)
    if dt.kind == "c":  # XLA's complex multiplies, not numpy's (see xla_complex)
        return xla_complex.integer_pow(x, y)
    with np.errstate(all="ignore"):
        if y < 0 and not np.issubdtype(dt, np.inexact):
            raise TypeError("integer_pow with a negative exponent needs an inexact dtype")
        return np.power(x, dt.type(y) if y >= 0 else y).astype(dt, copy=False)


def _integer_pow_jvp(g: Array, ans: Array, x: Array, *, y: int) -> Array:
    if y == 0:
        return zeros_like(g)
    if y == 1:
        return g
    d = mul(full_like(x, y), x if y == 2 else integer_pow(x, y - 1))
    return mul(g, d)


core.def_impl(integer_pow_p, _integer_pow_impl)
core.def_abstract(
    integer_pow_p, lambda x, *, y: _util.elementwise_aval("integer_pow", [x], "number")
)
jvp.defjvp(integer_pow_p, _integer_pow_jvp)
batch.defvectorized(integer_pow_p)


def _integer_pow_by_squaring(x: Array, *, y: int) -> Array:
    base, n, acc = x, -y if y < 0 else y, ones_like(x)
    while n:
        if n & 1:
            acc = mul(acc, base)
        n >>= 1
        if n:
            base = mul(base, base)
    return div(ones_like(x), acc) if y < 0 else acc


_util.lower_via(integer_pow_p, _integer_pow_by_squaring)


def integer_pow(x: Array, y: int) -> Array:
    return integer_pow_p.bind1(x, y=y)


# Weak typing follows the cases, not the predicate.
select_n_p = core.new_primitive("select_n", weak_from=1)


def _select_n_impl(which: np.ndarray[Any, Any], *cases: np.ndarray[Any, Any]) -> Any:
    if len(cases) == 2 and which.dtype == np.bool_:
        return np.where(which, cases[1], cases[0])
    return np.choose(which.astype(np.int32), cases)


def _select_n_abstract(which: ShapedArray, *cases: ShapedArray) -> ShapedArray:
    if not cases:
        raise TypeError("select_n needs at least one case")
    if which.dtype != np.bool_ and not dtypes.is_integer(which.dtype):
        raise TypeError(f"select_n's predicate must be bool or int32, got {which.dtype.name}")
    if which.shape != cases[0].shape:
        raise TypeError(
            f"select_n's predicate shape {which.shape} must equal the cases' shape {cases[0].shape}"
        )
    return _util.elementwise_aval("select_n", cases)


def _select_n_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero]
) -> tuple[Array, MaybeZero]:
    which, *cases = primals
    ans = select_n(which, *cases)
    if all(isinstance(t, Zero) for t in tangents[1:]):
        return ans, Zero.like(ans)
    return ans, select_n(which, *(jvp.instantiate(t) for t in tangents[1:]))


def _select_n_transpose(ct: Array, which: Any, *cases: Any) -> list[MaybeZero | None]:
    if is_undefined(which):
        raise NonlinearError("select_n's predicate cannot be linear")
    zero = zeros_like(ct)
    out: list[MaybeZero | None] = [None]
    for i, c in enumerate(cases):
        if is_undefined(c):
            branches = [zero] * len(cases)
            branches[i] = ct
            out.append(select_n(which, *branches))
        else:
            out.append(None)
    return out


def _select_n_lowering(ctx: LoweringContext, which: Value, *cases: Value) -> Value:
    if len(cases) == 1:
        return cases[0]
    if dtypes.is_bool(which.dtype):
        return ctx.select(which, cases[1], cases[0])
    # which >= i picks cases[i]: the last case whose index is <= which wins.
    result = cases[0]
    for i in range(1, len(cases)):
        idx = ctx.full(i, which.shape, which.dtype)
        result = ctx.select(ctx.compare("GE", which, idx), cases[i], result)
    return result


core.def_impl(select_n_p, _select_n_impl)
core.def_abstract(select_n_p, _select_n_abstract)
jvp.def_jvp_rule(select_n_p, _select_n_jvp)
transpose.def_transpose(select_n_p, _select_n_transpose)
batch.defbroadcasting(select_n_p)
lowering.def_rule(select_n_p, _select_n_lowering)


def select_n(which: Array, *cases: Array) -> Array:
    """``cases[which]`` elementwise: a bool ``which`` picks ``cases[1]`` where true."""
    return select_n_p.bind1(which, *cases)


def select(pred: Array, on_true: Array, on_false: Array) -> Array:
    return select_n(pred, on_false, on_true)


clamp_p = core.new_primitive("clamp")
core.def_impl(clamp_p, lambda lo, x, hi: np.clip(x, lo, hi))
core.def_abstract(clamp_p, lambda lo, x, hi: _util.elementwise_aval("clamp", [lo, x, hi], "real"))
jvp.defjvp(
    clamp_p,
    lambda g, ans, lo, x, hi: select(lt(x, lo), g, zeros_like(g)),
    lambda g, ans, lo, x, hi: select(bitwise_and(ge(x, lo), le(x, hi)), g, zeros_like(g)),
    lambda g, ans, lo, x, hi: select(gt(x, hi), g, zeros_like(g)),
)
batch.defbroadcasting(clamp_p)
lowering.def_elementwise(clamp_p, "stablehlo.clamp")


def clamp(lo: Array, x: Array, hi: Array) -> Array:
    return clamp_p.bind1(lo, x, hi)


convert_element_type_p = core.new_primitive("convert_element_type")


def _convert_impl(x: np.ndarray[Any, Any], *, new_dtype: DType, weak_type: bool) -> Any:
    kind = x.dtype.kind
    if kind == "c" and new_dtype.kind != "c":
        x = x.real
        kind = x.dtype.kind
    # Floats (ml_dtypes' narrow floats are unstructured kind "V"; float0 is structured).
    if new_dtype.kind in "iu" and (kind == "f" or (kind == "V" and x.dtype.names is None)):
        return _float_to_int(x, new_dtype)
    with np.errstate(invalid="ignore"):
        return x.astype(new_dtype)


def _float_to_int(x: np.ndarray[Any, Any], new_dtype: DType) -> Any:
    """XLA's float -> integer conversion: truncate toward zero, saturate out-of-range values
    (and infinities) to the integer type's bounds, NaN -> 0. numpy's cast is undefined there."""
    if x.dtype != np.float32 and x.dtype != np.float64:
        x = np.asarray(x, np.float32)  # float16, bfloat16, ... widen exactly
    info = np.iinfo(new_dtype)
    ftype = x.dtype.type
    top = ftype(2.0 ** (info.bits if new_dtype.kind == "u" else info.bits - 1))
    bottom = ftype(info.min)
    with np.errstate(invalid="ignore", over="ignore"):
        # Common case: every value in range (NaN fails both comparisons) casts as numpy does.
        if x.size == 0 or (bottom <= x.min() and x.max() < top):
            return x.astype(new_dtype)
        # Clipped below 2**k every value truncates into range; the values clipped there, and
        # NaN, are then replaced.
        clipped = np.clip(x, bottom, np.nextafter(top, ftype(0)))
        out = np.asarray(clipped.astype(new_dtype))
        out = np.where(x >= top, new_dtype.type(info.max), out)
        return np.where(np.isnan(x), new_dtype.type(0), out)


def _convert_abstract(x: ShapedArray, *, new_dtype: DType, weak_type: bool) -> ShapedArray:
    return ShapedArray(x.shape, new_dtype, weak_type)


def _convert_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, new_dtype: DType, weak_type: bool
) -> Any:
    (x,), (t,) = primals, tangents
    ans = convert_element_type(x, new_dtype, weak_type)
    if isinstance(t, Zero) or not dtypes.is_inexact(new_dtype):
        return ans, Zero.like(ans)
    return ans, convert_element_type(t, new_dtype, weak_type)


def _convert_transpose(
    ct: Array, x: Any, *, new_dtype: DType, weak_type: bool
) -> list[MaybeZero | None]:
    return [convert_element_type(ct, x.aval.dtype, x.aval.weak_type)]


core.def_impl(convert_element_type_p, _convert_impl)
core.def_abstract(convert_element_type_p, _convert_abstract)
jvp.def_jvp_rule(convert_element_type_p, _convert_jvp)
transpose.def_transpose(convert_element_type_p, _convert_transpose)
batch.defvectorized(convert_element_type_p)
lowering.def_rule(
    convert_element_type_p, lambda ctx, x, *, new_dtype, weak_type: ctx.convert(x, new_dtype)
)


def convert_element_type(x: Array, new_dtype: DType, weak_type: bool = False) -> Array:
    """Cast ``x`` to ``new_dtype``; ``weak_type`` marks the result weakly typed, as when
    promotion converts an operand to a weak result type."""
    aval = x.aval
    if aval.dtype == new_dtype and aval.weak_type == weak_type:
        return x
    return convert_element_type_p.bind1(x, new_dtype=np.dtype(new_dtype), weak_type=bool(weak_type))
