"""fad's IR: immutable, typed SSA programs.

A ``Program`` has constant variables (values it closes over), input variables,
equations ``outs = prim[params](ins)`` in order, and outputs. Variables compare
by identity; names are given only when printing. ``ClosedProgram`` pairs a
program with the values of its constants.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, final

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


@final
@dataclass(frozen=True, eq=False)
class Eqn:
    prim: Primitive
    inputs: tuple[Atom, ...]
    params: Params
    outputs: tuple[Var, ...]


@final
@dataclass(frozen=True, eq=False)
class Program:
    constvars: tuple[Var, ...]
    invars: tuple[Var, ...]
    eqns: tuple[Eqn, ...]
    outvars: tuple[Atom, ...]

    @property
    def in_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.invars]

    @property
    def out_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.outvars]

    def __str__(self) -> str:
        return pretty_print(self)


@final
@dataclass(frozen=True, eq=False)
class ClosedProgram:
    """A program with its constants' values (which may be tracers of outer handlers)."""

    program: Program
    consts: tuple[Array, ...]

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


def eval_program(program: Program, consts: Sequence[Array], args: Sequence[Array]) -> list[Array]:
    """Run a program by binding each equation under the current handler."""
    env: dict[Var, Array] = {}

    def read(a: Atom) -> Array:
        return a.value if isinstance(a, Literal) else env[a]

    for v, x in zip(program.constvars, consts, strict=True):
        env[v] = x
    for v, x in zip(program.invars, args, strict=True):
        env[v] = x
    for eqn in program.eqns:
        outs = core.bind(eqn.prim, tuple(map(read, eqn.inputs)), eqn.params)
        if not eqn.prim.multiple_results:
            outs = [outs]
        for v, x in zip(eqn.outputs, outs, strict=True):
            env[v] = x
    return [read(a) for a in program.outvars]


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


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


class ProgramTypeError(TypeError):
    pass


def typecheck(program: Program) -> None:
    """Every variable is defined once before use, and every equation's output types
    are what the primitive's abstract rule says."""
    defined: set[Var] = set()

    def define(v: Var) -> None:
        if v in defined:
            raise ProgramTypeError(f"variable {v} defined twice")
        defined.add(v)

    def use(a: Atom, where: str) -> ShapedArray:
        if isinstance(a, Var) and a not in defined:
            raise ProgramTypeError(f"{where}: variable {a} used before definition")
        return a.aval

    for v in (*program.constvars, *program.invars):
        define(v)
    for e in program.eqns:
        in_avals = [use(a, e.prim.name) for a in e.inputs]
        expected = core.abstract_eval(e.prim, in_avals, e.params)
        got = [v.aval for v in e.outputs]
        if [(a.shape, a.dtype) for a in expected] != [(a.shape, a.dtype) for a in got]:
            raise ProgramTypeError(
                f"{e.prim.name}: outputs typed {[a.str_short() for a in got]}, "
                f"but the primitive gives {[a.str_short() for a in expected]}"
            )
        for v in e.outputs:
            define(v)
    for a in program.outvars:
        use(a, "output")


def linear_vars(program: Program) -> set[Var]:
    """The variables that depend on the program's inputs (all inputs are linear)."""
    lin = set(program.invars)
    for e in program.eqns:
        if any(isinstance(a, Var) and a in lin for a in e.inputs):
            lin.update(e.outputs)
    return lin
