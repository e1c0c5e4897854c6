"""Passes over programs that need no interpreter, and the cache their results live in.

Dead-code elimination, dependency analysis, splitting a program by dependency on some
of its inputs (offline partial evaluation), re-plumbing inputs, and ``ProgramCache``:
every program fad derives from another (a JVP, a transpose, a split, an executable) is
kept in one, per program object, so a training loop derives each once.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar, final

from fad._src import core
from fad._src.core import Array, Tracer
from fad._src.ir.program import ClosedProgram, Eqn, Program, Var

K = TypeVar("K")
T = TypeVar("T")


# ---------------------------------------------------------------------------
# Per-program caches
# ---------------------------------------------------------------------------


class WeakCache(Generic[K, T]):
    """Values derived from objects, per object and key; weak on the object.

    An entry lives as long as its object, so a value is made once per object however
    often it is asked for, and nothing outlives what it came from. ``limit`` bounds the
    keys kept per object (the oldest goes first).
    """

    __slots__ = ("_store", "limit")

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit
        # id(obj) -> (weak reference to it, entries by key): keyed by id, not held in a
        # WeakKeyDictionary, so that a hit is two dict lookups (jit's eager call asks here).
        self._store: dict[int, tuple[weakref.ref[K], dict[Hashable, T]]] = {}

    def lookup(self, obj: K, key: Hashable) -> T | None:
        entry = self._store.get(id(obj))
        if entry is None or entry[0]() is not obj:
            return None
        return entry[1].get(key)

    def get(self, obj: K, key: Hashable, make: Callable[[], T]) -> T:
        """The value cached for ``(obj, key)``, made by ``make()`` on a miss."""
        hit = self.lookup(obj, key)
        return self.put(obj, key, make()) if hit is None else hit

    def put(self, obj: K, key: Hashable, value: T) -> T:
        i = id(obj)
        store = self._store
        entry = store.get(i)
        if entry is None or entry[0]() is not obj:

            def forget(ref: weakref.ref[K]) -> None:
                if store.get(i, (None,))[0] is ref:
                    del store[i]

            entry = store[i] = (weakref.ref(obj, forget), {})
        entries = entry[1]
        if self.limit is not None:
            entries.pop(key, None)
            if len(entries) >= self.limit:
                del entries[next(iter(entries))]
        entries[key] = value
        return value

    def __len__(self) -> int:
        """How many live objects have entries."""
        return len(self._store)

    def entries(self, obj: object) -> int:
        """How many keys ``obj`` has values for."""
        entry = self._store.get(id(obj))
        return 0 if entry is None or entry[0]() is not obj else len(entry[1])


@final
class ProgramCache(WeakCache[ClosedProgram, T]):
    """Values derived from programs (a JVP split, a transpose, an executable), per
    program object and key; weak on the program."""

    __slots__ = ()


# ---------------------------------------------------------------------------
# Liveness and dependency
# ---------------------------------------------------------------------------


def needed(eqns: Sequence[Eqn], roots: Sequence[object]) -> tuple[list[Eqn], set[Var]]:
    """The equations ``roots`` depend on (in program order) and every variable they read."""
    live: set[Var] = {a for a in roots if isinstance(a, Var)}
    kept: list[Eqn] = []
    effectful = core.effectful
    for e in reversed(eqns):  # plain loops: every grad runs this over its whole program
        outs = e.outputs
        if (
            outs[0] in live if len(outs) == 1 else any(v in live for v in outs)
        ) or e.prim in effectful:
            kept.append(e)
            for a in e.inputs:
                if type(a) is Var:
                    live.add(a)
    kept.reverse()
    return kept, live


def dce(program: Program, consts: Sequence[Array]) -> ClosedProgram:
    """Dead-code elimination: drop equations and constants no output needs."""
    kept, live = needed(program.eqns, program.outvars)
    pairs = [(v, c) for v, c in zip(program.constvars, consts, strict=True) if v in live]
    if len(kept) == len(program.eqns) and len(pairs) == len(program.constvars):
        return ClosedProgram(program, tuple(consts))  # nothing dead: no new program
    return ClosedProgram(
        Program(tuple(v for v, _ in pairs), program.invars, tuple(kept), program.outvars),
        tuple(c for _, c in pairs),
    )


def dependents(program: Program, sources: Sequence[bool] | None = None) -> set[Var]:
    """The variables that depend on the inputs marked in ``sources`` (default: all)."""
    dep = set(program.invars if sources is None else
              (v for v, s in zip(program.invars, sources, strict=True) if s))  # fmt: skip
    for e in program.eqns:
        if any(isinstance(a, Var) and a in dep for a in e.inputs):
            dep.update(e.outputs)
    return dep


# ---------------------------------------------------------------------------
# Splitting by dependency (offline partial evaluation)
# ---------------------------------------------------------------------------

# Decides whether a known equation's outputs may be kept as residuals (``checkpoint``
# policies); equations it rejects are recomputed on the unknown side instead.
Saveable = Callable[[Eqn], bool]


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
            raise RuntimeError("partial evaluation: a known output depends on an unknown input")
    # Known values the unknown side reads.
    needs: dict[Var, None] = {}
    for e in unknown_eqns:
        for a in e.inputs:
            if isinstance(a, Var) and a not in unknown:
                needs[a] = None
    for a in prog.outvars[n_known_out:]:
        if isinstance(a, Var) and a not in unknown:
            needs[a] = None
    # Follow recomputed equations back to what they read: more residuals, or more replay.
    replay: set[Eqn] = set()
    residuals: dict[Var, None] = {}
    queue = list(needs)
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
    known = dce(
        Program(
            prog.constvars, known_in, tuple(known_eqns), (*prog.outvars[:n_known_out], *res_out)
        ),
        closed.consts,
    )
    rest = dce(
        Program(
            prog.constvars, (*res_in, *res_out, *prog.invars[n_known_in:]),
            (*(e for e in known_eqns if e in replay), *unknown_eqns), prog.outvars[n_known_out:],
        ),
        closed.consts,
    )  # fmt: skip
    return known, rest, tuple(in_index[v] for v in res_in)


@final
@dataclass(frozen=True, eq=False)
class KnownSplit:
    """A program split by which of its inputs and outputs are known (``split_by_known``).

    ``known`` maps the known inputs to the known outputs, then residuals; ``rest`` maps
    the inputs at ``res_ops`` (positions among all inputs, all known), the residuals and
    the unknown inputs to the other outputs. Each keeps the program's order.
    """

    known: ClosedProgram
    rest: ClosedProgram
    res_ops: tuple[int, ...]


def split_by_known(
    closed: ClosedProgram, known_in: Sequence[bool], known_out: Sequence[bool]
) -> KnownSplit:
    """``split_known`` with the known inputs and outputs marked wherever they are (a known
    output must depend on known inputs only)."""
    prog = closed.program
    ins = [i for i, k in enumerate(known_in) if k] + [i for i, k in enumerate(known_in) if not k]
    outs = [i for i, k in enumerate(known_out) if k] + [i for i, k in enumerate(known_out) if not k]
    reordered = ClosedProgram(
        Program(
            prog.constvars,
            tuple(prog.invars[i] for i in ins),
            prog.eqns,
            tuple(prog.outvars[i] for i in outs),
        ),
        closed.consts,
    )
    known, rest, res_in = split_known(reordered, sum(known_in), sum(known_out))
    return KnownSplit(known, rest, tuple(ins[j] for j in res_in))


# ---------------------------------------------------------------------------
# Re-plumbing inputs
# ---------------------------------------------------------------------------


def with_invars(closed: ClosedProgram, invars: Sequence[Var]) -> ClosedProgram:
    """The same program reading its inputs in another order (or with unused extra inputs)."""
    prog = closed.program
    return ClosedProgram(
        Program(prog.constvars, tuple(invars), prog.eqns, prog.outvars), closed.consts
    )


def restrict(
    closed: ClosedProgram, inputs: Sequence[bool], outputs: Sequence[bool]
) -> ClosedProgram:
    """The part of ``closed`` that computes the outputs marked in ``outputs`` from the
    inputs marked in ``inputs``; the other inputs must not feed those outputs."""
    prog = closed.program
    kept = dce(
        Program(prog.constvars, prog.invars, prog.eqns,
                tuple(a for a, m in zip(prog.outvars, outputs, strict=True) if m)),
        closed.consts,
    )  # fmt: skip
    return with_invars(kept, [v for v, m in zip(prog.invars, inputs, strict=True) if m])


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
