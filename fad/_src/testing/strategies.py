"""Hypothesis strategies for what fad functions take: arrays (finite by default, edge values
on request), shapes, broadcastable shapes, well-conditioned and symmetric positive-definite
matrices, pytrees and PRNG keys. Values are drawn by hypothesis (so they shrink); arrays
come back as fad Arrays of the requested dtype.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

import numpy as np

try:
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError as e:  # pragma: no cover - exercised only without hypothesis
    raise ImportError("fad.testing.strategies needs hypothesis: pip install hypothesis") from e

from fad._src import core, dtypes
from fad._src.core import Array
from fad._src.random import keys

from .edge import edge_values

T = TypeVar("T")
Shape = tuple[int, ...]
DTypeLike = Any


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
           max_side: int = 3) -> st.SearchStrategy[Shape]:  # fmt: skip
    """Array shapes: 0-d included by default, small sides so examples stay fast."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)  # fmt: skip


def broadcastable_shapes(num_shapes: int = 2, min_dims: int = 0, max_dims: int = 3,
                         min_side: int = 1, max_side: int = 3
                         ) -> st.SearchStrategy[tuple[Shape, ...]]:  # fmt: skip
    """``num_shapes`` shapes that broadcast together under numpy's rules."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
        max_side=max_side).map(lambda b: tuple(b.input_shapes))  # fmt: skip


def _elements(dt: np.dtype[Any], lo: float, hi: float, edge: bool) -> st.SearchStrategy[Any]:
    if dt == np.bool_:
        return st.booleans()
    if dtypes.is_integer(dt):
        info = np.iinfo(dt)
        base: st.SearchStrategy[Any] = st.integers(
            max(int(np.ceil(lo)), int(info.min)), min(int(np.floor(hi)), int(info.max))
        )
    else:
        real = np.dtype(dtypes.real_dtype(dt)) if dtypes.is_complex(dt) else dt
        width: Literal[32, 64] = 32 if real.itemsize <= 4 else 64
        part = st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=width)
        base = st.builds(complex, part, part) if dtypes.is_complex(dt) else part
    if not edge:
        return base
    return st.one_of(base, st.sampled_from(edge_values(dt).tolist()))


def arrays(shape: Shape | st.SearchStrategy[Shape], dtype: DTypeLike = np.float32, *,
           elements: st.SearchStrategy[Any] | None = None, min_value: float = -2.0,
           max_value: float = 2.0, edge: bool = False) -> st.SearchStrategy[Array]:  # fmt: skip
    """fad Arrays of ``shape`` (a tuple or a strategy of them) and ``dtype``.

    Elements are finite and within ``[min_value, max_value]`` (real and imaginary parts
    for complex dtypes) unless ``elements`` says otherwise; ``edge=True`` mixes in
    ``fad.testing.edge_values`` of the dtype (signed zeros, infinities, NaN,
    subnormals, extremes). A 64-bit dtype needs ``fad.config.enable_x64``.
    """
    dt = np.dtype(dtype)
    elems = _elements(dt, min_value, max_value, edge) if elements is None else elements
    return hnp.arrays(dt, shape, elements=elems).map(core.asarray)


def _dominant(a: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    n = a.shape[-1]
    return np.asarray(a + (n + 1.0) * np.eye(n, dtype=a.dtype))


def well_conditioned(n: int | st.SearchStrategy[int] = 3, dtype: DTypeLike = np.float32,
                     batch: Shape = ()) -> st.SearchStrategy[Array]:  # fmt: skip
    """Square matrices (with leading ``batch`` axes) of entries in [-1, 1] plus a dominant
    diagonal: condition numbers stay small, so solves and inverses are accurate."""
    sizes = st.just(n) if isinstance(n, int) else n
    dt = np.dtype(dtype)
    return sizes.flatmap(lambda k: hnp.arrays(
        dt, (*batch, k, k), elements=_elements(dt, -1.0, 1.0, False))).map(
        lambda a: core.asarray(_dominant(a)))  # fmt: skip


def spd_matrices(n: int | st.SearchStrategy[int] = 3, dtype: DTypeLike = np.float32,
                 batch: Shape = ()) -> st.SearchStrategy[Array]:  # fmt: skip
    """Symmetric (Hermitian) positive-definite matrices ``B B^H + n I`` with ``B``'s entries
    in [-1, 1]: eigenvalues between ``n`` and about ``2 n``, well inside the cone."""
    sizes = st.just(n) if isinstance(n, int) else n
    dt = np.dtype(dtype)

    def spd(b: np.ndarray[Any, Any]) -> Array:
        k = b.shape[-1]
        m = b @ np.conj(np.swapaxes(b, -1, -2)) + k * np.eye(k)
        return core.asarray(np.asarray(((m + np.conj(np.swapaxes(m, -1, -2))) / 2).astype(dt)))

    return sizes.flatmap(lambda k: hnp.arrays(
        dt, (*batch, k, k), elements=_elements(dt, -1.0, 1.0, False))).map(spd)  # fmt: skip


def pytrees(
    leaves: st.SearchStrategy[T],
    max_leaves: int = 6,
    nodes: Sequence[Callable[[list[Any]], Any]] = (),
) -> st.SearchStrategy[Any]:
    """Pytrees of ``leaves`` nested in tuples, lists and dicts (string keys), and in the
    containers that ``nodes`` build from a list of children (your registered node types)."""

    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        kids = st.lists(children, max_size=3)
        options = [kids.map(tuple), kids,
                   st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3), children,
                                   max_size=3)]  # fmt: skip
        options += [kids.map(node) for node in nodes]
        return st.one_of(options)

    return st.recursive(leaves, extend, max_leaves=max_leaves)


def prng_keys() -> st.SearchStrategy[keys.KeyData]:
    """Raw PRNG keys (``fad.random.PRNGKey``) from random 32-bit seeds."""
    return st.integers(0, 2**32 - 1).map(keys.PRNGKey)
