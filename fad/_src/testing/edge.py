"""Edge values of each dtype, where eager evaluation and compiled XLA code most often part:
signed zeros, infinities, NaN, subnormals, the extremes and values just past them, values
that overflow a cast to a narrower type; for integers the minimum and maximum (whose
negation and division overflow), 0 and -1 (division by zero, ``INT_MIN / -1``) and the
shift counts at and past the bit width.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array

from .numerics import dtype_of

NDArray = np.ndarray[Any, Any]


def _float_edges(dt: np.dtype[Any], subnormals: bool, nonfinite: bool = True) -> list[float]:
    fi = np.finfo(dt)
    big = [3e9, -3e9, 1e20, -1e20] if float(fi.max) > 1e20 else []
    sub = [float(fi.smallest_subnormal), -float(fi.smallest_subnormal)] if subnormals else []
    special = [np.inf, -np.inf, np.nan, float(fi.max), -float(fi.max)] if nonfinite else []
    return [0.0, -0.0, *special, *sub, float(fi.tiny), -float(fi.tiny), 1.0, -1.0, 0.5, 2.5,
            -2.5, *(big if nonfinite else [])]  # fmt: skip


def edge_values(dtype: Any, *, subnormals: bool = True, complex_special: bool = True) -> NDArray:
    """The edge values of ``dtype`` as a 1-d array of that dtype (empty for bool).

    Args:
        dtype: A numeric dtype.
        subnormals: Include the smallest subnormal numbers (floating dtypes).
        complex_special: For complex dtypes, include parts that are negative zeros,
            infinite, NaN, or so large that arithmetic on them overflows.

    Returns:
        The values, without repetition, in a fixed order.

    Examples:
        >>> fad.testing.edge_values(jnp.int8)
        array([   0,    1,  127,  126,    7,    8,    9,   -1, -128, -127,   -8], dtype=int8)
    """
    dt = np.dtype(dtype)
    if dt == np.bool_:
        return np.zeros((0,), dt)
    if dtypes.is_integer(dt):
        info, bits = np.iinfo(dt), 8 * dt.itemsize
        vals = [0, 1, info.max, info.max - 1, bits - 1, bits, bits + 1]
        if info.min < 0:
            vals += [-1, info.min, info.min + 1, -bits]
        return np.array(vals, dt)
    if dtypes.is_complex(dt):
        real = np.dtype(dtypes.real_dtype(dt))
        fe = _float_edges(real, subnormals, complex_special)
        if not complex_special:
            fe = [e for e in fe if not (e == 0 and np.signbit(e))]
        pairs = [(e, 0.0) for e in fe] + [(0.0, e) for e in fe] + [(0.5, -2.5)]
        if complex_special:
            inf, nan = np.inf, np.nan
            pairs += [(-0.0, -0.0)]
            pairs += [(inf, nan), (nan, inf), (inf, inf), (-inf, inf), (1.0, inf), (inf, 1.0),
                      (nan, 0.0), (float(np.finfo(real).max),) * 2]  # fmt: skip
        out = np.empty(len(pairs), dt)
        out.real = [p[0] for p in pairs]
        out.imag = [p[1] for p in pairs]
        return out
    with np.errstate(over="ignore"):
        return np.array(_float_edges(dt, subnormals), dt)


# What the edge-value law puts into operands: every class of edge value. XLA's CPU kernels
# treat subnormal operands their own way (most as zeros, float32 ``log`` sometimes as
# 2^-150), so eager primitives on arrays that hold them run through XLA as well
# (``core.SubnormalArray``). Complex values with infinite, NaN and signed-zero parts go
# through eager complex kernels that follow XLA's formulas (``prims/xla_complex.py``),
# not numpy's C99 Annex G ones.
LAW_EDGES = {"subnormals": True, "complex_special": True}


def with_edges(x: Any, rng: np.random.Generator) -> Array:
    """``x`` with a random nonempty subset of its elements replaced by the law's edge values
    of its dtype (unchanged when it has no elements or its dtype none)."""
    a = x if isinstance(x, Array) else core.asarray(x)
    edges = edge_values(dtype_of(a), **LAW_EDGES)
    flat = np.array(np.asarray(a)).reshape(-1)
    if flat.size == 0 or edges.size == 0:
        return a
    count = int(rng.integers(1, flat.size + 1))
    where = rng.choice(flat.size, count, replace=False)
    flat[where] = rng.choice(edges, count)
    return core.Array(flat.reshape(a.shape), a.weak_type)
