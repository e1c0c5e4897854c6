"""Batching (``vmap``): the batch handler and its rule table.

A ``BatchTracer`` is an array with one extra axis, the batch axis, at position
``bdim``. Each primitive's batching rule turns the primitive on the batch into
primitives on whole arrays, moving the batch axis only when it must. Values the
handler does not own are unbatched and pass through as they are.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol, cast, final

from fad._src import core
from fad._src.core import Array, Params, Primitive, ShapedArray, Tracer

# ``None`` marks an unbatched operand or result.
BDim = int | None


class BatchRule(Protocol):
    """(operands, bdims, **params) -> (result, result bdim); both are lists for a
    multiple-result primitive. ``*args: Any, **params: Any`` admits each primitive's own
    keyword parameters (the documented ``Any`` seam of every rule table)."""

    def __call__(
        self, vals: Sequence[Array], dims: Sequence[BDim], *args: Any, **params: Any
    ) -> tuple[Array | Sequence[Array], BDim | Sequence[BDim]]: ...


batch_rules: dict[Primitive, BatchRule] = {}


def def_batch(prim: Primitive, rule: BatchRule) -> None:
    """Register ``prim``'s batching rule (``defvectorized`` and ``defbroadcasting`` build
    the common ones)."""
    batch_rules[prim] = rule


class NamedRule(Protocol):
    """How the handler owning a named axis applies a collective over it: (handler,
    operands, bdims, **params) -> (result, result bdim). Operands may be unbatched."""

    def __call__(
        self, handler: BatchHandler, vals: Sequence[Array], dims: Sequence[BDim], *args: Any,
        **params: Any,
    ) -> tuple[Array, BDim]: ...  # fmt: skip


named_rules: dict[Primitive, NamedRule] = {}


def def_named(prim: Primitive, rule: NamedRule) -> None:
    """Register a collective's rule for the handler that owns its axis (``axis_name`` or
    one of ``axes`` among its parameters)."""
    named_rules[prim] = rule


# The named axes in scope, innermost last: what the abstract rules of collectives read
# (an axis's size) while a function runs under ``vmap(..., axis_name=...)``.
_axis_env: ContextVar[tuple[tuple[Hashable, int], ...]] = ContextVar("axis_env", default=())


_rule_axis: ContextVar[Hashable | None] = ContextVar("rule_axis", default=None)


def rule_axis_name() -> Hashable | None:
    """The axis name of the handler whose batching rule is running (``None`` unnamed)."""
    return _rule_axis.get()


def axis_size(name: Hashable) -> int | None:
    """The size of the named axis ``name`` in scope, or ``None`` if no one binds it."""
    for n, size in reversed(_axis_env.get()):
        if n == name:
            return size
    return None


@contextmanager
def named_axis(name: Hashable, size: int) -> Iterator[None]:
    """Bind ``name`` to an axis of ``size`` for the collectives run inside."""
    token = _axis_env.set((*_axis_env.get(), (name, size)))
    try:
        yield
    finally:
        _axis_env.reset(token)


@final
class BatchTracer(Tracer):
    __slots__ = ("bdim", "val")
    val: Array
    bdim: int

    def __init__(self, handler: BatchHandler, val: Array, bdim: int) -> None:
        self._handler = handler
        self.val = val
        self.bdim = bdim

    @property
    def aval(self) -> ShapedArray:
        a = self.val.aval
        shape = a.shape[: self.bdim] + a.shape[self.bdim + 1 :]
        return ShapedArray(shape, a.dtype, a.weak_type)


@dataclass(frozen=True, eq=False)
class BatchHandler(core.Handler):
    axis_size: int
    axis_name: Hashable | None = None

    def process(self, prim: Primitive, args: Sequence[Array], params: Params) -> Any:
        vals: list[Array] = []
        dims: list[BDim] = []
        batched = False
        for a in args:
            if type(a) is BatchTracer and a._handler is self:
                vals.append(a.val)
                dims.append(a.bdim)
                batched = True
            else:
                vals.append(a)
                dims.append(None)
        if self.axis_name is not None and prim in named_rules and self._owns(params):
            named, named_dim = named_rules[prim](self, vals, dims, **params)
            return self.wrap(named, named_dim)
        if not batched:
            return core.bind(prim, tuple(vals), params)
        rule = batch_rules.get(prim)
        if rule is None:
            raise NotImplementedError(f"batching rule for '{prim.name}' not implemented")
        if self.axis_name is None:
            out, out_dim = rule(vals, dims, **params)
        else:
            # Rules that batch a sub-program (jit, control flow) bind the same axis name
            # inside it, so collectives there see their axis.
            token = _rule_axis.set(self.axis_name)
            try:
                out, out_dim = rule(vals, dims, **params)
            finally:
                _rule_axis.reset(token)
        if prim.multiple_results:
            outs = cast("Sequence[Array]", out)
            out_dims = cast("Sequence[BDim]", out_dim)
            return [self.wrap(o, d) for o, d in zip(outs, out_dims, strict=True)]
        return self.wrap(cast(Array, out), cast(BDim, out_dim))

    def passes_concrete(self) -> bool:
        # Without an axis name, a primitive with no batched operand is re-emitted; with
        # one, a collective over the axis is this handler's even on concrete operands.
        return self.axis_name is None

    def _owns(self, params: Params) -> bool:
        axes = params.get("axes", (params.get("axis_name"),))
        return self.axis_name in axes

    def wrap(self, val: Array, bdim: BDim) -> Array:
        return val if bdim is None else BatchTracer(self, val, bdim)

    def unwrap(self, x: Array) -> tuple[Array, BDim]:
        if isinstance(x, BatchTracer) and x._handler is self:
            return x.val, x.bdim
        return x, None

    def concrete_value(self, tracer: Tracer) -> Any:
        raise core.ConcretizationError(
            f"Abstract tracer value encountered where a concrete value is expected: {tracer!r} "
            "under vmap. A batched value has one value per batch element, so Python control "
            "flow (`if`, `bool()`, `float()`) cannot depend on it; use `fad.numpy.where` or "
            "`fad.lax.cond`/`fad.lax.select` instead."
        )


# ---------------------------------------------------------------------------
# Axis movement helpers used by the rules
# ---------------------------------------------------------------------------


def moveaxis(x: Array, src: int, dst: int) -> Array:
    if src == dst:
        return x
    perm = [i for i in range(x.ndim) if i != src]
    perm.insert(dst, src)
    return core.transpose_p.bind1(x, permutation=tuple(perm))


def bdim_at_front(x: Array, bdim: BDim, size: int) -> Array:
    """Put the batch axis first, broadcasting an unbatched value to the batch size."""
    return bdim_to(x, bdim, size, 0)


def bdim_to(x: Array, bdim: BDim, size: int, dst: int) -> Array:
    """Put the batch axis at ``dst``, broadcasting an unbatched value to the batch size."""
    if bdim is not None:
        return moveaxis(x, bdim, dst)
    old = x.shape
    shape = (*old[:dst], size, *old[dst:])
    dims = (*range(dst), *range(dst + 1, len(old) + 1))
    return core.broadcast_in_dim_p.bind1(x, shape=shape, broadcast_dimensions=dims)


def align(vals: Sequence[Array], dims: Sequence[BDim]) -> tuple[list[Array], int]:
    """Give every operand its batch axis where the first batched operand has it.

    Operands already there are untouched; only the others move (or are broadcast).
    """
    size, dst = -1, -1
    for v, d in zip(vals, dims, strict=True):
        if d is not None:
            size, dst = v.shape[d], d
            break
    if dst < 0:
        raise ValueError("no batched operand")
    out = [v if d == dst else bdim_to(v, d, size, dst) for v, d in zip(vals, dims, strict=True)]
    return out, dst


def batch_size(vals: Sequence[Array], dims: Sequence[BDim]) -> int:
    for v, d in zip(vals, dims, strict=True):
        if d is not None:
            return v.shape[d]
    raise ValueError("no batched operand")


def defvectorized(prim: Primitive) -> None:
    """Unary ops that act elementwise whatever the shape: the batch axis stays put."""

    def rule(vals: Sequence[Array], dims: Sequence[BDim], **params: Any) -> tuple[Any, Any]:
        out = prim.bind(*vals, **params)
        if prim.multiple_results:
            return out, [dims[0]] * len(out)
        return out, dims[0]

    def_batch(prim, rule)


def defbroadcasting(prim: Primitive) -> None:
    """N-ary elementwise ops on equal shapes: align the batch axes (broadcasting the rest)."""

    def rule(vals: Sequence[Array], dims: Sequence[BDim], **params: Any) -> tuple[Any, Any]:
        aligned, d = align(vals, dims)
        return prim.bind(*aligned, **params), d

    def_batch(prim, rule)
