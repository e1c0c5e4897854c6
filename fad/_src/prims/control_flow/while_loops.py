"""``while``: the primitive, its rules, and ``lax.while_loop``/``lax.fori_loop``.

``while_p(*cond_consts, *body_consts, *carry, cond_program, body_program, ...)`` runs
the body while the condition holds. Its JVP is a ``while`` over the body's JVP, for the
tangents, and the loop over the primals alone, for the primal results, so that reverse
mode's partial evaluator finds those known. Reverse mode then stops at the staged
tangent loop: ``while`` has no transpose (its trip count is known only when it runs),
and the transpose pass says so.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar, overload

import numpy as np

from fad._src import core, dtypes
from fad._src import tree_util as tu
from fad._src.core import Array, ArrayLike, ShapedArray, Tracer
from fad._src.interpreters import batch as batching
from fad._src.interpreters import jvp as jvp_mod
from fad._src.interpreters import stage as stage_mod
from fad._src.interpreters import transpose as transpose_mod
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero, Zero, tangent_aval
from fad._src.interpreters.programs import batch_program, fix_weak, jvp_split, trace_cached
from fad._src.ir import ClosedProgram, Var
from fad._src.ir.passes import ProgramCache, with_invars
from fad._src.prims import elementwise as ew
from fad._src.prims import reductions as red
from fad._src.prims import structural as st
from fad._src.prims.control_flow.common import (
    all_same,
    at_front,
    carry_types_error,
    flat_operands,
    grow,
    promote_weak,
    types,
    zeros,
)
from fad._src.prims.control_flow.scans import _scan
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value

__all__ = ["fori_loop", "while_loop", "while_p"]

T = TypeVar("T")

while_p = core.new_primitive("while", multiple_results=True)


def _while_split(args: Sequence[Any], nc: int, nb: int) -> tuple[Any, Any, Any]:
    return args[:nc], args[nc : nc + nb], args[nc + nb :]


def _while_abstract(
    *avals: ShapedArray, cond_program: ClosedProgram, body_program: ClosedProgram,
    cond_nconsts: int, body_nconsts: int,
) -> list[ShapedArray]:  # fmt: skip
    cc, bc, carry = _while_split(avals, cond_nconsts, body_nconsts)
    if not all_same(cond_program.in_avals, [*cc, *carry]):
        raise TypeError(
            f"while: cond_program takes {types(cond_program.in_avals)}, "
            f"given {types([*cc, *carry])}"
        )
    out = cond_program.out_avals
    if len(out) != 1 or out[0].shape != () or not dtypes.is_bool(out[0].dtype):
        raise TypeError(f"while: cond_program must return a boolean scalar, got {types(out)}")
    if not all_same(body_program.in_avals, [*bc, *carry]):
        raise TypeError(
            f"while: body_program takes {types(body_program.in_avals)}, "
            f"given {types([*bc, *carry])}"
        )
    outs = body_program.out_avals
    if not all_same(outs, carry):
        raise TypeError(
            f"while: the body maps the carry {types(carry)} to {types(outs)}; they must be equal"
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


_while_jvps: ProgramCache[tuple[ClosedProgram, ClosedProgram, int]] = ProgramCache()


def _while_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, cond_program: ClosedProgram,
    body_program: ClosedProgram, cond_nconsts: int, body_nconsts: int,
) -> tuple[list[Array], list[MaybeZero]]:  # fmt: skip
    nc, nb = cond_nconsts, body_nconsts
    cc, bc, init = _while_split(primals, nc, nb)
    _, t_bc, t_init = _while_split(tangents, nc, nb)
    b_nz = tuple(not isinstance(t, Zero) for t in t_bc)
    carry_nz = grow(
        [not isinstance(t, Zero) for t in t_init],
        lambda c: jvp_split(body_program, b_nz + c).out_nonzero,
    )

    def make() -> tuple[ClosedProgram, ClosedProgram, int]:
        # The loop over (primal, tangent) carries: the body's JVP with its inputs reordered
        # to [body consts, their tangents, carries, their tangents].
        full = jvp_split(body_program, b_nz + carry_nz, carry_nz).full
        ins = full.program.invars
        n_c, k_b = len(init), sum(b_nz)
        body = with_invars(
            full,
            [*ins[:nb], *ins[nb + n_c : nb + n_c + k_b], *ins[nb : nb + n_c],
             *ins[nb + n_c + k_b :]],
        )  # fmt: skip
        extra = [Var(v.aval) for v in ins[nb + n_c + k_b :]]
        cond = with_invars(cond_program, [*cond_program.program.invars, *extra])
        return cond, body, k_b

    cond, body, k_b = _while_jvps.get(body_program, (b_nz, carry_nz), make)
    nz_tb = [t for t in t_bc if not isinstance(t, Zero)]
    nz_ti = [
        jvp_mod.instantiate(t) if not isinstance(t, Zero) else zeros(t.aval.strip_weak_type())
        for t, m in zip(t_init, carry_nz, strict=True)
        if m
    ]
    outs = while_p.bindn(
        *cc, *bc, *nz_tb, *init, *nz_ti, cond_program=cond, body_program=body,
        cond_nconsts=nc, body_nconsts=nb + k_b,
    )  # fmt: skip
    # The primal results come from a loop over the primals alone, so that partial
    # evaluation finds them known; the loop above is then needed only for its tangents.
    primal_out = while_p.bindn(
        *cc, *bc, *init, cond_program=cond_program, body_program=body_program,
        cond_nconsts=nc, body_nconsts=nb,
    )  # fmt: skip
    t_out = iter(outs[len(init) :])
    return primal_out, [
        next(t_out) if m else Zero(tangent_aval(p.aval))
        for p, m in zip(primal_out, carry_nz, strict=True)
    ]


def _while_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, cond_program: ClosedProgram,
    body_program: ClosedProgram, cond_nconsts: int, body_nconsts: int,
) -> tuple[list[Array], list[BDim]]:  # fmt: skip
    size = batching.batch_size(vals, dims)
    nc, nb = cond_nconsts, body_nconsts
    moved = [at_front(v, d) for v, d in zip(vals, dims, strict=True)]
    cc, bc, init = _while_split(moved, nc, nb)
    cc_b, bc_b, init_b = (tuple(d is not None for d in x) for x in _while_split(dims, nc, nb))
    carry_b = grow(init_b, lambda c: batch_program(body_program, bc_b + c, size).out_mask)
    pred_b = batch_program(cond_program, cc_b + carry_b, size).out_mask[0]
    if pred_b:
        carry_b = (True,) * len(init)
    cb = batch_program(cond_program, cc_b + carry_b, size)
    bb = batch_program(body_program, bc_b + carry_b, size, carry_b)
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
core.def_array_impl(while_p, _while_impl)
jvp_mod.def_jvp_rule(while_p, _while_jvp)
transpose_mod.def_no_transpose(
    while_p,
    "Reverse-mode differentiation does not work for while_loop or fori_loop with dynamic "
    "start/stop values: the number of iterations is known only when the loop runs, so "
    "the values of every iteration cannot be saved ahead of time for the backward pass. "
    "Use fad.lax.scan, or fori_loop with Python-int (static) bounds, which is a scan; "
    "forward mode (jvp, jacfwd) does work through while_loop.",
)
batching.def_batch(while_p, _while_batch)
lowering.def_rule(while_p, _while_lowering)


# ---------------------------------------------------------------------------
# lax.while_loop and lax.fori_loop
# ---------------------------------------------------------------------------


@overload
def while_loop(
    cond_fun: Callable[[Array], ArrayLike], body_fun: Callable[[Array], Array], init_val: float
) -> Array: ...
@overload
def while_loop(
    cond_fun: Callable[[T], ArrayLike], body_fun: Callable[[T], T], init_val: T
) -> T: ...
def while_loop(
    cond_fun: Callable[[Any], ArrayLike], body_fun: Callable[[Any], Any], init_val: Any
) -> Any:
    """Repeat ``val = body_fun(val)`` while ``cond_fun(val)``; return the last ``val``.

    ``body_fun`` must return a value of ``init_val``'s structure and types. Forward
    mode and ``vmap`` (lanes finish independently) work; reverse mode does not, since
    the trip count is unknown ahead of time (use ``scan`` or a static ``fori_loop``).

    Both functions are traced once per signature (the structure and types of
    ``init_val``) and the traces reused while they live and the names they read are
    bound to the same objects; see ``fad._src.interpreters.programs.trace_cached``.
    """
    return _while_loop(cond_fun, body_fun, init_val, (cond_fun, "while"), (body_fun, "while"))


def _while_loop(
    cond_fun: Callable[[Any], Any], body_fun: Callable[[Any], T], init_val: Any,
    cond_user: tuple[Callable[..., Any], Hashable], body_user: tuple[Callable[..., Any], Hashable],
) -> T:  # fmt: skip
    """``while_loop``, with each trace cached per ``(function, tag)`` in ``cond_user`` and
    ``body_user``: the user function the given one wraps, and a tag for the wrapper."""
    for fun, name in ((cond_fun, "cond_fun"), (body_fun, "body_fun")):
        if not callable(fun):
            raise TypeError(f"while_loop: {name} must be callable, got {type(fun).__name__}")
    init, tree = flat_operands(init_val, "while_loop init_val")
    for _ in range(2):
        avals = [x.aval for x in init]

        def cond_flat(*xs: Array) -> Any:
            return cond_fun(tu.tree_unflatten(tree, list(xs)))

        def body_flat(*xs: Array) -> Any:
            return body_fun(tu.tree_unflatten(tree, list(xs)))

        cprog, cconsts, ctree = trace_cached(
            cond_user[0], ("cond", cond_user[1], tree), cond_flat, avals, "while_loop cond_fun"
        )
        couts = cprog.out_avals
        if not ctree.is_leaf() or couts[0].shape != () or not dtypes.is_bool(couts[0].dtype):
            got = types(couts) if ctree.is_leaf() else str(ctree)
            raise TypeError(f"while_loop: cond_fun must return a boolean scalar, but got {got}")
        bprog, bconsts, btree = trace_cached(
            body_user[0], ("body", body_user[1], tree), body_flat, avals, "while_loop body_fun"
        )
        if btree != tree:
            raise TypeError(
                "while_loop: body_fun output and input must have the same pytree structure, "
                f"but init_val is {tree} and body_fun returns {btree}"
            )
        err = carry_types_error("while_loop: body_fun", tree, avals, bprog.out_avals, "init_val")
        if err is not None:
            raise err
        promoted = promote_weak(init, bprog.out_avals)
        if promoted is None:
            break
        init = promoted
    outs = while_p.bindn(
        *cconsts, *bconsts, *init, cond_program=cprog, body_program=bprog,
        cond_nconsts=len(cconsts), body_nconsts=len(bconsts),
    )  # fmt: skip
    result: T = tu.tree_unflatten(tree, outs)
    return result


def _concrete_int(x: Any) -> int | None:
    """The value of a Python or concrete integer scalar; None for traced values."""
    if isinstance(x, Tracer):
        return None
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return int(x)
    if isinstance(x, (Array, np.ndarray)) and x.shape == () and dtypes.is_integer(x.dtype):
        return int(np.asarray(x))
    return None


@overload
def fori_loop(
    lower: ArrayLike, upper: ArrayLike, body_fun: Callable[[Array, Array], Array],
    init_val: float, *, unroll: int | bool | None = None,
) -> Array: ...
@overload
def fori_loop(
    lower: ArrayLike, upper: ArrayLike, body_fun: Callable[[Array, T], T], init_val: T, *,
    unroll: int | bool | None = None,
) -> T: ...
def fori_loop(
    lower: ArrayLike, upper: ArrayLike, body_fun: Callable[[Array, Any], Any], init_val: Any, *,
    unroll: int | bool | None = None,
) -> Any:  # fmt: skip
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``.

    With concrete bounds this is a ``scan`` over the indices (reverse mode works);
    with traced bounds it is a ``while_loop`` (forward mode only). ``body_fun`` is
    traced once per signature, as in ``scan``.
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

        def step(carry: Any, i: Array) -> tuple[Any, None]:
            return body_fun(i, carry), None

        out, _ = _scan(
            step, init_val, idx, n, False, 1 if unroll is None else unroll, body_fun, "fori"
        )
        return out
    if unroll not in (None, 1, False):
        raise ValueError("fori_loop: unroll needs concrete (Python int) bounds")
    lo_c = ew.convert_element_type(lo_arr, dt, weak_type=weak)
    hi_c = ew.convert_element_type(hi_arr, dt, weak_type=weak)

    def body(c: tuple[Array, Array, Any]) -> tuple[Array, Array, T]:
        i, h, x = c
        one = ew.convert_element_type(core.asarray(np.ones((), dt)), dt, weak_type=weak)
        return ew.add(i, one), h, body_fun(i, x)

    _, _, out = _while_loop(
        _fori_cond, body, (lo_c, hi_c, init_val), (_fori_cond, "fori"),
        (body_fun, ("fori", dt, weak)),
    )  # fmt: skip
    return out


def _fori_cond(c: tuple[Array, Array, Any]) -> Array:
    return ew.lt(c[0], c[1])
