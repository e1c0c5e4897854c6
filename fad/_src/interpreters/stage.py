"""Staging: trace a function into a ``Program``; with ``forward_known``, partial evaluation.

A ``StageHandler`` records every primitive that touches one of its tracers as an
equation. Values it does not own become constants of the program (scalars are
written inline as literals). With ``forward_known=True`` the handler is a
partial evaluator: a primitive with no staged operand is *known* and is
forwarded to the parent to run now; only the unknown part is staged. Running
the JVP handler on top of such a handler, with tangents staged and primals
known, is linearization: the program left behind is the linear map.

Partial evaluation exists in two forms because they work on different things. This
one is *online*: it runs while the user's function is traced, so known values are
concrete (or belong to an outer handler) and Python control flow on primal values
works under ``grad``. ``ir.passes.split_known`` is *offline*: it splits a program
already staged (the JVP of a jitted function, a loop body, a branch), whose values
are all abstract, into a known and an unknown program with residuals between them,
and can recompute instead of save (``checkpoint`` policies). The JVP rule of a
primitive that carries a program binds the two parts as two calls, so that this
handler meets them whole: the known call has only known operands and runs now, the
other is staged.
"""

from __future__ import annotations

import linecache
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, final

import numpy as np

from fad._src import core
from fad._src.config import config
from fad._src.core import Array, Params, Primitive, ShapedArray, Tracer
from fad._src.ir import Atom, ClosedProgram, Eqn, Literal, Program, Var
from fad._src.ir.passes import dce, needed


class StageTracer(Tracer):
    __slots__ = ("ir_var",)
    ir_var: Var

    def __init__(self, handler: StageHandler, var: Var) -> None:
        self._handler = handler
        self.ir_var = var

    @property
    def aval(self) -> ShapedArray:
        return self.ir_var.aval


_new_object = object.__new__


@final
class Recording:
    """What a stage handler has recorded: the one mutable object behind an immutable handler.

    Tracing only appends (equations, constants, names of inputs); ``program`` copies
    out a frozen program, so nothing built from a recording changes afterwards.
    """

    __slots__ = ("_consts", "_eqns", "_names")

    def __init__(self) -> None:
        self._eqns: list[Eqn] = []
        # Values the program closes over, by identity: one constant however often read.
        self._consts: dict[int, tuple[Var, Array]] = {}
        # Readable names of input variables ("argument x['W']"), for error messages.
        self._names: dict[Var, str] = {}

    def add(self, eqn: Eqn) -> None:
        self._eqns.append(eqn)

    def constant(self, x: Array) -> Var:
        """The constant variable standing for ``x``."""
        entry = self._consts.get(id(x))
        if entry is None:
            entry = self._consts[id(x)] = (Var(x.aval), x)
        return entry[0]

    def name(self, var: Var, name: str) -> None:
        self._names[var] = name

    def source_names(self, var: Var) -> list[str]:
        """Names of the named inputs that ``var`` depends on (in input order)."""
        if not self._names:
            return []
        _, live = needed(self._eqns, [var])
        return [n for v, n in self._names.items() if v in live]

    def program(self, invars: Sequence[Var], outvars: Sequence[Atom]) -> ClosedProgram:
        """What was recorded, from ``invars`` to ``outvars``, without the dead code that
        tracing leaves."""
        consts = list(self._consts.values())
        whole = Program(
            tuple(v for v, _ in consts), tuple(invars), tuple(self._eqns), tuple(outvars)
        )
        return dce(whole, [x for _, x in consts])


@dataclass(frozen=True, eq=False, init=False)
class StageHandler(core.Handler):
    """Stages primitives on its tracers; with ``forward_known``, a partial evaluator.

    An immutable value (its identity tags its tracers); what it stages goes into its
    ``recording``, made fresh for each handler.
    """

    forward_known: bool
    recording: Recording

    def __init__(self, forward_known: bool = False, recording: Recording | None = None) -> None:
        # Written out, as ``Eqn``'s: the generated one of a frozen dataclass sets each field
        # through ``object.__setattr__``, and ``grad`` makes one of these per call.
        d = self.__dict__
        d["forward_known"] = forward_known
        d["recording"] = Recording() if recording is None else recording

    def new_arg(self, aval: ShapedArray, name: str | None = None) -> StageTracer:
        """A new input; ``name`` (e.g. "argument x") is used in error messages."""
        var = Var(aval)
        if name is not None:
            self.recording.name(var, name)
        return StageTracer(self, var)

    def concrete_value(self, tracer: Tracer) -> np.ndarray[Any, Any]:
        if not core.handler_is_active(self):
            raise core.escaped_tracer(tracer)
        assert isinstance(tracer, StageTracer)
        raise core.ConcretizationError(_concretization_message(self, tracer))

    def process(self, prim: Primitive, args: Sequence[Array], params: Params) -> Any:
        if self.forward_known:
            for a in args:
                if type(a) is StageTracer and a._handler is self:
                    break
            else:  # known: run it now (a plain loop: this is every primal op under grad)
                return core.bind(prim, args if type(args) is tuple else tuple(args), params)
        atoms: list[Atom] = []
        avals: list[ShapedArray] = []
        for a in args:  # ``atom``, with its first case inline (every staged operand)
            v = a.ir_var if type(a) is StageTracer and a._handler is self else self.atom(a)
            atoms.append(v)
            avals.append(v.aval)
        out_avals = _abstract_eval(prim, avals, params)
        if prim.multiple_results:
            outs = tuple(Var(av) for av in out_avals)
            self.recording.add(Eqn(prim, tuple(atoms), params, outs))
            return [StageTracer(self, v) for v in outs]
        out = Var(out_avals[0])
        self.recording._eqns.append(Eqn(prim, tuple(atoms), params, (out,)))  # (``add``)
        tracer: StageTracer = _new_object(StageTracer)
        tracer._handler = self
        tracer.ir_var = out
        return tracer

    def passes_concrete(self) -> bool:
        return self.forward_known  # (a partial evaluator runs known primitives now)

    def atom(self, x: Array) -> Atom:
        if type(x) is StageTracer and x._handler is self:
            return x.ir_var
        if type(x) is Array:
            v = x._host  # the host value, read directly (a device buffer only when absent)
            if (x._value if v is None else v).ndim == 0:
                return Literal(x)
        elif isinstance(x, Tracer) and not core.handler_is_active(x._handler):
            raise core.escaped_tracer(x)
        return self.recording.constant(x)

    def build(self, inputs: Sequence[StageTracer], outputs: Sequence[Array]) -> ClosedProgram:
        """Freeze what was staged into a program from ``inputs`` to ``outputs``."""
        outvars = [self.atom(o) for o in outputs]
        return self.recording.program([t.ir_var for t in inputs], outvars)

    def recorded(
        self, inputs: Sequence[StageTracer], outputs: Sequence[Array]
    ) -> tuple[list[Eqn], dict[Var, Array], list[Var], list[Atom]]:
        """What ``build`` would freeze, as the recording holds it, for a caller that reads it
        once, at once (``grad`` transposes its linear equations): the equations, the
        constants' values, and the input and output atoms."""
        outvars = [self.atom(o) for o in outputs]  # (first: an output may add a constant)
        rec = self.recording
        values = {v: x for v, x in rec._consts.values()}
        return rec._eqns, values, [t.ir_var for t in inputs], outvars


# Output avals of primitives, by the operands' types and the parameters (and the x64
# flag, which dtype rules read), with the abstract rule that gave them. Abstract
# evaluation (dtype checks, the weak-type rule, a fresh aval) is most of the cost of
# staging a primitive, and the ops that fill a linearized program (elementwise ones,
# broadcasts, dots, sums) meet the same few operand types and parameters again and again.
# Only what ``core.cacheable`` allows is kept: plain parameters (not a program and its
# constants), and no rule that reads the named axes in scope.
_avals_seen: dict[tuple[Any, ...], tuple[core.AbstractRule, tuple[ShapedArray, ...]]] = {}


def _abstract_eval(
    prim: Primitive, avals: list[ShapedArray], params: Params
) -> Sequence[ShapedArray]:
    if len(avals) == 1:  # (one flat tuple for the common arities: no tuple per operand)
        a = avals[0]
        key: tuple[Any, ...] = (prim, config.x64_enabled, a.shape, a.dtype, a.weak_type)
    elif len(avals) == 2:
        a, b = avals
        key = (
            prim, config.x64_enabled, a.shape, a.dtype, a.weak_type, b.shape, b.dtype,
            b.weak_type,
        )  # fmt: skip
    else:
        key = (prim, config.x64_enabled, *[(a.shape, a.dtype, a.weak_type) for a in avals])
    if params:
        key = (*key, *params.items())
        try:
            seen = _avals_seen.get(key)
        except TypeError:  # an unhashable parameter: evaluate every time
            return core.abstract_eval(prim, avals, params)
    else:
        seen = _avals_seen.get(key)
    rule = core.abstract_rules.get(prim)
    if seen is not None and seen[0] is rule:
        return seen[1]
    out = tuple(core.abstract_eval(prim, avals, params))
    if rule is not None and core.cacheable(prim, params):
        if len(_avals_seen) >= 4096:  # bounded: a program's own types, not every one ever
            _avals_seen.clear()
        _avals_seen[key] = (rule, out)
    return out


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
    sources = handler.recording.source_names(tracer.ir_var)
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
