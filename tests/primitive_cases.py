"""A table of test cases covering every primitive, for tests to parametrize over.

Each ``Case`` applies one primitive (``Case.prim``) through ``Case.fn`` to random
inputs from ``Case.make_args``, drawn from the primitive's valid, well-conditioned
domain (positive for ``log``, inside (-1, 1) for ``atanh``, no ties for ``max``,
fractional parts away from the jumps of ``floor``, ...), so finite differences
and batching are meaningful. Shapes include 0-d operands, and some cases apply
the primitive through ``fad.numpy`` with broadcasting operands.

Usage::

    from primitive_cases import CASES, ids     # tests/ is on sys.path under pytest
    @pytest.mark.parametrize("case", CASES, ids=ids(CASES))
    def test_something(case):
        for dt in case.dtypes:
            args = case.args(dt, seed=0)          # fad Arrays (enable x64 for 64-bit dtypes)
            out = case.fn(*args)

``make_args`` ignores ``dtype`` for operands whose dtype is fixed (indices,
predicates), so ``case.args(dt, seed=k)`` for several ``k`` stack into a batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.special as sps

import fad
import fad.numpy as jnp
from fad._src import core, dtypes
from fad._src import implicit as _implicit
from fad._src.core import Array
from fad._src.prims import bits, fft, lapack, linalg, schur, sorting
from fad._src.prims import eig as eig_prim
from fad._src.prims import elementwise as ew
from fad._src.prims import indexing as ix
from fad._src.prims import reductions as red
from fad._src.prims import structural as st

NDArray = np.ndarray[Any, Any]
DType = np.dtype[Any]
ArgsMaker = Callable[[np.random.Generator, DType], tuple[NDArray, ...]]
Deriv = Callable[..., tuple[NDArray, ...]]

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)
C64, C128 = np.dtype(np.complex64), np.dtype(np.complex128)
I32, BOOL = np.dtype(np.int32), np.dtype(np.bool_)
FLOAT = (F32, F64)
COMPLEX = (C64, C128)
INEXACT = FLOAT + COMPLEX


@dataclass(frozen=True)
class Case:
    """One way to apply one primitive to random valid inputs.

    ``dtypes``: the dtypes ``make_args`` can draw the case's main operands in.
    ``deriv``: for elementwise cases, the closed-form partial derivatives (one
    numpy array per operand, elementwise) as a function of the numpy operands.
    ``kind``: ``"smooth"`` (differentiable; finite differences apply),
    ``"zero"`` (the tangent is identically zero: integer/bool outputs, piecewise
    constant or gradient-stopping ops), or ``"none"`` (no inexact operands).
    ``fd``: whether finite differences measure the tangent (not for ``stop_gradient``).
    ``holomorphic``: for complex dtypes, whether the derivative is complex-linear,
    so the un-conjugated pairing ``sum(a * b)`` is an adjoint pairing in full, not
    only in its real part.
    """

    name: str
    prim: str
    fn: Callable[..., Any]
    make_args: ArgsMaker
    dtypes: tuple[DType, ...]
    deriv: Deriv | None = None
    kind: str = "smooth"
    fd: bool = True
    holomorphic: bool = True

    def numpy_args(self, dtype: DType | str, seed: int = 0) -> tuple[NDArray, ...]:
        return self.make_args(np.random.default_rng(seed), np.dtype(dtype))

    def args(self, dtype: DType | str, seed: int = 0) -> tuple[Array, ...]:
        """Fresh fad Arrays (64-bit dtypes need ``fad.config.enable_x64_scope(True)``)."""
        return tuple(core.asarray(a) for a in self.numpy_args(dtype, seed))

    def dtypes_64(self) -> tuple[DType, ...]:
        """The case's dtypes, 32-bit inexact ones dropped when the 64-bit one is there."""
        wide = {F32: F64, C64: C128}
        return tuple(d for d in self.dtypes if not (d in wide and wide[d] in self.dtypes))


def ids(cases: Sequence[Case]) -> list[str]:
    return [c.name for c in cases]


# ---------------------------------------------------------------------------
# Drawing operands
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class U:
    """An operand drawn uniformly from [lo, hi] (imaginary part from [ilo, ihi]).

    ``sign``: multiply by a random sign (so |x| stays in [lo, hi]); ``dtype``:
    a fixed dtype that ignores the case's dtype.
    """

    shape: tuple[int, ...]
    lo: float = -2.0
    hi: float = 2.0
    ilo: float = -1.0
    ihi: float = 1.0
    sign: bool = False
    dtype: DType | None = None

    def draw(self, rng: np.random.Generator, dt: DType) -> NDArray:
        dt = dt if self.dtype is None else self.dtype
        if dt == BOOL:
            return np.asarray(rng.random(self.shape) < 0.5)
        if dtypes.is_integer(dt):
            lo, hi = int(np.floor(self.lo)), int(np.ceil(self.hi))
            v = rng.integers(lo, hi + 1, self.shape)
            if self.sign:
                v = np.where(v == 0, 1, v) * rng.choice([-1, 1], self.shape)
            return np.asarray(v.astype(dt))
        x = rng.uniform(self.lo, self.hi, self.shape)
        if self.sign:
            x = x * rng.choice([-1.0, 1.0], self.shape)
        if dtypes.is_complex(dt):
            x = x + 1j * rng.uniform(self.ilo, self.ihi, self.shape)
        return np.asarray(x.astype(dt))


def indep(*specs: U) -> ArgsMaker:
    """Independent operands."""
    return lambda rng, dt: tuple(s.draw(rng, dt) for s in specs)


def distinct(shape: tuple[int, ...], lo: float = -3.0, hi: float = 3.0) -> Callable[..., NDArray]:
    """Values at least (hi - lo) / (2 n) apart, in random order (no ties for max/sort)."""

    def draw(rng: np.random.Generator, dt: DType) -> NDArray:
        n = int(np.prod(shape, dtype=np.int64))
        grid = np.linspace(lo, hi, max(n, 1))[:n]
        jitter = rng.uniform(-0.2, 0.2, n) * (hi - lo) / max(n, 1)
        if dtypes.is_integer(dt):
            return np.asarray(rng.permutation(n).reshape(shape).astype(dt))
        return np.asarray(rng.permutation(grid + jitter).reshape(shape).astype(dt))

    return draw


def away_from_ints(shape: tuple[int, ...], lo: float, hi: float) -> Callable[..., NDArray]:
    """Integer part in [lo, hi), fractional part near .15/.35/.65/.85 (far from the jumps of
    floor, ceil and round)."""

    def draw(rng: np.random.Generator, dt: DType) -> NDArray:
        k = rng.integers(int(lo), int(hi), shape)
        frac = rng.choice([0.15, 0.35, 0.65, 0.85], shape) + rng.uniform(-0.05, 0.05, shape)
        return np.asarray((k + frac).astype(dt))

    return draw


def seq(*draws: Callable[[np.random.Generator, DType], NDArray]) -> ArgsMaker:
    return lambda rng, dt: tuple(d(rng, dt) for d in draws)


def _ones(x: NDArray) -> NDArray:
    return np.ones_like(x)


# ---------------------------------------------------------------------------
# Unary elementwise
# ---------------------------------------------------------------------------

SHAPES: tuple[tuple[int, ...], ...] = ((), (2, 3))


def _shape_name(shape: tuple[int, ...]) -> str:
    return "0d" if shape == () else "x".join(map(str, shape))


@dataclass(frozen=True)
class _Unary:
    prim: str
    fn: Callable[[Array], Array]
    dtypes: tuple[DType, ...]
    lo: float = -2.0
    hi: float = 2.0
    ilo: float = -1.0
    ihi: float = 1.0
    sign: bool = False
    deriv: Callable[[NDArray], NDArray] | None = None
    kind: str = "smooth"
    fd: bool = True
    holomorphic: bool = True
    draw: Callable[[tuple[int, ...]], Callable[..., NDArray]] | None = None


def _sqrt_pi() -> float:
    return float(np.sqrt(np.pi))


_UNARY: list[_Unary] = [
    _Unary("neg", ew.neg, (*INEXACT, I32), deriv=lambda x: -_ones(x)),
    _Unary("sin", ew.sin, INEXACT, -3, 3, deriv=np.cos),
    _Unary("cos", ew.cos, INEXACT, -3, 3, deriv=lambda x: -np.sin(x)),
    _Unary("tan", ew.tan, INEXACT, -1.2, 1.2, -0.5, 0.5, deriv=lambda x: 1 + np.tan(x) ** 2),
    _Unary("asin", ew.asin, INEXACT, -0.9, 0.9, -0.3, 0.3, deriv=lambda x: 1 / np.sqrt(1 - x * x)),
    _Unary("acos", ew.acos, INEXACT, -0.9, 0.9, -0.3, 0.3, deriv=lambda x: -1 / np.sqrt(1 - x * x)),
    _Unary("atan", ew.atan, INEXACT, -2, 2, -0.5, 0.5, deriv=lambda x: 1 / (1 + x * x)),
    _Unary("sinh", ew.sinh, INEXACT, deriv=np.cosh),
    _Unary("cosh", ew.cosh, INEXACT, deriv=np.sinh),
    _Unary("tanh", ew.tanh, INEXACT, -2, 2, -0.5, 0.5, deriv=lambda x: 1 - np.tanh(x) ** 2),
    _Unary("asinh", ew.asinh, INEXACT, -2, 2, -0.5, 0.5, deriv=lambda x: 1 / np.sqrt(x * x + 1)),
    _Unary("acosh", ew.acosh, INEXACT, 1.2, 3, -0.5, 0.5,
           deriv=lambda x: 1 / (np.sqrt(x - 1) * np.sqrt(x + 1))),
    _Unary("atanh", ew.atanh, INEXACT, -0.9, 0.9, -0.3, 0.3, deriv=lambda x: 1 / (1 - x * x)),
    _Unary("exp", ew.exp, INEXACT, deriv=np.exp),
    _Unary("exp2", ew.exp2, INEXACT, deriv=lambda x: np.log(2) * np.exp2(x)),
    _Unary("log", ew.log, INEXACT, 0.2, 3, deriv=lambda x: 1 / x),
    _Unary("log1p", ew.log1p, INEXACT, -0.5, 3, deriv=lambda x: 1 / (1 + x)),
    _Unary("expm1", ew.expm1, INEXACT, deriv=np.exp),
    _Unary("sqrt", ew.sqrt, INEXACT, 0.2, 3, deriv=lambda x: 0.5 / np.sqrt(x)),
    _Unary("rsqrt", ew.rsqrt, INEXACT, 0.2, 3, deriv=lambda x: -0.5 * x**-1.5),
    _Unary("cbrt", ew.cbrt, FLOAT, 0.2, 3, sign=True, deriv=lambda x: np.cbrt(x) ** -2 / 3),
    _Unary("logistic", ew.logistic, INEXACT, -3, 3, -0.5, 0.5,
           deriv=lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2),
    _Unary("erf", ew.erf, FLOAT, deriv=lambda x: 2 / _sqrt_pi() * np.exp(-x * x)),
    _Unary("erfc", ew.erfc, FLOAT, deriv=lambda x: -2 / _sqrt_pi() * np.exp(-x * x)),
    _Unary("erf_inv", ew.erf_inv, FLOAT, -0.9, 0.9,
           deriv=lambda x: _sqrt_pi() / 2 * np.exp(sps.erfinv(x) ** 2)),
    _Unary("lgamma", ew.lgamma, FLOAT, 0.2, 4, deriv=sps.digamma),
    _Unary("digamma", ew.digamma, FLOAT, 0.3, 4, deriv=lambda x: sps.polygamma(1, x)),
    _Unary("abs", ew.abs, (*INEXACT, I32), 0.2, 2, sign=True, deriv=np.sign, holomorphic=False),
    _Unary("sign", ew.sign, (*FLOAT, I32), 0.2, 2, sign=True, kind="zero"),
    _Unary("floor", ew.floor, FLOAT, kind="zero", draw=lambda s: away_from_ints(s, -3, 3)),
    _Unary("ceil", ew.ceil, FLOAT, kind="zero", draw=lambda s: away_from_ints(s, -3, 3)),
    _Unary("round", ew.round, FLOAT, kind="zero", draw=lambda s: away_from_ints(s, -3, 3)),
    _Unary("is_finite", ew.is_finite, FLOAT, kind="zero"),
    _Unary("not", ew.bitwise_not, (I32, BOOL), kind="none"),
    _Unary("real", ew.real, COMPLEX, holomorphic=False),
    _Unary("imag", ew.imag, COMPLEX, holomorphic=False),
    _Unary("conj", ew.conj, COMPLEX, holomorphic=False),
    _Unary("stop_gradient", ew.stop_gradient, INEXACT, kind="zero", fd=False),
]  # fmt: skip


def _unary_cases() -> list[Case]:
    out = []
    for u in _UNARY:
        for shape in SHAPES:
            spec = U(shape, u.lo, u.hi, u.ilo, u.ihi, u.sign)
            make = seq(u.draw(shape)) if u.draw is not None else indep(spec)
            deriv = u.deriv

            def d(
                x: NDArray, _f: Callable[[NDArray], NDArray] | None = deriv
            ) -> tuple[NDArray, ...]:
                assert _f is not None
                return (np.asarray(_f(x)),)

            out.append(
                Case(
                    f"{u.prim}_{_shape_name(shape)}",
                    u.prim,
                    u.fn,
                    make,
                    u.dtypes,
                    d if deriv is not None else None,
                    u.kind,
                    u.fd,
                    u.holomorphic,
                )
            )
    # The complex sign z/|z| is smooth away from 0 (not piecewise constant).
    out.append(Case("sign_complex", "sign", ew.sign, indep(U((2, 3), 0.3, 2, sign=True)), COMPLEX,
                    holomorphic=False))  # fmt: skip
    out.append(Case("lgamma_negative", "lgamma", ew.lgamma, indep(U((4,), -2.8, -2.2)), FLOAT,
                    lambda x: (sps.digamma(x),)))  # fmt: skip
    # polygamma's order m is a constant (it is not differentiable in m).
    orders = np.array([[0.0, 1.0, 2.0], [3.0, 1.0, 0.0]])
    out.append(Case("polygamma", "polygamma",
                    lambda x: ew.polygamma(core.asarray(orders.astype(x.dtype)), x),
                    indep(U((2, 3), 0.3, 4)), FLOAT,
                    lambda x: (sps.polygamma(orders.astype(int) + 1, x),)))  # fmt: skip
    return out


# ---------------------------------------------------------------------------
# Binary and n-ary elementwise
# ---------------------------------------------------------------------------


def _binary_cases() -> list[Case]:
    cases: list[Case] = []
    s = (2, 3)

    def add(
        name: str,
        prim: str,
        fn: Callable[..., Any],
        make: ArgsMaker,
        dts: tuple[DType, ...],
        deriv: Deriv | None = None,
        kind: str = "smooth",
        holomorphic: bool = True,
    ) -> None:
        cases.append(Case(name, prim, fn, make, dts, deriv, kind, True, holomorphic))

    for shape in SHAPES:
        n = _shape_name(shape)
        both = indep(U(shape), U(shape))
        add(f"add_{n}", "add", ew.add, both, (*INEXACT, I32), lambda x, y: (_ones(x), _ones(y)))
        add(f"sub_{n}", "sub", ew.sub, both, (*INEXACT, I32), lambda x, y: (_ones(x), -_ones(y)))
        add(f"mul_{n}", "mul", ew.mul, both, (*INEXACT, I32), lambda x, y: (y, x))
        add(
            f"div_{n}",
            "div",
            ew.div,
            indep(U(shape), U(shape, 0.5, 2, sign=True)),
            (*INEXACT, I32),
            lambda x, y: (1 / y, -x / y**2),
        )
        add(
            f"add_any_{n}",
            "add_any",
            core.add_any,
            both,
            INEXACT,
            lambda x, y: (_ones(x), _ones(y)),
        )
    add(
        "pow",
        "pow",
        ew.pow,
        indep(U(s, 0.5, 2), U(s, -2, 2, -0.5, 0.5)),
        INEXACT,
        lambda x, y: (y * x ** (y - 1), np.log(x) * x**y),
    )
    add(
        "pow_0d",
        "pow",
        ew.pow,
        indep(U((), 0.5, 2), U((), -2, 2)),
        FLOAT,
        lambda x, y: (y * x ** (y - 1), np.log(x) * x**y),
    )

    def rem_args(rng: np.random.Generator, dt: DType) -> tuple[NDArray, ...]:
        y = U(s, 0.5, 2, sign=True).draw(rng, dt)
        q = away_from_ints(s, -3, 3)(rng, dt)
        return np.asarray((q * y).astype(dt)), y

    add("rem", "rem", ew.rem, rem_args, FLOAT, lambda x, y: (_ones(x), -np.trunc(x / y)))

    def apart(rng: np.random.Generator, dt: DType) -> tuple[NDArray, ...]:
        x = U(s).draw(rng, dt)
        gap = U(s, 0.2, 1, sign=True).draw(rng, dt)
        return x, np.asarray((x + gap).astype(dt))

    add("max", "max", ew.max, apart, FLOAT, lambda x, y: ((x > y) * 1.0, (y > x) * 1.0))
    add("min", "min", ew.min, apart, FLOAT, lambda x, y: ((x < y) * 1.0, (y < x) * 1.0))
    add("max_int", "max", ew.max, apart, (I32,), kind="none")
    add(
        "atan2",
        "atan2",
        ew.atan2,
        indep(U(s), U(s, 0.5, 2)),
        FLOAT,
        lambda x, y: (y / (x * x + y * y), -x / (x * x + y * y)),
    )
    add(
        "atan2_left_half",
        "atan2",
        ew.atan2,
        indep(U(s, 0.5, 2, sign=True), U(s, -2, -0.5)),
        FLOAT,
        lambda x, y: (y / (x * x + y * y), -x / (x * x + y * y)),
    )
    add(
        "nextafter",
        "nextafter",
        ew.nextafter,
        indep(U(s, -1, 1), U(s, 3, 4, sign=True)),
        FLOAT,
        lambda x, y: (_ones(x), 0 * y),
    )
    add(
        "complex",
        "complex",
        ew.complex_,
        indep(U(s), U(s)),
        FLOAT,
        lambda x, y: (_ones(x) + 0j, 1j * _ones(y)),
        holomorphic=False,
    )

    ints = indep(U(s, -20, 20), U(s, -20, 20))
    bools = indep(U(s, dtype=BOOL), U(s, dtype=BOOL))
    shifts = indep(U(s, -50, 50), U(s, 0, 7))
    for name, f in (("and", ew.bitwise_and), ("or", ew.bitwise_or), ("xor", ew.bitwise_xor)):
        add(name, name, f, ints, (I32,), kind="none")
        add(f"{name}_bool", name, f, bools, (BOOL,), kind="none")
    add("shift_left", "shift_left", ew.shift_left, shifts, (I32,), kind="none")
    add(
        "shift_right_arithmetic",
        "shift_right_arithmetic",
        ew.shift_right_arithmetic,
        shifts,
        (I32,),
        kind="none",
    )
    add(
        "shift_right_logical",
        "shift_right_logical",
        ew.shift_right_logical,
        shifts,
        (I32,),
        kind="none",
    )
    for name, f in (("eq", ew.eq), ("ne", ew.ne), ("lt", ew.lt), ("le", ew.le), ("gt", ew.gt),
                    ("ge", ew.ge)):  # fmt: skip
        # Small ints give some equal entries (ties for eq/le/ge); the float draws have none.
        add(name, name, f, indep(U(s, -2, 2), U(s, -2, 2)), (*FLOAT, I32), kind="zero")

    # Broadcasting through fad.numpy (the primitive applies after broadcast_in_dim).
    add("add_bcast", "add", jnp.add, indep(U((3, 1)), U((4,))), INEXACT)
    add("mul_bcast_scalar", "mul", jnp.multiply, indep(U(()), U((2, 3))), INEXACT)
    add("div_bcast", "div", jnp.true_divide, indep(U((2, 1, 3)), U((4, 1), 0.5, 2)), INEXACT)
    add("pow_bcast", "pow", jnp.power, indep(U((3,), 0.5, 2), U((2, 1), -2, 2)), FLOAT)
    add("max_bcast", "max", jnp.maximum, indep(U((2, 1), -2, -1), U((3,), 1, 2)), FLOAT)
    add("atan2_bcast", "atan2", jnp.arctan2, indep(U((2, 3)), U((), 0.5, 2)), FLOAT)
    return cases


def _integer_pow(y: int) -> Callable[[Array], Array]:
    return lambda x: ew.integer_pow(x, y)


def _select_n3(which: Array, a: Array, b: Array, c: Array) -> Array:
    return ew.select_n(which, a, b, c)


def _convert(to: DType) -> Callable[[Array], Array]:
    return lambda x: ew.convert_element_type(x, to)


def _misc_elementwise_cases() -> list[Case]:
    s = (2, 3)
    cases: list[Case] = []
    for y in (0, 1, 2, 3, -2):
        # |x| >= 0.3 keeps x ** -2 well conditioned.
        cases.append(Case(f"integer_pow_{y}", "integer_pow", _integer_pow(y),
                          indep(U(s, 0.3, 2, sign=True)), INEXACT,
                          lambda x, _y=y: (_y * x ** (_y - 1) if _y else 0 * x,)))  # fmt: skip
    cases.append(Case("integer_pow_3_0d", "integer_pow", _integer_pow(3), indep(U(())), FLOAT,
                      lambda x: (3 * x**2,)))  # fmt: skip
    cases.append(Case("integer_pow_int", "integer_pow", _integer_pow(3), indep(U(s, -5, 5)), (I32,),
                      kind="none"))  # fmt: skip
    cases.append(Case("select_n_bool", "select_n", ew.select_n,
                      indep(U(s, dtype=BOOL), U(s), U(s)), INEXACT))  # fmt: skip
    cases.append(Case("select_n_int", "select_n", _select_n3,
                      indep(U(s, 0, 2, dtype=I32), U(s), U(s), U(s)), INEXACT))  # fmt: skip
    cases.append(
        Case("select_n_0d", "select_n", ew.select_n, indep(U((), dtype=BOOL), U(()), U(())), FLOAT)
    )
    cases.append(Case("where_bcast", "select_n", jnp.where,
                      indep(U((3, 1), dtype=BOOL), U((4,)), U(())), INEXACT))  # fmt: skip

    def clamp_args(rng: np.random.Generator, dt: DType) -> tuple[NDArray, ...]:
        # Each of the three regimes (below, inside, above) occurs, with no ties.
        lo = U((6,), -1.5, -1).draw(rng, dt)
        hi = U((6,), 1, 1.5).draw(rng, dt)
        x = np.asarray(np.array([-3, -2, -0.5, 0.5, 2, 3]) + rng.uniform(-0.1, 0.1, 6)).astype(dt)
        return lo, x, hi

    cases.append(Case("clamp", "clamp", ew.clamp, clamp_args, FLOAT,
                      lambda lo, x, hi: ((x < lo) * 1.0, ((x >= lo) & (x <= hi)) * 1.0,
                                         (x > hi) * 1.0)))  # fmt: skip
    cases.append(Case("fma", "fma", bits.fma, indep(U(s), U(s), U(s)), FLOAT,
                      lambda a, b, c: (b, a, _ones(c))))  # fmt: skip
    cases.append(Case("fma_0d", "fma", bits.fma, indep(U(()), U(()), U(())), FLOAT,
                      lambda a, b, c: (b, a, _ones(c))))  # fmt: skip
    bitcast = "bitcast_convert_type"
    cases.append(Case("bitcast_f_to_int", bitcast,
                      lambda x: bits.bitcast_convert_type(x, np.dtype(f"i{x.dtype.itemsize}")),
                      indep(U(s)), FLOAT, kind="zero"))  # fmt: skip
    cases.append(Case("bitcast_int_to_f", bitcast, lambda x: bits.bitcast_convert_type(x, F32),
                      indep(U(s, 0, 2**20)), (I32,), kind="none"))  # fmt: skip
    conv = "convert_element_type"
    cases.append(
        Case("convert_f64_f32", conv, _convert(F32), indep(U(s)), (F64,), lambda x: (_ones(x),))
    )
    cases.append(
        Case("convert_f32_f64", conv, _convert(F64), indep(U(s)), (F32,), lambda x: (_ones(x),))
    )
    cases.append(Case("convert_f_c", conv, _convert(C128), indep(U(s)), (F64,),
                      lambda x: (_ones(x) + 0j,), holomorphic=False))  # fmt: skip
    cases.append(Case("convert_c_f", conv, _convert(F64), indep(U(s)), (C128,), holomorphic=False))
    cases.append(Case("convert_f_int", conv, _convert(I32), indep(U(s, -5, 5)), FLOAT, kind="zero"))
    cases.append(
        Case("convert_int_f", conv, _convert(F64), indep(U(s, -5, 5)), (I32,), kind="none")
    )
    cases.append(Case("convert_bool_f", conv, _convert(F32), indep(U(s)), (BOOL,), kind="none"))
    return cases


# ---------------------------------------------------------------------------
# Reductions and scans
# ---------------------------------------------------------------------------


def _reduce(
    f: Callable[[Array, Sequence[int]], Array], axes: tuple[int, ...]
) -> Callable[[Array], Array]:
    return lambda x: f(x, axes)


def _reduction_cases() -> list[Case]:
    cases: list[Case] = []
    x234 = indep(U((2, 3, 4)))
    for axes in ((0, 2), (1,), (0, 1, 2)):
        tag = "".join(map(str, axes))
        cases.append(Case(f"reduce_sum_{tag}", "reduce_sum", _reduce(st.reduce_sum, axes), x234,
                          (*INEXACT, I32)))  # fmt: skip
    cases.append(Case("reduce_prod_1", "reduce_prod", _reduce(red.reduce_prod, (1,)),
                      indep(U((2, 4), 0.5, 1.5, sign=True)), INEXACT))  # fmt: skip
    cases.append(Case("reduce_prod_all", "reduce_prod", _reduce(red.reduce_prod, (0, 1)),
                      indep(U((2, 3), 0.5, 1.5, sign=True)), INEXACT))  # fmt: skip

    def with_zeros(rng: np.random.Generator, dt: DType) -> tuple[NDArray, ...]:
        x = U((3, 4), 0.5, 1.5, sign=True).draw(rng, dt)
        x[0, 1] = 0  # one zero in row 0, two in row 1: the product rule must not divide by x
        x[1, 0] = x[1, 3] = 0
        return (x,)

    cases.append(
        Case(
            "reduce_prod_zeros", "reduce_prod", _reduce(red.reduce_prod, (1,)), with_zeros, INEXACT
        )
    )
    for name, f in (("reduce_max", red.reduce_max), ("reduce_min", red.reduce_min)):
        cases.append(
            Case(f"{name}_1", name, _reduce(f, (1,)), seq(distinct((3, 4))), (*FLOAT, I32))
        )
        cases.append(Case(f"{name}_all", name, _reduce(f, (0, 1)), seq(distinct((2, 3))), FLOAT))
    for name, f in (("reduce_and", red.reduce_and), ("reduce_or", red.reduce_or)):
        cases.append(Case(name, name, _reduce(f, (1,)), indep(U((3, 4), dtype=BOOL)), (BOOL,),
                          kind="none"))  # fmt: skip
    for name, f2 in (("argmax", red.argmax), ("argmin", red.argmin)):
        cases.append(Case(name, name, lambda x, _f=f2: _f(x, 1, I32), seq(distinct((3, 4))),
                          (*FLOAT, I32), kind="zero"))  # fmt: skip
        cases.append(Case(f"{name}_1d", name, lambda x, _f=f2: _f(x, 0, I32), seq(distinct((5,))),
                          FLOAT, kind="zero"))  # fmt: skip
    for rev in (False, True):
        cases.append(
            Case(
                f"cumsum_{'rev' if rev else 'fwd'}",
                "cumsum",
                lambda x, _r=rev: red.cumsum(x, 1, _r),
                indep(U((2, 5))),
                (*INEXACT, I32),
            )
        )
    return cases


# ---------------------------------------------------------------------------
# Shape primitives
# ---------------------------------------------------------------------------


def _structural_cases() -> list[Case]:
    cases: list[Case] = []

    def add(name: str, prim: str, fn: Callable[..., Any], make: ArgsMaker,
            dts: tuple[DType, ...] = (*INEXACT, I32)) -> None:  # fmt: skip
        cases.append(Case(name, prim, fn, make, dts))

    add(
        "broadcast_in_dim",
        "broadcast_in_dim",
        lambda x: st.broadcast_in_dim(x, (2, 3, 4), (1, 2)),
        indep(U((3, 1))),
    )
    add(
        "broadcast_in_dim_0d",
        "broadcast_in_dim",
        lambda x: st.broadcast_in_dim(x, (2, 3), ()),
        indep(U(())),
    )
    add(
        "broadcast_in_dim_mid",
        "broadcast_in_dim",
        lambda x: st.broadcast_in_dim(x, (2, 3, 4), (0, 2)),
        indep(U((1, 4))),
    )
    add("reshape", "reshape", lambda x: st.reshape(x, (3, 2)), indep(U((2, 3))))
    add("reshape_split", "reshape", lambda x: st.reshape(x, (1, 2, 3)), indep(U((6,))))
    add("reshape_0d", "reshape", lambda x: st.reshape(x, (1, 1)), indep(U(())))
    add("transpose", "transpose", lambda x: st.transpose_(x, (2, 0, 1)), indep(U((2, 3, 4))))
    add("rev", "rev", lambda x: st.rev(x, (0, 1)), indep(U((2, 3))))
    add("rev_1", "rev", lambda x: st.rev(x, (1,)), indep(U((2, 4))))
    add(
        "concatenate",
        "concatenate",
        lambda a, b, c: st.concatenate([a, b, c], 1),
        indep(U((2, 1)), U((2, 3)), U((2, 2))),
    )
    add(
        "concatenate_0",
        "concatenate",
        lambda a, b: st.concatenate([a, b], 0),
        indep(U((1,)), U((3,))),
    )
    add("pad", "pad", lambda x, v: st.pad(x, v, ((1, 2, 1), (-1, 1, 0))), indep(U((3, 4)), U(())))
    add(
        "pad_interior_crop",
        "pad",
        lambda x, v: st.pad(x, v, ((0, 0, 2), (2, -2, 1))),
        indep(U((2, 3)), U(())),
    )
    add("pad_1d", "pad", lambda x, v: st.pad(x, v, ((2, 0, 0),)), indep(U((3,)), U(())))
    add("slice", "slice", lambda x: st.slice_(x, (1, 0), (4, 6)), indep(U((5, 6))))
    add("slice_strided", "slice", lambda x: st.slice_(x, (1, 0), (5, 6), (2, 3)), indep(U((5, 6))))

    def ds_args(i: int, j: int) -> ArgsMaker:
        return lambda rng, dt: (U((5, 4)).draw(rng, dt), np.asarray(i, I32), np.asarray(j, I32))

    ds = "dynamic_slice"
    add(ds, ds, lambda x, i, j: ix.dynamic_slice(x, (i, j), (2, 2)), ds_args(1, 2))
    add(f"{ds}_clamped", ds, lambda x, i, j: ix.dynamic_slice(x, (i, j), (2, 3)), ds_args(4, -1))

    def dus_args(i: int, j: int) -> ArgsMaker:
        return lambda rng, dt: (U((5, 4)).draw(rng, dt), U((2, 3)).draw(rng, dt),
                                np.asarray(i, I32), np.asarray(j, I32))  # fmt: skip

    dus = "dynamic_update_slice"
    add(dus, dus, lambda x, u, i, j: ix.dynamic_update_slice(x, u, (i, j)), dus_args(2, 1))
    add(
        f"{dus}_clamped",
        dus,
        lambda x, u, i, j: ix.dynamic_update_slice(x, u, (i, j)),
        dus_args(6, 3),
    )
    cases.append(Case("iota", "iota", lambda: st.iota(I32, (2, 3), 1), lambda rng, dt: (), (I32,),
                      kind="none"))  # fmt: skip
    return cases


# ---------------------------------------------------------------------------
# dot_general, gather/scatter, sort
# ---------------------------------------------------------------------------


def _dot(dn: Any) -> Callable[[Array, Array], Array]:
    return lambda x, y: linalg.dot_general(x, y, dn)


def _linalg_cases() -> list[Case]:
    specs: list[tuple[str, tuple[int, ...], tuple[int, ...], Any]] = [
        ("matmul", (2, 3), (3, 4), (((1,), (0,)), ((), ()))),
        ("batched", (2, 3, 4), (2, 4, 5), (((2,), (1,)), ((0,), (0,)))),
        ("vdot_0d", (3,), (3,), (((0,), (0,)), ((), ()))),
        ("outer", (2,), (3,), (((), ()), ((), ()))),
        ("scalar_operand", (), (3,), (((), ()), ((), ()))),
        ("two_contract_permuted", (3, 2, 4), (4, 5, 3), (((0, 2), (2, 0)), ((), ()))),
        ("batch_middle", (3, 2, 4), (4, 2), (((2,), (0,)), ((1,), (1,)))),
    ]
    cases = [
        Case(f"dot_general_{n}", "dot_general", _dot(dn), indep(U(a), U(b)), (*INEXACT, I32))
        for n, a, b, dn in specs
    ]
    # float32 operands accumulated in float64 (float32 again when x64 is off).
    mm = (((1,), (0,)), ((), ()))
    cases.append(Case("dot_general_preferred_f64", "dot_general",
                      lambda x, y: linalg.dot_general(x, y, mm, dtypes.canonicalize_dtype(F64)),
                      indep(U((2, 3)), U((3, 4))), (F32,)))  # fmt: skip
    return cases


def _indexing_cases() -> list[Case]:
    cases: list[Case] = []

    def g_args(idx: Any, shape: tuple[int, ...] = (5, 3)) -> ArgsMaker:
        return lambda rng, dt: (U(shape).draw(rng, dt), np.asarray(idx, I32))

    cases += [
        Case("gather_rows", "gather", lambda x, i: ix.gather(x, i, "clip"),
             g_args([[1], [3], [1], [0]]), (*INEXACT, I32)),
        Case("gather_clip_oob", "gather", lambda x, i: ix.gather(x, i, "clip"),
             g_args([[-1], [7], [2]]), INEXACT),
        Case("gather_fill_oob", "gather", lambda x, i: ix.gather(x, i, "fill"),
             g_args([[-1], [4], [7], [2]]), INEXACT),
        Case("gather_points", "gather", lambda x, i: ix.gather(x, i, "clip"),
             g_args([[[0, 2], [4, 1]], [[4, 1], [3, 0]]]), INEXACT),
    ]  # fmt: skip

    def s_args(idx: Any, upd_lo: float = -2, upd_hi: float = 2, x_lo: float = -2, x_hi: float = 2,
               sign: bool = False) -> ArgsMaker:  # fmt: skip
        i = np.asarray(idx, I32)
        ushape = (*i.shape[:-1], 3)
        return lambda rng, dt: (U((5, 3), x_lo, x_hi, sign=sign).draw(rng, dt), i,
                                U(ushape, upd_lo, upd_hi, sign=sign).draw(rng, dt))  # fmt: skip

    def sc(kind: str) -> Callable[[Array, Array, Array], Array]:
        return lambda x, i, u: ix.scatter(x, i, u, kind)

    cases += [
        Case("scatter_set", "scatter", sc("set"), s_args([[3], [0], [4]]), (*INEXACT, I32)),
        Case("scatter_set_dup", "scatter", sc("set"), s_args([[3], [0], [3], [9]]), INEXACT),
        Case("scatter_add_dup_oob", "scatter", sc("add"), s_args([[1], [4], [1], [-2], [7]]),
             (*INEXACT, I32)),
        Case("scatter_mul", "scatter", sc("mul"), s_args([[2], [0], [2]], 0.5, 1.5, 0.5, 1.5, True),
             INEXACT),
        # x in [-2, -1] and updates in [1, 2] (or the reverse): max takes every update, min none.
        Case("scatter_max", "scatter", sc("max"), s_args([[1], [3]], 1, 2, -2, -1), FLOAT),
        Case("scatter_min_keep", "scatter", sc("min"), s_args([[1], [3]], 1, 2, -2, -1), FLOAT),
        Case("scatter_min_dup", "scatter", sc("min"),
             lambda rng, dt: (U((4, 3), 1, 2).draw(rng, dt), np.asarray([[2], [2]], I32),
                              np.asarray([[-1.0, 0.5, 3.0], [-2.0, 0.8, 4.0]], dt)), FLOAT),
    ]  # fmt: skip
    return cases


def _sort_cases() -> list[Case]:
    def two_keys(rng: np.random.Generator, dt: DType) -> tuple[NDArray, ...]:
        k = rng.integers(0, 2, (2, 5)).astype(I32)
        return k, distinct((2, 5))(rng, dt)

    return [
        Case("sort_1", "sort", lambda x: sorting.sort([x], 1), seq(distinct((2, 5))),
             (*FLOAT, I32)),
        Case("sort_axis0", "sort", lambda x: sorting.sort([x], 0), seq(distinct((4, 3))), FLOAT),
        Case("sort_payload", "sort", lambda k, v: sorting.sort([k, v], 0),
             seq(distinct((5,)), distinct((5,))), FLOAT),
        Case("sort_two_keys", "sort", lambda k, v: sorting.sort([k, v], 1, num_keys=2), two_keys,
             FLOAT),
    ]  # fmt: skip


def _spd(shape: tuple[int, ...]) -> Callable[[np.random.Generator, DType], NDArray]:
    """A well-conditioned Hermitian positive-definite matrix (batch of them)."""

    def draw(rng: np.random.Generator, dt: DType) -> NDArray:
        a = U(shape).draw(rng, dt)
        n = shape[-1]
        h = a @ np.conj(np.swapaxes(a, -1, -2)) + n * np.eye(n)
        return np.asarray(h.astype(dt))

    return draw


def _triangular(shape: tuple[int, ...]) -> Callable[[np.random.Generator, DType], NDArray]:
    """A triangular matrix with a dominant diagonal (the other triangle is random junk)."""

    def draw(rng: np.random.Generator, dt: DType) -> NDArray:
        a = U(shape, -1, 1).draw(rng, dt)
        n = shape[-1]
        return np.asarray((a + (3 + n) * np.eye(n)).astype(dt))

    return draw


def _diag_dominant(shape: tuple[int, ...]) -> Callable[[np.random.Generator, DType], NDArray]:
    def draw(rng: np.random.Generator, dt: DType) -> NDArray:
        a = U(shape).draw(rng, dt)
        return np.asarray((a + 2 * shape[-1] * np.eye(shape[-1], shape[-2]).T).astype(dt))

    return draw


def _abs2(x: Array) -> Array:
    """|x|^2: invariant to the sign (phase) freedom of eigen- and singular vectors."""
    if np.issubdtype(x.dtype, np.complexfloating):
        return ew.real(ew.mul(x, ew.conj(x)))
    return ew.mul(x, x)


def _eigh(x: Array) -> tuple[Array, Array]:
    v, w = lapack.eigh(x, symmetrize_input=False)
    return w, _abs2(v)


def _eig(x: Array) -> tuple[Array, Array]:
    w, v = eig_prim.eig(x)
    return w, _abs2(v)


def _separated_spectrum(n: int) -> Callable[[np.random.Generator, DType], NDArray]:
    """A non-symmetric matrix with eigenvalues 1, 2, ..., n (well separated, real)."""

    def draw(rng: np.random.Generator, dt: DType) -> NDArray:
        s = np.eye(n) + 0.3 * rng.uniform(-1, 1, (n, n))
        a = s @ np.diag(np.arange(1.0, n + 1)) @ np.linalg.inv(s)
        return np.asarray(a.astype(dt))

    return draw


def _svd(full: bool) -> Callable[[Array], tuple[Array, ...]]:
    def f(x: Array) -> tuple[Array, ...]:
        u, s, vh = lapack.svd(x, full_matrices=full)
        return s, _abs2(u), _abs2(vh)

    return f


def _trsm(**params: bool) -> Callable[[Array, Array], Array]:
    return lambda a, b: lapack.triangular_solve(a, b, **params)


def _lapack_cases() -> list[Case]:
    def make(*draws: Callable[[np.random.Generator, DType], NDArray]) -> ArgsMaker:
        return seq(*draws)

    return [
        Case("cholesky", "cholesky", lambda x: lapack.cholesky(x, symmetrize_input=False),
             make(_spd((3, 3))), INEXACT, holomorphic=False),
        Case("cholesky_batched", "cholesky", lambda x: lapack.cholesky(x, symmetrize_input=False),
             make(_spd((2, 3, 3))), FLOAT, holomorphic=False),
        Case("triangular_solve_left_lower", "triangular_solve",
             _trsm(left_side=True, lower=True), make(_triangular((3, 3)), U((3, 2)).draw),
             INEXACT, holomorphic=False),
        Case("triangular_solve_right_upper_t", "triangular_solve",
             _trsm(left_side=False, lower=False, transpose_a=True),
             make(_triangular((3, 3)), U((2, 3)).draw), INEXACT, holomorphic=False),
        Case("triangular_solve_conj_unit", "triangular_solve",
             _trsm(left_side=True, lower=False, transpose_a=True, conjugate_a=True,
                   unit_diagonal=True),
             make(_triangular((3, 3)), U((3, 2)).draw), INEXACT, holomorphic=False),
        Case("lu", "lu", lapack.lu, make(_diag_dominant((3, 3))), INEXACT, holomorphic=False),
        Case("lu_wide_batched", "lu", lapack.lu, make(U((2, 3, 4)).draw), FLOAT, holomorphic=False),
        Case("lu_pivots_to_permutation", "lu_pivots_to_permutation",
             lambda p: lapack.lu_pivots_to_permutation(p, 4),
             lambda rng, dt: (np.asarray([2, 3, 2], I32),), (I32,), kind="none"),
        Case("qr_reduced", "qr", lambda x: lapack.qr(x, full_matrices=False),
             make(U((4, 3)).draw), INEXACT, holomorphic=False),
        Case("qr_square", "qr", lambda x: lapack.qr(x, full_matrices=True),
             make(_diag_dominant((3, 3))), FLOAT, holomorphic=False),
        Case("eig", "eig", _eig, make(_separated_spectrum(3)), FLOAT, holomorphic=False),
        Case("eigh", "eigh", _eigh, make(_spd((4, 4))), INEXACT, holomorphic=False),
        Case("svd_reduced", "svd", _svd(False), make(U((4, 3)).draw), INEXACT, holomorphic=False),
        Case("svd_values", "svd", lambda x: lapack.svd(x, compute_uv=False),
             make(U((3, 4)).draw), FLOAT, holomorphic=False),
        # No derivative rules (laws/__init__.py exempts them from the derivative laws).
        Case("schur", "schur", schur.schur, make(U((4, 4)).draw), INEXACT, holomorphic=False),
        Case("schur_batched", "schur", schur.schur, make(U((2, 3, 3)).draw), FLOAT,
             holomorphic=False),
        Case("hessenberg", "hessenberg", schur.hessenberg, make(U((4, 4)).draw), INEXACT,
             holomorphic=False),
    ]  # fmt: skip


def _fft_cases() -> list[Case]:
    def f(t: str, lengths: tuple[int, ...]) -> Callable[[Array], Array]:
        return lambda x: fft.fft(x, t, lengths)

    return [
        Case("fft", "fft", f("FFT", (5,)), indep(U((2, 5))), COMPLEX),
        Case("fft_2d", "fft", f("FFT", (3, 4)), indep(U((3, 4))), COMPLEX),
        Case("ifft", "fft", f("IFFT", (4,)), indep(U((3, 4))), COMPLEX),
        Case("rfft", "fft", f("RFFT", (6,)), indep(U((2, 6))), FLOAT, holomorphic=False),
        Case("rfft_odd_2d", "fft", f("RFFT", (2, 5)), indep(U((2, 5))), FLOAT, holomorphic=False),
        Case("irfft", "fft", f("IRFFT", (6,)), indep(U((2, 4))), COMPLEX, holomorphic=False),
        Case("irfft_odd", "fft", f("IRFFT", (5,)), indep(U((3,))), COMPLEX, holomorphic=False),
    ]


# A jitted call: its JVP, transpose and batching rules transform the staged program.
_jitted = fad.jit(lambda x, y: ew.mul(ew.sin(x), y))


def _call_cases() -> list[Case]:
    return [Case("xla_call", "xla_call", _jitted, indep(U((2, 3)), U((2, 3))), FLOAT)]


CASES: list[Case] = [
    *_unary_cases(),
    *_binary_cases(),
    *_misc_elementwise_cases(),
    *_reduction_cases(),
    *_structural_cases(),
    *_linalg_cases(),
    *_indexing_cases(),
    *_sort_cases(),
    *_call_cases(),
    *_lapack_cases(),
    *_fft_cases(),
]

# Primitives with no derivative rule (as in JAX; see tests/test_rule_coverage.py's EXEMPT):
# their cases feed the value, batching and jit tests, not the derivative ones.
NO_DERIVATIVE = frozenset({"hessenberg", "schur"})

CASES_BY_PRIM: dict[str, list[Case]] = {}
for _c in CASES:
    CASES_BY_PRIM.setdefault(_c.prim, []).append(_c)

_names = [c.name for c in CASES]
assert len(set(_names)) == len(_names), "case names must be unique"

# The unary elementwise table (primitive, function, dtypes, domain), for strategies that
# draw their own shapes (tests/laws/strategies.py).
Unary = _Unary
UNARY: tuple[_Unary, ...] = tuple(_UNARY)


# ---------------------------------------------------------------------------
# Control flow, custom derivative rules and checkpointing
# ---------------------------------------------------------------------------

from fad._src import checkpoint as _ckpt  # noqa: E402
from fad._src import custom_derivatives as _cd  # noqa: E402
from fad._src.prims import control_flow as _cf  # noqa: E402


def _cond_two_args(p: Array, x: Array, y: Array) -> Any:
    return _cf.cond(p, lambda a, b: ew.mul(ew.sin(a), b), lambda a, b: ew.sub(a, ew.exp(b)), x, y)


def _cond_closure(p: Array, x: Array, y: Array) -> Any:
    # ``y`` is closed over: under a transformation it becomes an operand of the cond.
    return _cf.cond(p, lambda a: (ew.mul(a, y), ew.sin(a)), lambda a: (ew.cos(a), a), x)


def _switch_three(i: Array, x: Array, y: Array) -> Any:
    branches = [
        lambda a, b: ew.mul(a, b),
        lambda a, b: ew.add(ew.tanh(a), b),
        lambda a, b: ew.sub(ew.mul(a, a), ew.sin(b)),
    ]
    return _cf.switch(i, branches, x, y)


def _scan_carry_ys(c: Array, xs: Array) -> Any:
    return _cf.scan(lambda c, x: (ew.add(ew.mul(c, ew.sin(x)), x), ew.mul(c, c)), c, xs)


def _scan_reverse_closure(w: Array, c: Array, xs: Array) -> Any:
    def body(c: Array, x: Array) -> tuple[Array, Array]:
        return ew.tanh(ew.add(ew.mul(c, w), x)), ew.add(c, ew.mul(x, w))

    return _cf.scan(body, c, xs, reverse=True, unroll=2)


def _fori_static(x: Array) -> Any:
    return _cf.fori_loop(0, 3, lambda i, c: ew.sin(c) * 1.5 + c * i, x)


def _map_square(xs: Array) -> Any:
    return _cf.map(lambda v: ew.add(ew.mul(v, v), ew.sin(v)), xs)


def _while_int(n: Array, x: Array) -> Any:
    def body(c: tuple[Array, Array]) -> tuple[Array, Array]:
        return c[0] + 1, c[1] * 2 + c[0]

    return _cf.while_loop(lambda c: ew.lt(c[0], n), body, (core.asarray(np.int32(0)), x))


def _while_float(x: Array) -> Any:
    # The loop's value does not depend on x differentiably (stop_gradient): the case
    # exercises the loop under jit, vmap and the adjointness test, not its JVP (see
    # tests/test_control_flow.py for that).
    def body(c: tuple[Array, Array]) -> tuple[Array, Array]:
        return ew.add(ew.sin(c[0]), ew.full_like(c[0], 1.0)), c[1] + 1

    w, _ = _cf.while_loop(lambda c: c[1] < 3, body, (ew.stop_gradient(x), core.asarray(0)))
    return ew.mul(x, w)


@_cd.custom_jvp
def _softplus(x: Array) -> Array:
    return ew.log1p(ew.exp(x))


@_softplus.defjvp
def _softplus_jvp(
    primals: tuple[Array], tangents: fad.Tangent[tuple[Array]]
) -> tuple[Array, fad.Tangent[Array]]:
    (x,), (t,) = primals, fad.unpack(tangents)
    return _softplus(x), fad.tangent(ew.mul(fad.primal_of(t), ew.logistic(x)))


@_cd.custom_jvp
def _sin_times(x: Array, y: Array) -> Array:
    return ew.mul(ew.sin(x), y)


_sin_times.defjvps(
    lambda t, ans, x, y: fad.tangent(ew.mul(ew.mul(ew.cos(x), y), fad.primal_of(t))),
    lambda t, ans, x, y: fad.tangent(ew.mul(ew.sin(x), fad.primal_of(t))),
)


@_cd.custom_vjp
def _int_affine(n: Array) -> Array:
    return n * 2 + 1


def _int_affine_bwd(res: None, ct: fad.Cotangent[Array]) -> Any:
    return (None,)  # None: a zero cotangent (run time only; the types want a Cotangent)


_int_affine.defvjp(lambda n: (n * 2 + 1, None), _int_affine_bwd)


def _checkpointed(x: Array, y: Array) -> Array:
    return _ckpt.checkpoint(lambda a, b: ew.add(ew.mul(ew.sin(a), ew.cos(b)), ew.mul(a, b)))(x, y)


def _checkpointed_dots(a: Array, b: Array) -> Array:
    f = _ckpt.checkpoint(
        lambda a, b: ew.tanh(linalg.dot_general(a, b, (((1,), (0,)), ((), ())))),
        policy=_ckpt.checkpoint_policies.dots_saveable,
    )
    return f(a, b)


def _lin_solve(a: Array, b: Array) -> Array:
    """``a x = b`` by custom_linear_solve: solve and transpose_solve by LAPACK (dense)."""
    out: Array = _implicit.custom_linear_solve(
        lambda x: linalg.dot_general(a, x, (((1,), (0,)), ((), ()))),
        b,
        lambda _mv, y: jnp.linalg.solve(a, y),
        lambda _vm, y: jnp.linalg.solve(a.T, y),
    )
    return out


def _control_flow_cases() -> list[Case]:
    s = (2, 3)
    pred = U((), dtype=BOOL)
    return [
        Case("cond_two_args", "cond", _cond_two_args, indep(pred, U(s), U(s)), FLOAT),
        Case("cond_closure", "cond", _cond_closure, indep(pred, U(s), U(s)), FLOAT),
        Case("switch_three", "cond", _switch_three,
             indep(U((), -1, 3, dtype=I32), U(s), U(s)), FLOAT),
        Case("scan_carry_ys", "scan", _scan_carry_ys, indep(U((3,)), U((4, 3))), FLOAT),
        Case("scan_reverse_closure", "scan", _scan_reverse_closure,
             indep(U((3,), -1, 1), U((3,)), U((5, 3))), FLOAT),
        Case("fori_loop_static", "scan", _fori_static, indep(U(s, -1, 1)), FLOAT),
        Case("map_square", "scan", _map_square, indep(U((3, 2))), FLOAT),
        Case("while_int", "while", _while_int, indep(U((), 0, 4, dtype=I32), U(s)), (I32,),
             kind="none"),
        Case("while_float", "while", _while_float, indep(U(s)), FLOAT, fd=False),
        Case("custom_jvp_softplus", "custom_jvp_call", _softplus, indep(U(s, -3, 3)), FLOAT,
             lambda x: (1 / (1 + np.exp(-x)),)),
        Case("custom_jvp_defjvps", "custom_jvp_call", _sin_times, indep(U(s), U(s)), FLOAT,
             lambda x, y: (np.cos(x) * y, np.sin(x))),
        Case("custom_vjp_int", "custom_vjp_call", _int_affine, indep(U(s, -3, 3)), (I32,),
             kind="none"),
        Case("checkpoint", "checkpoint", _checkpointed, indep(U(s), U(s)), FLOAT,
             lambda x, y: (np.cos(x) * np.cos(y) + y, -np.sin(x) * np.sin(y) + x)),
        Case("checkpoint_dots", "checkpoint", _checkpointed_dots, indep(U((2, 3)), U((3, 2))),
             FLOAT),
        Case("custom_linear_solve", "custom_linear_solve", _lin_solve,
             seq(_diag_dominant((3, 3)), U((3,)).draw), FLOAT),
    ]  # fmt: skip


_CONTROL_FLOW_CASES = _control_flow_cases()
CASES.extend(_CONTROL_FLOW_CASES)
for _c in _CONTROL_FLOW_CASES:
    CASES_BY_PRIM.setdefault(_c.prim, []).append(_c)
assert len({c.name for c in CASES}) == len(CASES), "case names must be unique"
