"""DLPack: ``fad.Array.__dlpack__``/``__dlpack_device__`` and ``fad.numpy.from_dlpack``.

Out of fad is zero-copy and read-only (numpy speaks DLPack 1.0); into fad is always a
copy, so writing the producer's memory afterwards never changes a fad Array.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp
from fad._src.core import TracerArrayConversionError

DTYPES = [np.float32, np.int32, np.uint8, np.int8, np.bool_, np.complex64, np.float16]


class LegacyConsumer:
    """A producer wrapper that asks ``x`` for a capsule the way a pre-1.0 consumer does."""

    def __init__(self, x: Any, **kwargs: Any) -> None:
        self.x, self.kwargs = x, kwargs

    def __dlpack__(self, **_: Any) -> Any:
        return self.x.__dlpack__(**self.kwargs)

    def __dlpack_device__(self) -> tuple[int, int]:
        dev: tuple[int, int] = self.x.__dlpack_device__()
        return dev


def sample(dtype: Any, shape: tuple[int, ...] = (3, 4)) -> np.ndarray[Any, Any]:
    rng = np.random.default_rng(0)
    v = np.asarray(rng.normal(size=shape) * 10)
    if np.issubdtype(dtype, np.complexfloating):
        v = v + 1j * rng.normal(size=shape)
    return np.asarray(v.astype(dtype) if dtype is not np.bool_ else v > 0)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_numpy_round_trip(dtype: Any) -> None:
    a = sample(dtype)
    x = jnp.from_dlpack(a)
    assert x.dtype == a.dtype and x.shape == a.shape
    b = np.from_dlpack(x)
    np.testing.assert_array_equal(b, a)
    np.testing.assert_array_equal(np.asarray(jnp.from_dlpack(b)), a)


@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 3, 4)])
def test_shapes_round_trip(shape: tuple[int, ...]) -> None:
    a = sample(np.float32, shape)
    np.testing.assert_array_equal(np.from_dlpack(jnp.from_dlpack(a)), a)


def test_strided_views_import_by_value() -> None:
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    for view in (a.T, a[::2, 1::3], a[:, ::-1]):
        x = jnp.from_dlpack(view)
        np.testing.assert_array_equal(np.asarray(x), view)


def test_import_copies_so_writing_the_source_changes_nothing() -> None:
    a = np.arange(6, dtype=np.float32)
    x = jnp.from_dlpack(a)
    a[:] = -1.0
    np.testing.assert_array_equal(np.asarray(x), np.arange(6, dtype=np.float32))
    assert not np.shares_memory(np.from_dlpack(x), a)


def test_export_is_zero_copy_and_read_only() -> None:
    x = jnp.arange(6.0) * 2
    b1, b2 = np.from_dlpack(x), np.from_dlpack(x)
    assert np.shares_memory(b1, b2)  # both views of the Array's own memory
    assert not b1.flags.writeable
    with pytest.raises(ValueError, match="WRITEABLE"):
        b1.setflags(write=True)
    with pytest.raises(ValueError, match="read-only"):
        b1[0] = 5.0
    np.testing.assert_array_equal(np.asarray(x), np.arange(6.0) * 2)


def test_jit_outputs_export_zero_copy_from_their_buffer() -> None:
    y = fad.jit(lambda v: jnp.sin(v) + 1)(jnp.arange(5.0))
    b1, b2 = np.from_dlpack(y), np.from_dlpack(y)
    assert np.shares_memory(b1, b2) and not b1.flags.writeable
    np.testing.assert_allclose(b1, np.sin(np.arange(5.0, dtype=np.float32)) + 1, rtol=1e-6)
    assert y.__dlpack_device__() == (1, 0)  # kDLCPU
    # The exported memory feeds back into a compiled call unchanged.
    np.testing.assert_allclose(np.asarray(fad.jit(lambda v: v * 2)(jnp.from_dlpack(b1))), 2 * b1)


def test_legacy_consumers_get_a_private_copy() -> None:
    x = jnp.arange(4.0)
    c = np.from_dlpack(LegacyConsumer(x))
    np.testing.assert_array_equal(c, np.arange(4.0))
    assert not np.shares_memory(c, np.from_dlpack(x))
    with pytest.raises(BufferError, match="read-only"):
        x.__dlpack__(copy=False)
    copied = np.from_dlpack(LegacyConsumer(x, max_version=(1, 0), copy=True))
    assert not np.shares_memory(copied, np.from_dlpack(x))


def test_from_dlpack_of_an_array_is_itself_and_bad_input_is_refused() -> None:
    x = jnp.ones(3)
    assert jnp.from_dlpack(x) is x
    with pytest.raises(TypeError, match="DLPack"):
        jnp.from_dlpack([1.0, 2.0])
    with pytest.raises(BufferError, match="copy=False"):
        jnp.from_dlpack(np.ones(3), copy=False)
    with pytest.raises(ValueError, match="device"):
        jnp.from_dlpack(np.ones(3), device="gpu")
    assert jnp.from_dlpack(np.ones(3), device=fad.devices()[0]).shape == (3,)


def test_float64_is_canonicalized_as_by_asarray() -> None:
    a = np.linspace(0, 1, 5)
    assert jnp.from_dlpack(a).dtype == jnp.asarray(a).dtype


def test_tracers_refuse_export() -> None:
    def f(v: fad.Array) -> fad.Array:
        np.from_dlpack(v)
        return v

    with pytest.raises(TracerArrayConversionError, match="__dlpack__"):
        fad.grad(lambda v: jnp.sum(f(v)))(jnp.ones(2))
    with pytest.raises(TracerArrayConversionError, match="__dlpack__"):
        fad.jit(f)(jnp.ones(2))


def test_torch_round_trip() -> None:
    torch = pytest.importorskip("torch")
    t = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    x = jnp.from_dlpack(t)
    t.add_(100.0)  # written after the import: the Array keeps its value
    np.testing.assert_array_equal(np.asarray(x), np.arange(6, dtype=np.float32).reshape(2, 3))
    back = torch.from_dlpack(x)
    np.testing.assert_array_equal(back.numpy(), np.asarray(x))
