"""The IR's type checker: a program is well formed when every variable is defined once
before use and every equation's outputs have the types its primitive's abstract rule
gives. The tests run it on staged programs; a failure points at the pass that built one."""

from __future__ import annotations

from fad._src import core
from fad._src.core import ShapedArray
from fad._src.ir.program import Atom, Program, Var


class ProgramTypeError(TypeError):
    pass


def typecheck(program: Program) -> None:
    """Raise ``ProgramTypeError`` unless ``program`` is well formed (see the module)."""
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
