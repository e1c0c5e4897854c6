"""Shared pieces of primitive rules: shape and dtype checks, normalised axes, and the
rules every monoid reduction shares."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fad._src import core, dtypes
from fad._src.core import Array, DType, Primitive, ShapedArray
from fad._src.interpreters import batch
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.stage import StageHandler
from fad._src.ir import ClosedProgram
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value

# Which dtypes an op accepts, by name, for its error messages.
KINDS: dict[str, Callable[[DType], bool]] = {
    "float": dtypes.is_float,
    "inexact": dtypes.is_inexact,
    "complex": dtypes.is_complex,
    "number": lambda d: dtypes.is_inexact(d) or dtypes.is_integer(d),
    "integer": dtypes.is_integer,
    "int_or_bool": lambda d: dtypes.is_integer(d) or dtypes.is_bool(d),
    "real": lambda d: dtypes.is_float(d) or dtypes.is_integer(d),
    "any": lambda d: True,
}


def check_kind(name: str, kind: str, *avals: ShapedArray) -> None:
    ok = KINDS[kind]
    for a in avals:
        if not ok(a.dtype):
            raise TypeError(f"{name} does not accept dtype {a.dtype.name} (it takes {kind} values)")


def elementwise_aval(
    name: str, avals: Sequence[ShapedArray], kind: str = "any", out_dtype: DType | None = None
) -> ShapedArray:
    """Operands of an elementwise op share one shape and one dtype."""
    check_kind(name, kind, *avals)
    first = avals[0]
    for a in avals[1:]:
        if a.shape != first.shape:
            raise TypeError(
                f"{name} requires operands of equal shapes, got "
                f"{', '.join(x.str_short() for x in avals)}"
            )
        if a.dtype != first.dtype:
            raise TypeError(
                f"{name} requires operands of equal dtypes, got "
                f"{', '.join(x.str_short() for x in avals)}"
            )
    dt = first.dtype if out_dtype is None else out_dtype
    weak = all(a.weak_type for a in avals) and dt == first.dtype
    return ShapedArray(first.shape, dt, weak)


def canonical_axis(axis: int, ndim: int, name: str = "axis") -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name} {axis} is out of bounds for an array of dimension {ndim}")
    return axis % ndim


def canonical_axes(axes: Sequence[int], ndim: int, name: str = "axis") -> tuple[int, ...]:
    out = tuple(canonical_axis(a, ndim, name) for a in axes)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated {name} in {tuple(axes)}")
    return out


# ---------------------------------------------------------------------------
# Reductions over axes: the shared aval, batching and lowering of a monoid reduction
# ---------------------------------------------------------------------------

Axes = tuple[int, ...]


def reduced_aval(
    name: str, x: ShapedArray, axes: Axes, kind: str, dtype: DType | None = None
) -> ShapedArray:
    check_kind(name, kind, x)
    if any(not 0 <= a < x.ndim for a in axes) or len(set(axes)) != len(axes):
        raise TypeError(f"{name}: invalid axes {axes} for {x.str_short()}")
    shape = tuple(n for i, n in enumerate(x.shape) if i not in axes)
    out = x.dtype if dtype is None else dtype
    return ShapedArray(shape, out, x.weak_type and out == x.dtype)


def batch_axes(axes: Axes, d: int) -> Axes:
    return tuple(a if a < d else a + 1 for a in axes)


def out_bdim(axes: Axes, d: int) -> int:
    return d - sum(1 for a in axes if a < d)


def reduction(name: str, impl: Callable[..., Any], kind: str, monoid: str | None) -> Primitive:
    prim = core.new_primitive(name)
    core.def_impl(prim, impl)
    core.def_abstract(prim, lambda x, *, axes: reduced_aval(name, x, axes, kind))

    def batch_rule(vals: Sequence[Array], dims: Sequence[BDim], *, axes: Axes) -> tuple[Array, int]:
        (x,), (d,) = vals, dims
        assert d is not None
        return prim.bind1(x, axes=batch_axes(axes, d)), out_bdim(axes, d)

    batch.def_batch(prim, batch_rule)
    if monoid is not None:
        lowering.def_rule(prim, lambda ctx, x, *, axes: ctx.reduce(monoid, x, axes))
    return prim


def kept_dims(ndim: int, axes: Axes) -> Axes:
    return tuple(i for i in range(ndim) if i not in axes)


# ---------------------------------------------------------------------------
# Lowering through other primitives (for ops StableHLO lacks)
# ---------------------------------------------------------------------------


def lower_via(prim: Primitive, fun: Callable[..., Array]) -> None:
    """Lower ``prim`` by staging ``fun`` (same operands and params) and lowering that."""
    lowering.def_rule(prim, lambda ctx, *args, **params: inline(ctx, fun, args, params))


def inline(
    ctx: LoweringContext, fun: Callable[..., Any], args: Sequence[Value], params: Any
) -> Any:
    """Stage ``fun(*args, **params)`` into a program and lower it at ``ctx``."""
    closed = _staged_via(fun, tuple(a.aval for a in args), dict(params))
    outs = ctx.call(closed, args)
    return outs if len(outs) != 1 or len(ctx.out_avals) != 1 else outs[0]


_via_cache: dict[tuple[Any, ...], ClosedProgram] = {}


def _staged_via(
    fun: Callable[..., Any], avals: tuple[ShapedArray, ...], params: dict[str, Any]
) -> ClosedProgram:
    try:
        key: tuple[Any, ...] | None = (fun, avals, tuple(sorted(params.items())))
        hash(key)
    except TypeError:
        key = None
    if key is not None:
        cached = _via_cache.get(key)
        if cached is not None:
            return cached
    handler = StageHandler(forward_known=False)
    with core.installed(handler):
        ins = [handler.new_arg(a) for a in avals]
        out = fun(*ins, **params)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    closed = handler.build(ins, outs)
    if key is not None:
        _via_cache[key] = closed
    return closed
