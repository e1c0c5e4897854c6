"""``vmap``: run the function under a batch handler (``batch_fun``), with the axes
given per argument and per output."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar, overload

from fad._src import tree_util as tu
from fad._src.api.arguments import check_callable, flatten_args, leaf_names
from fad._src.core import Array, ArrayLike
from fad._src.interpreters import batch as batching
from fad._src.interpreters.programs import batch_fun
from fad._src.typing import ArrayFunction

P = ParamSpec("P")
R = TypeVar("R")


def _check_axes_spec(spec: Any, what: str) -> None:
    """in_axes/out_axes leaves must be ints or None (checked when ``vmap`` is called)."""
    for leaf in tu.tree_leaves(spec, is_leaf=lambda x: x is None):
        if leaf is not None and (not isinstance(leaf, int) or isinstance(leaf, bool)):
            raise TypeError(
                f"vmap {what} must be an int, None, or a (nested) container of those, "
                f"got {spec!r} (the entry {leaf!r} is a {type(leaf).__name__})"
            )


def _axis_of(ax: int | None, x: Array, name: str) -> int | None:
    if ax is None:
        return None
    if not -x.ndim <= ax < x.ndim:
        raise ValueError(
            f"vmap was requested to map {name} along axis {ax}, which implies that its rank "
            f"should be at least {ax + 1 if ax >= 0 else -ax}, but is only {x.ndim} "
            f"(its shape is {x.shape})"
        )
    return ax % x.ndim


@overload
def vmap(
    fun: Callable[[Array], R], in_axes: Any = 0, out_axes: Any = 0,
    axis_size: int | None = None, axis_name: Any = None,
) -> ArrayFunction[Concatenate[ArrayLike, ...], R]: ...
@overload
def vmap(
    fun: Callable[P, R], in_axes: Any = 0, out_axes: Any = 0, axis_size: int | None = None,
    axis_name: Any = None,
) -> Callable[P, R]: ...
def vmap(
    fun: Callable[P, R], in_axes: Any = 0, out_axes: Any = 0, axis_size: int | None = None,
    axis_name: Any = None,
) -> Callable[P, R]:  # fmt: skip
    """Vectorize ``fun`` over a batch axis of its arguments and results.

    ``in_axes`` is an int, None, or a tuple with one entry (a prefix tree) per positional
    argument; keyword arguments are always mapped over their axis 0, as in JAX. Negative
    axes count from the end. ``axis_size`` is needed only when no argument is mapped.

    Statically the batched function has ``fun``'s signature, which is exact for array
    arguments and results; the extra batch axis is not visible in the types (shapes are
    not part of ``fad.Array``'s type). A function of one ``Array`` (a lambda included: its
    parameter is then typed ``Array``) gives a function of one positional ``Array``.

    Args:
        fun: The function to batch; it is written for one example.
        in_axes: The batch axis of each argument (``None``: not batched, the same value
            for every example).
        out_axes: Where the batch axis goes in each output (a prefix tree of the output);
            ``None`` for an output that does not depend on the batch.
        axis_size: The batch size, when no argument is batched.
        axis_name: A name for the batch axis: inside ``fun``, collectives such as
            ``fad.lax.psum(x, axis_name)`` combine the batch elements.

    Returns:
        The batched function.

    Raises:
        TypeError: ``fun`` is not callable, or ``in_axes``/``out_axes``/``axis_size`` are
            not of the accepted forms.
        ValueError: When called: ``in_axes`` does not match the arguments, a batch axis is
            out of range, the batched arguments disagree on the batch size, nothing is
            batched and no ``axis_size`` is given, or an output with ``out_axes=None``
            depends on the batch.

    Examples:
        >>> fad.vmap(jnp.dot, in_axes=(0, None))(jnp.ones((4, 3)), jnp.arange(3.0))
        Array([3., 3., 3., 3.], dtype=float32)
    """
    check_callable(fun, "vmap")
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)
    if not (in_axes is None or isinstance(in_axes, (int, tuple))) or isinstance(in_axes, bool):
        raise TypeError(
            "vmap in_axes must be an int, None, or a tuple of entries corresponding to the "
            f"positional arguments passed to the function, but got {in_axes!r}"
        )
    _check_axes_spec(in_axes, "in_axes")
    _check_axes_spec(out_axes, "out_axes")
    if axis_size is not None and (not isinstance(axis_size, int) or axis_size < 0):
        raise TypeError(f"vmap axis_size must be a non-negative int or None, got {axis_size!r}")

    @functools.wraps(fun)
    def batched(*args: Any, **kwargs: Any) -> Any:
        if isinstance(in_axes, tuple) and len(in_axes) != len(args):
            raise ValueError(
                "vmap in_axes must be an int, None, or a tuple of entries corresponding to the "
                "positional arguments passed to the function, but got "
                f"len(in_axes)={len(in_axes)}, len(args)={len(args)}"
            )
        axes = tu.prefix_broadcast(in_axes, args, "vmap in_axes")
        axes += [0] * len(tu.tree_leaves(kwargs))
        flat, in_tree = flatten_args((args, kwargs), "vmap argument")
        names: list[str] | None = None
        dims: list[int | None] = []
        for ax, x in zip(axes, flat, strict=True):
            if ax is not None and not -x.ndim <= ax < x.ndim:
                names = names or leaf_names(fun, args, kwargs)
                _axis_of(ax, x, names[len(dims)])
            dims.append(None if ax is None else ax % x.ndim)
        sizes = {x.shape[d] for x, d in zip(flat, dims, strict=True) if d is not None}
        if axis_size is not None:
            sizes.add(axis_size)
        if len(sizes) > 1:
            names = names or leaf_names(fun, args, kwargs)
            detail = "; ".join(
                f"{names[i]} of type {x.aval.str_short()} has size {x.shape[d]} along axis {d}"
                for i, (x, d) in enumerate(zip(flat, dims, strict=True))
                if d is not None
            )
            extra = f"; and axis_size={axis_size} was given" if axis_size is not None else ""
            raise ValueError(f"vmap got inconsistent sizes for the mapped axis: {detail}{extra}")
        if not sizes:
            raise ValueError(
                "vmap must have at least one non-None value in in_axes, or be given axis_size"
            )
        (size,) = sizes
        return _vmap_flat(fun, flat, dims, in_tree, size, out_axes, axis_name)

    return batched


def _vmap_flat(
    fun: Callable[..., Any], flat: list[Array], dims: list[int | None], in_tree: tu.PyTreeDef,
    size: int, out_axes: Any, axis_name: Any,
) -> Any:  # fmt: skip
    outs: list[Any] = []  # the output pytree, and its structure

    def flat_fun(*ins: Array) -> list[Array]:
        args, kwargs = tu.tree_unflatten(in_tree, list(ins))
        out = fun(*args, **kwargs)
        flat_out, out_tree = flatten_args(out, "vmap output")
        outs.extend((out, out_tree))
        return flat_out

    pairs = batch_fun(flat_fun, flat, dims, size, axis_name)
    out, out_tree = outs
    o_axes = tu.prefix_broadcast(out_axes, out, "vmap out_axes")
    results = []
    for i, ((val, bdim), ax) in enumerate(zip(pairs, o_axes, strict=True)):
        if ax is None:
            if bdim is not None:
                raise ValueError(
                    f"vmap has mapped output but out_axes is None: output leaf {i} varies along "
                    f"the mapped axis (batched value of type {val.aval.str_short()}, mapped "
                    f"axis {bdim} of size {size}); give an int out_axes for it"
                )
            results.append(val)
            continue
        nd = val.ndim + (1 if bdim is None else 0)
        if not -nd <= ax < nd:
            raise ValueError(
                f"vmap out_axes {ax} is out of range for output leaf {i}: with the mapped axis "
                f"of size {size} added it has rank {nd}, so out_axes must be in [{-nd}, {nd})"
            )
        results.append(batching.bdim_to(val, bdim, size, ax % nd))
    return tu.tree_unflatten(out_tree, results)
