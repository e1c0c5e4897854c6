"""``custom_linear_solve``: ``x = solve(matvec, b)`` with derivatives from the equation
``A x = b`` rather than from ``solve``'s iterations (JAX's ``lax.custom_linear_solve``).

The primitive carries four programs, each taking its hoisted constants first: ``matvec``
(``A``), ``vecmat`` (``Aᵀ``), ``solve`` (``A⁻¹``) and ``transpose_solve`` (``A⁻ᵀ``, or
None). Its value is ``solve(b)``; it is linear in ``b``. Its JVP is
``dx = solve(db - dA x)`` (``dA x`` the derivative of ``matvec`` in its constants), another
``custom_linear_solve``; its transpose in ``b`` is the one with the roles of ``A`` and
``Aᵀ`` exchanged, so reverse mode never differentiates or transposes ``solve`` itself
(which may be an iterative loop). The constants of ``solve`` and ``transpose_solve`` get no
derivative, as in JAX.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fad._src import core
from fad._src.core import Array, ShapedArray
from fad._src.interpreters import batch as batching
from fad._src.interpreters import jvp as jvp_mod
from fad._src.interpreters import transpose as transpose_mod
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import JVPHandler, JVPTracer, MaybeZero, Zero
from fad._src.interpreters.programs import batch_program, fix_weak
from fad._src.interpreters.transpose import is_undefined
from fad._src.ir import ClosedProgram
from fad._src.prims import elementwise as ew
from fad._src.prims.control_flow.common import zeros
from fad._src.xla import lowering

linear_solve_p = core.new_primitive("custom_linear_solve", multiple_results=True)

Programs = tuple[ClosedProgram, ClosedProgram, ClosedProgram, ClosedProgram | None]


def _split(args: Sequence[Any], counts: tuple[int, ...]) -> list[list[Any]]:
    """The operands as [matvec consts, vecmat consts, solve consts, transpose consts, b]."""
    out, start = [], 0
    for n in counts:
        out.append(list(args[start : start + n]))
        start += n
    out.append(list(args[start:]))
    return out


def _abstract(
    *avals: ShapedArray, programs: Programs, counts: tuple[int, ...]
) -> list[ShapedArray]:
    b = _split(avals, counts)[4]
    solve = programs[2]
    if [(a.shape, a.dtype) for a in b] != [(o.shape, o.dtype) for o in solve.out_avals]:
        raise TypeError("custom_linear_solve: solve must return values of b's shapes and dtypes")
    return [a.strip_weak_type() for a in solve.out_avals]


def _impl(*args: Array, programs: Programs, counts: tuple[int, ...]) -> list[Array]:
    parts = _split(args, counts)
    return fix_weak(programs[2](*parts[2], *parts[4]), programs[2].out_avals)


def _jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, programs: Programs,
    counts: tuple[int, ...],
) -> tuple[list[Array], list[MaybeZero]]:  # fmt: skip
    x = linear_solve_p.bindn(*primals, programs=programs, counts=counts)
    parts, t_parts = _split(primals, counts), _split(tangents, counts)
    rhs = [zeros(a.aval.strip_weak_type()) if isinstance(t, Zero) else t
           for a, t in zip(parts[4], t_parts[4], strict=True)]  # fmt: skip
    if any(not isinstance(t, Zero) for t in t_parts[0]):
        # dA x: the derivative of matvec in its constants, at the solution.
        h = JVPHandler()
        with core.installed(h):
            ins = [c if isinstance(t, Zero) else JVPTracer(h, c, t)
                   for c, t in zip(parts[0], t_parts[0], strict=True)]  # fmt: skip
            outs = programs[0](*ins, *x)
        for i, o in enumerate(outs):
            _, dax = h.unwrap(o)
            if not isinstance(dax, Zero):
                rhs[i] = ew.sub(rhs[i], dax)
    if all(isinstance(t, Zero) for t in t_parts[4]) and all(
        isinstance(t, Zero) for t in t_parts[0]
    ):
        return x, [Zero(o.aval) for o in x]
    consts = [a for p in parts[:4] for a in p]
    dx = linear_solve_p.bindn(*consts, *rhs, programs=programs, counts=counts)
    return x, list(dx)


def _transpose(
    cts: Sequence[MaybeZero], *args: Any, programs: Programs, counts: tuple[int, ...]
) -> list[MaybeZero | None]:
    parts = _split(args, counts)
    if any(is_undefined(a) for p in parts[:4] for a in p):
        raise transpose_mod.NonlinearError("custom_linear_solve is linear in b only")
    matvec, vecmat, solve, tsolve = programs
    if tsolve is None:
        raise TypeError(
            "custom_linear_solve: reverse mode needs transpose_solve (or symmetric=True)"
        )
    ct = [zeros(o.aval.strip_weak_type()) if isinstance(c, Zero) else c
          for c, o in zip(cts, parts[4], strict=True)]  # fmt: skip
    swapped: Programs = (vecmat, matvec, tsolve, solve)
    new_counts = (counts[1], counts[0], counts[3], counts[2])
    out = linear_solve_p.bindn(
        *parts[1], *parts[0], *parts[3], *parts[2], *ct, programs=swapped, counts=new_counts
    )
    result: list[MaybeZero | None] = [None] * sum(counts)
    return result + list(out)


def _batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, programs: Programs, counts: tuple[int, ...]
) -> tuple[list[Array], list[BDim]]:
    size = batching.batch_size(vals, dims)
    moved = [
        v if d is None else batching.moveaxis(v, d, 0) for v, d in zip(vals, dims, strict=True)
    ]
    parts = _split(moved, counts)
    flags = _split([d is not None for d in dims], counts)
    # b (and so x) is batched as a whole: every program maps batched x to batched results.
    b = [
        v if f else batching.bdim_at_front(v, None, size)
        for v, f in zip(parts[4], flags[4], strict=True)
    ]
    n_x = len(b)
    new: list[ClosedProgram | None] = []
    for prog, f in zip(programs, flags[:4], strict=True):
        if prog is None:
            new.append(None)
            continue
        mask = (*f, *([True] * n_x))
        new.append(batch_program(prog, mask, size, (True,) * n_x).program)
    outs = linear_solve_p.bindn(
        *[a for p in parts[:4] for a in p], *b, programs=tuple(new), counts=counts
    )
    return list(outs), [0] * n_x


def _lowering(
    ctx: lowering.LoweringContext, *args: lowering.Value, programs: Programs,
    counts: tuple[int, ...],
) -> list[lowering.Value]:  # fmt: skip
    parts = _split(args, counts)
    return ctx.call(programs[2], [*parts[2], *parts[4]])


core.def_abstract(linear_solve_p, _abstract)
core.def_array_impl(linear_solve_p, _impl)
jvp_mod.def_jvp_rule(linear_solve_p, _jvp)
transpose_mod.def_transpose(linear_solve_p, _transpose)
batching.def_batch(linear_solve_p, _batch)
lowering.def_rule(linear_solve_p, _lowering)
