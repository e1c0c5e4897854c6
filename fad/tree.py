"""Pytree utilities: ``fad.tree.map``, ``flatten``, ``unflatten``, ... (as ``jax.tree``)."""

from fad._src.api.trees import tree_map as map
from fad._src.tree_util import PyTree as PyTree
from fad._src.tree_util import PyTreeDef as PyTreeDef
from fad._src.tree_util import register_dataclass as register_dataclass
from fad._src.tree_util import register_node as register_node
from fad._src.tree_util import tree_all as all
from fad._src.tree_util import tree_flatten as flatten
from fad._src.tree_util import tree_leaves as leaves
from fad._src.tree_util import tree_reduce as reduce
from fad._src.tree_util import tree_structure as structure
from fad._src.tree_util import tree_transpose as transpose
from fad._src.tree_util import tree_unflatten as unflatten

__all__ = [
    "PyTree",
    "PyTreeDef",
    "all",
    "flatten",
    "leaves",
    "map",
    "reduce",
    "register_dataclass",
    "register_node",
    "structure",
    "transpose",
    "unflatten",
]
