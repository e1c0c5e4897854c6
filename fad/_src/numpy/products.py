"""Products of arrays: ``dot``, ``matmul``, ``tensordot``, ``inner``, ``outer``, ``vdot``,
``vecdot``, ``kron``, ``cross`` and ``trace``.
"""

from __future__ import annotations

import builtins
from typing import Any, overload

import numpy as np

from fad._src import dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy.conversion import (
    asarray,
    astype,
    broadcast_shapes,
    no_out,
    promote,
    promote_no_broadcast,
    stack,
)
from fad._src.numpy.creation import diagonal
from fad._src.numpy.reductions import sum
from fad._src.numpy.shapes import moveaxis, ravel, reshape
from fad._src.numpy.ufuncs import multiply
from fad._src.prims import _util
from fad._src.prims import elementwise as ew
from fad._src.prims import linalg as la
from fad._src.prims import structural as st
from fad._src.typing import LinearArray


def _prefer(x: Array, y: Array, preferred_element_type: Any) -> tuple[Array, Array]:
    """JAX's ``preferred_element_type``: compute (and accumulate) in that dtype."""
    if preferred_element_type is None:
        return x, y
    dt = dtypes.check_user_dtype(preferred_element_type, "preferred_element_type")
    return astype(x, dt), astype(y, dt)


@overload
def dot(
    a: ArrayLike, b: LinearArray, *, precision: Any = None, preferred_element_type: Any = None,
    out_sharding: Any = None,
) -> LinearArray: ...  # fmt: skip
@overload
def dot(
    a: LinearArray, b: ArrayLike, *, precision: Any = None, preferred_element_type: Any = None,
    out_sharding: Any = None,
) -> LinearArray: ...  # fmt: skip
@overload
def dot(
    a: ArrayLike, b: ArrayLike, *, precision: Any = None, preferred_element_type: Any = None,
    out_sharding: Any = None,
) -> Array: ...  # fmt: skip
def dot(  # type: ignore[misc]
    a: ArrayLike,
    b: ArrayLike,
    *,
    precision: Any = None,
    preferred_element_type: Any = None,
    out_sharding: Any = None,
) -> Array:
    """Dot product (matrix product for 2-d, sum over the last/second-to-last axes)."""
    if isinstance(a, Array) and isinstance(b, Array) and preferred_element_type is None:
        # Two arrays of one dtype (promotion would leave both as they are), each type read
        # once: a ``dot`` in a JVP loop is mostly this dispatch.
        ta, tb = a.aval, b.aval
        sa, sb = ta.shape, tb.shape
        if (
            ta.dtype == tb.dtype and sa and sb
            and dtypes.result_type_of_pair(ta.dtype, ta.weak_type, tb.dtype, tb.weak_type)[0]
            == ta.dtype
        ):  # fmt: skip
            return _dot_nd(a, b, sa, sb)
    x, y = promote_no_broadcast("dot", (a, b))
    x, y = _prefer(x, y, preferred_element_type)
    if x.ndim == 0 or y.ndim == 0:
        return multiply(x, y)
    return _dot_nd(x, y, x.shape, y.shape)


def _dot_nd(x: Array, y: Array, sx: tuple[int, ...], sy: tuple[int, ...]) -> Array:
    """``dot`` of operands of one dtype, neither 0-d: contract x's last axis with y's
    second-to-last (its only one, for a vector)."""
    contract_y = 0 if len(sy) == 1 else len(sy) - 2
    if sx[-1] != sy[contract_y]:
        raise ValueError(
            f"dot: shapes {sx} and {sy} not aligned: {sx[-1]} (dim {len(sx) - 1}) != "
            f"{sy[contract_y]} (dim {contract_y})"
        )
    dn = ((len(sx) - 1,), (contract_y,)), ((), ())
    return la.dot_general_p.bind1(x, y, dimension_numbers=dn, preferred_element_type=None)


@overload
def matmul(
    a: ArrayLike, b: LinearArray, *, precision: Any = None, preferred_element_type: Any = None,
    out_sharding: Any = None,
) -> LinearArray: ...  # fmt: skip
@overload
def matmul(
    a: LinearArray, b: ArrayLike, *, precision: Any = None, preferred_element_type: Any = None,
    out_sharding: Any = None,
) -> LinearArray: ...  # fmt: skip
@overload
def matmul(
    a: ArrayLike, b: ArrayLike, *, precision: Any = None, preferred_element_type: Any = None,
    out_sharding: Any = None,
) -> Array: ...  # fmt: skip
def matmul(  # type: ignore[misc]
    a: ArrayLike,
    b: ArrayLike,
    *,
    precision: Any = None,
    preferred_element_type: Any = None,
    out_sharding: Any = None,
) -> Array:
    """Matrix product with broadcast batch axes (1-d operands as vectors)."""
    x, y = promote_no_broadcast("matmul", (a, b))
    x, y = _prefer(x, y, preferred_element_type)
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError("matmul: input operands must not be scalars")
    x2 = reshape(x, (1, x.shape[0])) if x.ndim == 1 else x
    y2 = reshape(y, (y.shape[0], 1)) if y.ndim == 1 else y
    if x2.shape[-1] != y2.shape[-2]:
        raise ValueError(
            f"matmul: input operand 1 has a mismatch in its core dimension 0 (size "
            f"{y2.shape[-2]} is different from {x2.shape[-1]}); shapes {x.shape} and {y.shape}"
        )
    batch_shape = broadcast_shapes(x2.shape[:-2], y2.shape[:-2])
    xb = st.broadcast_to(x2, (*batch_shape, *x2.shape[-2:]))
    yb = st.broadcast_to(y2, (*batch_shape, *y2.shape[-2:]))
    nb = len(batch_shape)
    out = la.dot_general(xb, yb, (((nb + 1,), (nb,)), (tuple(range(nb)), tuple(range(nb)))))
    if x.ndim == 1:
        out = st.reshape(out, (*out.shape[:-2], out.shape[-1]))
    if y.ndim == 1:
        out = st.reshape(out, out.shape[:-1])
    return out


def vdot(
    a: ArrayLike, b: ArrayLike, *, precision: Any = None, preferred_element_type: Any = None
) -> Array:
    """Dot product of the flattened arrays, the first conjugated."""
    x, y = promote_no_broadcast("vdot", (a, b))
    x, y = _prefer(x, y, preferred_element_type)
    x = ravel(x)
    if dtypes.is_complex(x.dtype):
        x = ew.conj(x)
    return dot(x, ravel(y))


def vecdot(
    x1: ArrayLike,
    x2: ArrayLike,
    /,
    *,
    axis: int = -1,
    precision: Any = None,
    preferred_element_type: Any = None,
) -> Array:
    """Vector dot product over ``axis`` (the first operand conjugated), broadcasting the rest."""
    a, b = promote("vecdot", x1, x2)
    a, b = _prefer(a, b, preferred_element_type)
    if dtypes.is_complex(a.dtype):
        a = ew.conj(a)
    return sum(multiply(a, b), axis=axis)


def inner(
    a: ArrayLike, b: ArrayLike, *, precision: Any = None, preferred_element_type: Any = None
) -> Array:
    """Sum product over the last axes of both operands."""
    x, y = promote_no_broadcast("inner", (a, b))
    x, y = _prefer(x, y, preferred_element_type)
    if x.ndim == 0 or y.ndim == 0:
        return multiply(x, y)
    return la.dot_general(x, y, (((x.ndim - 1,), (y.ndim - 1,)), ((), ())))


def outer(a: ArrayLike, b: ArrayLike, out: None = None) -> Array:
    """Outer product of the flattened operands."""
    no_out(out, "outer")
    x, y = promote_no_broadcast("outer", (a, b))
    return multiply(reshape(ravel(x), (-1, 1)), ravel(y))


def tensordot(
    a: ArrayLike,
    b: ArrayLike,
    axes: Any = 2,
    *,
    precision: Any = None,
    preferred_element_type: Any = None,
    out_sharding: Any = None,
) -> Array:
    """Sum products over the given axes (``axes`` an int or a pair of axis lists)."""
    x, y = promote_no_broadcast("tensordot", (a, b))
    x, y = _prefer(x, y, preferred_element_type)
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        ax_a, ax_b = list(range(x.ndim - n, x.ndim)), list(range(n))
    else:
        ax_a, ax_b = axes
        ax_a = [ax_a] if isinstance(ax_a, int) else list(ax_a)
        ax_b = [ax_b] if isinstance(ax_b, int) else list(ax_b)
    ca = _util.canonical_axes(ax_a, x.ndim)
    cb = _util.canonical_axes(ax_b, y.ndim)
    for i, j in zip(ca, cb, strict=True):
        if x.shape[i] != y.shape[j]:
            raise ValueError(
                f"tensordot: shape mismatch for sum: {x.shape} axes {ca} vs {y.shape} axes {cb}"
            )
    return la.dot_general(x, y, ((ca, cb), ((), ())))


def kron(a: ArrayLike, b: ArrayLike) -> Array:
    x, y = promote_no_broadcast("kron", (a, b))
    nd = builtins.max(x.ndim, y.ndim)
    x = reshape(x, (1,) * (nd - x.ndim) + x.shape)
    y = reshape(y, (1,) * (nd - y.ndim) + y.shape)
    xe = reshape(x, tuple(v for n in x.shape for v in (n, 1)))
    ye = reshape(y, tuple(v for n in y.shape for v in (1, n)))
    out = multiply(xe, ye)
    return reshape(out, tuple(m * n for m, n in zip(x.shape, y.shape, strict=True)))


def cross(
    a: ArrayLike,
    b: ArrayLike,
    axisa: int = -1,
    axisb: int = -1,
    axisc: int = -1,
    axis: int | None = None,
) -> Array:
    """Cross product of 3-vectors (or 2-vectors, taken with a zero third component) along
    ``axisa``/``axisb``, placed along ``axisc`` (``axis`` sets all three)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    xa, yb = asarray(a), asarray(b)
    xa, yb = moveaxis(xa, axisa, -1), moveaxis(yb, axisb, -1)
    if xa.shape[-1] not in (2, 3) or yb.shape[-1] not in (2, 3):
        raise ValueError(
            "cross: incompatible dimensions for cross product (dimension must be 2 or 3)"
        )
    if xa.shape[-1] == 2 and yb.shape[-1] == 2:
        x, y = promote("cross", xa, yb)
        x0, x1 = (st.index_in_dim(x, i, x.ndim - 1, False) for i in range(2))
        y0, y1 = (st.index_in_dim(y, i, y.ndim - 1, False) for i in range(2))
        return ew.sub(ew.mul(x0, y1), ew.mul(x1, y0))
    xa, yb = (_to3(v) for v in (xa, yb))
    x, y = promote("cross", xa, yb)
    axis = axisc
    x0, x1, x2 = (st.index_in_dim(x, i, x.ndim - 1, False) for i in range(3))
    y0, y1, y2 = (st.index_in_dim(y, i, y.ndim - 1, False) for i in range(3))
    out = stack(
        [
            ew.sub(ew.mul(x1, y2), ew.mul(x2, y1)),
            ew.sub(ew.mul(x2, y0), ew.mul(x0, y2)),
            ew.sub(ew.mul(x0, y1), ew.mul(x1, y0)),
        ],
        -1,
    )
    return moveaxis(out, -1, axis)


def _to3(v: Array) -> Array:
    """A 2-vector extended with a zero third component."""
    if v.shape[-1] == 3:
        return v
    cfg = [(0, 0, 0)] * (v.ndim - 1) + [(0, 1, 0)]
    return st.pad(v, ew.full((), 0, v.dtype), cfg)


def trace(
    a: ArrayLike,
    offset: int = 0,
    axis1: int = 0,
    axis2: int = 1,
    dtype: Any = None,
    out: None = None,
) -> Array:
    """Sum along a diagonal."""
    no_out(out, "trace")
    return sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)
