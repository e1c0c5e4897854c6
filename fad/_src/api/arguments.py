"""Argument handling shared by the transformations: flattening arguments to arrays,
``argnums``, readable names of leaves for error messages, and checking tangents."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src import tree_util as tu
from fad._src.core import Array, ShapedArray
from fad._src.interpreters.jvp import MaybeZero, Zero


def leaf_to_array(x: Any, what: str) -> Array:
    if isinstance(x, Array):
        return x
    if core.is_arraylike(x):
        return core.asarray(x)
    raise TypeError(
        f"{what} must be an array or a scalar (or a pytree of them), got {type(x).__name__}: {x!r}"
    )


# The structure of one leaf, and of a tuple of ``n`` leaves, by ``n``.
_LEAF_DEF = tu.tree_structure(0)
_TUPLE_DEFS: dict[int, tu.PyTreeDef] = {1: tu.tree_structure((0,))}


def flat_arrays(tree: Any) -> tuple[list[Array], tu.PyTreeDef] | None:
    """``tree_flatten`` of an Array or a tuple of Arrays and Python floats (the arguments
    of most calls), with one treedef per tuple length; ``None`` for any other tree."""
    if isinstance(tree, Array):  # (an Array is never a pytree node)
        return [tree], _LEAF_DEF
    if type(tree) is tuple:
        leaves: list[Array] = []
        for x in tree:
            if isinstance(x, Array):
                leaves.append(x)
            elif type(x) is float:  # (``grad(f)(2.0)``: ``core.asarray``'s float case)
                leaves.append(core.scalar_array(x, dtypes.default_float_dtype(), True))
            else:
                return None
        n = len(tree)
        td = _TUPLE_DEFS.get(n)
        if td is None:
            td = _TUPLE_DEFS[n] = tu.tree_structure((0,) * n)
        return leaves, td
    return None


def unflatten_args(treedef: tu.PyTreeDef, leaves: list[Any]) -> Any:
    """``tree_unflatten``, in one step for the structures ``flat_arrays`` makes."""
    if treedef is _LEAF_DEF:
        return leaves[0]
    if _TUPLE_DEFS.get(len(leaves)) is treedef:
        return tuple(leaves)
    return tu.tree_unflatten(treedef, leaves)


def flatten_args(tree: Any, what: str, name: str = "") -> tuple[list[Array], tu.PyTreeDef]:
    """The leaves of ``tree`` as Arrays, and its structure; ``what`` (after ``name``, the
    transformation's, if given: the message is made only when needed) says what the tree
    is in the error for a leaf that is not an array."""
    fast = flat_arrays(tree)
    if fast is not None:
        return fast
    if name:
        what = f"{name} {what}"
    leaves, treedef = tu.tree_flatten(tree)
    # An Array leaf is taken as it is (its description is only for the error message).
    return [
        x if isinstance(x, Array) else leaf_to_array(x, f"{what} leaf {i}")
        for i, x in enumerate(leaves)
    ], treedef


def check_callable(fun: Any, name: str) -> None:
    if not callable(fun):
        raise TypeError(
            f"{name} expects a callable as its first argument, got {type(fun).__name__}"
        )


def _normalize_argnums(argnums: int | Sequence[int], nargs: int, name: str) -> tuple[int, ...]:
    if type(argnums) is int and 0 <= argnums < nargs:
        return (argnums,)  # the common case, on every grad call
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums:
        raise ValueError(f"{name}: argnums must not be empty")
    out = []
    for a in nums:
        if not isinstance(a, int):
            raise TypeError(f"{name}: argnums must be ints, got {a!r}")
        if not -nargs <= a < nargs:
            # JAX's types: too few positional arguments for argnums is a TypeError (as a
            # call with missing arguments), a negative index beyond them a ValueError.
            err = TypeError if a >= 0 else ValueError
            raise err(
                f"{name}: argnums {argnums} out of range for a function called with {nargs} "
                "positional arguments"
            )
        if a % nargs in out:
            raise ValueError(
                f"{name}: argnums {argnums} names argument {a % nargs} more than once; each "
                "differentiated argument may appear once"
            )
        out.append(a % nargs)
    return tuple(out)


def partial_args(
    fun: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], argnums: tuple[int, ...]
) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    """``fun`` as a function of ``args[argnums]`` only, the rest fixed."""

    def f(*dyn: Any) -> Any:
        full = list(args)
        for i, v in zip(argnums, dyn, strict=True):
            full[i] = v
        return fun(*full, **kwargs)

    return f, tuple(args[i] for i in argnums)


def diff_args(
    fun: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
    argnums: int | Sequence[int], name: str,
    check: Callable[[tuple[Any, ...]], None] | None = None,
) -> tuple[Callable[..., Any], tuple[Any, ...], list[Array], tu.PyTreeDef]:  # fmt: skip
    """The call's differentiated arguments (``argnums``), checked by ``check``: ``fun`` of
    them alone, their values, their flat leaves and the tree of those leaves."""
    if type(argnums) is int and argnums == 0 and len(args) == 1 and not kwargs and check is None:
        # ``grad(f)(x)`` of one Array or Python float: ``fun`` itself, and ``flat_arrays``
        # of ``(x,)``, inline (this is every such call's fixed cost)
        x = args[0]
        if isinstance(x, Array):
            return fun, args, [x], _TUPLE_DEFS[1]
        if type(x) is float:
            leaf = core.scalar_array(x, dtypes.default_float_dtype(), True)
            return fun, args, [leaf], _TUPLE_DEFS[1]
    nums = _normalize_argnums(argnums, len(args), name)
    if not kwargs and len(nums) == len(args) and nums == tuple(range(len(nums))):
        f, dyn = fun, args  # every argument in order: ``fun`` itself (``grad(f)(x)``)
    else:
        f, dyn = partial_args(fun, args, kwargs, nums)
    if check is not None:
        check(dyn)
    flat, in_tree = flatten_args(dyn, "argument", name)
    return f, dyn, flat, in_tree


def float0_zeros(aval: ShapedArray) -> Any:
    return np.zeros(aval.shape, dtypes.float0)


def check_tangent(p: Array, t: Any, i: int, what: str, name: str | None = None) -> MaybeZero:
    """A tangent must match its primal's shape, and its dtype (float0 for integers).

    ``name`` says which argument the primal is, for the error messages.
    """
    pa = p.aval
    prefix = f"{what} {i}" if name is None else f"{what} {i} (for {name})"
    if isinstance(t, (np.ndarray, Array)) and t.dtype == dtypes.float0:
        if t.shape != pa.shape:
            raise ValueError(
                f"{prefix}: float0 tangent of shape {t.shape} for primal of shape {pa.shape}"
            )
        return Zero(pa)
    ta = leaf_to_array(t, prefix)
    if ta.shape != pa.shape:
        raise ValueError(
            f"{prefix}: tangent shape {ta.shape} does not match primal shape {pa.shape} "
            f"(primal {pa.str_short()}, tangent {ta.aval.str_short()})"
        )
    if not dtypes.is_inexact(pa.dtype):
        raise TypeError(
            f"{prefix}: the primal has integer/bool dtype {pa.dtype.name}, so its tangent must "
            f"have dtype float0 (e.g. numpy.zeros(shape, fad.dtypes.float0)), got {ta.dtype.name}"
        )
    if ta.dtype != pa.dtype:
        raise TypeError(
            f"{prefix}: primal and tangent dtypes must match: primal {pa.dtype.name}, "
            f"tangent {ta.dtype.name}"
        )
    return ta


def split_aux(result: Any, has_aux: bool, name: str) -> tuple[Any, Any]:
    if not has_aux:
        return result, None
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise TypeError(
            f"{name} with has_aux=True expects the function to return a pair (output, aux), "
            f"got {type(result).__name__}"
        )
    return result[0], result[1]


def leaf_names(fun: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[str]:
    """A readable name for each flattened leaf of ``(args, kwargs)``, for error messages."""
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        params = []
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names: list[str] = []

    def add(arg: Any, name: str) -> None:
        n = len(tu.tree_leaves(arg))
        paths = _paths(arg, "")
        if paths is not None and len(paths) == n:
            names.extend(f"{name}{p}" if p else name for p in paths)
        else:  # a custom node: fall back to leaf numbers
            names.extend([name] if n == 1 else [f"leaf {j} of {name}" for j in range(n)])

    for k, a in enumerate(args):
        ok = k < len(params) and params[k].kind in positional
        add(a, f"argument {params[k].name}" if ok else f"argument args[{k}]")
    for key in sorted(kwargs):
        add(kwargs[key], f"keyword argument {key}")
    return names


def _paths(x: Any, prefix: str) -> list[str] | None:
    """``['a'][0]``-style paths of the leaves of plain dicts, lists and tuples, in flatten
    order; None when ``x`` holds anything else that is not a leaf."""
    if x is None:
        return []
    if type(x) is dict or isinstance(x, (list, tuple)):
        try:
            items = [(k, x[k]) for k in sorted(x)] if type(x) is dict else list(enumerate(x))
        except TypeError:
            return None
        out: list[str] = []
        for k, v in items:
            sub = _paths(v, f"{prefix}[{k!r}]")
            if sub is None:
                return None
            out.extend(sub)
        return out
    return [prefix] if core.is_arraylike(x) else None
