"""Collectives over named axes (``fad.lax.psum`` and friends), JAX's names and meanings.

A named axis is bound by ``vmap(f, axis_name=...)``: inside ``f`` each batch element is
one member of the group, and a collective combines the members' values. Every argument
may be a pytree of arrays; the collective applies to each leaf.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, TypeVar

from fad._src import core, placement
from fad._src import tree_util as tu
from fad._src.core import Array
from fad._src.prims import collectives as coll
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st
from fad._src.sharding import NamedSharding, Sharding, SingleDeviceSharding

__all__ = [
    "all_gather", "all_to_all", "axis_index", "pmax", "pmean", "pmin", "ppermute", "psum",
    "psum_scatter", "with_sharding_constraint",
]  # fmt: skip

T = TypeVar("T")
AxisName = Hashable


def _each(fn: Any, x: T) -> T:
    out: T = tu.tree_map(lambda leaf: fn(core.asarray(leaf)), x)
    return out


def psum(x: T, axis_name: AxisName | Sequence[AxisName]) -> T:
    """The sum of ``x`` over the members of ``axis_name`` (a name or a tuple of names),
    the same in every member.

    Its transpose is itself, so gradients flow through it as in JAX.

    Examples:
        >>> fad.vmap(lambda v: fad.lax.psum(v, "i"), axis_name="i")(jnp.arange(3.0))
        Array([3., 3., 3.], dtype=float32)
    """
    return _each(lambda a: coll.psum(a, axis_name), x)


def pmean(x: T, axis_name: AxisName | Sequence[AxisName]) -> T:
    """The mean of ``x`` over the members of ``axis_name``.

    Examples:
        >>> fad.vmap(lambda v: fad.lax.pmean(v, "i"), axis_name="i")(jnp.arange(3.0))
        Array([1., 1., 1.], dtype=float32)
    """

    def mean(a: Array) -> Array:
        n = coll.psum(ew.full((), 1, a.dtype), axis_name)
        return ew.div(coll.psum(a, axis_name), st.broadcast_to(n, a.shape))

    return _each(mean, x)


def pmax(x: T, axis_name: AxisName | Sequence[AxisName]) -> T:
    """The elementwise maximum of ``x`` over the members of ``axis_name``."""
    return _each(lambda a: coll.pmax(a, axis_name), x)


def pmin(x: T, axis_name: AxisName | Sequence[AxisName]) -> T:
    """The elementwise minimum of ``x`` over the members of ``axis_name``."""
    return _each(lambda a: coll.pmin(a, axis_name), x)


def all_gather(x: T, axis_name: AxisName, *, axis: int = 0, tiled: bool = False) -> T:
    """Every member's ``x``, stacked along a new dimension ``axis`` (concatenated along
    ``axis`` when ``tiled``), in every member. Its transpose is ``psum_scatter``.

    Examples:
        >>> fad.vmap(lambda v: fad.lax.all_gather(v, "i"), axis_name="i")(jnp.arange(2.0))
        Array([[0., 1.],
               [0., 1.]], dtype=float32)
    """
    return _each(lambda a: coll.all_gather(a, axis_name, axis=axis, tiled=tiled), x)


def psum_scatter(
    x: T, axis_name: AxisName, *, scatter_dimension: int = 0, tiled: bool = False
) -> T:
    """The sum over members of ``x``, of which member ``i`` keeps piece ``i`` along
    ``scatter_dimension`` (whose size is the axis size, or a multiple when ``tiled``)."""
    return _each(
        lambda a: coll.psum_scatter(
            a, axis_name, scatter_dimension=scatter_dimension, tiled=tiled
        ),
        x,
    )


def all_to_all(
    x: T, axis_name: AxisName, split_axis: int, concat_axis: int, *, tiled: bool = False
) -> T:
    """Member ``i`` receives piece ``i`` of every member's ``x`` (split along
    ``split_axis``), stacked along ``concat_axis`` in member order. Without ``tiled`` the
    split axis must have the axis size and is replaced by a new axis at ``concat_axis``."""
    return _each(lambda a: coll.all_to_all(a, axis_name, split_axis, concat_axis, tiled=tiled), x)


def ppermute(x: T, axis_name: AxisName, perm: Sequence[tuple[int, int]]) -> T:
    """Send member ``src``'s ``x`` to member ``dst`` for each ``(src, dst)`` in ``perm``;
    members no one sends to receive zeros.

    Examples:
        >>> shift = lambda v: fad.lax.ppermute(v, "i", [(0, 1), (1, 2), (2, 0)])
        >>> fad.vmap(shift, axis_name="i")(jnp.arange(3.0))
        Array([2., 0., 1.], dtype=float32)
    """
    return _each(lambda a: coll.ppermute(a, axis_name, perm), x)


def axis_index(axis_name: AxisName) -> Array:
    """This member's position along the named axis (an int32 from 0).

    Examples:
        >>> fad.vmap(lambda v: v + fad.lax.axis_index("i"), axis_name="i")(jnp.zeros(3))
        Array([0., 1., 2.], dtype=float32)
    """
    return coll.axis_index(axis_name)


def with_sharding_constraint(x: T, shardings: Any) -> T:
    """``x`` laid out as ``shardings`` says (a sharding, or a pytree prefix of ``x``'s).

    Inside ``jit`` it tells XLA's SPMD partitioner the layout of an intermediate value;
    outside, it moves the array there. Values and derivatives are unchanged (its JVP and
    transpose apply the same layout to tangents and cotangents).

    Args:
        x: An array or a pytree of arrays.
        shardings: ``NamedSharding`` or ``SingleDeviceSharding`` values.

    Returns:
        ``x``, constrained.

    Raises:
        TypeError: A sharding is not a NamedSharding or SingleDeviceSharding.

    Examples:
        >>> from fad.sharding import Mesh, NamedSharding, PartitionSpec as P
        >>> mesh = Mesh(np.array(fad.devices()[:1]), ("data",))
        >>> f = fad.jit(lambda v: fad.lax.with_sharding_constraint(v * 2.0,
        ...                                                        NamedSharding(mesh, P())))
        >>> f(jnp.ones(2))
        Array([2., 2.], dtype=float32)
    """
    leaves, tree = tu.tree_flatten(x)
    specs = tu.prefix_broadcast(shardings, x, "shardings")
    out = []
    for leaf, sh in zip(leaves, specs, strict=True):
        if not isinstance(sh, NamedSharding | SingleDeviceSharding):
            raise TypeError(
                "with_sharding_constraint takes NamedSharding or SingleDeviceSharding values, "
                f"got {type(sh).__name__}: {sh!r}"
            )
        s: Sharding = sh
        out.append(placement.sharding_constraint_p.bind1(core.asarray(leaf), sharding=s))
    result: T = tu.tree_unflatten(tree, out)
    return result
