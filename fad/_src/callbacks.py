"""Calling Python from inside transformed code: ``pure_callback``, ``debug.callback`` and
``debug.print``.

Two primitives carry a Python function. Eagerly they call it on numpy values; staged under
``jit`` they lower to XLA's Python-callback FFI target (``xla_ffi_python_cpu_callback``),
whose functions the executable receives when it is compiled, so the call happens on every
run of the program. ``pure_callback`` returns arrays of declared shapes and may be removed
when unused; ``debug_callback`` returns nothing and is *effectful*, which keeps it in staged
programs. Under ``vmap``, ``pure_callback`` follows its ``vmap_method`` and
``debug_callback`` runs once per batch element; under differentiation ``debug_callback``
sees the primal values, and ``pure_callback`` refuses (give it a ``custom_jvp``).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from fad._src import core, dtypes
from fad._src import tree_util as tu
from fad._src.core import Array, ShapedArray
from fad._src.interpreters import batch as batching
from fad._src.interpreters import jvp as jvp_mod
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value

__all__ = ["ShapeDtypeStruct", "debug_callback", "debug_print", "pure_callback"]

T = TypeVar("T")
NDArray = np.ndarray[Any, Any]


@dataclass(frozen=True)
class ShapeDtypeStruct:
    """The shape and dtype of an array, without its data (what ``pure_callback`` returns).

    Args:
        shape: The array's shape.
        dtype: The array's dtype.
    """

    shape: tuple[int, ...]
    dtype: np.dtype[Any]

    def __init__(self, shape: Sequence[int], dtype: Any) -> None:
        object.__setattr__(self, "shape", tuple(int(d) for d in shape))
        object.__setattr__(self, "dtype", np.dtype(dtype))


@dataclass(frozen=True, eq=False)
class _HostFn:
    """A Python function in a primitive's parameters (hashed by identity)."""

    fn: Callable[..., Any]


def _host_values(args: Sequence[Array]) -> list[NDArray]:
    return [np.asarray(a._value) for a in args]


def _checked(outs: Any, avals: Sequence[ShapedArray], what: str) -> list[NDArray]:
    vals = list(outs) if isinstance(outs, tuple | list) else [outs]
    if len(vals) != len(avals):
        raise RuntimeError(f"{what} returned {len(vals)} values, expected {len(avals)}")
    out = []
    for i, (v, a) in enumerate(zip(vals, avals, strict=True)):
        arr = np.asarray(v)
        if arr.shape != a.shape:
            raise RuntimeError(
                f"{what}: result {i} has shape {arr.shape}, but result_shape_dtypes says "
                f"{a.shape}"
            )
        if arr.dtype != a.dtype:
            raise RuntimeError(
                f"{what}: result {i} has dtype {arr.dtype}, but result_shape_dtypes says "
                f"{a.dtype}"
            )
        out.append(arr)
    return out


# ---------------------------------------------------------------------------
# pure_callback
# ---------------------------------------------------------------------------

pure_callback_p = core.new_primitive("pure_callback", multiple_results=True)


def _pure_eager(
    *args: Array, callback: _HostFn, results: tuple[ShapedArray, ...], vmap_method: str | None
) -> list[Array]:
    outs = _checked(callback.fn(*_host_values(args)), results, "pure_callback")
    return [core.asarray(o) for o in outs]


def _pure_jvp(primals: Sequence[Array], tangents: Sequence[MaybeZero], **params: Any) -> Any:
    raise ValueError(
        "Pure callbacks do not support JVP: fad cannot differentiate through a Python "
        "function. Wrap the callback in fad.custom_jvp (or fad.custom_vjp) with a rule."
    )


def _pure_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, callback: _HostFn,
    results: tuple[ShapedArray, ...], vmap_method: str | None,
) -> tuple[list[Array], list[BDim]]:  # fmt: skip
    size = batching.batch_size(vals, dims)
    if vmap_method is None:
        raise NotImplementedError(
            "vmap of a pure_callback needs vmap_method: 'sequential' (call it per element), "
            "'expand_dims' (unbatched arguments get a leading axis of size 1) or "
            "'broadcast_all' (every argument gets the batch axis)"
        )
    batched = [d is not None for d in dims]
    moved = [batching.bdim_at_front(v, d, size) if d is not None else v
             for v, d in zip(vals, dims, strict=True)]  # fmt: skip
    out_avals = tuple(ShapedArray((size, *a.shape), a.dtype, a.weak_type) for a in results)
    fn = callback.fn
    if vmap_method == "sequential":

        def each(*xs: NDArray) -> list[NDArray]:
            rows = [
                _checked(fn(*(x[i] if b else x for x, b in zip(xs, batched, strict=True))),
                         results, "pure_callback")
                for i in range(size)
            ]  # fmt: skip
            return [np.stack([r[k] for r in rows]) for k in range(len(results))]

        new = _HostFn(each)
        args = moved
    elif vmap_method in ("expand_dims", "broadcast_all"):
        args = []
        for v, b in zip(moved, batched, strict=True):
            if b:
                args.append(v)
            elif vmap_method == "expand_dims":
                args.append(batching.bdim_at_front(v, None, 1))
            else:
                args.append(batching.bdim_at_front(v, None, size))
        new = callback
    else:
        raise ValueError(
            f"vmap_method must be 'sequential', 'expand_dims' or 'broadcast_all', got "
            f"{vmap_method!r}"
        )
    outs = pure_callback_p.bindn(*args, callback=new, results=out_avals, vmap_method=vmap_method)
    return outs, [0] * len(outs)


def _pure_lower(
    ctx: LoweringContext, *args: Value, callback: _HostFn, results: tuple[ShapedArray, ...],
    vmap_method: str | None,
) -> list[Value]:  # fmt: skip
    def call(*xs: NDArray) -> tuple[NDArray, ...]:
        return tuple(_checked(callback.fn(*xs), results, "pure_callback"))

    return ctx.host_callback(call, args, results, side_effect=False)


core.def_abstract(pure_callback_p, lambda *avals, results, **_: list(results))
core.def_array_impl(pure_callback_p, _pure_eager)
jvp_mod.def_jvp_rule(pure_callback_p, _pure_jvp)
batching.def_batch(pure_callback_p, _pure_batch)
lowering.def_rule(pure_callback_p, _pure_lower)


def _result_avals(result_shape_dtypes: Any) -> tuple[list[ShapedArray], tu.PyTreeDef]:
    leaves, tree = tu.tree_flatten(result_shape_dtypes)
    avals = []
    for leaf in leaves:
        shape, dtype = getattr(leaf, "shape", None), getattr(leaf, "dtype", None)
        if shape is None or dtype is None:
            raise TypeError(
                "pure_callback: result_shape_dtypes must be a pytree of objects with .shape "
                f"and .dtype (fad.ShapeDtypeStruct), got {type(leaf).__name__}"
            )
        avals.append(ShapedArray(tuple(shape), dtypes.canonicalize_dtype(dtype), False))
    return avals, tree


def pure_callback(
    callback: Callable[..., Any],
    result_shape_dtypes: Any,
    *args: Any,
    vmap_method: str | None = None,
    **kwargs: Any,
) -> Any:
    """Call a pure Python function on numpy values, also from inside ``jit`` and ``vmap``.

    Args:
        callback: A function of numpy arrays (pytrees like ``args``/``kwargs``) returning
            arrays shaped like ``result_shape_dtypes``. It must be pure: it may be called
            any number of times, or not at all when its result is unused.
        result_shape_dtypes: A pytree of ``fad.ShapeDtypeStruct`` (or arrays): what it
            returns.
        *args: Its positional arguments (pytrees of arrays).
        vmap_method: How ``vmap`` calls it: ``"sequential"`` (once per element),
            ``"expand_dims"`` (unbatched arguments get a size-1 leading axis) or
            ``"broadcast_all"``; ``None`` makes ``vmap`` an error.
        **kwargs: Its keyword arguments.

    Returns:
        The callback's results as fad arrays, in the structure of ``result_shape_dtypes``.

    Raises:
        TypeError: ``result_shape_dtypes`` has a leaf without shape and dtype.
        ValueError: On differentiation (give it a ``custom_jvp``).

    Examples:
        >>> f = lambda x: fad.pure_callback(np.sin, fad.ShapeDtypeStruct(x.shape, x.dtype), x)
        >>> fad.jit(f)(jnp.zeros(2))
        Array([0., 0.], dtype=float32)
    """
    avals, out_tree = _result_avals(result_shape_dtypes)
    leaves, in_tree = tu.tree_flatten((args, kwargs))
    arrays = [core.asarray(x) for x in leaves]

    def flat(*xs: NDArray) -> list[NDArray]:
        a, k = tu.tree_unflatten(in_tree, list(xs))
        out = callback(*a, **k)
        return [np.asarray(o) for o in tu.tree_leaves(out)]

    outs = pure_callback_p.bindn(
        *arrays, callback=_HostFn(flat), results=tuple(avals), vmap_method=vmap_method
    )
    return tu.tree_unflatten(out_tree, outs)


# ---------------------------------------------------------------------------
# debug_callback (effectful)
# ---------------------------------------------------------------------------

debug_callback_p = core.new_primitive("debug_callback", multiple_results=True)
core.effectful.add(debug_callback_p)


def _debug_eager(*args: Array, callback: _HostFn) -> list[Array]:
    callback.fn(*_host_values(args))
    return []


def _debug_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, callback: _HostFn
) -> tuple[list[Array], list[MaybeZero]]:
    debug_callback_p.bindn(*primals, callback=callback)  # it sees the primal values
    return [], []


def _debug_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, callback: _HostFn
) -> tuple[list[Array], list[BDim]]:
    size = batching.batch_size(vals, dims)
    batched = [d is not None for d in dims]
    moved = [batching.bdim_at_front(v, d, size) if d is not None else v
             for v, d in zip(vals, dims, strict=True)]  # fmt: skip
    fn = callback.fn

    def each(*xs: NDArray) -> None:
        for i in range(size):
            fn(*(x[i] if b else x for x, b in zip(xs, batched, strict=True)))

    debug_callback_p.bindn(*moved, callback=_HostFn(each))
    return [], []


def _debug_lower(ctx: LoweringContext, *args: Value, callback: _HostFn) -> list[Value]:
    def call(*xs: NDArray) -> tuple[()]:
        callback.fn(*xs)
        return ()

    ctx.host_callback(call, args, [], side_effect=True)
    return []


core.def_abstract(debug_callback_p, lambda *avals, callback: [])
core.def_array_impl(debug_callback_p, _debug_eager)
jvp_mod.def_jvp_rule(debug_callback_p, _debug_jvp)
batching.def_batch(debug_callback_p, _debug_batch)
lowering.def_rule(debug_callback_p, _debug_lower)


def debug_callback(callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Call ``callback`` for its effect (logging, printing) on numpy values, every time the
    code runs: eagerly, on each run of a ``jit`` program, once per element under ``vmap``,
    on the primal values under differentiation.

    Args:
        callback: A function of numpy arrays (pytrees like ``args``/``kwargs``); its result
            is ignored.
        *args: Its positional arguments (pytrees of arrays).
        **kwargs: Its keyword arguments.

    Examples:
        >>> f = fad.jit(lambda x: fad.debug.callback(print, x) or x * 2)
        >>> y = f(jnp.arange(2.0))
        [0. 1.]
    """
    leaves, tree = tu.tree_flatten((args, kwargs))
    arrays = [core.asarray(x) for x in leaves]

    def flat(*xs: NDArray) -> None:
        a, k = tu.tree_unflatten(tree, list(xs))
        callback(*a, **k)

    debug_callback_p.bindn(*arrays, callback=_HostFn(flat))


def debug_print(fmt: str, *args: Any, **kwargs: Any) -> None:
    """Print ``fmt.format(*args, **kwargs)`` with the arrays' values, when the code runs
    (also inside ``jit``, once per element under ``vmap``, primal values under ``grad``).

    Args:
        fmt: A ``str.format`` template.
        *args: Values for its positional fields (pytrees of arrays).
        **kwargs: Values for its named fields.

    Raises:
        ValueError: ``fmt`` is not a valid format string.

    Examples:
        >>> f = fad.jit(lambda x: fad.debug.print("x = {x}", x=x) or x + 1.0)
        >>> y = f(jnp.float32(2.0))
        x = 2.0
    """
    try:
        list(string.Formatter().parse(fmt))
    except ValueError as err:
        raise ValueError(f"debug.print: invalid format string {fmt!r}: {err}") from None
    debug_callback(lambda *a, **k: print(fmt.format(*a, **k)), *args, **kwargs)
