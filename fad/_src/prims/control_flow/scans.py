"""``scan``: the primitive, its rules, and ``lax.scan``/``lax.map``.

``scan_p(*consts, *carry, *xs, program, ...)`` loops the body over the leading axis of
``xs``. Its JVP is two scans: the body's JVP is split by dependency into a known scan,
which returns the residuals stacked per iteration (those that do not vary are
computed once, before the loop), and a tangent scan that reads them. Reverse mode
runs the first and stages the second, so it never re-runs the forward pass: the
transpose of the tangent scan is a ``scan`` running the other way over the stored
residuals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, final, overload

import numpy as np

from fad._src import core
from fad._src import tree_util as tu
from fad._src.core import Array, ShapedArray
from fad._src.interpreters import batch as batching
from fad._src.interpreters import jvp as jvp_mod
from fad._src.interpreters import stage as stage_mod
from fad._src.interpreters import transpose as transpose_mod
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero, Zero, tangent_aval
from fad._src.interpreters.programs import (
    batch_program,
    fix_weak,
    jvp_split,
    trace_cached,
    transpose_program,
)
from fad._src.interpreters.transpose import is_undefined
from fad._src.ir import ClosedProgram, Program, Var
from fad._src.ir.passes import ProgramCache, dce, dependents, restrict, split_by_known, with_invars
from fad._src.prims.control_flow.common import (
    I32,
    all_same,
    at_front,
    carry_types_error,
    flat_operands,
    grow,
    paths,
    promote_weak,
    types,
    zeros,
)
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value

__all__ = ["map", "scan", "scan_p"]

# scan's carry, the slice of xs the body sees (typed as xs itself, as in JAX), and ys.
C = TypeVar("C")
X = TypeVar("X")
Y = TypeVar("Y")

scan_p = core.new_primitive("scan", multiple_results=True)


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
    if not all_same(want, given):
        raise TypeError(f"scan: the body takes {types(want)}, given {types(given)}")
    outs = program.out_avals
    c_out, ys = outs[:num_carry], outs[num_carry:]
    if not all_same(carry, c_out):
        raise TypeError(
            f"scan: the body maps the carry {types(carry)} to {types(c_out)}; they must be equal"
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


_scan_splits: ProgramCache[_ScanSplit] = ProgramCache()


def _roles(n_in: int, num_consts: int, num_carry: int) -> list[str]:
    """Each operand's role: "c" (a const), "k" (a carry) or "x" (scanned over)."""
    return ["c" if i < num_consts else "k" if i < num_consts + num_carry else "x"
            for i in range(n_in)]  # fmt: skip


def _split_scan(
    program: ClosedProgram, num_consts: int, num_carry: int, known_in: tuple[bool, ...],
    known_out: tuple[bool, ...],
) -> _ScanSplit:  # fmt: skip
    """Split the body by its known operands (``split_by_known``) into two scans."""

    def make() -> _ScanSplit:
        split = split_by_known(program, known_in, known_out)
        n_in = len(known_in)
        role = _roles(n_in, num_consts, num_carry)
        k_pos = [i for i in range(n_in) if known_in[i]]
        u_pos = [i for i in range(n_in) if not known_in[i]]
        n_kout = sum(known_out)
        carry_res = [p for p in split.res_ops if role[p] == "k"]
        # Residuals computed from the known consts alone are hoisted out of the loop.
        kprog = split.known.program
        n_kc = sum(1 for i in k_pos if role[i] == "c")
        in_loop = dependents(kprog, [False] * n_kc + [True] * (len(k_pos) - n_kc))
        res_outs = kprog.outvars[n_kout:]
        invariant = [not (isinstance(v, Var) and v in in_loop) for v in res_outs]
        inv_prog = restrict(
            split.known, [True] * n_kc + [False] * (len(k_pos) - n_kc),
            [False] * n_kout + invariant,
        )  # fmt: skip
        stacked = [v for v, m in zip(res_outs, invariant, strict=True) if not m]
        ins = program.program.invars
        known = dce(
            Program(kprog.constvars, kprog.invars, kprog.eqns,
                    (*kprog.outvars[:n_kout], *stacked, *(ins[p] for p in carry_res))),
            split.known.consts,
        )  # fmt: skip
        # The rest's inputs: [known inputs at res_ops] + [residuals] + [unknown inputs].
        r_ins = split.rest.program.invars
        n_ro, n_res = len(split.res_ops), len(res_outs)
        by_pos = dict(zip(split.res_ops, r_ins[:n_ro], strict=True))
        res_vars = r_ins[n_ro : n_ro + n_res]
        inv_vars = [v for v, m in zip(res_vars, invariant, strict=True) if m]
        stacked_vars = [v for v, m in zip(res_vars, invariant, strict=True) if not m]
        unknown = dict(zip(u_pos, r_ins[n_ro + n_res :], strict=True))
        const_res = tuple(p for p in split.res_ops if role[p] == "c")
        xs_res = tuple(p for p in split.res_ops if role[p] == "x")
        new_in = [
            *(by_pos[p] for p in const_res), *inv_vars,
            *(unknown[p] for p in u_pos if role[p] == "c"),
            *(unknown[p] for p in u_pos if role[p] == "k"),
            *(by_pos[p] for p in carry_res), *(by_pos[p] for p in xs_res), *stacked_vars,
            *(unknown[p] for p in u_pos if role[p] == "x"),
        ]  # fmt: skip
        return _ScanSplit(
            known, inv_prog, with_invars(split.rest, new_in), const_res, xs_res,
            len(stacked_vars), len(carry_res),
        )  # fmt: skip

    return _scan_splits.get(program, (num_consts, num_carry, known_in, known_out), make)


def _run_known(
    split: _ScanSplit, args: Sequence[Any], num_consts: int, num_carry: int,
    known_in: tuple[bool, ...], n_known_out: int, length: int, reverse: bool, unroll: int,
) -> tuple[list[Array], list[Any], list[Any], list[Any]]:  # fmt: skip
    """Bind the known scan; return its known outputs and the rest scan's consts, carries
    and xs (the residuals it reads, then the unknown operands)."""
    role = _roles(len(args), num_consts, num_carry)

    def pick(r: str, known: bool) -> list[Any]:
        return [a for a, ro, k in zip(args, role, known_in, strict=True) if ro == r and k == known]

    k_outs = _bind_scan(
        pick("c", True), pick("k", True), pick("x", True), split.known, length, reverse, unroll
    )
    res = k_outs[n_known_out : n_known_out + split.n_res]
    carry_res = k_outs[n_known_out + split.n_res :]
    consts = [*split.rest_consts(args, pick("c", True)), *pick("c", False)]
    xs = [*carry_res, *(args[p] for p in split.xs_res), *res, *pick("x", False)]
    return k_outs[:n_known_out], consts, pick("k", False), xs


_scan_jvps: ProgramCache[tuple[tuple[bool, ...], _ScanSplit]] = ProgramCache()


def _scan_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, program: ClosedProgram,
    num_consts: int, num_carry: int, length: int, reverse: bool, unroll: int,
) -> tuple[list[Array], list[MaybeZero]]:  # fmt: skip
    nc, ncar = num_consts, num_carry
    consts, init, xs = _scan_split_args(primals, nc, ncar)
    t_c, t_init, t_xs = _scan_split_args(tangents, nc, ncar)
    c_nz = tuple(not isinstance(t, Zero) for t in t_c)
    x_nz = tuple(not isinstance(t, Zero) for t in t_xs)
    carry_nz = grow(
        [not isinstance(t, Zero) for t in t_init],
        lambda k: jvp_split(program, c_nz + k + x_nz).out_nonzero[:ncar],
    )
    n_y = len(program.out_avals) - ncar

    def make() -> tuple[tuple[bool, ...], _ScanSplit]:
        # The body over (primal, tangent) pairs: its JVP with the inputs and outputs
        # reordered to [consts, their tangents, carries, theirs, xs, theirs] and
        # [carries, their tangents, ys, theirs], split into a known and a tangent scan.
        split = jvp_split(program, c_nz + carry_nz + x_nz, carry_nz + (False,) * n_y)
        full = split.full.program
        n_in = len(program.in_avals)
        ins, outs = full.invars, full.outvars
        p_c, p_k, p_x = ins[:nc], ins[nc : nc + ncar], ins[nc + ncar : n_in]
        t_ins = iter(ins[n_in:])
        tc = [next(t_ins) for m in c_nz if m]
        tk = [next(t_ins) for m in carry_nz if m]
        tx = [next(t_ins) for m in x_nz if m]
        n_out = len(program.out_avals)
        k_tc = sum(carry_nz)
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
        return split.out_nonzero, _split_scan(
            body, nc + len(tc), ncar + len(tk), known_in, known_out
        )

    out_nz, split = _scan_jvps.get(program, (c_nz, carry_nz, x_nz), make)
    nz_tc = [t for t in t_c if not isinstance(t, Zero)]
    nz_tk = [
        t if not isinstance(t, Zero) else zeros(t.aval.strip_weak_type())
        for t, m in zip(t_init, carry_nz, strict=True)
        if m
    ]
    nz_tx = [t for t in t_xs if not isinstance(t, Zero)]
    k_tc = len(nz_tk)
    known_in = (
        (True,) * nc + (False,) * len(nz_tc) + (True,) * ncar + (False,) * k_tc
        + (True,) * len(xs) + (False,) * len(nz_tx)
    )  # fmt: skip
    known_outs, r_consts, r_carry, r_xs = _run_known(
        split, [*consts, *nz_tc, *init, *nz_tk, *xs, *nz_tx], nc + len(nz_tc), ncar + k_tc,
        known_in, ncar + n_y, length, reverse, unroll,
    )  # fmt: skip
    rest = _bind_scan(r_consts, r_carry, r_xs, split.rest, length, reverse, unroll)
    primal_out = known_outs
    t_out = iter(rest)
    return primal_out, [
        next(t_out) if m else Zero(tangent_aval(p.aval))
        for p, m in zip(primal_out, out_nz, strict=True)
    ]


_scan_transposes: ProgramCache[tuple[ClosedProgram, tuple[bool, ...], tuple[bool, ...]]] = (
    ProgramCache()
)


def _scan_transpose(
    cts: Sequence[MaybeZero], *args: Any, program: ClosedProgram, num_consts: int,
    num_carry: int, length: int, reverse: bool, unroll: int,
) -> list[MaybeZero | None]:  # fmt: skip
    nc, ncar = num_consts, num_carry
    c_u, k_u, x_u = (tuple(is_undefined(a) for a in x) for x in _scan_split_args(args, nc, ncar))

    def linear_after(lin: tuple[bool, ...]) -> list[bool]:
        dep = dependents(program.program, [*c_u, *lin, *x_u])
        return [isinstance(o, Var) and o in dep for o in program.program.outvars[:ncar]]

    # Carries that never meet a linear input are not linear: compute them forward first.
    lin_carry = grow(k_u, linear_after)
    if not all(lin_carry):
        return _scan_transpose_known_carries(
            cts, args, lin_carry, program=program, num_consts=nc, num_carry=ncar,
            length=length, reverse=reverse, unroll=unroll,
        )  # fmt: skip
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
                c if c is not None else zeros(av) for c, av in zip(k_cts, carry_avals, strict=True)
            ]
            return [*new_acc, *new_c, *(c for c in x_cts if c is not None)]

        in_avals = [*d_consts, *acc_avals, *carry_avals, *d_xs, *y_avals]
        return stage_mod.stage(body, in_avals), c_mask, x_mask

    body, c_mask, x_mask = _scan_transposes.get(program, key, make)
    consts, init, xs = _scan_split_args(args, nc, ncar)
    d_consts = [c for c, u in zip(consts, c_u, strict=True) if not u]
    d_xs = [x for x, u in zip(xs, x_u, strict=True) if not u]
    u_consts = [c for c, u in zip(consts, c_u, strict=True) if u]
    acc0 = [zeros(c.aval.strip_weak_type()) for c, m in zip(u_consts, c_mask, strict=True) if m]
    ct_carry = [
        c if isinstance(c, Array) else zeros(a)
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
    cts: Sequence[MaybeZero], args: Sequence[Any], lin_carry: tuple[bool, ...], *,
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
    dep = dependents(program.program, [not k for k in known_in])
    outs = program.program.outvars
    known_out = tuple(
        [not lc for lc in lin_carry]
        + [not (isinstance(o, Var) and o in dep) for o in outs[ncar:]]
    )  # fmt: skip
    split = _split_scan(program, nc, ncar, known_in, known_out)
    _, r_consts, r_carry, r_xs = _run_known(
        split, args, nc, ncar, known_in, sum(known_out), length, reverse, unroll
    )
    r_cts = [c for c, k in zip(cts, known_out, strict=True) if not k]
    r_cts_in = _scan_transpose(
        r_cts, *r_consts, *r_carry, *r_xs, program=split.rest, num_consts=len(r_consts),
        num_carry=len(r_carry), length=length, reverse=reverse, unroll=unroll,
    )  # fmt: skip
    # Map the rest's cotangents back to the operands they came from: its unknown consts,
    # carries and xs come last in each group.
    role = _roles(len(args), nc, ncar)
    n_u = {r: sum(1 for ro, k in zip(role, known_in, strict=True) if ro == r and not k)
           for r in "ckx"}  # fmt: skip
    n_rc, n_rk = len(r_consts), len(r_carry)
    u_consts = iter(r_cts_in[n_rc - n_u["c"] : n_rc])
    u_carry = iter(r_cts_in[n_rc : n_rc + n_rk])
    u_xs = iter(r_cts_in[len(r_cts_in) - n_u["x"] :])
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
    c_b = tuple(d is not None for d in c_d)
    x_b = tuple(d is not None for d in x_d)
    carry_b = grow(
        [d is not None for d in k_d],
        lambda k: batch_program(program, c_b + k + x_b, size).out_mask[:ncar],
    )
    n_y = len(program.out_avals) - ncar
    b = batch_program(program, c_b + carry_b + x_b, size, carry_b + (False,) * n_y)
    m_consts = [at_front(c, d) for c, d in zip(consts, c_d, strict=True)]
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
    i32 = ShapedArray((), I32)

    def step(
        c: LoweringContext, i: Value, carry: Sequence[Value], ys: Sequence[Value]
    ) -> tuple[list[Value], list[Value]]:
        idx = i
        if reverse:
            last = c.scalar(length - 1, I32)
            idx = c.op1("stablehlo.subtract", [last, i], i32)
        zero = c.scalar(0, I32)
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
            bound = c.scalar(n_main, I32)
            b = ShapedArray((), np.dtype(np.bool_))
            return [c._compare("LT", s[0], bound, b)]

        def body(c: LoweringContext, s: list[Value]) -> list[Value]:
            i, cs, ys_ = s[0], s[1 : 1 + n_c], s[1 + n_c :]
            one = c.scalar(1, I32)
            for _ in range(k):
                cs, ys_ = step(c, i, cs, ys_)
                i = c.op1("stablehlo.add", [i, one], i32)
            return [i, *cs, *ys_]

        regions = [ctx.region(state_avals, cond), ctx.region(state_avals, body)]
        start = ctx.scalar(0, I32)
        res = ctx.op("stablehlo.while", [start, *carry, *ys], state_avals, regions=regions)
        carry, ys = res[1 : 1 + n_c], res[1 + n_c :]
    for j in range(n_main, length):
        carry, ys = step(ctx, ctx.scalar(j, I32), carry, ys)
    return [*carry, *ys]


core.def_abstract(scan_p, _scan_abstract)
core.def_array_impl(scan_p, _scan_impl)
jvp_mod.def_jvp_rule(scan_p, _scan_jvp)
transpose_mod.def_transpose(scan_p, _scan_transpose)
batching.def_batch(scan_p, _scan_batch)
lowering.def_rule(scan_p, _scan_lowering)


# ---------------------------------------------------------------------------
# lax.scan and lax.map
# ---------------------------------------------------------------------------


# A Python scalar carry is weakly typed: the body sees (and the loop returns) an Array.
@overload
def scan(
    f: Callable[[Array, X], tuple[Array, Y]], init: float, xs: X, length: int | None = None,
    reverse: bool = False, unroll: int | bool = 1,
) -> tuple[Array, Y]: ...
@overload
def scan(
    f: Callable[[C, X], tuple[C, Y]], init: C, xs: X, length: int | None = None,
    reverse: bool = False, unroll: int | bool = 1,
) -> tuple[C, Y]: ...
@overload
def scan(
    f: Callable[[Array, None], tuple[Array, Y]], init: float, xs: None = None,
    length: int | None = None, reverse: bool = False, unroll: int | bool = 1,
) -> tuple[Array, Y]: ...
@overload
def scan(
    f: Callable[[C, None], tuple[C, Y]], init: C, xs: None = None, length: int | None = None,
    reverse: bool = False, unroll: int | bool = 1,
) -> tuple[C, Y]: ...
def scan(
    f: Callable[[Any, Any], tuple[Any, Any]], init: Any, xs: Any = None,
    length: int | None = None, reverse: bool = False, unroll: int | bool = 1,
) -> tuple[Any, Any]:  # fmt: skip
    """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``; return the final
    carry and the ``y`` s stacked.

    The loop is one primitive, so it is traced once, compiles to one XLA loop and is
    differentiable in both modes (reverse mode stores each iteration's residuals;
    ``checkpoint`` the body to recompute them instead). Python ``for`` loops unroll into
    one copy of the body per iteration.

    ``f`` is traced once per signature (the structure and types of ``init`` and of a
    slice of ``xs``) and the trace reused while ``f`` lives and the names it reads are
    bound to the same objects; see ``fad._src.interpreters.programs.trace_cached``.

    Args:
        f: The body, ``f(carry, x) -> (carry, y)``. The carry must keep its structure,
            shapes and dtypes from one iteration to the next.
        init: The initial carry: an array or a pytree of arrays.
        xs: The values to scan over: an array or pytree of arrays sharing a leading
            axis, sliced along it, one slice per iteration; ``None`` to scan without
            inputs (``f`` then receives ``None``).
        length: The number of iterations; needed when ``xs`` is ``None``, checked
            against the leading axis otherwise.
        reverse: Run from the last slice to the first (the stacked ``ys`` still line up
            with ``xs``).
        unroll: How many iterations each compiled loop step performs (``True``: all).

    Returns:
        ``(carry, ys)``: the carry after the last iteration, and every iteration's ``y``
        stacked along a new leading axis (a pytree of such arrays if ``y`` is one).

    Raises:
        TypeError: If ``f`` is not callable, ``length`` is not a non-negative int, or
            the body changes the carry's structure or types.
        ValueError: If the leaves of ``xs`` have different leading sizes (or differ
            from ``length``), or one of them is a scalar.

    Example:
        Cumulative sums, and the gradient through the loop:

        >>> def step(total, x):
        ...     total = total + x
        ...     return total, total
        >>> fad.lax.scan(step, 0.0, jnp.array([1.0, 2.0, 3.0]))
        (Array(6., dtype=float32), Array([1., 3., 6.], dtype=float32))
        >>> fad.grad(lambda xs: fad.lax.scan(step, 0.0, xs)[0])(jnp.ones(3))
        Array([1., 1., 1.], dtype=float32)
    """
    return _scan(f, init, xs, length, reverse, unroll, f, "scan")


def _scan(
    f: Callable[[Any, Any], tuple[C, Y]], init: Any, xs: Any, length: int | None,
    reverse: bool, unroll: int | bool, user: Callable[..., Any], tag: str,
) -> tuple[C, Y]:  # fmt: skip
    """``scan``, with its trace cached per ``(user, tag)``: ``f`` is ``user`` itself or a
    wrapper of it that ``tag`` names (``fori_loop``'s and ``map``'s step functions)."""
    if not callable(f):
        raise TypeError(f"scan: f must be callable, got {type(f).__name__}")
    xs_flat, xs_tree = flat_operands(xs, "scan xs")
    xs_names = paths(xs_tree, "xs")
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
    carry, carry_tree = flat_operands(init, "scan init")
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

        prog, consts, out_tree = trace_cached(
            user, (tag, carry_tree, xs_tree), body, avals, "scan f"
        )
        c_tree, y_tree = out_tree.children()
        if c_tree != carry_tree:
            raise TypeError(
                "scan: the carry f returns must have the structure of init, but init is "
                f"{carry_tree} and f returns {c_tree}"
            )
        c_out = prog.out_avals[:nk]
        err = carry_types_error("scan: f", carry_tree, [c.aval for c in carry], c_out, "init")
        if err is not None:
            raise err
        promoted = promote_weak(carry, c_out)
        if promoted is None:
            break
        carry = promoted
    outs = _bind_scan(consts, carry, xs_flat, prog, n, reverse, unroll)
    return tu.tree_unflatten(carry_tree, outs[:nk]), tu.tree_unflatten(y_tree, outs[nk:])


def map(f: Callable[[X], Y], xs: X) -> Y:
    """``f`` applied to each slice of ``xs`` along the leading axis, results stacked (a scan)."""

    def step(carry: None, x: Any) -> tuple[None, Y]:
        return None, f(x)

    _, ys = _scan(step, None, xs, None, False, 1, f, "map")
    return ys
