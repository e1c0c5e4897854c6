"""Transposition: run a linear program backwards.

Cotangents flow from the outputs to the inputs, one equation at a time in
reverse order; each linear primitive's transpose rule emits primitives under
the *current* handler, so transposing under ``vmap``, inside ``jit`` or under
another derivative works unchanged. Missing cotangents stay symbolic zeros.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, final

from fad._src import core
from fad._src.core import Array, Primitive, ShapedArray
from fad._src.interpreters.jvp import MaybeZero, Zero, add_tangents
from fad._src.ir import Atom, Literal, Program, Var, linear_vars


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


# A transpose rule: (cotangent_out, *operands, **params) -> one cotangent (or None)
# per operand. Linear operands arrive as ``UndefinedPrimal``.
TransposeRule = Callable[..., Sequence[MaybeZero | None]]
transpose_rules: dict[Primitive, TransposeRule] = {}


class NonlinearError(TypeError):
    """A program given to transpose is not linear in its inputs."""


def check_linear(program: Program) -> None:
    """Every equation that touches a linear variable must have a transpose rule."""
    lin = linear_vars(program)
    for e in program.eqns:
        if any(isinstance(a, Var) and a in lin for a in e.inputs) and e.prim not in transpose_rules:
            raise NonlinearError(
                f"cannot transpose '{e.prim.name}': it is not linear (or has no transpose rule), "
                "but it is applied to a value that depends linearly on the inputs"
            )


def backward_pass(
    program: Program, consts: Sequence[Array], cts_out: Sequence[MaybeZero]
) -> list[MaybeZero]:
    """Cotangents of the program's inputs, given cotangents of its outputs."""
    check_linear(program)
    lin = linear_vars(program)
    env: dict[Var, Array] = dict(zip(program.constvars, consts, strict=True))

    def read(a: Atom) -> Array:
        return a.value if isinstance(a, Literal) else env[a]

    # Forward: any non-linear equation (work on residuals only) runs first.
    linear_eqns = []
    for e in program.eqns:
        if any(isinstance(a, Var) and a in lin for a in e.inputs):
            linear_eqns.append(e)
            continue
        outs = core.bind(e.prim, tuple(map(read, e.inputs)), e.params)
        for v, x in zip(e.outputs, outs if e.prim.multiple_results else [outs], strict=True):
            env[v] = x

    ct_env: dict[Var, MaybeZero] = {}

    def accumulate(v: Var, ct: MaybeZero | None) -> None:
        if ct is None or isinstance(ct, Zero):
            return
        ct_env[v] = add_tangents(ct_env.get(v, Zero(v.aval)), ct)

    for a, ct in zip(program.outvars, cts_out, strict=True):
        if isinstance(a, Var) and a in lin:
            accumulate(a, ct)

    for e in reversed(linear_eqns):
        cts = [ct_env.pop(v, Zero(v.aval)) for v in e.outputs]
        if all(isinstance(c, Zero) for c in cts):
            continue
        args: list[Any] = [
            UndefinedPrimal(a.aval) if isinstance(a, Var) and a in lin else read(a)
            for a in e.inputs
        ]
        rule = transpose_rules[e.prim]
        ct_in = rule(cts if e.prim.multiple_results else cts[0], *args, **e.params)
        for a, c in zip(e.inputs, ct_in, strict=True):
            if isinstance(a, Var) and a in lin:
                accumulate(a, c)

    return [ct_env.get(v, Zero(v.aval)) for v in program.invars]
