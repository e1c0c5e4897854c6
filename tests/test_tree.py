"""Tests for fad's pytree utilities (fad.tree, fad.tree_util, fad._src.tree_util)."""

from __future__ import annotations

import collections
import copy
import dataclasses
import operator
import pickle
from typing import Any, NamedTuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fad.tree as tree
import fad.tree_util as jtu
from fad._src import tree_util as impl
from fad._src.tree_util import PyTreeDef, prefix_broadcast

# --------------------------------------------------------------------------------------
# Fixtures: a namedtuple, a registered custom node and registered dataclasses
# --------------------------------------------------------------------------------------


class Point(NamedTuple):
    x: Any
    y: Any


class Box:
    """A custom node with two children and hashable aux data (a label)."""

    def __init__(self, a: Any, b: Any, label: str = "box") -> None:
        self.a = a
        self.b = b
        self.label = label

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Box)
            and self.label == other.label
            and strict_eq(self.a, other.a)
            and strict_eq(self.b, other.b)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Box({self.a!r}, {self.b!r}, {self.label!r})"


def _box_flatten(b: Box) -> tuple[list[Any], str]:
    return [b.a, b.b], b.label


def _box_unflatten(label: str, children: tuple[Any, ...]) -> Box:
    a, b = children
    return Box(a, b, label)


tree.register_node(Box, _box_flatten, _box_unflatten)


@tree.register_dataclass
@dataclasses.dataclass
class Params:
    w: Any
    b: Any
    name: str = dataclasses.field(default="p", metadata={"static": True})


@tree.register_dataclass(meta_fields=["n"])
@dataclasses.dataclass(frozen=True)
class Frozen:
    v: Any
    n: int


class Plain:
    """Not a dataclass: registered with explicit field lists."""

    def __init__(self, u: Any, tag: str) -> None:
        self.u = u
        self.tag = tag


tree.register_dataclass(Plain, data_fields=["u"], meta_fields=["tag"])


def strict_eq(a: Any, b: Any) -> bool:
    """Equality that also requires identical container types all the way down."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return bool(np.array_equal(a, b))
    if isinstance(a, dict):
        # Plain dicts come back in sorted-key order; only OrderedDict order is significant.
        same_keys = (
            list(a) == list(b) if isinstance(a, collections.OrderedDict) else a.keys() == b.keys()
        )
        return same_keys and all(strict_eq(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(strict_eq(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Params):
        return a.name == b.name and strict_eq(a.w, b.w) and strict_eq(a.b, b.b)
    return bool(a == b)


# --------------------------------------------------------------------------------------
# Leaves and containers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "leaf", [1, 2.5, "s", b"b", True, 1j, np.float32(1.0), np.zeros(3), object(), Ellipsis]
)
def test_non_containers_are_leaves(leaf: Any) -> None:
    leaves, td = tree.flatten(leaf)
    assert leaves == [leaf] or leaves[0] is leaf
    assert td.num_leaves == 1
    assert td.is_leaf()
    assert repr(td) == "PyTreeDef(*)"
    assert tree.unflatten(td, [leaf]) is leaf


def test_unregistered_subclasses_are_leaves() -> None:
    class MyList(list[int]):
        pass

    class MyDict(dict[str, int]):
        pass

    ml, md = MyList([1, 2]), MyDict(a=1)
    assert tree.leaves([ml, md]) == [ml, md]


def test_tuple_list_roundtrip_and_order() -> None:
    t: tuple[Any, ...] = (1, [2, 3], (4,), [])
    leaves, td = tree.flatten(t)
    assert leaves == [1, 2, 3, 4]
    assert strict_eq(tree.unflatten(td, leaves), t)
    assert repr(td) == "PyTreeDef((*, [*, *], (*,), []))"


def test_dict_children_in_sorted_key_order() -> None:
    d = {"b": 1, "a": 2, "c": {"z": 3, "y": 4}}
    assert tree.leaves(d) == [2, 1, 4, 3]
    out = tree.unflatten(tree.structure(d), ["A", "B", "Y", "Z"])
    assert out == {"a": "A", "b": "B", "c": {"y": "Y", "z": "Z"}}
    assert list(out) == ["a", "b", "c"]  # rebuilt in sorted order, as JAX
    assert type(out) is dict


def test_dict_structure_independent_of_insertion_order() -> None:
    assert tree.structure({"a": 1, "b": 2}) == tree.structure({"b": 1, "a": 2})
    assert hash(tree.structure({"a": 1, "b": 2})) == hash(tree.structure({"b": 1, "a": 2}))


def test_dict_with_unsortable_mixed_keys() -> None:
    d1 = {1: "one", "a": "A", 2: "two"}
    d2 = {"a": "A", 2: "two", 1: "one"}
    leaves1, td1 = tree.flatten(d1)
    leaves2, td2 = tree.flatten(d2)
    # Ordered by type name, then value: deterministic regardless of insertion order.
    assert leaves1 == leaves2 == ["one", "two", "A"]
    assert td1 == td2
    assert tree.unflatten(td1, leaves1) == d1
    assert tree.map(lambda x, y: x + y, d1, d2) == {1: "oneone", 2: "twotwo", "a": "AA"}


def test_dict_with_keys_unorderable_within_a_type() -> None:
    k1, k2 = (1, "x"), ("y", 2)  # tuples of the same type that cannot be compared
    d = {k1: 1, k2: 2}
    leaves, td = tree.flatten(d)
    assert leaves == [1, 2]  # insertion order fallback
    assert tree.unflatten(td, leaves) == d


def test_none_is_an_empty_node_not_a_leaf() -> None:
    assert tree.leaves(None) == []
    assert tree.leaves([None, 1, (None,)]) == [1]
    td = tree.structure(None)
    assert td.num_leaves == 0
    assert td.num_nodes == 1
    assert not td.is_leaf()
    assert repr(td) == "PyTreeDef(None)"
    assert tree.unflatten(td, []) is None
    assert tree.map(lambda x: x + 1, (None, 1)) == (None, 2)
    assert tree.structure(None) != tree.structure(1)


def test_namedtuple_type_preserved() -> None:
    p = Point(1, [2, Point(3, 4)])
    leaves, td = tree.flatten(p)
    assert leaves == [1, 2, 3, 4]
    out = tree.unflatten(td, leaves)
    assert strict_eq(out, p)
    assert type(out[1][1]) is Point
    assert repr(td) == "PyTreeDef(Point(x=*, y=[*, Point(x=*, y=*)]))"
    assert tree.structure(Point(1, 2)) != tree.structure((1, 2))
    assert tree.map(lambda v: v * 10, Point(1, 2)) == Point(10, 20)


def test_two_namedtuple_classes_with_same_fields_differ() -> None:
    Other = collections.namedtuple("Other", ["x", "y"])
    assert tree.structure(Point(1, 2)) != tree.structure(Other(1, 2))


def test_ordereddict_keeps_insertion_order() -> None:
    od = collections.OrderedDict([("b", 1), ("a", 2)])
    leaves, td = tree.flatten(od)
    assert leaves == [1, 2]
    out = tree.unflatten(td, ["x", "y"])
    assert type(out) is collections.OrderedDict
    assert list(out.items()) == [("b", "x"), ("a", "y")]
    assert repr(td) == "PyTreeDef(OrderedDict({'b': *, 'a': *}))"
    assert td != tree.structure({"b": 1, "a": 2})
    assert td != tree.structure(collections.OrderedDict([("a", 1), ("b", 2)]))


def test_defaultdict_keeps_factory() -> None:
    dd: collections.defaultdict[str, Any] = collections.defaultdict(list, {"b": 1, "a": 2})
    leaves, td = tree.flatten(dd)
    assert leaves == [2, 1]
    out = tree.unflatten(td, leaves)
    assert type(out) is collections.defaultdict
    assert out.default_factory is list
    assert out == dd
    assert td != tree.structure(collections.defaultdict(dict, {"b": 1, "a": 2}))
    assert "defaultdict(<class 'list'>" in repr(td)


def test_is_leaf_stops_descent() -> None:
    t = {"a": (1, 2), "b": [3, (4, 5)]}
    leaves, td = tree.flatten(t, is_leaf=lambda x: isinstance(x, tuple))
    assert leaves == [(1, 2), 3, (4, 5)]
    assert tree.unflatten(td, leaves) == t
    assert tree.leaves([None, 1], is_leaf=lambda x: x is None) == [None, 1]
    # is_leaf applies to the root too.
    assert tree.leaves((1, 2), is_leaf=lambda x: isinstance(x, tuple)) == [(1, 2)]


def test_arrays_are_leaves_and_kept_by_identity() -> None:
    a, b = np.ones(3), np.zeros((2, 2))
    leaves, td = tree.flatten({"a": a, "b": [b]})
    assert leaves[0] is a and leaves[1] is b
    assert tree.unflatten(td, leaves)["b"][0] is b


# --------------------------------------------------------------------------------------
# Registered nodes and dataclasses
# --------------------------------------------------------------------------------------


def test_custom_node_roundtrip_and_repr() -> None:
    bx = Box(1, (2, 3), "lbl")
    leaves, td = tree.flatten(bx)
    assert leaves == [1, 2, 3]
    assert tree.unflatten(td, leaves) == bx
    assert repr(td) == "PyTreeDef(CustomNode(Box['lbl'], [*, (*, *)]))"
    assert td.node_data() == (Box, "lbl")
    assert td.children() == [tree.structure(1), tree.structure((1, 2))]


def test_custom_node_aux_data_is_part_of_structure() -> None:
    assert tree.structure(Box(1, 2, "a")) != tree.structure(Box(1, 2, "b"))
    assert tree.structure(Box(1, 2, "a")) == tree.structure(Box(3, 4, "a"))
    with pytest.raises(ValueError, match="aux data 'a'"):
        tree.map(operator.add, Box(1, 2, "a"), Box(1, 2, "b"))


def test_duplicate_registration_raises() -> None:
    with pytest.raises(ValueError, match=r"Duplicate.*Box"):
        tree.register_node(Box, _box_flatten, _box_unflatten)
    with pytest.raises(ValueError, match="Duplicate"):
        tree.register_node(list, lambda x: (x, None), lambda a, c: list(c))


def test_register_node_rejects_non_class() -> None:
    with pytest.raises(TypeError, match="class"):
        tree.register_node(3, _box_flatten, _box_unflatten)  # type: ignore[arg-type]


def test_subclass_of_registered_node_is_a_leaf() -> None:
    class SubBox(Box):
        pass

    sb = SubBox(1, 2)
    assert tree.leaves(sb) == [sb]


def test_register_node_with_generic_iterable_children() -> None:
    class Pair:
        def __init__(self, items: list[Any]) -> None:
            self.items = items

    def flat(p: Pair) -> tuple[Any, int]:
        return iter(p.items), len(p.items)  # children may be any iterable

    def unflat(n: int, children: tuple[Any, ...]) -> Pair:
        assert len(children) == n
        return Pair(list(children))

    tree.register_node(Pair, flat, unflat)
    out = tree.map(lambda v: -v, Pair([1, 2, 3]))
    assert isinstance(out, Pair) and out.items == [-1, -2, -3]
    assert tree.structure(Pair([1, 2])).num_leaves == 2


def test_register_dataclass_decorator_static_metadata() -> None:
    p = Params(w=np.ones(2), b=3.0, name="layer")
    leaves, td = tree.flatten(p)
    assert len(leaves) == 2 and leaves[1] == 3.0
    out = tree.unflatten(td, leaves)
    assert isinstance(out, Params) and out.name == "layer" and out.b == 3.0
    assert repr(td) == "PyTreeDef(CustomNode(Params[('layer',)], [*, *]))"
    assert tree.structure(Params(1, 2, "x")) != tree.structure(Params(1, 2, "y"))
    doubled = tree.map(lambda v: v * 2, Params(1, 2, "z"))
    assert doubled == Params(2, 4, "z")


def test_register_dataclass_keyword_decorator_and_frozen() -> None:
    f = Frozen(v=[1, 2], n=7)
    leaves, td = tree.flatten(f)
    assert leaves == [1, 2]
    assert tree.unflatten(td, [3, 4]) == Frozen(v=[3, 4], n=7)


def test_register_dataclass_non_dataclass_explicit_fields() -> None:
    leaves, td = tree.flatten(Plain(u=(1, 2), tag="t"))
    assert leaves == [1, 2]
    out = tree.unflatten(td, [5, 6])
    assert isinstance(out, Plain) and out.u == (5, 6) and out.tag == "t"


def test_register_dataclass_returns_class_and_explicit_lists() -> None:
    @dataclasses.dataclass
    class D:
        a: Any
        b: Any
        c: int

    assert tree.register_dataclass(D, data_fields=["b", "a"], meta_fields=["c"]) is D
    assert tree.leaves(D(1, 2, 3)) == [2, 1]  # data_fields order is flatten order


def test_register_dataclass_skips_non_init_fields() -> None:
    @tree.register_dataclass
    @dataclasses.dataclass
    class D:
        a: Any
        total: int = dataclasses.field(init=False, default=0)

        def __post_init__(self) -> None:
            self.total = 1

    assert tree.leaves(D(5)) == [5]
    assert tree.unflatten(tree.structure(D(5)), [9]).a == 9


def test_register_dataclass_errors() -> None:
    @dataclasses.dataclass
    class D:
        a: Any
        b: Any

    with pytest.raises(ValueError, match="partition"):
        tree.register_dataclass(D, data_fields=["a"], meta_fields=[])
    with pytest.raises(ValueError, match="both data and meta"):
        tree.register_dataclass(D, data_fields=["a", "b"], meta_fields=["a"])
    with pytest.raises(TypeError, match="not str"):
        tree.register_dataclass(D, data_fields="a", meta_fields=["b"])

    class NotDC:
        pass

    with pytest.raises(TypeError, match="not a dataclass"):
        tree.register_dataclass(NotDC)
    # Failed registrations leave the class unregistered.
    assert tree.leaves(D(1, 2)) != [1, 2]


def test_register_dataclass_infers_missing_list() -> None:
    @dataclasses.dataclass
    class D:
        a: Any
        b: Any
        m: str

    tree.register_dataclass(D, meta_fields=["m"])
    assert tree.leaves(D(1, 2, "s")) == [1, 2]
    assert tree.structure(D(1, 2, "s")).node_data() == (D, ("s",))


# --------------------------------------------------------------------------------------
# map / reduce / all / transpose
# --------------------------------------------------------------------------------------


def test_map_single_tree() -> None:
    t = {"a": [1, 2], "b": (3, None)}
    assert tree.map(lambda x: x * 2, t) == {"a": [2, 4], "b": (6, None)}


def test_map_multiple_trees() -> None:
    t1 = {"a": [1, 2], "b": Point(3, 4)}
    t2 = {"b": Point(30, 40), "a": [10, 20]}
    t3 = {"a": [100, 200], "b": Point(300, 400)}
    out = tree.map(lambda x, y, z: x + y + z, t1, t2, t3)
    assert out == {"a": [111, 222], "b": Point(333, 444)}
    assert type(out["b"]) is Point


def test_map_rest_may_have_more_structure_below_leaves() -> None:
    t = {"a": 1, "b": 2}
    rest = {"a": (10, 20), "b": [30, {"c": 40}]}
    seen: list[Any] = []

    def f(x: int, y: Any) -> int:
        seen.append(y)
        return x

    assert tree.map(f, t, rest) == t
    assert seen == [(10, 20), [30, {"c": 40}]]
    # A leaf in the first tree also matches None in the rest.
    assert tree.map(lambda x, y: y, (1, 2), (None, 3)) == (None, 3)


def test_map_with_is_leaf() -> None:
    t = [(1, 2), (3, 4)]
    out = tree.map(lambda p: p[0] + p[1], t, is_leaf=lambda x: isinstance(x, tuple))
    assert out == [3, 7]
    out2 = tree.map(lambda p, q: (p, q), t, ["a", "b"], is_leaf=lambda x: isinstance(x, tuple))
    assert out2 == [((1, 2), "a"), ((3, 4), "b")]


def test_map_structure_mismatch_names_both_structures() -> None:
    with pytest.raises(ValueError) as ei:
        tree.map(operator.add, (1, [2, 3]), (1, [2]))
    msg = str(ei.value)
    assert "PyTreeDef((*, [*, *]))" in msg
    assert "PyTreeDef((*, [*]))" in msg
    assert "rest[0][1]" in msg


@pytest.mark.parametrize(
    ("first", "second", "fragment"),
    [
        ((1, 2), [1, 2], "expected tuple of length 2, got list"),
        ({"a": 1}, {"b": 1}, "keys ['a']"),
        ({"a": 1}, {"a": 1, "b": 2}, "keys ['a', 'b']"),
        ((None,), (1,), "expected None, got int"),
        ((1, (2,)), (1, 3), "(a leaf)"),
        (Point(1, 2), (1, 2), "expected Point"),
        ({"p": [Point(1, 2)]}, {"p": [Point(1, (2, 3, 4))]}, None),
    ],
)
def test_map_mismatch_cases(first: Any, second: Any, fragment: str | None) -> None:
    if fragment is None:  # second has more structure below a leaf: allowed
        tree.map(lambda x, y: x, first, second)
        return
    with pytest.raises(ValueError, match="do not match") as ei:
        tree.map(lambda x, y: x, first, second)
    assert fragment in str(ei.value)
    assert repr(tree.structure(first)) in str(ei.value)


def test_map_mismatch_in_second_rest_tree_is_named() -> None:
    with pytest.raises(ValueError, match=r"rest\[1\]"):
        tree.map(lambda x, y, z: x, [1], [2], [3, 4])


def test_map_ordereddict_key_order_must_match() -> None:
    a = collections.OrderedDict([("a", 1), ("b", 2)])
    b = collections.OrderedDict([("b", 1), ("a", 2)])
    with pytest.raises(ValueError, match="OrderedDict"):
        tree.map(operator.add, a, b)


def test_reduce() -> None:
    t = {"a": [1, 2], "b": (3, None)}
    assert tree.reduce(operator.add, t) == 6
    assert tree.reduce(operator.add, t, 10) == 16
    assert tree.reduce(lambda acc, x: [*acc, x], t, []) == [1, 2, 3]

    # ``None`` is a genuine initializer, not "missing".
    def first(acc: int | None, x: int) -> int | None:
        return x if acc is None else acc

    assert tree.reduce(first, [5, 6], None) == 5
    with pytest.raises(TypeError):
        tree.reduce(operator.add, [])
    assert tree.reduce(operator.add, ((1, 2),), 0, is_leaf=lambda x: isinstance(x, int)) == 3


def test_all() -> None:
    assert tree.all({"a": [True, 1], "b": (None, "x")})
    assert not tree.all([True, (0,)])
    assert tree.all(None)
    assert tree.all([])
    assert not tree.all([[], 1], is_leaf=lambda x: x == [])


def test_transpose() -> None:
    outer = tree.structure([0, 0, 0])
    inner = tree.structure((0, 0))
    t = [(1, "a"), (2, "b"), (3, "c")]
    assert tree.transpose(outer, inner, t) == ([1, 2, 3], ["a", "b", "c"])
    assert tree.transpose(outer, None, t) == ([1, 2, 3], ["a", "b", "c"])
    with pytest.raises(ValueError):
        tree.transpose(outer, inner, [(1, 2), (3, 4), (5,)])
    with pytest.raises(ValueError, match="empty"):
        tree.transpose(tree.structure([]), None, [])


# --------------------------------------------------------------------------------------
# PyTreeDef
# --------------------------------------------------------------------------------------


def test_treedef_repr() -> None:
    assert (
        repr(tree.structure((1, {"a": 2, "b": [3, 4]}))) == "PyTreeDef((*, {'a': *, 'b': [*, *]}))"
    )
    assert repr(tree.structure(())) == "PyTreeDef(())"
    assert repr(tree.structure({})) == "PyTreeDef({})"
    assert repr(tree.structure([None, {1: None}])) == "PyTreeDef([None, {1: None}])"
    assert str(tree.structure([1])) == "PyTreeDef([*])"


def test_treedef_equality_and_hash() -> None:
    a = tree.structure({"x": (1, 2), "y": [3]})
    b = tree.structure({"y": ["p"], "x": ("q", "r")})
    c = tree.structure({"x": (1, 2), "y": (3,)})
    assert a == b and hash(a) == hash(b)
    assert a != c
    assert len({a, b, c}) == 2
    assert a != "not a treedef"
    assert tree.structure((1, 2)) != tree.structure([1, 2])
    assert tree.structure((1,)) != tree.structure((1, 2))
    assert tree.structure(((1,), 2)) != tree.structure((1, (2,)))
    cache = {a: "hit"}
    assert cache[b] == "hit"


def test_treedef_counts() -> None:
    td = tree.structure((1, {"a": None, "b": [2, 3]}))
    assert td.num_leaves == 3
    # root tuple, 1, dict, None, list, 2, 3
    assert td.num_nodes == 7
    assert tree.structure(5).num_nodes == 1
    assert tree.structure(()).num_nodes == 1


def test_treedef_children_and_node_data() -> None:
    td = tree.structure((1, [2, 3], None))
    assert td.node_data() == (tuple, None)
    kids = td.children()
    assert [repr(k) for k in kids] == ["PyTreeDef(*)", "PyTreeDef([*, *])", "PyTreeDef(None)"]
    assert tree.structure(1).node_data() is None
    assert tree.structure(1).children() == []
    assert tree.structure({"k": 1}).node_data() == (dict, ("k",))


def test_treedef_is_immutable_and_not_constructible() -> None:
    td = tree.structure((1, 2))
    with pytest.raises(AttributeError):
        td.num_leaves = 5  # type: ignore[misc]
    with pytest.raises(AttributeError):
        td.anything = 1  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        PyTreeDef()
    assert copy.copy(td) is td
    assert copy.deepcopy(td) is td


def test_treedef_pickle_roundtrip() -> None:
    for t in [(1, {"a": [2, None]}), Point(1, 2), Box(1, 2, "l"), 3]:
        td = tree.structure(t)
        td2 = pickle.loads(pickle.dumps(td))
        assert td2 == td and hash(td2) == hash(td)
        assert strict_eq(td2.unflatten(tree.leaves(t)), t) or isinstance(t, Box)


def test_treedef_unflatten_method_accepts_iterables() -> None:
    td = tree.structure([1, (2, 3)])
    assert td.unflatten(iter([4, 5, 6])) == [4, (5, 6)]
    assert td.unflatten(x for x in "abc") == ["a", ("b", "c")]


def test_unflatten_wrong_leaf_count_reports_expected_and_received() -> None:
    td = tree.structure((1, 2, 3))
    with pytest.raises(ValueError, match="expected 3 leaves, got 2") as ei:
        tree.unflatten(td, [1, 2])
    assert "PyTreeDef((*, *, *))" in str(ei.value)
    with pytest.raises(ValueError, match="expected 3 leaves, got 4"):
        tree.unflatten(td, [1, 2, 3, 4])
    with pytest.raises(ValueError, match="expected 1 leaves, got 0"):
        tree.unflatten(tree.structure(1), [])
    with pytest.raises(ValueError, match="expected 0 leaves, got 1"):
        tree.unflatten(tree.structure(None), [1])


def test_flatten_up_to() -> None:
    td = tree.structure((1, {"a": 2}))
    assert td.flatten_up_to(([1, 2], {"a": (3,)})) == [[1, 2], (3,)]
    with pytest.raises(ValueError, match=r"tree\[1\]") as ei:
        td.flatten_up_to((1, {"b": 2}))
    assert "PyTreeDef((*, {'a': *}))" in str(ei.value)
    assert "PyTreeDef((*, {'b': *}))" in str(ei.value)


# --------------------------------------------------------------------------------------
# prefix_broadcast (vmap's in_axes, etc.)
# --------------------------------------------------------------------------------------


def test_prefix_broadcast_scalar_and_none() -> None:
    full = (np.zeros(2), {"a": 1, "b": [2, 3]})
    assert prefix_broadcast(0, full, "in_axes") == [0, 0, 0, 0]
    assert prefix_broadcast(None, full, "in_axes") == [None] * 4
    assert prefix_broadcast(0, (), "in_axes") == []


def test_prefix_broadcast_structured() -> None:
    full = (np.zeros(2), {"a": 1, "b": [2, 3]})
    assert prefix_broadcast((0, None), full, "in_axes") == [0, None, None, None]
    assert prefix_broadcast((1, {"a": 0, "b": None}), full, "in_axes") == [1, 0, None, None]
    assert prefix_broadcast((1, {"a": 0, "b": [2, 3]}), full, "in_axes") == [1, 0, 2, 3]


def test_prefix_broadcast_none_in_full_tree() -> None:
    # A prefix leaf over a None subtree contributes nothing; a None prefix over None too.
    assert prefix_broadcast((0, 1), (None, 5), "in_axes") == [1]
    assert prefix_broadcast((None, 1), (None, 5), "in_axes") == [1]


def test_prefix_broadcast_is_leaf_applies_to_full_tree() -> None:
    full = [(1, 2), (3, 4)]
    out = prefix_broadcast([0, 1], full, "axes", is_leaf=lambda x: isinstance(x, tuple))
    assert out == [0, 1]


@pytest.mark.parametrize(
    ("prefix", "full"),
    [
        ((0, 1), (1, 2, 3)),
        ((0, 1), [1, 2]),
        ({"a": 0}, {"b": 1}),
        ((0, (1, 2)), (1, 2)),
        ((0, {"a": 0}), (0, None)),
    ],
)
def test_prefix_broadcast_mismatch(prefix: Any, full: Any) -> None:
    with pytest.raises(ValueError) as ei:
        prefix_broadcast(prefix, full, "in_axes")
    msg = str(ei.value)
    assert "in_axes" in msg
    assert repr(tree.structure(prefix, is_leaf=lambda x: x is None)) in msg
    assert repr(tree.structure(full)) in msg


def test_prefix_broadcast_error_locates_mismatch() -> None:
    with pytest.raises(ValueError, match=r"out_axes\[1\]\['k'\]"):
        prefix_broadcast((0, {"k": (1, 2)}), (1, {"k": [2, 3]}), "out_axes")


# --------------------------------------------------------------------------------------
# Public namespaces
# --------------------------------------------------------------------------------------


def test_public_namespaces() -> None:
    assert tree.map is impl.tree_map
    assert tree.flatten is impl.tree_flatten
    assert tree.unflatten is impl.tree_unflatten
    assert tree.leaves is impl.tree_leaves
    assert tree.structure is impl.tree_structure
    assert tree.reduce is impl.tree_reduce
    assert tree.all is impl.tree_all
    assert tree.transpose is impl.tree_transpose
    assert tree.register_node is impl.register_node
    assert tree.register_dataclass is impl.register_dataclass
    assert tree.PyTreeDef is PyTreeDef
    assert jtu.tree_map is impl.tree_map
    assert jtu.tree_flatten is impl.tree_flatten
    assert jtu.tree_unflatten is impl.tree_unflatten
    assert jtu.tree_leaves is impl.tree_leaves
    assert jtu.tree_structure is impl.tree_structure
    assert jtu.tree_reduce is impl.tree_reduce
    assert jtu.tree_all is impl.tree_all
    assert jtu.register_pytree_node is impl.register_node
    assert jtu.register_dataclass is impl.register_dataclass
    assert jtu.PyTreeDef is PyTreeDef
    for mod in (tree, jtu):
        for name in mod.__all__:
            assert hasattr(mod, name), name


# --------------------------------------------------------------------------------------
# Property tests
# --------------------------------------------------------------------------------------

_leaf = st.one_of(
    st.integers(-5, 5),
    st.floats(allow_nan=False, width=32),
    st.text(max_size=2),
    st.booleans(),
)
_key = st.one_of(st.text(max_size=2), st.integers(0, 3))


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=3).map(tuple),
        st.lists(children, max_size=3),
        st.dictionaries(st.text(max_size=2), children, max_size=3),
        st.dictionaries(_key, children, max_size=3),  # mixed-type keys
        st.dictionaries(st.text(max_size=2), children, max_size=3).map(collections.OrderedDict),
        st.builds(Point, children, children),
        st.builds(Box, children, children, st.sampled_from(["p", "q"])),
        st.builds(Params, children, children, st.sampled_from(["m", "n"])),
    )


trees = st.recursive(st.one_of(_leaf, st.none()), _containers, max_leaves=16)


@settings(max_examples=300, deadline=None)
@given(trees)
def test_prop_flatten_unflatten_roundtrip(t: Any) -> None:
    leaves, td = tree.flatten(t)
    assert td.num_leaves == len(leaves)
    rebuilt = tree.unflatten(td, leaves)
    assert strict_eq(rebuilt, t)
    assert tree.structure(rebuilt) == td
    assert tree.leaves(rebuilt) == leaves
    assert td.flatten_up_to(t) == leaves


@settings(max_examples=200, deadline=None)
@given(trees)
def test_prop_structure_equality_and_hash(t: Any) -> None:
    td = tree.structure(t)
    # Same structure with different leaves: equal and same hash.
    relabelled = tree.unflatten(td, [object() for _ in range(td.num_leaves)])
    td2 = tree.structure(relabelled)
    assert td2 == td
    assert hash(td2) == hash(td)
    assert isinstance(hash(td), int)
    assert td.num_nodes >= td.num_leaves
    assert pickle.loads(pickle.dumps(td)) == td


@settings(max_examples=200, deadline=None)
@given(trees)
def test_prop_map_identity_and_enumeration(t: Any) -> None:
    assert tree.structure(tree.map(lambda x: x, t)) == tree.structure(t)
    n = tree.structure(t).num_leaves
    indexed = tree.unflatten(tree.structure(t), list(range(n)))
    assert tree.leaves(indexed) == list(range(n))
    assert tree.map(operator.add, indexed, indexed) == tree.map(lambda x: 2 * x, indexed)
    # Broadcasting a tree against itself as prefix returns its own leaves.
    assert prefix_broadcast(indexed, t, "p") == list(range(n))
    assert prefix_broadcast(7, t, "p") == [7] * n


@dataclasses.dataclass(frozen=True)
class _Spec:
    """A prefix leaf standing for one cut subtree (not a tuple, so it stays a leaf)."""

    ident: int
    covers: int


@settings(max_examples=200, deadline=None)
@given(trees, st.data())
def test_prop_cut_prefix_broadcasts_consistently(t: Any, data: st.DataObject) -> None:
    """Cutting a tree at random nodes yields a prefix whose leaves cover each subtree."""
    counter = iter(range(10**6))

    def cut(x: Any) -> Any:
        td = tree.structure(x)
        # Either stop here (a prefix leaf) or descend one level.
        if td.is_leaf() or data.draw(st.booleans()):
            return _Spec(next(counter), td.num_leaves)
        children, shallow = tree.flatten(x, is_leaf=lambda y: y is not x)
        return tree.unflatten(shallow, [cut(c) for c in children])

    prefix = cut(t)
    specs = [s for s in tree.leaves(prefix) if isinstance(s, _Spec)]
    expected = [s for s in specs for _ in range(s.covers)]
    assert prefix_broadcast(prefix, t, "p") == expected
    assert sum(s.covers for s in specs) == tree.structure(t).num_leaves


def test_unflattener_rebuilds_what_tree_unflatten_rebuilds() -> None:
    """The one-expression rebuild (jit's outputs) agrees with ``tree_unflatten`` on every
    kind of node, registered classes and the deep fallback included."""
    from fad._src import tree_util as tu

    point = collections.namedtuple("point", "x y")
    trees: list[Any] = [
        7, (1,), [1, 2], None, (), {"k": ()}, point(1, (2, 3)),
        (1, (2, [3, None, {"b": 4, "a": 5}])),
        collections.OrderedDict([("z", 1), ("y", 2)]),
        collections.defaultdict(list, {2: [1], 1: [2]}),
    ]  # fmt: skip
    deep: Any = 0
    for _ in range(100):
        deep = [deep]
    trees.append(deep)
    for t in trees:
        leaves, td = tu.tree_flatten(t)
        marked = [f"leaf {i}" for i in range(len(leaves))]
        want = tu.tree_unflatten(td, marked)
        got = tu.unflattener(td)(marked)
        assert got == want and type(got) is type(want)
        assert tu.tree_structure(got) == td
