"""The function under test, seen the way the laws need it.

A ``Subject`` is a user's ``f`` at positional arguments ``args`` (pytrees of arrays),
of which the ones in ``argnums`` vary. Its *flat view* ``fn(*xs)`` maps the inexact leaves
of those arguments (integer and bool leaves held at their values) to the output leaves,
as a tuple: every law is stated on that view, so it covers any pytree in and out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fad._src import core, dtypes, jit
from fad._src import tree_util as tu
from fad._src.core import Array

from .numerics import dtype_of, inexact

Fun = Callable[..., Any]


def as_array(x: Any) -> Array:
    """A leaf as a fad Array (Python scalars stay weakly typed, tracers pass through)."""
    return x if isinstance(x, Array) else core.asarray(x)


def _numeric_leaf(x: Any, where: str) -> Array:
    try:
        a = as_array(x)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{where}: expected an array or a number, got {type(x).__name__}") from e
    return a


def _maybe(x: Any) -> Any:
    try:
        return as_array(x)
    except (TypeError, ValueError):
        return x


@dataclass(frozen=True)
class Subject:
    """``f`` at ``args``, varied in the inexact leaves of the arguments in ``argnums``.

    ``slots[k] = (i, j)``: the ``k``-th flat operand ``xs[k]`` is leaf ``j`` of argument
    ``i``. ``out`` holds the output leaves at ``args``.
    """

    f: Fun
    args: tuple[Any, ...]
    argnums: tuple[int, ...]
    leaves: tuple[tuple[Any, ...], ...]
    trees: tuple[tu.PyTreeDef, ...]
    slots: tuple[tuple[int, int], ...]
    out: tuple[Array, ...] = field(default=())
    out_tree: tu.PyTreeDef | None = None
    # Work that several laws of one check share (keyed by the law's name and seed).
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @staticmethod
    def of(f: Fun, args: Sequence[Any], argnums: Sequence[int] | None = None) -> Subject:
        if not callable(f):
            raise TypeError(f"expected a callable, got {type(f).__name__}")
        nums = tuple(range(len(args))) if argnums is None else tuple(argnums)
        for n in nums:
            if not isinstance(n, int) or not 0 <= n < len(args):
                raise ValueError(f"argnums: {n!r} is not the index of one of the "
                                 f"{len(args)} positional arguments")  # fmt: skip
        leaves, trees = [], []
        for i, a in enumerate(args):
            flat, tree = tu.tree_flatten(a)
            # Arguments held fixed may be static values (a custom rule's nondiff_argnums).
            leaves.append(tuple(_numeric_leaf(x, f"argument {i}") if i in nums else _maybe(x)
                                for x in flat))  # fmt: skip
            trees.append(tree)
        slots = tuple((i, j) for i in sorted(set(nums)) for j, x in enumerate(leaves[i])
                      if inexact(x))  # fmt: skip
        s = Subject(f, tuple(args), nums, tuple(leaves), tuple(trees), slots)
        out, out_tree = tu.tree_flatten(f(*s.rebuild(s.xs)))
        return Subject(f, s.args, nums, s.leaves, s.trees, slots,
                       tuple(as_array(o) for o in out), out_tree)  # fmt: skip

    @property
    def xs(self) -> tuple[Array, ...]:
        return tuple(self.leaves[i][j] for i, j in self.slots)

    def rebuild(self, xs: Sequence[Any]) -> list[Any]:
        """The positional arguments with the varied leaves replaced by ``xs``."""
        leaves = [list(ls) for ls in self.leaves]
        for (i, j), x in zip(self.slots, xs, strict=True):
            leaves[i][j] = x
        return [tu.tree_unflatten(t, ls) for t, ls in zip(self.trees, leaves, strict=True)]

    def fn(self, *xs: Any) -> tuple[Array, ...]:
        """The flat view: varied leaves in, output leaves out."""
        return tuple(tu.tree_leaves(self.f(*self.rebuild(xs))))

    def name(self, k: int) -> str:
        """Where flat operand ``k`` lives, for messages."""
        i, j = self.slots[k]
        return f"argument {i}" if len(self.leaves[i]) == 1 else f"argument {i}, leaf {j}"

    def out_name(self, k: int) -> str:
        return "the output" if len(self.out) == 1 else f"output leaf {k}"

    @property
    def inexact_out(self) -> list[int]:
        return [k for k, o in enumerate(self.out) if inexact(o)]

    def inexact_fn(self) -> Fun:
        """The flat view restricted to the inexact outputs."""
        keep = self.inexact_out
        fn = self.fn
        return lambda *xs: tuple(fn(*xs)[k] for k in keep)

    @functools.cached_property
    def compiled(self) -> Fun:
        """``jit(f)``, shared by the laws of one check (one compilation for all of them)."""
        out: Fun = jit.jit(self.f)
        return out

    def xs_at(self, args: Sequence[Any]) -> tuple[Array, ...]:
        """The varied leaves of other arguments of the same structure."""
        flat = [tu.tree_leaves(a) for a in args]
        return tuple(as_array(flat[i][j]) for i, j in self.slots)

    def at(self, args: Sequence[Any]) -> Subject:
        """The same function and argnums at other arguments of the same structure."""
        return Subject.of(self.f, args, self.argnums)

    def only(self, argnum: int) -> Subject:
        """Varied in one argument only (the others held at their values)."""
        return Subject.of(self.f, self.args, (argnum,))


def cast_like(x: Any, like: Any) -> Array:
    """``x`` in ``like``'s dtype, keeping ``like``'s weak type."""
    dt = dtype_of(like)
    weak = bool(getattr(like, "weak_type", False))
    return core.Array(np.asarray(np.asarray(x).astype(dt)), weak)


def float_dtype_of(x: Any) -> np.dtype[Any]:
    """The real dtype of ``x``'s values (its own if real)."""
    dt = dtype_of(x)
    return np.dtype(dtypes.real_dtype(dt)) if dtypes.is_complex(dt) else dt
