"""``conv_general_dilated``: XLA's general convolution, written over fad's primitives.

The convolution is an im2col: the (dilated, padded) input is cut into one strided slice per
kernel offset, the slices are stacked into patches, and one ``dot_general`` contracts the
patches with the kernel over (input feature, offset), batched over feature groups. Every
piece is a primitive with all its rules (``pad`` and ``slice`` transpose into each other,
``dot_general`` transposes in either operand), so derivatives of every order in both
operands, ``vmap`` and ``jit`` come from them; no rule here is written by hand.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from fad._src import dtypes
from fad._src.core import Array
from fad._src.prims import linalg as la
from fad._src.prims import structural as st


class ConvDimensionNumbers(NamedTuple):
    """Where each operand keeps its batch/feature and spatial axes: ``lhs_spec`` is
    (batch, feature, *spatial), ``rhs_spec`` (out feature, in feature, *spatial),
    ``out_spec`` (batch, feature, *spatial), as axis numbers (JAX's convention)."""

    lhs_spec: tuple[int, ...]
    rhs_spec: tuple[int, ...]
    out_spec: tuple[int, ...]


def conv_dimension_numbers(lhs_ndim: int, rhs_ndim: int, spec: Any) -> ConvDimensionNumbers:
    """``spec`` (None, a triple of strings like ``('NHWC', 'HWIO', 'NHWC')``, or of axis
    tuples) as axis numbers; None means ``('NCHW', 'OIHW', 'NCHW')``."""
    if lhs_ndim != rhs_ndim or lhs_ndim < 2:
        raise TypeError(
            f"conv_general_dilated: lhs and rhs must have one rank of at least 2, got "
            f"{lhs_ndim} and {rhs_ndim}"
        )
    if spec is None:
        default = tuple(range(lhs_ndim))
        return ConvDimensionNumbers(default, default, default)
    if isinstance(spec, ConvDimensionNumbers):
        return spec
    if not (isinstance(spec, (tuple, list)) and len(spec) == 3):
        raise TypeError(f"conv dimension_numbers must be None or a triple, got {spec!r}")
    if all(isinstance(s, str) for s in spec):
        lhs_s, rhs_s, out_s = spec
        for name, s in (("lhs", lhs_s), ("rhs", rhs_s), ("out", out_s)):
            if len(s) != lhs_ndim or len(set(s)) != len(s):
                raise TypeError(f"conv {name} spec {s!r} does not name {lhs_ndim} distinct axes")
        spatial = [c for c in rhs_s if c not in "IO"]
        if set(spatial) != set(lhs_s) - set("NC") or set(spatial) != set(out_s) - set("NC"):
            raise TypeError(f"conv dimension_numbers {spec!r} name different spatial axes")
        return ConvDimensionNumbers(
            (lhs_s.index("N"), lhs_s.index("C"), *(lhs_s.index(c) for c in spatial)),
            (rhs_s.index("O"), rhs_s.index("I"), *(rhs_s.index(c) for c in spatial)),
            (out_s.index("N"), out_s.index("C"), *(out_s.index(c) for c in spatial)),
        )
    specs = tuple(tuple(int(i) for i in s) for s in spec)
    for s in specs:
        if sorted(s) != list(range(lhs_ndim)):
            raise TypeError(f"conv dimension_numbers {spec!r}: each must permute the axes")
    return ConvDimensionNumbers(*specs)


def padtype_to_pads(
    in_shape: Sequence[int], window_shape: Sequence[int], window_strides: Sequence[int],
    padding: str,
) -> list[tuple[int, int]]:  # fmt: skip
    """``'SAME'``/``'SAME_LOWER'``/``'VALID'`` as (low, high) pairs: SAME keeps
    ``ceil(in / stride)`` outputs, the odd element of padding going high (low for
    SAME_LOWER)."""
    kind = padding.upper()
    if kind == "VALID":
        return [(0, 0)] * len(in_shape)
    if kind not in ("SAME", "SAME_LOWER"):
        raise ValueError(f"padding must be 'SAME', 'SAME_LOWER' or 'VALID', got {padding!r}")
    pads = []
    for n, w, s in zip(in_shape, window_shape, window_strides, strict=True):
        out = -(-n // s)
        total = max((out - 1) * s + w - n, 0)
        small = total // 2
        pads.append((small, total - small) if kind == "SAME" else (total - small, small))
    return pads


def _ints(name: str, v: Sequence[int] | None, n: int, default: int = 1) -> tuple[int, ...]:
    if v is None:
        return (default,) * n
    t = tuple(int(i) for i in v)
    if len(t) != n:
        raise TypeError(f"{name} must have one entry per spatial axis ({n}), got {tuple(v)}")
    if any(i < 1 for i in t):
        raise ValueError(f"{name} must be positive, got {t}")
    return t


def conv_general_dilated(
    lhs: Array, rhs: Array, window_strides: Sequence[int], padding: str | Sequence[Sequence[int]],
    lhs_dilation: Sequence[int] | None = None, rhs_dilation: Sequence[int] | None = None,
    dimension_numbers: Any = None, feature_group_count: int = 1, batch_group_count: int = 1,
    preferred_element_type: Any = None,
) -> Array:  # fmt: skip
    """XLA's ConvGeneralDilated (``jax.lax.conv_general_dilated``): a cross-correlation of
    ``lhs`` with the kernel ``rhs``, with strides, padding, input (transposed-convolution)
    and kernel (atrous) dilation, and feature or batch groups."""
    dn = conv_dimension_numbers(lhs.ndim, rhs.ndim, dimension_numbers)
    if lhs.dtype != rhs.dtype:
        raise TypeError(
            f"conv_general_dilated requires operands of one dtype, got {lhs.dtype.name} "
            f"and {rhs.dtype.name}"
        )
    if not (dtypes.is_inexact(lhs.dtype) or dtypes.is_integer(lhs.dtype)):
        raise TypeError(f"conv_general_dilated does not accept dtype {lhs.dtype.name}")
    x = st.transpose_(lhs, dn.lhs_spec)  # (N, C, *spatial)
    k = st.transpose_(rhs, dn.rhs_spec)  # (O, I, *window)
    nsp = x.ndim - 2
    strides = _ints("window_strides", window_strides, nsp)
    ldil = _ints("lhs_dilation", lhs_dilation, nsp)
    rdil = _ints("rhs_dilation", rhs_dilation, nsp)
    window = k.shape[2:]
    eff_window = [(w - 1) * d + 1 for w, d in zip(window, rdil, strict=True)]
    if isinstance(padding, str):
        if any(d != 1 for d in ldil):
            raise ValueError("string padding is not supported with lhs_dilation; give pairs")
        pads = padtype_to_pads(x.shape[2:], eff_window, strides, padding)
    else:
        pads = [(int(lo), int(hi)) for lo, hi in padding]
        if len(pads) != nsp:
            raise TypeError(f"padding must have {nsp} (low, high) pairs, got {padding!r}")
    n, c = x.shape[:2]
    o, i = k.shape[:2]
    g, b = int(feature_group_count), int(batch_group_count)
    if g < 1 or b < 1 or (g > 1 and b > 1):
        raise ValueError("feature_group_count and batch_group_count must be >= 1, one of them 1")
    if c != i * g:
        raise TypeError(
            f"conv_general_dilated: lhs feature size {c} must equal rhs input feature size "
            f"{i} times feature_group_count {g}"
        )
    if o % (g * b) or n % b:
        raise TypeError(
            f"conv_general_dilated: rhs output features {o} must divide by the group count, "
            f"and the batch {n} by batch_group_count {b}"
        )
    zero = Array(np.zeros((), x.dtype))
    config = [(0, 0, 0), (0, 0, 0)] + [
        (lo, hi, d - 1) for (lo, hi), d in zip(pads, ldil, strict=True)
    ]
    xp = st.pad(x, zero, config)
    out_sp = [
        (size - ew) // s + 1 if size >= ew else 0
        for size, ew, s in zip(xp.shape[2:], eff_window, strides, strict=True)
    ]
    if any(d <= 0 for d in out_sp):
        raise TypeError(f"conv_general_dilated: the window does not fit the input {xp.shape}")
    # One strided slice per kernel offset, stacked on a new axis 2: (N, C, K, *out).
    patches = []
    for offs in itertools.product(*(range(w) for w in window)):
        start = [0, 0] + [j * d for j, d in zip(offs, rdil, strict=True)]
        limit = [n, c] + [
            st0 + (m - 1) * s + 1 for st0, m, s in zip(start[2:], out_sp, strides, strict=True)
        ]
        sl = st.slice_(xp, start, limit, [1, 1, *strides])
        patches.append(st.expand_dims(sl, (2,)))
    kk = math.prod(window)
    p = st.concatenate(patches, 2) if len(patches) > 1 else patches[0]
    kr = st.reshape(k, (o, i, kk))  # offsets in the same row-major order
    if b > 1:
        # Batch groups: group j of the batch meets group j of the output features.
        p = st.reshape(p, (b, n // b, c, kk, *out_sp))
        kr = st.reshape(kr, (b, o // b, i, kk))
        res = la.dot_general(p, kr, (((2, 3), (2, 3)), ((0,), (0,))), preferred_element_type)
        # (B, N/B, *out, O/B) -> (N/B, B, O/B, *out)
        perm = (1, 0, res.ndim - 1, *range(2, 2 + nsp))
        out = st.reshape(st.transpose_(res, perm), (n // b, o, *out_sp))
    else:
        p = st.reshape(p, (n, g, i, kk, *out_sp))
        kr = st.reshape(kr, (g, o // g, i, kk))
        res = la.dot_general(p, kr, (((2, 3), (2, 3)), ((1,), (0,))), preferred_element_type)
        # (G, N, *out, O/G) -> (N, G, O/G, *out)
        perm = (1, 0, res.ndim - 1, *range(2, 2 + nsp))
        out = st.reshape(st.transpose_(res, perm), (n, o, *out_sp))
    return st.transpose_(out, tuple(int(a) for a in np.argsort(dn.out_spec)))
