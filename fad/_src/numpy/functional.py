"""Functions of functions: ``vectorize``, ``apply_along_axis``, ``apply_over_axes`` and
``piecewise``. Mapping uses the batch interpreter (what ``vmap`` is made of), so the
results differentiate, stage and nest like any other fad code."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fad._src import tree_util as tu
from fad._src.core import Array, ArrayLike
from fad._src.interpreters import batch
from fad._src.interpreters.programs import batch_fun
from fad._src.numpy.conversion import asarray, broadcast_to
from fad._src.numpy.shapes import expand_dims, moveaxis, reshape
from fad._src.numpy.sorting import where
from fad._src.prims import _util


def _map0(fn: Callable[..., Any], args: Sequence[Array], mapped: Sequence[bool], size: int) -> Any:
    """``fn`` applied to slices ``args[i][k]`` (or ``args[i]`` where not mapped), stacked."""
    outs: list[Any] = []

    def flat_fn(*xs: Array) -> list[Array]:
        out = fn(*xs)
        leaves, tree = tu.tree_flatten(out)
        outs.append(tree)
        return [asarray(v) for v in leaves]

    pairs = batch_fun(flat_fn, list(args), [0 if m else None for m in mapped], size)
    leaves = [batch.bdim_to(v, d, size, 0) for v, d in pairs]
    return tu.tree_unflatten(outs[0], leaves)


def _parse_signature(sig: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    def dims(part: str) -> list[tuple[str, ...]]:
        part = part.strip()
        out = []
        for grp in part.split(")")[:-1]:
            grp = grp.lstrip(", ").lstrip("(")
            out.append(tuple(d.strip() for d in grp.split(",") if d.strip()))
        return out

    ins, _, outs = sig.partition("->")
    return dims(ins), dims(outs)


def vectorize(
    pyfunc: Callable[..., Any], *, excluded: Any = frozenset(), signature: str | None = None
) -> Callable[..., Any]:
    """``pyfunc`` generalized to broadcast over its arguments' leading axes (core
    dimensions from a gufunc ``signature``, default scalars); ``excluded`` positions or
    names are passed through unchanged."""
    in_core: list[tuple[str, ...]] | None = None
    if signature is not None:
        in_core, _ = _parse_signature(signature)

    @functools.wraps(pyfunc)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        excl_pos = {i for i in excluded if isinstance(i, int)}
        fixed_kwargs = {k: v for k, v in kwargs.items() if k in excluded}
        kw_names = [k for k in kwargs if k not in excluded]
        pos = [i for i in range(len(args)) if i not in excl_pos]
        arrays = [asarray(args[i]) for i in pos] + [asarray(kwargs[k]) for k in kw_names]
        if in_core is not None and len(in_core) != len(arrays):
            raise ValueError(
                f"vectorize: signature {signature!r} has {len(in_core)} inputs, got {len(arrays)}"
            )
        ncore = [len(in_core[i]) if in_core else 0 for i in range(len(arrays))]
        loop_shapes = [a.shape[: a.ndim - n] for a, n in zip(arrays, ncore, strict=True)]
        loop = tuple(np.broadcast_shapes(*loop_shapes)) if arrays else ()
        arrays = [broadcast_to(a, loop + a.shape[a.ndim - n:])
                  for a, n in zip(arrays, ncore, strict=True)]  # fmt: skip

        def call(*xs: Array) -> Any:
            call_args = list(args)
            for i, x in zip(pos, xs[: len(pos)], strict=True):
                call_args[i] = x
            kw = dict(fixed_kwargs)
            kw.update(zip(kw_names, xs[len(pos) :], strict=True))
            return pyfunc(*call_args, **kw)

        fn: Callable[..., Any] = call
        for size in reversed(loop):
            fn = functools.partial(_map0, fn, mapped=[True] * len(arrays), size=size)
            fn = _splat(fn)
        return fn(*arrays) if loop else call(*arrays)

    return wrapped


def _splat(f: Callable[..., Any]) -> Callable[..., Any]:
    def g(*xs: Array) -> Any:
        return f(list(xs))

    return g


def apply_along_axis(
    func1d: Callable[..., Any], axis: int, arr: ArrayLike, *args: Any, **kwargs: Any
) -> Array:
    """``func1d`` applied to every 1-d slice along ``axis``; its output axes replace it."""
    x = asarray(arr)
    ax = _util.canonical_axis(axis, x.ndim)
    moved = moveaxis(x, ax, -1)
    lead = moved.shape[:-1]
    flat = reshape(moved, (-1, moved.shape[-1])) if lead else reshape(moved, (1, -1))
    n = flat.shape[0]
    out = asarray(_map0(lambda s: asarray(func1d(s, *args, **kwargs)), [flat], [True], n))
    out = reshape(out, (*lead, *out.shape[1:]))
    k = out.ndim - len(lead)
    return moveaxis(out, tuple(range(len(lead), out.ndim)), tuple(range(ax, ax + k))) if k else out


def apply_over_axes(
    func: Callable[[ArrayLike, int], Array], a: ArrayLike, axes: Sequence[int]
) -> Array:
    """``func(a, axis)`` for each axis in turn, keeping the reduced axes as size 1."""
    x = asarray(a)
    for ax in [axes] if isinstance(axes, int) else axes:
        out = asarray(func(x, ax))
        if out.ndim == x.ndim - 1:
            out = expand_dims(out, ax)
        elif out.ndim != x.ndim:
            raise ValueError(
                "apply_over_axes: function is not returning an array of the correct shape"
            )
        x = out
    return x


def piecewise(
    x: ArrayLike,
    condlist: Array | Sequence[ArrayLike],
    funclist: list[ArrayLike | Callable[..., Array]],
    *args: Any,
    **kw: Any,
) -> Array:
    """``funclist[i]`` (a function of ``x`` or a constant) where ``condlist[i]``; an extra
    last entry of ``funclist`` is the default. Later conditions win, as in numpy."""
    xv = asarray(x)
    conds = [asarray(c) for c in condlist] if not isinstance(condlist, Array) or (
        condlist.ndim > xv.ndim) else [condlist]  # fmt: skip
    n = len(conds)
    if len(funclist) not in (n, n + 1):
        raise ValueError(
            f"piecewise: with {n} conditions, funclist must have {n} or {n + 1} entries"
        )

    def value(f: Any) -> Array:
        v = f(xv, *args, **kw) if callable(f) else asarray(f)
        return broadcast_to(asarray(v).astype(xv.dtype), xv.shape)

    out = value(funclist[n]) if len(funclist) == n + 1 else broadcast_to(
        asarray(0).astype(xv.dtype), xv.shape)  # fmt: skip
    for c, f in zip(conds, funclist[:n], strict=True):
        out = where(broadcast_to(c, xv.shape), value(f), out)
    return out
