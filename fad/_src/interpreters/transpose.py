"""Transposition: run a linear program backwards.

Cotangents flow from the outputs to the inputs, one equation at a time in
reverse order; each linear primitive's transpose rule emits primitives under
the *current* handler, so transposing under ``vmap``, inside ``jit`` or under
another derivative works unchanged. Missing cotangents stay symbolic zeros.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, final

from fad._src.core import Array, Primitive, ShapedArray
from fad._src.interpreters.jvp import MaybeZero, Zero, add_tangents, def_jvp_rule, instantiate
from fad._src.ir import Env, Eqn, Program, Var, bind_eqn, literal_value
from fad._src.ir.passes import dependents


@final
class UndefinedPrimal:
    """Marks the linear operand(s) of an equation being transposed."""

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray) -> None:
        self.aval = aval

    def __repr__(self) -> str:
        return f"UndefinedPrimal({self.aval.str_short()})"


def is_undefined(x: object) -> bool:
    return isinstance(x, UndefinedPrimal)


class TransposeRule(Protocol):
    """(cotangent_out, *operands, **params) -> one cotangent (or None) per operand.

    Linear operands arrive as ``UndefinedPrimal``. The output cotangent is an array for
    a single-result primitive and a list (with symbolic zeros) for a multiple-result one,
    so each rule types (and names) it, with its operands and params: the ``Any`` seam.
    """

    def __call__(self, *args: Any, **params: Any) -> Sequence[MaybeZero | None]: ...


transpose_rules: dict[Primitive, TransposeRule] = {}


def def_transpose(prim: Primitive, rule: TransposeRule) -> None:
    """Register the transpose of a primitive linear in some of its operands (``mul`` in
    one factor, ``dot_general``...); its JVP is registered on its own."""
    transpose_rules[prim] = rule


def deflinear(prim: Primitive, transpose_rule: TransposeRule) -> None:
    """A primitive linear in all its operands: its JVP is itself applied to the tangents,
    and ``transpose_rule`` runs it backwards. Both are registered here, together."""

    def jvp_rule(primals: Sequence[Array], tangents: Sequence[MaybeZero], **params: Any) -> Any:
        ans = prim.bind(*primals, **params)
        if all(isinstance(t, Zero) for t in tangents):
            zeros = [Zero.like(a) for a in ans] if prim.multiple_results else Zero.like(ans)
            return ans, zeros
        return ans, prim.bind(*map(instantiate, tangents), **params)

    def_jvp_rule(prim, jvp_rule)
    def_transpose(prim, transpose_rule)


class NonlinearError(TypeError):
    """A program given to transpose is not linear in its inputs."""


class NoTransposeError(ValueError):
    """Reverse mode met a primitive that has no transpose by design (``def_no_transpose``)."""


# Primitives that reverse mode can meet but that have no transpose by design, with the
# message that explains why to the user (``while``: its trip count is not known ahead).
no_transpose: dict[Primitive, str] = {}


def def_no_transpose(prim: Primitive, why: str) -> None:
    """Declare that ``prim`` has no transpose; ``why`` is the error reverse mode raises."""
    no_transpose[prim] = why


def _is_linear(e: Eqn, lin: set[Var]) -> bool:
    return any(isinstance(a, Var) and a in lin for a in e.inputs)


def check_linear(program: Program, lin: set[Var]) -> None:
    """Every equation that touches a linear variable (of ``lin``) must have a transpose rule."""
    for e in program.eqns:
        if e.prim in transpose_rules or not _is_linear(e, lin):
            continue
        why = no_transpose.get(e.prim)
        if why is not None:
            raise NoTransposeError(why)
        raise NonlinearError(
            f"cannot transpose '{e.prim.name}': it is not linear (or has no transpose rule), "
            "but it is applied to a value that depends linearly on the inputs"
        )


def backward_pass(
    program: Program, consts: Sequence[Array], cts_out: Sequence[MaybeZero]
) -> list[MaybeZero]:
    """Cotangents of the program's inputs, given cotangents of its outputs.

    The forward sweep evaluates the equations that touch no linear variable (work on
    residuals, which no linear value feeds); the backward sweep then applies each linear
    equation's transpose rule, in reverse order.
    """
    lin = dependents(program)
    check_linear(program, lin)
    env = Env(literal_value)
    env.write(program.constvars, consts)
    env.run([e for e in program.eqns if not _is_linear(e, lin)], bind_eqn)

    ct_env: dict[Var, MaybeZero] = {}

    def accumulate(v: Var, ct: MaybeZero | None) -> None:
        if ct is None or isinstance(ct, Zero):
            return
        ct_env[v] = add_tangents(ct_env.get(v, Zero(v.aval)), ct)

    for a, ct in zip(program.outvars, cts_out, strict=True):
        if isinstance(a, Var) and a in lin:
            accumulate(a, ct)

    for e in reversed([e for e in program.eqns if _is_linear(e, lin)]):
        cts = [ct_env.pop(v, Zero(v.aval)) for v in e.outputs]
        if all(isinstance(c, Zero) for c in cts):
            continue
        args: list[Any] = [
            UndefinedPrimal(a.aval) if isinstance(a, Var) and a in lin else env.read(a)
            for a in e.inputs
        ]
        rule = transpose_rules[e.prim]
        ct_in = rule(cts if e.prim.multiple_results else cts[0], *args, **e.params)
        for a, c in zip(e.inputs, ct_in, strict=True):
            if isinstance(a, Var) and a in lin:
                accumulate(a, c)

    return [ct_env.get(v, Zero(v.aval)) for v in program.invars]
