"""What the control-flow primitives share: type checks and their messages, flattening
operands, weak-type promotion of loop carries, and the fixpoint that decides which
carries a loop marks (non-zero tangents, batched, unknown, linear)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fad._src import tree_util as tu
from fad._src.core import Array, ShapedArray
from fad._src.interpreters import batch as batching
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.programs import flat_arrays, not_array_leaf
from fad._src.prims import elementwise as ew

I32 = np.dtype(np.int32)


def same_type(a: ShapedArray, b: ShapedArray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype


def all_same(a: Sequence[ShapedArray], b: Sequence[ShapedArray]) -> bool:
    return len(a) == len(b) and all(same_type(x, y) for x, y in zip(a, b, strict=True))


def types(avals: Sequence[ShapedArray]) -> str:
    return "(" + ", ".join(a.str_short() for a in avals) + ")"


def flat_operands(tree: Any, what: str) -> tuple[list[Array], tu.PyTreeDef]:
    return flat_arrays(tree, not_array_leaf(what))


def paths(td: tu.PyTreeDef, prefix: str) -> list[str]:
    """``prefix['a'][0]``-style names of the leaves of ``td``, in flatten order."""
    if td.is_leaf():
        return [prefix]
    out: list[str] = []
    for i, child in enumerate(td.children()):
        out.extend(paths(child, prefix + tu._path_entry(td, i)))
    return out


def zeros(aval: ShapedArray) -> Array:
    return ew.full(aval.shape, 0, aval.dtype)


def at_front(x: Array, d: BDim) -> Array:
    return x if d is None else batching.moveaxis(x, d, 0)


def grow(
    flags: Sequence[bool], step: Callable[[tuple[bool, ...]], Sequence[bool]]
) -> tuple[bool, ...]:
    """The carries that end up marked: ``flags`` or ``step(flags)`` until nothing changes.

    ``step`` says which carries leave one iteration marked when the ones in ``flags``
    enter it marked (a loop body can pass a tangent, a batch axis or a dependency on an
    unknown value from one carry to another).
    """
    marked = tuple(flags)
    while True:
        grown = tuple(a or b for a, b in zip(marked, step(marked), strict=True))
        if grown == marked:
            return marked
        marked = grown


def carry_types_error(
    what: str, tree: tu.PyTreeDef, ins: Sequence[ShapedArray], outs: Sequence[ShapedArray],
    arg: str,
) -> TypeError | None:  # fmt: skip
    """The error for a loop body whose output carry does not have its input's types."""
    for path, a, b in zip(paths(tree, arg), ins, outs, strict=True):
        if not same_type(a, b):
            return TypeError(
                f"{what} output and input must have identical types, but the carry "
                f"component {path} has type {a.str_short()} on input and {b.str_short()} "
                "on output"
            )
    return None


def promote_weak(init: list[Array], outs: Sequence[ShapedArray]) -> list[Array] | None:
    """Weakly typed initial carries the body returns strongly typed become strong (a retrace)."""
    changed = False
    new = []
    for x, o in zip(init, outs, strict=True):
        if x.aval.weak_type and not o.weak_type and same_type(x.aval, o):
            new.append(ew.convert_element_type(x, x.dtype, weak_type=False))
            changed = True
        else:
            new.append(x)
    return new if changed else None
