"""Jacobians and Hessians: ``jacfwd`` pushes the input basis forward (``vmap`` of
``jvp``), ``jacrev`` pulls the output basis back (``vmap`` of the pullback), and
``hessian`` is forward over reverse."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Literal, ParamSpec, TypeVar, overload

import numpy as np

from fad._src import dtypes
from fad._src import tree_util as tu
from fad._src.api.arguments import check_callable, diff_args, flatten_args, leaf_to_array
from fad._src.api.batching import vmap
from fad._src.api.forward import jvp
from fad._src.api.reverse import vjp
from fad._src.core import Array, ArrayLike
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st
from fad._src.typing import ArrayFunction

P = ParamSpec("P")
X = TypeVar("X")

# Untyped views of jvp and vjp, for the callers here that pass ``has_aux`` on as a bool.
_jvp_any: Callable[..., Any] = jvp
_vjp_any: Callable[..., Any] = vjp


def _std_basis(flat: list[Array]) -> tuple[list[Array], int]:
    """One stacked basis leaf per input leaf: the identity on the flattened inputs.

    Built from ``iota`` and ``eq`` rather than as a numpy constant, so that under
    ``jit`` the compiler sees a one-hot pattern it fuses into its consumers instead
    of an ``n x n`` array it must read from memory.
    """
    sizes = [x.size for x in flat]
    n = sum(sizes)
    i32 = np.dtype(np.int32)
    out, start = [], 0
    for x, s in zip(flat, sizes, strict=True):
        rows = st.iota(i32, (n, s), 0)
        cols = st.iota(i32, (n, s), 1)
        if start:
            cols = ew.add(cols, ew.full((n, s), start, i32))
        one_hot = ew.convert_element_type(ew.eq(rows, cols), x.dtype)
        out.append(st.reshape(one_hot, (n, *x.shape)))
        start += s
    return out, n


def _check_jac_inputs(dyn: Sequence[Any], holomorphic: bool, name: str) -> None:
    for i, leaf in enumerate(tu.tree_leaves(dyn)):
        dt = leaf_to_array(leaf, f"{name} argument").dtype
        if holomorphic and not dtypes.is_complex(dt):
            raise TypeError(
                f"{name} with holomorphic=True requires complex inputs, got {dt.name} for leaf {i}"
            )
        if not holomorphic and not dtypes.is_float(dt):
            raise TypeError(
                f"{name} requires real-valued inputs (input dtype that is a sub-dtype of "
                "np.floating), "
                f"but got {dt.name} for input leaf {i}. For holomorphic differentiation, pass "
                "holomorphic=True."
            )


@overload
def jacfwd(
    fun: Callable[[Array], ArrayLike], argnums: Literal[0] = 0,
    has_aux: Literal[False] = False, holomorphic: bool = False,
) -> ArrayFunction[[ArrayLike], Array]: ...
@overload
def jacfwd(
    fun: Callable[[Array], tuple[ArrayLike, X]], argnums: Literal[0] = 0, *,
    has_aux: Literal[True], holomorphic: bool = False,
) -> ArrayFunction[[ArrayLike], tuple[Array, X]]: ...
@overload
def jacfwd(
    fun: Callable[P, Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
    holomorphic: bool = False,
) -> Callable[P, Any]: ...
def jacfwd(
    fun: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
    holomorphic: bool = False,
) -> Callable[..., Any]:  # fmt: skip
    """The Jacobian by forward mode: ``vmap`` of ``jvp`` over the input basis.

    One JVP per input element, batched; efficient when there are fewer inputs than outputs.
    The result has shape ``out.shape + in.shape`` (per pair of output and input leaves).

    Args:
        fun: The function to differentiate.
        argnums: The positional argument(s) to differentiate with respect to.
        has_aux: ``fun`` returns ``(output, aux)``; the new function returns
            ``(jacobian, aux)``.
        holomorphic: ``fun`` is holomorphic with complex inputs: return the complex Jacobian.

    Returns:
        A function with ``fun``'s arguments returning the Jacobian.

    Raises:
        TypeError: ``fun`` is not callable; or, when called, an input is not real-valued
            (complex without ``holomorphic``, or integer).

    Examples:
        >>> fad.jacfwd(lambda x: x ** 2)(jnp.array([1.0, 2.0]))
        Array([[2., 0.],
               [0., 4.]], dtype=float32)
    """
    check_callable(fun, "jacfwd")

    def jacfun(*args: Any, **kwargs: Any) -> Any:
        f, _, flat, in_tree = diff_args(
            fun, args, kwargs, argnums, "jacfwd",
            lambda dyn: _check_jac_inputs(dyn, holomorphic, "jacfwd"),
        )  # fmt: skip
        basis, n = _std_basis(flat)

        def push(*tangents: Array) -> Any:
            primals = tuple(tu.tree_unflatten(in_tree, flat))
            tans = tuple(tu.tree_unflatten(in_tree, list(tangents)))
            res = _jvp_any(f, primals, tans, has_aux=has_aux)
            return (res[1], res[0], res[2]) if has_aux else (res[1], res[0])

        out_axes = (-1, None, None) if has_aux else (-1, None)
        pushes: Callable[..., Any] = vmap(push, out_axes=out_axes)
        res = pushes(*basis)
        jac_flat_tree = res[0]
        jac = _reshape_jacobian(
            jac_flat_tree, flat, in_tree, isinstance(argnums, int), n, last=True
        )
        return (jac, res[2]) if has_aux else jac

    return functools.wraps(fun)(jacfun)


@overload
def jacrev(
    fun: Callable[[Array], ArrayLike], argnums: Literal[0] = 0,
    has_aux: Literal[False] = False, holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[[ArrayLike], Array]: ...
@overload
def jacrev(
    fun: Callable[[Array], tuple[ArrayLike, X]], argnums: Literal[0] = 0, *,
    has_aux: Literal[True], holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[[ArrayLike], tuple[Array, X]]: ...
@overload
def jacrev(
    fun: Callable[P, Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> Callable[P, Any]: ...
def jacrev(
    fun: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
    holomorphic: bool = False, allow_int: bool = False,
) -> Callable[..., Any]:  # fmt: skip
    """The Jacobian by reverse mode: ``vmap`` of the pullback over the output basis.

    One VJP per output element, batched; efficient when there are fewer outputs than inputs.
    The result has shape ``out.shape + in.shape`` (per pair of output and input leaves).

    Args:
        fun: The function to differentiate.
        argnums: The positional argument(s) to differentiate with respect to.
        has_aux: ``fun`` returns ``(output, aux)``; the new function returns
            ``(jacobian, aux)``.
        holomorphic: ``fun`` is holomorphic with complex inputs: return the complex Jacobian.
        allow_int: Accepted for JAX compatibility.

    Returns:
        A function with ``fun``'s arguments returning the Jacobian.

    Raises:
        TypeError: ``fun`` is not callable; or, when called, an input is not real-valued
            (complex without ``holomorphic``, or integer).

    Examples:
        >>> fad.jacrev(lambda x: jnp.sum(x ** 2))(jnp.array([1.0, 2.0]))
        Array([2., 4.], dtype=float32)
    """
    check_callable(fun, "jacrev")

    def jacfun(*args: Any, **kwargs: Any) -> Any:
        f, dyn, flat_in, in_tree = diff_args(
            fun, args, kwargs, argnums, "jacrev",
            lambda dyn: _check_jac_inputs(dyn, holomorphic, "jacrev"),
        )  # fmt: skip
        res = _vjp_any(f, *dyn, has_aux=has_aux)
        y, pullback = res[0], res[1]
        flat_out, out_tree = flatten_args(y, "jacrev output")
        basis, _ = _std_basis(flat_out)
        pulls: Callable[..., Any] = vmap(lambda *c: pullback(tu.tree_unflatten(out_tree, list(c))))
        cts = pulls(*basis)
        # cts: per input leaf (inside the argnums tuple), shape (m, *in_shape).
        flat_cts = tu.tree_leaves(cts)
        per_out: list[list[Array]] = [[] for _ in flat_out]
        for c, x in zip(flat_cts, flat_in, strict=True):
            start = 0
            for k, o in enumerate(flat_out):
                piece = st.slice_in_dim(c, start, start + o.size, axis=0)
                per_out[k].append(st.reshape(piece, (*o.shape, *x.shape)))
                start += o.size
        leaves = []
        for k in range(len(flat_out)):
            t = tu.tree_unflatten(in_tree, per_out[k])
            leaves.append(t[0] if isinstance(argnums, int) else tuple(t))
        jac = tu.tree_unflatten(out_tree, leaves)
        return (jac, res[2]) if has_aux else jac

    return functools.wraps(fun)(jacfun)


def _reshape_jacobian(
    jac_tree: Any, flat_in: list[Array], in_tree: tu.PyTreeDef, single: bool, n: int, last: bool
) -> Any:
    """Split the basis axis of each output leaf into one block per input leaf."""
    flat_out, out_tree = tu.tree_flatten(jac_tree)
    leaves = []
    for o in flat_out:
        out_shape = o.shape[:-1]
        pieces, start = [], 0
        for x in flat_in:
            piece = st.slice_in_dim(o, start, start + x.size, axis=o.ndim - 1)
            pieces.append(st.reshape(piece, (*out_shape, *x.shape)))
            start += x.size
        t = tu.tree_unflatten(in_tree, pieces)
        leaves.append(t[0] if single else tuple(t))
    return tu.tree_unflatten(out_tree, leaves)


@overload
def hessian(
    fun: Callable[[Array], ArrayLike], argnums: Literal[0] = 0,
    has_aux: Literal[False] = False, holomorphic: bool = False,
) -> ArrayFunction[[ArrayLike], Array]: ...
@overload
def hessian(
    fun: Callable[[Array], tuple[ArrayLike, X]], argnums: Literal[0] = 0, *,
    has_aux: Literal[True], holomorphic: bool = False,
) -> ArrayFunction[[ArrayLike], tuple[Array, X]]: ...
@overload
def hessian(
    fun: Callable[P, Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
    holomorphic: bool = False,
) -> Callable[P, Any]: ...
def hessian(fun: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
            holomorphic: bool = False) -> Callable[..., Any]:  # fmt: skip
    """Dense Hessian, forward-over-reverse: ``jacfwd(jacrev(fun))``.

    For a scalar ``fun`` of an array of shape ``s`` the result has shape ``s + s``. To apply
    the Hessian to a vector, prefer ``jvp(grad(fun), (x,), (v,))``, which never builds it.

    Args:
        fun: A scalar-valued function.
        argnums: The positional argument(s) to differentiate with respect to.
        has_aux: ``fun`` returns ``(output, aux)``; the new function returns
            ``(hessian, aux)``.
        holomorphic: ``fun`` is holomorphic with complex inputs.

    Returns:
        A function with ``fun``'s arguments returning the Hessian.

    Raises:
        TypeError: As ``jacfwd`` and ``jacrev``.

    Examples:
        >>> fad.hessian(lambda x: jnp.sum(x ** 3))(jnp.array([1.0, 2.0]))
        Array([[ 6.,  0.],
               [ 0., 12.]], dtype=float32)
    """
    return jacfwd(jacrev(fun, argnums, has_aux, holomorphic), argnums, has_aux, holomorphic)
