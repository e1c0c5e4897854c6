"""The public, typed ``tree_map`` (``fad.tree.map``, ``fad.tree_util.tree_map``).

The pytree module sits below ``Array`` in the layers, so the precise forms for maps of
array leaves (``Array -> Array`` over one tree, ``(Array, Array) -> Array`` over two
trees of one type: the result has the tree's type) are declared here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, overload

from fad._src import tree_util as tu
from fad._src.core import Array
from fad._src.tree_util import IsLeaf, PyTree

T = TypeVar("T")


@overload
def tree_map(f: Callable[[Array], Array], tree: T, /, *, is_leaf: IsLeaf = None) -> T: ...
@overload
def tree_map(
    f: Callable[[Array, Array], Array], tree: T, other: T, /, *, is_leaf: IsLeaf = None
) -> T: ...
@overload
def tree_map(
    f: Callable[..., Any], tree: PyTree, *rest: PyTree, is_leaf: IsLeaf = None
) -> PyTree: ...
def tree_map(
    f: Callable[..., Any], tree: PyTree, *rest: PyTree, is_leaf: IsLeaf = None
) -> PyTree:
    """Apply ``f`` leafwise: ``f(leaf, *matching_rest_subtrees)``, keeping ``tree``'s shape.

    Each tree in ``rest`` must have ``tree``'s structure or have it as a prefix (then
    ``f`` receives the whole corresponding subtree).  Mismatches raise ``ValueError``.

    Args:
        f: The function applied to each leaf (and the matching parts of ``rest``).
        tree: The pytree whose structure the result has.
        *rest: More pytrees with ``tree``'s structure.
        is_leaf: Optional predicate marking extra leaves of ``tree``.

    Returns:
        A pytree of ``f``'s results.

    Raises:
        ValueError: A tree in ``rest`` does not match ``tree``'s structure.

    Examples:
        >>> fad.tree.map(lambda x, y: x + y, {"a": 1, "b": (2, 3)}, {"a": 10, "b": (20, 30)})
        {'a': 11, 'b': (22, 33)}
    """
    return tu.tree_map(f, tree, *rest, is_leaf=is_leaf)
