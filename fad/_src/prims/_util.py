"""Shared checks for primitive rules: shapes, dtypes and normalised axes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fad._src import dtypes
from fad._src.core import DType, ShapedArray

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
