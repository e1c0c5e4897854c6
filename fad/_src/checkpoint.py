"""``checkpoint`` (``remat``): recompute a function's intermediates in the backward pass
instead of saving them.

The wrapped function becomes one ``checkpoint`` primitive carrying its program.
Its JVP rule splits the JVP by dependency like every call, but a *policy* says
which known values may become residuals; the others are recomputed inside the
tangent part, from the function's inputs (and the values the policy did save).
Reverse mode therefore keeps only those, and the transposed tangent part, run in
the backward pass, recomputes the rest. Evaluated, batched or lowered, the
primitive is just its program (lowered behind an optimization barrier, so that
XLA does not merge the recomputation back into the forward pass).
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, Protocol, TypeVar

from fad._src import core
from fad._src import tree_util as tu
from fad._src.core import Array, Primitive, ShapedArray
from fad._src.interpreters import batch as batching
from fad._src.interpreters import jvp as jvp_mod
from fad._src.interpreters import transpose as transpose_mod
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero, Zero, tangent_aval
from fad._src.interpreters.programs import (
    batch_program,
    check_operands,
    fix_weak,
    flat_arrays,
    jvp_split,
    trace_cached,
    transpose_call,
)
from fad._src.ir import ClosedProgram, Eqn
from fad._src.ir.passes import Saveable
from fad._src.prims import linalg
from fad._src.xla import lowering

__all__ = ["Policy", "checkpoint", "checkpoint_p", "checkpoint_policies", "remat"]

P = ParamSpec("P")
R = TypeVar("R")

checkpoint_p = core.new_primitive("checkpoint", multiple_results=True)


class Policy(Protocol):
    """Whether the result of ``prim`` applied to operands of types ``avals`` may be saved."""

    def __call__(self, prim: Primitive, *avals: ShapedArray, **params: Any) -> bool: ...


def _nothing_saveable(prim: Primitive, *avals: ShapedArray, **params: Any) -> bool:
    return False


def _everything_saveable(prim: Primitive, *avals: ShapedArray, **params: Any) -> bool:
    return True


def _dots_saveable(prim: Primitive, *avals: ShapedArray, **params: Any) -> bool:
    return prim is linalg.dot_general_p


def _dots_with_no_batch_dims_saveable(prim: Primitive, *avals: ShapedArray, **params: Any) -> bool:
    if prim is not linalg.dot_general_p:
        return False
    (_, _), (lhs_batch, _) = params["dimension_numbers"]
    return not lhs_batch


class checkpoint_policies:
    """Ready-made policies for ``checkpoint`` (JAX's names)."""

    nothing_saveable: Policy = staticmethod(_nothing_saveable)
    everything_saveable: Policy = staticmethod(_everything_saveable)
    dots_saveable: Policy = staticmethod(_dots_saveable)
    checkpoint_dots: Policy = staticmethod(_dots_saveable)
    dots_with_no_batch_dims_saveable: Policy = staticmethod(_dots_with_no_batch_dims_saveable)


# One ``Saveable`` per policy, so the JVP splits cached per (program, saveable) are reused.
_saveables: weakref.WeakKeyDictionary[Any, Saveable] = weakref.WeakKeyDictionary()


def _saveable(policy: Policy | None) -> Saveable:
    pol = _nothing_saveable if policy is None else policy
    hit = _saveables.get(pol)
    if hit is None:

        def saveable(e: Eqn) -> bool:
            return bool(pol(e.prim, *(a.aval for a in e.inputs), **e.params))

        hit = _saveables[pol] = saveable
    return hit


def _abstract(*avals: ShapedArray, program: ClosedProgram, **_: Any) -> list[ShapedArray]:
    check_operands(avals, program, "checkpoint")
    return program.out_avals


def _impl(*args: Array, program: ClosedProgram, **_: Any) -> list[Array]:
    return fix_weak(program(*args), program.out_avals)


def _jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, program: ClosedProgram,
    policy: Policy | None, prevent_cse: bool,
) -> tuple[list[Array], list[MaybeZero]]:  # fmt: skip
    nonzero = tuple(not isinstance(t, Zero) for t in tangents)
    split = jvp_split(program, nonzero, saveable=_saveable(policy))
    params = {"policy": policy, "prevent_cse": prevent_cse}
    n_out = len(program.out_avals)
    known = checkpoint_p.bindn(*primals, program=split.known, **params)
    primal_out, res = known[:n_out], known[n_out:]
    res_in = [primals[i] for i in split.res_in]
    nz_t = [t for t in tangents if not isinstance(t, Zero)]
    t_out = iter(
        checkpoint_p.bindn(*res_in, *res, *nz_t, program=split.tangent, **params)
        if any(split.out_nonzero) else []
    )  # fmt: skip
    return primal_out, [
        next(t_out) if m else Zero(tangent_aval(p.aval))
        for p, m in zip(primal_out, split.out_nonzero, strict=True)
    ]


def _transpose(
    cts: Sequence[MaybeZero], *args: Any, program: ClosedProgram, policy: Policy | None,
    prevent_cse: bool,
) -> list[MaybeZero | None]:  # fmt: skip
    return transpose_call(
        cts, args, program,
        lambda t, ops: checkpoint_p.bindn(*ops, program=t, policy=policy, prevent_cse=prevent_cse),
    )  # fmt: skip


def _batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, program: ClosedProgram,
    policy: Policy | None, prevent_cse: bool,
) -> tuple[list[Array], list[BDim]]:  # fmt: skip
    size = batching.batch_size(vals, dims)
    moved = [
        v if d is None else batching.moveaxis(v, d, 0) for v, d in zip(vals, dims, strict=True)
    ]
    b = batch_program(program, tuple(d is not None for d in dims), size)
    outs = checkpoint_p.bindn(*moved, program=b.program, policy=policy, prevent_cse=prevent_cse)
    return outs, [0 if m else None for m in b.out_mask]


def _lowering(
    ctx: lowering.LoweringContext, *args: lowering.Value, program: ClosedProgram,
    policy: Policy | None, prevent_cse: bool,
) -> list[lowering.Value]:  # fmt: skip
    ins = list(args)
    if prevent_cse and ins:
        ins = ctx.op("stablehlo.optimization_barrier", ins, [a.aval for a in ins])
    return ctx.call(program, ins)


core.def_abstract(checkpoint_p, _abstract)
core.def_array_impl(checkpoint_p, _impl)
jvp_mod.def_jvp_rule(checkpoint_p, _jvp)
transpose_mod.def_transpose(checkpoint_p, _transpose)
batching.def_batch(checkpoint_p, _batch)
lowering.def_rule(checkpoint_p, _lowering)


def checkpoint(
    fun: Callable[P, R], *, prevent_cse: bool = True, policy: Policy | None = None,
    static_argnums: int | Sequence[int] = (),
) -> Callable[P, R]:  # fmt: skip
    """``fun``, but reverse mode saves only its inputs (and what ``policy`` allows) and
    recomputes its other intermediates in the backward pass. Values are unchanged.

    ``policy(prim, *avals, **params) -> bool`` says which intermediate results may be
    saved; see ``checkpoint_policies`` (default: nothing). ``static_argnums`` are
    arguments passed as they are (not traced), for Python values the function
    branches on. ``prevent_cse`` keeps XLA from merging the recomputation with the
    forward pass under ``jit``.

    ``fun`` is traced once per signature (argument structure and types, and the values
    of the static arguments, which must then be hashable to be cached) and the trace
    reused while ``fun`` lives and the names it reads are bound to the same objects;
    see ``fad._src.interpreters.programs.trace_cached``.
    """
    if not callable(fun):
        raise TypeError(f"checkpoint expects a callable, got {type(fun).__name__}")
    statics = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
    name = getattr(fun, "__name__", "fun")

    @functools.wraps(fun)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        nargs = len(args)
        nums = {s % nargs for s in statics if -nargs <= s < nargs}
        dyn_pos = [i for i in range(nargs) if i not in nums]
        flat, in_tree = flat_arrays(
            ([args[i] for i in dyn_pos], kwargs),
            lambda j, leaf: (
                f"checkpoint-wrapped {name}: argument leaf {j} is a {type(leaf).__name__} "
                f"({leaf!r}), not an array; mark the argument with static_argnums"
            ),
        )
        f: Callable[..., Any] = fun

        def flat_fun(*xs: Array) -> Any:
            dyn, kw = tu.tree_unflatten(in_tree, list(xs))
            full = list(args)
            for i, v in zip(dyn_pos, dyn, strict=True):
                full[i] = v
            return f(*full, **kw)

        static = tuple((i, type(args[i]), args[i]) for i in sorted(nums))
        key = ("checkpoint", in_tree, nargs, static)
        program, consts, out_tree = trace_cached(
            fun, key, flat_fun, [x.aval for x in flat], f"checkpoint-wrapped {name}"
        )
        outs = checkpoint_p.bindn(
            *consts, *flat, program=program, policy=policy, prevent_cse=prevent_cse
        )
        result: R = tu.tree_unflatten(out_tree, outs)
        return result

    return wrapped


remat = checkpoint
