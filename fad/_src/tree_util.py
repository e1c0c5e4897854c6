"""Pytrees: nested containers of leaves, flattened to a leaf list plus a ``PyTreeDef``.

Every fad transformation (grad, vjp, vmap, jit, ...) flattens its arguments and
unflattens its results, so flatten/unflatten are on the hot path of every call.  The
implementation therefore dispatches on ``type(x)`` through a dict registry (exact type
match, as JAX does: unregistered subclasses are leaves), special-cases the builtin
containers, and only builds path/diagnostic information once an error is certain.

Semantics follow ``jax.tree_util``: tuples, lists, dicts (children in sorted-key order),
``None`` (a node with no children), namedtuples, ``OrderedDict`` (insertion order),
``defaultdict`` and registered classes are nodes; everything else is a leaf.
"""

from __future__ import annotations

import builtins
import collections
import dataclasses
import functools
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import Any, Final, TypeAlias, TypeVar, overload

__all__ = [
    "PyTree",
    "PyTreeDef",
    "prefix_broadcast",
    "register_dataclass",
    "register_node",
    "tree_all",
    "tree_flatten",
    "tree_leaves",
    "tree_map",
    "tree_reduce",
    "tree_structure",
    "tree_transpose",
    "tree_unflatten",
]

# A pytree is any nesting of registered containers around arbitrary leaves, so its static
# type is inherently ``Any``.  This alias is the documented seam where static typing stops.
PyTree: TypeAlias = Any

IsLeaf: TypeAlias = Callable[[Any], bool] | None

T = TypeVar("T")
AuxT = TypeVar("AuxT", bound=Hashable)

# Node tags: let the hot loops branch on an int instead of calling through function objects.
_TUPLE: Final = 0
_LIST: Final = 1
_DICT: Final = 2
_NONE: Final = 3
_NAMEDTUPLE: Final = 4
_ORDEREDDICT: Final = 5
_DEFAULTDICT: Final = 6
_CUSTOM: Final = 7

_FlattenFn: TypeAlias = Callable[[Any], tuple[Iterable[Any], Any]]
_UnflattenFn: TypeAlias = Callable[[Any, tuple[Any, ...]], Any]


class _NodeKind:
    """How to take apart and rebuild one container type (one instance per type)."""

    __slots__ = ("flatten", "tag", "type", "unflatten")

    type: builtins.type[Any]

    def __init__(
        self, type_: builtins.type[Any], tag: int, flatten: _FlattenFn, unflatten: _UnflattenFn
    ):
        self.type = type_
        self.tag = tag
        self.flatten = flatten
        self.unflatten = unflatten

    def __repr__(self) -> str:
        return f"_NodeKind({self.type.__qualname__})"


def _sorted_keys(d: dict[Any, Any]) -> tuple[Any, ...]:
    """Sorted keys, as JAX.

    Mixed-type keys (``{1: .., "a": ..}``) are ordered by type name, then value, so the
    order still does not depend on insertion; only keys that cannot be ordered even
    within one type keep insertion order.
    """
    try:
        return tuple(sorted(d))
    except TypeError:
        try:
            return tuple(sorted(d, key=_type_then_value))
        except TypeError:
            return tuple(d)


def _type_then_value(k: Any) -> tuple[str, Any]:
    t = type(k)
    return (f"{t.__module__}.{t.__qualname__}", k)


def _dict_flatten(d: dict[Any, Any]) -> tuple[list[Any], tuple[Any, ...]]:
    keys = _sorted_keys(d)
    return [d[k] for k in keys], keys


def _dict_unflatten(keys: tuple[Any, ...], children: tuple[Any, ...]) -> dict[Any, Any]:
    return dict(zip(keys, children, strict=True))


def _ordereddict_flatten(
    d: collections.OrderedDict[Any, Any],
) -> tuple[list[Any], tuple[Any, ...]]:
    keys = tuple(d)
    return [d[k] for k in keys], keys


def _ordereddict_unflatten(
    keys: tuple[Any, ...], children: tuple[Any, ...]
) -> collections.OrderedDict[Any, Any]:
    return collections.OrderedDict(zip(keys, children, strict=True))


def _defaultdict_flatten(
    d: collections.defaultdict[Any, Any],
) -> tuple[list[Any], tuple[Any, tuple[Any, ...]]]:
    keys = _sorted_keys(d)
    return [d[k] for k in keys], (d.default_factory, keys)


def _defaultdict_unflatten(
    aux: tuple[Any, tuple[Any, ...]], children: tuple[Any, ...]
) -> collections.defaultdict[Any, Any]:
    factory, keys = aux
    return collections.defaultdict(factory, zip(keys, children, strict=True))


def _seq_flatten(x: Any) -> tuple[Any, None]:
    return x, None


def _none_flatten(x: None) -> tuple[tuple[()], None]:
    return (), None


def _none_unflatten(aux: None, children: tuple[Any, ...]) -> None:
    return None


def _tuple_unflatten(aux: None, children: tuple[Any, ...]) -> tuple[Any, ...]:
    return children


def _list_unflatten(aux: None, children: tuple[Any, ...]) -> list[Any]:
    return list(children)


_TUPLE_KIND: Final = _NodeKind(tuple, _TUPLE, _seq_flatten, _tuple_unflatten)
_LIST_KIND: Final = _NodeKind(list, _LIST, _seq_flatten, _list_unflatten)
_NONE_KIND: Final = _NodeKind(type(None), _NONE, _none_flatten, _none_unflatten)

_registry: dict[type, _NodeKind] = {
    tuple: _TUPLE_KIND,
    list: _LIST_KIND,
    dict: _NodeKind(dict, _DICT, _dict_flatten, _dict_unflatten),
    type(None): _NONE_KIND,
    collections.OrderedDict: _NodeKind(
        collections.OrderedDict, _ORDEREDDICT, _ordereddict_flatten, _ordereddict_unflatten
    ),
    collections.defaultdict: _NodeKind(
        collections.defaultdict, _DEFAULTDICT, _defaultdict_flatten, _defaultdict_unflatten
    ),
}

# Namedtuple classes are recognised structurally (tuple subclass with ``_fields``), not
# registered; their kinds are created on first sight and cached here.
_namedtuple_kinds: dict[type, _NodeKind] = {}


def _namedtuple_kind(t: type) -> _NodeKind:
    kind = _namedtuple_kinds.get(t)
    if kind is None:

        def unflatten(aux: None, children: tuple[Any, ...]) -> Any:
            return t(*children)

        kind = _NodeKind(t, _NAMEDTUPLE, _seq_flatten, unflatten)
        _namedtuple_kinds[t] = kind
    return kind


def _kind_of(x: Any) -> _NodeKind | None:
    """The node kind of ``x``, or None when ``x`` is a leaf."""
    t = type(x)
    kind = _registry.get(t)
    if kind is None and isinstance(x, tuple) and hasattr(t, "_fields"):
        kind = _namedtuple_kind(t)
    return kind


# ----------------------------------------------------------------------------------------
# PyTreeDef
# ----------------------------------------------------------------------------------------


class PyTreeDef:
    """The immutable, hashable structure of a pytree: everything except its leaves.

    Treedefs compare equal when node types, aux data (dict keys, namedtuple class,
    registered aux data) and nesting all agree; they are used as cache keys by ``jit``.
    Build them with ``tree_structure`` / ``tree_flatten``, not directly.

    Immutability is by interface: public attributes are read-only properties and
    ``__slots__`` forbids new ones; the private slots are written only at creation.
    (Blocking ``__setattr__`` outright would double the cost of building a node, which
    every flatten pays.)
    """

    __slots__ = ("_aux", "_children", "_hash", "_kind", "_num_leaves", "_num_nodes")

    _kind: _NodeKind | None  # None marks a leaf
    _aux: Any
    _children: tuple[PyTreeDef, ...]
    _num_leaves: int
    _num_nodes: int
    _hash: int

    def __init__(self) -> None:
        raise TypeError("PyTreeDef is not constructed directly; use fad.tree.structure().")

    def __copy__(self) -> PyTreeDef:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> PyTreeDef:
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # Kinds are compared by identity, so pickle the node type and look it up again.
        kind = self._kind
        node_type = None if kind is None else kind.type
        return (_rebuild_def, (node_type, self._aux, self._children, self._num_leaves))

    @property
    def num_leaves(self) -> int:
        """Number of leaves in trees of this structure."""
        return self._num_leaves

    @property
    def num_nodes(self) -> int:
        """Number of nodes, counting leaves and ``None`` nodes (as JAX does)."""
        try:
            return self._num_nodes
        except AttributeError:
            n = 0
            stack = [self]
            while stack:
                td = stack.pop()
                n += 1
                stack.extend(td._children)
            self._num_nodes = n
            return n

    def is_leaf(self) -> bool:
        """True when this is the structure of a single leaf."""
        return self._kind is None

    def children(self) -> list[PyTreeDef]:
        """Treedefs of the immediate children (empty for a leaf or ``None``)."""
        return list(self._children)

    def node_data(self) -> tuple[type, Any] | None:
        """``(node type, aux data)`` of the root node, or None for a leaf."""
        if self._kind is None:
            return None
        return self._kind.type, self._aux

    def unflatten(self, leaves: Iterable[Any]) -> PyTree:
        """Rebuild a tree of this structure from ``leaves`` (see ``tree_unflatten``)."""
        return tree_unflatten(self, leaves)

    def flatten_up_to(self, tree: PyTree) -> list[Any]:
        """Split ``tree`` at this structure's leaves: one (sub)tree per leaf of ``self``.

        ``self`` must be a prefix of ``tree``'s structure; raises ``ValueError`` otherwise.
        """
        out: list[Any] = []
        try:
            _flatten_up_to_any_depth(self, tree, out)
        except _Mismatch as e:
            raise ValueError(
                f"Tree structure mismatch at {e.where('tree')}: {e.detail}. "
                f"Expected a tree with prefix {self!r}, got {_safe_structure(tree)!r}."
            ) from None
        return out

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, PyTreeDef):
            return NotImplemented
        try:
            return (
                self._kind is other._kind
                and self._num_leaves == other._num_leaves
                and len(self._children) == len(other._children)
                and _aux_equal(self._aux, other._aux)
                and self._children == other._children
            )
        except RecursionError:
            return _defs_equal_deep(self, other)

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        try:
            return self._hash
        except AttributeError:
            pass
        # Hash the uncached nodes children-first with an explicit stack (structures may be
        # nested thousands deep), reading cached child hashes directly.
        order: list[PyTreeDef] = []
        stack = [self]
        while stack:
            td = stack.pop()
            order.append(td)
            for c in td._children:
                if not hasattr(c, "_hash"):
                    stack.append(c)
        for td in reversed(order):
            kind = td._kind
            td._hash = hash(
                (
                    None if kind is None else kind.type,
                    td._aux,
                    tuple([c._hash for c in td._children]),
                )
            )
        return self._hash

    def __repr__(self) -> str:
        return f"PyTreeDef({_repr_def(self)})"

    __str__ = __repr__


def _defs_equal_deep(x: PyTreeDef, y: PyTreeDef) -> bool:
    """``x == y`` with an explicit stack, for structures nested too deep to recurse."""
    stack = [(x, y)]
    while stack:
        a, b = stack.pop()
        if a is b:
            continue
        if (
            a._kind is not b._kind
            or a._num_leaves != b._num_leaves
            or len(a._children) != len(b._children)
            or not _aux_equal(a._aux, b._aux)
        ):
            return False
        stack.extend(zip(a._children, b._children, strict=True))
    return True


_new = object.__new__


def _make_def(
    kind: _NodeKind | None, aux: Any, children: tuple[PyTreeDef, ...], num_leaves: int
) -> PyTreeDef:
    """Allocate a treedef, bypassing the (deliberately failing) public constructor."""
    td: PyTreeDef = _new(PyTreeDef)
    td._kind = kind
    td._aux = aux
    td._children = children
    td._num_leaves = num_leaves
    return td


def _rebuild_def(
    node_type: type | None, aux: Any, children: tuple[PyTreeDef, ...], num_leaves: int
) -> PyTreeDef:
    """Unpickle a treedef: re-resolve its node kind from the (pickled by name) type."""
    if node_type is None:
        return _LEAF
    kind = _registry.get(node_type)
    if kind is None:
        if not (issubclass(node_type, tuple) and hasattr(node_type, "_fields")):
            raise TypeError(f"cannot unpickle PyTreeDef: {node_type!r} is not registered")
        kind = _namedtuple_kind(node_type)
    return _make_def(kind, aux, children, num_leaves)


_LEAF: Final = _make_def(None, None, (), 1)
_NONE_DEF: Final = _make_def(_NONE_KIND, None, (), 0)
hash(_LEAF)  # cache it now: every parent's hash reads it


def _aux_equal(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b)
    except RecursionError:  # let a deep structure's comparison fall back to the stack
        raise
    except Exception:  # e.g. arrays in aux data: ambiguous truth value
        return False


def _repr_def(root: PyTreeDef) -> str:
    """The body of ``repr(root)``, built children-first with an explicit stack."""
    done: list[str] = []  # finished children's strings, in order, awaiting their parent
    stack: list[tuple[PyTreeDef, bool]] = [(root, False)]
    while stack:
        td, expanded = stack.pop()
        n = len(td._children)
        if td._kind is None or not n:
            done.append(_repr_node(td, []))
        elif expanded:
            cs = done[len(done) - n :]
            del done[len(done) - n :]
            done.append(_repr_node(td, cs))
        else:
            stack.append((td, True))
            stack.extend([(c, False) for c in reversed(td._children)])
    return done[0]


def _repr_node(td: PyTreeDef, cs: list[str]) -> str:
    kind = td._kind
    if kind is None:
        return "*"
    tag = kind.tag
    if tag == _TUPLE:
        return f"({cs[0]},)" if len(cs) == 1 else f"({', '.join(cs)})"
    if tag == _LIST:
        return f"[{', '.join(cs)}]"
    if tag == _NONE:
        return "None"
    if tag == _NAMEDTUPLE:
        fields = getattr(kind.type, "_fields", ())
        inner = ", ".join(f"{f}={c}" for f, c in zip(fields, cs, strict=False))
        return f"{kind.type.__name__}({inner})"
    if tag == _DICT or tag == _ORDEREDDICT:
        body = "{" + ", ".join(f"{k!r}: {c}" for k, c in zip(td._aux, cs, strict=True)) + "}"
        return body if tag == _DICT else f"OrderedDict({body})"
    if tag == _DEFAULTDICT:
        factory, keys = td._aux
        body = "{" + ", ".join(f"{k!r}: {c}" for k, c in zip(keys, cs, strict=True)) + "}"
        return f"defaultdict({factory!r}, {body})"
    return f"CustomNode({kind.type.__name__}[{td._aux!r}], [{', '.join(cs)}])"


# ----------------------------------------------------------------------------------------
# flatten / unflatten
# ----------------------------------------------------------------------------------------


def _flatten(x: Any, leaves: list[Any], is_leaf: IsLeaf) -> PyTreeDef:
    if is_leaf is not None and is_leaf(x):
        leaves.append(x)
        return _LEAF
    t = type(x)
    kind = _registry.get(t)
    if kind is None:
        if isinstance(x, tuple) and hasattr(t, "_fields"):
            kind = _namedtuple_kind(t)
        else:
            leaves.append(x)
            return _LEAF
    tag = kind.tag
    start = len(leaves)
    if tag <= _LIST or tag == _NAMEDTUPLE:
        aux = None
        raw: Iterable[Any] = x
    elif tag == _NONE:
        return _NONE_DEF
    else:
        raw, aux = kind.flatten(x)
    if is_leaf is None:
        # Inline the common leaf case (not a registered type, not a tuple subclass that
        # could be a namedtuple): saves a recursive call per leaf.
        cs: list[PyTreeDef] = []
        for c in raw:
            if type(c) in _registry or isinstance(c, tuple):
                cs.append(_flatten(c, leaves, None))
            else:
                leaves.append(c)
                cs.append(_LEAF)
        children = tuple(cs)
    else:
        children = tuple([_flatten(c, leaves, is_leaf) for c in raw])
    return _make_def(kind, aux, children, len(leaves) - start)


_DONE: Final = object()


def _flatten_deep(x: Any, leaves: list[Any], is_leaf: IsLeaf) -> PyTreeDef:
    """``_flatten`` with an explicit stack instead of recursion, for trees nested deeper
    than Python's recursion limit allows. Slower, so only the fallback."""
    # One frame per open node: kind, aux, iterator over its children, their treedefs and the
    # leaf count when it was opened.
    stack: list[tuple[_NodeKind, Any, Iterator[Any], list[PyTreeDef], int]] = []
    while True:
        done: PyTreeDef | None
        kind = None if is_leaf is not None and is_leaf(x) else _kind_of(x)
        if kind is None:
            leaves.append(x)
            done = _LEAF
        elif kind.tag == _NONE:
            done = _NONE_DEF
        else:
            if kind.tag <= _LIST or kind.tag == _NAMEDTUPLE:
                raw, aux = x, None
            else:
                raw, aux = kind.flatten(x)
            stack.append((kind, aux, iter(raw), [], len(leaves)))
            done = None
        while True:
            if done is not None:
                if not stack:
                    return done
                stack[-1][3].append(done)
            fkind, faux, it, cs, start = stack[-1]
            x = next(it, _DONE)
            if x is not _DONE:
                break
            stack.pop()
            done = _make_def(fkind, faux, tuple(cs), len(leaves) - start)


def _flatten_any_depth(x: Any, leaves: list[Any], is_leaf: IsLeaf) -> PyTreeDef:
    start = len(leaves)
    try:
        return _flatten(x, leaves, is_leaf)
    except RecursionError:
        del leaves[start:]
        return _flatten_deep(x, leaves, is_leaf)


def tree_flatten(tree: PyTree, is_leaf: IsLeaf = None) -> tuple[list[Any], PyTreeDef]:
    """Split ``tree`` into its leaves (left-to-right, dicts by sorted key) and structure.

    ``is_leaf(x) -> True`` stops descent at ``x``, making it a leaf even if it is a
    container (or ``None``).

    Args:
        tree: A pytree.
        is_leaf: Optional predicate marking extra leaves.

    Returns:
        ``(leaves, treedef)``; ``tree_unflatten(treedef, leaves)`` rebuilds ``tree``.

    Examples:
        >>> leaves, treedef = fad.tree.flatten({"b": (1, 2), "a": 3})
        >>> leaves, treedef
        ([3, 1, 2], PyTreeDef({'a': *, 'b': (*, *)}))
    """
    leaves: list[Any] = []
    try:
        treedef = _flatten(tree, leaves, is_leaf)
    except RecursionError:
        leaves = []
        treedef = _flatten_deep(tree, leaves, is_leaf)
    return leaves, treedef


def tree_leaves(tree: PyTree, is_leaf: IsLeaf = None) -> list[Any]:
    """The leaves of ``tree`` in flatten order.

    Args:
        tree: A pytree.
        is_leaf: Optional predicate marking extra leaves.

    Returns:
        The list of leaves.

    Examples:
        >>> fad.tree.leaves([1, None, (2, {"x": 3})])
        [1, 2, 3]
    """
    leaves: list[Any] = []
    if is_leaf is not None:
        _flatten_any_depth(tree, leaves, is_leaf)
        return leaves
    try:
        _leaves(tree, leaves)
    except RecursionError:
        leaves = []
        _flatten_deep(tree, leaves, None)
    return leaves


def _leaves(x: Any, leaves: list[Any]) -> None:
    """``_flatten``'s walk without building the treedef (what ``tree_leaves`` needs)."""
    t = type(x)
    kind = _registry.get(t)
    raw: Iterable[Any]
    if kind is None:
        if not (isinstance(x, tuple) and hasattr(t, "_fields")):  # a namedtuple is a node
            leaves.append(x)
            return
        raw = x
    elif kind.tag <= _LIST:
        raw = x
    elif kind.tag == _NONE:
        return
    else:
        raw = kind.flatten(x)[0]
    for c in raw:
        if type(c) in _registry or isinstance(c, tuple):
            _leaves(c, leaves)
        else:
            leaves.append(c)


def tree_structure(tree: PyTree, is_leaf: IsLeaf = None) -> PyTreeDef:
    """The ``PyTreeDef`` of ``tree``.

    Args:
        tree: A pytree.
        is_leaf: Optional predicate marking extra leaves.

    Returns:
        The structure, without the leaves.

    Examples:
        >>> fad.tree.structure((1, [2, 3]))
        PyTreeDef((*, [*, *]))
    """
    return _flatten_any_depth(tree, [], is_leaf)


def _unflatten(td: PyTreeDef, it: Iterator[Any]) -> Any:
    kind = td._kind
    if kind is None:
        return next(it)
    children = tuple([next(it) if c._kind is None else _unflatten(c, it) for c in td._children])
    tag = kind.tag
    if tag == _TUPLE:
        return children
    if tag == _LIST:
        return list(children)
    return kind.unflatten(td._aux, children)


def _unflatten_deep(root: PyTreeDef, it: Iterator[Any]) -> Any:
    """``_unflatten`` with an explicit stack, for structures nested too deep to recurse."""
    done: list[Any] = []  # finished children, in order, awaiting their parent
    stack: list[tuple[PyTreeDef, bool]] = [(root, False)]
    while stack:
        td, expanded = stack.pop()
        kind = td._kind
        if kind is None:
            done.append(next(it))
        elif expanded or not td._children:
            n = len(td._children)
            children = tuple(done[len(done) - n :])
            del done[len(done) - n :]
            tag = kind.tag
            if tag == _TUPLE:
                done.append(children)
            elif tag == _LIST:
                done.append(list(children))
            else:
                done.append(kind.unflatten(td._aux, children))
        else:
            stack.append((td, True))
            stack.extend([(c, False) for c in reversed(td._children)])
    return done[0]


def unflattener(treedef: PyTreeDef) -> Callable[[Sequence[Any]], Any]:
    """``tree_unflatten`` for one structure, made into a single expression once (a caller
    that rebuilds the same structure on every call, as ``jit`` does its outputs, then pays
    one call instead of a walk). It takes exactly ``treedef.num_leaves`` leaves, unchecked.
    Structures too large or deep for one expression get the general walk."""
    if treedef._num_leaves > 256 or not _shallow(treedef, 32):
        return lambda leaves: tree_unflatten(treedef, leaves)
    consts: list[Any] = []
    count = iter(range(treedef._num_leaves))

    def expr(td: PyTreeDef) -> str:
        kind = td._kind
        if kind is None:
            return f"l[{next(count)}]"
        parts = "".join(f"{expr(c)}, " for c in td._children)
        if kind.tag == _TUPLE:
            return f"({parts})"
        if kind.tag == _LIST:
            return f"[{parts}]"
        consts.append((kind.unflatten, td._aux))
        k = len(consts) - 1
        return f"c[{k}][0](c[{k}][1], ({parts}))"

    fn: Callable[[Sequence[Any]], Any] = eval(f"lambda l: {expr(treedef)}", {"c": consts})
    return fn


def _shallow(td: PyTreeDef, depth: int) -> bool:
    """Whether ``td`` nests at most ``depth`` levels (looked at no deeper than that)."""
    return depth > 0 and all(_shallow(c, depth - 1) for c in td._children)


def tree_unflatten(treedef: PyTreeDef, leaves: Iterable[Any]) -> PyTree:
    """Rebuild a tree with structure ``treedef`` from ``leaves`` (inverse of flatten).

    Args:
        treedef: The structure, from ``tree_flatten`` or ``tree_structure``.
        leaves: One leaf per leaf position of ``treedef``, in flatten order.

    Returns:
        The rebuilt pytree.

    Raises:
        ValueError: The number of leaves does not match ``treedef``.

    Examples:
        >>> treedef = fad.tree.structure({"a": 0, "b": 0})
        >>> fad.tree.unflatten(treedef, [1, 2])
        {'a': 1, 'b': 2}
    """
    if not isinstance(leaves, list | tuple):
        leaves = list(leaves)
    n = len(leaves)
    expected = treedef._num_leaves
    if n != expected:
        which = "few" if n < expected else "many"
        raise ValueError(
            f"Too {which} leaves for {treedef!r}: expected {expected} leaves, got {n}."
        )
    if treedef._kind is None:
        return leaves[0]
    try:
        return _unflatten(treedef, iter(leaves))
    except RecursionError:
        return _unflatten_deep(treedef, iter(leaves))


# ----------------------------------------------------------------------------------------
# Prefix matching
# ----------------------------------------------------------------------------------------


class _Mismatch(Exception):
    """Internal: a structure mismatch; the path is prepended while the stack unwinds."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail
        self.path: list[str] = []

    def where(self, root: str) -> str:
        return root + "".join(reversed(self.path))


def _path_entry(td: PyTreeDef, i: int) -> str:
    kind = td._kind
    assert kind is not None
    tag = kind.tag
    if tag == _DICT or tag == _ORDEREDDICT:
        return f"[{td._aux[i]!r}]"
    if tag == _DEFAULTDICT:
        return f"[{td._aux[1][i]!r}]"
    if tag == _NAMEDTUPLE:
        return f".{kind.type._fields[i]}"
    if tag == _CUSTOM:
        return f"<{kind.type.__name__} child {i}>"
    return f"[{i}]"


def _describe(kind: _NodeKind | None, aux: Any, n: int) -> str:
    if kind is None:
        return "a leaf"
    tag = kind.tag
    if tag == _NONE:
        return "None"
    if tag == _DICT or tag == _ORDEREDDICT:
        return f"{kind.type.__name__} with keys {list(aux)!r}"
    if tag == _DEFAULTDICT:
        return f"defaultdict with keys {list(aux[1])!r}"
    if tag == _CUSTOM:
        return f"{kind.type.__name__} with aux data {aux!r} and {n} children"
    return f"{kind.type.__name__} of length {n}"


def _flatten_up_to(td: PyTreeDef, x: Any, out: list[Any]) -> None:
    kind = td._kind
    if kind is None:
        out.append(x)
        return
    children = _children_up_to(td, kind, x)
    for i, (c, sub) in enumerate(zip(td._children, children, strict=True)):
        if c._kind is None:
            out.append(sub)
            continue
        try:
            _flatten_up_to(c, sub, out)
        except _Mismatch as e:
            e.path.append(_path_entry(td, i))
            raise


def _children_up_to(td: PyTreeDef, kind: _NodeKind, x: Any) -> Sequence[Any]:
    """The children of ``x`` matching node ``td`` (of kind ``kind``); _Mismatch if none."""
    tag = kind.tag
    n = len(td._children)
    if type(x) is not kind.type:
        xkind = _kind_of(x)
        got = f"{type(x).__name__} (a leaf)" if xkind is None else type(x).__name__
        if x is None:
            got = "None"
        raise _Mismatch(f"expected {_describe(kind, td._aux, n)}, got {got}")
    children: Sequence[Any]
    if tag == _NONE:
        return ()
    if tag <= _LIST or tag == _NAMEDTUPLE:
        children = x
        if len(children) != n:
            raise _Mismatch(
                f"expected {_describe(kind, None, n)}, got {type(x).__name__} "
                f"of length {len(children)}"
            )
    elif tag == _DICT or tag == _ORDEREDDICT or tag == _DEFAULTDICT:
        keys = td._aux[1] if tag == _DEFAULTDICT else td._aux
        if len(x) != n or builtins.any(k not in x for k in keys):
            raise _Mismatch(
                f"expected {_describe(kind, td._aux, n)}, got {type(x).__name__} "
                f"with keys {list(_sorted_keys(x))!r}"
            )
        if tag == _ORDEREDDICT and tuple(x) != keys:
            raise _Mismatch(f"expected OrderedDict with keys {list(keys)!r}, got keys {list(x)!r}")
        children = [x[k] for k in keys]
    else:
        raw, aux = kind.flatten(x)
        children = tuple(raw)
        if len(children) != n or not _aux_equal(aux, td._aux):
            raise _Mismatch(
                f"expected {_describe(kind, td._aux, n)}, got {_describe(kind, aux, len(children))}"
            )
    return children


def _flatten_up_to_deep(root: PyTreeDef, x: Any, out: list[Any]) -> None:
    """``_flatten_up_to`` with an explicit stack, for structures too deep to recurse."""
    # Open nodes: treedef, the matching children of the value, the next child's index.
    stack: list[tuple[PyTreeDef, Sequence[Any], int]] = []
    td = root
    while True:
        kind = td._kind
        if kind is None:
            out.append(x)
        else:
            try:
                stack.append((td, _children_up_to(td, kind, x), 0))
            except _Mismatch as e:
                e.path.extend([_path_entry(p, i - 1) for p, _, i in reversed(stack)])
                raise
        while stack:
            ptd, children, i = stack[-1]
            if i < len(children):
                stack[-1] = (ptd, children, i + 1)
                td, x = ptd._children[i], children[i]
                break
            stack.pop()
        else:
            return


def _flatten_up_to_any_depth(td: PyTreeDef, x: Any, out: list[Any]) -> None:
    start = len(out)
    try:
        _flatten_up_to(td, x, out)
    except RecursionError:
        del out[start:]
        _flatten_up_to_deep(td, x, out)


def _safe_structure(tree: PyTree) -> PyTreeDef | str:
    try:
        return tree_structure(tree)
    except Exception as e:  # only used inside error messages; never mask the real error
        return f"<unflattenable: {e}>"


def _broadcast_defs(
    prefix: PyTreeDef, full: PyTreeDef, pleaves: Iterator[Any], out: list[Any]
) -> None:
    """Walk two treedefs together, repeating each prefix leaf over its full subtree."""
    pkind = prefix._kind
    if pkind is None:
        leaf = next(pleaves)
        out.extend([leaf] * full._num_leaves)
        return
    fkind = full._kind
    n = len(prefix._children)
    if pkind is not fkind or len(full._children) != n or not _aux_equal(prefix._aux, full._aux):
        fdesc = _describe(fkind, full._aux, len(full._children))
        raise _Mismatch(f"prefix has {_describe(pkind, prefix._aux, n)}, value has {fdesc}")
    for i, (pc, fc) in enumerate(zip(prefix._children, full._children, strict=True)):
        if pc._kind is None:
            out.extend([next(pleaves)] * fc._num_leaves)
            continue
        try:
            _broadcast_defs(pc, fc, pleaves, out)
        except _Mismatch as e:
            e.path.append(_path_entry(prefix, i))
            raise


def _none_is_leaf(x: Any) -> bool:
    return x is None


def prefix_broadcast(
    prefix_tree: PyTree, full_tree: PyTree, name: str, *, is_leaf: IsLeaf = None
) -> list[Any]:
    """One prefix leaf per leaf of ``full_tree`` (e.g. vmap's ``in_axes`` per argument leaf).

    ``prefix_tree`` must be a tree prefix of ``full_tree``; each of its leaves applies to
    every leaf of the matching subtree.  ``None`` in the prefix is a leaf (meaning
    "not mapped" for in_axes), as in JAX.  ``is_leaf`` applies to ``full_tree``.
    Raises ``ValueError`` naming ``name`` and both structures on a mismatch.
    """
    pleaves, pdef = tree_flatten(prefix_tree, _none_is_leaf)
    fdef = tree_structure(full_tree, is_leaf)
    if pdef._kind is None:  # fast path: one spec for everything (in_axes=0)
        return [pleaves[0]] * fdef._num_leaves
    out: list[Any] = []
    try:
        _broadcast_defs(pdef, fdef, iter(pleaves), out)
    except _Mismatch as e:
        raise ValueError(
            f"{name} specification must be a tree prefix of the corresponding value; "
            f"mismatch at {e.where(name)}: {e.detail}. "
            f"Got {name} = {pdef!r} for a value with structure {fdef!r}."
        ) from None
    return out


# ----------------------------------------------------------------------------------------
# map / reduce / all / transpose
# ----------------------------------------------------------------------------------------


def tree_map(f: Callable[..., Any], tree: PyTree, *rest: PyTree, is_leaf: IsLeaf = None) -> PyTree:
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
    leaves, treedef = tree_flatten(tree, is_leaf)
    if not rest:
        return tree_unflatten(treedef, [f(x) for x in leaves])
    all_leaves = [leaves]
    for i, r in enumerate(rest):
        out: list[Any] = []
        try:
            _flatten_up_to_any_depth(treedef, r, out)
        except _Mismatch as e:
            raise ValueError(
                f"tree_map: tree structures do not match; at {e.where(f'rest[{i}]')}: "
                f"{e.detail}. First tree has structure {treedef!r}, "
                f"rest[{i}] has structure {_safe_structure(r)!r}."
            ) from None
        all_leaves.append(out)
    return tree_unflatten(treedef, [f(*xs) for xs in zip(*all_leaves, strict=True)])


class _NoInitializer:
    """Sentinel type so ``tree_reduce`` can tell 'no initializer' from ``None``."""


_NO_INIT: Final = _NoInitializer()


@overload
def tree_reduce(
    function: Callable[[T, Any], T], tree: PyTree, initializer: T, is_leaf: IsLeaf = None
) -> T: ...
@overload
def tree_reduce(function: Callable[[Any, Any], Any], tree: PyTree) -> Any: ...
def tree_reduce(
    function: Callable[[Any, Any], Any],
    tree: PyTree,
    initializer: Any = _NO_INIT,
    is_leaf: IsLeaf = None,
) -> Any:
    """``functools.reduce`` over the leaves of ``tree``.

    Args:
        function: A two-argument function ``(accumulated, leaf) -> accumulated``.
        tree: A pytree.
        initializer: The starting value (default: the first leaf).
        is_leaf: Optional predicate marking extra leaves.

    Returns:
        The reduced value.

    Raises:
        TypeError: The tree has no leaves and there is no ``initializer``.

    Examples:
        >>> fad.tree.reduce(lambda acc, x: acc + x, [1, (2, 3)], 0)
        6
    """
    leaves = tree_leaves(tree, is_leaf)
    if initializer is _NO_INIT:
        return functools.reduce(function, leaves)
    return functools.reduce(function, leaves, initializer)


def tree_all(tree: PyTree, is_leaf: IsLeaf = None) -> bool:
    """True when every leaf is truthy (vacuously True for a tree without leaves).

    Args:
        tree: A pytree.
        is_leaf: Optional predicate marking extra leaves.

    Returns:
        ``all(leaves)``.

    Examples:
        >>> fad.tree.all({"a": True, "b": [1, 2]}), fad.tree.all([True, 0])
        (True, False)
    """
    return builtins.all(tree_leaves(tree, is_leaf))


def tree_transpose(
    outer_treedef: PyTreeDef, inner_treedef: PyTreeDef | None, pytree_to_transpose: PyTree
) -> PyTree:
    """Turn an outer-of-inner tree into an inner-of-outer tree.

    E.g. a list of ``(a, b)`` pairs into a pair of lists.  ``inner_treedef=None`` infers
    the inner structure from the first outer subtree.

    Args:
        outer_treedef: The outer structure.
        inner_treedef: The structure of each outer subtree, or ``None`` to infer it.
        pytree_to_transpose: A tree of structure ``outer_treedef`` whose subtrees have
            structure ``inner_treedef``.

    Returns:
        The transposed tree.

    Raises:
        ValueError: The tree does not have the given structures, or the inner structure
            cannot be inferred from an empty tree.

    Examples:
        >>> pairs = [(1, "a"), (2, "b")]
        >>> outer = fad.tree.structure([0, 0])
        >>> fad.tree.transpose(outer, None, pairs)
        ([1, 2], ['a', 'b'])
    """
    subtrees = outer_treedef.flatten_up_to(pytree_to_transpose)
    if inner_treedef is None:
        if not subtrees:
            raise ValueError("tree_transpose: cannot infer inner_treedef from an empty tree")
        inner_treedef = tree_structure(subtrees[0])
    rows = [inner_treedef.flatten_up_to(s) for s in subtrees]
    columns = [
        tree_unflatten(outer_treedef, [row[j] for row in rows])
        for j in range(inner_treedef._num_leaves)
    ]
    return tree_unflatten(inner_treedef, columns)


# ----------------------------------------------------------------------------------------
# Registration
# ----------------------------------------------------------------------------------------


def register_node(
    nodetype: type[T],
    flatten_fn: Callable[[T], tuple[Iterable[Any], AuxT]],
    unflatten_fn: Callable[[AuxT, tuple[Any, ...]], T],
) -> None:
    """Make ``nodetype`` a pytree node.

    ``flatten_fn(x) -> (children, aux_data)``; ``aux_data`` must be hashable and
    comparable, since it becomes part of the (cache-key) treedef.
    ``unflatten_fn(aux_data, children) -> x`` receives children as a tuple.
    Only exact instances of ``nodetype`` are nodes; subclasses need their own registration.

    Args:
        nodetype: The class to register.
        flatten_fn: Splits an instance into children and hashable auxiliary data.
        unflatten_fn: Rebuilds an instance from the auxiliary data and the children.

    Raises:
        TypeError: ``nodetype`` is not a class.
        ValueError: ``nodetype`` is already registered.

    Examples:
        >>> class Pair:
        ...     def __init__(self, a, b):
        ...         self.a, self.b = a, b
        >>> fad.tree.register_node(Pair, lambda p: ((p.a, p.b), None), lambda _, c: Pair(*c))
        >>> fad.tree.leaves([Pair(1, 2), 3])
        [1, 2, 3]
    """
    if not isinstance(nodetype, type):
        raise TypeError(f"register_node expects a class, got {nodetype!r}")
    if nodetype in _registry:
        raise ValueError(f"Duplicate pytree node registration for {nodetype.__qualname__}.")
    _registry[nodetype] = _NodeKind(nodetype, _CUSTOM, flatten_fn, unflatten_fn)


def register_pytree_node_class(cls: type[T]) -> type[T]:
    """Register ``cls`` as a pytree node through its own ``tree_flatten()`` method (returning
    ``(children, aux_data)``) and ``tree_unflatten(aux_data, children)`` classmethod; a
    class decorator, returning ``cls``.

    Examples:
        >>> @fad.tree_util.register_pytree_node_class
        ... class Box:
        ...     def __init__(self, v):
        ...         self.v = v
        ...     def tree_flatten(self):
        ...         return (self.v,), None
        ...     @classmethod
        ...     def tree_unflatten(cls, aux, children):
        ...         return cls(*children)
        >>> fad.tree.leaves([Box(1), Box(2)])
        [1, 2]
    """
    for attr in ("tree_flatten", "tree_unflatten"):
        if not callable(getattr(cls, attr, None)):
            raise TypeError(f"register_pytree_node_class: {cls.__name__} has no {attr} method")
    register_node(cls, lambda x: x.tree_flatten(), cls.tree_unflatten)  # type: ignore[attr-defined]
    return cls


@overload
def register_dataclass(
    nodetype: type[T],
    data_fields: Sequence[str] | None = None,
    meta_fields: Sequence[str] | None = None,
) -> type[T]: ...
@overload
def register_dataclass(
    nodetype: None = None,
    data_fields: Sequence[str] | None = None,
    meta_fields: Sequence[str] | None = None,
) -> Callable[[type[T]], type[T]]: ...
def register_dataclass(
    nodetype: type[T] | None = None,
    data_fields: Sequence[str] | None = None,
    meta_fields: Sequence[str] | None = None,
) -> type[T] | Callable[[type[T]], type[T]]:
    """Register a class whose ``data_fields`` are children and ``meta_fields`` aux data.

    Usable as ``@register_dataclass`` on a dataclass: fields with
    ``metadata={"static": True}`` become meta fields, other ``init`` fields data fields.
    On a dataclass, an omitted list is the remaining ``init`` fields, and the two lists
    must partition them.  Returns the class, so it also works as a decorator (with or
    without keyword arguments).  Rebuilding calls ``nodetype(**fields)``.

    Args:
        nodetype: The class (omit it to get a decorator).
        data_fields: Names of the fields that are children (leaves or subtrees).
        meta_fields: Names of the fields kept in the structure (hashable values).

    Returns:
        ``nodetype``, or a decorator when ``nodetype`` is omitted.

    Raises:
        TypeError: The class is not a dataclass and the field lists are missing.
        ValueError: The field lists do not partition the dataclass's ``init`` fields, or
            the class is already registered.

    Examples:
        >>> import dataclasses
        >>> @fad.tree.register_dataclass
        ... @dataclasses.dataclass
        ... class Point:
        ...     x: float
        ...     y: float
        ...     label: str = dataclasses.field(default="p", metadata={"static": True})
        >>> fad.tree.leaves(Point(1.0, 2.0))
        [1.0, 2.0]
    """
    if nodetype is None:

        def decorate(cls: type[T]) -> type[T]:
            return register_dataclass(cls, data_fields, meta_fields)

        return decorate

    data, meta = _dataclass_fields(nodetype, data_fields, meta_fields)

    def flatten(x: T) -> tuple[list[Any], tuple[Any, ...]]:
        return [getattr(x, n) for n in data], tuple([getattr(x, n) for n in meta])

    def unflatten(aux: tuple[Any, ...], children: tuple[Any, ...]) -> T:
        kwargs = dict(zip(meta, aux, strict=True))
        kwargs.update(zip(data, children, strict=True))
        return nodetype(**kwargs)

    register_node(nodetype, flatten, unflatten)
    return nodetype


def _dataclass_fields(
    cls: type, data_fields: Sequence[str] | None, meta_fields: Sequence[str] | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Resolve and validate the (data, meta) field names for ``register_dataclass``."""
    if isinstance(data_fields, str) or isinstance(meta_fields, str):
        raise TypeError("register_dataclass: field lists must be sequences of names, not str")
    if not dataclasses.is_dataclass(cls):
        if data_fields is None or meta_fields is None:
            raise TypeError(
                f"register_dataclass: {cls.__qualname__} is not a dataclass, so both "
                "data_fields and meta_fields must be given"
            )
        return tuple(data_fields), tuple(meta_fields)
    fields = [f for f in dataclasses.fields(cls) if f.init]
    names = [f.name for f in fields]
    if data_fields is None and meta_fields is None:
        data = tuple(f.name for f in fields if not f.metadata.get("static", False))
        meta = tuple(f.name for f in fields if f.metadata.get("static", False))
        return data, meta
    if data_fields is None:
        assert meta_fields is not None
        data = tuple(n for n in names if n not in meta_fields)
        meta = tuple(meta_fields)
    elif meta_fields is None:
        data = tuple(data_fields)
        meta = tuple(n for n in names if n not in data_fields)
    else:
        data, meta = tuple(data_fields), tuple(meta_fields)
    overlap = set(data) & set(meta)
    if overlap:
        raise ValueError(
            f"register_dataclass: fields {sorted(overlap)} are both data and meta fields"
        )
    if set(data) | set(meta) != set(names) or len(data) + len(meta) != len(names):
        raise ValueError(
            f"register_dataclass: data_fields {list(data)} and meta_fields {list(meta)} "
            f"must partition the init fields {names} of {cls.__qualname__}"
        )
    return data, meta
