"""Forward mode: the JVP handler and its rule table.

A ``JVPTracer`` carries a primal and a tangent. The handler interprets a
primitive whose operands include its own tracers by running the primitive's JVP
rule with the parent handler installed: primal work and tangent work both go
down the stack. Tangents that are known to be zero stay symbolic (``Zero``), so
an input with no tangent costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, final

from fad._src import core, dtypes
from fad._src.core import Array, Params, Primitive, ShapedArray, Tracer


@final
class Zero:
    """A symbolic zero tangent (or cotangent) of a given abstract value.

    ``Zero.like(x)`` reads ``x.aval`` only when asked: a JVP rule gets one zero per
    constant operand and most are never looked at, so the hot path builds no aval.
    """

    __slots__ = ("_aval", "_of")

    def __init__(self, aval: ShapedArray) -> None:
        self._aval: ShapedArray | None = aval
        self._of: Array | None = None

    @property
    def aval(self) -> ShapedArray:
        a = self._aval
        if a is None:
            assert self._of is not None
            a = self._aval = self._of.aval
            self._of = None
        return a

    def __repr__(self) -> str:
        return f"Zero({self.aval.str_short()})"

    @staticmethod
    def like(x: Array) -> Zero:
        z: Zero = _new_object(Zero)
        z._aval = None
        z._of = x
        return z


_new_object = object.__new__


# A tangent inside the interpreters: an array, or a symbolic zero.
MaybeZero = Array | Zero


def instantiate(t: MaybeZero) -> Array:
    """Materialise a symbolic zero."""
    return core.zeros(t.aval) if isinstance(t, Zero) else t


def add_tangents(a: MaybeZero, b: MaybeZero) -> MaybeZero:
    if type(a) is Zero:
        return b
    if type(b) is Zero:
        return a
    return core.add_any(a, b)


def tangent_aval(aval: ShapedArray) -> ShapedArray:
    """Tangents of inexact values share their aval; others are ``float0``."""
    if dtypes.is_inexact(aval.dtype):
        return aval
    return ShapedArray(aval.shape, dtypes.float0, False)


class JvpRule(Protocol):
    """(primals, tangents, **params) -> (primal_out, tangent_out).

    The outputs are an ``Array`` and a ``MaybeZero``, or lists of them for a
    multiple-result primitive. ``*args: Any, **params: Any`` admits each primitive's own
    keyword parameters (the documented ``Any`` seam of every rule table). The result is
    ``tuple[Any, Any]`` rather than that union because mypy cannot infer a lambda against
    a union-returning protocol in a generic call (``monkeypatch.setitem(jvp_rules, ...)``).
    """

    def __call__(
        self, primals: Sequence[Array], tangents: Sequence[MaybeZero], *args: Any, **params: Any
    ) -> tuple[Any, Any]: ...


jvp_rules: dict[Primitive, JvpRule] = {}


def def_jvp_rule(prim: Primitive, rule: JvpRule) -> None:
    """Register ``prim``'s whole JVP rule (``defjvp`` builds one from per-operand partials)."""
    jvp_rules[prim] = rule


class JVPTracer(Tracer):
    __slots__ = ("_aval", "primal", "tangent")
    primal: Array
    tangent: MaybeZero
    _aval: ShapedArray | None

    def __init__(self, handler: JVPHandler, primal: Array, tangent: MaybeZero) -> None:
        self._handler = handler
        self.primal = primal
        self.tangent = tangent
        self._aval = None

    @property
    def aval(self) -> ShapedArray:
        # Cached: the numpy layer asks a tracer's shape and dtype several times per op.
        a = self._aval
        if a is None:
            a = self._aval = self.primal.aval
        return a


@dataclass(frozen=True, eq=False, init=False)  # (no fields: no generated call)
class JVPHandler(core.Handler):
    """Pushes tangents forward through every primitive it owns an operand of."""

    def process(self, prim: Primitive, args: Sequence[Array], params: Params) -> Any:
        primals: list[Array] = []
        tangents: list[MaybeZero] = []
        live = False
        for a in args:  # one plain loop: this runs for every primitive on a tracer
            if type(a) is JVPTracer and a._handler is self:
                primals.append(a.primal)
                t = a.tangent
                tangents.append(t)
                if type(t) is not Zero:
                    live = True
            else:
                primals.append(a)
                tangents.append(Zero.like(a))
        if not live:  # no tangent flows through: re-emit (constants folded by numpy code)
            return core.bind(prim, tuple(primals), params)
        rule = jvp_rules.get(prim)
        if rule is None:
            raise NotImplementedError(f"differentiation rule for '{prim.name}' not implemented")
        out, t_out = rule(primals, tangents, **params) if params else rule(primals, tangents)
        if prim.multiple_results:
            return [self.wrap(o, t) for o, t in zip(out, t_out, strict=True)]
        if type(t_out) is Zero or not _is_inexact(out):  # ``wrap``, inline
            return out
        tracer: JVPTracer = _new_object(JVPTracer)
        tracer._handler = self
        tracer.primal = out
        tracer.tangent = t_out
        tracer._aval = None
        return tracer

    def passes_concrete(self) -> bool:
        return True  # (``process`` re-emits a primitive with no tangent)

    def wrap(self, primal: Array, tangent: MaybeZero) -> Array:
        if type(tangent) is Zero or not _is_inexact(primal):
            return primal
        return JVPTracer(self, primal, tangent)

    def concrete_value(self, tracer: Tracer) -> Any:
        assert isinstance(tracer, JVPTracer)
        return tracer.primal.concrete_value()

    def unwrap(self, x: Array) -> tuple[Array, MaybeZero]:
        if isinstance(x, JVPTracer) and x._handler is self:
            return x.primal, x.tangent
        return x, Zero(tangent_aval(x.aval))


def _is_inexact(x: Array) -> bool:
    """Whether ``x`` is differentiable; reads a concrete array's dtype without an aval."""
    v = x._host if type(x) is Array else None
    dt = x.aval.dtype if v is None else v.dtype
    return dt.kind in "fc" or dtypes.is_inexact(dt)  # (the common case first: no call)


# ---------------------------------------------------------------------------
# Helpers for writing rules
# ---------------------------------------------------------------------------


class PartialRule(Protocol):
    """One operand's share of a JVP: (its tangent, primal output, *primals, **params) ->
    the output tangent it contributes, linear in that tangent."""

    def __call__(self, g: Array, ans: Array, *primals: Any, **params: Any) -> Array: ...


def defjvp(prim: Primitive, *partials: PartialRule | None) -> None:
    """Define ``prim``'s JVP as a sum of one linear contribution per operand.

    ``None`` marks an operand the output does not depend on differentiably.
    """

    def rule(
        primals: Sequence[Array], tangents: Sequence[MaybeZero], **params: Any
    ) -> tuple[Array, MaybeZero]:
        ans: Array = core.bind(prim, tuple(primals), params)
        total: MaybeZero | None = None
        for partial, t in zip(partials, tangents, strict=False):
            if partial is not None and type(t) is not Zero:
                g = partial(t, ans, *primals, **params)
                total = g if total is None else add_tangents(total, g)
        return ans, Zero.like(ans) if total is None else total

    if len(partials) == 1 and partials[0] is not None:
        only = partials[0]

        def rule1(
            primals: Sequence[Array], tangents: Sequence[MaybeZero], **params: Any
        ) -> tuple[Array, MaybeZero]:
            # ``rule`` with one partial (most unary math), without its loop; plain calls for
            # one operand and no parameters
            t = tangents[0]
            if params or len(primals) != 1:
                ans: Array = core.bind(prim, tuple(primals), params)
                return ans, Zero.like(ans) if type(t) is Zero else only(t, ans, *primals, **params)
            x = primals[0]
            ans = core.bind_unary(prim, x)
            return ans, Zero.like(ans) if type(t) is Zero else only(t, ans, x)

        def_jvp_rule(prim, rule1)
        return
    if len(partials) == 2:
        px, py = partials

        def rule2(
            primals: Sequence[Array], tangents: Sequence[MaybeZero], **params: Any
        ) -> tuple[Array, MaybeZero]:
            # ``rule`` with two partials (binary arithmetic), without its loop; plain calls
            # for two operands and no parameters
            tx, ty = tangents[0], tangents[1]
            if params or len(primals) != 2:
                ans: Array = core.bind(prim, tuple(primals), params)
                gx = None if px is None or type(tx) is Zero else px(tx, ans, *primals, **params)
                gy = None if py is None or type(ty) is Zero else py(ty, ans, *primals, **params)
            else:
                x, y = primals
                ans = core.bind_binary(prim, x, y)
                gx = None if px is None or type(tx) is Zero else px(tx, ans, x, y)
                gy = None if py is None or type(ty) is Zero else py(ty, ans, x, y)
            if gy is None:
                return ans, Zero.like(ans) if gx is None else gx
            return ans, gy if gx is None else add_tangents(gx, gy)

        def_jvp_rule(prim, rule2)
        return
    def_jvp_rule(prim, rule)


def defjvp_zero(prim: Primitive) -> None:
    """Integer- or bool-valued primitives: the tangent is always zero."""

    def rule(primals: Sequence[Array], tangents: Sequence[MaybeZero], **params: Any) -> Any:
        ans = prim.bind(*primals, **params)
        if prim.multiple_results:
            return ans, [Zero.like(a) for a in ans]
        return ans, Zero.like(ans)

    def_jvp_rule(prim, rule)
