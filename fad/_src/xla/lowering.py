"""StableHLO lowering: the rule table and the ways primitives register into it.

A lowering rule turns one equation into StableHLO text through a
``LoweringContext``. Primitives register here from their own modules, in one of
three forms: a plain elementwise op name, a comparison direction, or a rule
function. ``def_via`` lowers a primitive by lowering a fad function built from
other primitives (for ops StableHLO lacks, such as ``exp2``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fad._src.core import Array, Primitive

# (ctx, *operand values, **params) -> value or list of values. The value type is
# the emitter's own; rules treat values as opaque handles.
LoweringRule = Callable[..., Any]
lowering_rules: dict[Primitive, LoweringRule] = {}


def def_rule(prim: Primitive, rule: LoweringRule) -> None:
    lowering_rules[prim] = rule


def def_elementwise(prim: Primitive, op_name: str) -> None:
    """An op spelled ``%r = op_name %a, %b : type`` with the result type of the equation."""
    lowering_rules[prim] = lambda ctx, *args, **params: ctx.elementwise(op_name, args)


def def_compare(prim: Primitive, direction: str) -> None:
    lowering_rules[prim] = lambda ctx, x, y: ctx.compare(direction, x, y)


def def_via(prim: Primitive, fun: Callable[..., Array]) -> None:
    """Lower ``prim`` by staging ``fun`` (same operands and params) and lowering that."""
    lowering_rules[prim] = lambda ctx, *args, **params: ctx.inline(fun, args, params)
