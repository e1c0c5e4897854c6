"""Transposition: run a linear program backwards.

Cotangents flow from the outputs to the inputs, one equation at a time in
reverse order; each linear primitive's transpose rule emits primitives under
the *current* handler, so transposing under ``vmap``, inside ``jit`` or under
another derivative works unchanged. Missing cotangents stay symbolic zeros.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn, Protocol, final

from fad._src import core
from fad._src.core import Array, Primitive, ShapedArray
from fad._src.interpreters.jvp import MaybeZero, Zero, def_jvp_rule, instantiate
from fad._src.ir import Atom, Env, Eqn, Literal, Program, Var, bind_eqn, literal_value


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
        ans = core.bind(prim, tuple(primals), params)
        for t in tangents:
            if type(t) is not Zero:
                break
        else:
            zeros = [Zero.like(a) for a in ans] if prim.multiple_results else Zero.like(ans)
            return ans, zeros
        return ans, core.bind(prim, tuple(map(instantiate, tangents)), params)

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


def _raise_not_transposable(e: Eqn) -> NoReturn:
    why = no_transpose.get(e.prim)
    if why is not None:
        raise NoTransposeError(why)
    raise NonlinearError(
        f"cannot transpose '{e.prim.name}': it is not linear (or has no transpose rule), "
        "but it is applied to a value that depends linearly on the inputs"
    )


# An equation's operand as its transpose rule gets it: the linear ones are shared
# ``UndefinedPrimal`` markers, the others are read from the forward sweep.
_Operand = UndefinedPrimal | Atom


@final
class TransposePlan:
    """What ``backward_pass`` needs to know about a program, worked out in one pass over it.

    The linearity analysis (which variables depend on the inputs, whether each equation
    that reads one has a transpose rule) depends only on the program. A pullback applied
    many times (a Jacobian row by row) keeps its plan and does it once.
    """

    __slots__ = ("backward", "forward", "lin_outs")

    def __init__(self, program: Program) -> None:
        lin = set(program.invars)
        forward: list[Eqn] = []
        backward: list[tuple[Eqn, tuple[_Operand, ...], tuple[tuple[int, Var], ...]]] = []
        for e in program.eqns:
            ops: list[_Operand] = []
            linear: list[tuple[int, Var]] = []
            for i, a in enumerate(e.inputs):
                if type(a) is Var and a in lin:
                    ops.append(UndefinedPrimal(a.aval))
                    linear.append((i, a))
                else:
                    ops.append(a)
            if not linear:
                forward.append(e)
                continue
            # (an equation with no transpose rule raises when a cotangent reaches it, so
            # dead code is no error)
            lin.update(e.outputs)
            backward.append((e, tuple(ops), tuple(linear)))
        backward.reverse()
        # Equations on residuals only (no linear operand): run before the backward sweep.
        self.forward = tuple(forward)
        # Linear equations, last first: the equation, its operands as its transpose rule
        # gets them, and the (position, variable) of each linear operand.
        self.backward = tuple(backward)
        self.lin_outs = tuple([type(a) is Var and a in lin for a in program.outvars])


def backward_pass(
    program: Program, consts: Sequence[Array], cts_out: Sequence[MaybeZero],
    plan: TransposePlan | None = None,
) -> list[MaybeZero]:  # fmt: skip
    """Cotangents of the program's inputs, given cotangents of its outputs.

    The forward sweep evaluates the equations that touch no linear variable (work on
    residuals, which no linear value feeds); the backward sweep then applies each linear
    equation's transpose rule, in reverse order. ``plan`` is ``TransposePlan(program)``,
    for a caller that transposes one program many times.
    """
    if plan is None:
        plan = TransposePlan(program)
    values: dict[Var, Array] = dict(zip(program.constvars, consts, strict=True))
    if plan.forward:
        env = Env(literal_value)
        env.values = values
        env.run(plan.forward, bind_eqn)

    # Only non-zero cotangents are stored: a missing entry is a symbolic zero.
    ct_env: dict[Var, Array] = {}
    for a, is_lin, ct_out in zip(program.outvars, plan.lin_outs, cts_out, strict=True):
        if is_lin and ct_out is not None and type(ct_out) is not Zero:
            assert isinstance(a, Var)
            old = ct_env.get(a)
            ct_env[a] = ct_out if old is None else core.add_any(old, ct_out)

    for e, ops, linear in plan.backward:
        ct = _output_cotangent(e, ct_env)
        if ct is None:
            continue
        args = [
            o if type(o) is UndefinedPrimal else o.value if type(o) is Literal else values[o]
            for o in ops
        ]
        _transpose_eqn(e, ct, args, linear, ct_env)
    return [_read_cotangent(ct_env, v) for v in program.invars]


def backward_pass_linearized(
    eqns: Sequence[Eqn], values: dict[Var, Array], invars: Sequence[Var],
    outvars: Sequence[Atom], cts_out: Sequence[MaybeZero],
) -> list[MaybeZero]:  # fmt: skip
    """``backward_pass`` of what partial evaluation of a JVP recorded (``grad``'s linear
    equations, transposed once, at once), with no program made and no plan: ``values``
    holds the constants.

    There every variable that is not a constant is linear, since an equation was staged
    only because a tangent reached it, and none runs on constants alone. The sweep reads
    each equation's linear operands as it meets the equation, and only for those a
    cotangent reaches; dead code is skipped, and an equation with no transpose rule
    raises only if a cotangent reaches it.
    """
    ct_env: dict[Var, Array] = {}
    for a, ct_out in zip(outvars, cts_out, strict=True):
        if type(a) is Var and a not in values and type(ct_out) is not Zero:
            old = ct_env.get(a)
            ct_env[a] = ct_out if old is None else core.add_any(old, ct_out)
    for e in reversed(eqns):
        ct = _output_cotangent(e, ct_env)
        if ct is None:
            continue
        args: list[Any] = []
        linear: list[tuple[int, Var]] = []
        for i, o in enumerate(e.inputs):
            if type(o) is Literal:
                args.append(o.value)
            else:
                val = values.get(o)
                if val is None:
                    args.append(UndefinedPrimal(o.aval))
                    linear.append((i, o))
                else:
                    args.append(val)
        _transpose_eqn(e, ct, args, linear, ct_env)
    return [_read_cotangent(ct_env, v) for v in invars]


def _output_cotangent(e: Eqn, ct_env: dict[Var, Array]) -> Any:
    """The cotangent of ``e``'s output(s), taken out of ``ct_env``: an array, a list with
    symbolic zeros for a multiple-result primitive, or None if none reached it."""
    outs = e.outputs
    if len(outs) == 1 and not e.prim.multiple_results:
        return ct_env.pop(outs[0], None)
    found = [ct_env.pop(v, None) for v in outs]
    if all(c is None for c in found):
        return None
    return [Zero(v.aval) if c is None else c for v, c in zip(outs, found, strict=True)]


def _transpose_eqn(
    e: Eqn, ct: Any, args: list[Any], linear: Sequence[tuple[int, Var]],
    ct_env: dict[Var, Array],
) -> None:  # fmt: skip
    """Apply ``e``'s transpose rule and add what it gives to its linear operands'
    cotangents."""
    rule = transpose_rules.get(e.prim)
    if rule is None:
        _raise_not_transposable(e)
    ct_in = rule(ct, *args, **e.params)
    for i, v in linear:  # accumulate, inlined: this loop runs once per linear operand
        c = ct_in[i]
        if c is None or type(c) is Zero:
            continue
        old = ct_env.get(v)
        ct_env[v] = c if old is None else core.add_any(old, c)


def _read_cotangent(ct_env: dict[Var, Array], v: Var) -> MaybeZero:
    c = ct_env.get(v)
    return Zero(v.aval) if c is None else c
