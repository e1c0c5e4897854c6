"""The static type of the public ``tree_map`` (``fad.tree.map``, ``fad.tree_util.tree_map``).

The pytree module sits below ``Array`` in the layers, so the precise forms for maps of
array leaves are declared here: ``Array -> Array`` over one tree, or ``(Array, Array) ->
Array`` over two trees of one type, gives a tree of that type. At run time the name is
the pytree module's ``tree_map`` itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar, overload

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
    ) -> PyTree: ...
else:
    from fad._src.tree_util import tree_map as tree_map
