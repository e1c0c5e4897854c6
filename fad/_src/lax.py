"""``fad.lax``'s own functions: JAX's signatures over fad's primitives.

The binary elementwise operations do no numpy-style promotion or broadcasting, but a
Python scalar (a weakly typed operand) takes the dtype of the array it meets; the
structural ones (``reshape``, ``slice``, ``full``, ``iota``, the dynamic slices, the
cumulative reductions, ``sort``) adapt JAX's argument conventions to the primitives.
``fad.lax`` re-exports these beside the primitives it exposes unchanged.
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Callable, Sequence
from typing import Any, Concatenate, ParamSpec, TypeVar

import numpy as np

from fad._src import core, dtypes
from fad._src import tree_util as tu
from fad._src.core import Array, ArrayLike
from fad._src.prims import bits, convolution, windows
from fad._src.prims import elementwise as ew
from fad._src.prims import indexing as ix
from fad._src.prims import linalg as la
from fad._src.prims import reductions as red
from fad._src.prims import sorting as so
from fad._src.prims import structural as st

P = ParamSpec("P")
R = TypeVar("R")

# ---------------------------------------------------------------------------
# Binary elementwise ops (a Python scalar adopts the other operand's dtype)
# ---------------------------------------------------------------------------


def _lax_operand(x: object, name: str, position: int) -> Array:
    """An operand of a ``fad.lax`` function as an ``Array``: numpy arrays and scalars and
    Python scalars convert (a Python scalar weakly typed), as in ``jax.lax``; anything else
    (a list, a string) is a TypeError naming the argument."""
    if isinstance(x, Array):
        return x
    if isinstance(x, (np.ndarray, np.generic, bool, int, float, builtins.complex)):
        return core.asarray(x)
    raise TypeError(
        f"{name} takes arrays or scalars, got {type(x).__name__} at position {position}"
    )


def _adopt_weak(a: Array, b: Array) -> Array:
    """``a`` (weakly typed) in ``b``'s dtype when that loses no kind (a Python int meets any
    number, a Python float any inexact number, a complex a complex one)."""
    if dtypes.is_bool(a.dtype) or dtypes.is_bool(b.dtype):
        return a
    if dtypes.is_complex(a.dtype) and not dtypes.is_complex(b.dtype):
        return a
    if dtypes.is_inexact(a.dtype) and not dtypes.is_inexact(b.dtype):
        return a
    return ew.convert_element_type(a, b.dtype)


def _broadcast_operands(name: str, *xs: Array) -> list[Array]:
    """``jax.lax``'s broadcasting: scalars broadcast to any shape, and operands of one rank
    broadcast their size-1 dimensions; ranks that differ otherwise are a TypeError."""
    shaped = [x for x in xs if x.ndim]
    if not shaped:
        return list(xs)
    ranks = {x.ndim for x in shaped}
    if len(ranks) > 1:
        raise TypeError(
            f"{name}: arrays must have the same number of dimensions, got {sorted(ranks)}"
        )
    shape = []
    for sizes in zip(*(x.shape for x in shaped), strict=True):
        big = {d for d in sizes if d != 1}
        if len(big) > 1:
            raise TypeError(
                f"{name} got incompatible shapes for broadcasting: "
                f"{', '.join(str(x.shape) for x in shaped)}"
            )
        shape.append(big.pop() if big else 1)
    out = []
    for x in xs:
        if x.shape != tuple(shape):
            kept = tuple(i for i in range(x.ndim) if x.shape[i] == shape[i])
            if x.ndim:
                x = st.reshape(x, [x.shape[i] for i in kept])
            x = st.broadcast_in_dim(x, shape, kept)
        out.append(x)
    return out


def _operands(name: str, *args: object) -> list[Array]:
    xs = [_lax_operand(x, name, i) for i, x in enumerate(args)]
    strong = [x for x in xs if not x.weak_type]
    if strong:
        xs = [_adopt_weak(x, strong[0]) if x.weak_type else x for x in xs]
    elif len({x.dtype for x in xs}) > 1:
        # Weak operands of several dtypes (``1`` and ``2.0``): the widest kind decides.
        widest = builtins.max(
            xs, key=lambda x: (dtypes.is_complex(x.dtype), dtypes.is_inexact(x.dtype))
        )
        xs = [_adopt_weak(x, widest) if x is not widest else x for x in xs]
    dts = {x.dtype for x in xs}
    if len(dts) > 1:
        raise TypeError(
            f"lax.{name} requires arguments to have the same dtypes, got "
            f"{', '.join(x.dtype.name for x in xs)} (fad.numpy.{name} promotes)"
        )
    return _broadcast_operands(name, *xs)


def _unary(fn: Callable[[Array], Array]) -> Callable[[ArrayLike], Array]:
    name = fn.__name__.rstrip("_")

    def op(x: ArrayLike) -> Array:
        return fn(x if isinstance(x, Array) else _lax_operand(x, name, 0))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = fn.__doc__ or f"Elementwise ``{name}`` (``jax.lax.{name}``)."
    return op


def _binary(fn: Callable[[Array, Array], Array]) -> Callable[[ArrayLike, ArrayLike], Array]:
    name = fn.__name__.rstrip("_")

    def op(x: ArrayLike, y: ArrayLike) -> Array:
        if isinstance(x, Array) and isinstance(y, Array):
            if x.shape == y.shape and x.dtype == y.dtype:  # the common case, as is
                return fn(x, y)
        return fn(*_operands(name, x, y))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``{name}`` of two arrays of one dtype; scalars and size-1 dimensions broadcast."
    return op


add = _binary(ew.add)
sub = _binary(ew.sub)
mul = _binary(ew.mul)
div = _binary(ew.div)
rem = _binary(ew.rem)
pow = _binary(ew.pow)
max = _binary(ew.max)
min = _binary(ew.min)
atan2 = _binary(ew.atan2)
nextafter = _binary(ew.nextafter)
polygamma = _binary(ew.polygamma)
bitwise_and = _binary(ew.bitwise_and)
bitwise_or = _binary(ew.bitwise_or)
bitwise_xor = _binary(ew.bitwise_xor)
shift_left = _binary(ew.shift_left)
shift_right_arithmetic = _binary(ew.shift_right_arithmetic)
shift_right_logical = _binary(ew.shift_right_logical)
complex = _binary(ew.complex_)
eq = _binary(ew.eq)
ne = _binary(ew.ne)
lt = _binary(ew.lt)
le = _binary(ew.le)
gt = _binary(ew.gt)
ge = _binary(ew.ge)


def clamp(min: ArrayLike, x: ArrayLike, max: ArrayLike) -> Array:
    """``x`` clipped to ``[min, max]`` (bounds of ``x``'s dtype, scalars or same shape)."""
    a = _lax_operand(x, "clamp", 1)
    lo = _lax_operand(min, "clamp", 0)
    hi = _lax_operand(max, "clamp", 2)
    lo = _adopt_weak(lo, a) if lo.weak_type and not a.weak_type else lo
    hi = _adopt_weak(hi, a) if hi.weak_type and not a.weak_type else hi
    for name, b in (("min", lo), ("max", hi)):
        if b.shape not in ((), a.shape):
            raise TypeError(
                f"clamp's {name} must be a scalar or of x's shape {a.shape}, got {b.shape}"
            )
    if lo.shape != a.shape:
        lo = st.broadcast_in_dim(lo, a.shape, ())
    if hi.shape != a.shape:
        hi = st.broadcast_in_dim(hi, a.shape, ())
    return ew.clamp(lo, a, hi)


abs = _unary(ew.abs)
acos = _unary(ew.acos)
acosh = _unary(ew.acosh)
asin = _unary(ew.asin)
asinh = _unary(ew.asinh)
atan = _unary(ew.atan)
atanh = _unary(ew.atanh)
bitwise_not = _unary(ew.bitwise_not)
cbrt = _unary(ew.cbrt)
ceil = _unary(ew.ceil)
conj = _unary(ew.conj)
cos = _unary(ew.cos)
cosh = _unary(ew.cosh)
digamma = _unary(ew.digamma)
erf = _unary(ew.erf)
erf_inv = _unary(ew.erf_inv)
erfc = _unary(ew.erfc)
exp = _unary(ew.exp)
exp2 = _unary(ew.exp2)
expm1 = _unary(ew.expm1)
floor = _unary(ew.floor)
imag = _unary(ew.imag)
is_finite = _unary(ew.is_finite)
lgamma = _unary(ew.lgamma)
log = _unary(ew.log)
log1p = _unary(ew.log1p)
logistic = _unary(ew.logistic)
neg = _unary(ew.neg)
real = _unary(ew.real)
round = _unary(ew.round)
rsqrt = _unary(ew.rsqrt)
sign = _unary(ew.sign)
sin = _unary(ew.sin)
sinh = _unary(ew.sinh)
sqrt = _unary(ew.sqrt)
tan = _unary(ew.tan)
tanh = _unary(ew.tanh)


def integer_pow(x: ArrayLike, y: int) -> Array:
    """``x ** y`` for a static integer ``y``."""
    return ew.integer_pow(_lax_operand(x, "integer_pow", 0), y)


def select_n(which: ArrayLike, *cases: ArrayLike) -> Array:
    """``cases[which]`` elementwise; a scalar ``which`` picks one case whole."""
    w = _lax_operand(which, "select_n", 0)
    cs = _operands("select_n", *cases)
    if w.ndim == 0 and cs and cs[0].ndim:
        w = st.broadcast_in_dim(w, cs[0].shape, ())
    return ew.select_n(w, *cs)


def _on_operand(fn: Callable[Concatenate[Array, P], R]) -> Callable[Concatenate[ArrayLike, P], R]:
    """``fn`` taking its first operand as any array-like (see ``_lax_operand``)."""
    name = fn.__name__.rstrip("_")

    def op(x: ArrayLike, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return fn(_lax_operand(x, name, 0), *args, **kwargs)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = fn.__doc__
    return op


argmax = _on_operand(red.argmax)
argmin = _on_operand(red.argmin)
reduce_and = _on_operand(red.reduce_and)
reduce_max = _on_operand(red.reduce_max)
reduce_min = _on_operand(red.reduce_min)
reduce_or = _on_operand(red.reduce_or)
reduce_prod = _on_operand(red.reduce_prod)
reduce_sum = _on_operand(st.reduce_sum)
bitcast_convert_type = _on_operand(bits.bitcast_convert_type)
broadcast_in_dim = _on_operand(st.broadcast_in_dim)
expand_dims = _on_operand(st.expand_dims)
index_in_dim = _on_operand(st.index_in_dim)
rev = _on_operand(st.rev)
slice_in_dim = _on_operand(st.slice_in_dim)
squeeze = _on_operand(st.squeeze)
transpose = _on_operand(st.transpose_)


def concatenate(operands: Sequence[ArrayLike], dimension: int) -> Array:
    """``operands`` (of one dtype) joined along ``dimension``."""
    return st.concatenate(
        [_lax_operand(x, "concatenate", i) for i, x in enumerate(operands)], dimension
    )


def pad(
    operand: ArrayLike, padding_value: ArrayLike, padding_config: Sequence[Sequence[int]]
) -> Array:
    """``operand`` padded by ``(low, high, interior)`` per axis with ``padding_value``."""
    x = _lax_operand(operand, "pad", 0)
    v = _lax_operand(padding_value, "pad", 1)
    if v.weak_type and not x.weak_type:
        v = _adopt_weak(v, x)
    return st.pad(x, v, padding_config)


def dynamic_slice(
    operand: ArrayLike, start_indices: Sequence[ArrayLike], slice_sizes: Sequence[int]
) -> Array:
    """``slice_sizes`` elements from traced ``start_indices`` (clamped into bounds)."""
    return ix.dynamic_slice(
        _lax_operand(operand, "dynamic_slice", 0),
        [_lax_operand(i, "dynamic_slice", 1) for i in start_indices], slice_sizes,
    )  # fmt: skip


def dynamic_update_slice(
    operand: ArrayLike, update: ArrayLike, start_indices: Sequence[ArrayLike]
) -> Array:
    """``operand`` with ``update`` written at traced ``start_indices`` (clamped)."""
    return ix.dynamic_update_slice(
        _lax_operand(operand, "dynamic_update_slice", 0),
        _lax_operand(update, "dynamic_update_slice", 1),
        [_lax_operand(i, "dynamic_update_slice", 2) for i in start_indices],
    )


# ---------------------------------------------------------------------------
# JAX's signatures for the structural ops
# ---------------------------------------------------------------------------


def convert_element_type(operand: ArrayLike, new_dtype: Any) -> Array:
    """``operand`` converted to ``new_dtype`` (a strongly typed result)."""
    a = operand if isinstance(operand, Array) else core.asarray(operand)
    return ew.convert_element_type(a, dtypes.canonicalize_dtype(np.dtype(new_dtype)))


def dot_general(
    lhs: ArrayLike, rhs: ArrayLike, dimension_numbers: Any, precision: Any = None,
    preferred_element_type: Any = None,
) -> Array:  # fmt: skip
    """The general dot product: ``((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))``.

    ``precision`` is accepted for compatibility; fad always computes at full precision.
    """
    del precision
    a, b = _lax_operand(lhs, "dot_general", 0), _lax_operand(rhs, "dot_general", 1)
    return la.dot_general(a, b, dimension_numbers, preferred_element_type)


def reshape(
    operand: ArrayLike, new_sizes: Sequence[int], dimensions: Sequence[int] | None = None
) -> Array:
    """``operand`` reshaped (in row-major order, after permuting by ``dimensions``)."""
    operand = _lax_operand(operand, "reshape", 0)
    if dimensions is not None:
        operand = st.transpose_(operand, dimensions)
    return st.reshape(operand, new_sizes)


def broadcast(operand: ArrayLike, sizes: Sequence[int]) -> Array:
    """``operand`` with leading axes of ``sizes`` added."""
    operand = _lax_operand(operand, "broadcast", 0)
    shape = (*sizes, *operand.shape)
    return st.broadcast_in_dim(operand, shape, tuple(range(len(sizes), len(shape))))


def slice(
    operand: ArrayLike, start_indices: Sequence[int], limit_indices: Sequence[int],
    strides: Sequence[int] | None = None,
) -> Array:  # fmt: skip
    """The static slice ``operand[start:limit:stride]`` along every axis."""
    return st.slice_(_lax_operand(operand, "slice", 0), start_indices, limit_indices, strides)


def dynamic_slice_in_dim(
    operand: ArrayLike, start_index: ArrayLike, slice_size: int, axis: int = 0
) -> Array:
    """``slice_size`` elements of ``operand`` along ``axis`` from a traced start index."""
    operand = _lax_operand(operand, "dynamic_slice_in_dim", 0)
    starts: list[ArrayLike] = [np.int32(0)] * operand.ndim
    starts[axis] = start_index
    sizes = list(operand.shape)
    sizes[axis] = slice_size
    return ix.dynamic_slice(operand, [core.asarray(s) for s in starts], sizes)


def dynamic_index_in_dim(
    operand: ArrayLike, index: ArrayLike, axis: int = 0, keepdims: bool = True
) -> Array:
    """The slice at a traced ``index`` along ``axis``."""
    out = dynamic_slice_in_dim(operand, index, 1, axis)
    return out if keepdims else st.squeeze(out, (axis,))


def iota(dtype: Any, size: int) -> Array:
    """``[0, 1, ..., size - 1]`` of ``dtype``."""
    return st.iota(np.dtype(dtype), (size,), 0)


def broadcasted_iota(dtype: Any, shape: Sequence[int], dimension: int) -> Array:
    """An array of ``shape`` whose values count along ``dimension``."""
    return st.iota(np.dtype(dtype), shape, dimension)


def full(shape: Sequence[int], fill_value: ArrayLike, dtype: Any = None) -> Array:
    """An array of ``shape`` filled with ``fill_value`` (of its dtype unless ``dtype``)."""
    v = fill_value if isinstance(fill_value, Array) else core.asarray(fill_value)
    dt = v.dtype if dtype is None else dtypes.canonicalize_dtype(np.dtype(dtype))
    return ew.full(shape, v, dt)


def cumsum(operand: ArrayLike, axis: int = 0, reverse: bool = False) -> Array:
    """``jax.lax.cumsum``: the running sum along ``axis`` (from the end if ``reverse``)."""
    return red.cumsum(_lax_operand(operand, "cumsum", 0), axis, reverse)


def cumprod(operand: ArrayLike, axis: int = 0, reverse: bool = False) -> Array:
    """``jax.lax.cumprod``: the running prod along ``axis`` (from the end if ``reverse``)."""
    return red.cumprod(_lax_operand(operand, "cumprod", 0), axis, reverse)


def cummax(operand: ArrayLike, axis: int = 0, reverse: bool = False) -> Array:
    """``jax.lax.cummax``: the running max along ``axis`` (from the end if ``reverse``)."""
    return red.cummax(_lax_operand(operand, "cummax", 0), axis, reverse)


def cummin(operand: ArrayLike, axis: int = 0, reverse: bool = False) -> Array:
    """``jax.lax.cummin``: the running min along ``axis`` (from the end if ``reverse``)."""
    return red.cummin(_lax_operand(operand, "cummin", 0), axis, reverse)


def associative_scan(
    fn: Callable[[Array, Array], Array], elems: Array, reverse: bool = False, axis: int = 0
) -> Array:
    """All prefix combinations of ``elems`` along ``axis`` under the associative ``fn``."""
    return red.associative_scan(fn, elems, axis, reverse)


def sort(
    operand: ArrayLike | Sequence[ArrayLike], dimension: int = -1, is_stable: bool = True,
    num_keys: int = 1,
) -> Any:  # fmt: skip
    """Sort along ``dimension``; a sequence of operands is sorted by its first ``num_keys``."""
    if not isinstance(operand, (list, tuple)):
        return so.sort([_lax_operand(operand, "sort", 0)], dimension, is_stable, num_keys)[0]
    xs = [_lax_operand(x, "sort", i) for i, x in enumerate(operand)]
    return tuple(so.sort(xs, dimension, is_stable, num_keys))


# ---------------------------------------------------------------------------
# Convolution and windowed reductions (compositions of primitives)
# ---------------------------------------------------------------------------


def conv_general_dilated(
    lhs: ArrayLike, rhs: ArrayLike, window_strides: Sequence[int],
    padding: str | Sequence[Sequence[int]], lhs_dilation: Sequence[int] | None = None,
    rhs_dilation: Sequence[int] | None = None, dimension_numbers: Any = None,
    feature_group_count: int = 1, batch_group_count: int = 1, precision: Any = None,
    preferred_element_type: Any = None,
) -> Array:  # fmt: skip
    """``jax.lax.conv_general_dilated``: XLA's general convolution (a cross-correlation).

    ``dimension_numbers`` is None (``('NCHW', 'OIHW', 'NCHW')``) or a triple of layout
    strings or axis tuples; ``padding`` is ``'SAME'``, ``'SAME_LOWER'``, ``'VALID'`` or
    (low, high) pairs; ``precision`` is accepted for compatibility.
    """
    del precision
    return convolution.conv_general_dilated(
        _lax_operand(lhs, "conv_general_dilated", 0), _lax_operand(rhs, "conv_general_dilated", 1),
        window_strides, padding, lhs_dilation, rhs_dilation, dimension_numbers,
        feature_group_count, batch_group_count, preferred_element_type,
    )  # fmt: skip


def conv(
    lhs: ArrayLike, rhs: ArrayLike, window_strides: Sequence[int], padding: str,
    precision: Any = None, preferred_element_type: Any = None,
) -> Array:  # fmt: skip
    """``conv_general_dilated`` in the NCHW/OIHW layout without dilation."""
    return conv_general_dilated(
        lhs, rhs, window_strides, padding, precision=precision,
        preferred_element_type=preferred_element_type,
    )  # fmt: skip


def reduce_window(
    operand: ArrayLike, init_value: ArrayLike, computation: Callable[[Array, Array], Array],
    window_dimensions: Sequence[int], window_strides: Sequence[int],
    padding: str | Sequence[Sequence[int]], base_dilation: Sequence[int] | None = None,
    window_dilation: Sequence[int] | None = None,
) -> Array:  # fmt: skip
    """``jax.lax.reduce_window``: ``computation`` (e.g. ``lax.max`` with ``-inf`` for max
    pooling, ``lax.add`` with 0 for sum pooling) over every window of ``operand``."""
    x = _lax_operand(operand, "reduce_window", 0)
    init = _lax_operand(init_value, "reduce_window", 1)
    if init.weak_type and not x.weak_type:
        init = _adopt_weak(init, x)
    return windows.reduce_window(
        x, init, computation, window_dimensions, window_strides, padding, base_dilation,
        window_dilation,
    )  # fmt: skip


# ---------------------------------------------------------------------------
# reduce, sort_key_val, top_k, dot, full_like
# ---------------------------------------------------------------------------

# The monoids ``reduce`` hands to their primitive: (computation, identity test, primitive).
_MONOIDS: list[tuple[Callable[..., Array], Callable[[Array], bool], Callable[..., Array]]] = [
    (add, lambda v: bool(np.all(np.asarray(v) == 0)), st.reduce_sum),
    (mul, lambda v: bool(np.all(np.asarray(v) == 1)), red.reduce_prod),
    (max, lambda v: bool(np.asarray(v) == _extreme(v.dtype, low=True)), red.reduce_max),
    (min, lambda v: bool(np.asarray(v) == _extreme(v.dtype, low=False)), red.reduce_min),
]


def _extreme(dt: np.dtype[Any], low: bool) -> Any:
    if dtypes.is_inexact(dt):
        return -np.inf if low else np.inf
    if dtypes.is_bool(dt):
        return not low
    info = dtypes.iinfo(dt)
    return info.min if low else info.max


def reduce(
    operands: Any, init_values: Any, computation: Callable[..., Any],
    dimensions: Sequence[int],
) -> Any:  # fmt: skip
    """``jax.lax.reduce``: ``computation`` (associative and commutative, with the
    ``init_values`` as its identity) folded over ``dimensions`` of ``operands`` (an array
    or a pytree of arrays of one shape, combined leafwise as the same pytree).

    ``lax.add``/``mul``/``max``/``min`` with their identities use the reduction
    primitives; any other computation is applied as a balanced tree of halvings, so
    it may be any traceable function and is differentiated through.
    """
    flat, tree = tu.tree_flatten(operands)
    inits, init_tree = tu.tree_flatten(init_values)
    if init_tree != tree:
        raise TypeError(
            f"reduce: operands {tree} and init_values {init_tree} must have one structure"
        )
    xs = [_lax_operand(x, "reduce", 0) for x in flat]
    vs = []
    for x, v in zip(xs, inits, strict=True):
        a = _lax_operand(v, "reduce", 1)
        a = _adopt_weak(a, x) if a.weak_type and not x.weak_type else a
        if a.shape != () or a.dtype != x.dtype:
            raise TypeError(
                f"reduce: init value must be a scalar of dtype {x.dtype.name}, got "
                f"{a.aval.str_short()}"
            )
        vs.append(a)
    if len({x.shape for x in xs}) > 1:
        raise TypeError(f"reduce: operands must have one shape, got {[x.shape for x in xs]}")
    ndim = xs[0].ndim
    dims = tuple(sorted({d % ndim if ndim else d for d in dimensions}))
    if any(not 0 <= d < ndim for d in dims) or len(dims) != len(tuple(dimensions)):
        raise ValueError(f"reduce: bad dimensions {tuple(dimensions)} for rank {ndim}")
    if len(xs) == 1 and not any(isinstance(v, core.Tracer) for v in vs):
        for fn, is_identity, prim in _MONOIDS:
            if computation is fn and is_identity(vs[0]):
                return tu.tree_unflatten(tree, [prim(xs[0], dims)])
    kept = [d for d in range(ndim) if d not in dims]
    n = math.prod(xs[0].shape[d] for d in dims)
    lead = [xs[0].shape[d] for d in kept]
    xs = [st.reshape(st.transpose_(x, (*kept, *dims)), (*lead, n)) for x in xs]

    def combine(a: list[Array], b: list[Array]) -> list[Array]:
        out = computation(tu.tree_unflatten(tree, a), tu.tree_unflatten(tree, b))
        leaves, out_tree = tu.tree_flatten(out)
        if out_tree != tree:
            raise TypeError(f"reduce: computation must return {tree}, got {out_tree}")
        return [_lax_operand(o, "reduce", 0) for o in leaves]

    while n > 1:
        if n % 2:
            cfg = [(0, 0, 0)] * len(lead) + [(0, 1, 0)]
            xs = [st.pad(x, v, cfg) for x, v in zip(xs, vs, strict=True)]
            n += 1
        half = n // 2
        lo = [st.slice_in_dim(x, 0, half, axis=len(lead)) for x in xs]
        hi = [st.slice_in_dim(x, half, n, axis=len(lead)) for x in xs]
        xs, n = combine(lo, hi), half
    full_init = [st.broadcast_in_dim(v, (*lead, 1), ()) for v in vs]
    if n == 1:
        xs = combine(full_init, xs)
    else:  # nothing to reduce over: the identity
        xs = full_init
    return tu.tree_unflatten(tree, [st.reshape(x, lead) for x in xs])


def sort_key_val(
    keys: ArrayLike, values: ArrayLike, dimension: int = -1, is_stable: bool = True
) -> tuple[Array, Array]:
    """``values`` reordered by sorting ``keys`` along ``dimension``; both sorted arrays."""
    k = _lax_operand(keys, "sort_key_val", 0)
    v = _lax_operand(values, "sort_key_val", 1)
    out = so.sort([k, v], dimension, is_stable, 1)
    return out[0], out[1]


def top_k(operand: ArrayLike, k: int) -> tuple[Array, Array]:
    """The ``k`` largest entries along the last axis, in descending order, and their
    indices (the lower index first among equal values), as ``jax.lax.top_k``."""
    x = _lax_operand(operand, "top_k", 0)
    k = operator.index(k)
    if x.ndim == 0:
        raise TypeError("top_k: the operand must have at least one dimension")
    n = x.shape[-1]
    if not 0 <= k <= n:
        raise ValueError(f"top_k: k must be in [0, {n}], got {k}")
    if dtypes.is_integer(x.dtype):
        key = ew.bitwise_not(x)  # reverses the order of signed and unsigned integers
    elif dtypes.is_float(x.dtype):
        key = ew.neg(x)
    else:
        raise TypeError(f"top_k does not accept dtype {x.dtype.name}")
    idx = st.iota(np.dtype(np.int32), x.shape, x.ndim - 1)
    _, sorted_idx, sorted_x = so.sort([key, idx, x], x.ndim - 1, True, 1)
    return (
        st.slice_in_dim(sorted_x, 0, k, axis=x.ndim - 1),
        st.slice_in_dim(sorted_idx, 0, k, axis=x.ndim - 1),
    )


def dot(
    lhs: ArrayLike, rhs: ArrayLike, precision: Any = None, preferred_element_type: Any = None
) -> Array:
    """Vector/matrix products (``jax.lax.dot``): contracts ``lhs``'s last axis with
    ``rhs``'s first, for operands of rank 1 or 2."""
    del precision
    a, b = _lax_operand(lhs, "dot", 0), _lax_operand(rhs, "dot", 1)
    if not (1 <= a.ndim <= 2 and 1 <= b.ndim <= 2) or a.shape[-1] != b.shape[0]:
        raise TypeError(f"Incompatible shapes for dot: got {a.shape} and {b.shape}.")
    if a.dtype != b.dtype:
        raise TypeError(
            f"lax.dot requires operands of one dtype, got {a.dtype.name}, {b.dtype.name}"
        )
    return la.dot_general(a, b, (((a.ndim - 1,), (0,)), ((), ())), preferred_element_type)


def full_like(
    x: ArrayLike, fill_value: ArrayLike, dtype: Any = None, shape: Sequence[int] | None = None
) -> Array:
    """An array like ``x`` (its shape and dtype unless given) filled with ``fill_value``."""
    a = _lax_operand(x, "full_like", 0)
    dt = a.dtype if dtype is None else dtypes.canonicalize_dtype(np.dtype(dtype))
    v = _lax_operand(fill_value, "full_like", 1)
    if v.shape != ():
        raise TypeError(f"full_like: fill_value must be a scalar, got shape {v.shape}")
    v = v if v.dtype == dt else ew.convert_element_type(v, dt)
    return ew.full(tuple(a.shape if shape is None else shape), v, dt)
