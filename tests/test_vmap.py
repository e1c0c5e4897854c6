"""vmap: batching rules for every primitive, composition with the other transformations,
the Jacobian cookbook built on vmap, and vmap's argument errors.

The truth for every batched result is the same computation run slice by slice in eager
mode (a Python loop over the batch) and stacked, or a closed form in numpy.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ParamSpec

import numpy as np
import primitive_cases
import pytest

import fad
import fad.numpy as jnp
import fad.tree_util as jtu
from fad import grad, hessian, jacfwd, jacrev, jvp, linearize, vjp, vmap
from fad._src import core
from fad._src.core import Array
from fad._src.interpreters.batch import batch_rules
from fad._src.prims import eig as eig_prim
from fad._src.prims import indexing as ix
from fad._src.prims import lapack, sorting
from fad._src.prims import reductions as red
from fad._src.prims import structural as st

NDArray = np.ndarray[Any, Any]
Builder = Callable[[np.random.Generator], list[NDArray]]

# ---------------------------------------------------------------------------
# One or more input builders per primitive
# ---------------------------------------------------------------------------


def _f32(
    rng: np.random.Generator, shape: tuple[int, ...], lo: float = -2.0, hi: float = 2.0
) -> NDArray:
    return rng.uniform(lo, hi, shape).astype(np.float32)


def _i32(rng: np.random.Generator, shape: tuple[int, ...], lo: int, hi: int) -> NDArray:
    return rng.integers(lo, hi, shape).astype(np.int32)


def _c64(rng: np.random.Generator, shape: tuple[int, ...]) -> NDArray:
    return (_f32(rng, shape) + 1j * _f32(rng, shape)).astype(np.complex64)


@dataclass(frozen=True)
class Case:
    prim: str
    make: Builder
    params: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    # 0 means exact equality; reductions and contractions may sum in another order.
    tol: float = 0.0
    # Applies the primitive (through its public wrapper) when binding it directly with
    # ``params`` is not convenient (programs as parameters, input preprocessing).
    fn: Callable[..., Any] | None = None

    @property
    def id(self) -> str:
        return f"{self.prim}-{self.label}" if self.label else self.prim


S = (2, 3)

# Unary float ops and the interval their inputs are drawn from (inside each domain).
_UNARY_DOMAINS: dict[str, tuple[float, float]] = {
    "sin": (-3, 3), "cos": (-3, 3), "tan": (-1.2, 1.2), "asin": (-0.9, 0.9),
    "acos": (-0.9, 0.9), "atan": (-3, 3), "sinh": (-3, 3), "cosh": (-3, 3),
    "tanh": (-3, 3), "asinh": (-3, 3), "acosh": (1.1, 4), "atanh": (-0.9, 0.9),
    "exp": (-3, 3), "exp2": (-3, 3), "log": (0.1, 4), "log1p": (-0.9, 3),
    "expm1": (-3, 3), "sqrt": (0.1, 4), "rsqrt": (0.1, 4), "cbrt": (-4, 4),
    "logistic": (-4, 4), "erf": (-2, 2), "erfc": (-2, 2), "erf_inv": (-0.9, 0.9),
    "lgamma": (0.2, 4), "digamma": (0.2, 4), "abs": (-3, 3), "sign": (-3, 3),
    "floor": (-3, 3), "ceil": (-3, 3), "round": (-3, 3), "is_finite": (-3, 3),
    "neg": (-3, 3), "stop_gradient": (-3, 3),
}  # fmt: skip


def _unary(lo: float, hi: float) -> Builder:
    return lambda rng: [_f32(rng, S, lo, hi)]


def _binary_f32(
    lo: float = -2.0, hi: float = 2.0, lo2: float | None = None, hi2: float | None = None
) -> Builder:
    return lambda rng: [
        _f32(rng, S, lo, hi),
        _f32(rng, S, lo if lo2 is None else lo2, hi if hi2 is None else hi2),
    ]


def _small_ints_as_f32(rng: np.random.Generator) -> list[NDArray]:
    # Few distinct values, so that equal operands actually occur in comparisons.
    return [_i32(rng, S, 0, 3).astype(np.float32), _i32(rng, S, 0, 3).astype(np.float32)]


def _clamp_ops(rng: np.random.Generator) -> list[NDArray]:
    lo = _f32(rng, S, -2, 0)
    return [lo, _f32(rng, S, -3, 3), lo + _f32(rng, S, 0, 2)]


def _scatter_ops(unique: bool) -> Builder:
    def make(rng: np.random.Generator) -> list[NDArray]:
        if unique:
            idx = rng.permutation(5)[:3].reshape(3, 1).astype(np.int32)
        else:
            idx = _i32(rng, (3, 1), -1, 6)  # repeats and out-of-range entries
        return [_f32(rng, (5, 4)), idx, _f32(rng, (3, 4))]

    return make


I32 = np.dtype(np.int32)

CASES: list[Case] = [
    *(Case(name, _unary(lo, hi)) for name, (lo, hi) in _UNARY_DOMAINS.items()),
    Case("real", lambda rng: [_c64(rng, S)]),
    Case("imag", lambda rng: [_c64(rng, S)]),
    Case("conj", lambda rng: [_c64(rng, S)]),
    Case("not", lambda rng: [rng.integers(0, 2, S).astype(bool)], label="bool"),
    Case("not", lambda rng: [_i32(rng, S, -50, 50)], label="int"),
    Case("integer_pow", _unary(-2, 2), {"y": 3}),
    Case("integer_pow", _unary(0.5, 2), {"y": -2}, label="neg"),
    Case("convert_element_type", _unary(-9, 9), {"new_dtype": I32, "weak_type": False}),
    Case("add", _binary_f32()),
    Case("add_any", _binary_f32()),
    Case("sub", _binary_f32()),
    Case("mul", _binary_f32()),
    Case("div", _binary_f32(-2, 2, 0.5, 2)),
    Case("rem", _binary_f32(-4, 4, 0.5, 2)),
    Case("pow", _binary_f32(0.2, 3, -2, 2)),
    Case("max", _small_ints_as_f32),
    Case("min", _small_ints_as_f32),
    Case("atan2", _binary_f32()),
    Case("nextafter", _binary_f32()),
    Case("complex", _binary_f32()),
    Case("polygamma", lambda rng: [_i32(rng, S, 0, 3).astype(np.float32), _f32(rng, S, 0.3, 4)]),
    *(Case(name, _small_ints_as_f32) for name in ("eq", "ne", "lt", "le", "gt", "ge")),
    *(
        Case(name, lambda rng: [_i32(rng, S, -50, 50), _i32(rng, S, -50, 50)])
        for name in ("and", "or", "xor")
    ),
    *(
        Case(name, lambda rng: [_i32(rng, S, -50, 50), _i32(rng, S, 0, 6)])
        for name in ("shift_left", "shift_right_arithmetic", "shift_right_logical")
    ),
    Case("select_n", lambda rng: [rng.integers(0, 2, S).astype(bool), _f32(rng, S), _f32(rng, S)]),
    Case(
        "select_n",
        lambda rng: [_i32(rng, S, 0, 3), _f32(rng, S), _f32(rng, S), _f32(rng, S)],
        label="int3",
    ),
    Case("clamp", _clamp_ops),
    Case("fma", lambda rng: [_f32(rng, S), _f32(rng, S), _f32(rng, S)]),
    Case("bitcast_convert_type", _unary(-3, 3), {"new_dtype": I32}),
    Case("bitcast_convert_type", _unary(-3, 3), {"new_dtype": np.dtype(np.uint16)}, label="narrow"),
    Case(
        "bitcast_convert_type",
        lambda rng: [rng.integers(0, 256, (2, 4)).astype(np.uint8)],
        {"new_dtype": np.dtype(np.float32)},
        label="widen",
    ),
    *(
        Case(name, lambda rng: [_f32(rng, (2, 3, 4))], {"axes": axes}, label=str(axes), tol=1e-5)
        for name in ("reduce_sum", "reduce_prod", "reduce_max", "reduce_min")
        for axes in ((1,), (0, 2))
    ),
    *(
        Case(name, lambda rng: [rng.integers(0, 2, (2, 3, 4)).astype(bool)], {"axes": (0, 2)})
        for name in ("reduce_and", "reduce_or")
    ),
    *(
        Case(
            name,
            lambda rng: [_f32(rng, (2, 3, 4))],
            {"axis": axis, "index_dtype": I32},
            label=str(axis),
        )
        for name in ("argmax", "argmin")
        for axis in (0, 2)
    ),
    Case("cumsum", lambda rng: [_f32(rng, (2, 3, 4))], {"axis": 1, "reverse": False}, tol=1e-5),
    Case("cumsum", lambda rng: [_f32(rng, (2, 3, 4))], {"axis": 2, "reverse": True}, "rev", 1e-5),
    Case(
        "broadcast_in_dim",
        lambda rng: [_f32(rng, (3, 1))],
        {"shape": (2, 3, 4), "broadcast_dimensions": (1, 2)},
    ),
    Case(
        "broadcast_in_dim",
        lambda rng: [_f32(rng, (3,))],
        {"shape": (3, 4), "broadcast_dimensions": (0,)},
        label="lead",
    ),
    Case(
        "broadcast_in_dim",
        lambda rng: [_f32(rng, ())],
        {"shape": (2, 3), "broadcast_dimensions": ()},
        "scalar",
    ),
    Case("reshape", lambda rng: [_f32(rng, (2, 3, 4))], {"new_sizes": (6, 4)}),
    Case("reshape", lambda rng: [_f32(rng, (2, 3))], {"new_sizes": (3, 1, 2)}, label="split"),
    Case("transpose", lambda rng: [_f32(rng, (2, 3, 4))], {"permutation": (2, 0, 1)}),
    Case("rev", lambda rng: [_f32(rng, (2, 3, 4))], {"dimensions": (0, 2)}),
    Case(
        "concatenate",
        lambda rng: [_f32(rng, (2, 3)), _f32(rng, (2, 1)), _f32(rng, (2, 2))],
        {"dimension": 1},
    ),
    Case(
        "concatenate",
        lambda rng: [_f32(rng, (2, 3)), _f32(rng, (1, 3))],
        {"dimension": 0},
        label="axis0",
    ),
    Case(
        "pad",
        lambda rng: [_f32(rng, (3, 4)), _f32(rng, ())],
        {"padding_config": ((1, 2, 1), (0, -1, 0))},
    ),
    Case(
        "slice",
        lambda rng: [_f32(rng, (5, 6))],
        {"start_indices": (1, 0), "limit_indices": (5, 6), "strides": (2, 1)},
    ),
    Case(
        "slice",
        lambda rng: [_f32(rng, (5, 6))],
        {"start_indices": (1, 2), "limit_indices": (4, 5), "strides": None},
        label="unit",
    ),
    Case(
        "dynamic_slice",
        # Starts beyond the valid range exercise the clamping.
        lambda rng: [_f32(rng, (5, 6)), _i32(rng, (), -1, 6), _i32(rng, (), 0, 7)],
        {"slice_sizes": (2, 3)},
    ),
    Case(
        "dynamic_update_slice",
        lambda rng: [
            _f32(rng, (5, 6)),
            _f32(rng, (2, 3)),
            _i32(rng, (), -1, 6),
            _i32(rng, (), 0, 7),
        ],
    ),
    Case("gather", lambda rng: [_f32(rng, (5, 4)), _i32(rng, (3, 1), -1, 6)], {"mode": "clip"}),
    Case(
        "gather",
        lambda rng: [_f32(rng, (5, 4)), _i32(rng, (3, 1), -1, 6)],
        {"mode": "fill"},
        label="fill",
    ),
    Case(
        "gather",
        lambda rng: [_f32(rng, (5, 4)), _i32(rng, (2, 3, 2), 0, 4)],
        {"mode": "clip"},
        label="k2",
    ),
    Case("scatter", _scatter_ops(unique=True), {"kind": "set"}, label="set"),
    *(
        Case("scatter", _scatter_ops(unique=False), {"kind": k}, label=k, tol=1e-5)
        for k in ("add", "mul", "min", "max")
    ),
    Case(
        "dot_general",
        lambda rng: [_f32(rng, (2, 3, 4)), _f32(rng, (2, 4, 5))],
        {"dimension_numbers": (((2,), (1,)), ((0,), (0,))), "preferred_element_type": None},
        label="batched",
        tol=1e-5,
    ),
    Case(
        "dot_general",
        lambda rng: [_f32(rng, (3, 4)), _f32(rng, (5, 4))],
        {"dimension_numbers": (((1,), (1,)), ((), ())), "preferred_element_type": None},
        label="nt",
        tol=1e-5,
    ),
    Case(
        "sort", lambda rng: [_f32(rng, (3, 4))], {"dimension": 1, "is_stable": True, "num_keys": 1}
    ),
    Case(
        "sort",
        lambda rng: [_i32(rng, (3, 4), 0, 3), _f32(rng, (3, 4))],
        {"dimension": 0, "is_stable": True, "num_keys": 1},
        label="2ops",
    ),
]


def _spd(rng: np.random.Generator) -> list[NDArray]:
    m = _f32(rng, (3, 3))
    return [m @ m.T + 3 * np.eye(3, dtype=np.float32)]


def _triangular(rng: np.random.Generator) -> list[NDArray]:
    a = np.tril(_f32(rng, (3, 3))) + 3 * np.eye(3, dtype=np.float32)
    return [a, _f32(rng, (3, 2))]


def _jitted(x: Array, y: Array) -> Array:
    return jnp.sin(x) * y + jnp.sum(x * x)


_jit_fn = fad.jit(_jitted)

CASES += [
    Case("cholesky", _spd, fn=lapack.cholesky, tol=1e-5),
    Case(
        "triangular_solve",
        _triangular,
        fn=lambda a, b: lapack.triangular_solve(a, b, left_side=True, lower=True),
        tol=1e-5,
    ),
    Case("lu", lambda rng: [_f32(rng, (3, 3))], fn=lapack.lu, tol=1e-5),
    Case(
        "lu_pivots_to_permutation",
        lambda rng: [np.array([rng.integers(i, 5) for i in range(3)], np.int32)],
        {"permutation_size": 5},
    ),
    Case("qr", lambda rng: [_f32(rng, (4, 3))], fn=lapack.qr, tol=1e-5),
    Case("eig", lambda rng: [_f32(rng, (3, 3))], fn=eig_prim.eig, tol=1e-5),
    Case("eigh", _spd, fn=lapack.eigh, tol=1e-5),
    Case("svd", lambda rng: [_f32(rng, (4, 3))], fn=lapack.svd, tol=1e-5),
    Case("xla_call", _binary_f32(), fn=_jit_fn, label="jit", tol=1e-6),
]

# Control flow, custom derivative rules, checkpointing, custom_linear_solve and fft: their
# shared cases, in their first dtype (float32 or complex64).
CASES += [
    Case(
        c.prim,
        lambda rng, c=c: list(c.make_args(rng, c.dtypes[0])),  # type: ignore[misc]
        label=c.name,
        tol=0.0 if c.dtypes[0] == I32 else 1e-5,
        fn=c.fn,
    )
    for c in primitive_cases.CASES
    if c.prim
    in (
        "cond", "while", "scan", "custom_jvp_call", "custom_vjp_call", "checkpoint",
        "custom_linear_solve", "fft",
    )
]
# The Schur and Hessenberg decompositions (LAPACK per matrix of the batch).
CASES += [
    Case(c.prim, lambda rng, c=c: list(c.make_args(rng, c.dtypes[0])), label=c.name, tol=1e-5,  # type: ignore[misc]
         fn=c.fn)
    for c in primitive_cases.CASES
    if c.prim in primitive_cases.NO_DERIVATIVE
]  # fmt: skip

# Primitives that no vmap can ever hand a batched operand to, and why.
NOT_BATCHABLE: dict[str, str] = {
    "iota": "takes no operands, so nothing can carry a batch axis; vmap binds it unchanged",
    "custom_vjp_lin": "never evaluated, only transposed (forward mode through custom_vjp is an "
    "error); its batching rule is tested in tests/test_custom_derivatives.py",
    **{
        p: "a collective runs only where a named axis is bound; vmap = loop over members is "
        "tested with its named and unnamed batch rules in tests/test_collectives.py"
        for p in ("psum", "pmax", "pmin", "all_gather", "psum_scatter", "all_to_all", "ppermute",
                  "axis_index")
    },
    "shard_map": "needs a mesh; vmap of shard_map is tested in tests/test_shard_map.py",
    "sharding_constraint": "needs several devices; vmap of it is tested in "
    "tests/test_sharding.py",
    "pure_callback": "calls a user's Python function; each vmap_method is tested in "
    "tests/test_callbacks.py",
    "debug_callback": "calls a user's Python function per element; tests/test_callbacks.py",
}  # fmt: skip


def test_every_primitive_is_covered() -> None:
    """Each primitive has a property-test case here, or is listed with a reason."""
    covered = {c.prim for c in CASES}
    names = set(core.all_primitives)
    missing = names - covered - set(NOT_BATCHABLE)
    assert not missing, f"primitives without a vmap test case: {sorted(missing)}"
    assert not (covered - names), f"cases for unknown primitives: {sorted(covered - names)}"
    assert not (covered & set(NOT_BATCHABLE))


def test_cases_exercise_their_primitive() -> None:
    """Each case's function really applies the primitive it is filed under."""
    rng = np.random.default_rng(0)
    for case in CASES:
        if case.fn is None:
            continue
        ops = [Array(o) for o in case.make(rng)]
        names = _prim_names(case.fn, *ops)
        assert case.prim in names, (case.id, names)


def test_every_batchable_primitive_has_a_rule() -> None:
    without = [
        n for n, p in core.all_primitives.items() if p not in batch_rules and n not in NOT_BATCHABLE
    ]
    assert not without, f"primitives without a batching rule: {sorted(without)}"


# ---------------------------------------------------------------------------
# The property: vmap(prim) == stack of prim over the slices
# ---------------------------------------------------------------------------

TRIALS = 7


def _draw_in_axes(rng: np.random.Generator, ranks: Sequence[int], trial: int) -> list[int | None]:
    """Trial 0: all at the front; 1: only the first operand, last position; 2: only the last
    operand, middle position; then random subsets and (possibly negative) positions."""
    n = len(ranks)
    if trial == 0:
        return [0] * n
    if trial == 1:
        return [-1 if i == 0 else None for i in range(n)]
    if trial == 2:
        return [(ranks[i] + 1) // 2 if i == n - 1 else None for i in range(n)]
    while True:
        axes: list[int | None] = []
        for r in ranks:
            if rng.random() < 0.35:
                axes.append(None)
            else:
                axes.append(int(rng.integers(-(r + 1), r + 1)))
        if any(a is not None for a in axes):
            return axes


def _assert_same(got: Array, want: NDArray, tol: float, what: str) -> None:
    g = np.asarray(got)
    assert g.dtype == want.dtype, f"{what}: dtype {g.dtype} != {want.dtype}"
    assert g.shape == want.shape, f"{what}: shape {g.shape} != {want.shape}"
    if tol:
        np.testing.assert_allclose(g, want, rtol=tol, atol=tol, err_msg=what)
    else:
        np.testing.assert_array_equal(g, want, err_msg=what)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_batching_rule_matches_loop(case: Case) -> None:
    prim = core.all_primitives[case.prim]
    rng = np.random.default_rng(zlib.crc32(case.id.encode()))

    def f(*ops: Array) -> Any:
        if case.fn is not None:
            return case.fn(*ops)
        return prim.bind(*ops, **case.params)

    for trial in range(TRIALS):
        size = int(rng.integers(1, 5))
        slices = [case.make(rng) for _ in range(size)]
        ranks = [o.ndim for o in slices[0]]
        in_axes = _draw_in_axes(rng, ranks, trial)
        args = [
            Array(slices[0][i])
            if ax is None
            else Array(np.stack([s[i] for s in slices], ax % (r + 1)))
            for i, (ax, r) in enumerate(zip(in_axes, ranks, strict=True))
        ]
        outs = []
        for s in slices:
            ops = [Array(s[i] if ax is not None else slices[0][i]) for i, ax in enumerate(in_axes)]
            outs.append(f(*ops))
        per_slice = [jtu.tree_leaves(o) for o in outs]
        out_axes = [int(rng.integers(-(o.ndim + 1), o.ndim + 1)) for o in per_slice[0]]
        spec = jtu.tree_unflatten(jtu.tree_structure(outs[0]), out_axes)
        got = jtu.tree_leaves(vmap(f, in_axes=tuple(in_axes), out_axes=spec)(*args))
        assert len(got) == len(out_axes)
        for k, (g, ax) in enumerate(zip(got, out_axes, strict=True)):
            want = np.stack([np.asarray(p[k]) for p in per_slice], ax)
            _assert_same(
                g,
                want,
                case.tol,
                f"{case.id} trial {trial} in_axes={in_axes} out_axes={ax} output {k}",
            )


# The shared case table (tests/primitive_cases.py): more shapes, dtypes and composite
# fad.numpy spellings of each primitive, under the same property.
SHARED = primitive_cases.CASES


@pytest.mark.parametrize("case", SHARED, ids=primitive_cases.ids(SHARED))
def test_shared_cases_vmap_matches_loop(case: primitive_cases.Case) -> None:
    rng = np.random.default_rng(zlib.crc32(case.name.encode()))
    dt = case.dtypes[0]
    with fad.config.enable_x64_scope((dt.itemsize == 8 and dt.kind != "c") or dt.itemsize == 16):
        for trial in range(3):
            size = int(rng.integers(1, 4))
            seed0 = int(rng.integers(1 << 30))
            slices = [case.numpy_args(dt, seed0 + k) for k in range(size)]
            ranks = [o.ndim for o in slices[0]]
            in_axes = _draw_in_axes(rng, ranks, trial)
            args = [
                core.asarray(
                    slices[0][i] if ax is None else np.stack([sl[i] for sl in slices], ax % (r + 1))
                )
                for i, (ax, r) in enumerate(zip(in_axes, ranks, strict=True))
            ]
            per_slice = []
            for sl in slices:
                ops = [
                    core.asarray(sl[i] if ax is not None else slices[0][i])
                    for i, ax in enumerate(in_axes)
                ]
                per_slice.append(jtu.tree_leaves(case.fn(*ops)))
            out_axes = [int(rng.integers(-(o.ndim + 1), o.ndim + 1)) for o in per_slice[0]]
            out = case.fn(*(core.asarray(a) for a in slices[0]))
            spec = jtu.tree_unflatten(jtu.tree_structure(out), out_axes)
            got = jtu.tree_leaves(
                vmap(case.fn, in_axes=tuple(in_axes), out_axes=spec, axis_size=size)(*args)
            )
            for k, (g, ax) in enumerate(zip(got, out_axes, strict=True)):
                want = np.stack([np.asarray(p[k]) for p in per_slice], ax)
                exact = not np.issubdtype(want.dtype, np.inexact)
                what = f"{case.name} {dt} trial {trial} in_axes={in_axes} out_axes={ax} output {k}"
                _assert_same(g, want, 0.0 if exact else 2e-5, what)


# ---------------------------------------------------------------------------
# Rules move the batch axis only when they must
# ---------------------------------------------------------------------------


P = ParamSpec("P")


def _prim_names(fun: Callable[P, object], *args: P.args, **kwargs: P.kwargs) -> list[str]:
    return [e.prim.name for e in fad.make_jaxpr(fun)(*args, **kwargs).program.eqns]


def test_batch_axis_stays_put_where_it_can() -> None:
    x = jnp.ones((2, 5, 3))
    y = jnp.ones((2, 5, 3))
    v = jnp.ones((2, 3))
    # Elementwise with both operands batched at the same (middle) axis: just the op.
    assert _prim_names(vmap(lambda a, b: a * b, in_axes=1, out_axes=1), x, y) == ["mul"]
    assert _prim_names(vmap(jnp.sin, in_axes=2, out_axes=2), x) == ["sin"]
    # One unbatched operand: broadcast it in place, no transpose of the batched one.
    names = _prim_names(vmap(lambda a, b: a + b, in_axes=(1, None), out_axes=1), x, v)
    assert "transpose" not in names and names[-1] == "add"
    # A reduction over a non-batch axis keeps the batch axis (now at position 0).
    assert _prim_names(vmap(lambda a: a.sum(0), in_axes=1, out_axes=0), x) == ["reduce_sum"]
    # Batched matmul with the batch axes in the middle/last: one dot_general, no transposes.
    a = jnp.ones((4, 7, 5))
    b = jnp.ones((5, 6, 7))
    names = _prim_names(vmap(lambda p, q: jnp.dot(p, q), in_axes=(1, 2)), a, b)
    assert names == ["dot_general"], names


_NO_MOVE_CASES: list[tuple[str, Callable[..., Any], tuple[int, ...], int, int]] = [
    # (label, per-example function, per-example shape, in_axes, out_axes where the rule leaves it)
    ("cumsum", lambda x: red.cumsum(x, 0), (3, 4), 1, 1),
    ("sort", lambda x: sorting.sort([x], 0)[0], (3, 4), 1, 1),
    ("rev", lambda x: st.rev(x, (0,)), (3, 4), 2, 2),
    ("slice", lambda x: st.slice_(x, (1, 0), (3, 4)), (3, 4), 1, 1),
    ("concatenate", lambda x: st.concatenate([x, x], 0), (3, 4), 1, 1),
    (
        "pad",
        lambda x: st.pad(x, Array(np.asarray(0, np.float32)), ((1, 1, 0), (0, 2, 1))),
        (3, 4),
        1,
        1,
    ),
    ("broadcast_in_dim", lambda x: st.broadcast_in_dim(x, (2, 3), (1,)), (3,), 1, 2),
    ("argmax", lambda x: red.argmax(x, 0, np.dtype(np.int32)), (3, 4), 2, 1),
    (
        "dynamic_slice",
        lambda x: ix.dynamic_slice(x, [Array(np.asarray(1, np.int32))] * 2, (2, 2)),
        (3, 4),
        1,
        1,
    ),
]


@pytest.mark.parametrize(
    "label,fun,shape,in_ax,out_ax", _NO_MOVE_CASES, ids=[c[0] for c in _NO_MOVE_CASES]
)
def test_rule_keeps_the_batch_axis_in_place(
    label: str, fun: Callable[..., Any], shape: tuple[int, ...], in_ax: int, out_ax: int
) -> None:
    full = list(shape)
    full.insert(in_ax, 5)
    x = _arr(*full)
    names = _prim_names(vmap(fun, in_axes=in_ax, out_axes=out_ax), x)
    assert "transpose" not in names and label in names, names
    # ... and the result is still right.
    got = np.asarray(vmap(fun, in_axes=in_ax, out_axes=out_ax)(x))
    want = np.stack([np.asarray(fun(Array(np.take(x, i, in_ax)))) for i in range(5)], out_ax)
    np.testing.assert_array_equal(got, want)


def test_vmap_does_not_loop_over_the_batch() -> None:
    """The number of primitives applied does not grow with the batch size."""

    def f(x: Array, y: Array) -> Array:
        return jnp.sum(jnp.sin(x) * jnp.cumsum(y) + jnp.sort(x)[::-1], axis=0)

    def count(n: int) -> int:
        counter = _Counting()
        xs, ys = jnp.ones((n, 4)), jnp.ones((4, n))
        with core.installed(counter):
            vmap(f, in_axes=(0, 1))(xs, ys)
        return len(counter.log)

    assert count(2) == count(40) > 0


@dataclass(frozen=True, eq=False)
class _Counting(core.Handler):
    """Records the name of every primitive that reaches it, then evaluates it below."""

    log: list[str] = field(default_factory=list)

    def process(self, prim: core.Primitive, args: Sequence[Array], params: core.Params) -> Any:
        self.log.append(prim.name)
        return self.forward(prim, args, params)


# ---------------------------------------------------------------------------
# in_axes / out_axes / axis_size semantics
# ---------------------------------------------------------------------------

R = np.random.default_rng(0)


def _arr(*shape: int) -> Any:
    """Random float32 data; typed ``Any`` because it is fed both to numpy and, as an array
    argument, to functions annotated with ``fad.Array``."""
    return R.standard_normal(shape).astype(np.float32)


def test_in_axes_pytrees_none_and_negative() -> None:
    xs, b, ys = _arr(3, 4), _arr(4), _arr(4, 3)

    def f(d: dict[str, Array], pair: tuple[Array, Array]) -> Array:
        return d["a"] * d["b"] + pair[0] - pair[1]

    got = vmap(f, in_axes=({"a": 0, "b": None}, (-1, None)))({"a": xs, "b": b}, (ys, b))
    want = xs * b + ys.T - b
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)
    # A list in_axes means the same as a tuple; a prefix entry covers a whole subtree.
    got2 = vmap(f, in_axes=[{"a": 0, "b": None}, None])({"a": xs, "b": b}, (b, b))
    np.testing.assert_allclose(np.asarray(got2), xs * b, rtol=1e-6, atol=1e-6)


def test_keyword_arguments_are_mapped_over_axis_0() -> None:
    xs, ys = _arr(3, 2), _arr(3, 2)
    got = vmap(lambda x, *, y: x @ y)(xs, y=ys)
    np.testing.assert_allclose(np.asarray(got), np.einsum("bi,bi->b", xs, ys), rtol=1e-6)


def test_out_axes_pytree_and_unbatched_outputs() -> None:
    xs, c = _arr(3, 4), _arr(2)

    def f(x: Array) -> tuple[Array, dict[str, Array]]:
        return x * 2, {"c": jnp.asarray(c), "s": x.sum()}

    a, d = vmap(f, out_axes=(1, {"c": None, "s": 0}))(xs)
    np.testing.assert_allclose(np.asarray(a), (xs * 2).T)
    np.testing.assert_array_equal(np.asarray(d["c"]), c)
    np.testing.assert_allclose(np.asarray(d["s"]), xs.sum(1), rtol=1e-6)
    # An unbatched output with an int out_axes is broadcast along the mapped axis.
    out = vmap(lambda x: jnp.asarray(c), out_axes=-1)(xs)
    np.testing.assert_array_equal(np.asarray(out), np.broadcast_to(c[:, None], (2, 3)))


def test_axis_size_with_no_mapped_argument() -> None:
    x = _arr(2)
    out = vmap(lambda v: jnp.sin(v), in_axes=None, axis_size=4)(x)
    np.testing.assert_allclose(np.asarray(out), np.broadcast_to(np.sin(x), (4, 2)), rtol=1e-6)
    out = vmap(lambda: jnp.ones(2), axis_size=3, out_axes=1)()
    assert out.shape == (2, 3)


def test_nested_vmap_outer_product_and_middle_axes() -> None:
    xs, ys = _arr(3, 2), _arr(4, 2)
    f = vmap(vmap(lambda x, y: jnp.dot(x, y), in_axes=(None, 0)), in_axes=(0, None))
    np.testing.assert_allclose(np.asarray(f(xs, ys)), xs @ ys.T, rtol=1e-5)
    # The inner vmap maps the middle axis of the outer slice.
    zs = _arr(3, 5, 2)
    g = vmap(vmap(lambda z: z * z.sum(), in_axes=0, out_axes=1), in_axes=2, out_axes=0)
    want = np.stack([(zs[:, :, k] * zs[:, :, k].sum(1, keepdims=True)).T for k in range(2)])
    np.testing.assert_allclose(np.asarray(g(zs)), want, rtol=1e-5)


def test_inner_vmap_closes_over_outer_batched_values() -> None:
    xs, ys, ms = _arr(3), _arr(5), _arr(3, 2, 2)

    def outer(x: Array, m: Array) -> Array:
        s = jnp.sin(x)
        # s and m are batched by the outer vmap; the inner one sees them as constants.
        inner: Array = vmap(lambda y: s * y + (m @ jnp.stack([y, x])).sum())(ys)
        return inner

    got = vmap(outer)(xs, ms)
    want = np.stack(
        [
            np.sin(xs[i]) * ys + np.array([(ms[i] @ np.array([y, xs[i]])).sum() for y in ys])
            for i in range(3)
        ]
    )
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------
# Composition with the other transformations, both ways
# ---------------------------------------------------------------------------

A = _arr(4, 3)


def _f(x: Array) -> Array:
    """A vector-valued function mixing elementwise math, a matmul, indexing and a sort."""
    h = jnp.tanh(jnp.dot(jnp.asarray(A), x)) * x.sum()
    return jnp.sort(h)[1:] + jnp.cumsum(h)[:-1] ** 2


def _loss(x: Array) -> Array:
    return jnp.sum(_f(x) * jnp.sin(x[0]))


XS = _arr(5, 3)
TS = _arr(5, 3)


def _stack(vals: Sequence[Any]) -> NDArray:
    return np.stack([np.asarray(v) for v in vals])


def test_vmap_of_jvp() -> None:
    got = vmap(lambda x, t: jvp(_f, (x,), (fad.tangent(t),)))(XS, TS)
    want = [jvp(_f, (x,), (fad.tangent(t),)) for x, t in zip(XS, TS, strict=True)]
    np.testing.assert_allclose(np.asarray(got[0]), _stack([w[0] for w in want]), rtol=1e-5)
    np.testing.assert_allclose(
        np.asarray(got[1]), _stack([fad.primal_of(w[1]) for w in want]), rtol=1e-5, atol=1e-6
    )


def test_vmap_of_vjp_and_grad() -> None:
    cts = _arr(5, 3)
    got = vmap(lambda x, c: vjp(_f, x)[1](fad.cotangent(c))[0])(XS, cts)
    want = _stack(
        [fad.primal_of(vjp(_f, Array(x))[1](fad.cotangent(Array(c))))[0]
         for x, c in zip(XS, cts, strict=True)]
    )  # fmt: skip
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-6)
    got_g = vmap(grad(_loss))(XS)
    want_g = _stack([grad(_loss)(Array(x)) for x in XS])
    np.testing.assert_allclose(np.asarray(got_g), want_g, rtol=1e-5, atol=1e-6)
    # Per-example gradients with the batch in the last axis.
    np.testing.assert_allclose(
        np.asarray(vmap(grad(_loss), in_axes=1)(XS.T)), want_g, rtol=1e-5, atol=1e-6
    )


def test_vmap_of_linearize_and_of_a_linearized_function() -> None:
    got = vmap(lambda x, t: linearize(_f, x)[1](fad.tangent(t)))(XS, TS)
    want = _stack(
        [fad.primal_of(jvp(_f, (Array(x),), (fad.tangent(Array(t)),))[1])
         for x, t in zip(XS, TS, strict=True)]
    )  # fmt: skip
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-6)
    # One linearization, many tangents: the staged linear program runs batched.
    _, f_jvp = linearize(_f, Array(XS[0]))
    got2 = vmap(f_jvp)(fad.tangent(Array(TS)))
    x0 = Array(XS[0])
    want2 = _stack([fad.primal_of(jvp(_f, (x0,), (fad.tangent(Array(t)),))[1]) for t in TS])
    np.testing.assert_allclose(np.asarray(fad.primal_of(got2)), want2, rtol=1e-5, atol=1e-6)


def test_vmap_of_hessian() -> None:
    got = vmap(hessian(_loss))(XS)
    want = _stack([hessian(_loss)(Array(x)) for x in XS])
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-4, atol=1e-5)


def test_jvp_and_grad_of_vmap() -> None:
    vf = vmap(_f, in_axes=1, out_axes=1)
    out, tan = jvp(vf, (XS.T,), (fad.tangent(TS.T),))
    want = [jvp(_f, (Array(x),), (fad.tangent(Array(t)),)) for x, t in zip(XS, TS, strict=True)]
    np.testing.assert_allclose(np.asarray(out), _stack([w[0] for w in want]).T, rtol=1e-5)
    np.testing.assert_allclose(
        np.asarray(fad.primal_of(tan)), _stack([fad.primal_of(w[1]) for w in want]).T,
        rtol=1e-5, atol=1e-6,
    )  # fmt: skip
    # Gradient of a batched loss with respect to unbatched parameters: the sum of the
    # per-example gradients.
    w0 = _arr(3)

    def total(w: Array) -> Array:
        losses: Array = vmap(lambda x: _loss(x * w))(XS)
        return losses.sum()

    per_example = _stack([grad(lambda w, x=x: _loss(x * w))(Array(w0)) for x in XS])
    np.testing.assert_allclose(
        np.asarray(grad(total)(w0)), per_example.sum(0), rtol=1e-4, atol=1e-5
    )


def test_jacobians_match_finite_differences() -> None:
    x0 = XS[0].astype(np.float64)
    with fad.config.enable_x64_scope(True):
        jf = np.asarray(jacfwd(_f)(x0))
        jr = np.asarray(jacrev(_f)(x0))
        eps = 1e-6
        fd = np.stack(
            [
                (np.asarray(_f(Array(x0 + eps * e))) - np.asarray(_f(Array(x0 - eps * e))))
                / (2 * eps)
                for e in np.eye(3)
            ],
            axis=1,
        )
    np.testing.assert_allclose(jf, fd, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(jr, fd, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("jac", [jacfwd, jacrev])
def test_jacobians_are_built_on_vmap(jac: Callable[..., Any]) -> None:
    """The basis is pushed (or pulled) in one batched pass: the primitive count does not
    grow with the input/output size, as it would with a loop over basis vectors."""

    def count(n: int) -> int:
        counter = _Counting()
        x = jnp.linspace(0.1, 1.0, n)
        with core.installed(counter):
            jac(lambda v: jnp.sin(v) * jnp.cumsum(v))(x)
        return len(counter.log)

    assert count(3) == count(30)


# ---------------------------------------------------------------------------
# The autodiff cookbook: matrix-Jacobian and Jacobian-matrix products
# ---------------------------------------------------------------------------


def sigmoid(x: Array) -> Array:
    return 0.5 * (jnp.tanh(x / 2) + 1)


def predict(W: Array, b: Array, inputs: Array) -> Array:
    return sigmoid(jnp.dot(inputs, W) + b)


def _cookbook_data() -> tuple[Array, Array, Array]:
    rng = np.random.default_rng(1)
    W = jnp.asarray(rng.standard_normal(3).astype(np.float32))
    b = jnp.asarray(np.float32(rng.standard_normal()))
    inputs = jnp.asarray(rng.standard_normal((4, 3)).astype(np.float32))
    return W, b, inputs


def loop_mjp(f: Callable[[Array], Array], x: Array, M: Array) -> Array:
    _, vjp_fun = vjp(f, x)
    return jnp.vstack([fad.primal_of(vjp_fun(fad.cotangent(mi)))[0] for mi in M])


def vmap_mjp(f: Callable[[Array], Array], x: Array, M: Array) -> Array:
    _, vjp_fun = vjp(f, x)
    (outs,) = fad.primal_of(vmap(vjp_fun)(fad.cotangent(M)))
    return outs


def loop_jmp(f: Callable[[Array], Array], W: Array, M: Array) -> Array:
    return jnp.vstack([fad.primal_of(jvp(f, (W,), (fad.tangent(mi),))[1]) for mi in M])


def vmap_jmp(f: Callable[[Array], Array], W: Array, M: Array) -> Array:
    def _jvp(s: Array) -> Array:
        return fad.primal_of(jvp(f, (W,), (fad.tangent(s),))[1])

    out: Array = vmap(_jvp)(M)
    return out


def our_jacrev(f: Callable[[Array], Array]) -> Callable[[Array], Array]:
    def jacfun(x: Array) -> Array:
        y, vjp_fun = vjp(f, x)
        # Pull back every row of the identity at once: the rows of the Jacobian.
        (J,) = fad.primal_of(vmap(vjp_fun, in_axes=0)(fad.cotangent(jnp.eye(len(y)))))
        return J

    return jacfun


def our_jacfwd(f: Callable[[Array], Array]) -> Callable[[Array], Array]:
    def jacfun(x: Array) -> Array:
        def _jvp(s: Array) -> Array:
            return fad.primal_of(jvp(f, (x,), (fad.tangent(s),))[1])

        # Push every column of the identity at once: the columns of the Jacobian.
        Jt = vmap(_jvp, in_axes=1)(jnp.eye(len(x)))
        return jnp.transpose(Jt)

    return jacfun


def our_jacfwd_out_axes(f: Callable[[Array], Array]) -> Callable[[Array], Array]:
    def jacfun(x: Array) -> Array:
        def push(s: Array) -> Array:
            return fad.primal_of(jvp(f, (x,), (fad.tangent(s),))[1])

        return vmap(push, out_axes=1)(jnp.eye(len(x)))

    return jacfun


def test_cookbook_mjp_and_jmp_loop_equals_vmap() -> None:
    W, b, inputs = _cookbook_data()
    f = lambda W: predict(W, b, inputs)  # noqa: E731
    rng = np.random.default_rng(2)
    U = jnp.asarray(rng.standard_normal((128, 4)).astype(np.float32))
    V = jnp.asarray(rng.standard_normal((128, 3)).astype(np.float32))
    mjp_loop, mjp_vmap = loop_mjp(f, W, U), vmap_mjp(f, W, U)
    assert mjp_vmap.shape == (128, 3)
    np.testing.assert_allclose(np.asarray(mjp_vmap), np.asarray(mjp_loop), rtol=1e-5, atol=1e-7)
    jmp_loop, jmp_vmap = loop_jmp(f, W, V), vmap_jmp(f, W, V)
    assert jmp_vmap.shape == (128, 4)
    np.testing.assert_allclose(np.asarray(jmp_vmap), np.asarray(jmp_loop), rtol=1e-5, atol=1e-7)
    # Independent truth: the closed-form Jacobian of sigmoid(inputs @ W + b).
    s = 1 / (1 + np.exp(-(np.asarray(inputs) @ np.asarray(W) + np.asarray(b))))
    J = (s * (1 - s))[:, None] * np.asarray(inputs)
    np.testing.assert_allclose(np.asarray(mjp_vmap), np.asarray(U) @ J, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(np.asarray(jmp_vmap), np.asarray(V) @ J.T, rtol=1e-4, atol=1e-6)


def test_cookbook_jacobians_equal_builtins() -> None:
    W, b, inputs = _cookbook_data()
    f = lambda W: predict(W, b, inputs)  # noqa: E731
    want = np.asarray(jacrev(f)(W))
    assert want.shape == (4, 3)
    np.testing.assert_allclose(np.asarray(jacfwd(f)(W)), want, rtol=1e-5, atol=1e-7)
    for ours in (our_jacrev, our_jacfwd, our_jacfwd_out_axes):
        np.testing.assert_allclose(
            np.asarray(ours(f)(W)), want, rtol=1e-5, atol=1e-7, err_msg=ours.__name__
        )


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def test_error_inconsistent_sizes_names_arguments_axes_and_sizes() -> None:
    def f(x: Array, y: Array) -> Array:
        return x + y.sum()

    with pytest.raises(ValueError, match="inconsistent sizes") as e:
        vmap(f, in_axes=(0, 1))(jnp.ones(3), jnp.ones((2, 4)))
    msg = str(e.value)
    assert "argument x" in msg and "argument y" in msg
    assert "size 3 along axis 0" in msg and "size 4 along axis 1" in msg
    with pytest.raises(ValueError, match=r"axis_size=5"):
        vmap(f, axis_size=5)(jnp.ones(3), jnp.ones(3))
    with pytest.raises(ValueError, match=r"argument d\[.b.\] of type f32\[4\]"):
        vmap(lambda d: d["a"] + d["b"])({"a": jnp.ones(3), "b": jnp.ones(4)})


def test_error_in_axes_structure_and_types() -> None:
    f = lambda x, y: x * y  # noqa: E731
    with pytest.raises(ValueError, match=r"len\(in_axes\)=3, len\(args\)=2"):
        vmap(f, in_axes=(0, 0, 0))(jnp.ones(3), jnp.ones(3))
    with pytest.raises(ValueError, match="vmap in_axes"):
        vmap(lambda d: d["a"], in_axes=({"b": 0},))({"a": jnp.ones(3)})
    with pytest.raises(ValueError, match="vmap in_axes"):
        vmap(lambda p: p[0], in_axes=((0, 0, 0),))((jnp.ones(3), jnp.ones(3)))
    with pytest.raises(TypeError, match="in_axes"):
        vmap(f, in_axes=1.5)
    with pytest.raises(TypeError, match="in_axes"):
        vmap(f, in_axes={"x": 0})
    with pytest.raises(TypeError, match="in_axes"):
        vmap(f, in_axes=(0, "y"))
    with pytest.raises(TypeError, match="out_axes"):
        vmap(f, out_axes=[0.0])
    with pytest.raises(TypeError, match="axis_size"):
        vmap(f, axis_size=2.0)  # type: ignore[call-overload]


def test_error_in_axes_out_of_range() -> None:
    def g(x: Array, y: Array) -> Array:
        return x + y

    with pytest.raises(ValueError, match=r"map argument y along axis 2.*rank.*only 1") as e:
        vmap(g, in_axes=(0, 2))(jnp.ones(3), jnp.ones(3))
    assert "(3,)" in str(e.value)
    with pytest.raises(ValueError, match="along axis -3"):
        vmap(g, in_axes=(-3, 0))(jnp.ones((3, 3)), jnp.ones(3))


def test_error_out_axes() -> None:
    with pytest.raises(ValueError, match="out_axes is None") as e:
        vmap(lambda x: x * 2, out_axes=None)(jnp.ones((3, 2)))
    assert "f32[3,2]" in str(e.value) and "size 3" in str(e.value)
    with pytest.raises(ValueError, match=r"out_axes 2 is out of range.*rank 1"):
        vmap(lambda x: x * 2, out_axes=2)(jnp.ones(3))
    with pytest.raises(ValueError, match="vmap out_axes"):
        vmap(lambda x: (x, x), out_axes=(0, 0, 0))(jnp.ones(3))


def test_error_nothing_mapped_and_control_flow() -> None:
    with pytest.raises(ValueError, match="at least one non-None"):
        vmap(lambda x: x, in_axes=None)(jnp.ones(3))

    def branchy(x: Array) -> Array:
        return x if x > 0 else -x

    with pytest.raises(core.ConcretizationError, match="vmap"):
        vmap(branchy)(jnp.ones(3))
