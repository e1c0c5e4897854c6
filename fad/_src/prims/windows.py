"""``reduce_window``: XLA's windowed reduction (pooling), written over fad's primitives.

The operand is padded with the reduction's initial value (interior padding gives base
dilation), cut into one strided slice per window offset, and the slices are folded with
the user's binary ``computation``. Each step is a primitive with all its rules, so max
pooling, average pooling and any other monoid get their derivatives of every order, batching
and ``jit`` from ``pad``, ``slice`` and the computation's own primitives: a max-pool
gradient flows to the window's maximum (split evenly between exact ties, as ``lax.max``
does).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

from fad._src.core import Array
from fad._src.prims import structural as st
from fad._src.prims.convolution import padtype_to_pads


def _ints(name: str, v: Sequence[int] | None, n: int) -> tuple[int, ...]:
    if v is None:
        return (1,) * n
    t = tuple(int(i) for i in v)
    if len(t) != n:
        raise TypeError(f"reduce_window: {name} must have {n} entries (the rank), got {tuple(v)}")
    if any(i < 1 for i in t):
        raise ValueError(f"reduce_window: {name} must be positive, got {t}")
    return t


def reduce_window(
    operand: Array, init_value: Array, computation: Callable[[Array, Array], Array],
    window_dimensions: Sequence[int], window_strides: Sequence[int] | None = None,
    padding: str | Sequence[Sequence[int]] = "VALID",
    base_dilation: Sequence[int] | None = None, window_dilation: Sequence[int] | None = None,
) -> Array:  # fmt: skip
    """``computation`` folded over every window of ``operand`` (``init_value`` must be its
    identity; it also fills the padding and the holes of base dilation)."""
    nd = operand.ndim
    window = _ints("window_dimensions", window_dimensions, nd)
    strides = _ints("window_strides", window_strides, nd)
    bdil = _ints("base_dilation", base_dilation, nd)
    wdil = _ints("window_dilation", window_dilation, nd)
    if init_value.shape != () or init_value.dtype != operand.dtype:
        raise TypeError(
            f"reduce_window: init_value must be a scalar of dtype {operand.dtype.name}, got "
            f"{init_value.aval.str_short()}"
        )
    if isinstance(padding, str):
        dilated = [(n - 1) * d + 1 if n else 0 for n, d in zip(operand.shape, bdil, strict=True)]
        pads = padtype_to_pads(dilated, window, strides, padding)
    else:
        pads = [(int(lo), int(hi)) for lo, hi in padding]
        if len(pads) != nd:
            raise TypeError(f"reduce_window: padding must have {nd} (low, high) pairs")
    config = [(lo, hi, d - 1) for (lo, hi), d in zip(pads, bdil, strict=True)]
    xp = st.pad(operand, init_value, config)
    eff = [(w - 1) * d + 1 for w, d in zip(window, wdil, strict=True)]
    out = [
        (n - e) // s + 1 if n >= e else 0 for n, e, s in zip(xp.shape, eff, strides, strict=True)
    ]
    acc: Array | None = None
    for offs in itertools.product(*(range(w) for w in window)):
        start = [j * d for j, d in zip(offs, wdil, strict=True)]
        limit = [
            b + (m - 1) * s + 1 if m else b for b, m, s in zip(start, out, strides, strict=True)
        ]
        sl = st.slice_(xp, start, limit, strides)
        if acc is None:  # XLA's semantics: the initial value joins every window once
            acc = computation(st.broadcast_in_dim(init_value, sl.shape, ()), sl)
        else:
            acc = computation(acc, sl)
    if acc is None or acc.shape != tuple(out):
        raise TypeError(
            f"reduce_window: computation must map two arrays of shape {tuple(out)} to one"
        )
    return acc
