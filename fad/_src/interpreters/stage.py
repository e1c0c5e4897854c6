"""Staging: trace a function into a ``Program``; with ``forward_known``, partial evaluation.

A ``StageHandler`` records every primitive that touches one of its tracers as an
equation. Values it does not own become constants of the program (scalars are
written inline as literals). With ``forward_known=True`` the handler is a
partial evaluator: a primitive with no staged operand is *known* and is
forwarded to the parent to run now; only the unknown part is staged. Running
the JVP handler on top of such a handler, with tangents staged and primals
known, is linearization: the program left behind is the linear map.
"""

from __future__ import annotations

import linecache
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fad._src import core
from fad._src.core import Array, Params, Primitive, ShapedArray, Tracer
from fad._src.ir import Atom, ClosedProgram, Eqn, Literal, Program, Var


class StageTracer(Tracer):
    __slots__ = ("ir_var",)
    ir_var: Var

    def __init__(self, handler: StageHandler, var: Var) -> None:
        self._handler = handler
        self.ir_var = var

    @property
    def aval(self) -> ShapedArray:
        return self.ir_var.aval


@dataclass(eq=False)
class _Builder:
    """The program under construction (the one mutable part of a stage handler)."""

    eqns: list[Eqn] = field(default_factory=list)
    const_vars: dict[int, tuple[Var, Array]] = field(default_factory=dict)
    # Readable names of input variables ("argument x['W']"), for error messages.
    names: dict[Var, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class StageHandler(core.Handler):
    forward_known: bool = False
    builder: _Builder = field(default_factory=_Builder)

    def new_arg(self, aval: ShapedArray, name: str | None = None) -> StageTracer:
        """A new input; ``name`` (e.g. "argument x") is used in error messages."""
        var = Var(aval)
        if name is not None:
            self.builder.names[var] = name
        return StageTracer(self, var)

    def concrete_value(self, tracer: Tracer) -> np.ndarray[Any, Any]:
        if not core.handler_is_active(self):
            raise core.escaped_tracer(tracer)
        assert isinstance(tracer, StageTracer)
        raise core.ConcretizationError(_concretization_message(self, tracer))

    def source_names(self, var: Var) -> list[str]:
        """Names of the named inputs that ``var`` depends on (in input order)."""
        names = self.builder.names
        if not names:
            return []
        needed = {var}
        for e in reversed(self.builder.eqns):
            if any(o in needed for o in e.outputs):
                needed.update(a for a in e.inputs if isinstance(a, Var))
        return [n for v, n in names.items() if v in needed]

    def process(self, prim: Primitive, args: Sequence[Array], params: Params) -> Any:
        if self.forward_known and not any(self.owns(a) for a in args):
            return core.bind(prim, tuple(args), params)
        atoms = [self.atom(a) for a in args]
        out_avals = core.abstract_eval(prim, [a.aval for a in atoms], params)
        outs = [Var(av) for av in out_avals]
        self.builder.eqns.append(Eqn(prim, tuple(atoms), params, tuple(outs)))
        tracers = [StageTracer(self, v) for v in outs]
        return tracers if prim.multiple_results else tracers[0]

    def atom(self, x: Array) -> Atom:
        if isinstance(x, StageTracer) and x._handler is self:
            return x.ir_var
        if type(x) is Array and x._value.ndim == 0:
            return Literal(x)
        if isinstance(x, Tracer) and not core.handler_is_active(x._handler):
            raise core.escaped_tracer(x)
        entry = self.builder.const_vars.get(id(x))
        if entry is None:
            entry = (Var(x.aval), x)
            self.builder.const_vars[id(x)] = entry
        return entry[0]

    def build(self, inputs: Sequence[StageTracer], outputs: Sequence[Array]) -> ClosedProgram:
        """Freeze what was staged into a program from ``inputs`` to ``outputs``."""
        outvars = tuple(self.atom(o) for o in outputs)
        # Keep only the equations and constants the outputs need (tracing leaves dead code).
        live: set[Var] = {a for a in outvars if isinstance(a, Var)}
        kept: list[Eqn] = []
        for e in reversed(self.builder.eqns):
            if any(v in live for v in e.outputs):
                kept.append(e)
                live.update(a for a in e.inputs if isinstance(a, Var))
        consts = [(v, x) for v, x in self.builder.const_vars.values() if v in live]
        program = Program(
            constvars=tuple(v for v, _ in consts),
            invars=tuple(t.ir_var for t in inputs),
            eqns=tuple(reversed(kept)),
            outvars=outvars,
        )
        return ClosedProgram(program, tuple(x for _, x in consts))


_FAD_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))) + os.sep
_CONVERSIONS = {
    "__bool__": "`bool()` (an `if`/`while` condition, `and`/`or`/`not`)",
    "__float__": "`float()`", "__int__": "`int()`", "__complex__": "`complex()`",
    "__index__": "use as a Python integer (`__index__`: indexing, `range`)",
    "__array__": "conversion to a numpy array", "item": "`.item()`", "tolist": "`.tolist()`",
}  # fmt: skip


def _user_site() -> tuple[str | None, str | None]:
    """(the conversion asked for, "file:line (in fn): code") at the first frame outside fad."""
    frame = sys._getframe(1)
    what = None
    f: Any = frame
    while f is not None and f.f_code.co_filename.startswith(_FAD_DIR):
        what = _CONVERSIONS.get(f.f_code.co_name, what)
        f = f.f_back
    if f is None:
        return what, None
    code = f.f_code
    line = linecache.getline(code.co_filename, f.f_lineno).strip()
    where = f"{code.co_filename}:{f.f_lineno} (in {code.co_name})"
    return what, f"{where}: {line}" if line else where


def _concretization_message(handler: StageHandler, tracer: StageTracer) -> str:
    what, where = _user_site()
    head = (
        "Abstract tracer value encountered where a concrete value is expected: "
        f"{what or 'a Python-level conversion'} of the traced value {tracer!r}"
    )
    if where:
        head += f"\n  at {where}"
    sources = handler.source_names(tracer.ir_var)
    if sources:
        head += (
            f"\nThe value depends on {', '.join(sources)} of the function being traced (by "
            "`jit`), which is abstract there: only its shape and dtype are known."
        )
    return head + (
        "\nPython control flow (`if`, `while`) and conversions (`bool()`, `float()`, `int()`) "
        "need concrete values. Mark the argument static with `jit(..., static_argnums=...)` / "
        "`static_argnames=...`, or express the branch with array operations such as "
        "`fad.lax.cond`, `fad.lax.select` or `fad.numpy.where`."
    )


def stage(
    fun: Callable[..., Sequence[Array]],
    in_avals: Sequence[ShapedArray],
    forward_known: bool = False,
) -> ClosedProgram:
    """Trace ``fun`` (flat arrays in, flat arrays out) on abstract inputs."""
    handler = StageHandler(forward_known)
    with core.installed(handler):
        ins = [handler.new_arg(a) for a in in_avals]
        outs = list(fun(*ins))
    return handler.build(ins, outs)
