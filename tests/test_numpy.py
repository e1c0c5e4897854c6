"""fad.numpy against numpy: values, shapes and dtypes.

Values come from numpy on the same inputs. Output dtypes follow JAX's rules, which
differ from numpy's (``sum(int8)`` is the default int, ``sin(int)`` the default
float, 64-bit inputs become 32-bit while x64 is off); the expected dtype of every
case is written down here as a rule, not read off numpy. Each case is a function
``fn(m, *arrays)`` applied once with ``m = fad.numpy`` and once with ``m = numpy``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst
from hypothesis.extra import numpy as hnp

import fad
import fad.numpy as jnp

NDArray = np.ndarray[Any, Any]
Fn = Callable[..., Any]

# ---------------------------------------------------------------------------
# Harness
# ---------------------------------------------------------------------------

# (dtype, x64): float64 runs with x64 on (otherwise it would be float32).
F32 = ("float32", False)
F64 = ("float64", True)
I32 = ("int32", False)
I32X = ("int32", True)
I8 = ("int8", False)
I8X = ("int8", True)
U8 = ("uint8", False)
BOOL = ("bool", False)
FLOATS = (F32, F64)
NUMERIC = (F32, F64, I32, I32X)

_NARROW = {"float64": "float32", "int64": "int32", "uint64": "uint32", "complex128": "complex64"}

DOMAINS: dict[str, tuple[float, float]] = {
    "real": (-3.0, 3.0),
    "pos": (0.5, 4.0),
    "unit": (-0.9, 0.9),
    "ge1": (1.1, 4.0),
    "small": (-1.2, 1.2),
    "nonzero": (0.5, 3.0),  # with a random sign
    "exp": (0.0, 3.0),  # small non-negative exponents
    "tiny": (-1.0, 2.0),  # products of many elements stay small
}


def _draw(rng: np.random.Generator, shape: tuple[int, ...], dtype: str, domain: str) -> NDArray:
    lo, hi = DOMAINS[domain]
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if np.dtype(dtype).kind in "iu":
        if np.dtype(dtype).kind == "u":
            lo = max(lo, 0.0)
        ints = rng.integers(math.ceil(lo), math.floor(hi) + 1, size=shape)
        if domain == "nonzero":
            ints = np.where(ints == 0, 1, ints) * rng.choice([-1, 1], size=shape)
        return ints.astype(dtype)
    v = rng.uniform(lo, hi, size=shape)
    if domain == "nonzero":
        v = v * rng.choice([-1.0, 1.0], size=shape)
    return v.astype(dtype)


def _default_float(x64: bool) -> str:
    return "float64" if x64 else "float32"


def _default_int(x64: bool) -> str:
    return "int64" if x64 else "int32"


def expected_dtype(rule: str, in_dtype: str, x64: bool) -> np.dtype[Any]:
    """The output dtype JAX gives for input dtype ``in_dtype`` under rule ``rule``."""
    dt = np.dtype(in_dtype)
    if rule == "same":
        out = in_dtype
    elif rule == "float":
        out = in_dtype if dt.kind in "fc" else _default_float(x64)
    elif rule == "bool":
        out = "bool"
    elif rule == "index":
        out = _default_int(x64)
    elif rule == "sum":
        # Integers narrower than the default int widen to it (bool counts as signed).
        bits = 64 if x64 else 32
        if dt.kind == "b" or (dt.kind == "i" and dt.itemsize * 8 < bits):
            out = _default_int(x64)
        elif dt.kind == "u" and dt.itemsize * 8 < bits:
            out = "uint64" if x64 else "uint32"
        else:
            out = in_dtype
    elif rule == "int_or_float":
        out = _default_int(x64) if dt.kind == "b" else in_dtype
    else:
        out = rule
    if not x64:
        out = _NARROW.get(out, out)
    return np.dtype(out)


def _tols(dtype: np.dtype[Any], rtol: float | None) -> tuple[float, float]:
    if dtype in (np.float64, np.complex128):
        return (rtol or 1e-10), 1e-12
    return (rtol or 2e-5), 2e-6


def check(out: Any, ref: Any, dtype: np.dtype[Any] | None, rtol: float | None = None) -> None:
    """``out`` (fad) equals ``ref`` (numpy) in value, shape and (if given) dtype."""
    if isinstance(ref, (list, tuple)):
        assert isinstance(out, (list, tuple)), f"expected a sequence, got {type(out).__name__}"
        assert len(out) == len(ref)
        for o, r in zip(out, ref, strict=True):
            check(o, r, dtype, rtol)
        return
    assert isinstance(out, fad.Array), f"expected a fad.Array, got {type(out).__name__}"
    ref = np.asarray(ref)
    assert out.shape == ref.shape, f"shape {out.shape} != numpy's {ref.shape}"
    if dtype is not None:
        assert out.dtype == dtype, f"dtype {out.dtype} != expected {dtype}"
    got = np.asarray(out)
    if got.dtype == np.bool_ or got.dtype.kind in "iu":
        np.testing.assert_array_equal(got, ref)
    else:
        r, a = _tols(got.dtype, rtol)
        np.testing.assert_allclose(got, ref, rtol=r, atol=a, equal_nan=True)


@dataclass(frozen=True)
class Case:
    """``fn(m, *arrays)`` for arrays of ``shapes`` drawn from ``domains``."""

    name: str
    fn: Fn
    shapes: tuple[tuple[int, ...], ...]
    domains: tuple[str, ...] = ()
    out: str = "same"
    kinds: tuple[tuple[str, bool], ...] = FLOATS
    np_fn: Fn | None = None
    rtol: float | None = None

    def run(self, dtype: str, x64: bool, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        domains = self.domains or ("real",) * len(self.shapes)
        xs = [_draw(rng, s, dtype, d) for s, d in zip(self.shapes, domains, strict=True)]
        with fad.config.enable_x64_scope(x64), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out = self.fn(jnp, *[jnp.asarray(x) for x in xs])
            ref = (self.np_fn or self.fn)(np, *xs)
            check(out, ref, expected_dtype(self.out, dtype, x64), self.rtol)


def _params(cases: Sequence[Case]) -> list[Any]:
    return [
        pytest.param(c, dt, x64, id=f"{c.name}-{dt}{'-x64' if x64 and dt != 'float64' else ''}")
        for c in cases
        for dt, x64 in c.kinds
    ]


# ---------------------------------------------------------------------------
# Elementwise functions
# ---------------------------------------------------------------------------

UNARY_SHAPES: tuple[tuple[int, ...], ...] = ((), (0,), (5,), (2, 3), (2, 0, 3))


def _unary(
    name: str,
    domain: str = "real",
    out: str = "float",
    kinds: tuple[tuple[str, bool], ...] = NUMERIC,
    np_fn: Fn | None = None,
    rtol: float | None = None,
) -> list[Case]:
    def fn(m: Any, x: Any) -> Any:
        return getattr(m, name)(x)

    return [
        Case(f"{name}{list(s)}", fn, (s,), (domain,), out, kinds, np_fn, rtol) for s in UNARY_SHAPES
    ]


def _np_float(name: str) -> Fn:
    """numpy's ``name`` computed in floating point (for JAX functions that promote ints)."""
    return lambda m, x: getattr(np, name)(np.asarray(x, np.float64))


UNARY: list[Case] = [
    *_unary("sin"),
    *_unary("cos"),
    *_unary("tan", "small"),
    *_unary("arcsin", "unit"),
    *_unary("arccos", "unit"),
    *_unary("arctan"),
    *_unary("sinh"),
    *_unary("cosh"),
    *_unary("tanh"),
    *_unary("arcsinh"),
    *_unary("arccosh", "ge1", kinds=FLOATS),
    *_unary("arctanh", "unit", kinds=FLOATS),
    *_unary("exp"),
    *_unary("exp2"),
    *_unary("log", "pos"),
    *_unary("log2", "pos"),
    *_unary("log10", "pos"),
    *_unary("log1p", "pos"),
    *_unary("expm1"),
    *_unary("sqrt", "pos"),
    *_unary("cbrt"),
    *_unary("deg2rad"),
    *_unary("rad2deg"),
    *_unary("sinc"),
    *_unary("square", out="same"),
    *_unary("negative", out="same"),
    *_unary("positive", out="same"),
    *_unary("abs", out="same"),
    *_unary("absolute", out="same", kinds=(*NUMERIC, I8, U8, BOOL)),
    *_unary("sign", out="same", kinds=(*NUMERIC, I8)),
    *_unary("reciprocal", "nonzero", np_fn=_np_float("reciprocal")),
    *_unary("floor", out="same", kinds=(*NUMERIC, BOOL)),
    *_unary("ceil", out="same"),
    *_unary("round", out="same"),
    *_unary("trunc", out="same"),
    *_unary("rint", out="same"),
    *_unary("real", out="same"),
    *_unary("imag", out="same"),
    *_unary("conj", out="same"),
    *_unary("conjugate", out="same"),
    *_unary("angle", np_fn=_np_float("angle")),
    *_unary("isfinite", out="bool"),
    *_unary("isnan", out="bool"),
    *_unary("isinf", out="bool"),
    *_unary("signbit", out="bool"),
    *_unary("logical_not", out="bool", kinds=(*NUMERIC, BOOL)),
    *_unary("invert", out="same", kinds=(I32, I8, U8, BOOL)),
]


@pytest.mark.parametrize(("case", "dtype", "x64"), _params(UNARY))
def test_unary(case: Case, dtype: str, x64: bool) -> None:
    case.run(dtype, x64)


SHAPE_PAIRS: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] = (
    ((), ()),
    ((4,), (4,)),
    ((2, 3), (3,)),
    ((2, 1), (1, 3)),
    ((), (2, 3)),
    ((0, 3), (1, 3)),
    ((3, 1, 2), (4, 1)),
)


def _binary(
    name: str,
    d1: str = "real",
    d2: str = "real",
    out: str = "same",
    kinds: tuple[tuple[str, bool], ...] = NUMERIC,
    np_fn: Fn | None = None,
) -> list[Case]:
    def fn(m: Any, x: Any, y: Any) -> Any:
        return getattr(m, name)(x, y)

    return [
        Case(f"{name}{list(a)}{list(b)}", fn, (a, b), (d1, d2), out, kinds, np_fn)
        for a, b in SHAPE_PAIRS
    ]


def _np_float2(name: str) -> Fn:
    return lambda m, x, y: getattr(np, name)(np.asarray(x, np.float64), np.asarray(y, np.float64))


INTS = (I32, I32X, I8)
BINARY: list[Case] = [
    *_binary("add"),
    *_binary("subtract"),
    *_binary("multiply"),
    *_binary("add", kinds=(BOOL,)),
    *_binary("multiply", kinds=(BOOL, I8, U8)),
    *_binary("divide", d2="nonzero", out="float", np_fn=_np_float2("divide")),
    *_binary("true_divide", d2="nonzero", out="float", np_fn=_np_float2("true_divide")),
    *_binary("floor_divide", d2="nonzero"),
    *_binary("floor_divide", d2="nonzero", kinds=(I8,)),
    *_binary("power", "pos", "real", kinds=FLOATS),
    *_binary("power", "real", "exp", kinds=INTS),
    *_binary("maximum"),
    *_binary("minimum"),
    *_binary("maximum", kinds=(BOOL,)),
    *_binary("arctan2", out="float", np_fn=_np_float2("arctan2")),
    *_binary("hypot", out="float", np_fn=_np_float2("hypot")),
    *_binary("logaddexp", out="float", np_fn=_np_float2("logaddexp")),
    *_binary("logaddexp2", out="float", np_fn=_np_float2("logaddexp2")),
    *_binary("copysign", out="float", np_fn=_np_float2("copysign")),
    *_binary("heaviside", out="float", np_fn=_np_float2("heaviside")),
    *_binary("mod", d2="nonzero"),
    *_binary("remainder", d2="nonzero"),
    *_binary("fmod", d2="nonzero"),
    *_binary("remainder", d2="nonzero", kinds=(I8,)),
    *_binary("equal", out="bool"),
    *_binary("not_equal", out="bool"),
    *_binary("less", out="bool"),
    *_binary("less_equal", out="bool"),
    *_binary("greater", out="bool"),
    *_binary("greater_equal", out="bool"),
    *_binary("equal", out="bool", kinds=(BOOL,)),
    *_binary("logical_and", out="bool", kinds=(*NUMERIC, BOOL)),
    *_binary("logical_or", out="bool", kinds=(*NUMERIC, BOOL)),
    *_binary("logical_xor", out="bool", kinds=(*NUMERIC, BOOL)),
    *_binary("bitwise_and", kinds=(*INTS, U8, BOOL)),
    *_binary("bitwise_or", kinds=(*INTS, BOOL)),
    *_binary("bitwise_xor", kinds=(*INTS, BOOL)),
    *_binary("left_shift", "real", "exp", kinds=(I32, U8)),
    *_binary("right_shift", "real", "exp", kinds=(I32, I8, U8)),
]


@pytest.mark.parametrize(("case", "dtype", "x64"), _params(BINARY))
def test_binary(case: Case, dtype: str, x64: bool) -> None:
    case.run(dtype, x64)


def test_special_values() -> None:
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -2.5], np.float32)
    for name in ("isfinite", "isnan", "isinf", "signbit", "sign", "abs", "floor", "exp", "sqrt"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            check(getattr(jnp, name)(x), getattr(np, name)(x), None)
    a = np.array([-np.inf, -np.inf, 0.0, np.inf, 3.0], np.float32)
    b = np.array([-np.inf, 1.0, -np.inf, np.inf, np.nan], np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        check(jnp.logaddexp(a, b), np.logaddexp(a, b), np.dtype(np.float32))
        check(jnp.hypot(a, b), np.hypot(a, b), np.dtype(np.float32))
        check(jnp.maximum(a, b), np.maximum(a, b), np.dtype(np.float32))
        check(jnp.minimum(a, b), np.minimum(a, b), np.dtype(np.float32))


def test_round_decimals_and_halves() -> None:
    x = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 1.234567, -7.654321], np.float64)
    with fad.config.enable_x64_scope(True):
        check(jnp.round(x), np.round(x), np.dtype(np.float64))
        check(jnp.round(x, 2), np.round(x, 2), np.dtype(np.float64))
        check(jnp.round(np.array([1234, -5678]), -2), np.round([1234, -5678], -2), None)


def test_complex_elementwise() -> None:
    rng = np.random.default_rng(1)
    z = (rng.normal(size=(3, 4)) + 1j * rng.normal(size=(3, 4))).astype(np.complex64)
    for name in ("real", "imag", "conj", "conjugate", "abs", "angle", "exp", "sqrt", "sign"):
        ref = getattr(np, name)(z)
        check(getattr(jnp, name)(z), ref, ref.dtype)
    check(jnp.multiply(z, z), z * z, np.dtype(np.complex64))
    check(jnp.isfinite(z), np.isfinite(z), np.dtype(np.bool_))


def test_float64_input_is_narrowed_without_x64() -> None:
    x = np.linspace(0.1, 2.0, 7)
    with fad.config.enable_x64_scope(False):
        for name in ("sin", "exp", "log", "sqrt", "negative", "square", "floor", "abs"):
            check(getattr(jnp, name)(x), getattr(np, name)(x), np.dtype(np.float32))
        check(jnp.add(x, x), x + x, np.dtype(np.float32))
        check(jnp.sum(x), np.sum(x), np.dtype(np.float32))
        check(jnp.arange(3, dtype=int), np.arange(3), np.dtype(np.int32))
        check(jnp.asarray(np.arange(3)), np.arange(3), np.dtype(np.int32))
    with fad.config.enable_x64_scope(True):
        check(jnp.sin(x), np.sin(x), np.dtype(np.float64))


def test_where_clip() -> None:
    rng = np.random.default_rng(2)
    c = rng.random((2, 1, 3)) < 0.5
    x = rng.normal(size=(4, 3)).astype(np.float32)
    y = rng.normal(size=(1,)).astype(np.float32)
    check(jnp.where(c, x, y), np.where(c, x, y), np.dtype(np.float32))
    check(jnp.where(c, x, 0.0), np.where(c, x, np.float32(0)), np.dtype(np.float32))
    check(jnp.where(x > 0, 1, 2), np.where(x > 0, 1, 2), np.dtype(np.int32))
    check(jnp.where(np.arange(3), x, y), np.where(np.arange(3), x, y), np.dtype(np.float32))
    check(jnp.clip(x, -0.5, 0.5), np.clip(x, -0.5, 0.5), np.dtype(np.float32))
    check(jnp.clip(x, None, 0.1), np.clip(x, None, 0.1), np.dtype(np.float32))
    check(jnp.clip(x, y, None), np.clip(x, y, None), np.dtype(np.float32))
    lo = np.full((3,), -0.2, np.float32)
    check(jnp.clip(x, lo, 0.3), np.clip(x, lo, 0.3), np.dtype(np.float32))
    check(jnp.clip(np.arange(10), 2, 7), np.clip(np.arange(10), 2, 7), np.dtype(np.int32))
    (nz,) = jnp.where(np.array([0, 3, 0, 1]))
    check(nz, np.array([1, 3]), np.dtype(np.int32))


def test_isclose_allclose_array_equal() -> None:
    a = np.array([1.0, 2.0, np.nan, np.inf, -np.inf, 1e-9], np.float32)
    b = np.array([1.0 + 1e-6, 2.1, np.nan, np.inf, np.inf, 0.0], np.float32)
    check(jnp.isclose(a, b), np.isclose(a, b), np.dtype(np.bool_))
    check(jnp.isclose(a, b, equal_nan=True), np.isclose(a, b, equal_nan=True), None)
    check(jnp.isclose(a, b, rtol=0.1, atol=0), np.isclose(a, b, rtol=0.1, atol=0), None)
    assert bool(jnp.allclose(a[:2], b[:2], rtol=1e-5)) is bool(np.allclose(a[:2], b[:2], rtol=1e-5))
    assert bool(jnp.allclose(a, b)) is False
    assert bool(jnp.allclose(a[:1], b[:1])) is True
    assert bool(jnp.allclose(a, a, equal_nan=True)) is True
    assert jnp.array_equal(a, a).dtype == np.bool_
    assert bool(jnp.array_equal(a, a)) is False  # nan != nan
    assert bool(jnp.array_equal(a, a, equal_nan=True)) is True
    assert bool(jnp.array_equal(a, a[:3])) is False
    assert bool(jnp.array_equal(np.arange(3), np.array([0, 1, 2]))) is True


# ---------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------

REDUCE_AXES: tuple[Any, ...] = (None, 0, -1, (0, 2), (-1, 0), ())


def _reduction(
    name: str,
    out: str,
    kinds: tuple[tuple[str, bool], ...],
    domain: str = "real",
    shape: tuple[int, ...] = (2, 3, 4),
    axes: tuple[Any, ...] = REDUCE_AXES,
    extra: dict[str, Any] | None = None,
    rtol: float | None = None,
) -> list[Case]:
    cases = []
    kw = extra or {}
    for axis in axes:
        for keepdims in (False, True):

            def fn(m: Any, x: Any, axis: Any = axis, keepdims: bool = keepdims) -> Any:
                return getattr(m, name)(x, axis=axis, keepdims=keepdims, **kw)

            label = f"{name}{list(shape)}-axis={axis}-keep={keepdims}{kw or ''}"
            cases.append(Case(label, fn, (shape,), (domain,), out, kinds, None, rtol))
    return cases


RED_KINDS = (*NUMERIC, I8, I8X, U8, BOOL)
REDUCTIONS: list[Case] = [
    *_reduction("sum", "sum", RED_KINDS),
    *_reduction("prod", "sum", (*FLOATS, I32, I8, I8X, BOOL), "tiny"),
    *_reduction("mean", "float", RED_KINDS),
    *_reduction("var", "float", (*NUMERIC, BOOL)),
    *_reduction("var", "float", FLOATS, extra={"ddof": 1}, axes=(None, 1)),
    *_reduction("std", "float", NUMERIC),
    *_reduction("std", "float", FLOATS, extra={"ddof": 1}, axes=(None, -2)),
    *_reduction("max", "same", RED_KINDS),
    *_reduction("min", "same", RED_KINDS),
    *_reduction("amax", "same", FLOATS, axes=(None, 1)),
    *_reduction("amin", "same", FLOATS, axes=(None, 1)),
    *_reduction("all", "bool", (F32, I32, BOOL)),
    *_reduction("any", "bool", (F32, I32, BOOL)),
    *_reduction("argmax", "index", (*NUMERIC, BOOL), axes=(None, 0, -1, 1)),
    *_reduction("argmin", "index", (*NUMERIC, BOOL), axes=(None, 0, -1, 1)),
    *_reduction("count_nonzero", "index", (I32, BOOL), axes=(None, 1)),
    # Size-0 and 0-d inputs.
    *_reduction("sum", "sum", (F32, I8, BOOL), shape=(0, 3), axes=(None, 0, 1)),
    *_reduction("prod", "sum", (F32, I32), shape=(0, 3), axes=(None, 0, 1)),
    *_reduction("mean", "float", (F32, I32), shape=(0, 3), axes=(None, 0, 1)),
    *_reduction("max", "same", (F32,), shape=(0, 3), axes=(1,)),
    *_reduction("all", "bool", (F32,), shape=(0, 3), axes=(None, 0, 1)),
    *_reduction("any", "bool", (F32,), shape=(0, 3), axes=(None, 0, 1)),
    *_reduction("sum", "sum", (F32, I8), shape=(), axes=(None, ())),
    *_reduction("max", "same", (F32,), shape=(), axes=(None,)),
    *_reduction("mean", "float", (F32,), shape=(), axes=(None,)),
    *_reduction("argmax", "index", (F32,), shape=(), axes=(None,)),
]


@pytest.mark.parametrize(("case", "dtype", "x64"), _params(REDUCTIONS))
def test_reduction(case: Case, dtype: str, x64: bool) -> None:
    case.run(dtype, x64)


def _cumulative(name: str, kinds: tuple[tuple[str, bool], ...], domain: str = "real") -> list[Case]:
    cases = []
    for shape, axis in (
        ((2, 3, 4), None),
        ((2, 3, 4), 0),
        ((2, 3, 4), -1),
        ((2, 3, 4), 1),
        ((0,), 0),
        ((2, 0), 1),
        ((), None),
        ((7,), 0),
    ):

        def fn(m: Any, x: Any, axis: Any = axis) -> Any:
            return getattr(m, name)(x, axis=axis)

        cases.append(
            Case(f"{name}{list(shape)}-axis={axis}", fn, (shape,), (domain,), "sum", kinds)
        )
    return cases


CUMULATIVE: list[Case] = [
    *_cumulative("cumsum", (*NUMERIC, I8, I8X, U8, BOOL)),
    *_cumulative("cumprod", (*FLOATS, I32, I8, BOOL), "tiny"),
]


@pytest.mark.parametrize(("case", "dtype", "x64"), _params(CUMULATIVE))
def test_cumulative(case: Case, dtype: str, x64: bool) -> None:
    case.run(dtype, x64)


def test_reduction_dtype_argument() -> None:
    x = np.arange(6, dtype=np.int8).reshape(2, 3)
    check(jnp.sum(x, dtype=jnp.float32), np.sum(x, dtype=np.float32), np.dtype(np.float32))
    check(jnp.sum(x, axis=1, dtype=jnp.int8), np.sum(x, axis=1, dtype=np.int8), np.dtype(np.int8))
    check(jnp.mean(x, dtype=jnp.float32), np.mean(x), np.dtype(np.float32))
    check(jnp.cumsum(x, axis=1, dtype=jnp.float32), np.cumsum(x, 1), np.dtype(np.float32))
    f16 = np.linspace(0, 1, 8).astype(np.float16)
    check(jnp.mean(f16), np.mean(f16), np.dtype(np.float16), rtol=1e-3)
    check(jnp.sum(f16), np.sum(f16), np.dtype(np.float16), rtol=1e-3)


def test_reduction_where_initial() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 4)).astype(np.float32)
    w = rng.random((3, 4)) < 0.6
    w[:, 0] = True
    check(jnp.sum(x, axis=1, where=w), np.sum(x, axis=1, where=w), np.dtype(np.float32))
    check(jnp.prod(x, where=w), np.prod(x, where=w), np.dtype(np.float32))
    check(jnp.mean(x, axis=0, where=w), np.mean(x, axis=0, where=w), np.dtype(np.float32))
    check(jnp.max(x, axis=1, where=w, initial=-10.0), np.max(x, 1, where=w, initial=-10.0), None)
    check(jnp.min(x, initial=-0.5), np.min(x, initial=-0.5), np.dtype(np.float32))
    check(jnp.max(np.zeros((0, 2)), axis=0, initial=3.0), np.full(2, 3.0), None)


def test_empty_max_raises() -> None:
    with pytest.raises(ValueError, match="zero-size"):
        jnp.max(np.zeros((0, 3)), axis=0)
    with pytest.raises(ValueError, match="empty"):
        jnp.argmax(np.zeros((0,)))


# ---------------------------------------------------------------------------
# Shapes, joins, splits
# ---------------------------------------------------------------------------


def _c(
    name: str,
    fn: Fn,
    *shapes: tuple[int, ...],
    out: str = "same",
    kinds: tuple[tuple[str, bool], ...] = (F32, F64, I32),
    domains: tuple[str, ...] = (),
    np_fn: Fn | None = None,
) -> Case:
    return Case(name, fn, tuple(shapes), domains, out, kinds, np_fn)


A234 = (2, 3, 4)
SHAPES: list[Case] = [
    _c("reshape", lambda m, x: m.reshape(x, (3, -1)), A234),
    _c("reshape-flat", lambda m, x: m.reshape(x, -1), A234),
    _c("reshape-F", lambda m, x: m.reshape(x, (4, 6), order="F"), A234),
    _c("reshape-0d", lambda m, x: m.reshape(x, (1, 1)), ()),
    _c("reshape-empty", lambda m, x: m.reshape(x, (3, 0, 5)), (0, 5)),
    _c("reshape-method", lambda m, x: x.reshape(4, 6), A234),
    _c("ravel", lambda m, x: m.ravel(x), A234),
    _c("ravel-0d", lambda m, x: m.ravel(x), ()),
    _c("transpose", lambda m, x: m.transpose(x), A234),
    _c("transpose-axes", lambda m, x: m.transpose(x, (1, 0, 2)), A234),
    _c("transpose-neg", lambda m, x: m.transpose(x, (-1, 0, 1)), A234),
    _c("T", lambda m, x: x.T, A234),
    _c("swapaxes", lambda m, x: m.swapaxes(x, 0, -1), A234),
    _c("moveaxis", lambda m, x: m.moveaxis(x, 0, -1), A234),
    _c("moveaxis-multi", lambda m, x: m.moveaxis(x, (0, 1), (-1, 0)), A234),
    _c("expand_dims", lambda m, x: m.expand_dims(x, 0), A234),
    _c("expand_dims-neg", lambda m, x: m.expand_dims(x, -1), A234),
    _c("expand_dims-multi", lambda m, x: m.expand_dims(x, (0, 2)), A234),
    _c("expand_dims-0d", lambda m, x: m.expand_dims(x, 0), ()),
    _c("squeeze", lambda m, x: m.squeeze(x), (1, 3, 1)),
    _c("squeeze-axis", lambda m, x: m.squeeze(x, -1), (1, 3, 1)),
    _c("squeeze-axes", lambda m, x: m.squeeze(x, (0, 2)), (1, 3, 1)),
    _c("broadcast_to", lambda m, x: m.broadcast_to(x, (2, 3)), (3,)),
    _c("broadcast_to-0d", lambda m, x: m.broadcast_to(x, (2, 0)), ()),
    _c("broadcast_arrays", lambda m, x, y: m.broadcast_arrays(x, y), (2, 1), (3,)),
    _c("concatenate", lambda m, x, y: m.concatenate([x, y]), (2, 3), (4, 3)),
    _c("concatenate-neg", lambda m, x, y: m.concatenate((x, y), axis=-1), (2, 3), (2, 1)),
    _c("concatenate-None", lambda m, x, y: m.concatenate([x, y], axis=None), (2, 3), (4,)),
    _c("concatenate-empty", lambda m, x, y: m.concatenate([x, y], 1), (2, 0), (2, 3)),
    _c("stack", lambda m, x, y: m.stack([x, y]), (2, 3), (2, 3)),
    _c("stack-neg", lambda m, x, y: m.stack([x, y], axis=-1), (2, 3), (2, 3)),
    _c("stack-0d", lambda m, x, y: m.stack([x, y]), (), ()),
    _c("vstack-1d", lambda m, x, y: m.vstack([x, y]), (3,), (3,)),
    _c("vstack-2d", lambda m, x, y: m.vstack([x, y]), (2, 3), (1, 3)),
    _c("hstack-1d", lambda m, x, y: m.hstack([x, y]), (3,), (2,)),
    _c("hstack-2d", lambda m, x, y: m.hstack([x, y]), (2, 3), (2, 1)),
    _c("hstack-0d", lambda m, x, y: m.hstack([x, y]), (), ()),
    _c("split", lambda m, x: m.split(x, 2), (4, 3)),
    _c("split-indices", lambda m, x: m.split(x, [1, 3], axis=-1), (2, 5)),
    _c("split-indices-past-end", lambda m, x: m.split(x, [2, 9]), (4,)),
    _c("array_split", lambda m, x: m.array_split(x, 3), (7,)),
    _c("tile", lambda m, x: m.tile(x, 2), (2, 3)),
    _c("tile-more", lambda m, x: m.tile(x, (2, 1, 2)), (2, 3)),
    _c("tile-0d", lambda m, x: m.tile(x, (2, 2)), ()),
    _c("repeat", lambda m, x: m.repeat(x, 2), (2, 3)),
    _c("repeat-axis", lambda m, x: m.repeat(x, 3, axis=-1), (2, 3)),
    _c("repeat-list", lambda m, x: m.repeat(x, [1, 0, 2], axis=1), (2, 3)),
    _c("flip", lambda m, x: m.flip(x), A234),
    _c("flip-axis", lambda m, x: m.flip(x, -2), A234),
    _c("flip-axes", lambda m, x: m.flip(x, (0, 2)), A234),
    _c("fliplr", lambda m, x: m.fliplr(x), (2, 3)),
    _c("flipud", lambda m, x: m.flipud(x), (2, 3)),
    _c("rot90", lambda m, x: m.rot90(x), (2, 3)),
    _c("rot90-3", lambda m, x: m.rot90(x, 3), (2, 3)),
    _c("triu", lambda m, x: m.triu(x), (3, 4)),
    _c("triu-k", lambda m, x: m.triu(x, 1), (4, 3)),
    _c("tril", lambda m, x: m.tril(x), (3, 4)),
    _c("tril-k", lambda m, x: m.tril(x, -1), A234),
    _c("diag-1d", lambda m, x: m.diag(x), (3,)),
    _c("diag-1d-k", lambda m, x: m.diag(x, 1), (3,)),
    _c("diag-1d-negk", lambda m, x: m.diag(x, -2), (3,)),
    _c("diag-2d", lambda m, x: m.diag(x), (3, 4)),
    _c("diag-2d-k", lambda m, x: m.diag(x, 2), (3, 4)),
    _c("diag-2d-negk", lambda m, x: m.diag(x, -1), (3, 4)),
    _c("diagonal", lambda m, x: m.diagonal(x), (3, 4)),
    _c("diagonal-offset", lambda m, x: m.diagonal(x, -1), (3, 4)),
    _c("diagonal-axes", lambda m, x: m.diagonal(x, 1, 2, 0), A234),
    _c("diagonal-empty", lambda m, x: m.diagonal(x, 5), (3, 4)),
    _c("trace", lambda m, x: m.trace(x), (3, 4), out="sum"),
    _c("trace-offset", lambda m, x: m.trace(x, 1), (3, 4), out="sum"),
    _c("trace-axes", lambda m, x: m.trace(x, 0, -1, 0), A234, out="sum"),
    _c("roll", lambda m, x: m.roll(x, 2), A234),
    _c("roll-axis", lambda m, x: m.roll(x, -1, axis=1), A234),
    _c("roll-axes", lambda m, x: m.roll(x, (1, 5), axis=(0, -1)), A234),
    _c("roll-empty", lambda m, x: m.roll(x, 1, axis=0), (0, 2)),
    _c("meshgrid", lambda m, x, y: m.meshgrid(x, y), (3,), (4,)),
    _c("meshgrid-3", lambda m, x, y, z: m.meshgrid(x, y, z), (3,), (4,), (2,)),
    _c("meshgrid-ij", lambda m, x, y: m.meshgrid(x, y, indexing="ij"), (3,), (4,)),
    _c("meshgrid-sparse", lambda m, x, y: m.meshgrid(x, y, sparse=True), (3,), (4,)),
    _c("atleast_2d", lambda m, x: m.atleast_2d(x), (3,)),
    _c("atleast_3d", lambda m, x: m.atleast_3d(x), (2, 3)),
    _c("column_stack", lambda m, x, y: m.column_stack([x, y]), (3,), (3, 2)),
    _c("dstack", lambda m, x, y: m.dstack([x, y]), (3,), (3,)),
    _c("diff", lambda m, x: m.diff(x), (5,)),
    _c("diff-n2", lambda m, x: m.diff(x, 2, axis=0), (5, 3)),
    _c("diff-prepend", lambda m, x: m.diff(x, prepend=0, append=x[:, :1]), (3, 4)),
    _c("diff-too-far", lambda m, x: m.diff(x, 4), (3,)),
    _c("pad", lambda m, x: m.pad(x, 2), (2, 3)),
    _c("pad-pairs", lambda m, x: m.pad(x, ((1, 0), (0, 2))), (2, 3)),
    _c("pad-value", lambda m, x: m.pad(x, (1, 2), constant_values=7), (2, 3)),
    _c("pad-edge", lambda m, x: m.pad(x, ((2, 1), (1, 3)), mode="edge"), (2, 3)),
    _c("pad-wrap", lambda m, x: m.pad(x, ((2, 1), (1, 3)), mode="wrap"), (2, 3)),
    _c("pad-reflect", lambda m, x: m.pad(x, ((2, 1), (1, 2)), mode="reflect"), (3, 4)),
    _c("pad-symmetric", lambda m, x: m.pad(x, ((2, 1), (1, 3)), mode="symmetric"), (2, 3)),
    _c("pad-0d-axis", lambda m, x: m.pad(x, [(1, 1)]), (3,)),
    _c(
        "pad-values-per-axis",
        lambda m, x: m.pad(x, ((1, 2), (2, 1)), constant_values=((1, 2), (3, 4))),
        (2, 3),
    ),
    _c("pad-values-pair", lambda m, x: m.pad(x, 1, constant_values=(5, 6)), (2, 3)),
    _c(
        "repeat-total-longer",
        lambda m, x: m.repeat(x, m.asarray([1, 2, 1]), axis=0, total_repeat_length=6),
        (3, 2),
        np_fn=lambda m, x: np.repeat(x, [1, 2, 3], axis=0),
    ),
    _c(
        "repeat-total-shorter",
        lambda m, x: m.repeat(x, 2, total_repeat_length=3),
        (3,),
        np_fn=lambda m, x: np.repeat(x, 2)[:3],
    ),
]


@pytest.mark.parametrize(("case", "dtype", "x64"), _params(SHAPES))
def test_shapes(case: Case, dtype: str, x64: bool) -> None:
    case.run(dtype, x64)


def _with_nans(m: Any, x: Any) -> Any:
    """``x`` with a fixed pattern of nans (every third element, and one whole row)."""
    mask = (np.arange(x.size).reshape(x.shape) % 3 == 0) | (np.arange(x.shape[0]) == 1)[
        :, None, None
    ]
    return m.where(mask, np.nan, x)


STATISTICS: list[Case] = [
    *[
        _c(
            f"{name}-axis={axis}-keep={kd}",
            lambda m, x, name=name, axis=axis, kd=kd: getattr(m, name)(
                _with_nans(m, x), axis=axis, keepdims=kd
            ),
            A234,
            out="float",
            kinds=NUMERIC,
        )
        for name in ("nansum", "nanmean", "nanmax", "nanmin", "nanprod")
        for axis in (None, 0, (1, 2))
        for kd in (False, True)
    ],
    *[
        _c(
            f"{name}-q={q}-axis={axis}-keep={kd}",
            lambda m, x, name=name, q=q, axis=axis, kd=kd: getattr(m, name)(
                x, m.asarray(q) if isinstance(q, list) else q, axis=axis, keepdims=kd
            ),
            A234,
            out="float",
            kinds=NUMERIC,
        )
        for name in ("quantile",)
        for q in (0.0, 0.3, 1.0, [0.25, 0.5, 0.9])
        for axis in (None, 1, (0, 2), -1)
        for kd in (False, True)
    ],
    *[
        _c(
            f"quantile-{method}",
            lambda m, x, method=method: m.quantile(
                x, m.asarray([0.1, 0.5, 0.62]), axis=1, method=method
            ),
            (3, 6),
            out="float",
        )
        for method in ("linear", "lower", "higher", "nearest", "midpoint")
    ],
    _c("percentile", lambda m, x: m.percentile(x, 40.0, axis=0), (5, 3), out="float"),
    _c("median", lambda m, x: m.median(x), A234, out="float", kinds=NUMERIC),
    _c("median-odd", lambda m, x: m.median(x, axis=-1), (2, 5), out="float", kinds=NUMERIC),
    _c("median-even", lambda m, x: m.median(x, axis=(0, 1), keepdims=True), A234, out="float"),
    _c("median-nan", lambda m, x: m.median(_with_nans(m, x), axis=2), A234, out="float"),
    _c("ptp", lambda m, x: m.ptp(x, axis=1), A234, kinds=NUMERIC),
    _c("ptp-keep", lambda m, x: m.ptp(x, keepdims=True), A234),
]


@pytest.mark.parametrize(("case", "dtype", "x64"), _params(STATISTICS))
def test_statistics(case: Case, dtype: str, x64: bool) -> None:
    case.run(dtype, x64)


# ---------------------------------------------------------------------------
# Products
# ---------------------------------------------------------------------------

PRODUCTS: list[Case] = [
    _c("dot-vv", lambda m, x, y: m.dot(x, y), (3,), (3,)),
    _c("dot-mv", lambda m, x, y: m.dot(x, y), (2, 3), (3,)),
    _c("dot-vm", lambda m, x, y: m.dot(x, y), (3,), (3, 4)),
    _c("dot-mm", lambda m, x, y: m.dot(x, y), (2, 3), (3, 4)),
    _c("dot-nd", lambda m, x, y: m.dot(x, y), (2, 2, 3), (4, 3, 5)),
    _c("dot-scalar", lambda m, x, y: m.dot(x, y), (), (2, 3)),
    _c("dot-empty", lambda m, x, y: m.dot(x, y), (2, 0), (0, 3)),
    _c("vdot", lambda m, x, y: m.vdot(x, y), (2, 3), (3, 2)),
    _c("matmul-mm", lambda m, x, y: m.matmul(x, y), (2, 3), (3, 4)),
    _c("matmul-vm", lambda m, x, y: m.matmul(x, y), (3,), (2, 3, 4)),
    _c("matmul-mv", lambda m, x, y: m.matmul(x, y), (2, 4, 3), (3,)),
    _c("matmul-vv", lambda m, x, y: m.matmul(x, y), (3,), (3,)),
    _c("matmul-batch", lambda m, x, y: m.matmul(x, y), (2, 1, 3, 4), (5, 4, 2)),
    _c("matmul-op", lambda m, x, y: x @ y, (2, 3), (3,)),
    _c("tensordot-2", lambda m, x, y: m.tensordot(x, y), (2, 3, 4), (3, 4, 5)),
    _c("tensordot-0", lambda m, x, y: m.tensordot(x, y, 0), (2,), (3,)),
    _c("tensordot-pairs", lambda m, x, y: m.tensordot(x, y, ([0, 2], [2, 0])), A234, (4, 5, 2)),
    _c("tensordot-int-pair", lambda m, x, y: m.tensordot(x, y, (1, 0)), A234, (3, 2)),
    _c("outer", lambda m, x, y: m.outer(x, y), (3,), (2, 2)),
    _c("inner", lambda m, x, y: m.inner(x, y), (2, 3), (4, 3)),
    _c("inner-scalar", lambda m, x, y: m.inner(x, y), (), (4, 3)),
    _c("kron", lambda m, x, y: m.kron(x, y), (2, 3), (3, 2)),
    _c("kron-mixed-rank", lambda m, x, y: m.kron(x, y), (2,), (3, 2)),
    _c("cross", lambda m, x, y: m.cross(x, y), (4, 3), (3,)),
]


def _einsum(spec: str, *shapes: tuple[int, ...]) -> Case:
    return _c(f"einsum-{spec}", lambda m, *xs: m.einsum(spec, *xs), *shapes)


EINSUMS: list[Case] = [
    _einsum("ij,jk->ik", (2, 3), (3, 4)),
    _einsum("ij,jk", (2, 3), (3, 4)),
    _einsum("ij->ji", (2, 3)),
    _einsum("ii->i", (3, 3)),
    _einsum("ii", (3, 3)),
    _einsum("ij->", (2, 3)),
    _einsum("i,i->", (3,), (3,)),
    _einsum("i,j->ij", (3,), (2,)),
    _einsum("bij,bjk->bik", (2, 3, 4), (2, 4, 5)),
    _einsum("ij,jk,kl->il", (2, 3), (3, 4), (4, 2)),
    _einsum("iij->j", (3, 3, 2)),
    _einsum("ijk,k->ij", (2, 3, 4), (4,)),
    _einsum("i,i,i->i", (3,), (3,), (3,)),
    _einsum("...ij,...jk->...ik", (5, 2, 3), (5, 3, 4)),
    _einsum("...ij,jk->...ik", (2, 5, 2, 3), (3, 4)),
    _einsum("...ij,...jk", (2, 3), (5, 3, 4)),
    _einsum("i...->...", (3, 2, 4)),
    _einsum("...i,...i->...", (2, 1, 3), (4, 3)),
    _einsum("...->...", ()),
    _einsum("ij...,j->i...", (2, 3), (3,)),
    _einsum("a...b->b...a", (2, 3, 4, 5)),
    _einsum("i,->i", (3,), ()),
]


@pytest.mark.parametrize(("case", "dtype", "x64"), _params(PRODUCTS + EINSUMS))
def test_products(case: Case, dtype: str, x64: bool) -> None:
    case.run(dtype, x64)


def test_products_complex() -> None:
    rng = np.random.default_rng(4)
    z = (rng.normal(size=(3,)) + 1j * rng.normal(size=(3,))).astype(np.complex64)
    w = (rng.normal(size=(3,)) + 1j * rng.normal(size=(3,))).astype(np.complex64)
    check(jnp.vdot(z, w), np.vdot(z, w), np.dtype(np.complex64))
    check(jnp.dot(z, w), np.dot(z, w), np.dtype(np.complex64))
    check(jnp.matmul(z, w), np.matmul(z, w), np.dtype(np.complex64))


# ---------------------------------------------------------------------------
# Sorting, searching, take
# ---------------------------------------------------------------------------

SORTING: list[Case] = [
    _c("sort", lambda m, x: m.sort(x), A234),
    _c("sort-axis0", lambda m, x: m.sort(x, axis=0), A234),
    _c("sort-None", lambda m, x: m.sort(x, axis=None), A234),
    _c("sort-0d", lambda m, x: m.sort(x, axis=None), ()),
    _c("sort-empty", lambda m, x: m.sort(x), (0, 2)),
    _c("argsort", lambda m, x: m.argsort(x, kind="stable"), A234, out="index"),
    _c("argsort-axis0", lambda m, x: m.argsort(x, axis=0, kind="stable"), A234, out="index"),
    _c("argsort-None", lambda m, x: m.argsort(x, axis=None, kind="stable"), A234, out="index"),
    _c(
        "argsort-desc",
        lambda m, x: m.argsort(x, descending=True),
        (9,),
        out="index",
        np_fn=lambda m, x: np.argsort(-x.astype(np.float64), kind="stable"),
    ),
    _c(
        "sort-desc",
        lambda m, x: m.sort(x, descending=True),
        (2, 5),
        np_fn=lambda m, x: np.flip(np.sort(x), -1),
    ),
    _c("take", lambda m, x: m.take(x, m.asarray([0, 5, -1, 3])), A234),
    _c("take-axis", lambda m, x: m.take(x, m.asarray([[0, -1], [2, 2]]), axis=1), A234),
    _c("take-negaxis", lambda m, x: m.take(x, m.asarray([3, 0]), axis=-1), A234),
    _c("take-scalar", lambda m, x: m.take(x, 1, axis=0), A234),
    _c("take-empty", lambda m, x: m.take(x, m.asarray([], dtype=m.int32), axis=0), A234),
    _c(
        "take-clip",
        lambda m, x: m.take(x, m.asarray([-9, 1, 9]), axis=1, mode="clip"),
        A234,
        np_fn=lambda m, x: np.take(x, [0, 1, 2], axis=1),
    ),
    _c("take-wrap", lambda m, x: m.take(x, m.asarray([-4, 1, 7]), axis=-1, mode="wrap"), A234),
    _c("take_along_axis", lambda m, x: m.take_along_axis(x, m.argsort(x, axis=1), axis=1), A234),
    _c(
        "take_along_axis-neg",
        lambda m, x: m.take_along_axis(x, m.asarray([[[-1], [0], [1]]]), axis=-1),
        A234,
    ),
    _c(
        "take_along_axis-None",
        lambda m, x: m.take_along_axis(x, m.asarray([3, -2]), axis=None),
        A234,
    ),
    _c("searchsorted", lambda m, x, v: m.searchsorted(m.sort(x), v), (7,), (2, 3), out="index"),
    _c(
        "searchsorted-right",
        lambda m, x: m.searchsorted(m.asarray([0, 1, 1, 2]), x, "right"),
        (3, 2),
        out="index",
        kinds=(I32,),
    ),
    _c(
        "searchsorted-left",
        lambda m, x: m.searchsorted(m.asarray([0, 1, 1, 2]), x, "left"),
        (3, 2),
        out="index",
        kinds=(I32,),
    ),
    _c("searchsorted-empty", lambda m, x, v: m.searchsorted(x, v), (0,), (3,), out="index"),
]


@pytest.mark.parametrize(("case", "dtype", "x64"), _params(SORTING))
def test_sorting(case: Case, dtype: str, x64: bool) -> None:
    case.run(dtype, x64)


@pytest.mark.parametrize("x64", [False, True], ids=["x32", "x64"])
def test_take_fill_mode(x64: bool) -> None:
    """Out-of-bounds reads give an obviously invalid value by default, as in JAX."""
    with fad.config.enable_x64_scope(x64):
        f = np.arange(4.0)
        check(jnp.take(f, jnp.asarray([1, 4, -5, -4])), np.array([1.0, np.nan, np.nan, 0.0]), None)
        check(jnp.take(f, jnp.asarray([9]), fill_value=-1.0), np.array([-1.0]), None)
        i = np.arange(4, dtype=np.int32)
        lowest = np.iinfo(np.int32).min
        check(jnp.take(i, jnp.asarray([[5, 0]])), np.array([[lowest, 0]]), np.dtype(np.int32))
        u = np.arange(4, dtype=np.uint8)
        check(jnp.take(u, jnp.asarray([7])), np.array([255]), np.dtype(np.uint8))
        b = np.array([False, False])
        check(jnp.take(b, jnp.asarray([2, 1])), np.array([True, False]), np.dtype(np.bool_))
        x = np.arange(6.0).reshape(2, 3)
        ref = np.take_along_axis(x, np.array([[0], [1]]), axis=1)
        out = jnp.take_along_axis(x, jnp.asarray([[0, 3], [1, -1]]), axis=1)
        check(out, np.array([[ref[0, 0], np.nan], [ref[1, 0], x[1, 2]]]), None)
    with pytest.raises(ValueError, match="mode"):
        jnp.take(f, jnp.asarray([0]), mode="raise")
    with pytest.raises(TypeError, match="integer"):
        jnp.take(f, jnp.asarray([0.5]))


def test_nonzero_static_size() -> None:
    x = np.array([[0, 3, 0], [4, 0, 5]])
    ref = np.nonzero(x)
    check(jnp.nonzero(x), ref, np.dtype(np.int32))
    check(jnp.nonzero(x, size=2), tuple(r[:2] for r in ref), np.dtype(np.int32))
    padded = tuple(np.concatenate([r, [-1, -1]]) for r in ref)
    check(jnp.nonzero(x, size=5, fill_value=-1), padded, np.dtype(np.int32))
    check(jnp.argwhere(x), np.argwhere(x), np.dtype(np.int32))
    check(jnp.flatnonzero(x), np.flatnonzero(x), np.dtype(np.int32))
    check(jnp.where(x > 1), np.where(x > 1), np.dtype(np.int32))
    # With a static size it works on traced values, e.g. under vmap.
    out = fad.vmap(lambda r: jnp.nonzero(r, size=2, fill_value=9)[0])(jnp.asarray(x))
    check(out, np.array([[1, 9], [0, 2]]), np.dtype(np.int32))
    with pytest.raises(fad.ConcretizationError, match="size"):
        fad.vmap(lambda r: jnp.nonzero(r)[0])(jnp.asarray(x))


def test_integer_power() -> None:
    base = np.array([-3, -1, 0, 1, 2, 5], np.int32)
    exps = np.array([3, 7, 0, 30, 10, 4], np.int32)
    check(jnp.power(base, exps), np.power(base, exps), np.dtype(np.int32))
    check(jnp.power(base, 3), base**3, np.dtype(np.int32))
    check(jnp.asarray(base) ** jnp.asarray(exps), np.power(base, exps), np.dtype(np.int32))
    # A traced exponent takes every bit of its dtype.
    out = fad.vmap(lambda e: jnp.power(jnp.asarray(base), e))(jnp.asarray(np.stack([exps, exps])))
    check(out, np.stack([np.power(base, exps)] * 2), np.dtype(np.int32))
    check(jnp.power(np.array([True, False]), 2), np.array([1, 0]), np.dtype(np.int32))
    with pytest.raises(ValueError, match="negative"):
        jnp.power(base, -1)


def test_linspace_logspace_integer_and_floor_divide() -> None:
    check(
        jnp.linspace(-3, 2, 7, dtype=jnp.int32),
        np.linspace(-3, 2, 7, dtype=np.int32),
        np.dtype(np.int32),
    )
    check(jnp.logspace(0, 3, 4), np.logspace(0, 3, 4), np.dtype(np.float32))
    check(jnp.logspace(1, 2, 3, base=2.0, endpoint=False), np.logspace(1, 2, 3, False, 2.0), None)
    # a / b rounds up to an integer here, but floor division must not.
    a, b = np.float32(1.0), np.float32(0.1)
    check(jnp.floor_divide(a, b), np.floor_divide(a, b), np.dtype(np.float32))
    check(jnp.floor_divide(np.array([-7.5, 7.5]), 2.0), np.floor_divide([-7.5, 7.5], 2.0), None)
    x = np.array([1.0, 2.5, -3.0])
    check(
        jnp.interp(x, np.array([0.0, 1.0, 2.0]), np.array([0.0, 10.0, 0.0])),
        np.interp(x, [0.0, 1.0, 2.0], [0.0, 10.0, 0.0]),
        np.dtype(np.float32),
    )


def test_sort_nan_and_stability() -> None:
    x = np.array([3.0, np.nan, 1.0, 2.0, 1.0, np.nan, -np.inf], np.float32)
    check(jnp.sort(x), np.sort(x), np.dtype(np.float32))
    check(jnp.argsort(x), np.argsort(x, kind="stable"), np.dtype(np.int32))
    ties = np.array([2, 1, 2, 1, 0, 2], np.int32)
    check(jnp.argsort(ties), np.argsort(ties, kind="stable"), np.dtype(np.int32))
    check(jnp.argsort(ties, descending=True), np.array([0, 2, 5, 1, 3, 4]), None)
    check(
        jnp.searchsorted(np.array([1.0, 2.0, np.nan]), np.array([np.nan, 1.5])),
        np.array([2, 1]),
        None,
    )


# ---------------------------------------------------------------------------
# Creation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("x64", [False, True], ids=["x32", "x64"])
def test_creation(x64: bool) -> None:
    f, i = np.dtype(_default_float(x64)), np.dtype(_default_int(x64))
    with fad.config.enable_x64_scope(x64):
        check(jnp.zeros((2, 3)), np.zeros((2, 3)), f)
        check(jnp.zeros(4, int), np.zeros(4), i)
        check(jnp.zeros(()), np.zeros(()), f)
        check(jnp.ones((0, 2), jnp.int8), np.ones((0, 2)), np.dtype(np.int8))
        check(jnp.ones([2], bool), np.ones(2, bool), np.dtype(np.bool_))
        check(jnp.empty((2, 2)), np.zeros((2, 2)), f)
        check(jnp.full((2, 3), 7), np.full((2, 3), 7), i)
        check(jnp.full((2, 3), 1.5), np.full((2, 3), 1.5), f)
        check(jnp.full(3, 2, jnp.float32), np.full(3, 2.0), np.dtype(np.float32))
        check(jnp.full((2, 3), np.arange(3)), np.full((2, 3), np.arange(3)), i)
        check(jnp.full((2,), True), np.full((2,), True), np.dtype(np.bool_))
        check(jnp.eye(3), np.eye(3), f)
        check(jnp.eye(3, 4, 1), np.eye(3, 4, 1), f)
        check(jnp.eye(4, 2, -1, dtype=int), np.eye(4, 2, -1), i)
        check(jnp.eye(0), np.eye(0), f)
        check(jnp.identity(2, jnp.int8), np.identity(2), np.dtype(np.int8))
        check(jnp.arange(5), np.arange(5), i)
        check(jnp.arange(2, 11, 3), np.arange(2, 11, 3), i)
        check(jnp.arange(5, 0, -2), np.arange(5, 0, -2), i)
        check(jnp.arange(3, 1), np.arange(3, 1), i)
        check(jnp.arange(0.0, 1.0, 0.25), np.arange(0.0, 1.0, 0.25), f)
        check(jnp.arange(4.0), np.arange(4.0), f)
        check(jnp.arange(4, dtype=jnp.float32), np.arange(4), np.dtype(np.float32))
        check(jnp.linspace(0, 1, 5), np.linspace(0, 1, 5), f)
        check(jnp.linspace(2.0, -1.0, 7, endpoint=False), np.linspace(2, -1, 7, endpoint=False), f)
        check(jnp.linspace(0, 1, 1), np.linspace(0, 1, 1), f)
        check(jnp.linspace(0, 1, 0), np.linspace(0, 1, 0), f)
        check(jnp.linspace(0, 10, 6, dtype=int), np.linspace(0, 10, 6).astype(int), i)
        lo, hi = np.array([0.0, 1.0]), np.array([1.0, 3.0])
        check(jnp.linspace(lo, hi, 4), np.linspace(lo, hi, 4), f)
        check(jnp.linspace(lo, hi, 4, axis=-1), np.linspace(lo, hi, 4, axis=-1), f)
        out, step = jnp.linspace(0, 2, 5, retstep=True)
        check(out, np.linspace(0, 2, 5), f)
        check(step, np.asarray(0.5), f)
        x = np.arange(6, dtype=np.float32).reshape(2, 3)
        check(jnp.zeros_like(x), np.zeros_like(x), np.dtype(np.float32))
        check(jnp.ones_like(x, dtype=int), np.ones_like(x), i)
        check(jnp.full_like(x, 4), np.full_like(x, 4), np.dtype(np.float32))
        check(jnp.full_like(np.arange(3), 2.7), np.full_like(np.arange(3), 2), i)
        check(jnp.zeros_like(x, shape=(4,)), np.zeros(4), np.dtype(np.float32))
        check(jnp.array([[1, 2], [3, 4]]), np.array([[1, 2], [3, 4]]), i)
        check(jnp.array([1.0, 2]), np.array([1.0, 2]), f)
        check(jnp.array([True, False]), np.array([True, False]), np.dtype(np.bool_))
        check(jnp.array(3, ndmin=2), np.array(3, ndmin=2), i)
        check(jnp.array([jnp.ones(2), np.zeros(2)]), np.array([np.ones(2), np.zeros(2)]), f)
        check(jnp.asarray([1, 2], dtype=jnp.float32), np.array([1, 2]), np.dtype(np.float32))
        check(jnp.asarray(x), x, np.dtype(np.float32))
        check(jnp.asarray(2.5), np.asarray(2.5), f)
        check(jnp.asarray(np.float16(2.5)), np.asarray(2.5), np.dtype(np.float16))


def test_constants() -> None:
    assert jnp.pi == np.pi and jnp.e == np.e
    assert jnp.inf == np.inf and np.isnan(jnp.nan)
    assert jnp.newaxis is None
    x = jnp.ones((2, 3))
    assert x[:, jnp.newaxis].shape == (2, 1, 3)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


def test_errors_name_shapes() -> None:
    x = jnp.ones((2, 3))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 2\)"):
        jnp.reshape(x, (4, 2))
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        jnp.reshape(x, (-1, 4))
    with pytest.raises(ValueError, match="one unknown dimension"):
        jnp.reshape(x, (-1, -1))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 4\)"):
        jnp.concatenate([x, jnp.ones((2, 4))])
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3,\)"):
        jnp.concatenate([x, jnp.ones(3)])
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 3\)"):
        jnp.matmul(x, x)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2,\)"):
        jnp.dot(x, jnp.ones(2))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4,\)"):
        jnp.add(x, jnp.ones(4))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 3\)"):
        jnp.stack([x, jnp.ones((3, 3))])
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 2\)"):
        jnp.broadcast_to(x, (4, 2))
    with pytest.raises(ValueError, match=r"einsum.*\(2, 3\)"):
        jnp.einsum("ijk->i", x)
    with pytest.raises(ValueError, match=r"einsum.*sizes 3 and 2"):
        jnp.einsum("ij,jk->ik", x, x)
    with pytest.raises(ValueError, match="axis 2 is out of bounds"):
        jnp.sum(x, axis=2)
    with pytest.raises(ValueError, match="repeated axis"):
        jnp.sum(x, axis=(0, -2))
    with pytest.raises(ValueError, match="equal division"):
        jnp.split(x, 2, axis=1)
    with pytest.raises(ValueError, match=r"squeeze.*size 3"):
        jnp.squeeze(x, 1)
    with pytest.raises(TypeError, match="dtype"):
        jnp.zeros(3, dtype="not-a-dtype")
    with pytest.raises(TypeError, match="str"):
        jnp.sin("abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bool"):
        jnp.subtract(np.array([True]), np.array([False]))
    with pytest.raises(ValueError, match=r"tensordot.*\(2, 3\)"):
        jnp.tensordot(x, x, ((0,), (1,)))


# ---------------------------------------------------------------------------
# Transformations see through fad.numpy
# ---------------------------------------------------------------------------


def test_grad_through_numpy_functions() -> None:
    """Reverse mode through a mix of fad.numpy functions equals central differences."""
    rng = np.random.default_rng(5)
    x0 = rng.uniform(0.5, 1.5, size=(3, 4))

    def f(x: fad.Array) -> fad.Array:
        y = jnp.einsum("ij,kj->ik", x, jnp.sin(x)) + jnp.outer(jnp.sum(x, 1), jnp.ones(3))
        z = jnp.concatenate([jnp.tril(y), jnp.roll(x, 1, axis=1).T[:3]], axis=0)
        w = jnp.sort(jnp.ravel(z))[::2] * jnp.cumsum(jnp.ravel(x))[: jnp.ravel(z).shape[0] // 2]
        return jnp.sum(w) + jnp.var(x) + jnp.max(jnp.abs(x)) + jnp.mean(jnp.log(x) ** 2)

    with fad.config.enable_x64_scope(True):
        g = np.asarray(fad.grad(f)(jnp.asarray(x0)))
        eps = 1e-6
        num = np.zeros_like(x0)
        for idx in np.ndindex(*x0.shape):
            dx = np.zeros_like(x0)
            dx[idx] = eps
            hi = float(f(jnp.asarray(x0 + dx)))
            lo = float(f(jnp.asarray(x0 - dx)))
            num[idx] = (hi - lo) / (2 * eps)
    np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-6)


def test_vmap_matches_loop() -> None:
    rng = np.random.default_rng(6)
    xs = rng.normal(size=(4, 3, 5)).astype(np.float32)

    def f(x: fad.Array) -> fad.Array:
        return jnp.matmul(x, x.T) + jnp.diag(jnp.take(x, jnp.asarray([0, 2, 4]), axis=1)[0])

    out = fad.vmap(f)(jnp.asarray(xs))
    for k in range(4):
        check(out[k], np.asarray(f(jnp.asarray(xs[k]))), np.dtype(np.float32))


# ---------------------------------------------------------------------------
# Property tests: broadcasting and random axes
# ---------------------------------------------------------------------------

_BINARY_FNS = ("add", "subtract", "multiply", "maximum", "minimum", "less", "arctan2", "hypot")


@settings(max_examples=40, deadline=None)
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=3),
    name=hst.sampled_from(_BINARY_FNS),
    seed=hst.integers(0, 2**16),
)
def test_binary_broadcasting_property(shapes: Any, name: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = (rng.normal(size=s).astype(np.float32) for s in shapes.input_shapes)
    ref = getattr(np, name)(a, b)
    check(getattr(jnp, name)(a, b), ref, ref.dtype)


@settings(max_examples=40, deadline=None)
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=3),
    data=hst.data(),
    name=hst.sampled_from(("sum", "prod", "mean", "max", "min", "any", "all", "var")),
    keepdims=hst.booleans(),
)
def test_reduction_axes_property(
    shape: tuple[int, ...], data: Any, name: str, keepdims: bool
) -> None:
    axes = data.draw(hst.lists(hst.integers(0, len(shape) - 1), unique=True, max_size=len(shape)))
    axis = tuple(a - len(shape) if data.draw(hst.booleans()) else a for a in axes)
    if name in ("max", "min") and any(shape[a] == 0 for a in axis):
        return
    if name in ("max", "min") and not axis and 0 in shape:
        return
    x = np.random.default_rng(len(shape)).normal(size=shape).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ref = getattr(np, name)(x, axis=axis, keepdims=keepdims)
        check(getattr(jnp, name)(x, axis=axis, keepdims=keepdims), ref, ref.dtype)


def test_list_and_scalar_inputs() -> None:
    """Lists are accepted like arrays (a numpy convenience outside the typed API)."""
    check(jnp.add([1, 2], 3), np.array([4, 5]), np.dtype(np.int32))  # type: ignore[arg-type]
    nested = [[1.0, 2.0], [3.0, 4.0]]
    summed = jnp.sum(nested, axis=0)  # type: ignore[call-overload]
    check(summed, np.array([4.0, 6.0]), np.dtype(np.float32))
    check(jnp.maximum(2, [1, 3]), np.array([2, 3]), np.dtype(np.int32))  # type: ignore[arg-type]
    check(jnp.sin(1), np.sin(np.float32(1)), np.dtype(np.float32))
    joined = jnp.concatenate([[1, 2], np.array([3])])  # type: ignore[type-var]
    check(joined, np.array([1, 2, 3]), np.dtype(np.int32))
