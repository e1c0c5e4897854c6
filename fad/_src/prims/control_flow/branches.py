"""``cond`` (n-way branching): the primitive, its rules, and ``lax.cond``/``lax.switch``.

``cond_p(index, *ops, branches)`` runs ``branches[index]`` on the operands. Its JVP
is two ``cond`` s: one over the known parts of the branches' JVPs, which returns the
residuals (all branches share slots of one signature; a branch fills the others'
with zeros), and one over the tangent parts, which reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, TypeVarTuple, final

import numpy as np

from fad._src import core, dtypes
from fad._src import tree_util as tu
from fad._src.core import Array, ArrayLike, ShapedArray
from fad._src.interpreters import batch as batching
from fad._src.interpreters import jvp as jvp_mod
from fad._src.interpreters import stage as stage_mod
from fad._src.interpreters import transpose as transpose_mod
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero, Zero, tangent_aval
from fad._src.interpreters.programs import (
    Derived,
    JvpSplit,
    batch_program,
    fix_weak,
    jvp_split,
    trace_cached,
    transpose_program,
)
from fad._src.interpreters.transpose import is_undefined
from fad._src.ir import ClosedProgram, Var
from fad._src.ir.passes import ProgramCache, with_invars
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st
from fad._src.prims.control_flow.common import (
    I32,
    all_same,
    at_front,
    flat_operands,
    paths,
    same_type,
    types,
    zeros,
)
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value

__all__ = ["cond", "cond_p", "switch"]

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

cond_p = core.new_primitive("cond", multiple_results=True)


def _cond_abstract(
    index: ShapedArray, *ops: ShapedArray, branches: tuple[ClosedProgram, ...]
) -> list[ShapedArray]:
    if index.shape != () or index.dtype != I32:
        raise TypeError(f"cond's index must be an int32 scalar, got {index.str_short()}")
    for i, b in enumerate(branches):
        want = b.in_avals
        if not all_same(want, ops):
            raise TypeError(
                f"cond: branch {i} takes {types(want)}, but the operands are {types(ops)}"
            )
    first = branches[0].out_avals
    for i, b in enumerate(branches[1:], 1):
        outs = b.out_avals
        if len(outs) != len(first) or not all_same(first, outs):
            raise TypeError(
                f"cond: branches must return the same types, but branch 0 returns "
                f"{types(first)} and branch {i} returns {types(outs)}"
            )
    return [
        ShapedArray(a.shape, a.dtype, all(b.out_avals[k].weak_type for b in branches))
        for k, a in enumerate(first)
    ]


def _cond_impl(index: Array, *ops: Array, branches: tuple[ClosedProgram, ...]) -> list[Array]:
    i = int(np.clip(index._value, 0, len(branches) - 1))
    avals = _cond_abstract(index.aval, *(o.aval for o in ops), branches=branches)
    return fix_weak(branches[i](*ops), avals)


@final
@dataclass(frozen=True, eq=False)
class _CondSplit:
    """Known and tangent branches of a cond's JVP, with the residual layout they share."""

    known: tuple[ClosedProgram, ...]  # ops -> outs + residual slots
    tangent: tuple[ClosedProgram, ...]  # ops[res_ops] + slots + nonzero tangents -> tangents
    res_ops: tuple[int, ...]


_cond_splits: ProgramCache[_CondSplit] = ProgramCache()


def _cond_split(
    branches: tuple[ClosedProgram, ...], nonzero: tuple[bool, ...], out_nz: tuple[bool, ...]
) -> _CondSplit:
    def make() -> _CondSplit:
        splits = [jvp_split(b, nonzero, out_nz) for b in branches]
        n_out = len(branches[0].out_avals)
        in_avals = branches[0].in_avals
        # Residuals of all branches share slots of equal type; a branch fills the others'
        # slots with zeros.
        slots: list[ShapedArray] = []
        slot_of: list[list[int]] = []
        for s in splits:
            used: list[int] = []
            for a in s.known.out_avals[n_out:]:
                free = [k for k, b in enumerate(slots) if k not in used and same_type(a, b)]
                if free:
                    used.append(free[0])
                else:
                    slots.append(a.strip_weak_type())
                    used.append(len(slots) - 1)
            slot_of.append(used)
        res_ops = tuple(sorted({j for s in splits for j in s.res_in}))
        known, tangent = [], []
        nz_avals = [a.strip_weak_type() for a, m in zip(in_avals, nonzero, strict=True) if m]
        for s, where in zip(splits, slot_of, strict=True):

            def known_fn(*ops: Array, s: JvpSplit = s, where: list[int] = where) -> list[Array]:
                outs = s.known(*ops)
                filled: list[Array | None] = [None] * len(slots)
                for k, r in zip(where, outs[n_out:], strict=True):
                    filled[k] = r
                pads = [
                    r if r is not None else zeros(a) for r, a in zip(filled, slots, strict=True)
                ]
                return [*outs[:n_out], *pads]

            def tangent_fn(*args: Array, s: JvpSplit = s, where: list[int] = where) -> list[Array]:
                ops = args[: len(res_ops)]
                res = args[len(res_ops) : len(res_ops) + len(slots)]
                ts = args[len(res_ops) + len(slots) :]
                return s.tangent(
                    *[ops[res_ops.index(j)] for j in s.res_in], *[res[k] for k in where], *ts
                )

            known.append(stage_mod.stage(known_fn, in_avals))
            t_avals = [in_avals[j] for j in res_ops] + slots + nz_avals
            tangent.append(stage_mod.stage(tangent_fn, t_avals))
        return _CondSplit(tuple(known), tuple(tangent), res_ops)

    return _cond_splits.get(branches[0], (branches, nonzero, out_nz), make)


def _cond_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, branches: tuple[ClosedProgram, ...]
) -> tuple[list[Array], list[MaybeZero]]:
    index, *ops = primals
    t_ops = tangents[1:]
    nonzero = tuple(not isinstance(t, Zero) for t in t_ops)
    n_out = len(branches[0].out_avals)
    # An output has a tangent in every branch if it has one in any, so that they agree.
    first = [jvp_split(b, nonzero) for b in branches]
    out_nz = tuple(any(s.out_nonzero[k] for s in first) for k in range(n_out))
    split = _cond_split(branches, nonzero, out_nz)
    known = cond_p.bindn(index, *ops, branches=split.known)
    primal_out, res = known[:n_out], known[n_out:]
    nz_t = [t for t in t_ops if not isinstance(t, Zero)]
    t_out = iter(
        cond_p.bindn(
            index, *[ops[j] for j in split.res_ops], *res, *nz_t, branches=split.tangent
        ) if any(out_nz) else []
    )  # fmt: skip
    return primal_out, [
        next(t_out) if m else Zero(tangent_aval(p.aval))
        for p, m in zip(primal_out, out_nz, strict=True)
    ]


_cond_transposes: ProgramCache[tuple[ClosedProgram, ...]] = ProgramCache()


def _cond_transpose(
    cts: Sequence[MaybeZero], index: Any, *ops: Any, branches: tuple[ClosedProgram, ...]
) -> list[MaybeZero | None]:
    if is_undefined(index):
        raise transpose_mod.NonlinearError("cond's index cannot be linear")
    undefined = tuple(is_undefined(o) for o in ops)
    ct_nz = tuple(isinstance(c, Array) for c in cts)
    ts = [transpose_program(b, undefined, ct_nz) for b in branches]
    mask = tuple(any(m) for m in zip(*(t.out_mask for t in ts), strict=True)) if ts else ()
    lin_avals = [o.aval for o in ops if is_undefined(o)]

    def make() -> tuple[ClosedProgram, ...]:
        # Every branch returns the cotangents any branch has (zeros where it has none).
        padded = []
        for t in ts:

            def fn(*args: Array, t: Derived = t) -> list[Array]:
                it = iter(t.program(*args))
                outs = []
                for own, m, a in zip(t.out_mask, mask, lin_avals, strict=True):
                    got = next(it) if own else None
                    if m:
                        outs.append(got if got is not None else zeros(a.strip_weak_type()))
                return outs

            padded.append(stage_mod.stage(fn, t.program.in_avals))
        return tuple(padded)

    programs = _cond_transposes.get(branches[0], (branches, undefined, ct_nz), make)
    defined = [o for o in ops if not is_undefined(o)]
    nz_cts = [c for c in cts if isinstance(c, Array)]
    outs = cond_p.bindn(index, *defined, *nz_cts, branches=programs) if any(mask) else []
    it = iter(outs)
    m_it = iter(mask)
    result: list[MaybeZero | None] = [None]
    for o in ops:
        if not is_undefined(o):
            result.append(None)
        else:
            result.append(next(it) if next(m_it) else Zero(o.aval))
    return result


def _cond_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, branches: tuple[ClosedProgram, ...]
) -> tuple[list[Array], list[BDim]]:
    size = batching.batch_size(vals, dims)
    index, *ops = vals
    idim, *odims = dims
    moved = [at_front(v, d) for v, d in zip(ops, odims, strict=True)]
    batched = tuple(d is not None for d in odims)
    n_out = len(branches[0].out_avals)
    if idim is None:
        first = [batch_program(b, batched, size) for b in branches]
        force = tuple(any(b.out_mask[k] for b in first) for k in range(n_out))
        bs = [batch_program(b, batched, size, force) for b in branches]
        outs = cond_p.bindn(index, *moved, branches=tuple(b.program for b in bs))
        return outs, [0 if f else None for f in force]
    # A batched index: every branch runs, and each lane selects its branch's results.
    idx = at_front(index, idim)
    idx = ew.clamp(ew.full(idx.shape, 0, I32), idx, ew.full(idx.shape, len(branches) - 1, I32))
    all_b = tuple(True for _ in range(n_out))
    # Each branch sees its differentiable operands through ``stop_gradient`` in the lanes
    # that do not take it (JAX's rule), so a branch singular where it is not taken
    # (``sqrt`` at 0) gets no derivative there: tangents are selected, not masked.
    inexact = [dtypes.is_inexact(v.dtype) for v in moved]
    full = [
        v if b or not f else st.broadcast_in_dim(v, (size, *v.shape), tuple(range(1, v.ndim + 1)))
        for v, b, f in zip(moved, batched, inexact, strict=True)
    ]
    fbatched = tuple(b or f for b, f in zip(batched, inexact, strict=True))
    results_per = []
    for i, b in enumerate(branches):
        taken = ew.eq(idx, ew.full(idx.shape, i, I32))
        ops_i = [
            ew.select_n(st.broadcast_in_dim(taken, v.shape, (0,)), ew.stop_gradient(v), v)
            if f
            else v
            for v, f in zip(full, inexact, strict=True)
        ]
        results_per.append(batch_program(b, fbatched, size, all_b).program(*ops_i))
    results = []
    for k in range(n_out):
        cases = [r[k] for r in results_per]
        which = st.broadcast_in_dim(idx, cases[0].shape, (0,))
        results.append(ew.select_n(which, *cases))
    return results, [0] * n_out


def _cond_lowering(
    ctx: LoweringContext, index: Value, *ops: Value, branches: tuple[ClosedProgram, ...]
) -> list[Value]:
    out_avals = list(ctx.out_avals)

    def branch(b: ClosedProgram) -> str:
        return ctx.region([], lambda c, _args: c.call(b, list(ops)))

    return ctx.op("stablehlo.case", [index], out_avals, regions=[branch(b) for b in branches])


core.def_abstract(cond_p, _cond_abstract)
core.def_array_impl(cond_p, _cond_impl)
jvp_mod.def_jvp_rule(cond_p, _cond_jvp)
transpose_mod.def_transpose(cond_p, _cond_transpose)
batching.def_batch(cond_p, _cond_batch)
lowering.def_rule(cond_p, _cond_lowering)


# ---------------------------------------------------------------------------
# lax.cond and lax.switch
# ---------------------------------------------------------------------------


def _switch(index: Array, funs: Sequence[Callable[..., Any]], names: Sequence[str],
            operands: tuple[Any, ...], api: str) -> Any:  # fmt: skip
    flat, in_tree = flat_operands(operands, f"{api} operands")
    avals = [x.aval for x in flat]
    traced = []
    for fun, name in zip(funs, names, strict=True):
        if not callable(fun):
            raise TypeError(f"{api}: {name} must be callable, got {type(fun).__name__}")

        def flat_fun(*xs: Array, fun: Callable[..., Any] = fun) -> Any:
            return fun(*tu.tree_unflatten(in_tree, list(xs)))

        traced.append(trace_cached(fun, ("branch", in_tree), flat_fun, avals, f"{api} {name}"))
    _, _, tree0 = traced[0]
    for (_, _, tree), name in zip(traced[1:], names[1:], strict=True):
        if tree != tree0:
            raise TypeError(
                f"{api}: branches must return the same pytree structure, but {names[0]} returns "
                f"{tree0} and {name} returns {tree}"
            )
    outs0 = traced[0][0].out_avals
    for (prog, _, _), name in zip(traced[1:], names[1:], strict=True):
        for path, a, b in zip(paths(tree0, "output"), outs0, prog.out_avals, strict=True):
            if not same_type(a, b):
                raise TypeError(
                    f"{api}: branches must return the same types, but {path} has type "
                    f"{a.str_short()} in {names[0]} and {b.str_short()} in {name}"
                )
    # Join the values the branches close over into one operand list.
    consts: list[Array] = []
    for _, cs, _ in traced:
        for c in cs:
            if not any(c is d for d in consts):
                consts.append(c)
    programs = []
    for prog, cs, _ in traced:
        if not consts:  # keep a cached trace's program (and all that is derived from it)
            programs.append(prog)
            continue
        own = prog.program.invars[: len(cs)]
        invars = []
        for c in consts:
            hit = [v for v, d in zip(own, cs, strict=True) if d is c]
            invars.append(hit[0] if hit else Var(c.aval))
        programs.append(with_invars(prog, [*invars, *prog.program.invars[len(cs) :]]))
    outs = cond_p.bindn(index, *consts, *flat, branches=tuple(programs))
    return tu.tree_unflatten(tree0, outs)


def _scalar_index(x: Any, what: str) -> Array:
    a = x if isinstance(x, Array) else core.asarray(x)
    if a.shape != ():
        raise TypeError(f"{what} must be a scalar, got an array of shape {a.shape}")
    return a


def cond(
    pred: ArrayLike, true_fun: Callable[[*Ts], T], false_fun: Callable[[*Ts], T], *operands: *Ts
) -> T:
    """``true_fun(*operands)`` if ``pred`` else ``false_fun(*operands)``, as one primitive.

    Both branches are traced and must return the same structure and types. Unlike a
    Python ``if``, ``pred`` may be traced (under ``jit``) or batched (under ``vmap``,
    where both branches run and each lane selects its result).

    Each branch is traced once per signature (the structure and types of the operands)
    and the trace reused while the function lives and the names it reads are bound to
    the same objects; see ``fad._src.interpreters.programs.trace_cached``.
    """
    p = _scalar_index(pred, "cond: pred")
    if not (dtypes.is_bool(p.dtype) or dtypes.is_integer(p.dtype) or dtypes.is_float(p.dtype)):
        raise TypeError(f"cond: pred must be a boolean or number scalar, got {p.dtype.name}")
    if not dtypes.is_bool(p.dtype):
        p = ew.ne(p, core.asarray(np.zeros((), p.dtype)))
    index = ew.convert_element_type(p, I32)
    out: T = _switch(index, [false_fun, true_fun], ["false_fun", "true_fun"], operands, "cond")
    return out


def switch(index: ArrayLike, branches: Sequence[Callable[[*Ts], T]], *operands: *Ts) -> T:
    """``branches[index](*operands)``, the index clamped into range, as one primitive.

    Each branch is traced once per signature and the trace reused, as in ``cond``.
    """
    branches = list(branches)
    if not branches:
        raise ValueError("switch: branches must be a non-empty sequence of functions")
    i = _scalar_index(index, "switch: index")
    if not dtypes.is_integer(i.dtype):
        raise TypeError(f"switch: index must be an integer scalar, got {i.dtype.name}")
    if i.dtype != I32:
        i = ew.convert_element_type(i, I32)
    i = ew.clamp(core.asarray(np.int32(0)), i, core.asarray(np.int32(len(branches) - 1)))
    names = [f"branches[{k}]" for k in range(len(branches))]
    out: T = _switch(i, branches, names, operands, "switch")
    return out
