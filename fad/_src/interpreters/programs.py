"""Transformations of staged programs that need the interpreters, shared by every
primitive that carries a program.

``xla_call`` (jit), the control-flow primitives (``cond``, ``while``, ``scan``) and
``checkpoint`` hold a ``ClosedProgram`` and interpret it under another transformation
the same way: a JVP rule stages the JVP of the program split by dependency into a
known and a tangent part (``jvp_split``); transposition stages the transpose of a
linear program (``transpose_program``); ``vmap`` stages the batched program
(``batch_program``). Each derived program is kept in a ``ProgramCache``, so a training
loop derives it once. The passes that need no interpreter live in ``fad._src.ir.passes``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from types import CodeType, FunctionType
from typing import Any, final

from fad._src import core, dtypes
from fad._src import tree_util as tu
from fad._src.config import config
from fad._src.core import Array, ShapedArray
from fad._src.interpreters import batch as batching
from fad._src.interpreters.batch import BatchHandler, BatchTracer, BDim
from fad._src.interpreters.jvp import JVPHandler, JVPTracer, MaybeZero, Zero
from fad._src.interpreters.stage import StageHandler
from fad._src.interpreters.transpose import backward_pass, is_undefined
from fad._src.ir import ClosedProgram, Program
from fad._src.ir.passes import (
    ProgramCache,
    Saveable,
    WeakCache,
    hoist_tracer_consts,
    split_known,
)

__all__ = [
    "Derived",
    "JvpSplit",
    "batch_fun",
    "batch_program",
    "check_operands",
    "fix_weak",
    "flat_arrays",
    "jvp_split",
    "not_array_leaf",
    "trace_cached",
    "trace_to_program",
    "transpose_call",
    "transpose_program",
]


# ---------------------------------------------------------------------------
# JVP, split into its known and tangent parts
# ---------------------------------------------------------------------------


@final
@dataclass(frozen=True, eq=False)
class JvpSplit:
    """The JVP of a program, whole and split into its known and tangent parts.

    ``full`` takes the primal inputs then the non-zero tangents and returns the primal
    outputs then the tangents marked in ``out_nonzero``. ``known`` maps the primals to
    the primal outputs and residuals; ``tangent`` takes ``[primal operands at res_in] +
    [known's residual outputs] + [non-zero tangents]``.

    A JVP rule binds ``known`` and ``tangent`` as two calls of its primitive and lets the
    stack decide: the evaluator runs both; reverse mode's partial evaluator runs the first
    (its operands are all known) and stages the second. Binding ``full`` once would save a
    call when evaluating, but a call that mixes known and tangent operands is opaque to
    partial evaluation (``split_known`` sees one equation), and a rule cannot know what is
    below it, so rules never emit one; loops and branches use ``full`` as their body.
    """

    full: ClosedProgram
    known: ClosedProgram
    tangent: ClosedProgram
    res_in: tuple[int, ...]
    out_nonzero: tuple[bool, ...]


_jvp_splits: ProgramCache[JvpSplit] = ProgramCache()


def jvp_split(
    closed: ClosedProgram,
    nonzero: tuple[bool, ...],
    instantiate: tuple[bool, ...] | None = None,
    saveable: Saveable | None = None,
) -> JvpSplit:
    """Stage the JVP of ``closed`` with tangents for the inputs marked ``nonzero``.

    ``instantiate`` marks outputs whose tangent must be materialised (as zeros) even
    when it is symbolically zero, so that loops and branches get a fixed signature.
    ``saveable`` restricts which known values become residuals (see ``split_known``).
    """

    def make() -> JvpSplit:
        in_avals = closed.in_avals
        stage = StageHandler()
        with core.installed(stage):
            primals = [stage.new_arg(a) for a in in_avals]
            tangents = [
                stage.new_arg(a.strip_weak_type())
                for a, m in zip(in_avals, nonzero, strict=True)
                if m
            ]
            jh = JVPHandler()
            with core.installed(jh):
                it = iter(tangents)
                ins = [
                    JVPTracer(jh, p, next(it)) if m else p
                    for p, m in zip(primals, nonzero, strict=True)
                ]
                outs = closed(*ins)
            pairs: list[tuple[Array, MaybeZero]] = [jh.unwrap(o) for o in outs]
        if instantiate is not None:
            pairs = [
                (p, core.zeros(p.aval.strip_weak_type()))
                if m and isinstance(t, Zero) and dtypes.is_inexact(p.aval.dtype)
                else (p, t)
                for (p, t), m in zip(pairs, instantiate, strict=True)
            ]
        out_p = [p for p, _ in pairs]
        out_t = [t for _, t in pairs if not isinstance(t, Zero)]
        full = stage.build([*primals, *tangents], [*out_p, *out_t])
        known, tangent, res_in = split_known(full, len(primals), len(out_p), saveable)
        return JvpSplit(
            full, known, tangent, res_in, tuple(not isinstance(t, Zero) for _, t in pairs)
        )

    return _jvp_splits.get(closed, (nonzero, instantiate, saveable), make)


# ---------------------------------------------------------------------------
# Transposition and batching
# ---------------------------------------------------------------------------


@final
@dataclass(frozen=True, eq=False)
class Derived:
    """A staged program derived from another (transposed or batched), with a mask of
    which of its conceptual outputs are real (the others are symbolic zeros / unbatched)."""

    program: ClosedProgram
    out_mask: tuple[bool, ...]


_transposes: ProgramCache[Derived] = ProgramCache()
_batched: ProgramCache[Derived] = ProgramCache()


def transpose_program(
    closed: ClosedProgram, undefined: tuple[bool, ...], ct_nonzero: tuple[bool, ...]
) -> Derived:
    """Stage the transpose: (defined operands, non-zero cotangents) -> input cotangents."""

    def make() -> Derived:
        prog = closed.program
        defined = [v for v, u in zip(prog.invars, undefined, strict=True) if not u]
        linear = [v for v, u in zip(prog.invars, undefined, strict=True) if u]
        lin_prog = Program((*prog.constvars, *defined), tuple(linear), prog.eqns, prog.outvars)
        out_avals = closed.out_avals
        stage = StageHandler()
        with core.installed(stage):
            res = [stage.new_arg(v.aval) for v in defined]
            cts = [
                stage.new_arg(a.strip_weak_type())
                for a, m in zip(out_avals, ct_nonzero, strict=True)
                if m
            ]
            it = iter(cts)
            cts_out: list[MaybeZero] = [
                next(it) if m else Zero(a) for a, m in zip(out_avals, ct_nonzero, strict=True)
            ]
            in_cts = backward_pass(lin_prog, [*closed.consts, *res], cts_out)
        mask = tuple(not isinstance(c, Zero) for c in in_cts)
        program = stage.build([*res, *cts], [c for c in in_cts if not isinstance(c, Zero)])
        return Derived(program, mask)

    return _transposes.get(closed, (undefined, ct_nonzero), make)


def transpose_call(
    cts: Sequence[MaybeZero],
    args: Sequence[Any],
    program: ClosedProgram,
    run: Callable[[ClosedProgram, list[Array]], Sequence[Array]],
) -> list[MaybeZero | None]:
    """The transpose rule of a primitive that calls ``program`` on its operands.

    ``run(transposed, operands)`` binds the primitive again on the staged transpose
    (defined operands, then the non-zero cotangents); it is skipped when every input
    cotangent is zero. Defined operands get None.
    """
    undefined = tuple(is_undefined(a) for a in args)
    ct_nonzero = tuple(isinstance(c, Array) for c in cts)
    t = transpose_program(program, undefined, ct_nonzero)
    defined = [a for a, u in zip(args, undefined, strict=True) if not u]
    nz_cts = [c for c in cts if isinstance(c, Array)]
    outs = run(t.program, [*defined, *nz_cts]) if any(t.out_mask) else []
    it = iter(outs)
    mask = iter(t.out_mask)
    return [
        None if not u else next(it) if next(mask) else Zero(a.aval)
        for a, u in zip(args, undefined, strict=True)
    ]


def batch_fun(
    fn: Callable[..., Sequence[Array]], args: Sequence[Array], dims: Sequence[BDim], size: int,
    axis_name: Hashable | None = None,
) -> list[tuple[Array, BDim]]:  # fmt: skip
    """Run ``fn`` with ``args`` batched along ``dims`` (None: not batched): every output
    with its batch dimension (None where it does not vary). What ``vmap`` is made of."""
    handler = BatchHandler(size, axis_name)
    with core.installed(handler):
        ins = [
            a if d is None else BatchTracer(handler, a, d) for a, d in zip(args, dims, strict=True)
        ]
        if axis_name is None:
            outs = fn(*ins)
        else:
            with batching.named_axis(axis_name, size):
                outs = fn(*ins)
    return [handler.unwrap(o) for o in outs]


def batch_program(
    closed: ClosedProgram,
    batched: tuple[bool, ...],
    size: int,
    force: tuple[bool, ...] | None = None,
) -> Derived:
    """Stage ``vmap`` of the program with batch axes at 0; outputs batched at 0 or unbatched.

    Outputs marked in ``force`` are batched even when they do not vary (broadcast), so
    that loop carries and branch outputs keep one signature.
    """

    axis_name = batching.rule_axis_name()

    def make() -> Derived:
        stage = StageHandler()
        with core.installed(stage):
            ins = [
                stage.new_arg(ShapedArray((size, *a.shape), a.dtype, a.weak_type) if b else a)
                for a, b in zip(closed.in_avals, batched, strict=True)
            ]
            pairs = batch_fun(closed, ins, [0 if b else None for b in batched], size, axis_name)
            if force is not None:
                pairs = [
                    (batching.bdim_at_front(v, d, size), 0) if f and d is None else (v, d)
                    for (v, d), f in zip(pairs, force, strict=True)
                ]
            results = [v if d is None else batching.moveaxis(v, d, 0) for v, d in pairs]
        return Derived(stage.build(ins, results), tuple(d is not None for _, d in pairs))

    return _batched.get(closed, (batched, size, force, axis_name), make)


# ---------------------------------------------------------------------------
# Tracing user functions into programs carried by higher-order primitives
# ---------------------------------------------------------------------------


def flat_arrays(tree: Any, bad_leaf: Callable[[int, Any], str]) -> tuple[list[Array], tu.PyTreeDef]:
    """The leaves of ``tree`` as arrays (Python and numpy scalars converted).

    A leaf that is not array-like raises ``TypeError(bad_leaf(index, leaf))``, so each API
    names its own argument in the message.
    """
    leaves, treedef = tu.tree_flatten(tree)
    out: list[Array] = []
    for i, leaf in enumerate(leaves):
        if isinstance(leaf, Array):
            out.append(leaf)
        elif core.is_arraylike(leaf):
            out.append(core.asarray(leaf))
        else:
            raise TypeError(bad_leaf(i, leaf))
    return out, treedef


def not_array_leaf(what: str, hint: str = "") -> Callable[[int, Any], str]:
    """The ``bad_leaf`` message of ``flat_arrays`` for the operands of an API."""
    return lambda i, leaf: (
        f"{what} must be arrays or scalars (pytrees of them), but leaf {i} is a "
        f"{type(leaf).__name__}: {leaf!r}{hint}"
    )


def fix_weak(outs: Sequence[Array], avals: Sequence[ShapedArray]) -> list[Array]:
    """Eager results of a carried program with the weak types its abstract rule gives."""
    return [
        o if o._weak_type == a.weak_type else Array(o._value, a.weak_type)
        for o, a in zip(outs, avals, strict=True)
    ]


def check_operands(avals: Sequence[ShapedArray], program: ClosedProgram, what: str) -> None:
    """Raise a TypeError unless ``avals`` match the inputs of ``program`` (weak types aside)."""
    want = program.in_avals
    if len(want) != len(avals) or any(
        a.shape != w.shape or a.dtype != w.dtype for a, w in zip(avals, want, strict=True)
    ):
        raise TypeError(
            f"{what}: operands {[a.str_short() for a in avals]} do not match "
            f"the function's inputs {[w.str_short() for w in want]}"
        )


def trace_to_program(
    fun: Callable[..., Any], in_avals: Sequence[ShapedArray], what: str
) -> tuple[ClosedProgram, list[Array], tu.PyTreeDef]:
    """Stage ``fun`` (flat arrays in, a pytree of arrays out) on abstract inputs.

    Returns the program (taking the hoisted tracer constants first, then the inputs),
    those constants, and the output structure. ``what`` names the function in errors.
    """
    stage = StageHandler()
    with core.installed(stage):
        ins = [stage.new_arg(a) for a in in_avals]
        outs, out_tree = flat_arrays(
            fun(*ins),
            lambda i, leaf: (
                f"{what} must return arrays or scalars (pytrees of them), but output leaf {i} "
                f"is a {type(leaf).__name__}: {leaf!r}"
            ),
        )
    closed, consts = hoist_tracer_consts(stage.build(ins, outs))
    return closed, consts, out_tree


# ---------------------------------------------------------------------------
# Traces of user functions, kept per function object
# ---------------------------------------------------------------------------

_MISSING: Any = object()


def _global_names(code: CodeType) -> set[str]:
    """Every name ``code`` (and the code nested in it: lambdas, comprehensions) loads
    from its globals, with attribute names among them (filtered out by the caller)."""
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, CodeType):
            names |= _global_names(c)
    return names


@final
class _Strong:
    """A value held as it is (one that cannot be weakly referenced: None, a number, a
    string, a tuple, an Array)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _ref(value: Any) -> weakref.ref[Any] | _Strong:
    """A reference that does not keep ``value`` alive where Python allows (a function
    may close over itself, and an entry must not keep its own function alive)."""
    try:
        return weakref.ref(value)
    except TypeError:
        return _Strong(value)


@final
class _Guard:
    """What a function read by name when it was traced: its code, its defaults, the
    contents of its closure cells, and the globals its code names. ``holds(fn)`` says
    whether each is still the same object (by identity: no value is compared)."""

    __slots__ = ("_cells", "_code", "_defaults", "_globals", "_kwdefaults", "_names")

    def __init__(self, fn: FunctionType) -> None:
        self._code = fn.__code__
        # Held as they are: tuples and dicts cannot be weakly referenced.
        self._defaults = fn.__defaults__
        self._kwdefaults = fn.__kwdefaults__
        self._cells = tuple(_ref(_contents(c)) for c in fn.__closure__ or ())
        g = fn.__globals__
        self._names = tuple(sorted(n for n in _global_names(fn.__code__) if n in g))
        self._globals = tuple(_ref(g[n]) for n in self._names)

    def holds(self, fn: FunctionType) -> bool:
        if (
            fn.__code__ is not self._code
            or fn.__defaults__ is not self._defaults
            or fn.__kwdefaults__ is not self._kwdefaults
        ):
            return False
        # A weak reference that reads None is dead: its object is gone, and whatever is
        # there now is another one (None itself is held strongly).
        if self._cells:
            try:
                for r, cell in zip(self._cells, fn.__closure__ or (), strict=False):  # same code
                    v = cell.cell_contents
                    if (r.value is not v) if type(r) is _Strong else (r() is not v or v is None):
                        return False
            except ValueError:  # a free variable not bound (yet, or any more)
                return False
        g = fn.__globals__
        missing = _MISSING
        for r, n in zip(self._globals, self._names, strict=False):  # equal by construction
            v = g.get(n, missing)
            if (r.value is not v) if type(r) is _Strong else (r() is not v or v is None):
                return False
        return True


def _contents(cell: Any) -> Any:
    try:
        return cell.cell_contents
    except ValueError:  # a free variable not bound (yet, or any more)
        return _MISSING


_Traced = tuple[_Guard, ClosedProgram, tu.PyTreeDef]


# Traces per plain function object and signature; weak on the function (its entries go
# when it does), at most 64 signatures per function.
traces: WeakCache[FunctionType, _Traced] = WeakCache(limit=64)


def trace_cached(
    fun: Callable[..., Any], key: Hashable, flat_fun: Callable[..., Any],
    in_avals: Sequence[ShapedArray], what: str,
) -> tuple[ClosedProgram, list[Array], tu.PyTreeDef]:  # fmt: skip
    """``trace_to_program(flat_fun, in_avals, what)``, traced once per signature of ``fun``.

    ``flat_fun`` is a wrapper that calls the user's function ``fun``; ``key`` is all
    else it depends on (the input tree, which API wraps it, static arguments). Reused
    while ``fun`` lives, so a program carried by ``cond``/``while``/``scan``/``checkpoint``
    is the same object on every call with the same ``key`` and input avals (weak types
    included) under the same config flags, and everything derived from it (its JVP
    split, transpose, batched form, executable) is derived once.

    What is cached, and what is not:

    - Only plain Python functions (``def``, ``lambda``). A bound method is a new object
      at each attribute access, and a callable object keeps its state in attributes:
      those are traced on every call, as are a ``key`` that is not hashable and a
      function that raised while traced.
    - A trace that closed over values of an enclosing transformation (tracers, hoisted
      into leading operands) is not kept: those values belong to one call of that
      transformation, and the next call brings others.
    - The function is taken to be pure: a trace is reused while the objects it read by
      name are the same, i.e. its code, its defaults, the contents of its closure cells
      and the globals its own code names, as they were when the trace began. Rebinding
      any of those (``w = w - lr * g`` on a global the function reads) retraces, so a
      function that rebinds a name it reads itself (a ``nonlocal`` or ``global``
      counter) is traced on every call; mutating an object in place (a list, a dict of
      parameters, an attribute) or a global read only by another function it calls is
      not seen, as under ``jit`` and JAX's own caches.
    """
    if type(fun) is not FunctionType:
        return trace_to_program(flat_fun, in_avals, what)
    full = (key, tuple(in_avals), config.trace_state)
    try:
        hash(full)
    except TypeError:  # an unhashable static argument
        return trace_to_program(flat_fun, in_avals, what)
    hit = traces.lookup(fun, full)
    if hit is not None and hit[0].holds(fun):
        return hit[1], [], hit[2]
    guard = _Guard(fun)  # before tracing: what the trace is about to read
    closed, consts, out_tree = trace_to_program(flat_fun, in_avals, what)
    if not consts:
        traces.put(fun, full, (guard, closed, out_tree))
    return closed, consts, out_tree
