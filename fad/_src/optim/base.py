"""Gradient transformations as values: ``GradientTransformation``, ``chain``, ``apply_updates``.

A transformation is a pair of pure functions, ``init(params) -> state`` and
``update(updates, state, params) -> (updates, state)``, kept in an immutable value, as in
optax. States are pytrees (NamedTuples of arrays), so they pass through ``jit``, ``vmap``
and ``grad`` like any other argument; nothing is ever updated in place.

Typing: a transformation is generic in its state type ``S``; ``update`` is generic in the
updates' pytree type, so the updates come back with the type they went in with. The
pytrees inside states are typed ``PyTree`` (``Any``): their structure follows the
parameters', which Python's type system cannot express.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, Protocol, TypeAlias, TypeVar, overload

import numpy as np

from fad._src.core import Array, ArrayLike
from fad._src.numpy import conversion as cv
from fad._src.numpy import sorting
from fad._src.tree_util import PyTree, tree_leaves, tree_map

S = TypeVar("S")
S1 = TypeVar("S1")
S2 = TypeVar("S2")
S3 = TypeVar("S3")
S4 = TypeVar("S4")
S_co = TypeVar("S_co", covariant=True)
T = TypeVar("T")

# A schedule maps the step count (an int32 scalar) to a hyperparameter value. The
# schedules fad.optim builds also accept Python ints (``Callable[[ArrayLike], Array]``).
# Hyperparameters are Python numbers or arrays. Python numbers stay Python numbers, so
# that arithmetic among them is done in double precision before meeting a float32 array,
# as in optax; that is part of what makes the numbers agree.
Scalar: TypeAlias = float | Array
Schedule: TypeAlias = Callable[[Array], Scalar]
ScalarOrSchedule: TypeAlias = Scalar | Schedule

NO_PARAMS_MSG = (
    "params: this transformation needs the current parameters; call "
    "update(updates, state, params) with them"
)


class InitFn(Protocol[S_co]):
    """``init(params) -> state``: the state for a parameter pytree."""

    def __call__(self, params: PyTree, /) -> S_co: ...


class UpdateFn(Protocol[S]):
    """``update(updates, state, params=None) -> (updates, state)``, same pytree type out."""

    def __call__(self, updates: T, state: S, params: T | None = None, /) -> tuple[T, S]: ...


@dataclass(frozen=True)
class GradientTransformation(Generic[S]):
    """An optimizer or one stage of one: ``init`` and ``update``, immutable (optax's type).

    Hashable by identity of its functions, so it can be a static argument of ``jit``.
    """

    init: InitFn[S]
    update: UpdateFn[S]


class EmptyState(NamedTuple):
    """The state of a stateless transformation."""


def init_empty_state(params: PyTree, /) -> EmptyState:
    del params
    return EmptyState()


def identity() -> GradientTransformation[EmptyState]:
    """Pass updates through unchanged."""

    def update(updates: T, state: EmptyState, params: T | None = None, /) -> tuple[T, EmptyState]:
        del params
        return updates, state

    return GradientTransformation(init_empty_state, update)


@overload
def chain(t1: GradientTransformation[S1], /) -> GradientTransformation[tuple[S1]]: ...
@overload
def chain(
    t1: GradientTransformation[S1], t2: GradientTransformation[S2], /
) -> GradientTransformation[tuple[S1, S2]]: ...
@overload
def chain(
    t1: GradientTransformation[S1], t2: GradientTransformation[S2],
    t3: GradientTransformation[S3], /,
) -> GradientTransformation[tuple[S1, S2, S3]]: ...  # fmt: skip
@overload
def chain(
    t1: GradientTransformation[S1], t2: GradientTransformation[S2],
    t3: GradientTransformation[S3], t4: GradientTransformation[S4], /,
) -> GradientTransformation[tuple[S1, S2, S3, S4]]: ...  # fmt: skip
@overload
def chain(
    *transforms: GradientTransformation[Any],
) -> GradientTransformation[tuple[Any, ...]]: ...
def chain(*transforms: GradientTransformation[Any]) -> GradientTransformation[tuple[Any, ...]]:
    """Apply ``transforms`` in order; the state is the tuple of their states."""
    for i, t in enumerate(transforms):
        if not isinstance(t, GradientTransformation):
            raise TypeError(
                f"chain: argument {i} must be a GradientTransformation, got {type(t).__name__}"
            )
    inits = tuple(t.init for t in transforms)
    updates_fns = tuple(t.update for t in transforms)

    def init(params: PyTree, /) -> tuple[Any, ...]:
        return tuple(fn(params) for fn in inits)

    def update(
        updates: T, state: tuple[Any, ...], params: T | None = None, /
    ) -> tuple[T, tuple[Any, ...]]:
        if not isinstance(state, tuple) or len(state) != len(updates_fns):
            raise ValueError(
                f"state: chain of {len(updates_fns)} transformations expects the tuple of "
                f"{len(updates_fns)} states its init returned, got {type(state).__name__}"
                + (f" of length {len(state)}" if isinstance(state, tuple) else "")
            )
        new_state = []
        for fn, s in zip(updates_fns, state, strict=True):
            updates, s = fn(updates, s, params)
            new_state.append(s)
        return updates, tuple(new_state)

    return GradientTransformation(init, update)


def apply_updates(params: T, updates: T) -> T:
    """``params + updates`` leaf by leaf, each result cast back to its parameter's dtype."""

    def add(p: ArrayLike, u: ArrayLike) -> Array:
        p = cv.asarray(p)
        return cv.astype(p + u, p.dtype)

    out: T = tree_map(add, params, updates)
    return out


# ---------------------------------------------------------------------------
# Helpers the transformations share (optax's tree arithmetic)
# ---------------------------------------------------------------------------


def safe_increment(count: Array) -> Array:
    """``count + 1``, saturating at the dtype's maximum instead of wrapping around."""
    top = cv.asarray(np.iinfo(count.dtype).max, count.dtype)
    return sorting.where(count < top, count + cv.asarray(1, count.dtype), top)


def zero_count() -> Array:
    return cv.asarray(0, np.int32)


def abs_sq(x: Array) -> Array:
    if np.issubdtype(x.dtype, np.complexfloating):
        return x.real * x.real + x.imag * x.imag
    return x * x


def update_moment(updates: PyTree, moments: PyTree, decay: Scalar, order: int) -> PyTree:
    """The exponential moving average of the ``order``-th power of the updates."""
    return tree_map(lambda g, t: (1 - decay) * (g**order) + decay * t, updates, moments)


def update_moment_per_elem_norm(
    updates: PyTree, moments: PyTree, decay: Scalar, order: int
) -> PyTree:
    """As ``update_moment``, of ``|g|**order`` (the same for real ``g``)."""

    def norm(g: Array) -> Array:
        if not np.issubdtype(g.dtype, np.complexfloating):
            return g**order
        half = order / 2
        return abs_sq(g) ** (int(half) if half.is_integer() else half)

    return tree_map(lambda g, t: (1 - decay) * norm(g) + decay * t, updates, moments)


def bias_correction(moment: PyTree, decay: Scalar, count: Array) -> PyTree:
    """``moment / (1 - decay**count)``; the power is taken before casting to the moment's dtype."""
    correction = 1 - decay**count
    return tree_map(lambda t: t / cv.astype(correction, t.dtype), moment)


def cast_tree(tree: PyTree, dtype: Any) -> PyTree:
    """Every leaf cast to ``dtype`` (``None``: unchanged)."""
    if dtype is None:
        return tree
    return tree_map(lambda t: cv.astype(t, dtype), tree)


def highest_dtype(tree: PyTree) -> Any:
    """The promoted dtype of the tree's leaves (float32 for an empty tree)."""
    leaves = tree_leaves(tree)
    return cv.result_type(*leaves) if leaves else np.dtype(np.float32)
