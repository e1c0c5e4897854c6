"""Tests of fad._src.xla.runtime on hand-written StableHLO modules (CPU)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np
import pytest

from fad._src.xla import runtime as rt

REPO_ROOT = Path(__file__).resolve().parents[1]

NDArray = np.ndarray[Any, Any]


def run(text: str, *args: NDArray) -> list[NDArray]:
    exe = rt.compile(text)
    outs = exe.execute([rt.device_put(a) for a in args])
    return [rt.to_numpy(o) for o in outs]


def unary(op: str, ty: str) -> str:
    return f"""func.func public @main(%a: {ty}) -> {ty} {{
  %0 = stablehlo.{op} %a : {ty}
  return %0 : {ty}
}}"""


def binary(op: str, ty: str) -> str:
    return f"""func.func public @main(%a: {ty}, %b: {ty}) -> {ty} {{
  %0 = stablehlo.{op} %a, %b : {ty}
  return %0 : {ty}
}}"""


def identity(ty: str) -> str:
    return f"""func.func public @main(%a: {ty}) -> {ty} {{
  return %a : {ty}
}}"""


# ---------------------------------------------------------------- backends


def test_backend_and_devices() -> None:
    b = rt.get_backend()
    assert b is rt.get_backend()
    assert rt.default_backend() in ("cpu", "cuda")
    cpu = rt.get_backend("cpu")
    assert cpu is rt.get_backend("CPU") is rt.get_backend("host")
    assert cpu.name == cpu.platform == "cpu"
    devs = rt.devices("cpu")
    assert len(devs) >= 1 and devs[0].platform == "cpu"
    assert rt.devices(cpu)[0].id == devs[0].id
    with pytest.raises(ValueError, match="unknown backend"):
        rt.get_backend("tpu")


def test_jaxlib_imported_lazily() -> None:
    code = (
        "import sys, os; import fad._src.xla.runtime as rt; "
        "assert 'jaxlib' not in sys.modules; "
        "assert 'TF_CPP_MIN_LOG_LEVEL' not in os.environ; "
        "rt.get_backend('cpu'); "
        "assert 'jaxlib' in sys.modules; "
        "assert os.environ['TF_CPP_MIN_LOG_LEVEL'] == '1'"
    )
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), env.get("PYTHONPATH", "")])
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=REPO_ROOT)


# ---------------------------------------------------------------- compile & run


def test_add() -> None:
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    y = np.full((2, 3), 0.5, np.float32)
    (out,) = run(binary("add", "tensor<2x3xf32>"), x, y)
    assert out.dtype == np.float32 and out.shape == (2, 3)
    np.testing.assert_array_equal(out, x + y)


def test_tanh() -> None:
    x = np.linspace(-3, 3, 7, dtype=np.float32)
    (out,) = run(unary("tanh", "tensor<7xf32>"), x)
    np.testing.assert_allclose(out, np.tanh(x), rtol=1e-6, atol=1e-6)


def test_dot_general() -> None:
    text = """func.func public @main(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>)
    -> tensor<2x3x5xf32> {
  %0 = stablehlo.dot_general %a, %b, batching_dims = [0] x [0], contracting_dims = [2] x [1]
    : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}"""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3, 4)).astype(np.float32)
    b = rng.standard_normal((2, 4, 5)).astype(np.float32)
    (out,) = run(text, a, b)
    np.testing.assert_allclose(out, a @ b, rtol=1e-5, atol=1e-5)


def test_multiple_outputs_mixed_dtypes() -> None:
    text = """func.func public @main(%a: tensor<3xf32>, %b: tensor<3xi32>)
    -> (tensor<3xf32>, tensor<3xi32>, tensor<3xi1>, tensor<f32>) {
  %0 = stablehlo.multiply %a, %a : tensor<3xf32>
  %1 = stablehlo.negate %b : tensor<3xi32>
  %2 = stablehlo.compare GT, %a, %0 : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  %z = stablehlo.constant dense<0.0> : tensor<f32>
  %3 = stablehlo.reduce(%a init: %z) applies stablehlo.add across dimensions = [0]
    : (tensor<3xf32>, tensor<f32>) -> tensor<f32>
  return %0, %1, %2, %3 : tensor<3xf32>, tensor<3xi32>, tensor<3xi1>, tensor<f32>
}"""
    a = np.array([0.5, 2.0, -1.0], np.float32)
    b = np.array([1, -2, 3], np.int32)
    exe = rt.compile(text)
    assert [o.str_short() for o in exe.out_avals] == ["f32[3]", "i32[3]", "bool[3]", "f32[]"]
    sq, neg, gt, total = (rt.to_numpy(o) for o in exe.execute([rt.device_put(a), rt.device_put(b)]))
    np.testing.assert_array_equal(sq, a * a)
    np.testing.assert_array_equal(neg, -b)
    assert gt.dtype == np.bool_
    np.testing.assert_array_equal(gt, a > a * a)
    assert total.shape == () and total == np.float32(1.5)


def test_zero_outputs() -> None:
    text = """func.func public @main(%a: tensor<2xf32>) -> () {
  return
}"""
    exe = rt.compile(text)
    assert exe.out_avals == ()
    assert exe.execute([rt.device_put(np.zeros(2, np.float32))]) == []


def test_zero_inputs_and_0d() -> None:
    text = """func.func public @main() -> tensor<f64> {
  %0 = stablehlo.constant dense<2.5> : tensor<f64>
  return %0 : tensor<f64>
}"""
    exe = rt.compile(text)
    assert exe.in_avals == ()
    (out,) = exe.execute([])
    assert out.shape == () and out.ndim == 0 and out.dtype == np.float64
    assert rt.to_numpy(out)[()] == 2.5
    (sq,) = run(binary("multiply", "tensor<f32>"), np.float32(3), np.float32(4))  # type: ignore[arg-type]
    assert sq.shape == () and sq == 12


def test_f64_keeps_precision() -> None:
    x = np.array([1.0, 1e300, -2.0], np.float64)
    y = np.array([1e-15, 1e300, 1e-300], np.float64)
    (out,) = run(binary("add", "tensor<3xf64>"), x, y)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, x + y)  # 1 + 1e-15 and 2e300 are not f32 values
    big = np.array([2**40 + 1, -(2**62)], np.int64)
    (i64,) = run(identity("tensor<2xi64>"), big)
    assert i64.dtype == np.int64
    np.testing.assert_array_equal(i64, big)


def test_int32_arithmetic() -> None:
    x = np.array([7, -7, 2**31 - 1], np.int32)
    y = np.array([2, 2, 1], np.int32)
    (out,) = run(binary("divide", "tensor<3xi32>"), x, y)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [3, -3, 2**31 - 1])  # truncating division
    (wrapped,) = run(binary("add", "tensor<3xi32>"), x, y)
    np.testing.assert_array_equal(wrapped, x + y)  # overflow wraps like numpy


def test_bool_ops() -> None:
    x = np.array([True, True, False, False])
    y = np.array([True, False, True, False])
    (out,) = run(binary("xor", "tensor<4xi1>"), x, y)
    assert out.dtype == np.bool_
    np.testing.assert_array_equal(out, x ^ y)
    (neg,) = run(unary("not", "tensor<4xi1>"), x)
    np.testing.assert_array_equal(neg, ~x)


def test_complex64() -> None:
    x = np.array([1 + 2j, -0.5j, 3], np.complex64)
    y = np.array([2 - 1j, 4 + 0j, 1j], np.complex64)
    (out,) = run(binary("multiply", "tensor<3xcomplex<f32>>"), x, y)
    assert out.dtype == np.complex64
    np.testing.assert_allclose(out, x * y, rtol=1e-6)
    text = """func.func public @main(%a: tensor<3xcomplex<f32>>) -> tensor<3xf32> {
  %0 = stablehlo.imag %a : (tensor<3xcomplex<f32>>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}"""
    (im,) = run(text, x)
    assert im.dtype == np.float32
    np.testing.assert_array_equal(im, x.imag)


ROUND_TRIP = [
    (np.float16, "f16"),
    (ml_dtypes.bfloat16, "bf16"),
    (ml_dtypes.float8_e4m3fn, "f8E4M3FN"),
    (np.float32, "f32"),
    (np.float64, "f64"),
    (np.complex64, "complex<f32>"),
    (np.complex128, "complex<f64>"),
    (np.int8, "i8"),
    (np.int32, "i32"),
    (np.int64, "i64"),
    (np.uint8, "ui8"),
    (np.uint32, "ui32"),
    (np.uint64, "ui64"),
    (np.bool_, "i1"),
]


@pytest.mark.parametrize(("dtype", "mlir"), ROUND_TRIP, ids=[m for _, m in ROUND_TRIP])
def test_round_trip(dtype: Any, mlir: str) -> None:
    x = (
        np.arange(6).reshape(2, 3) % 2 if dtype is np.bool_ else np.arange(6).reshape(2, 3)
    ).astype(dtype)
    buf = rt.device_put(x)
    assert buf.shape == (2, 3) and buf.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(rt.to_numpy(buf), x)
    s = rt.device_put(x[1, 2])  # 0-d
    assert s.shape == () and rt.to_numpy(s) == x[1, 2]
    if dtype in (np.float64, np.int32, np.bool_, np.complex64):
        (out,) = run(identity(f"tensor<2x3x{mlir}>"), x)
        assert out.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(out, x)


def test_strided_and_fortran_inputs() -> None:
    base = np.arange(24, dtype=np.float32).reshape(4, 6)
    for x in (base[::2, 1::2], np.asfortranarray(base), base.T):
        np.testing.assert_array_equal(rt.to_numpy(rt.device_put(x)), x)


def test_device_put_rejects_object_arrays() -> None:
    with pytest.raises(TypeError, match="unsupported dtype"):
        rt.device_put(np.array(["a"]))


# ---------------------------------------------------------------- buffers


def test_feed_outputs_back() -> None:
    text = """func.func public @main(%x: tensor<4xf32>, %v: tensor<4xf32>)
    -> (tensor<4xf32>, tensor<4xf32>) {
  %h = stablehlo.constant dense<0.125> : tensor<4xf32>
  %dv = stablehlo.multiply %h, %x : tensor<4xf32>
  %v1 = stablehlo.subtract %v, %dv : tensor<4xf32>
  %dx = stablehlo.multiply %h, %v1 : tensor<4xf32>
  %x1 = stablehlo.add %x, %dx : tensor<4xf32>
  return %x1, %v1 : tensor<4xf32>, tensor<4xf32>
}"""
    exe = rt.compile(text)
    x0 = np.array([1.0, 0.0, -2.0, 0.5], np.float32)
    v0 = np.zeros(4, np.float32)
    state = [rt.device_put(x0), rt.device_put(v0)]
    for _ in range(50):
        state = exe.execute(state)
    rt.block_until_ready(state)
    x, v = x0.copy(), v0.copy()
    h = np.float32(0.125)
    for _ in range(50):
        v = v - h * x
        x = x + h * v
    np.testing.assert_allclose(rt.to_numpy(state[0]), x, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(rt.to_numpy(state[1]), v, rtol=1e-5, atol=1e-6)


def test_to_numpy_waits_for_async_result() -> None:
    n = 256
    t = f"tensor<{n}x{n}xf32>"
    text = f"""func.func public @main(%a: {t}) -> {t} {{
  %0 = stablehlo.dot_general %a, %a, contracting_dims = [1] x [0] : ({t}, {t}) -> {t}
  %1 = stablehlo.dot_general %0, %a, contracting_dims = [1] x [0] : ({t}, {t}) -> {t}
  return %1 : {t}
}}"""
    a = np.random.default_rng(3).standard_normal((n, n)).astype(np.float32) / 16
    exe = rt.compile(text)
    buf = rt.device_put(a)
    for _ in range(3):
        (out,) = exe.execute([buf])
        np.testing.assert_allclose(rt.to_numpy(out), a @ a @ a, rtol=1e-4, atol=1e-4)
    bf16 = rt.to_numpy(rt.device_put(np.ones(3, ml_dtypes.bfloat16)))  # the slow path
    assert bf16.dtype == ml_dtypes.bfloat16 and not bf16.flags.writeable


def test_to_numpy_is_zero_copy_and_read_only() -> None:
    buf = rt.device_put(np.arange(1000, dtype=np.float32))
    a, b = rt.to_numpy(buf), rt.to_numpy(buf)
    assert np.shares_memory(a, b)  # both view the device buffer: no copy
    assert not a.flags.writeable and not a.flags.owndata
    with pytest.raises(ValueError):
        a[0] = 1.0
    buf.delete()
    assert buf.is_deleted()
    assert a[999] == 999.0  # the view keeps the memory alive


def test_device_put_copies_writable_input() -> None:
    x = np.arange(256, dtype=np.float32)
    buf = rt.device_put(x)
    x[:] = -1.0
    assert rt.to_numpy(buf)[5] == 5.0
    view = np.arange(256, dtype=np.float32)
    ro = view[:]
    ro.flags.writeable = False  # read-only view of writable memory: still copied
    buf2 = rt.device_put(ro)
    view[5] = -1.0
    assert rt.to_numpy(buf2)[5] == 5.0


def test_device_put_aliases_immutable_input() -> None:
    raw = np.empty(4096 + 64, np.uint8)
    off = -raw.ctypes.data % 64
    x = raw[off : off + 4096].view(np.float32)
    x[:] = np.arange(1024)
    raw.flags.writeable = False
    x.flags.writeable = False
    buf = rt.device_put(x)
    out = rt.to_numpy(buf)
    np.testing.assert_array_equal(out, np.arange(1024))
    assert np.shares_memory(out, x)  # zero-copy on CPU


def test_buffer_protocol_surface() -> None:
    buf = rt.device_put(np.ones((2, 5), np.float64))
    assert rt.is_device_buffer(buf) and not rt.is_device_buffer(np.ones(2))
    assert buf.shape == (2, 5) and buf.ndim == 2 and buf.dtype == np.float64
    assert buf.aval == rt.make_aval((2, 5), np.float64)
    assert buf.block_until_ready() is buf
    assert not buf.is_deleted()
    buf.delete()
    assert buf.is_deleted()


def test_aval() -> None:
    a = rt.make_aval([2, 3], "float32")
    assert a is rt.make_aval((2, 3), np.float32)
    assert (a.shape, a.ndim, a.size, a.weak_type) == ((2, 3), 2, 6, False)
    assert a.str_short() == str(a) == "f32[2,3]"
    assert rt.make_aval((), np.bool_).str_short() == "bool[]"
    assert rt.make_aval((4,), ml_dtypes.bfloat16).str_short() == "bfloat16[4]"
    assert rt.make_aval((1,), np.uint64).str_short() == "u64[1]"
    assert rt.Aval((), np.dtype(np.float32), weak_type=True) != rt.make_aval((), np.float32)


# ---------------------------------------------------------------- checks & errors


def test_out_avals_checked_and_kept() -> None:
    text = binary("add", "tensor<2xf32>")
    weak = rt.Aval((2,), np.dtype(np.float32), weak_type=True)
    exe = rt.compile(text, out_avals=[weak])
    x = rt.device_put(np.ones(2, np.float32))
    (out,) = exe.execute([x, x])
    assert out.aval is weak
    exe2 = rt.compile(text, out_avals=[((2,), np.float32)])
    assert exe2.out_avals == (rt.make_aval((2,), np.float32),)
    with pytest.raises(ValueError, match="do not match"):
        rt.compile(text, out_avals=[((2,), np.float64)])
    with pytest.raises(ValueError, match="do not match"):
        rt.compile(text, out_avals=[((2,), np.float32), ((2,), np.float32)])


def test_check_args() -> None:
    exe = rt.compile(binary("add", "tensor<4xf32>"))
    good = rt.device_put(np.ones(4, np.float32))
    exe.check_args([good, good])
    with pytest.raises(TypeError, match="expected 2 arguments"):
        exe.check_args([good])
    with pytest.raises(TypeError, match=r"expected f32\[4\], got i32\[4\]"):
        exe.check_args([good, rt.device_put(np.ones(4, np.int32))])
    with pytest.raises(TypeError, match="expected a device buffer"):
        exe.check_args([good, np.ones(4, np.float32)])  # type: ignore[list-item]
    dead = rt.device_put(np.ones(4, np.float32))
    dead.delete()
    with pytest.raises(ValueError, match="deleted"):
        exe.check_args([good, dead])


def test_execute_errors() -> None:
    exe = rt.compile(binary("add", "tensor<4xf32>"))
    good = rt.device_put(np.ones(4, np.float32))
    with pytest.raises(TypeError, match="device buffers"):
        exe.execute([good, np.ones(4, np.float32)])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="expected 2 arguments, got 1"):
        exe.execute([good])
    dead = rt.device_put(np.ones(4, np.float32))
    dead.delete()
    with pytest.raises(ValueError, match="argument 1 has been deleted"):
        exe.execute([good, dead])
    with pytest.raises(ValueError, match="argument 0 has been deleted"):
        exe.execute([dead, good])


def test_compile_errors() -> None:
    with pytest.raises(Exception, match="main"):
        rt.compile(unary("tanh", "tensor<f32>").replace("@main", "@other"))
    with pytest.raises(Exception):  # noqa: B017 - jaxlib's parse error type is private
        rt.compile("func.func public @main( garbage")


def test_donation() -> None:
    text = binary("multiply", "tensor<1000xf32>")
    exe = rt.compile(text, donated=[0])
    assert exe.donated == (0,)
    x = rt.device_put(np.full(1000, 3.0, np.float32))
    y = rt.device_put(np.full(1000, 2.0, np.float32))
    (out,) = exe.execute([x, y])
    assert x.is_deleted() and not y.is_deleted()
    np.testing.assert_array_equal(rt.to_numpy(out), 6.0)
    with pytest.raises(ValueError, match="deleted or donated"):
        exe.execute([x, y])
    with pytest.raises(ValueError, match="out of range"):
        rt.compile(text, donated=[2])


def test_hlo_text_and_repr() -> None:
    exe = rt.compile(unary("tanh", "tensor<3xf32>"))
    assert "tanh" in exe.hlo_text()
    assert repr(exe).startswith("Executable((f32[3]) -> (f32[3])")


# ---------------------------------------------------------------- persistent cache


@pytest.fixture
def cache_dir(tmp_path: Path) -> Iterator[Path]:
    rt.enable_persistent_cache(tmp_path / "cache")
    try:
        yield tmp_path / "cache"
    finally:
        rt.disable_persistent_cache()


def test_persistent_cache(cache_dir: Path) -> None:
    # A constant unique to this run keeps other processes' entries irrelevant.
    c = float(np.random.default_rng().integers(1, 10**6))
    text = f"""func.func public @main(%a: tensor<8xf32>) -> tensor<8xf32> {{
  %c = stablehlo.constant dense<{c}> : tensor<8xf32>
  %0 = stablehlo.multiply %a, %c : tensor<8xf32>
  %1 = stablehlo.sine %0 : tensor<8xf32>
  return %1 : tensor<8xf32>
}}"""
    x = rt.device_put(np.linspace(0, 1, 8, dtype=np.float32))
    before = rt.persistent_cache_stats()
    exe1 = rt.compile(text)
    mid = rt.persistent_cache_stats()
    assert not exe1.loaded_from_cache
    assert (mid.misses - before.misses, mid.writes - before.writes) == (1, 1)
    assert len(list(cache_dir.glob("*.xlaexe"))) == 1
    exe2 = rt.compile(text)
    after = rt.persistent_cache_stats()
    assert exe2.loaded_from_cache
    assert (after.hits - mid.hits, after.misses - mid.misses) == (1, 0)
    assert exe2.in_avals == exe1.in_avals and exe2.out_avals == exe1.out_avals
    np.testing.assert_array_equal(
        rt.to_numpy(exe1.execute([x])[0]), rt.to_numpy(exe2.execute([x])[0])
    )
    rt.compile(text, donated=[0])  # different module text: a new entry
    assert rt.persistent_cache_stats().misses - after.misses == 1
    # A corrupt entry is ignored (and rewritten), not fatal.
    for p in cache_dir.glob("*.xlaexe"):
        p.write_bytes(b"garbage")
    exe3 = rt.compile(text)
    assert not exe3.loaded_from_cache
    assert rt.persistent_cache_stats().errors - after.errors >= 1
    assert rt.compile(text).loaded_from_cache


def test_persistent_cache_off_by_default() -> None:
    before = rt.persistent_cache_stats()
    exe = rt.compile(unary("sine", "tensor<2xf32>"))
    assert not exe.loaded_from_cache
    assert rt.persistent_cache_stats() == before


# ---------------------------------------------------------------- LAPACK


def potrf_text(prefix: str, ty: str, n: int) -> str:
    t = f"tensor<{n}x{n}x{ty}>"
    return f"""func.func public @main(%a: {t}) -> ({t}, tensor<i32>) {{
  %0:2 = stablehlo.custom_call @lapack_{prefix}potrf_ffi(%a) {{
      mhlo.backend_config = {{uplo = 76 : ui8}},
      operand_layouts = [dense<[0, 1]> : tensor<2xindex>],
      result_layouts = [dense<[0, 1]> : tensor<2xindex>, dense<> : tensor<0xindex>]
    }} : ({t}) -> ({t}, tensor<i32>)
  return %0#0, %0#1 : {t}, tensor<i32>
}}"""


@pytest.mark.parametrize(
    ("prefix", "ty", "dtype"), [("s", "f32", np.float32), ("d", "f64", np.float64)]
)
def test_lapack_potrf(prefix: str, ty: str, dtype: Any) -> None:
    n = 6
    rng = np.random.default_rng(1)
    m = rng.standard_normal((n, n))
    a = (m @ m.T + n * np.eye(n)).astype(dtype)
    exe = rt.compile(potrf_text(prefix, ty, n))
    lower, info = (rt.to_numpy(o) for o in exe.execute([rt.device_put(a)]))
    assert info == 0 and lower.dtype == dtype
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(np.tril(lower), np.linalg.cholesky(a), rtol=tol, atol=tol)
    # Not positive definite: LAPACK reports it through info.
    (_, bad_info) = exe.execute([rt.device_put(-a)])
    assert rt.to_numpy(bad_info) != 0


def test_lapack_trsm() -> None:
    n, k = 5, 3
    t_a, t_b = f"tensor<{n}x{n}xf64>", f"tensor<{n}x{k}xf64>"
    layout = "dense<[0, 1]> : tensor<2xindex>"

    def trsm(trans: int) -> str:
        return f"""func.func public @main(%a: {t_a}, %b: {t_b}) -> {t_b} {{
  %0 = stablehlo.custom_call @lapack_dtrsm_ffi(%a, %b) {{
      mhlo.backend_config = {{diag = 78 : ui8, side = 76 : ui8, trans_x = {trans} : ui8,
                              uplo = 76 : ui8}},
      operand_layouts = [{layout}, {layout}],
      result_layouts = [{layout}]
    }} : ({t_a}, {t_b}) -> {t_b}
  return %0 : {t_b}
}}"""

    rng = np.random.default_rng(2)
    lower = np.tril(rng.standard_normal((n, n))) + 3 * np.eye(n)
    b = rng.standard_normal((n, k))
    (x,) = run(trsm(78), lower, b)  # 'N': solve L x = b
    np.testing.assert_allclose(lower @ x, b, rtol=1e-12, atol=1e-12)
    (xt,) = run(trsm(84), lower, b)  # 'T': solve L^T x = b
    np.testing.assert_allclose(lower.T @ xt, b, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- CHLO, GPU


def test_legalize_chlo() -> None:
    text = """func.func public @main(%a: tensor<5xf32>) -> tensor<5xf32> {
  %0 = chlo.erf %a : tensor<5xf32> -> tensor<5xf32>
  return %0 : tensor<5xf32>
}"""
    lowered = rt.legalize_chlo(text)
    assert "chlo." not in lowered and "stablehlo." in lowered
    x = np.linspace(-2, 2, 5, dtype=np.float32)
    expected = [math.erf(v) for v in x.tolist()]
    (direct,) = run(text, x)  # XLA also takes CHLO directly
    (legal,) = run(lowered, x)
    np.testing.assert_allclose(direct, expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(legal, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.skipif(rt.find_cuda_plugin() is None, reason="no CUDA PJRT plugin installed")
def test_cuda_backend() -> None:
    gpu = rt.load_cuda_plugin()
    if gpu is None:
        pytest.skip("CUDA plugin installed but no usable GPU")
    assert gpu is rt.get_backend("cuda") is rt.get_backend("gpu")
    dev = gpu.devices()[0]
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    y = np.arange(6, dtype=np.float64)
    exe = rt.compile(binary("add", "tensor<2x3xf32>"), gpu)
    (out,) = exe.execute([rt.device_put(x, dev), rt.device_put(x, dev)])
    host = rt.to_numpy(out)
    assert not host.flags.writeable
    np.testing.assert_array_equal(host, 2 * x)
    np.testing.assert_array_equal(rt.to_numpy(rt.device_put(y, dev)), y)  # f64 kept


@pytest.mark.skipif(rt.find_cuda_plugin() is not None, reason="CUDA PJRT plugin installed")
def test_cuda_unavailable_is_clear() -> None:
    assert rt.load_cuda_plugin() is None
    with pytest.raises(RuntimeError, match=r"CUDA backend is unavailable.*no CUDA PJRT plugin"):
        rt.get_backend("cuda")
