"""Forward mode: ``jvp`` runs the function under a JVP handler."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar, TypeVarTuple, overload

from fad._src import core, dtypes
from fad._src import tree_util as tu
from fad._src.api.arguments import (
    check_callable,
    check_tangent,
    flat_arrays,
    flatten_args,
    float0_zeros,
    leaf_names,
    split_aux,
    unflatten_args,
)
from fad._src.core import Array, ShapedArray
from fad._src.interpreters.jvp import JVPHandler, JVPTracer, MaybeZero, Zero
from fad._src.typing import Tangent

# Static types of the signatures below (see fad/_src/typing.py for the design).
Ts = TypeVarTuple("Ts")
A = TypeVar("A")
A2 = TypeVar("A2")
A3 = TypeVar("A3")
B = TypeVar("B")
X = TypeVar("X")


@overload
def jvp(
    fun: Callable[[*Ts], B],
    primals: tuple[*Ts],
    tangents: Tangent[tuple[*Ts]],
    has_aux: Literal[False] = False,
) -> tuple[B, Tangent[B]]: ...
@overload
def jvp(
    fun: Callable[[A], B],
    primals: tuple[A],
    tangents: tuple[Tangent[A]],
    has_aux: Literal[False] = False,
) -> tuple[B, Tangent[B]]: ...
@overload
def jvp(
    fun: Callable[[A, A2], B],
    primals: tuple[A, A2],
    tangents: tuple[Tangent[A], Tangent[A2]],
    has_aux: Literal[False] = False,
) -> tuple[B, Tangent[B]]: ...
@overload
def jvp(
    fun: Callable[[A, A2, A3], B],
    primals: tuple[A, A2, A3],
    tangents: tuple[Tangent[A], Tangent[A2], Tangent[A3]],
    has_aux: Literal[False] = False,
) -> tuple[B, Tangent[B]]: ...
@overload
def jvp(
    fun: Callable[[*Ts], tuple[B, X]],
    primals: tuple[*Ts],
    tangents: Tangent[tuple[*Ts]],
    has_aux: Literal[True],
) -> tuple[B, Tangent[B], X]: ...
@overload
def jvp(
    fun: Callable[[A], tuple[B, X]],
    primals: tuple[A],
    tangents: tuple[Tangent[A]],
    has_aux: Literal[True],
) -> tuple[B, Tangent[B], X]: ...
@overload
def jvp(
    fun: Callable[[A, A2], tuple[B, X]],
    primals: tuple[A, A2],
    tangents: tuple[Tangent[A], Tangent[A2]],
    has_aux: Literal[True],
) -> tuple[B, Tangent[B], X]: ...
@overload
def jvp(
    fun: Callable[[A, A2, A3], tuple[B, X]],
    primals: tuple[A, A2, A3],
    tangents: tuple[Tangent[A], Tangent[A2], Tangent[A3]],
    has_aux: Literal[True],
) -> tuple[B, Tangent[B], X]: ...
def jvp(
    fun: Callable[..., Any], primals: Sequence[Any], tangents: Any, has_aux: bool = False
) -> Any:
    """Evaluate ``fun`` at ``primals`` and push ``tangents`` forward: ``(out, tangent_out)``.

    Forward mode: ``tangent_out`` is the Jacobian of ``fun`` at ``primals`` applied to
    ``tangents``, computed alongside ``out`` at a small multiple of the cost of ``fun``.

    Args:
        fun: The function to differentiate. Its positional arguments and its result are
            arrays, scalars or pytrees of them.
        primals: A tuple or list with one value (a pytree) per positional argument.
        tangents: A tuple or list with the structure of ``primals``. Each leaf has its
            primal's shape and dtype (``fad.float0`` for integer and boolean primals).
        has_aux: ``fun`` returns ``(output, aux)``; ``aux`` is returned, not differentiated.

    Returns:
        ``(out, tangent_out)``, or ``(out, tangent_out, aux)`` with ``has_aux``;
        ``tangent_out`` has the structure, shapes and dtypes of ``out``.

    Raises:
        TypeError: ``fun`` is not callable, ``primals`` or ``tangents`` is not a tuple or
            list, or a tangent's dtype does not match its primal's.
        ValueError: ``primals`` and ``tangents`` differ in length, tree structure or a
            leaf's shape.

    Examples:
        >>> y, y_dot = fad.jvp(jnp.sin, (0.0,), (2.0,))
        >>> print(y, y_dot)
        0.0 2.0
    """
    check_callable(fun, "jvp")
    for name, v in (("primals", primals), ("tangents", tangents)):
        if not isinstance(v, (tuple, list)):
            raise TypeError(
                f"jvp: {name} must be a tuple or list with one entry per positional argument, "
                f"got {type(v).__name__}"
            )
    if len(primals) != len(tangents):
        raise TypeError(
            "jvp: primals and tangents must have the same length, got "
            f"{len(primals)} and {len(tangents)}"
        )
    flat_p, tree_p = flatten_args(tuple(primals), "jvp primal")
    fast = flat_arrays(tuple(tangents))
    flat_t, tree_t = tu.tree_flatten(tuple(tangents)) if fast is None else fast
    if tree_p is not tree_t and tree_p != tree_t:
        raise TypeError(
            f"jvp: primal and tangent arguments must have the same tree structure; primals have "
            f"{tree_p} but tangents have {tree_t}"
        )
    tans = _tangents(fun, primals, flat_p, flat_t)
    out, out_t, aux = _jvp_flat(fun, flat_p, tans, tree_p, has_aux)
    return (out, out_t, aux) if has_aux else (out, out_t)


def _tangents(
    fun: Callable[..., Any], primals: Sequence[Any], flat_p: list[Array], flat_t: list[Any]
) -> list[MaybeZero]:
    """The checked tangents. The common case, an array of its primal's shape and inexact
    dtype, is accepted at once: the readable names ``check_tangent`` puts in its errors
    come from ``inspect.signature``, which costs more than a small JVP itself."""
    for p, t in zip(flat_p, flat_t, strict=True):
        if not isinstance(t, Array):
            break
        pa, ta = p.aval, t.aval
        if pa.shape != ta.shape or pa.dtype != ta.dtype or not dtypes.is_inexact(pa.dtype):
            break
    else:
        return list(flat_t)
    names = leaf_names(fun, tuple(primals), {})
    return [
        check_tangent(p, t, i, "jvp tangent", names[i] if i < len(names) else None)
        for i, (p, t) in enumerate(zip(flat_p, flat_t, strict=True))
    ]


def _jvp_flat(
    fun: Callable[..., Any], primals: list[Array], tangents: list[MaybeZero], in_tree: tu.PyTreeDef,
    has_aux: bool,
) -> tuple[Any, Any, Any]:  # fmt: skip
    handler = JVPHandler()
    ins = [
        p if isinstance(t, Zero) else JVPTracer(handler, p, t)
        for p, t in zip(primals, tangents, strict=True)
    ]
    token = core.push_new(handler)
    try:
        result = fun(*unflatten_args(in_tree, ins))
    finally:
        core.pop(token)
    out, aux = split_aux(result, has_aux, "jvp")
    flat_out, out_tree = flatten_args(out, "jvp output")
    out_p: list[Array] = []
    out_t: list[Any] = []
    for o in flat_out:  # ``handler.unwrap``, with zeros for a symbolic zero tangent
        if type(o) is JVPTracer and o._handler is handler:
            p, t = o.primal, o.tangent
            out_t.append(_zeros_tangent(p.aval) if type(t) is Zero else t)
        else:
            p = o
            out_t.append(_zeros_tangent(p.aval))
        out_p.append(p)
    if has_aux:
        aux = tu.tree_map(lambda x: handler.unwrap(x)[0] if isinstance(x, Array) else x, aux)
    return unflatten_args(out_tree, out_p), unflatten_args(out_tree, out_t), aux


def _zeros_tangent(aval: ShapedArray) -> Any:
    if dtypes.is_inexact(aval.dtype):
        return core.zeros(aval)
    return float0_zeros(aval)
