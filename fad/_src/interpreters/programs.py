"""General transformations of staged programs, shared by every primitive that carries one.

``xla_call`` (jit), the control-flow primitives (``cond``, ``while``, ``scan``) and the
custom-derivative primitives all hold a ``ClosedProgram`` and interpret it under
another transformation the same way: stage the JVP and split it by dependency into a
known and a tangent part, stage the transpose of a linear program, stage its ``vmap``.
The derived programs are cached per program object (weakly), so a training loop
derives each one once.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, final

from fad._src import core, dtypes
from fad._src import tree_util as tu
from fad._src.core import Array, ShapedArray, Tracer
from fad._src.interpreters import batch as batching
from fad._src.interpreters.batch import BatchHandler, BatchTracer
from fad._src.interpreters.jvp import JVPHandler, JVPTracer, MaybeZero, Zero
from fad._src.interpreters.stage import StageHandler
from fad._src.interpreters.transpose import backward_pass, is_undefined
from fad._src.ir import ClosedProgram, Eqn, Literal, Program, Var

__all__ = [
    "Derived",
    "JvpSplit",
    "Saveable",
    "batch_program",
    "check_operands",
    "fix_weak",
    "flat_arrays",
    "hoist_tracer_consts",
    "jvp_split",
    "not_array_leaf",
    "prune",
    "read_trivial",
    "split_known",
    "trace_to_program",
    "transpose_call",
    "transpose_program",
    "with_invars",
]


# ---------------------------------------------------------------------------
# Program surgery: dead-code elimination and splitting by dependency
# ---------------------------------------------------------------------------


def prune(program: Program, consts: Sequence[Array]) -> ClosedProgram:
    """Drop equations and constants no output needs."""
    live: set[Var] = {a for a in program.outvars if isinstance(a, Var)}
    kept: list[Eqn] = []
    for e in reversed(program.eqns):
        if any(v in live for v in e.outputs):
            kept.append(e)
            live.update(a for a in e.inputs if isinstance(a, Var))
    pairs = [(v, c) for v, c in zip(program.constvars, consts, strict=True) if v in live]
    return ClosedProgram(
        Program(tuple(v for v, _ in pairs), program.invars, tuple(reversed(kept)), program.outvars),
        tuple(c for _, c in pairs),
    )


def read_trivial(closed: ClosedProgram, args: Sequence[Array]) -> list[Array]:
    """The outputs of a program with no equations (inputs, constants or literals)."""
    prog = closed.program
    env: dict[Var, Array] = dict(zip(prog.constvars, closed.consts, strict=True))
    env.update(zip(prog.invars, args, strict=True))
    return [a.value if isinstance(a, Literal) else env[a] for a in prog.outvars]


@final
@dataclass(frozen=True, eq=False)
class JvpSplit:
    """The JVP of a program, whole and split into its known and tangent parts.

    ``tangent`` takes ``[primal operands at res_in] + [known's residual outputs] +
    [non-zero tangents]``; ``out_nonzero`` marks outputs with a non-zero tangent.
    """

    full: ClosedProgram
    known: ClosedProgram
    tangent: ClosedProgram
    res_in: tuple[int, ...]
    out_nonzero: tuple[bool, ...]


_jvp_cache: weakref.WeakKeyDictionary[ClosedProgram, dict[Hashable, JvpSplit]] = (
    weakref.WeakKeyDictionary()
)

# Decides whether a known equation's outputs may be kept as residuals (``checkpoint``
# policies); equations it rejects are recomputed on the tangent side instead.
Saveable = Callable[[Eqn], bool]


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
    key = (nonzero, instantiate, saveable)
    per = _jvp_cache.setdefault(closed, {})
    hit = per.get(key)
    if hit is not None:
        return hit
    in_avals = closed.in_avals
    stage = StageHandler(forward_known=False)
    with core.installed(stage):
        primals = [stage.new_arg(a) for a in in_avals]
        tangents = [
            stage.new_arg(a.strip_weak_type()) for a, m in zip(in_avals, nonzero, strict=True) if m
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
    out_nonzero = tuple(not isinstance(t, Zero) for _, t in pairs)
    full = stage.build([*primals, *tangents], [*out_p, *out_t])
    known, tangent, res_in = split_known(full, len(primals), len(out_p), saveable)
    split = JvpSplit(full, known, tangent, res_in, out_nonzero)
    per[key] = split
    return split


def split_known(
    closed: ClosedProgram, n_known_in: int, n_known_out: int, saveable: Saveable | None = None
) -> tuple[ClosedProgram, ClosedProgram, tuple[int, ...]]:
    """Partial evaluation by dependency: equations that read none of the inputs after the
    first ``n_known_in`` are known. The first ``n_known_out`` outputs must be known.

    Known values the unknown side reads are passed over as residuals, except values
    computed from constants alone and, when ``saveable`` is given, outputs of known
    equations it rejects: those equations are recomputed on the unknown side (from
    residuals they read in turn), which is rematerialisation.

    Returns (known: known inputs -> known outputs + residuals,
    unknown: [known inputs at res_in] + residuals + unknown inputs -> remaining outputs,
    res_in).
    """
    prog = closed.program
    known_in = prog.invars[:n_known_in]
    unknown: set[Var] = set(prog.invars[n_known_in:])
    # Known values computed from constants alone are recomputed on the unknown side
    # rather than passed over as residuals (broadcast scalars, converted constants...).
    const_only: set[Var] = set(prog.constvars)
    producer: dict[Var, Eqn] = {}
    known_eqns: list[Eqn] = []
    unknown_eqns: list[Eqn] = []
    for e in prog.eqns:
        if any(isinstance(a, Var) and a in unknown for a in e.inputs):
            unknown_eqns.append(e)
            unknown.update(e.outputs)
            continue
        known_eqns.append(e)
        if all(not isinstance(a, Var) or a in const_only for a in e.inputs):
            const_only.update(e.outputs)
            producer.update((v, e) for v in e.outputs)
        elif saveable is not None and not saveable(e):
            producer.update((v, e) for v in e.outputs)
    for a in prog.outvars[:n_known_out]:
        if isinstance(a, Var) and a in unknown:
            raise RuntimeError("partial evaluation: a primal output depends on a tangent input")
    # Known values the unknown side reads.
    needed: dict[Var, None] = {}
    for e in unknown_eqns:
        for a in e.inputs:
            if isinstance(a, Var) and a not in unknown:
                needed[a] = None
    for a in prog.outvars[n_known_out:]:
        if isinstance(a, Var) and a not in unknown:
            needed[a] = None
    # Follow recomputed equations back to what they read: more residuals, or more replay.
    replay: set[Eqn] = set()
    residuals: dict[Var, None] = {}
    queue = list(needed)
    seen: set[Var] = set()
    while queue:
        v = queue.pop(0)
        if v in seen:
            continue
        seen.add(v)
        source = producer.get(v)
        if source is None:
            if v not in const_only:
                residuals[v] = None
        elif source not in replay:
            replay.add(source)
            queue.extend(a for a in source.inputs if isinstance(a, Var))
    in_index = {v: i for i, v in enumerate(known_in)}
    res_in = [v for v in residuals if v in in_index]
    res_out = [v for v in residuals if v not in in_index]
    known = prune(
        Program(
            prog.constvars, known_in, tuple(known_eqns), (*prog.outvars[:n_known_out], *res_out)
        ),
        closed.consts,
    )
    rest = prune(
        Program(
            prog.constvars, (*res_in, *res_out, *prog.invars[n_known_in:]),
            (*(e for e in known_eqns if e in replay), *unknown_eqns), prog.outvars[n_known_out:],
        ),
        closed.consts,
    )  # fmt: skip
    return known, rest, tuple(in_index[v] for v in res_in)


@final
@dataclass(frozen=True, eq=False)
class Derived:
    """A staged program derived from another (transposed or batched), with a mask of
    which of its conceptual outputs are real (the others are symbolic zeros / unbatched)."""

    program: ClosedProgram
    out_mask: tuple[bool, ...]


_transpose_cache: weakref.WeakKeyDictionary[ClosedProgram, dict[Hashable, Derived]] = (
    weakref.WeakKeyDictionary()
)
_batch_cache: weakref.WeakKeyDictionary[ClosedProgram, dict[Hashable, Derived]] = (
    weakref.WeakKeyDictionary()
)


def transpose_program(
    closed: ClosedProgram, undefined: tuple[bool, ...], ct_nonzero: tuple[bool, ...]
) -> Derived:
    """Stage the transpose: (defined operands, non-zero cotangents) -> input cotangents."""
    per = _transpose_cache.setdefault(closed, {})
    key = (undefined, ct_nonzero)
    hit = per.get(key)
    if hit is not None:
        return hit
    prog = closed.program
    defined = [v for v, u in zip(prog.invars, undefined, strict=True) if not u]
    linear = [v for v, u in zip(prog.invars, undefined, strict=True) if u]
    lin_prog = Program((*prog.constvars, *defined), tuple(linear), prog.eqns, prog.outvars)
    out_avals = closed.out_avals
    stage = StageHandler(forward_known=False)
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
    derived = Derived(program, mask)
    per[key] = derived
    return derived


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
    per = _batch_cache.setdefault(closed, {})
    key = (batched, size, force)
    hit = per.get(key)
    if hit is not None:
        return hit
    stage = StageHandler(forward_known=False)
    with core.installed(stage):
        ins = [
            stage.new_arg(ShapedArray((size, *a.shape), a.dtype, a.weak_type) if b else a)
            for a, b in zip(closed.in_avals, batched, strict=True)
        ]
        bh = BatchHandler(size)
        with core.installed(bh):
            wrapped = [BatchTracer(bh, x, 0) if b else x for x, b in zip(ins, batched, strict=True)]
            outs = closed(*wrapped)
        pairs = [bh.unwrap(o) for o in outs]
        if force is not None:
            pairs = [
                (batching.bdim_at_front(v, d, size), 0) if f and d is None else (v, d)
                for (v, d), f in zip(pairs, force, strict=True)
            ]
        results = [v if d is None else batching.moveaxis(v, d, 0) for v, d in pairs]
    derived = Derived(stage.build(ins, results), tuple(d is not None for _, d in pairs))
    per[key] = derived
    return derived


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
    """The ``bad_leaf`` message of :func:`flat_arrays` for the operands of an API."""
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


def hoist_tracer_consts(closed: ClosedProgram) -> tuple[ClosedProgram, list[Array]]:
    """Constants that are tracers of enclosing handlers become leading inputs.

    A primitive that carries a program must pass such values as operands, so that the
    handlers that own them see them (a closed-over value being differentiated, batched
    or staged by an outer transformation).
    """
    prog = closed.program
    traced = [isinstance(c, Tracer) for c in closed.consts]
    if not any(traced):
        return closed, []
    keep = [(v, c) for v, c, t in zip(prog.constvars, closed.consts, traced, strict=True) if not t]
    moved = [(v, c) for v, c, t in zip(prog.constvars, closed.consts, traced, strict=True) if t]
    program = Program(
        tuple(v for v, _ in keep), (*(v for v, _ in moved), *prog.invars), prog.eqns, prog.outvars
    )
    return ClosedProgram(program, tuple(c for _, c in keep)), [c for _, c in moved]


def trace_to_program(
    fun: Callable[..., Any], in_avals: Sequence[ShapedArray], what: str
) -> tuple[ClosedProgram, list[Array], tu.PyTreeDef]:
    """Stage ``fun`` (flat arrays in, a pytree of arrays out) on abstract inputs.

    Returns the program (taking the hoisted tracer constants first, then the inputs),
    those constants, and the output structure. ``what`` names the function in errors.
    """
    stage = StageHandler(forward_known=False)
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


def with_invars(closed: ClosedProgram, invars: Sequence[Var]) -> ClosedProgram:
    """The same program reading its inputs in another order (or with unused extra inputs)."""
    prog = closed.program
    return ClosedProgram(
        Program(prog.constvars, tuple(invars), prog.eqns, prog.outvars), closed.consts
    )
