"""Functions of functions: ``vectorize``, ``apply_along_axis``, ``apply_over_axes`` and
``piecewise``. Mapping uses the batch interpreter (what ``vmap`` is made of), so the
results differentiate, stage and nest like any other fad code."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fad._src import core
from fad._src import tree_util as tu
from fad._src.core import Array, ArrayLike
from fad._src.interpreters import batch
from fad._src.interpreters.programs import batch_fun
from fad._src.numpy.conversion import asarray, broadcast_to
from fad._src.numpy.indexing import _canonical, index_grid
from fad._src.numpy.manipulation import concatenate
from fad._src.numpy.shapes import expand_dims, moveaxis, ravel, reshape
from fad._src.numpy.sorting import where
from fad._src.numpy.sorting import where as _select
from fad._src.prims import _util
from fad._src.prims import structural as st
from fad._src.prims.control_flow import scan


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


class ufunc:
    """A function with numpy's ufunc methods, as ``jnp.ufunc``: calling it maps ``func``
    over broadcast arguments (``vectorize``), and a binary one has ``reduce``,
    ``accumulate``, ``reduceat``, ``outer`` and ``at`` (folds run as ``scan``, so they
    differentiate and stage). ``call``/``reduce``/... override the generic versions."""

    def __init__(
        self,
        func: Callable[..., Any],
        /,
        nin: int,
        nout: int,
        *,
        name: str | None = None,
        nargs: int | None = None,
        identity: Any = None,
        call: Callable[..., Any] | None = None,
        reduce: Callable[..., Any] | None = None,
        accumulate: Callable[..., Any] | None = None,
        at: Callable[..., Any] | None = None,
        reduceat: Callable[..., Any] | None = None,
    ) -> None:
        if not callable(func):
            raise TypeError(f"ufunc: func must be callable, got {type(func).__name__}")
        self._func = func
        self._nin, self._nout = int(nin), int(nout)
        self._name = name or getattr(func, "__name__", "<ufunc>")
        self._nargs = int(nargs) if nargs is not None else self._nin
        self._identity = identity
        self._call, self._reduce, self._accumulate = call, reduce, accumulate
        self._at, self._reduceat = at, reduceat
        self.__name__ = self._name

    @property
    def nin(self) -> int:
        return self._nin

    @property
    def nout(self) -> int:
        return self._nout

    @property
    def nargs(self) -> int:
        return self._nargs

    @property
    def identity(self) -> Any:
        return self._identity

    def __repr__(self) -> str:
        return f"<jnp.ufunc '{self._name}'>"

    def __call__(self, *args: ArrayLike) -> Any:
        if len(args) != self._nin:
            raise TypeError(f"{self._name}() takes {self._nin} arguments, got {len(args)}")
        if self._call is not None:
            return self._call(*args)
        return vectorize(self._func)(*args)

    def _binary(self, method: str) -> None:
        if self._nin != 2 or self._nout != 1:
            raise ValueError(f"{method} only supported for functions with nin=2 and nout=1")

    def reduce(
        self,
        a: ArrayLike,
        axis: int | None = 0,
        dtype: Any = None,
        out: None = None,
        keepdims: bool = False,
        initial: ArrayLike | None = None,
        where: ArrayLike | None = None,
    ) -> Array:
        """Fold the function over ``axis`` (starting from ``initial`` or the identity, if any)."""
        self._binary("reduce")
        if out is not None:
            raise NotImplementedError("reduce: out= is not supported")
        if self._reduce is not None:
            out_: Array = self._reduce(a, axis, dtype, out, keepdims, initial, where)
            return out_
        x = asarray(a) if dtype is None else asarray(a).astype(dtype)
        if axis is None:
            shape0 = x.shape
            x, ax = ravel(x), 0
        else:
            ax = _util.canonical_axis(axis, x.ndim)
        xs = moveaxis(x, ax, 0)
        start = initial if initial is not None else self._identity
        mask = None
        if where is not None:
            if start is None:
                raise ValueError("reduce: where= needs an initial value or an identity")
            mask = moveaxis(broadcast_to(asarray(where), x.shape), ax, 0)
        if xs.shape[0] == 0 and start is None:
            raise ValueError(f"zero-size reduction of {self._name} without an identity")
        if start is None:
            init, rest, rmask = xs[0], xs[1:], None
        else:
            init = broadcast_to(asarray(start).astype(x.dtype), xs.shape[1:])
            rest, rmask = xs, mask

        f = self._func

        def step(c: Array, item: Any) -> tuple[Array, None]:
            v, m = item
            new = asarray(f(c, v)).astype(c.dtype)
            return (new if m is None else _select(m, new, c)), None

        res, _ = scan(step, init, (rest, rmask))
        if keepdims:
            res = expand_dims(res, ax) if axis is not None else reshape(res, (1,) * len(shape0))
        return res

    def accumulate(self, a: ArrayLike, axis: int = 0, dtype: Any = None, out: None = None) -> Array:
        """Running fold along ``axis`` (the first element unchanged)."""
        self._binary("accumulate")
        if out is not None:
            raise NotImplementedError("accumulate: out= is not supported")
        if self._accumulate is not None:
            res: Array = self._accumulate(a, axis, dtype, out)
            return res
        x = asarray(a) if dtype is None else asarray(a).astype(dtype)
        ax = _util.canonical_axis(axis, x.ndim)
        xs = moveaxis(x, ax, 0)
        if xs.shape[0] == 0:
            return x
        f = self._func

        def step(c: Array, v: Array) -> tuple[Array, Array]:
            new = asarray(f(c, v)).astype(c.dtype)
            return new, new

        _, ys = scan(step, xs[0], xs[1:])
        return moveaxis(concatenate([xs[:1], ys], axis=0), 0, ax)

    def reduceat(
        self,
        a: ArrayLike,
        indices: Any,
        axis: int = 0,
        dtype: Any = None,
        out: None = None,
    ) -> Array:
        """``reduce`` over the slices ``indices[i]:indices[i+1]`` (concrete indices)."""
        self._binary("reduceat")
        if self._reduceat is not None:
            r: Array = self._reduceat(a, indices, axis, dtype, out)
            return r
        x = asarray(a) if dtype is None else asarray(a).astype(dtype)
        ax = _util.canonical_axis(axis, x.ndim)
        if isinstance(indices, core.Tracer):
            raise core.ConcretizationError("reduceat: indices must be concrete")
        idx = np.asarray(indices.concrete_value() if isinstance(indices, Array) else indices)
        n = x.shape[ax]
        parts = []
        for k, i in enumerate(idx):
            j = int(idx[k + 1]) if k + 1 < len(idx) else n
            lo = int(i)
            if lo >= j:
                part = st.slice_in_dim(x, lo, lo + 1, axis=ax)
            else:
                part = expand_dims(
                    ufunc(self._func, 2, 1).reduce(st.slice_in_dim(x, lo, j, axis=ax), ax), ax
                )
            parts.append(part)
        return concatenate(parts, axis=ax)

    def outer(self, A: ArrayLike, B: ArrayLike, /) -> Array:
        """The function at every pair ``(A[i...], B[j...])``."""
        self._binary("outer")
        a, b = asarray(A), asarray(B)
        out: Array = self(reshape(a, (*a.shape, *(1,) * b.ndim)), b)
        return out

    def at(
        self, a: ArrayLike, indices: Any, b: ArrayLike | None = None, /, *, inplace: bool = True
    ) -> Array:
        """``a`` with the function applied at ``indices``, once per occurrence (so repeated
        indices compose, as numpy's ``ufunc.at``); needs ``inplace=False``."""
        if inplace:
            raise ValueError(
                "jnp.ufunc.at cannot modify arrays in place; call it with inplace=False"
            )
        if self._at is not None:
            r: Array = self._at(a, indices, b, inplace=False)
            return r
        x = asarray(a)
        grid = index_grid(x, _canonical(indices))
        k = grid.shape[:-1]
        flat_grid = reshape(grid, (-1, grid.shape[-1]))
        count = flat_grid.shape[0]
        if self._nin == 2:
            if b is None:
                raise TypeError(f"{self._name}.at needs a second operand")
            vals = reshape(broadcast_to(asarray(b).astype(x.dtype), k), (-1,))
        elif self._nin == 1:
            vals = reshape(broadcast_to(asarray(0).astype(x.dtype), k), (-1,))
        else:
            raise ValueError("at only supported for functions with nin=1 or nin=2")
        f, unary = self._func, self._nin == 1

        def step(c: Array, item: tuple[Array, Array]) -> tuple[Array, None]:
            pos, v = item
            where_ = tuple(pos[d] for d in range(pos.shape[0]))
            cur = c[where_]
            new = asarray(f(cur) if unary else f(cur, v)).astype(c.dtype)
            return c.at[where_].set(new), None

        if count == 0:
            return x
        res, _ = scan(step, x, (flat_grid, vals))
        return res


def frompyfunc(func: Callable[..., Any], /, nin: int, nout: int, *, identity: Any = None) -> ufunc:
    """A ``ufunc`` from a Python function of ``nin`` arguments."""
    return ufunc(func, nin, nout, identity=identity)
