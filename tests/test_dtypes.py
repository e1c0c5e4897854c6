"""Tests for fad._src.dtypes and fad._src.config."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fad._src import dtypes
from fad._src.config import Config, config
from fad._src.dtypes import DType

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _restore_config() -> Iterator[None]:
    """Each test may flip global flags; put them back afterwards."""
    x64, threefry = config.enable_x64, config.threefry_partitionable
    yield
    config.update("enable_x64", x64)
    config.update("threefry_partitionable", threefry)


@pytest.fixture(params=[False, True], ids=["x32", "x64"])
def x64(request: pytest.FixtureRequest) -> Iterator[bool]:
    enabled: bool = request.param
    with config.enable_x64_scope(enabled):
        yield enabled


# ----------------------------------------------------------------------------- config


def _flags(c: Config) -> tuple[bool, bool, bool]:
    """(enable_x64, x64_enabled, threefry_partitionable); a call keeps mypy from narrowing."""
    return c.enable_x64, c.x64_enabled, c.threefry_partitionable


def test_config_defaults_and_update() -> None:
    c = Config()
    c.update("enable_x64", True)
    assert _flags(c)[:2] == (True, True)
    c.update("enable_x64", False)
    assert _flags(c)[:2] == (False, False)
    c.update("threefry_partitionable", True)
    assert _flags(c)[2] is True
    assert c.read("threefry_partitionable") is True
    c.update("jax_enable_x64", True)  # JAX spelling is accepted
    assert c.read("enable_x64") is True
    c.update("enable_x64", np.bool_(False))  # type: ignore[arg-type]
    assert _flags(c)[0] is False
    assert "enable_x64=False" in repr(c)


def test_config_unknown_option() -> None:
    with pytest.raises(ValueError, match="enable_x65") as info:
        config.update("enable_x65", True)
    assert "enable_x64" in str(info.value) and "threefry_partitionable" in str(info.value)
    with pytest.raises(ValueError, match="nope"):
        config.read("nope")
    assert config.known_options() == (
        "enable_x64", "threefry_partitionable", "cpu_enable_async_dispatch", "num_cpu_devices"
    )  # fmt: skip


@pytest.mark.parametrize("value", [1, 0, "true", None, 1.0])
def test_config_wrong_value_type(value: Any) -> None:
    before = config.enable_x64
    with pytest.raises(TypeError, match="enable_x64"):
        config.update("enable_x64", value)
    with pytest.raises(TypeError, match="threefry_partitionable"):
        config.update("threefry_partitionable", value)
    assert config.enable_x64 is before


def test_config_name_must_be_str() -> None:
    with pytest.raises(TypeError):
        config.update(1, True)  # type: ignore[arg-type]


def test_enable_x64_scope_restores() -> None:
    config.update("enable_x64", False)
    with config.enable_x64_scope(True):
        assert _flags(config)[0]
        with config.enable_x64_scope(False):
            assert not _flags(config)[0]
        assert _flags(config)[0]
    assert not _flags(config)[0]
    with pytest.raises(RuntimeError), config.enable_x64_scope(True):
        raise RuntimeError
    assert not _flags(config)[0]


_PROBE = (
    "from fad._src.config import config; from fad._src import dtypes; "
    "print(config.enable_x64, dtypes.default_float_dtype())"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "False float32"),
        ({"FAD_ENABLE_X64": "1"}, "True float64"),
        ({"FAD_ENABLE_X64": "TRUE"}, "True float64"),
        ({"FAD_ENABLE_X64": "Yes"}, "True float64"),
        ({"FAD_ENABLE_X64": "0"}, "False float32"),
        ({"JAX_ENABLE_X64": "true"}, "True float64"),
        ({"FAD_ENABLE_X64": "0", "JAX_ENABLE_X64": "1"}, "False float32"),
    ],
)
def test_env_var(env: dict[str, str], expected: str) -> None:
    full = {k: v for k, v in os.environ.items() if k not in ("FAD_ENABLE_X64", "JAX_ENABLE_X64")}
    full.update(env)
    full["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), full.get("PYTHONPATH", "")])
    out = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env=full,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout.strip() == expected


# ----------------------------------------------------------------- canonicalization


def test_float0() -> None:
    assert dtypes.float0.itemsize == 0
    assert dtypes.float0 == np.dtype([("float0", np.void, 0)])
    assert not dtypes.is_inexact(dtypes.float0)
    assert not dtypes.is_integer(dtypes.float0)


def test_bfloat16_is_ml_dtypes() -> None:
    assert dtypes.bfloat16 == np.dtype(ml_dtypes.bfloat16)


@pytest.mark.parametrize(
    ("wide", "narrow"),
    [
        (np.float64, np.float32),
        (np.int64, np.int32),
        (np.uint64, np.uint32),
        (np.complex128, np.complex64),
    ],
)
def test_canonicalize_dtype(wide: type[Any], narrow: type[Any]) -> None:
    with config.enable_x64_scope(False):
        assert dtypes.canonicalize_dtype(np.dtype(wide)) == np.dtype(narrow)
        assert dtypes.canonicalize_dtype(wide) == np.dtype(narrow)
        assert dtypes.canonicalize_dtype(np.dtype(narrow)) == np.dtype(narrow)
    with config.enable_x64_scope(True):
        assert dtypes.canonicalize_dtype(np.dtype(wide)) == np.dtype(wide)
    for other in (np.int8, np.uint16, np.float16, ml_dtypes.bfloat16, np.bool_):
        assert dtypes.canonicalize_dtype(np.dtype(other)) == np.dtype(other)


def test_default_dtypes(x64: bool) -> None:
    bits = 64 if x64 else 32
    assert dtypes.default_int_dtype() == np.dtype(f"int{bits}")
    assert dtypes.default_float_dtype() == np.dtype(f"float{bits}")
    assert dtypes.default_complex_dtype() == np.dtype(f"complex{2 * bits}")


# ------------------------------------------------------------------ python scalars


def test_dtype_of_python_scalar(x64: bool) -> None:
    assert dtypes.dtype_of_python_scalar(True) == (dtypes.bool_, False)
    assert dtypes.dtype_of_python_scalar(3) == (dtypes.default_int_dtype(), True)
    assert dtypes.dtype_of_python_scalar(3.0) == (dtypes.default_float_dtype(), True)
    assert dtypes.dtype_of_python_scalar(3j) == (dtypes.default_complex_dtype(), True)
    # numpy scalars are strongly typed even though np.float64 subclasses float.
    f64 = dtypes.canonicalize_dtype(dtypes.float64)
    assert dtypes.dtype_of_python_scalar(np.float64(1.0)) == (f64, False)
    assert dtypes.dtype_of_python_scalar(np.int8(1)) == (dtypes.int8, False)
    with pytest.raises(TypeError):
        dtypes.dtype_of_python_scalar("1")


def test_is_weakly_typed_python_scalar() -> None:
    for x in (1, 1.0, 1j):
        assert dtypes.is_weakly_typed_python_scalar(x)
    for y in (True, np.float64(1.0), np.complex128(1j), np.int32(1), "1", None, [1]):
        assert not dtypes.is_weakly_typed_python_scalar(y)


# ---------------------------------------------------------------------- predicates

_ALL = [
    dtypes.bool_,
    dtypes.uint8,
    dtypes.uint16,
    dtypes.uint32,
    dtypes.uint64,
    dtypes.int8,
    dtypes.int16,
    dtypes.int32,
    dtypes.int64,
    dtypes.bfloat16,
    dtypes.float16,
    dtypes.float32,
    dtypes.float64,
    dtypes.complex64,
    dtypes.complex128,
]


@pytest.mark.parametrize("dt", _ALL, ids=str)
def test_predicates(dt: DType) -> None:
    name = dt.name
    assert dtypes.is_bool(dt) == (name == "bool")
    assert dtypes.is_unsigned(dt) == name.startswith("uint")
    assert dtypes.is_integer(dt) == (name.startswith("int") or name.startswith("uint"))
    assert dtypes.is_float(dt) == (name.startswith("float") or name == "bfloat16")
    assert dtypes.is_complex(dt) == name.startswith("complex")
    assert dtypes.is_inexact(dt) == (dtypes.is_float(dt) or dtypes.is_complex(dt))
    assert dtypes.is_supported_dtype(dt)
    assert dt in dtypes.SUPPORTED_DTYPES
    kinds = [dtypes.is_bool(dt), dtypes.is_integer(dt), dtypes.is_inexact(dt)]
    assert sum(kinds) == 1


def test_real_and_complex_dtype() -> None:
    assert dtypes.real_dtype(dtypes.complex64) == dtypes.float32
    assert dtypes.real_dtype(dtypes.complex128) == dtypes.float64
    assert dtypes.real_dtype(dtypes.float16) == dtypes.float16
    assert dtypes.complex_dtype(dtypes.float32) == dtypes.complex64
    assert dtypes.complex_dtype(dtypes.float64) == dtypes.complex128
    assert dtypes.complex_dtype(dtypes.bfloat16) == dtypes.complex64
    assert dtypes.complex_dtype(dtypes.float16) == dtypes.complex64
    assert dtypes.complex_dtype(dtypes.complex128) == dtypes.complex128
    with config.enable_x64_scope(False):
        assert dtypes.complex_dtype(dtypes.int32) == dtypes.complex64


def test_finfo_iinfo() -> None:
    assert dtypes.finfo(dtypes.bfloat16).eps == 2.0**-7
    assert dtypes.finfo(dtypes.float32).eps == np.finfo(np.float32).eps
    assert dtypes.iinfo(dtypes.int8).max == 127
    assert dtypes.iinfo(dtypes.uint16).max == 65535
    with pytest.raises(TypeError):
        dtypes.iinfo(dtypes.bool_)


# ----------------------------------------------------------------------- promotion

# JAX's documented promotion table (x64 enabled). Columns/rows use byte widths as the
# JAX docs do: u1 = uint8, i8 = int64, c4 = complex64 ...; i*, f*, c* are Python
# int/float/complex (weakly typed) and as results mean "default dtype, weakly typed".
_JAX_TABLE = """
    b1 u1 u2 u4 u8 i1 i2 i4 i8 bf f2 f4 f8 c4 c8 i* f* c*
b1  b1 u1 u2 u4 u8 i1 i2 i4 i8 bf f2 f4 f8 c4 c8 i* f* c*
u1  u1 u1 u2 u4 u8 i2 i2 i4 i8 bf f2 f4 f8 c4 c8 u1 f* c*
u2  u2 u2 u2 u4 u8 i4 i4 i4 i8 bf f2 f4 f8 c4 c8 u2 f* c*
u4  u4 u4 u4 u4 u8 i8 i8 i8 i8 bf f2 f4 f8 c4 c8 u4 f* c*
u8  u8 u8 u8 u8 u8 f* f* f* f* bf f2 f4 f8 c4 c8 u8 f* c*
i1  i1 i2 i4 i8 f* i1 i2 i4 i8 bf f2 f4 f8 c4 c8 i1 f* c*
i2  i2 i2 i4 i8 f* i2 i2 i4 i8 bf f2 f4 f8 c4 c8 i2 f* c*
i4  i4 i4 i4 i8 f* i4 i4 i4 i8 bf f2 f4 f8 c4 c8 i4 f* c*
i8  i8 i8 i8 i8 f* i8 i8 i8 i8 bf f2 f4 f8 c4 c8 i8 f* c*
bf  bf bf bf bf bf bf bf bf bf bf f4 f4 f8 c4 c8 bf bf c4
f2  f2 f2 f2 f2 f2 f2 f2 f2 f2 f4 f2 f4 f8 c4 c8 f2 f2 c4
f4  f4 f4 f4 f4 f4 f4 f4 f4 f4 f4 f4 f4 f8 c4 c8 f4 f4 c4
f8  f8 f8 f8 f8 f8 f8 f8 f8 f8 f8 f8 f8 f8 c8 c8 f8 f8 c8
c4  c4 c4 c4 c4 c4 c4 c4 c4 c4 c4 c4 c4 c8 c4 c8 c4 c4 c4
c8  c8 c8 c8 c8 c8 c8 c8 c8 c8 c8 c8 c8 c8 c8 c8 c8 c8 c8
i*  i* u1 u2 u4 u8 i1 i2 i4 i8 bf f2 f4 f8 c4 c8 i* f* c*
f*  f* f* f* f* f* f* f* f* f* bf f2 f4 f8 c4 c8 f* f* c*
c*  c* c* c* c* c* c* c* c* c* c4 c4 c4 c8 c4 c8 c* c* c*
"""

_CODES: dict[str, DType] = {
    "b1": dtypes.bool_,
    "u1": dtypes.uint8,
    "u2": dtypes.uint16,
    "u4": dtypes.uint32,
    "u8": dtypes.uint64,
    "i1": dtypes.int8,
    "i2": dtypes.int16,
    "i4": dtypes.int32,
    "i8": dtypes.int64,
    "bf": dtypes.bfloat16,
    "f2": dtypes.float16,
    "f4": dtypes.float32,
    "f8": dtypes.float64,
    "c4": dtypes.complex64,
    "c8": dtypes.complex128,
}


def _decode(code: str) -> tuple[DType, bool]:
    """Table code -> (dtype, weak) under the current x64 setting."""
    if code == "i*":
        return dtypes.default_int_dtype(), True
    if code == "f*":
        return dtypes.default_float_dtype(), True
    if code == "c*":
        return dtypes.default_complex_dtype(), True
    return _CODES[code], False


def _table() -> list[tuple[str, str, str]]:
    lines = [ln.split() for ln in _JAX_TABLE.strip().splitlines()]
    header = lines[0]
    out: list[tuple[str, str, str]] = []
    for row in lines[1:]:
        assert len(row) == len(header) + 1
        out.extend((row[0], col, res) for col, res in zip(header, row[1:], strict=True))
    return out


def test_jax_table_is_symmetric() -> None:
    entries = {(a, b): r for a, b, r in _table()}
    assert len(entries) == 18 * 18
    for (a, b), r in entries.items():
        assert entries[b, a] == r, (a, b)


@pytest.mark.parametrize(("a", "b", "expected"), _table())
def test_promotion_table(a: str, b: str, expected: str, x64: bool) -> None:
    exp_dtype, exp_weak = _decode(expected)
    want = (dtypes.canonicalize_dtype(exp_dtype), exp_weak)
    assert dtypes.result_type(_decode(a), _decode(b)) == want


S, W = False, True  # strong / weak


@pytest.mark.parametrize(
    ("a", "b", "x32", "x64_result"),
    [
        # jnp.int32(1) + 1.0 is a weakly typed float.
        ((dtypes.int32, S), (dtypes.float32, W), (dtypes.float32, W), (dtypes.float64, W)),
        ((dtypes.float32, S), (dtypes.int32, W), (dtypes.float32, S), (dtypes.float32, S)),
        ((dtypes.bfloat16, S), (dtypes.float16, S), (dtypes.float32, S), (dtypes.float32, S)),
        ((dtypes.uint8, S), (dtypes.int8, S), (dtypes.int16, S), (dtypes.int16, S)),
        ((dtypes.uint32, S), (dtypes.int32, S), (dtypes.int32, S), (dtypes.int64, S)),
        ((dtypes.int32, S), (dtypes.uint64, S), (dtypes.float32, W), (dtypes.float64, W)),
        ((dtypes.bool_, S), (dtypes.bool_, S), (dtypes.bool_, S), (dtypes.bool_, S)),
        ((dtypes.float16, S), (dtypes.float32, W), (dtypes.float16, S), (dtypes.float16, S)),
        ((dtypes.int8, S), (dtypes.int32, W), (dtypes.int8, S), (dtypes.int8, S)),
        ((dtypes.complex64, S), (dtypes.float64, S), (dtypes.complex64, S), (dtypes.complex128, S)),
        ((dtypes.complex64, W), (dtypes.float32, S), (dtypes.complex64, S), (dtypes.complex64, S)),
        ((dtypes.bool_, S), (dtypes.int32, W), (dtypes.int32, W), (dtypes.int64, W)),
        ((dtypes.uint64, S), (dtypes.float32, W), (dtypes.float32, W), (dtypes.float64, W)),
    ],
)
def test_promotion_examples(
    a: tuple[DType, bool],
    b: tuple[DType, bool],
    x32: tuple[DType, bool],
    x64_result: tuple[DType, bool],
    x64: bool,
) -> None:
    # Weak inputs are given with 32-bit dtypes; a weak value's dtype only matters when
    # every input is weak, so re-express them as the current default.
    def fix(p: tuple[DType, bool]) -> tuple[DType, bool]:
        return (dtypes.canonicalize_dtype(p[0]) if p[1] else p[0]), p[1]

    want = x64_result if x64 else x32
    assert dtypes.result_type(fix(a), fix(b)) == want
    assert dtypes.result_type(fix(b), fix(a)) == want


def test_result_type_special_cases(x64: bool) -> None:
    # A single argument keeps its dtype, canonicalized.
    assert dtypes.result_type((dtypes.float16, W)) == (dtypes.float16, W)
    f64 = dtypes.canonicalize_dtype(dtypes.float64)
    assert dtypes.result_type((dtypes.float64, S)) == (f64, S)
    # Bool is never weak.
    assert dtypes.result_type((dtypes.bool_, W)) == (dtypes.bool_, S)
    assert dtypes.result_type((dtypes.bool_, W), (dtypes.bool_, W)) == (dtypes.bool_, S)
    # All weak: joined by strong dtypes, so weak f16 + weak f16 stays weak f16.
    assert dtypes.result_type((dtypes.float16, W), (dtypes.float16, W)) == (dtypes.float16, W)
    # Equal dtypes, mixed weakness: strong.
    assert dtypes.result_type((dtypes.int16, W), (dtypes.int16, S)) == (dtypes.int16, S)
    # Many arguments.
    many = [(dtypes.int8, S), (dtypes.uint8, S), (dtypes.float32, W), (dtypes.bool_, S)]
    assert dtypes.result_type(*many) == (dtypes.default_float_dtype(), W)


def test_result_type_tracks_x64_flag() -> None:
    args = ((dtypes.uint32, S), (dtypes.int32, S))
    with config.enable_x64_scope(True):
        assert dtypes.result_type(*args) == (dtypes.int64, S)
    with config.enable_x64_scope(False):
        assert dtypes.result_type(*args) == (dtypes.int32, S)
    with config.enable_x64_scope(True):
        assert dtypes.result_type(*args) == (dtypes.int64, S)


def test_result_type_errors() -> None:
    with pytest.raises(TypeError, match="at least one"):
        dtypes.result_type()
    with pytest.raises(TypeError, match="promotion"):
        dtypes.result_type((dtypes.float0, S), (dtypes.float32, S))
    with pytest.raises(TypeError, match="promotion"):
        dtypes.result_type((np.dtype(object), S))
    with pytest.raises(TypeError, match="pairs"):
        dtypes.result_type(dtypes.float32)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        dtypes.result_type(([1], S))  # type: ignore[arg-type]


def test_result_type_accepts_scalar_types() -> None:
    with config.enable_x64_scope(False):
        assert dtypes.result_type((np.float32, S), (np.int8, S)) == (  # type: ignore[arg-type]
            dtypes.float32,
            S,
        )


def test_result_type_output_is_canonical(x64: bool) -> None:
    for a in _ALL:
        for b in _ALL:
            for wa in (S, W):
                for wb in (S, W):
                    out, _ = dtypes.result_type((a, wa), (b, wb))
                    assert dtypes.canonicalize_dtype(out) == out


_dtype_st = st.sampled_from(_ALL)
_any_arg = st.tuples(_dtype_st, st.booleans())


@st.composite
def _canonical_arg(draw: st.DrawFn) -> tuple[DType, bool]:
    """Args as values have them: canonical dtypes; weak ones are their kind's default.

    Outside this domain associativity can fail, in JAX too: with x64 off,
    ``(bool, u64) -> u64 -> u32`` then ``+ i8 -> i32``, but ``u64 + i8 -> f*``.
    Values never carry non-canonical dtypes, so that case does not arise.
    """
    kind = draw(st.sampled_from(["strong", "i*", "f*", "c*"]))
    if kind == "i*":
        return dtypes.default_int_dtype(), True
    if kind == "f*":
        return dtypes.default_float_dtype(), True
    if kind == "c*":
        return dtypes.default_complex_dtype(), True
    return dtypes.canonicalize_dtype(draw(_dtype_st)), False


@settings(max_examples=300, deadline=None)
@given(a=_any_arg, b=_any_arg, c=_any_arg, x64=st.booleans())
def test_result_type_commutative(
    a: tuple[DType, bool], b: tuple[DType, bool], c: tuple[DType, bool], x64: bool
) -> None:
    with config.enable_x64_scope(x64):
        assert dtypes.result_type(a, b) == dtypes.result_type(b, a)
        abc = dtypes.result_type(a, b, c)
        assert abc == dtypes.result_type(c, a, b) == dtypes.result_type(b, c, a)
        assert abc == dtypes.result_type(c, b, a)


@settings(max_examples=300, deadline=None)
@given(a=_any_arg, x64=st.booleans())
def test_result_type_idempotent(a: tuple[DType, bool], x64: bool) -> None:
    with config.enable_x64_scope(x64):
        r = dtypes.result_type(a)
        assert dtypes.result_type(a, a) == r
        assert dtypes.result_type(a, a, a) == r
        assert dtypes.result_type(r) == r
        assert dtypes.result_type(r, r) == r


@settings(max_examples=500, deadline=None)
@given(data=st.data(), x64=st.booleans())
def test_result_type_associative(data: st.DataObject, x64: bool) -> None:
    with config.enable_x64_scope(x64):
        a = data.draw(_canonical_arg())
        b = data.draw(_canonical_arg())
        c = data.draw(_canonical_arg())
        left = dtypes.result_type(dtypes.result_type(a, b), c)
        right = dtypes.result_type(a, dtypes.result_type(b, c))
        assert left == right == dtypes.result_type(a, b, c)


@settings(max_examples=200, deadline=None)
@given(a=_canonical_arg(), b=_canonical_arg())
def test_result_type_is_upper_bound(a: tuple[DType, bool], b: tuple[DType, bool]) -> None:
    """Joining the result with either input changes nothing."""
    r = dtypes.result_type(a, b)
    assert dtypes.result_type(r, a) == r
    assert dtypes.result_type(r, b) == r


# ------------------------------------------------------------------------ to_inexact


def test_to_inexact(x64: bool) -> None:
    f = dtypes.default_float_dtype()
    assert dtypes.to_inexact(dtypes.default_int_dtype(), True) == (f, True)
    assert dtypes.to_inexact(dtypes.int8, False) == (f, False)
    assert dtypes.to_inexact(dtypes.uint32, False) == (f, False)
    assert dtypes.to_inexact(dtypes.bool_, False) == (f, False)
    assert dtypes.to_inexact(dtypes.bool_, True) == (f, False)
    assert dtypes.to_inexact(dtypes.float16, False) == (dtypes.float16, False)
    assert dtypes.to_inexact(dtypes.bfloat16, True) == (dtypes.bfloat16, True)
    assert dtypes.to_inexact(dtypes.complex64, False) == (dtypes.complex64, False)
    assert dtypes.to_inexact(f, True) == (f, True)


# -------------------------------------------------------------------- user dtypes


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        (np.float32, dtypes.float32),
        (np.dtype("float16"), dtypes.float16),
        ("float32", dtypes.float32),
        ("int8", dtypes.int8),
        ("bfloat16", dtypes.bfloat16),
        (ml_dtypes.bfloat16, dtypes.bfloat16),
        (np.bool_, dtypes.bool_),
        (bool, dtypes.bool_),
        ("complex64", dtypes.complex64),
    ],
)
def test_check_user_dtype_valid(requested: Any, expected: DType, x64: bool) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert dtypes.check_user_dtype(requested, "zeros") == expected


def test_check_user_dtype_python_types(x64: bool) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # builtin types never warn
        assert dtypes.check_user_dtype(float, "f") == dtypes.default_float_dtype()
        assert dtypes.check_user_dtype(int, "f") == dtypes.default_int_dtype()
        assert dtypes.check_user_dtype(complex, "f") == dtypes.default_complex_dtype()


@pytest.mark.parametrize(
    ("requested", "wide", "narrow"),
    [
        (np.float64, "float64", "float32"),
        ("float64", "float64", "float32"),
        (np.dtype("int64"), "int64", "int32"),
        ("uint64", "uint64", "uint32"),
        (np.complex128, "complex128", "complex64"),
    ],
)
def test_check_user_dtype_64bit(requested: Any, wide: str, narrow: str) -> None:
    with config.enable_x64_scope(False):
        with pytest.warns(UserWarning, match="enable_x64") as rec:
            assert dtypes.check_user_dtype(requested, "ones") == np.dtype(narrow)
        msg = str(rec[0].message)
        assert wide in msg and narrow in msg and "ones" in msg
    with config.enable_x64_scope(True), warnings.catch_warnings():
        warnings.simplefilter("error")
        assert dtypes.check_user_dtype(requested, "ones") == np.dtype(wide)


@pytest.mark.parametrize(
    "bad",
    [None, "notadtype", object, np.dtype(object), "U5", dtypes.float0, np.dtype(">f4"), 3],
    ids=repr,
)
def test_check_user_dtype_invalid(bad: Any) -> None:
    with pytest.raises(TypeError, match="my_fun") as info:
        dtypes.check_user_dtype(bad, "my_fun")
    assert repr(bad) in str(info.value) or str(bad) in str(info.value)
