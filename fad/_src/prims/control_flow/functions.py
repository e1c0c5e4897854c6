"""The lax functions of the control-flow family that carry no program: ``select`` and
``stop_gradient`` (each applies one elementwise primitive, with lax's argument checks)."""

from __future__ import annotations

from typing import Any

from fad._src import core, dtypes
from fad._src import tree_util as tu
from fad._src.core import Array
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st

__all__ = ["select", "stop_gradient"]


def select(pred: Any, on_true: Any, on_false: Any) -> Array:
    """Elementwise ``on_true`` where ``pred`` else ``on_false`` (equal shapes and dtypes)."""
    p = pred if isinstance(pred, Array) else core.asarray(pred)
    if not dtypes.is_bool(p.dtype):
        raise TypeError(f"select: pred must be boolean, got {p.dtype.name}")
    t = on_true if isinstance(on_true, Array) else core.asarray(on_true)
    f = on_false if isinstance(on_false, Array) else core.asarray(on_false)
    if not (p.shape == t.shape == f.shape or (p.shape == () and t.shape == f.shape)):
        raise TypeError(
            f"select: pred, on_true and on_false must have equal shapes (or a scalar pred), got "
            f"{p.aval.str_short()}, {t.aval.str_short()}, {f.aval.str_short()}"
        )
    if t.dtype != f.dtype:
        raise TypeError(
            f"select: on_true and on_false must have the same dtype, got {t.dtype.name} and "
            f"{f.dtype.name}"
        )
    if p.shape != t.shape:
        p = st.broadcast_in_dim(p, t.shape, ())
    return ew.select(p, t, f)


def stop_gradient(x: Any) -> Any:
    """``x`` unchanged, but with zero derivative (every inexact leaf of a pytree)."""

    def stop(leaf: Any) -> Any:
        a = leaf if isinstance(leaf, Array) else core.asarray(leaf)
        return ew.stop_gradient(a) if dtypes.is_inexact(a.dtype) else a

    return tu.tree_map(stop, x)
