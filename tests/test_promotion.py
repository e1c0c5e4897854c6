"""fad.numpy applies JAX's type promotion: a table of JAX's documented results.

Each row is a computation, the dtype JAX gives for it and (where JAX fixes it) whether
the result is weakly typed. Weak types come from Python scalars: they take the dtype
of the other operand (``f32_array * 2.0`` is float32) unless the categories differ
(``int32_array + 1.5`` is a weak float32). ``x64`` selects the ``enable_x64`` setting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ml_dtypes
import numpy as np
import pytest

import fad
import fad.numpy as jnp


def arr(dtype: Any) -> fad.Array:
    """A strongly typed array of ``dtype`` (built with x64 on so 64-bit types survive)."""
    with fad.config.enable_x64_scope(True):
        return jnp.asarray(np.ones(3, dtype=dtype))


Row = tuple[str, Callable[[], fad.Array], str, bool | None, bool]

BF16 = ml_dtypes.bfloat16
# (label, computation, expected dtype, expected weak_type or None, x64)
ROWS: list[Row] = [
    # Python scalars are weak: they take the array's dtype within their category...
    ("f32*2.0", lambda: arr(np.float32) * 2.0, "float32", False, False),
    ("f32+2", lambda: arr(np.float32) + 2, "float32", False, False),
    ("f16+1", lambda: arr(np.float16) + 1, "float16", False, False),
    ("bf16*2.0", lambda: arr(BF16) * 2.0, "bfloat16", False, False),
    ("i8+1", lambda: arr(np.int8) + 1, "int8", False, False),
    ("u8*3", lambda: arr(np.uint8) * 3, "uint8", False, False),
    ("c64+2.0", lambda: arr(np.complex64) + 2.0, "complex64", False, False),
    ("f64*2.0-x64", lambda: arr(np.float64) * 2.0, "float64", False, True),
    ("i64+1-x64", lambda: arr(np.int64) + 1, "int64", False, True),
    # ...and become the default type of their category when it is higher.
    ("i32+1.5", lambda: arr(np.int32) + 1.5, "float32", True, False),
    ("i32+1.5-x64", lambda: arr(np.int32) + 1.5, "float64", True, True),
    ("i8*1.0", lambda: arr(np.int8) * 1.0, "float32", True, False),
    ("u8+1.0", lambda: arr(np.uint8) + 1.0, "float32", True, False),
    ("i32+1j", lambda: arr(np.int32) + 1j, "complex64", True, False),
    ("f32+1j", lambda: arr(np.float32) + 1j, "complex64", False, False),
    ("f64+1j-x64", lambda: arr(np.float64) + 1j, "complex128", False, True),
    ("f16+1j", lambda: arr(np.float16) + 1j, "complex64", False, False),
    ("bool+1", lambda: arr(np.bool_) + 1, "int32", True, False),
    ("bool*1.0", lambda: arr(np.bool_) * 1.0, "float32", True, False),
    ("1+2", lambda: jnp.add(1, 2), "int32", True, False),
    ("1+2.0", lambda: jnp.add(1, 2.0), "float32", True, False),
    ("1+2.0-x64", lambda: jnp.add(1, 2.0), "float64", True, True),
    # Strong types meet in JAX's lattice (not numpy's table).
    ("u8+i8", lambda: arr(np.uint8) + arr(np.int8), "int16", False, False),
    ("u16+i16", lambda: arr(np.uint16) + arr(np.int16), "int32", False, False),
    ("u32+i32-x64", lambda: arr(np.uint32) + arr(np.int32), "int64", False, True),
    ("u32+i32", lambda: arr(np.uint32) + arr(np.int32), "int32", False, False),
    ("u64+i64-x64", lambda: arr(np.uint64) + arr(np.int64), "float64", None, True),
    ("i32+f16", lambda: arr(np.int32) + arr(np.float16), "float16", False, False),
    ("i64+f16-x64", lambda: arr(np.int64) + arr(np.float16), "float16", False, True),
    ("u8+bf16", lambda: arr(np.uint8) + arr(BF16), "bfloat16", False, False),
    ("bf16+f16", lambda: arr(BF16) + arr(np.float16), "float32", False, False),
    ("f16+f32", lambda: arr(np.float16) + arr(np.float32), "float32", False, False),
    ("i32+f32", lambda: arr(np.int32) + arr(np.float32), "float32", False, False),
    ("f32+f64-x64", lambda: arr(np.float32) + arr(np.float64), "float64", False, True),
    ("f32+c64", lambda: arr(np.float32) + arr(np.complex64), "complex64", False, False),
    ("f64+c64-x64", lambda: arr(np.float64) + arr(np.complex64), "complex128", False, True),
    ("bool+i8", lambda: arr(np.bool_) + arr(np.int8), "int8", False, False),
    ("bool+bool", lambda: arr(np.bool_) + arr(np.bool_), "bool", False, False),
    # numpy scalars and arrays are strong, and 64-bit ones narrow while x64 is off.
    ("np.f32+2.0", lambda: jnp.add(np.float32(1), 2.0), "float32", False, False),
    ("np.f64+i8", lambda: jnp.add(np.float64(1), arr(np.int8)), "float32", False, False),
    ("np.f64+i8-x64", lambda: jnp.add(np.float64(1), arr(np.int8)), "float64", False, True),
    ("i8+np.i64", lambda: jnp.add(arr(np.int8), np.int64(1)), "int32", False, False),
    ("np-f64-array", lambda: jnp.add(np.ones(2), np.ones(2)), "float32", False, False),
    # Weak arrays (from Python scalars) keep yielding.
    ("weak-f*+f16", lambda: jnp.asarray(2.0) * arr(np.float16), "float16", False, False),
    ("weak-i*+u8", lambda: jnp.asarray(2) + arr(np.uint8), "uint8", False, False),
    ("weak*weak", lambda: jnp.asarray(2.0) * jnp.asarray(3), "float32", True, False),
    ("-weak", lambda: -jnp.asarray(2.0), "float32", True, False),
    ("sin(weak)", lambda: jnp.sin(1), "float32", True, False),
    # Functions defined on inexact values promote integers to the default float.
    ("sin(i8)", lambda: jnp.sin(arr(np.int8)), "float32", False, False),
    ("sin(i8)-x64", lambda: jnp.sin(arr(np.int8)), "float64", False, True),
    ("sin(bool)", lambda: jnp.sin(arr(np.bool_)), "float32", False, False),
    ("sin(f16)", lambda: jnp.sin(arr(np.float16)), "float16", False, False),
    ("exp(bf16)", lambda: jnp.exp(arr(BF16)), "bfloat16", False, False),
    ("i32/i32", lambda: arr(np.int32) / arr(np.int32), "float32", False, False),
    ("i8/i8-x64", lambda: arr(np.int8) / arr(np.int8), "float64", False, True),
    ("i8//2", lambda: arr(np.int8) // 2, "int8", False, False),
    ("i8**2", lambda: arr(np.int8) ** 2, "int8", False, False),
    ("2**f16", lambda: 2 ** arr(np.float16), "float16", False, False),
    ("i32**0.5", lambda: arr(np.int32) ** 0.5, "float32", True, False),
    ("arctan2(i8,u8)", lambda: jnp.arctan2(arr(np.int8), arr(np.uint8)), "float32", False, False),
    ("abs(c64)", lambda: jnp.abs(arr(np.complex64)), "float32", False, False),
    ("real(c128)-x64", lambda: jnp.real(arr(np.complex128)), "float64", False, True),
    ("i8<1.5", lambda: arr(np.int8) < 1.5, "bool", False, False),
    # Reductions: sums of narrow integers use the default integer.
    ("sum(i8)", lambda: jnp.sum(arr(np.int8)), "int32", False, False),
    ("sum(i8)-x64", lambda: jnp.sum(arr(np.int8)), "int64", False, True),
    ("sum(i32)-x64", lambda: jnp.sum(arr(np.int32)), "int64", False, True),
    ("sum(u8)", lambda: jnp.sum(arr(np.uint8)), "uint32", False, False),
    ("sum(u16)-x64", lambda: jnp.sum(arr(np.uint16)), "uint64", False, True),
    ("sum(bool)", lambda: jnp.sum(arr(np.bool_)), "int32", False, False),
    ("sum(f16)", lambda: jnp.sum(arr(np.float16)), "float16", False, False),
    ("prod(i16)", lambda: jnp.prod(arr(np.int16)), "int32", False, False),
    ("cumsum(u16)", lambda: jnp.cumsum(arr(np.uint16)), "uint32", False, False),
    ("cumprod(bool)", lambda: jnp.cumprod(arr(np.bool_)), "int32", False, False),
    ("max(i8)", lambda: jnp.max(arr(np.int8)), "int8", False, False),
    ("argmax", lambda: jnp.argmax(arr(np.float16)), "int32", False, False),
    ("argmax-x64", lambda: jnp.argmax(arr(np.float32)), "int64", False, True),
    ("mean(i32)", lambda: jnp.mean(arr(np.int32)), "float32", False, False),
    ("mean(i32)-x64", lambda: jnp.mean(arr(np.int32)), "float64", False, True),
    ("mean(bool)", lambda: jnp.mean(arr(np.bool_)), "float32", False, False),
    ("mean(f16)", lambda: jnp.mean(arr(np.float16)), "float16", False, False),
    ("var(i8)", lambda: jnp.var(arr(np.int8)), "float32", False, False),
    ("std(c64)", lambda: jnp.std(arr(np.complex64)), "float32", False, False),
    ("all(f32)", lambda: jnp.all(arr(np.float32)), "bool", False, False),
    # Creation defaults.
    ("zeros", lambda: jnp.zeros(3), "float32", False, False),
    ("zeros-x64", lambda: jnp.zeros(3), "float64", False, True),
    ("ones(int)", lambda: jnp.ones(3, int), "int32", False, False),
    ("arange(3)", lambda: jnp.arange(3), "int32", False, False),
    ("arange(3)-x64", lambda: jnp.arange(3), "int64", False, True),
    ("arange(3.)", lambda: jnp.arange(3.0), "float32", False, False),
    ("eye", lambda: jnp.eye(2), "float32", False, False),
    ("linspace(int)", lambda: jnp.linspace(0, 3, 4), "float32", False, False),
    ("full(int)", lambda: jnp.full(2, 7), "int32", None, False),
    ("asarray(2.0)", lambda: jnp.asarray(2.0), "float32", True, False),
    ("array([1,2])", lambda: jnp.array([1, 2]), "int32", False, False),
    ("array([1.,2])-x64", lambda: jnp.array([1.0, 2]), "float64", False, True),
    # Joins and selections promote their operands together.
    ("where(f32,0)", lambda: jnp.where(arr(np.bool_), arr(np.float32), 0), "float32", False, False),
    ("where(i32,.5)", lambda: jnp.where(arr(np.bool_), arr(np.int32), 0.5), "float32", True, False),
    ("where(1,2)", lambda: jnp.where(arr(np.bool_), 1, 2), "int32", True, False),
    ("concat(i8,u8)", lambda: jnp.concatenate([arr(np.int8), arr(np.uint8)]), "int16", None, False),
    ("stack(f16,i32)", lambda: jnp.stack([arr(np.float16), arr(np.int32)]), "float16", None, False),
    ("matmul(i8,f16)", lambda: jnp.matmul(arr(np.int8), arr(np.float16)), "float16", False, False),
    ("dot(bf16,f32)", lambda: jnp.dot(arr(BF16), arr(np.float32)), "float32", False, False),
    ("einsum(i8,u8)", lambda: jnp.einsum("i,i", arr(np.int8), arr(np.uint8)), "int16", None, False),
    ("clip(u8,0,5)", lambda: jnp.clip(arr(np.uint8), 0, 5), "uint8", False, False),
    ("maximum(i8,1.5)", lambda: jnp.maximum(arr(np.int8), 1.5), "float32", True, False),
    ("at.set", lambda: arr(np.int8).at[0].set(3.7), "int8", False, False),
]  # fmt: skip


WEAK_GAPS: set[str] = set()
WEAK_PARAMS = [
    pytest.param(*r, id=r[0], marks=pytest.mark.xfail(strict=True, reason="weak_type gap"))
    if r[0] in WEAK_GAPS
    else pytest.param(*r, id=r[0])
    for r in ROWS
    if r[3] is not None
]


@pytest.mark.parametrize(("label", "fn", "dtype", "weak", "x64"), ROWS, ids=[r[0] for r in ROWS])
def test_promotion_dtype(
    label: str, fn: Callable[[], fad.Array], dtype: str, weak: bool | None, x64: bool
) -> None:
    with fad.config.enable_x64_scope(x64):
        out = fn()
    expected = np.dtype(BF16) if dtype == "bfloat16" else np.dtype(dtype)
    assert out.dtype == expected, f"{label}: got {out.dtype}, JAX gives {expected}"


@pytest.mark.parametrize(("label", "fn", "dtype", "weak", "x64"), WEAK_PARAMS)
def test_promotion_weak_type(
    label: str, fn: Callable[[], fad.Array], dtype: str, weak: bool, x64: bool
) -> None:
    with fad.config.enable_x64_scope(x64):
        out = fn()
    assert out.weak_type is weak, f"{label}: weak_type {out.weak_type}, JAX gives {weak}"


def test_values_follow_the_promoted_dtype() -> None:
    """A weak scalar is converted to the array's dtype before the operation."""
    x = jnp.asarray(np.array([250, 3], np.uint8))
    np.testing.assert_array_equal(np.asarray(x + 10), np.array([4, 13], np.uint8))  # wraps
    y = jnp.asarray(np.array([1, 2], np.int32))
    np.testing.assert_allclose(np.asarray(y + 0.5), [1.5, 2.5])
    with pytest.raises(OverflowError):
        jnp.asarray(np.array([1], np.int8)) + 1000


def test_int_overflow_of_python_scalar_without_x64() -> None:
    with fad.config.enable_x64_scope(False), pytest.raises(OverflowError):
        jnp.add(2**40, 1)
