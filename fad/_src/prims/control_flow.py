"""Structured control flow: ``cond`` (n-way branching), ``while`` and ``scan``.

Each primitive carries its sub-programs (``ClosedProgram`` s) as parameters, and
values the user functions close over that belong to an enclosing transformation
are hoisted into explicit operands, so every handler sees them.

Differentiation follows the design of ``xla_call``: a JVP rule never stages one
loop over primals and tangents together when it may be partially evaluated, but
emits a *known* primitive on primals (which also outputs the residuals the
tangent computation needs: stacked per iteration for ``scan``, padded to one
signature across branches for ``cond``) and a separate *tangent* primitive that
is linear in the tangents. Under reverse mode the known part runs at once and
only the linear part is staged, so transposition never re-runs the forward pass:
the transpose of a tangent ``scan`` is a ``scan`` running the other way over the
stored residuals. ``while`` has no transpose (its trip count is not known ahead),
and says so.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, final

import numpy as np

from fad._src import core, dtypes
from fad._src import tree_util as tu
from fad._src.core import Array, ShapedArray, Tracer
from fad._src.interpreters import batch as batching
from fad._src.interpreters import jvp as jvp_mod
from fad._src.interpreters import stage as stage_mod
from fad._src.interpreters import transpose as transpose_mod
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero, Zero, tangent_aval
from fad._src.interpreters.programs import (
    JvpSplit,
    batch_program,
    fix_weak,
    flat_arrays,
    jvp_split,
    not_array_leaf,
    prune,
    split_known,
    trace_to_program,
    transpose_program,
    with_invars,
)
from fad._src.interpreters.transpose import is_undefined
from fad._src.ir import ClosedProgram, Program, Var
from fad._src.prims import elementwise as ew
from fad._src.prims import reductions as red
from fad._src.prims import structural as st
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value

__all__ = [
    "cond",
    "cond_p",
    "fori_loop",
    "map",
    "scan",
    "scan_p",
    "select",
    "stop_gradient",
    "switch",
    "while_loop",
    "while_p",
]

_I32 = np.dtype(np.int32)

T = TypeVar("T")
C = TypeVar("C")
Y = TypeVar("Y")

cond_p = core.new_primitive("cond", multiple_results=True)
while_p = core.new_primitive("while", multiple_results=True)
scan_p = core.new_primitive("scan", multiple_results=True)


# ---------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------


def _eager() -> bool:
    """Whether a rule's results are computed right now (nothing stages or transforms them)."""
    return isinstance(core.current_handler(), core.EvalHandler)


def _same_type(a: ShapedArray, b: ShapedArray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype


def _all_same(a: Sequence[ShapedArray], b: Sequence[ShapedArray]) -> bool:
    return len(a) == len(b) and all(_same_type(x, y) for x, y in zip(a, b, strict=True))


def _types(avals: Sequence[ShapedArray]) -> str:
    return "(" + ", ".join(a.str_short() for a in avals) + ")"


def _flat_arrays(tree: Any, what: str) -> tuple[list[Array], tu.PyTreeDef]:
    return flat_arrays(tree, not_array_leaf(what))


def _paths(td: tu.PyTreeDef, prefix: str) -> list[str]:
    """``prefix['a'][0]``-style names of the leaves of ``td``, in flatten order."""
    if td.is_leaf():
        return [prefix]
    out: list[str] = []
    for i, child in enumerate(td.children()):
        out.extend(_paths(child, prefix + tu._path_entry(td, i)))
    return out


_Store = weakref.WeakKeyDictionary[ClosedProgram, dict[Hashable, Any]]


def _cached(store: _Store, program: ClosedProgram, key: Hashable, make: Callable[[], Any]) -> Any:
    """A derived object cached per program (weakly) and key."""
    per = store.setdefault(program, {})
    hit = per.get(key)
    if hit is None:
        hit = per[key] = make()
    return hit


def _zeros(aval: ShapedArray) -> Array:
    return ew.full(aval.shape, 0, aval.dtype)


def _at_front(x: Array, d: BDim) -> Array:
    return x if d is None else batching.moveaxis(x, d, 0)


def _carry_types_error(
    what: str, tree: tu.PyTreeDef, ins: Sequence[ShapedArray], outs: Sequence[ShapedArray],
    arg: str,
) -> TypeError | None:  # fmt: skip
    """The error for a loop body whose output carry does not have its input's types."""
    for path, a, b in zip(_paths(tree, arg), ins, outs, strict=True):
        if not _same_type(a, b):
            return TypeError(
                f"{what} output and input must have identical types, but the carry "
                f"component {path} has type {a.str_short()} on input and {b.str_short()} "
                "on output"
            )
    return None


def _promote_weak(init: list[Array], outs: Sequence[ShapedArray]) -> list[Array] | None:
    """Weakly typed initial carries the body returns strongly typed become strong (a retrace)."""
    changed = False
    new = []
    for x, o in zip(init, outs, strict=True):
        if x.aval.weak_type and not o.weak_type and _same_type(x.aval, o):
            new.append(ew.convert_element_type(x, x.dtype, weak_type=False))
            changed = True
        else:
            new.append(x)
    return new if changed else None


# ---------------------------------------------------------------------------
# cond / switch
# ---------------------------------------------------------------------------


def _cond_abstract(
    index: ShapedArray, *ops: ShapedArray, branches: tuple[ClosedProgram, ...]
) -> list[ShapedArray]:
    if index.shape != () or index.dtype != _I32:
        raise TypeError(f"cond's index must be an int32 scalar, got {index.str_short()}")
    for i, b in enumerate(branches):
        want = b.in_avals
        if not _all_same(want, ops):
            raise TypeError(
                f"cond: branch {i} takes {_types(want)}, but the operands are {_types(ops)}"
            )
    first = branches[0].out_avals
    for i, b in enumerate(branches[1:], 1):
        outs = b.out_avals
        if len(outs) != len(first) or not _all_same(first, outs):
            raise TypeError(
                f"cond: branches must return the same types, but branch 0 returns "
                f"{_types(first)} and branch {i} returns {_types(outs)}"
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


_cond_split_cache: _Store = weakref.WeakKeyDictionary()


def _cond_split(
    branches: tuple[ClosedProgram, ...], nonzero: tuple[bool, ...], out_nz: tuple[bool, ...]
) -> tuple[list[JvpSplit], _CondSplit]:
    splits = [jvp_split(b, nonzero, out_nz) for b in branches]

    def make() -> _CondSplit:
        n_out = len(branches[0].out_avals)
        in_avals = branches[0].in_avals
        # Residuals of all branches share slots of equal type; a branch fills the others'
        # slots with zeros.
        slots: list[ShapedArray] = []
        slot_of: list[list[int]] = []
        for s in splits:
            used: list[int] = []
            for a in s.known.out_avals[n_out:]:
                free = [k for k, b in enumerate(slots) if k not in used and _same_type(a, b)]
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
                    r if r is not None else _zeros(a) for r, a in zip(filled, slots, strict=True)
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

    split: _CondSplit = _cached(_cond_split_cache, branches[0], (branches, nonzero, out_nz), make)
    return splits, split


def _cond_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, branches: tuple[ClosedProgram, ...]
) -> tuple[list[Array], list[MaybeZero]]:
    index, *ops = primals
    t_ops = tangents[1:]
    nonzero = tuple(not isinstance(t, Zero) for t in t_ops)
    n_out = len(branches[0].out_avals)
    first = [jvp_split(b, nonzero) for b in branches]
    out_nz = tuple(any(s.out_nonzero[k] for s in first) for k in range(n_out))
    nz_t = [t for t in t_ops if not isinstance(t, Zero)]
    splits, split = _cond_split(branches, nonzero, out_nz)
    if _eager():
        outs = cond_p.bindn(index, *ops, *nz_t, branches=tuple(s.full for s in splits))
        primal_out, t_out = outs[:n_out], outs[n_out:]
    else:
        known = cond_p.bindn(index, *ops, branches=split.known)
        primal_out, res = known[:n_out], known[n_out:]
        t_out = (
            cond_p.bindn(
                index, *[ops[j] for j in split.res_ops], *res, *nz_t, branches=split.tangent
            ) if any(out_nz) else []
        )  # fmt: skip
    it = iter(t_out)
    return primal_out, [
        next(it) if m else Zero(tangent_aval(p.aval))
        for p, m in zip(primal_out, out_nz, strict=True)
    ]


_cond_transpose_cache: _Store = weakref.WeakKeyDictionary()


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
        padded = []
        for t in ts:

            def fn(*args: Array, t: Any = t) -> list[Array]:
                it = iter(t.program(*args))
                outs = []
                for own, m, a in zip(t.out_mask, mask, lin_avals, strict=True):
                    got = next(it) if own else None
                    if m:
                        outs.append(got if got is not None else _zeros(a.strip_weak_type()))
                return outs

            padded.append(stage_mod.stage(fn, t.program.in_avals))
        return tuple(padded)

    programs: tuple[ClosedProgram, ...] = _cached(
        _cond_transpose_cache, branches[0], (branches, undefined, ct_nz), make
    )
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
    moved = [_at_front(v, d) for v, d in zip(ops, odims, strict=True)]
    batched = tuple(d is not None for d in odims)
    n_out = len(branches[0].out_avals)
    if idim is None:
        first = [batch_program(b, batched, size) for b in branches]
        force = tuple(any(b.out_mask[k] for b in first) for k in range(n_out))
        bs = [batch_program(b, batched, size, force) for b in branches]
        outs = cond_p.bindn(index, *moved, branches=tuple(b.program for b in bs))
        return outs, [0 if f else None for f in force]
    # A batched index: every branch runs, and each lane selects its branch's results.
    idx = _at_front(index, idim)
    idx = ew.clamp(ew.full(idx.shape, 0, _I32), idx, ew.full(idx.shape, len(branches) - 1, _I32))
    all_b = tuple(True for _ in range(n_out))
    results_per = [batch_program(b, batched, size, all_b).program(*moved) for b in branches]
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
core.array_impls[cond_p] = _cond_impl
jvp_mod.jvp_rules[cond_p] = _cond_jvp
transpose_mod.transpose_rules[cond_p] = _cond_transpose
batching.batch_rules[cond_p] = _cond_batch
lowering.def_rule(cond_p, _cond_lowering)


def _switch(index: Array, funs: Sequence[Callable[..., Any]], names: Sequence[str],
            operands: tuple[Any, ...], api: str) -> Any:  # fmt: skip
    flat, in_tree = _flat_arrays(operands, f"{api} operands")
    avals = [x.aval for x in flat]
    traced = []
    for fun, name in zip(funs, names, strict=True):
        if not callable(fun):
            raise TypeError(f"{api}: {name} must be callable, got {type(fun).__name__}")

        def flat_fun(*xs: Array, fun: Callable[..., Any] = fun) -> Any:
            return fun(*tu.tree_unflatten(in_tree, list(xs)))

        traced.append(trace_to_program(flat_fun, avals, f"{api} {name}"))
    _, _, tree0 = traced[0]
    for (_, _, tree), name in zip(traced[1:], names[1:], strict=True):
        if tree != tree0:
            raise TypeError(
                f"{api}: branches must return the same pytree structure, but {names[0]} returns "
                f"{tree0} and {name} returns {tree}"
            )
    outs0 = traced[0][0].out_avals
    for (prog, _, _), name in zip(traced[1:], names[1:], strict=True):
        for path, a, b in zip(_paths(tree0, "output"), outs0, prog.out_avals, strict=True):
            if not _same_type(a, b):
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


def cond(pred: Any, true_fun: Callable[..., T], false_fun: Callable[..., T], *operands: Any) -> T:
    """``true_fun(*operands)`` if ``pred`` else ``false_fun(*operands)``, as one primitive.

    Both branches are traced and must return the same structure and types. Unlike a
    Python ``if``, ``pred`` may be traced (under ``jit``) or batched (under ``vmap``,
    where both branches run and each lane selects its result).
    """
    p = _scalar_index(pred, "cond: pred")
    if not (dtypes.is_bool(p.dtype) or dtypes.is_integer(p.dtype) or dtypes.is_float(p.dtype)):
        raise TypeError(f"cond: pred must be a boolean or number scalar, got {p.dtype.name}")
    if not dtypes.is_bool(p.dtype):
        p = ew.ne(p, core.asarray(np.zeros((), p.dtype)))
    index = ew.convert_element_type(p, _I32)
    out: T = _switch(index, [false_fun, true_fun], ["false_fun", "true_fun"], operands, "cond")
    return out


def switch(index: Any, branches: Sequence[Callable[..., T]], *operands: Any) -> T:
    """``branches[index](*operands)``, the index clamped into range, as one primitive."""
    branches = list(branches)
    if not branches:
        raise ValueError("switch: branches must be a non-empty sequence of functions")
    i = _scalar_index(index, "switch: index")
    if not dtypes.is_integer(i.dtype):
        raise TypeError(f"switch: index must be an integer scalar, got {i.dtype.name}")
    if i.dtype != _I32:
        i = ew.convert_element_type(i, _I32)
    i = ew.clamp(core.asarray(np.int32(0)), i, core.asarray(np.int32(len(branches) - 1)))
    names = [f"branches[{k}]" for k in range(len(branches))]
    out: T = _switch(i, branches, names, operands, "switch")
    return out


# ---------------------------------------------------------------------------
# while
# ---------------------------------------------------------------------------


def _while_split(args: Sequence[Any], nc: int, nb: int) -> tuple[Any, Any, Any]:
    return args[:nc], args[nc : nc + nb], args[nc + nb :]


def _while_abstract(
    *avals: ShapedArray, cond_program: ClosedProgram, body_program: ClosedProgram,
    cond_nconsts: int, body_nconsts: int,
) -> list[ShapedArray]:  # fmt: skip
    cc, bc, carry = _while_split(avals, cond_nconsts, body_nconsts)
    if not _all_same(cond_program.in_avals, [*cc, *carry]):
        raise TypeError(
            f"while: cond_program takes {_types(cond_program.in_avals)}, "
            f"given {_types([*cc, *carry])}"
        )
    out = cond_program.out_avals
    if len(out) != 1 or out[0].shape != () or not dtypes.is_bool(out[0].dtype):
        raise TypeError(f"while: cond_program must return a boolean scalar, got {_types(out)}")
    if not _all_same(body_program.in_avals, [*bc, *carry]):
        raise TypeError(
            f"while: body_program takes {_types(body_program.in_avals)}, "
            f"given {_types([*bc, *carry])}"
        )
    outs = body_program.out_avals
    if not _all_same(outs, carry):
        raise TypeError(
            f"while: the body maps the carry {_types(carry)} to {_types(outs)}; they must be equal"
        )
    return [
        a.update(weak_type=a.weak_type and b.weak_type) for a, b in zip(carry, outs, strict=True)
    ]


def _while_impl(
    *args: Array, cond_program: ClosedProgram, body_program: ClosedProgram, cond_nconsts: int,
    body_nconsts: int,
) -> list[Array]:  # fmt: skip
    cc, bc, carry = _while_split(args, cond_nconsts, body_nconsts)
    carry = list(carry)
    while bool(cond_program(*cc, *carry)[0]._value):
        carry = body_program(*bc, *carry)
    avals = _while_abstract(
        *(a.aval for a in args), cond_program=cond_program, body_program=body_program,
        cond_nconsts=cond_nconsts, body_nconsts=body_nconsts,
    )  # fmt: skip
    return fix_weak(carry, avals)


_while_jvp_cache: _Store = weakref.WeakKeyDictionary()


def _while_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, cond_program: ClosedProgram,
    body_program: ClosedProgram, cond_nconsts: int, body_nconsts: int,
) -> tuple[list[Array], list[MaybeZero]]:  # fmt: skip
    nc, nb = cond_nconsts, body_nconsts
    cc, bc, init = _while_split(primals, nc, nb)
    _, t_bc, t_init = _while_split(tangents, nc, nb)
    b_nz = [not isinstance(t, Zero) for t in t_bc]
    carry_nz = [not isinstance(t, Zero) for t in t_init]
    # The carry tangents that can become non-zero: a fixed point over the body.
    while True:
        out = jvp_split(body_program, tuple(b_nz + carry_nz)).out_nonzero
        grown = [a or b for a, b in zip(carry_nz, out, strict=True)]
        if grown == carry_nz:
            break
        carry_nz = grown
    key = (tuple(b_nz), tuple(carry_nz))

    def make() -> tuple[ClosedProgram, ClosedProgram, int, int]:
        split = jvp_split(body_program, key[0] + key[1], key[1])
        full = split.full.program
        n_c = len(init)
        k_b, k_c = sum(b_nz), sum(carry_nz)
        ins = full.invars
        body = with_invars(
            split.full,
            [
                *ins[:nb],
                *ins[nb + n_c : nb + n_c + k_b],
                *ins[nb : nb + n_c],
                *ins[nb + n_c + k_b :],
            ],
        )
        extra = [Var(v.aval) for v in ins[nb + n_c + k_b :]]
        cond = with_invars(cond_program, [*cond_program.program.invars, *extra])
        return cond, body, k_b, k_c

    cond, body, k_b, _ = _cached(_while_jvp_cache, body_program, key, make)
    nz_tb = [t for t in t_bc if not isinstance(t, Zero)]
    nz_ti = [
        jvp_mod.instantiate(t) if not isinstance(t, Zero) else _zeros(t.aval.strip_weak_type())
        for t, m in zip(t_init, carry_nz, strict=True)
        if m
    ]
    outs = while_p.bindn(
        *cc, *bc, *nz_tb, *init, *nz_ti, cond_program=cond, body_program=body,
        cond_nconsts=nc, body_nconsts=nb + k_b,
    )  # fmt: skip
    n = len(init)
    if _eager():
        primal_out = outs[:n]
    else:
        # Primal results from a loop over primals alone, so that partial evaluation finds
        # them known; the loop above is then needed only for its tangents.
        primal_out = while_p.bindn(
            *cc, *bc, *init, cond_program=cond_program, body_program=body_program,
            cond_nconsts=nc, body_nconsts=nb,
        )  # fmt: skip
    it = iter(outs[n:])
    return primal_out, [
        next(it) if m else Zero(tangent_aval(p.aval))
        for p, m in zip(primal_out, carry_nz, strict=True)
    ]


def _while_transpose(cts: Sequence[MaybeZero], *args: Any, **params: Any) -> list[MaybeZero | None]:
    raise ValueError(
        "Reverse-mode differentiation does not work for while_loop or fori_loop with dynamic "
        "start/stop values: the number of iterations is known only when the loop runs, so "
        "the values of every iteration cannot be saved ahead of time for the backward pass. "
        "Use fad.lax.scan, or fori_loop with Python-int (static) bounds, which is a scan; "
        "forward mode (jvp, jacfwd) does work through while_loop."
    )


def _while_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, cond_program: ClosedProgram,
    body_program: ClosedProgram, cond_nconsts: int, body_nconsts: int,
) -> tuple[list[Array], list[BDim]]:  # fmt: skip
    size = batching.batch_size(vals, dims)
    nc, nb = cond_nconsts, body_nconsts
    moved = [_at_front(v, d) for v, d in zip(vals, dims, strict=True)]
    cc, bc, init = _while_split(moved, nc, nb)
    cc_b, bc_b, carry_b = (list(x) for x in _while_split([d is not None for d in dims], nc, nb))
    while True:
        out = batch_program(body_program, tuple(bc_b + carry_b), size).out_mask
        grown = [a or b for a, b in zip(carry_b, out, strict=True)]
        if grown == carry_b:
            break
        carry_b = grown
    pred_b = batch_program(cond_program, tuple(cc_b + carry_b), size).out_mask[0]
    if pred_b:
        carry_b = [True] * len(init)
    cb = batch_program(cond_program, tuple(cc_b + carry_b), size)
    bb = batch_program(body_program, tuple(bc_b + carry_b), size, tuple(carry_b))
    init = [
        batching.bdim_at_front(x, None, size) if b and d is None else x
        for x, b, d in zip(init, carry_b, dims[nc + nb :], strict=True)
    ]
    if not pred_b:
        outs = while_p.bindn(
            *cc, *bc, *init, cond_program=cb.program, body_program=bb.program,
            cond_nconsts=nc, body_nconsts=nb,
        )  # fmt: skip
        return outs, [0 if b else None for b in carry_b]
    # Lanes finish at different times: loop while any lane runs; finished lanes keep their carry.
    cond_avals = cb.program.in_avals

    def any_running(*args: Array) -> list[Array]:
        (pred,) = cb.program(*args)
        return [red.reduce_or(pred, (0,))]

    def step_running(*args: Array) -> list[Array]:
        c_args, rest = args[:nc], args[nc:]
        (pred,) = cb.program(*c_args, *rest[nb:])
        new = bb.program(*rest)
        return [
            ew.select(st.broadcast_in_dim(pred, x.shape, (0,)), n, x)
            for n, x in zip(new, rest[nb:], strict=True)
        ]

    new_cond = stage_mod.stage(any_running, cond_avals)
    new_body = stage_mod.stage(step_running, [*cond_avals[:nc], *bb.program.in_avals])
    outs = while_p.bindn(
        *cc, *cc, *bc, *init, cond_program=new_cond, body_program=new_body,
        cond_nconsts=nc, body_nconsts=nc + nb,
    )  # fmt: skip
    return outs, [0] * len(outs)


def _while_lowering(
    ctx: LoweringContext, *args: Value, cond_program: ClosedProgram, body_program: ClosedProgram,
    cond_nconsts: int, body_nconsts: int,
) -> list[Value]:  # fmt: skip
    cc, bc, init = _while_split(args, cond_nconsts, body_nconsts)
    carry_avals = [v.aval for v in init]
    regions = [
        ctx.region(carry_avals, lambda c, xs: c.call(cond_program, [*cc, *xs])),
        ctx.region(carry_avals, lambda c, xs: c.call(body_program, [*bc, *xs])),
    ]
    return ctx.op("stablehlo.while", list(init), carry_avals, regions=regions)


core.def_abstract(while_p, _while_abstract)
core.array_impls[while_p] = _while_impl
jvp_mod.jvp_rules[while_p] = _while_jvp
transpose_mod.transpose_rules[while_p] = _while_transpose
batching.batch_rules[while_p] = _while_batch
lowering.def_rule(while_p, _while_lowering)


def while_loop(cond_fun: Callable[[Any], Any], body_fun: Callable[[Any], T], init_val: Any) -> T:
    """Repeat ``val = body_fun(val)`` while ``cond_fun(val)``; return the last ``val``.

    ``body_fun`` must return a value of ``init_val``'s structure and types. Forward
    mode and ``vmap`` (lanes finish independently) work; reverse mode does not, since
    the trip count is unknown ahead of time (use ``scan`` or a static ``fori_loop``).
    """
    for fun, name in ((cond_fun, "cond_fun"), (body_fun, "body_fun")):
        if not callable(fun):
            raise TypeError(f"while_loop: {name} must be callable, got {type(fun).__name__}")
    init, tree = _flat_arrays(init_val, "while_loop init_val")
    for _ in range(2):
        avals = [x.aval for x in init]

        def cond_flat(*xs: Array) -> Any:
            return cond_fun(tu.tree_unflatten(tree, list(xs)))

        def body_flat(*xs: Array) -> Any:
            return body_fun(tu.tree_unflatten(tree, list(xs)))

        cprog, cconsts, ctree = trace_to_program(cond_flat, avals, "while_loop cond_fun")
        couts = cprog.out_avals
        if not ctree.is_leaf() or couts[0].shape != () or not dtypes.is_bool(couts[0].dtype):
            got = _types(couts) if ctree.is_leaf() else str(ctree)
            raise TypeError(f"while_loop: cond_fun must return a boolean scalar, but got {got}")
        bprog, bconsts, btree = trace_to_program(body_flat, avals, "while_loop body_fun")
        if btree != tree:
            raise TypeError(
                "while_loop: body_fun output and input must have the same pytree structure, "
                f"but init_val is {tree} and body_fun returns {btree}"
            )
        err = _carry_types_error("while_loop: body_fun", tree, avals, bprog.out_avals, "init_val")
        if err is not None:
            raise err
        promoted = _promote_weak(init, bprog.out_avals)
        if promoted is None:
            break
        init = promoted
    outs = while_p.bindn(
        *cconsts, *bconsts, *init, cond_program=cprog, body_program=bprog,
        cond_nconsts=len(cconsts), body_nconsts=len(bconsts),
    )  # fmt: skip
    result: T = tu.tree_unflatten(tree, outs)
    return result


# ---------------------------------------------------------------------------
# scan
# ---------------------------------------------------------------------------


def _scan_split_args(args: Sequence[Any], num_consts: int, num_carry: int) -> tuple[Any, Any, Any]:
    return (
        args[:num_consts],
        args[num_consts : num_consts + num_carry],
        args[num_consts + num_carry :],
    )


def _scan_abstract(
    *avals: ShapedArray, program: ClosedProgram, num_consts: int, num_carry: int, length: int,
    reverse: bool, unroll: int,
) -> list[ShapedArray]:  # fmt: skip
    consts, carry, xs = _scan_split_args(avals, num_consts, num_carry)
    for x in xs:
        if not x.shape or x.shape[0] != length:
            raise TypeError(
                f"scan: every xs operand needs leading axis {length}, got {x.str_short()}"
            )
    given = [*consts, *carry, *(x.update(shape=x.shape[1:]) for x in xs)]
    want = program.in_avals
    if not _all_same(want, given):
        raise TypeError(f"scan: the body takes {_types(want)}, given {_types(given)}")
    outs = program.out_avals
    c_out, ys = outs[:num_carry], outs[num_carry:]
    if not _all_same(carry, c_out):
        raise TypeError(
            f"scan: the body maps the carry {_types(carry)} to {_types(c_out)}; they must be equal"
        )
    return [
        *(
            a.update(weak_type=a.weak_type and b.weak_type)
            for a, b in zip(carry, c_out, strict=True)
        ),
        *(y.update(shape=(length, *y.shape)) for y in ys),
    ]


def _scan_impl(
    *args: Array, program: ClosedProgram, num_consts: int, num_carry: int, length: int,
    reverse: bool, unroll: int,
) -> list[Array]:  # fmt: skip
    consts, carry, xs = _scan_split_args(args, num_consts, num_carry)
    carry = list(carry)
    out_avals = _scan_abstract(
        *(a.aval for a in args), program=program, num_consts=num_consts, num_carry=num_carry,
        length=length, reverse=reverse, unroll=unroll,
    )  # fmt: skip
    y_avals = out_avals[num_carry:]
    parts: list[list[np.ndarray[Any, Any]]] = [[] for _ in y_avals]
    for i in range(length - 1, -1, -1) if reverse else range(length):
        outs = program(*consts, *carry, *(Array(x._value[i], x._weak_type) for x in xs))
        carry = outs[:num_carry]
        for part, y in zip(parts, outs[num_carry:], strict=True):
            part.append(y._value)
    ys = []
    for part, a in zip(parts, y_avals, strict=True):
        if reverse:
            part.reverse()
        ys.append(np.stack(part) if part else np.zeros(a.shape, a.dtype))
    return fix_weak([*carry, *(Array(y) for y in ys)], out_avals)


def _bind_scan(
    consts: Sequence[Array], carry: Sequence[Array], xs: Sequence[Array], program: ClosedProgram,
    length: int, reverse: bool, unroll: int,
) -> list[Array]:  # fmt: skip
    return scan_p.bindn(
        *consts, *carry, *xs, program=program, num_consts=len(consts), num_carry=len(carry),
        length=length, reverse=reverse, unroll=unroll,
    )  # fmt: skip


@final
@dataclass(frozen=True, eq=False)
class _ScanSplit:
    """A scan split into a known scan and a scan for the rest, by dependency.

    The known scan takes the known consts, carries and xs and returns the known carries,
    the known ys, then residuals stacked per iteration (values it computed, then the
    carries the rest reads). Residuals that depend on the known consts alone are the
    same in every iteration: ``invariant`` computes them once, before the loop. The
    rest scan takes as consts the known consts it reads, the invariant residuals and the
    unknown consts; as carries the unknown ones; as xs the stacked carry residuals, the
    known xs it reads, the stacked residuals and the unknown xs.
    """

    known: ClosedProgram
    invariant: ClosedProgram  # known consts -> loop-invariant residuals
    rest: ClosedProgram
    const_res: tuple[int, ...]  # operand positions of known consts the rest reads
    xs_res: tuple[int, ...]  # operand positions of known xs the rest reads
    n_res: int  # stacked computed residuals
    n_carry_res: int  # carries the rest reads

    def rest_consts(self, args: Sequence[Array], known_consts: Sequence[Array]) -> list[Array]:
        """The rest's consts that come from the known side (invariants computed here)."""
        inv = self.invariant(*known_consts) if self.invariant.out_avals else []
        return [*(args[p] for p in self.const_res), *inv]


def _split_scan(
    program: ClosedProgram, num_consts: int, num_carry: int, known_in: tuple[bool, ...],
    known_out: tuple[bool, ...],
) -> _ScanSplit:  # fmt: skip
    prog = program.program
    ins, outs = prog.invars, prog.outvars
    n_in = len(ins)
    order_in = [i for i in range(n_in) if known_in[i]] + [i for i in range(n_in) if not known_in[i]]
    order_out = [i for i in range(len(outs)) if known_out[i]]
    order_out += [i for i in range(len(outs)) if not known_out[i]]
    reordered = ClosedProgram(
        Program(prog.constvars, tuple(ins[i] for i in order_in), prog.eqns,
                tuple(outs[i] for i in order_out)),
        program.consts,
    )  # fmt: skip
    n_kin = sum(known_in)
    n_kout = sum(known_out)
    known, rest, res_in = split_known(reordered, n_kin, n_kout)
    role = [
        "c" if i < num_consts else "k" if i < num_consts + num_carry else "x" for i in range(n_in)
    ]
    res_pos = [order_in[j] for j in res_in]  # original positions of known inputs the rest reads
    carry_res = [p for p in res_pos if role[p] == "k"]
    # Residuals computed from the known consts alone are hoisted out of the loop.
    kprog = known.program
    n_kc = sum(1 for i in order_in[:n_kin] if role[i] == "c")
    in_loop = _depends(kprog, [False] * n_kc + [True] * (n_kin - n_kc))
    res_outs = kprog.outvars[n_kout:]
    invariant = [not (isinstance(v, Var) and v in in_loop) for v in res_outs]
    inv_prog = prune(
        Program(kprog.constvars, kprog.invars[:n_kc], kprog.eqns,
                tuple(v for v, m in zip(res_outs, invariant, strict=True) if m)),
        known.consts,
    )  # fmt: skip
    stacked = [v for v, m in zip(res_outs, invariant, strict=True) if not m]
    known = prune(
        Program(kprog.constvars, kprog.invars, kprog.eqns,
                (*kprog.outvars[:n_kout], *stacked, *(ins[p] for p in carry_res))),
        known.consts,
    )  # fmt: skip
    # The rest's inputs: [known inputs at res_in] + [residuals] + [unknown inputs].
    r_ins = rest.program.invars
    n_res = len(res_outs)
    by_pos = dict(zip(res_pos, r_ins[: len(res_in)], strict=True))
    res_vars = r_ins[len(res_in) : len(res_in) + n_res]
    inv_vars = [v for v, m in zip(res_vars, invariant, strict=True) if m]
    stacked_vars = [v for v, m in zip(res_vars, invariant, strict=True) if not m]
    unknown = dict(zip(order_in[n_kin:], r_ins[len(res_in) + n_res :], strict=True))
    const_res = tuple(p for p in res_pos if role[p] == "c")
    xs_res = tuple(p for p in res_pos if role[p] == "x")
    u_pos = [i for i in range(n_in) if not known_in[i]]
    new_in = [
        *(by_pos[p] for p in const_res), *inv_vars, *(unknown[p] for p in u_pos if role[p] == "c"),
        *(unknown[p] for p in u_pos if role[p] == "k"),
        *(by_pos[p] for p in carry_res), *(by_pos[p] for p in xs_res), *stacked_vars,
        *(unknown[p] for p in u_pos if role[p] == "x"),
    ]  # fmt: skip
    return _ScanSplit(
        known, inv_prog, with_invars(rest, new_in), const_res, xs_res, len(stacked_vars),
        len(carry_res),
    )  # fmt: skip


def _run_split(
    split: _ScanSplit, args: Sequence[Array], num_consts: int, num_carry: int,
    known_in: tuple[bool, ...], n_known_out: int, length: int, reverse: bool, unroll: int,
) -> tuple[list[Array], list[Array]]:  # fmt: skip
    """Bind the known scan, then the rest scan; returns (known outputs, rest outputs)."""
    n_in = len(args)
    role = [
        "c" if i < num_consts else "k" if i < num_consts + num_carry else "x" for i in range(n_in)
    ]

    def pick(r: str, known: bool) -> list[Array]:
        return [args[i] for i in range(n_in) if role[i] == r and known_in[i] == known]

    k_outs = _bind_scan(
        pick("c", True), pick("k", True), pick("x", True), split.known, length, reverse, unroll
    )
    known_outs = k_outs[:n_known_out]
    res = k_outs[n_known_out : n_known_out + split.n_res]
    carry_res = k_outs[n_known_out + split.n_res :]
    consts = [*split.rest_consts(args, pick("c", True)), *pick("c", False)]
    xs = [*carry_res, *(args[p] for p in split.xs_res), *res, *pick("x", False)]
    rest_outs = _bind_scan(consts, pick("k", False), xs, split.rest, length, reverse, unroll)
    return known_outs, rest_outs


_scan_jvp_cache: _Store = weakref.WeakKeyDictionary()


def _scan_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, program: ClosedProgram,
    num_consts: int, num_carry: int, length: int, reverse: bool, unroll: int,
) -> tuple[list[Array], list[MaybeZero]]:  # fmt: skip
    nc, ncar = num_consts, num_carry
    consts, init, xs = _scan_split_args(primals, nc, ncar)
    t_c, t_init, t_xs = _scan_split_args(tangents, nc, ncar)
    c_nz = [not isinstance(t, Zero) for t in t_c]
    x_nz = [not isinstance(t, Zero) for t in t_xs]
    carry_nz = [not isinstance(t, Zero) for t in t_init]
    while True:
        out = jvp_split(program, tuple(c_nz + carry_nz + x_nz)).out_nonzero[:ncar]
        grown = [a or b for a, b in zip(carry_nz, out, strict=True)]
        if grown == carry_nz:
            break
        carry_nz = grown
    n_y = len(program.out_avals) - ncar
    key = (tuple(c_nz), tuple(carry_nz), tuple(x_nz))

    def make() -> tuple[ClosedProgram, tuple[bool, ...], _ScanSplit]:
        nz = key[0] + key[1] + key[2]
        split = jvp_split(program, nz, key[1] + (False,) * n_y)
        full = split.full.program
        n_in = len(program.in_avals)
        ins, outs = full.invars, full.outvars
        p_c, p_k, p_x = ins[:nc], ins[nc : nc + ncar], ins[nc + ncar : n_in]
        t_ins = iter(ins[n_in:])
        tc = [next(t_ins) for m in key[0] if m]
        tk = [next(t_ins) for m in key[1] if m]
        tx = [next(t_ins) for m in key[2] if m]
        n_out = len(program.out_avals)
        k_tc = sum(key[1])
        o_c, o_y = outs[:ncar], outs[ncar:n_out]
        t_oc, t_oy = outs[n_out : n_out + k_tc], outs[n_out + k_tc :]
        body = ClosedProgram(
            Program(full.constvars, (*p_c, *tc, *p_k, *tk, *p_x, *tx), full.eqns,
                    (*o_c, *t_oc, *o_y, *t_oy)),
            split.full.consts,
        )  # fmt: skip
        known_in = (
            (True,) * nc + (False,) * len(tc) + (True,) * ncar + (False,) * len(tk)
            + (True,) * len(p_x) + (False,) * len(tx)
        )  # fmt: skip
        known_out = (
            (True,) * ncar + (False,) * len(t_oc) + (True,) * len(o_y) + (False,) * len(t_oy)
        )
        return (
            body,
            split.out_nonzero,
            _split_scan(body, nc + len(tc), ncar + len(tk), known_in, known_out),
        )

    body, out_nz, split = _cached(_scan_jvp_cache, program, key, make)
    nz_tc = [t for t in t_c if not isinstance(t, Zero)]
    nz_tk = [
        t if not isinstance(t, Zero) else _zeros(t.aval.strip_weak_type())
        for t, m in zip(t_init, carry_nz, strict=True)
        if m
    ]
    nz_tx = [t for t in t_xs if not isinstance(t, Zero)]
    k_tc = len(nz_tk)
    args = [*consts, *nz_tc, *init, *nz_tk, *xs, *nz_tx]
    if _eager():
        outs = _bind_scan(
            [*consts, *nz_tc], [*init, *nz_tk], [*xs, *nz_tx], body, length, reverse, unroll
        )
        p_carry, t_carry = outs[:ncar], outs[ncar : ncar + k_tc]
        p_ys, t_ys = outs[ncar + k_tc : ncar + k_tc + n_y], outs[ncar + k_tc + n_y :]
    else:
        known_in = tuple(
            [True] * nc + [False] * len(nz_tc) + [True] * ncar + [False] * k_tc
            + [True] * len(xs) + [False] * len(nz_tx)
        )  # fmt: skip
        known_outs, rest = _run_split(
            split, args, nc + len(nz_tc), ncar + k_tc, known_in, ncar + n_y, length, reverse,
            unroll,
        )  # fmt: skip
        p_carry, p_ys = known_outs[:ncar], known_outs[ncar:]
        t_carry, t_ys = rest[:k_tc], rest[k_tc:]
    primal_out = [*p_carry, *p_ys]
    it = iter([*t_carry, *t_ys])
    return primal_out, [
        next(it) if m else Zero(tangent_aval(p.aval))
        for p, m in zip(primal_out, out_nz, strict=True)
    ]


def _depends(program: Program, sources: Sequence[bool]) -> set[Var]:
    """The variables of ``program`` that depend on the inputs marked in ``sources``."""
    dep = {v for v, s in zip(program.invars, sources, strict=True) if s}
    for e in program.eqns:
        if any(isinstance(a, Var) and a in dep for a in e.inputs):
            dep.update(e.outputs)
    return dep


_scan_transpose_cache: _Store = weakref.WeakKeyDictionary()


def _scan_transpose(
    cts: Sequence[MaybeZero], *args: Any, program: ClosedProgram, num_consts: int,
    num_carry: int, length: int, reverse: bool, unroll: int,
) -> list[MaybeZero | None]:  # fmt: skip
    nc, ncar = num_consts, num_carry
    undefined = [is_undefined(a) for a in args]
    # Carries that never meet a linear input are not linear: compute them forward first.
    lin_carry = undefined[nc : nc + ncar]
    while True:
        dep = _depends(program.program, [*undefined[:nc], *lin_carry, *undefined[nc + ncar :]])
        p_outs = program.program.outvars[:ncar]
        grown = [
            a or (isinstance(o, Var) and o in dep) for a, o in zip(lin_carry, p_outs, strict=True)
        ]
        if grown == lin_carry:
            break
        lin_carry = grown
    if not all(lin_carry):
        return _scan_transpose_known_carries(
            cts, args, lin_carry, dep, program=program, num_consts=nc, num_carry=ncar,
            length=length, reverse=reverse, unroll=unroll,
        )  # fmt: skip
    c_u = tuple(undefined[:nc])
    x_u = tuple(undefined[nc + ncar :])
    y_nz = tuple(isinstance(c, Array) for c in cts[ncar:])
    key = (c_u, x_u, y_nz)
    ct_avals = [a.strip_weak_type() for a in program.out_avals]

    def make() -> tuple[ClosedProgram, tuple[bool, ...], tuple[bool, ...]]:
        t = transpose_program(
            program, c_u + (True,) * ncar + x_u, (True,) * ncar + y_nz
        )  # fmt: skip
        n_cu = sum(c_u)
        c_mask, k_mask, x_mask = (
            t.out_mask[:n_cu],
            t.out_mask[n_cu : n_cu + ncar],
            t.out_mask[n_cu + ncar :],
        )
        d_consts = [a for a, u in zip(program.in_avals[:nc], c_u, strict=True) if not u]
        d_xs = [a for a, u in zip(program.in_avals[nc + ncar :], x_u, strict=True) if not u]
        u_consts = [
            a.strip_weak_type() for a, u in zip(program.in_avals[:nc], c_u, strict=True) if u
        ]
        acc_avals = [a for a, m in zip(u_consts, c_mask, strict=True) if m]
        carry_avals = [a.strip_weak_type() for a in program.in_avals[nc : nc + ncar]]
        y_avals = [a for a, m in zip(ct_avals[ncar:], y_nz, strict=True) if m]
        n_dc, n_acc = len(d_consts), len(acc_avals)

        def body(*a: Array) -> list[Array]:
            dc = a[:n_dc]
            acc = a[n_dc : n_dc + n_acc]
            ct_c = a[n_dc + n_acc : n_dc + n_acc + ncar]
            dx = a[n_dc + n_acc + ncar : n_dc + n_acc + ncar + len(d_xs)]
            ct_y = a[n_dc + n_acc + ncar + len(d_xs) :]
            it = iter(t.program(*dc, *dx, *ct_c, *ct_y))
            c_cts = [next(it) if m else None for m in c_mask]
            k_cts = [next(it) if m else None for m in k_mask]
            x_cts = [next(it) if m else None for m in x_mask]
            acc_it = iter(acc)
            new_acc = [core.add_any(next(acc_it), c) for c in c_cts if c is not None]
            new_c = [
                c if c is not None else _zeros(av) for c, av in zip(k_cts, carry_avals, strict=True)
            ]
            return [*new_acc, *new_c, *(c for c in x_cts if c is not None)]

        in_avals = [*d_consts, *acc_avals, *carry_avals, *d_xs, *y_avals]
        return stage_mod.stage(body, in_avals), c_mask, x_mask

    body, c_mask, x_mask = _cached(_scan_transpose_cache, program, key, make)
    consts, init, xs = _scan_split_args(args, nc, ncar)
    d_consts = [c for c, u in zip(consts, c_u, strict=True) if not u]
    d_xs = [x for x, u in zip(xs, x_u, strict=True) if not u]
    u_consts = [c for c, u in zip(consts, c_u, strict=True) if u]
    acc0 = [_zeros(c.aval.strip_weak_type()) for c, m in zip(u_consts, c_mask, strict=True) if m]
    ct_carry = [
        c if isinstance(c, Array) else _zeros(a)
        for c, a in zip(cts[:ncar], ct_avals[:ncar], strict=True)
    ]
    ct_ys = [c for c in cts[ncar:] if isinstance(c, Array)]
    outs = _bind_scan(
        d_consts, [*acc0, *ct_carry], [*d_xs, *ct_ys], body, length, not reverse, unroll
    )
    n_acc = len(acc0)
    acc_it = iter(outs[:n_acc])
    carry_cts = outs[n_acc : n_acc + ncar]
    xs_it = iter(outs[n_acc + ncar :])
    result: list[MaybeZero | None] = []
    m_it = iter(c_mask)
    for c in consts:
        result.append(None if not is_undefined(c) else next(acc_it) if next(m_it) else Zero(c.aval))
    for c, ct in zip(init, carry_cts, strict=True):
        result.append(ct if is_undefined(c) else None)
    m_it = iter(x_mask)
    for x in xs:
        result.append(None if not is_undefined(x) else next(xs_it) if next(m_it) else Zero(x.aval))
    return result


def _scan_transpose_known_carries(
    cts: Sequence[MaybeZero], args: Sequence[Any], lin_carry: list[bool], dep: set[Var], *,
    program: ClosedProgram, num_consts: int, num_carry: int, length: int, reverse: bool,
    unroll: int,
) -> list[MaybeZero | None]:  # fmt: skip
    """Transpose a scan some of whose carries are not linear (loop counters, say): a known
    scan computes them (and what the linear part reads) first, then the rest transposes."""
    nc, ncar = num_consts, num_carry
    undefined = [is_undefined(a) for a in args]
    known_in = tuple(
        [not u for u in undefined[:nc]] + [not lc for lc in lin_carry]
        + [not u for u in undefined[nc + ncar :]]
    )  # fmt: skip
    outs = program.program.outvars
    known_out = tuple(
        [not lc for lc in lin_carry]
        + [not (isinstance(o, Var) and o in dep) for o in outs[ncar:]]
    )  # fmt: skip
    split = _cached(
        _scan_transpose_cache, program, ("known", known_in, known_out),
        lambda: _split_scan(program, nc, ncar, known_in, known_out),
    )  # fmt: skip
    n_in = len(args)
    role = ["c" if i < nc else "k" if i < nc + ncar else "x" for i in range(n_in)]

    def pick(r: str, known: bool) -> list[Any]:
        return [args[i] for i in range(n_in) if role[i] == r and known_in[i] == known]

    k_outs = _bind_scan(
        pick("c", True), pick("k", True), pick("x", True), split.known, length, reverse, unroll
    )
    n_kout = sum(known_out)
    res = k_outs[n_kout : n_kout + split.n_res]
    carry_res = k_outs[n_kout + split.n_res :]
    r_consts = [*split.rest_consts(args, pick("c", True)), *pick("c", False)]
    r_carry = pick("k", False)
    r_xs = [*carry_res, *(args[p] for p in split.xs_res), *res, *pick("x", False)]
    r_cts = [c for c, k in zip(cts, known_out, strict=True) if not k]
    r_args = [*r_consts, *r_carry, *r_xs]
    r_cts_in = _scan_transpose(
        r_cts, *r_args, program=split.rest, num_consts=len(r_consts), num_carry=len(r_carry),
        length=length, reverse=reverse, unroll=unroll,
    )  # fmt: skip
    # Map the rest's cotangents back to the operands they came from.
    n_rc = len(r_consts) - len(pick("c", False))
    u_consts = iter(r_cts_in[n_rc : len(r_consts)])
    u_carry = iter(r_cts_in[len(r_consts) : len(r_consts) + len(r_carry)])
    n_xres = len(carry_res) + len(split.xs_res) + len(res)
    u_xs = iter(r_cts_in[len(r_consts) + len(r_carry) + n_xres :])
    result: list[MaybeZero | None] = []
    for i, a in enumerate(args):
        if known_in[i]:
            result.append(None)
            continue
        got = next({"c": u_consts, "k": u_carry, "x": u_xs}[role[i]])
        result.append(got if is_undefined(a) else None)
    return result


def _scan_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, program: ClosedProgram, num_consts: int,
    num_carry: int, length: int, reverse: bool, unroll: int,
) -> tuple[list[Array], list[BDim]]:  # fmt: skip
    size = batching.batch_size(vals, dims)
    nc, ncar = num_consts, num_carry
    consts, init, xs = _scan_split_args(vals, nc, ncar)
    c_d, k_d, x_d = _scan_split_args(dims, nc, ncar)
    c_b = [d is not None for d in c_d]
    x_b = [d is not None for d in x_d]
    carry_b = [d is not None for d in k_d]
    while True:
        out = batch_program(program, tuple(c_b + carry_b + x_b), size).out_mask[:ncar]
        grown = [a or b for a, b in zip(carry_b, out, strict=True)]
        if grown == carry_b:
            break
        carry_b = grown
    n_y = len(program.out_avals) - ncar
    b = batch_program(program, tuple(c_b + carry_b + x_b), size, tuple(carry_b) + (False,) * n_y)
    m_consts = [_at_front(c, d) for c, d in zip(consts, c_d, strict=True)]
    m_init = [
        batching.bdim_at_front(x, d, size) if cb else x
        for x, d, cb in zip(init, k_d, carry_b, strict=True)
    ]
    # The scanned axis stays first; the batch axis goes right after it.
    m_xs = [x if d is None else batching.moveaxis(x, d, 1) for x, d in zip(xs, x_d, strict=True)]
    outs = _bind_scan(m_consts, m_init, m_xs, b.program, length, reverse, unroll)
    out_dims: list[BDim] = [0 if m else None for m in b.out_mask[:ncar]]
    out_dims += [1 if m else None for m in b.out_mask[ncar:]]
    return outs, out_dims


def _scan_lowering(
    ctx: LoweringContext, *args: Value, program: ClosedProgram, num_consts: int, num_carry: int,
    length: int, reverse: bool, unroll: int,
) -> list[Value]:  # fmt: skip
    consts, init, xs = _scan_split_args(args, num_consts, num_carry)
    out_avals = list(ctx.out_avals)
    y_avals = out_avals[num_carry:]
    i32 = ShapedArray((), _I32)

    def step(
        c: LoweringContext, i: Value, carry: Sequence[Value], ys: Sequence[Value]
    ) -> tuple[list[Value], list[Value]]:
        idx = i
        if reverse:
            last = c.scalar(length - 1, _I32)
            idx = c.op1("stablehlo.subtract", [last, i], i32)
        zero = c.scalar(0, _I32)
        x_i = []
        for x in xs:
            sl = c.dynamic_slice(x, [idx, *[zero] * (len(x.shape) - 1)], (1, *x.shape[1:]))
            x_i.append(c.reshape(sl, x.aval.update(shape=x.shape[1:], weak_type=False)))
        outs = c.call(program, [*consts, *carry, *x_i])
        new_ys = []
        for acc, y in zip(ys, outs[num_carry:], strict=True):
            y1 = c.reshape(y, y.aval.update(shape=(1, *y.shape)))
            new_ys.append(c.dynamic_update_slice(acc, y1, [idx, *[zero] * len(y.shape)]))
        return list(outs[:num_carry]), new_ys

    carry = list(init)
    ys = [ctx.full(0, a.shape, a.dtype) for a in y_avals]
    k = max(1, min(unroll, length))
    # A loop whose every iteration is unrolled is straight-line code.
    n_main = (length // k) * k if k < length else 0
    if n_main:
        state_avals = [i32, *(v.aval for v in carry), *(v.aval for v in ys)]
        n_c = len(carry)

        def cond(c: LoweringContext, s: list[Value]) -> list[Value]:
            bound = c.scalar(n_main, _I32)
            b = ShapedArray((), np.dtype(np.bool_))
            return [c._compare("LT", s[0], bound, b)]

        def body(c: LoweringContext, s: list[Value]) -> list[Value]:
            i, cs, ys_ = s[0], s[1 : 1 + n_c], s[1 + n_c :]
            one = c.scalar(1, _I32)
            for _ in range(k):
                cs, ys_ = step(c, i, cs, ys_)
                i = c.op1("stablehlo.add", [i, one], i32)
            return [i, *cs, *ys_]

        regions = [ctx.region(state_avals, cond), ctx.region(state_avals, body)]
        start = ctx.scalar(0, _I32)
        res = ctx.op("stablehlo.while", [start, *carry, *ys], state_avals, regions=regions)
        carry, ys = res[1 : 1 + n_c], res[1 + n_c :]
    for j in range(n_main, length):
        carry, ys = step(ctx, ctx.scalar(j, _I32), carry, ys)
    return [*carry, *ys]


core.def_abstract(scan_p, _scan_abstract)
core.array_impls[scan_p] = _scan_impl
jvp_mod.jvp_rules[scan_p] = _scan_jvp
transpose_mod.transpose_rules[scan_p] = _scan_transpose
batching.batch_rules[scan_p] = _scan_batch
lowering.def_rule(scan_p, _scan_lowering)


def scan(
    f: Callable[[Any, Any], tuple[C, Y]], init: Any, xs: Any = None, length: int | None = None,
    reverse: bool = False, unroll: int | bool = 1,
) -> tuple[C, Y]:  # fmt: skip
    """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``; return the final
    carry and the ``y`` s stacked.

    ``length`` is needed when ``xs`` is None (no values to scan over); ``reverse``
    runs from the last slice to the first (``ys`` still line up with ``xs``);
    ``unroll`` is how many iterations each compiled loop step performs (True: all).
    Reverse mode stores the residuals of each iteration; ``checkpoint`` the body to
    recompute them instead.
    """
    if not callable(f):
        raise TypeError(f"scan: f must be callable, got {type(f).__name__}")
    xs_flat, xs_tree = _flat_arrays(xs, "scan xs")
    xs_names = _paths(xs_tree, "xs")
    for x, name in zip(xs_flat, xs_names, strict=True):
        if x.ndim == 0:
            raise ValueError(
                f"scan: {name} is a scalar; xs leaves need a leading axis to scan over"
            )
    lengths = {x.shape[0] for x in xs_flat}
    if length is not None:
        if not isinstance(length, int) or isinstance(length, bool) or length < 0:
            raise TypeError(f"scan: length must be a non-negative int, got {length!r}")
        lengths.add(length)
    if len(lengths) > 1:
        detail = ", ".join(
            f"{n} has leading size {x.shape[0]}" for x, n in zip(xs_flat, xs_names, strict=True)
        )
        given = f"; length={length}" if length is not None else ""
        raise ValueError(f"scan got inconsistent lengths to scan over: {detail}{given}")
    if not lengths:
        raise ValueError("scan got no values to scan over and `length` was not provided")
    (n,) = lengths
    if isinstance(unroll, bool):
        unroll = max(n, 1) if unroll else 1
    if not isinstance(unroll, int) or unroll < 1:
        raise ValueError(f"scan: unroll must be a positive int or a bool, got {unroll!r}")
    carry, carry_tree = _flat_arrays(init, "scan init")
    x_avals = [x.aval.update(shape=x.shape[1:]) for x in xs_flat]
    for _ in range(2):
        avals = [c.aval for c in carry] + x_avals
        nk = len(carry)

        def body(*a: Array, nk: int = nk) -> Any:
            out = f(
                tu.tree_unflatten(carry_tree, list(a[:nk])),
                tu.tree_unflatten(xs_tree, list(a[nk:])),
            )
            if not (isinstance(out, tuple) and len(out) == 2):
                raise TypeError(
                    f"scan: f must return a pair (carry, y), got {type(out).__name__}"
                    + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else "")
                )
            return out

        prog, consts, out_tree = trace_to_program(body, avals, "scan f")
        c_tree, y_tree = out_tree.children()
        if c_tree != carry_tree:
            raise TypeError(
                "scan: the carry f returns must have the structure of init, but init is "
                f"{carry_tree} and f returns {c_tree}"
            )
        c_out = prog.out_avals[:nk]
        err = _carry_types_error("scan: f", carry_tree, [c.aval for c in carry], c_out, "init")
        if err is not None:
            raise err
        promoted = _promote_weak(carry, c_out)
        if promoted is None:
            break
        carry = promoted
    outs = _bind_scan(consts, carry, xs_flat, prog, n, reverse, unroll)
    return tu.tree_unflatten(carry_tree, outs[:nk]), tu.tree_unflatten(y_tree, outs[nk:])


# ---------------------------------------------------------------------------
# Loops built on scan and while, and the simple lax functions
# ---------------------------------------------------------------------------


def _concrete_int(x: Any) -> int | None:
    """The value of a Python or concrete integer scalar; None for traced values."""
    if isinstance(x, Tracer):
        return None
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return int(x)
    if isinstance(x, (Array, np.ndarray)) and x.shape == () and dtypes.is_integer(x.dtype):
        return int(np.asarray(x))
    return None


def fori_loop(
    lower: Any, upper: Any, body_fun: Callable[[Array, Any], T], init_val: Any, *,
    unroll: int | bool | None = None,
) -> T:  # fmt: skip
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``.

    With concrete bounds this is a ``scan`` over the indices (reverse mode works);
    with traced bounds it is a ``while_loop`` (forward mode only).
    """
    if not callable(body_fun):
        raise TypeError(f"fori_loop: body_fun must be callable, got {type(body_fun).__name__}")
    lo_arr = lower if isinstance(lower, Array) else core.asarray(lower)
    hi_arr = upper if isinstance(upper, Array) else core.asarray(upper)
    for a, name in ((lo_arr, "lower"), (hi_arr, "upper")):
        if a.shape != () or not dtypes.is_integer(a.dtype):
            raise TypeError(
                f"fori_loop: {name} must be an integer scalar, got {a.aval.str_short()}"
            )
    dt, weak = dtypes.result_type(
        (lo_arr.dtype, lo_arr.weak_type), (hi_arr.dtype, hi_arr.weak_type)
    )
    lo, hi = _concrete_int(lower), _concrete_int(upper)
    if lo is not None and hi is not None:
        n = max(hi - lo, 0)
        idx = Array(np.arange(lo, lo + n, dtype=dt), weak)

        def step(carry: Any, i: Array) -> tuple[T, None]:
            return body_fun(i, carry), None

        out, _ = scan(step, init_val, idx, length=n, unroll=1 if unroll is None else unroll)
        return out
    if unroll not in (None, 1, False):
        raise ValueError("fori_loop: unroll needs concrete (Python int) bounds")
    lo_c = ew.convert_element_type(lo_arr, dt, weak_type=weak)
    hi_c = ew.convert_element_type(hi_arr, dt, weak_type=weak)

    def cond_fun(c: tuple[Array, Array, Any]) -> Array:
        return ew.lt(c[0], c[1])

    def body(c: tuple[Array, Array, Any]) -> tuple[Array, Array, T]:
        i, h, x = c
        one = ew.convert_element_type(core.asarray(np.ones((), dt)), dt, weak_type=weak)
        return ew.add(i, one), h, body_fun(i, x)

    _, _, out = while_loop(cond_fun, body, (lo_c, hi_c, init_val))
    return out


def map(f: Callable[[Any], Y], xs: Any) -> Y:
    """``f`` applied to each slice of ``xs`` along the leading axis, results stacked (a scan)."""

    def step(carry: None, x: Any) -> tuple[None, Y]:
        return None, f(x)

    _, ys = scan(step, None, xs)
    return ys


def select(pred: Any, on_true: Any, on_false: Any) -> Array:
    """Elementwise ``on_true`` where ``pred`` else ``on_false`` (equal shapes and dtypes)."""
    p = pred if isinstance(pred, Array) else core.asarray(pred)
    if not dtypes.is_bool(p.dtype):
        raise TypeError(f"select: pred must be boolean, got {p.dtype.name}")
    t = on_true if isinstance(on_true, Array) else core.asarray(on_true)
    f = on_false if isinstance(on_false, Array) else core.asarray(on_false)
    if not (p.shape == t.shape == f.shape or (p.shape == () and t.shape == f.shape)):
        raise TypeError(
            f"select: pred, on_true and on_false must have equal shapes (or a scalar pred), got "
            f"{p.aval.str_short()}, {t.aval.str_short()}, {f.aval.str_short()}"
        )
    if t.dtype != f.dtype:
        raise TypeError(
            f"select: on_true and on_false must have the same dtype, got {t.dtype.name} and "
            f"{f.dtype.name}"
        )
    if p.shape != t.shape:
        p = st.broadcast_in_dim(p, t.shape, ())
    return ew.select(p, t, f)


def stop_gradient(x: Any) -> Any:
    """``x`` unchanged, but with zero derivative (every inexact leaf of a pytree)."""

    def stop(leaf: Any) -> Any:
        a = leaf if isinstance(leaf, Array) else core.asarray(leaf)
        return ew.stop_gradient(a) if dtypes.is_inexact(a.dtype) else a

    return tu.tree_map(stop, x)
