"""JAX-compatible spellings of the pytree utilities (``jax.tree_util`` names)."""

from fad._src.api.trees import tree_map as tree_map
from fad._src.tree_util import PyTree as PyTree
from fad._src.tree_util import PyTreeDef as PyTreeDef
from fad._src.tree_util import register_dataclass as register_dataclass
from fad._src.tree_util import register_node as register_pytree_node
from fad._src.tree_util import register_pytree_node_class as register_pytree_node_class
from fad._src.tree_util import tree_all as tree_all
from fad._src.tree_util import tree_flatten as tree_flatten
from fad._src.tree_util import tree_leaves as tree_leaves
from fad._src.tree_util import tree_reduce as tree_reduce
from fad._src.tree_util import tree_structure as tree_structure
from fad._src.tree_util import tree_transpose as tree_transpose
from fad._src.tree_util import tree_unflatten as tree_unflatten

__all__ = [
    "PyTree",
    "PyTreeDef",
    "register_dataclass",
    "register_pytree_node",
    "register_pytree_node_class",
    "tree_all",
    "tree_flatten",
    "tree_leaves",
    "tree_map",
    "tree_reduce",
    "tree_structure",
    "tree_transpose",
    "tree_unflatten",
]
