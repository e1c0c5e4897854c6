"""Helpers the law tests share beyond ``fad.testing``: 64-bit scope, the untyped API handle,
and the differentiable view of an example that the chain-rule law composes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

import fad
from fad._src import tree_util as tu
from fad._src.core import Array
from fad._src.testing.numerics import Tolerance, assert_close, inexact

from .strategies import Example

# The laws drive fad's transformations on functions and operand lists assembled at run
# time, which the precise static signatures of fad's API (fad._src.typing) cannot
# describe: the tests call the API through this untyped handle.
ad: Any = fad


@contextmanager
def x64() -> Iterator[None]:
    with fad.config.enable_x64_scope(True):
        yield


def assert_trees_close(got: Any, want: Any, *, factor: float, eps: float, what: str) -> None:
    """Leaf by leaf within ``factor * eps`` relative to the largest ``want`` leaf."""
    g_leaves, g_tree = tu.tree_flatten(got)
    w_leaves, w_tree = tu.tree_flatten(want)
    assert g_tree == w_tree, f"{what}: structure {g_tree} != {w_tree}"
    scale = max((float(np.max(np.abs(np.asarray(w, np.complex128)), initial=0.0))
                 for w in w_leaves if inexact(w)), default=0.0)  # fmt: skip
    tol = Tolerance(factor * eps, factor * eps)
    for i, (g, w) in enumerate(zip(g_leaves, w_leaves, strict=True)):
        assert_close(g, w, tol, law="chain_rule", what=f"{what} leaf {i}", scale=scale)


@dataclass(frozen=True)
class View:
    """``fn`` maps the inexact operands of an example (the integer and bool ones held
    fixed) to its inexact output leaves, as a tuple; ``args`` are those operands and
    ``out`` the outputs at them."""

    fn: Callable[..., tuple[Array, ...]]
    args: tuple[Array, ...]
    out: tuple[Array, ...]


def view(ex: Example, seed: int | None = None, args: Sequence[Array] | None = None) -> View:
    full = list(ex.args(seed) if args is None else args)
    pos = [i for i, a in enumerate(full) if inexact(a)]

    def every(*xs: Array) -> list[Array]:
        operands = list(full)
        for p, x in zip(pos, xs, strict=True):
            operands[p] = x
        return tu.tree_leaves(ex.fn(*operands))

    xs = tuple(full[p] for p in pos)
    keep = [k for k, o in enumerate(every(*xs)) if inexact(o)]

    def fn(*xs: Array) -> tuple[Array, ...]:
        outs = every(*xs)
        return tuple(outs[k] for k in keep)

    return View(fn, xs, fn(*xs))
