"""Hypothesis strategies that draw, for any registered primitive, an application of it to
random operands inside its domain.

A draw is a :class:`Spec`: plain data (the primitive, a *variant* naming how it is
applied, the dtype, shapes, static parameters and a seed for the values) whose ``repr``
is valid Python, so a failing draw can be pasted into an ``@example`` as a regression
example. :func:`build` turns a spec into an :class:`Example`: the function applying the
primitive and a maker for its operands.

Two sources of variants feed every primitive's strategy:

* *generated* variants below draw shapes (0-d and size-1 axes included, broadcasting
  operands for the n-ary elementwise primitives), axes, permutations, paddings, dot
  dimension numbers, index arrays and matrix sizes with hypothesis;
* every case of ``tests/primitive_cases.py`` (``"case:<name>"``), whose fixed shapes
  cover the primitives and parameter combinations not generated here.

Shapes, dtypes and parameters shrink with hypothesis; the values come from a seeded
numpy generator and a per-operand domain (positive for ``log``, no ties for ``max``
and ``sort``, well separated spectra for ``eigh`` and ``svd``, dominant diagonals for
the solvers, ...), so every example is well conditioned and finite differences apply.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from primitive_cases import (
    BOOL,
    C64,
    C128,
    CASES,
    CASES_BY_PRIM,
    COMPLEX,
    F32,
    F64,
    FLOAT,
    I32,
    INEXACT,
    UNARY,
    Case,
    U,
    away_from_ints,
    distinct,
)

from fad._src import core, dtypes
from fad._src.core import Array
from fad._src.prims import bits, lapack, linalg, sorting
from fad._src.prims import elementwise as ew
from fad._src.prims import indexing as ix
from fad._src.prims import reductions as red
from fad._src.prims import structural as st_

NDArray = np.ndarray[Any, Any]
DType = np.dtype[Any]
Shape = tuple[int, ...]
Maker = Callable[[np.random.Generator], tuple[NDArray, ...]]
Draw = Callable[[np.random.Generator, DType, Shape], NDArray]
# A variant's draw: the operands' shapes and the static parameters.
Drawn = tuple[tuple[Shape, ...], tuple[Any, ...]]
Shapes = st.SearchStrategy[Drawn]

WIDE: dict[DType, DType] = {F32: F64, C64: C128}


@dataclass(frozen=True)
class Spec:
    """One drawn application of ``prim``: plain data, reproducible from its repr."""

    prim: str
    variant: str
    dtype: str
    shapes: tuple[Shape, ...] = ()
    params: tuple[Any, ...] = ()
    seed: int = 0


@dataclass(frozen=True)
class Example:
    """``fn`` applies the primitive; ``make(rng)`` draws its operands (same shapes for any rng).

    ``kind``: ``"smooth"``, ``"zero"`` (the derivative is identically zero: piecewise
    constant, integer-valued or gradient-stopping) or ``"none"`` (no inexact operand).
    ``fd``: finite differences measure the derivative (not for ``stop_gradient``).
    ``holomorphic``: for complex operands the tangent map is complex-linear.
    """

    spec: Spec
    fn: Callable[..., Any]
    make: Maker
    kind: str = "smooth"
    fd: bool = True
    holomorphic: bool = True

    def numpy_args(self, seed: int | None = None) -> tuple[NDArray, ...]:
        return self.make(np.random.default_rng(self.spec.seed if seed is None else seed))

    def args(self, seed: int | None = None) -> tuple[Array, ...]:
        return tuple(core.asarray(a) for a in self.numpy_args(seed))

    @property
    def differentiable(self) -> bool:
        return self.kind != "none"


def _uniform(lo: float = -2.0, hi: float = 2.0, ilo: float = -1.0, ihi: float = 1.0,
             sign: bool = False, dtype: DType | None = None) -> Draw:  # fmt: skip
    return lambda rng, dt, shape: U(shape, lo, hi, ilo, ihi, sign, dtype).draw(rng, dt)


def _distinct(lo: float = -3.0, hi: float = 3.0) -> Draw:
    return lambda rng, dt, shape: distinct(shape, lo, hi)(rng, dt)


def _off_ints(lo: float = -3.0, hi: float = 3.0) -> Draw:
    return lambda rng, dt, shape: away_from_ints(shape, lo, hi)(rng, dt)


def _staggered(offset: float) -> Draw:
    """``k + offset`` plus a little jitter for integers ``k``: two operands with offsets .25
    and .75 differ by at least .3, so ``max``/``min`` never tie and do not switch under a
    finite-difference step, yet either operand can win."""

    def draw(rng: np.random.Generator, dt: DType, shape: Shape) -> NDArray:
        if dtypes.is_integer(dt):
            return np.asarray(rng.integers(-3, 4, shape).astype(dt))
        k = rng.integers(-2, 3, shape) + offset + rng.uniform(-0.1, 0.1, shape)
        return np.asarray(k.astype(dt))

    return draw


def _regimes(rng: np.random.Generator, dt: DType, shape: Shape) -> NDArray:
    """Points well below -1.5, between -1 and 1, or well above 1.5 (``clamp``'s regimes)."""
    centers = np.array([-3.0, -2.0, -0.5, 0.5, 2.0, 3.0])
    x = rng.choice(centers, shape) + rng.uniform(-0.1, 0.1, shape)
    return np.asarray(np.asarray(x).astype(dt))


# ---------------------------------------------------------------------------
# The spec's kind from its dtype: an integer or bool draw has nothing to differentiate
# ---------------------------------------------------------------------------


def _kind(kind: str, dt: DType) -> str:
    return kind if dtypes.is_inexact(dt) else "none"


# ---------------------------------------------------------------------------
# Variants
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """How to draw and build applications of some primitives.

    ``dtypes(prim)``: the dtypes the main operands may take; ``draw(prim, dtype)``:
    a strategy for the shapes and parameters, returning ``(shapes, params)``;
    ``build(spec)``: the example.
    """

    name: str
    prims: tuple[str, ...]
    dtypes: Callable[[str], tuple[DType, ...]]
    draw: Callable[[str, DType], Shapes]
    build: Callable[[Spec], Example]
    fd: Callable[[str], bool] = lambda prim: True


VARIANTS: dict[str, Variant] = {}


def _register(v: Variant) -> None:
    assert v.name not in VARIANTS, v.name
    VARIANTS[v.name] = v


def _shapes(min_dims: int = 0, max_dims: int = 3, max_side: int = 3) -> st.SearchStrategy[Shape]:
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


# --- unary elementwise: the domains of primitive_cases' unary table -----------------

_UNARY = {u.prim: u for u in UNARY}


def _unary_draw(prim: str, dt: DType) -> Shapes:
    return _shapes().map(lambda s: ((s,), ()))


def _unary_build(spec: Spec) -> Example:
    u = _UNARY[spec.prim]
    dt = np.dtype(spec.dtype)
    (shape,) = spec.shapes
    if u.draw is not None:
        draw_fn = u.draw(shape)

        def make(rng: np.random.Generator) -> tuple[NDArray, ...]:
            return (draw_fn(rng, dt),)

    else:
        spec_u = U(shape, u.lo, u.hi, u.ilo, u.ihi, u.sign)

        def make(rng: np.random.Generator) -> tuple[NDArray, ...]:
            return (spec_u.draw(rng, dt),)

    return Example(spec, u.fn, make, _kind(u.kind, dt), u.fd, u.holomorphic)


_register(Variant("unary", tuple(_UNARY), lambda p: _UNARY[p].dtypes, _unary_draw, _unary_build,
                  lambda p: _UNARY[p].fd))  # fmt: skip


def _complex_sign_draw(prim: str, dt: DType) -> Shapes:
    return _shapes().map(lambda s: ((s,), ()))


def _complex_sign_build(spec: Spec) -> Example:
    # z / |z| is smooth away from 0 (unlike the real sign, it is not piecewise constant).
    dt = np.dtype(spec.dtype)
    draw = _uniform(0.3, 2.0, sign=True)
    (shape,) = spec.shapes
    return Example(spec, ew.sign, lambda rng: (draw(rng, dt, shape),), holomorphic=False)


_register(Variant("complex_sign", ("sign",), lambda p: COMPLEX, _complex_sign_draw,
                  _complex_sign_build))  # fmt: skip


# --- n-ary elementwise with broadcasting operands -------------------------------------


@dataclass(frozen=True)
class _Nary:
    fn: Callable[..., Any]
    dtypes: tuple[DType, ...]
    operands: tuple[Draw, ...]
    kind: str = "smooth"
    holomorphic: bool = True


_ANY = _uniform()
_NONZERO = _uniform(0.5, 2.0, sign=True)
_NARY: dict[str, _Nary] = {
    "add": _Nary(ew.add, (*INEXACT, I32), (_ANY, _ANY)),
    "sub": _Nary(ew.sub, (*INEXACT, I32), (_ANY, _ANY)),
    "mul": _Nary(ew.mul, (*INEXACT, I32), (_ANY, _ANY)),
    "div": _Nary(ew.div, (*INEXACT, I32), (_ANY, _NONZERO)),
    "add_any": _Nary(core.add_any, INEXACT, (_ANY, _ANY)),
    "pow": _Nary(ew.pow, INEXACT, (_uniform(0.5, 2.0), _uniform(-2.0, 2.0, -0.5, 0.5))),
    "max": _Nary(ew.max, (*FLOAT, I32), (_staggered(0.25), _staggered(0.75))),
    "min": _Nary(ew.min, (*FLOAT, I32), (_staggered(0.75), _staggered(0.25))),
    "atan2": _Nary(ew.atan2, FLOAT, (_ANY, _uniform(0.5, 2.0))),
    "nextafter": _Nary(ew.nextafter, FLOAT, (_uniform(-1.0, 1.0), _uniform(3.0, 4.0, sign=True))),
    "complex": _Nary(ew.complex_, FLOAT, (_ANY, _ANY), holomorphic=False),
    "fma": _Nary(bits.fma, FLOAT, (_ANY, _ANY, _ANY)),
    "clamp": _Nary(ew.clamp, FLOAT, (_uniform(-1.5, -1.0), _regimes, _uniform(1.0, 1.5))),
    "and": _Nary(ew.bitwise_and, (I32, BOOL), (_uniform(-20, 20), _uniform(-20, 20)), "none"),
    "or": _Nary(ew.bitwise_or, (I32, BOOL), (_uniform(-20, 20), _uniform(-20, 20)), "none"),
    "xor": _Nary(ew.bitwise_xor, (I32, BOOL), (_uniform(-20, 20), _uniform(-20, 20)), "none"),
    "shift_left": _Nary(ew.shift_left, (I32,), (_uniform(-50, 50), _uniform(0, 7)), "none"),
    "shift_right_arithmetic": _Nary(ew.shift_right_arithmetic, (I32,),
                                    (_uniform(-50, 50), _uniform(0, 7)), "none"),
    "shift_right_logical": _Nary(ew.shift_right_logical, (I32,),
                                 (_uniform(-50, 50), _uniform(0, 7)), "none"),
    **{name: _Nary(f, (*FLOAT, I32), (_ANY, _ANY), "zero")
       for name, f in (("eq", ew.eq), ("ne", ew.ne), ("lt", ew.lt), ("le", ew.le),
                       ("gt", ew.gt), ("ge", ew.ge))},
}  # fmt: skip


def _broadcasting(f: Callable[..., Any]) -> Callable[..., Any]:
    """``f`` applied after broadcasting its operands to their common shape (numpy rules)."""

    def g(*xs: Array) -> Any:
        shape = np.broadcast_shapes(*(x.shape for x in xs))
        return f(*(x if x.shape == shape else st_.broadcast_to(x, shape) for x in xs))

    return g


def _nary_draw(prim: str, dt: DType) -> Shapes:
    n = len(_NARY[prim].operands)
    return hnp.mutually_broadcastable_shapes(num_shapes=n, min_dims=0, max_dims=3,
                                             min_side=1, max_side=3).map(
        lambda bs: (tuple(bs.input_shapes), ()))  # fmt: skip


def _nary_build(spec: Spec) -> Example:
    op = _NARY[spec.prim]
    dt = np.dtype(spec.dtype)
    shapes = spec.shapes

    def make(rng: np.random.Generator) -> tuple[NDArray, ...]:
        return tuple(d(rng, dt, s) for d, s in zip(op.operands, shapes, strict=True))

    return Example(spec, _broadcasting(op.fn), make, _kind(op.kind, dt), True, op.holomorphic)


_register(Variant("nary", tuple(_NARY), lambda p: _NARY[p].dtypes, _nary_draw, _nary_build))


def _rem_draw(prim: str, dt: DType) -> Shapes:
    return _shapes().map(lambda s: ((s, s), ()))


def _rem_build(spec: Spec) -> Example:
    # x = q * y with q away from integers keeps x / y away from rem's jumps.
    dt = np.dtype(spec.dtype)
    shape = spec.shapes[0]

    def make(rng: np.random.Generator) -> tuple[NDArray, ...]:
        y = _NONZERO(rng, dt, shape)
        q = away_from_ints(shape, -3, 3)(rng, dt)
        return np.asarray((q * y).astype(dt)), y

    return Example(spec, ew.rem, make, _kind("smooth", dt))


_register(Variant("rem", ("rem",), lambda p: (*FLOAT, I32), _rem_draw, _rem_build))


def _select_draw(prim: str, dt: DType) -> Shapes:
    def shapes(n: int) -> Shapes:
        # fad's select_n takes a predicate of the cases' shape (no scalar predicate).
        return _shapes().map(lambda s: ((s, *([s] * n)), (n,)))

    return st.sampled_from([2, 3]).flatmap(shapes)


def _select_build(spec: Spec) -> Example:
    dt = np.dtype(spec.dtype)
    (n,) = spec.params
    pred, *cases = spec.shapes

    def make(rng: np.random.Generator) -> tuple[NDArray, ...]:
        which = (np.asarray(rng.random(pred) < 0.5) if n == 2
                 else np.asarray(rng.integers(0, n, pred).astype(I32)))  # fmt: skip
        return (which, *(_ANY(rng, dt, s) for s in cases))

    return Example(spec, ew.select_n, make, _kind("smooth", dt))


_register(Variant("select_n", ("select_n",), lambda p: (*INEXACT, I32), _select_draw,
                  _select_build))  # fmt: skip


def _integer_pow_draw(prim: str, dt: DType) -> Shapes:
    powers = range(-3, 5) if dtypes.is_inexact(dt) else range(0, 5)
    return st.tuples(_shapes(), st.sampled_from(list(powers))).map(lambda t: ((t[0],), (t[1],)))


def _integer_pow_build(spec: Spec) -> Example:
    dt = np.dtype(spec.dtype)
    (y,) = spec.params
    (shape,) = spec.shapes
    draw = _uniform(0.3, 2.0, sign=True)  # |x| >= 0.3 keeps negative powers well conditioned
    return Example(spec, lambda x: ew.integer_pow(x, y), lambda rng: (draw(rng, dt, shape),),
                   _kind("smooth", dt))  # fmt: skip


_register(Variant("integer_pow", ("integer_pow",), lambda p: (*INEXACT, I32), _integer_pow_draw,
                  _integer_pow_build))  # fmt: skip

_CONVERT_TARGETS = (F32, F64, C64, C128, I32, BOOL)


def _convert_draw(prim: str, dt: DType) -> Shapes:
    targets = [d.name for d in _CONVERT_TARGETS if d != dt]  # the same dtype is a no-op
    return st.tuples(_shapes(), st.sampled_from(targets)).map(lambda t: ((t[0],), (t[1],)))


def _convert_build(spec: Spec) -> Example:
    dt = np.dtype(spec.dtype)
    to = np.dtype(spec.params[0])
    (shape,) = spec.shapes
    # Truncation to an integer jumps at integers: draw away from them.
    draw = _off_ints() if not dtypes.is_inexact(to) or not dtypes.is_inexact(dt) else _ANY
    kind = "smooth" if dtypes.is_inexact(to) else "zero"
    # complex -> real keeps the real part and real -> complex has a real domain: only
    # real-linear (the complex pairing of their transposes is real).
    holo = bool(dtypes.is_complex(dt)) == bool(dtypes.is_complex(to))
    return Example(spec, lambda x: ew.convert_element_type(x, to),
                   lambda rng: (draw(rng, dt, shape),), _kind(kind, dt), True, holo)  # fmt: skip


_register(Variant("convert", ("convert_element_type",), lambda p: (*INEXACT, I32, BOOL),
                  _convert_draw, _convert_build))  # fmt: skip


# --- reductions and scans --------------------------------------------------------------

_REDUCE: dict[str, tuple[Callable[[Array, Sequence[int]], Array], tuple[DType, ...], Draw, str]] = {
    "reduce_sum": (st_.reduce_sum, (*INEXACT, I32), _ANY, "smooth"),
    "reduce_prod": (red.reduce_prod, INEXACT, _uniform(0.5, 1.5, sign=True), "smooth"),
    "reduce_max": (red.reduce_max, (*FLOAT, I32), _distinct(), "smooth"),
    "reduce_min": (red.reduce_min, (*FLOAT, I32), _distinct(), "smooth"),
    "reduce_and": (red.reduce_and, (BOOL,), _uniform(dtype=BOOL), "none"),
    "reduce_or": (red.reduce_or, (BOOL,), _uniform(dtype=BOOL), "none"),
}


def _axes_of(shape: Shape, min_size: int = 0) -> st.SearchStrategy[tuple[int, ...]]:
    axis = st.integers(0, len(shape) - 1) if shape else st.nothing()
    return st.sets(axis, min_size=min_size, max_size=len(shape)).map(lambda s: tuple(sorted(s)))


def _reduce_draw(prim: str, dt: DType) -> Shapes:
    # At least one axis: reducing over none is the identity, which the wrapper returns as is.
    return _shapes(min_dims=1).flatmap(lambda s: _axes_of(s, 1).map(lambda a: ((s,), (a,))))


def _reduce_build(spec: Spec) -> Example:
    f, _, draw, kind = _REDUCE[spec.prim]
    dt = np.dtype(spec.dtype)
    (shape,) = spec.shapes
    (axes,) = spec.params
    return Example(spec, lambda x: f(x, axes), lambda rng: (draw(rng, dt, shape),),
                   _kind(kind, dt))  # fmt: skip


_register(Variant("reduce", tuple(_REDUCE), lambda p: _REDUCE[p][1], _reduce_draw, _reduce_build))


def _axis_draw(prim: str, dt: DType) -> Shapes:
    return _shapes(min_dims=1).flatmap(lambda s: st.tuples(
        st.integers(0, len(s) - 1), st.booleans()).map(lambda t: ((s,), t)))  # fmt: skip


def _axis_build(spec: Spec) -> Example:
    dt = np.dtype(spec.dtype)
    (shape,) = spec.shapes
    axis, flag = spec.params
    if spec.prim == "cumsum":
        return Example(spec, lambda x: red.cumsum(x, axis, flag),
                       lambda rng: (_ANY(rng, dt, shape),), _kind("smooth", dt))  # fmt: skip
    f = red.argmax if spec.prim == "argmax" else red.argmin
    return Example(spec, lambda x: f(x, axis, I32), lambda rng: (distinct(shape)(rng, dt),),
                   _kind("zero", dt))  # fmt: skip


_register(Variant("axis", ("cumsum", "argmax", "argmin"),
                  lambda p: (*INEXACT, I32) if p == "cumsum" else (*FLOAT, I32),
                  _axis_draw, _axis_build))  # fmt: skip


# --- shape primitives ------------------------------------------------------------------

_STRUCT_DTYPES = (*INEXACT, I32)


def _structural_draw(prim: str, dt: DType) -> Shapes:
    return _STRUCTURAL_DRAWS[prim]


# The structural wrappers return their operand unchanged for identity parameters (no
# primitive bound), so the draws below avoid them: otherwise a law's cell for the
# primitive would be exercised by examples that never apply it.


def _perm(shape: Shape) -> Shapes:
    def non_identity(p: list[int]) -> tuple[int, ...]:
        return tuple(p) if p != sorted(p) else tuple(reversed(p))

    return st.permutations(range(len(shape))).map(lambda p: ((shape,), (non_identity(p),)))


def _rev(shape: Shape) -> Shapes:
    return _axes_of(shape, 1).map(lambda a: ((shape,), (a,)))


@st.composite
def _reshape(draw: st.DrawFn) -> Drawn:
    """Both shapes group the same list of factors (with 1s inserted) differently."""
    factors = draw(st.lists(st.integers(1, 3), max_size=4))

    def grouping() -> Shape:
        cuts = sorted(draw(st.lists(st.integers(0, len(factors)), max_size=3)))
        bounds = [0, *cuts, len(factors)]
        return tuple(math.prod(factors[a:b]) for a, b in itertools.pairwise(bounds))

    src, dst = grouping(), grouping()
    if dst == src:
        dst = (*dst, 1)
    return (src,), (dst,)


@st.composite
def _broadcast_in_dim(draw: st.DrawFn) -> Drawn:
    shape = draw(_shapes())
    n = len(shape) + draw(st.integers(0, 2))
    bdims = tuple(sorted(draw(st.permutations(range(n)))[: len(shape)]))
    out = [draw(st.integers(1, 3)) for _ in range(n)]
    for d, s in zip(bdims, shape, strict=True):
        out[d] = s if s != 1 else draw(st.integers(1, 3))
    if tuple(out) == shape:
        out, bdims = [2, *out], tuple(d + 1 for d in bdims)
    return (shape,), (tuple(out), bdims)


@st.composite
def _slice(draw: st.DrawFn) -> Drawn:
    shape = draw(_shapes(min_dims=1, max_side=5))
    start, limit, strides = [], [], []
    for n in shape:
        a = draw(st.integers(0, n))
        start.append(a)
        limit.append(draw(st.integers(a, n)))
        strides.append(draw(st.integers(1, 3)))
    if all(a == 0 and b == n for a, b, n in zip(start, limit, shape, strict=True)) and all(
            s == 1 or n == 1 for s, n in zip(strides, shape, strict=True)):  # fmt: skip
        start[0] = 1
    return (shape,), (tuple(start), tuple(limit), tuple(strides))


@st.composite
def _pad(draw: st.DrawFn) -> Drawn:
    shape = draw(_shapes(min_dims=1))
    config = []
    for n in shape:
        interior = draw(st.integers(0, 2))
        full = n + (n - 1) * interior
        lo = draw(st.integers(-min(full, 2), 2))
        hi = draw(st.integers(-min(full + lo, 2), 2))
        config.append((lo, hi, interior))
    if all(c == (0, 0, 0) for c in config):
        config[0] = (1, 0, 0)
    return (shape, ()), (tuple(config),)


@st.composite
def _concatenate(draw: st.DrawFn) -> Drawn:
    shape = draw(_shapes(min_dims=1))
    axis = draw(st.integers(0, len(shape) - 1))
    sizes = draw(st.lists(st.integers(1, 3), min_size=2, max_size=3))
    shapes = tuple(tuple(k if i == axis else n for i, n in enumerate(shape)) for k in sizes)
    return shapes, (axis,)


@st.composite
def _dynamic_slice(draw: st.DrawFn) -> Drawn:
    """Start indices may lie outside the operand: they are clamped."""
    shape = draw(_shapes(max_side=4))
    sizes = tuple(draw(st.integers(0, n)) for n in shape)
    starts = tuple(draw(st.integers(-2, n + 1)) for n in shape)
    return (shape,), (sizes, starts)


@st.composite
def _dynamic_update_slice(draw: st.DrawFn) -> Drawn:
    shape = draw(_shapes(max_side=4))
    upd = tuple(draw(st.integers(0, n)) for n in shape)
    starts = tuple(draw(st.integers(-2, n + 1)) for n in shape)
    return (shape, upd), (starts,)


_STRUCTURAL_DRAWS: dict[str, Shapes] = {
    "transpose": _shapes(min_dims=2, max_dims=4).flatmap(_perm),
    "rev": _shapes(min_dims=1).flatmap(_rev),
    "reshape": _reshape(),
    "broadcast_in_dim": _broadcast_in_dim(),
    "slice": _slice(),
    "pad": _pad(),
    "concatenate": _concatenate(),
    "dynamic_slice": _dynamic_slice(),
    "dynamic_update_slice": _dynamic_update_slice(),
}


def _index(i: int) -> NDArray:
    return np.asarray(i, I32)


def _structural_build(spec: Spec) -> Example:
    dt = np.dtype(spec.dtype)
    p, shapes = spec.params, spec.shapes

    def values(rng: np.random.Generator) -> tuple[NDArray, ...]:
        return tuple(_ANY(rng, dt, s) for s in shapes)

    fn: Callable[..., Any]
    make: Maker = values
    if spec.prim == "transpose":
        fn = lambda x: st_.transpose_(x, p[0])  # noqa: E731
    elif spec.prim == "rev":
        fn = lambda x: st_.rev(x, p[0])  # noqa: E731
    elif spec.prim == "reshape":
        fn = lambda x: st_.reshape(x, p[0])  # noqa: E731
    elif spec.prim == "broadcast_in_dim":
        fn = lambda x: st_.broadcast_in_dim(x, p[0], p[1])  # noqa: E731
    elif spec.prim == "slice":
        fn = lambda x: st_.slice_(x, p[0], p[1], p[2])  # noqa: E731
    elif spec.prim == "pad":
        fn = lambda x, v: st_.pad(x, v, p[0])  # noqa: E731
    elif spec.prim == "concatenate":
        fn = lambda *xs: st_.concatenate(xs, p[0])  # noqa: E731
    elif spec.prim == "dynamic_slice":
        sizes, starts = p
        fn = lambda x, *i: ix.dynamic_slice(x, i, sizes)  # noqa: E731
        make = lambda rng: (*values(rng), *map(_index, starts))  # noqa: E731
    else:
        (starts,) = p
        fn = lambda x, u, *i: ix.dynamic_update_slice(x, u, i)  # noqa: E731
        make = lambda rng: (*values(rng), *map(_index, starts))  # noqa: E731
    return Example(spec, fn, make, _kind("smooth", dt))


_register(Variant("structural", tuple(_STRUCTURAL_DRAWS), lambda p: _STRUCT_DTYPES,
                  _structural_draw, _structural_build))  # fmt: skip


# --- dot_general -------------------------------------------------------------------------


@st.composite
def _dot_general(draw: st.DrawFn) -> Drawn:
    """Batch, contracting and free axes of both operands in random positions."""
    size = st.integers(1, 3)
    batch = draw(st.lists(size, max_size=1))
    contract = draw(st.lists(size, max_size=2))
    lfree = draw(st.lists(size, max_size=2))
    rfree = draw(st.lists(size, max_size=1))
    lroles = [("b", i) for i in range(len(batch))] + [("c", i) for i in range(len(contract))] + [
        ("f", i) for i in range(len(lfree))]  # fmt: skip
    rroles = [("b", i) for i in range(len(batch))] + [("c", i) for i in range(len(contract))] + [
        ("f", i) for i in range(len(rfree))]  # fmt: skip
    lroles = draw(st.permutations(lroles))
    rroles = draw(st.permutations(rroles))
    dims = {"b": batch, "c": contract}

    def shape(roles: Sequence[tuple[str, int]], free: list[int]) -> Shape:
        return tuple(free[i] if r == "f" else dims[r][i] for r, i in roles)

    def where(roles: Sequence[tuple[str, int]], r: str, n: int) -> tuple[int, ...]:
        return tuple(roles.index((r, i)) for i in range(n))

    dn = ((where(lroles, "c", len(contract)), where(rroles, "c", len(contract))),
          (where(lroles, "b", len(batch)), where(rroles, "b", len(batch))))  # fmt: skip
    return (shape(lroles, lfree), shape(rroles, rfree)), (dn,)


def _dot_build(spec: Spec) -> Example:
    dt = np.dtype(spec.dtype)
    (dn,) = spec.params
    a, b = spec.shapes
    return Example(spec, lambda x, y: linalg.dot_general(x, y, dn),
                   lambda rng: (_ANY(rng, dt, a), _ANY(rng, dt, b)),
                   _kind("smooth", dt))  # fmt: skip


_register(Variant("dot_general", ("dot_general",), lambda p: (*INEXACT, I32),
                  lambda p, d: _dot_general(), _dot_build))  # fmt: skip


# --- gather and scatter ------------------------------------------------------------------


@st.composite
def _gather_scatter(draw: st.DrawFn, prim: str) -> Drawn:
    """An operand, index rows (some out of range) and, for scatter, the updates' shape.

    Params: the index array as nested tuples, then the mode (gather) or kind (scatter).
    """
    shape = draw(_shapes(min_dims=1, max_side=4))
    k = draw(st.integers(1, min(2, len(shape))))
    batch = draw(_shapes(min_dims=1, max_dims=2))
    kind = draw(st.sampled_from(["clip", "fill"] if prim == "gather" else ["set", "add", "mul"]))
    rows = math.prod(batch)
    unique = kind == "set"  # which of two duplicate 'set' updates wins is unspecified
    if unique:
        rows = min(rows, math.prod(shape[:k]) + 2)
        batch = (rows,)
    flat: list[tuple[int, ...]] = []
    seen: set[tuple[int, ...]] = set()
    for _ in range(rows):
        row = tuple(draw(st.integers(-1, n)) for n in shape[:k])
        inside = all(0 <= i < n for i, n in zip(row, shape, strict=False))
        if unique and inside and row in seen:
            row = (-1,) * k
        seen.add(row)
        flat.append(row)
    idx = np.asarray(flat, dtype=np.int64).reshape((*batch, k))
    shapes: tuple[Shape, ...] = (shape,)
    if prim == "scatter":
        shapes = (shape, (*batch, *shape[k:]))
    return shapes, (idx.tolist(), kind)


def _gather_build(spec: Spec) -> Example:
    dt = np.dtype(spec.dtype)
    nested, mode = spec.params
    idx = np.asarray(nested, I32)
    (shape,) = spec.shapes
    return Example(spec, lambda x, i: ix.gather(x, i, mode),
                   lambda rng: (_ANY(rng, dt, shape), idx), _kind("smooth", dt))  # fmt: skip


def _scatter_build(spec: Spec) -> Example:
    dt = np.dtype(spec.dtype)
    nested, kind = spec.params
    idx = np.asarray(nested, I32)
    xs, us = spec.shapes
    draw = _uniform(0.5, 1.5, sign=True) if kind == "mul" else _ANY
    return Example(spec, lambda x, i, u: ix.scatter(x, i, u, kind),
                   lambda rng: (draw(rng, dt, xs), idx, draw(rng, dt, us)),
                   _kind("smooth", dt))  # fmt: skip


def _nested(x: Any) -> Any:
    return tuple(_nested(y) for y in x) if isinstance(x, list) else x


def _gs_draw(prim: str, dt: DType) -> Shapes:
    return _gather_scatter(prim).map(lambda t: (t[0], (_nested(t[1][0]), t[1][1])))


_register(Variant("gather", ("gather",), lambda p: (*INEXACT, I32), _gs_draw, _gather_build))
_register(Variant("scatter", ("scatter",), lambda p: (*INEXACT, I32), _gs_draw, _scatter_build))


# --- sort ----------------------------------------------------------------------------------


def _sort_draw(prim: str, dt: DType) -> Shapes:
    return _shapes(min_dims=1).flatmap(lambda s: st.tuples(
        st.integers(0, len(s) - 1), st.integers(1, 2)).map(
        lambda t: ((s,) * t[1], (t[0],))))  # fmt: skip


def _sort_build(spec: Spec) -> Example:
    dt = np.dtype(spec.dtype)
    (axis,) = spec.params
    key_shape, *payload = spec.shapes

    def make(rng: np.random.Generator) -> tuple[NDArray, ...]:
        # Distinct keys: sort is differentiable only away from ties.
        return (distinct(key_shape)(rng, dt), *(_ANY(rng, dt, s) for s in payload))

    return Example(spec, lambda *xs: sorting.sort(xs, axis), make, _kind("smooth", dt))


_register(Variant("sort", ("sort",), lambda p: (*FLOAT, I32), _sort_draw, _sort_build))


# --- LAPACK-backed primitives -----------------------------------------------------------


def _unitary(rng: np.random.Generator, dt: DType, batch: Shape, n: int) -> NDArray:
    wide = np.complex128 if dtypes.is_complex(dt) else np.float64
    a = U((*batch, n, n)).draw(rng, dt).astype(wide)
    q, _ = np.linalg.qr(a)
    return np.asarray(q)


def _with_spectrum(rng: np.random.Generator, dt: DType, batch: Shape, n: int, lo: float) -> NDArray:
    """A Hermitian matrix with eigenvalues at least 0.7 apart, all above ``lo``."""
    q = _unitary(rng, dt, batch, n)
    lam = lo + np.arange(n) + rng.uniform(0.0, 0.3, (*batch, n))
    h = (q * lam[..., None, :]) @ np.conj(np.swapaxes(q, -1, -2))
    h = (h + np.conj(np.swapaxes(h, -1, -2))) / 2
    return np.asarray(h.astype(dt))


def _dominant(rng: np.random.Generator, dt: DType, shape: Shape, lo: float = -1.0) -> NDArray:
    """Random entries with a dominant diagonal (well conditioned, no pivoting ties)."""
    a = U(shape, lo, 1.0).draw(rng, dt)
    m, n = shape[-2:]
    return np.asarray((a + (2 + max(m, n)) * np.eye(m, n)).astype(dt))


def _abs2(x: Array) -> Array:
    """|x|^2: blind to the sign/phase freedom of eigen- and singular vectors."""
    if dtypes.is_complex(x.dtype):
        return ew.real(ew.mul(x, ew.conj(x)))
    return ew.mul(x, x)


@st.composite
def _lapack(draw: st.DrawFn, prim: str) -> Drawn:
    batch = draw(st.sampled_from([(), (1,), (2,)]))
    n = draw(st.integers(1, 4))
    if prim == "triangular_solve":
        m = draw(st.integers(1, 3))
        flags = tuple(draw(st.booleans()) for _ in range(5))
        left = flags[0]
        return ((*batch, n, n), (*batch, n, m) if left else (*batch, m, n)), flags
    if prim in ("qr", "svd"):
        m = draw(st.integers(n, 4)) if prim == "qr" else draw(st.integers(1, 4))
        full = prim == "qr" and m == n and draw(st.booleans())
        uv = prim == "qr" or draw(st.booleans())
        return ((*batch, m, n),), (full, uv)
    return ((*batch, n, n),), ()


def _lapack_build(spec: Spec) -> Example:
    dt = np.dtype(spec.dtype)
    shape = spec.shapes[0]
    batch, n = shape[:-2], shape[-1]
    fn: Callable[..., Any]
    if spec.prim == "cholesky":
        fn = lambda x: lapack.cholesky(x, symmetrize_input=False)  # noqa: E731
        make: Maker = lambda rng: (_with_spectrum(rng, dt, batch, n, 1.0),)  # noqa: E731
    elif spec.prim == "eigh":

        def fn(x: Array) -> tuple[Array, Array]:
            v, w = lapack.eigh(x, symmetrize_input=False)
            return w, _abs2(v)

        make = lambda rng: (_with_spectrum(rng, dt, batch, n, -1.0),)  # noqa: E731
    elif spec.prim == "lu":
        fn = lapack.lu
        make = lambda rng: (_dominant(rng, dt, shape),)  # noqa: E731
    elif spec.prim == "qr":
        full = spec.params[0]
        fn = lambda x: lapack.qr(x, full_matrices=full)  # noqa: E731
        make = lambda rng: (_dominant(rng, dt, shape),)  # noqa: E731
    elif spec.prim == "svd":
        _, uv = spec.params
        m = shape[-2]

        def make(rng: np.random.Generator) -> tuple[NDArray, ...]:
            # Singular values at least 0.7 apart and above 1: a well-conditioned derivative.
            k = min(m, n)
            u = _unitary(rng, dt, batch, m)[..., :k]
            v = _unitary(rng, dt, batch, n)[..., :k]
            s = 1.0 + np.arange(k)[::-1] + rng.uniform(0.0, 0.3, (*batch, k))
            a = (u * s[..., None, :]) @ np.conj(np.swapaxes(v, -1, -2))
            return (np.asarray(a.astype(dt)),)

        def fn(x: Array) -> Any:
            if not uv:
                return lapack.svd(x, compute_uv=False)
            u_, s_, vh = lapack.svd(x, full_matrices=False)
            return s_, _abs2(u_), _abs2(vh)

    else:
        left, lower, trans, conj, unit = spec.params
        b_shape = spec.shapes[1]
        fn = lambda a, b: lapack.triangular_solve(a, b, left_side=left, lower=lower,  # noqa: E731
                                                  transpose_a=trans, conjugate_a=conj,
                                                  unit_diagonal=unit)  # fmt: skip
        make = lambda rng: (_dominant(rng, dt, shape), _ANY(rng, dt, b_shape))  # noqa: E731
    return Example(spec, fn, make, "smooth", True, False)


_LAPACK = ("cholesky", "eigh", "lu", "qr", "svd", "triangular_solve")
_register(Variant("lapack", _LAPACK, lambda p: INEXACT, lambda p, d: _lapack(p), _lapack_build))


# ---------------------------------------------------------------------------
# The fixed cases of primitive_cases, as one more variant
# ---------------------------------------------------------------------------

CASES_BY_NAME: dict[str, Case] = {c.name: c for c in CASES}


def _case_build(spec: Spec) -> Example:
    case = CASES_BY_NAME[spec.variant.removeprefix("case:")]
    dt = np.dtype(spec.dtype)

    def make(rng: np.random.Generator) -> tuple[NDArray, ...]:
        return case.make_args(rng, dt)

    kind = case.kind if dtypes.is_inexact(dt) or case.kind == "none" else "none"
    return Example(spec, case.fn, make, kind, case.fd, case.holomorphic)


# ---------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------


def build(spec: Spec) -> Example:
    """The example a spec describes."""
    if spec.variant.startswith("case:"):
        return _case_build(spec)
    return VARIANTS[spec.variant].build(spec)


def variants_of(prim: str) -> list[Variant]:
    return [v for v in VARIANTS.values() if prim in v.prims]


@dataclass(frozen=True)
class Filter:
    """What a law needs of its examples.

    ``differentiable``: an inexact main dtype (and, for cases, not an integer-only case);
    ``wide``: 32-bit inexact dtypes are widened to 64 bits (finite differences, Hessians);
    ``fd``: finite differences measure the derivative (not through ``stop_gradient``).
    """

    differentiable: bool = False
    wide: bool = False
    fd: bool = False

    def dtypes(self, candidates: Sequence[DType]) -> list[DType]:
        out: list[DType] = []
        have = {np.dtype(d) for d in candidates}
        for d in map(np.dtype, candidates):
            if self.wide and WIDE.get(d) in have:
                d = WIDE[d]
            if self.differentiable and not dtypes.is_inexact(d):
                continue
            if d not in out:
                out.append(d)
        return out

    def case_ok(self, case: Case) -> bool:
        if self.differentiable and case.kind == "none":
            return False
        return case.fd or not self.fd


def _spec_strategy(prim: str, variant: str, dts: Sequence[DType],
                   shapes: Callable[[DType], Shapes]
                   ) -> st.SearchStrategy[Spec]:  # fmt: skip
    seeds = st.integers(0, 2**16)

    def with_dtype(dt: DType) -> st.SearchStrategy[Spec]:
        return st.tuples(shapes(dt), seeds).map(
            lambda t: Spec(prim, variant, dt.name, t[0][0], t[0][1], t[1]))  # fmt: skip

    return st.sampled_from(list(dts)).flatmap(with_dtype)


def _no_shapes(dt: DType) -> Shapes:
    return st.just(((), ()))


@functools.cache
def sources(prim: str, flt: Filter = Filter()) -> list[st.SearchStrategy[Spec]]:
    """One strategy per generated variant and per fixed case of ``prim`` that ``flt`` admits."""
    out: list[st.SearchStrategy[Spec]] = []
    for v in variants_of(prim):
        dts = flt.dtypes(v.dtypes(prim))
        if dts and (v.fd(prim) or not flt.fd):
            out.append(_spec_strategy(prim, v.name, dts, functools.partial(v.draw, prim)))
    for case in CASES_BY_PRIM.get(prim, []):
        dts = flt.dtypes(case.dtypes)
        if dts and flt.case_ok(case):
            out.append(_spec_strategy(prim, f"case:{case.name}", dts, _no_shapes))
    return out


@functools.cache
def specs(prim: str, flt: Filter = Filter()) -> st.SearchStrategy[Spec]:
    """Applications of ``prim`` admitted by ``flt`` (raises if there is none: see laws)."""
    srcs = sources(prim, flt)
    if not srcs:
        raise ValueError(f"no examples of {prim!r} satisfy {flt}")
    return st.one_of(srcs)


def has_examples(prim: str, flt: Filter) -> bool:
    return bool(sources(prim, flt))
