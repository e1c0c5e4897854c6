"""Programs: immutable, typed SSA, with their printed form and their meaning.

A ``Program`` has constant variables (values it closes over), input variables,
equations ``outs = prim[params](ins)`` in order, and outputs. Variables compare
by identity; names are given only when printing. ``ClosedProgram`` pairs a
program with the values of its constants and is callable: evaluation (``walk``
with ``bind_eqn``) is defined here, with the types, because calling a program is
what a program means. ``Env``/``walk`` are the one loop that walks a program
forwards, for evaluation and the forward sweep of transposition alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, final

import numpy as np

from fad._src import core
from fad._src.core import Array, Params, Primitive, ShapedArray


@final
class Var:
    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray) -> None:
        self.aval = aval

    def __repr__(self) -> str:
        return f"Var<{self.aval.str_short()}>"


@final
class Literal:
    """A scalar constant written inline in the program."""

    __slots__ = ("aval", "value")

    def __init__(self, value: Array) -> None:
        self.value = value
        self.aval = value.aval

    def __repr__(self) -> str:
        return f"Literal({self.value.item()!r})"


Atom = Var | Literal


# Equations and programs are frozen dataclasses. Their ``__init__`` is written out to fill
# the instance dict directly: the generated one sets each field through
# ``object.__setattr__`` (how a frozen class gets around its own ``__setattr__``), which
# doubles the cost of recording an equation, once per staged primitive.


@final
@dataclass(frozen=True, eq=False, init=False)
class Eqn:
    prim: Primitive
    inputs: tuple[Atom, ...]
    params: Params
    outputs: tuple[Var, ...]

    def __init__(
        self, prim: Primitive, inputs: tuple[Atom, ...], params: Params, outputs: tuple[Var, ...]
    ) -> None:
        d = self.__dict__
        d["prim"] = prim
        d["inputs"] = inputs
        d["params"] = params
        d["outputs"] = outputs


@final
@dataclass(frozen=True, eq=False, init=False)
class Program:
    constvars: tuple[Var, ...]
    invars: tuple[Var, ...]
    eqns: tuple[Eqn, ...]
    outvars: tuple[Atom, ...]

    def __init__(
        self, constvars: tuple[Var, ...], invars: tuple[Var, ...], eqns: tuple[Eqn, ...],
        outvars: tuple[Atom, ...],
    ) -> None:  # fmt: skip
        d = self.__dict__
        d["constvars"] = constvars
        d["invars"] = invars
        d["eqns"] = eqns
        d["outvars"] = outvars

    @property
    def in_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.invars]

    @property
    def out_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.outvars]

    def __str__(self) -> str:
        return pretty_print(self)


@final
@dataclass(frozen=True, eq=False, init=False)
class ClosedProgram:
    """A program with its constants' values (which may be tracers of outer handlers)."""

    program: Program
    consts: tuple[Array, ...]

    def __init__(self, program: Program, consts: tuple[Array, ...]) -> None:
        d = self.__dict__
        d["program"] = program
        d["consts"] = consts

    @property
    def in_avals(self) -> list[ShapedArray]:
        return self.program.in_avals

    @property
    def out_avals(self) -> list[ShapedArray]:
        return self.program.out_avals

    def __call__(self, *args: Array) -> list[Array]:
        return eval_program(self.program, self.consts, args)

    def __str__(self) -> str:
        return pretty_print(self.program)

    def __repr__(self) -> str:
        return pretty_print(self.program)


# ---------------------------------------------------------------------------
# Walking a program forwards
# ---------------------------------------------------------------------------

V = TypeVar("V")


@final
class Env(Generic[V]):
    """The values of a program's variables while a pass walks it forwards.

    ``V`` is what the pass computes per variable: arrays when evaluating, StableHLO
    values when lowering. ``literal`` says what an inline constant reads as.
    """

    __slots__ = ("literal", "values")

    def __init__(self, literal: Callable[[Literal], V]) -> None:
        self.literal = literal
        self.values: dict[Var, V] = {}

    def read(self, a: Atom) -> V:
        return self.literal(a) if isinstance(a, Literal) else self.values[a]

    def write(self, variables: Sequence[Var], values: Sequence[V]) -> None:
        for v, x in zip(variables, values, strict=True):
            self.values[v] = x

    def run(self, eqns: Sequence[Eqn], rule: Callable[[Eqn, list[V]], Sequence[V]]) -> None:
        """Compute each equation's outputs from its inputs with ``rule``, in order."""
        values, literal = self.values, self.literal
        for e in eqns:  # the eager hot path of every carried program: no zip (slow with strict)
            outs = rule(e, [literal(a) if isinstance(a, Literal) else values[a] for a in e.inputs])
            for i, v in enumerate(e.outputs):
                values[v] = outs[i]


def walk(
    program: Program, consts: Sequence[V], args: Sequence[V],
    rule: Callable[[Eqn, list[V]], Sequence[V]], literal: Callable[[Literal], V],
) -> list[V]:  # fmt: skip
    """The program's outputs, computing every equation with ``rule``."""
    env = Env(literal)
    env.write(program.constvars, consts)
    env.write(program.invars, args)
    env.run(program.eqns, rule)
    return [env.read(a) for a in program.outvars]


def literal_value(a: Literal) -> Array:
    return a.value


def bind_eqn(eqn: Eqn, args: list[Array]) -> list[Array]:
    """Apply the equation's primitive under the current handler (its outputs as a list)."""
    out = core.bind(eqn.prim, tuple(args), eqn.params)
    return out if eqn.prim.multiple_results else [out]


def eval_program(program: Program, consts: Sequence[Array], args: Sequence[Array]) -> list[Array]:
    """Run a program by binding each equation under the current handler."""
    return walk(program, consts, args, bind_eqn, literal_value)


# ---------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------


def _names() -> Iterator[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    n = 0
    while True:
        q, r = divmod(n, 26)
        yield letters[r] * (q + 1) if q < 3 else f"v{n}"
        n += 1


def _fmt_param(v: Any) -> str:
    if isinstance(v, Program | ClosedProgram):
        inner = pretty_print(v if isinstance(v, Program) else v.program)
        return "{ " + inner.replace("\n", "\n  ") + " }"
    if isinstance(v, np.dtype):
        return v.name
    return repr(v)


def pretty_print(program: Program) -> str:
    """JAX-style text: ``{ lambda consts ; inputs . let eqns in (outs) }``."""
    gen = _names()
    names: dict[Var, str] = {}

    def name(a: Atom) -> str:
        if isinstance(a, Literal):
            return repr(a.value.item())
        if a not in names:
            names[a] = next(gen)
        return names[a]

    def decl(v: Var) -> str:
        return f"{name(v)}:{v.aval.str_short()}"

    consts = " ".join(decl(v) for v in program.constvars)
    ins = " ".join(decl(v) for v in program.invars)
    lines = [f"{{ lambda {consts} ; {ins}. let"]
    for e in program.eqns:
        params = ", ".join(f"{k}={_fmt_param(v)}" for k, v in sorted(e.params.items()))
        args = " ".join(name(a) for a in e.inputs)
        outs = " ".join(decl(v) for v in e.outputs)
        pstr = f"[{params}]" if params else ""
        lines.append(f"    {outs} = {e.prim.name}{pstr} {args}")
    lines.append(f"  in ({', '.join(name(a) for a in program.outvars)}) }}")
    return "\n".join(lines)
