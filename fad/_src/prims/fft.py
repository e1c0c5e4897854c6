"""The ``fft`` primitive: XLA's FFT over the trailing axes (``FFT``, ``IFFT``, ``RFFT``,
``IRFFT``), numpy's pocketfft eagerly and ``stablehlo.fft`` under ``jit``.

Every type is linear, so its JVP is itself; the transposes (with no conjugation, fad's
convention for complex linear maps, as JAX's) are: the DFT matrix is symmetric, so
``FFT``/``IFFT`` transpose to themselves; ``RFFT`` is the FFT of a real input truncated to
``n // 2 + 1`` frequencies, so it transposes to the real part of the FFT of the zero-padded
cotangent; ``IRFFT`` reads each interior frequency twice (once as its conjugate mirror),
so it transposes to the conjugate of the ``RFFT`` of the cotangent, weighted 2 at the
interior frequencies and scaled by ``1 / prod(fft_lengths)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ShapedArray
from fad._src.interpreters import batch, transpose
from fad._src.interpreters.batch import BDim
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value

FFT_TYPES = ("FFT", "IFFT", "RFFT", "IRFFT")

fft_p = core.new_primitive("fft")


def _real_dtype(dt: np.dtype[Any]) -> np.dtype[Any]:
    return np.dtype(np.float64) if dt == np.complex128 else np.dtype(np.float32)


def _complex_dtype(dt: np.dtype[Any]) -> np.dtype[Any]:
    return np.dtype(np.complex128) if dt == np.float64 else np.dtype(np.complex64)


def _fft_impl(x: np.ndarray[Any, Any], *, fft_type: str, fft_lengths: tuple[int, ...]) -> Any:
    axes = tuple(range(x.ndim - len(fft_lengths), x.ndim))
    if fft_type == "FFT":
        return np.fft.fftn(x, fft_lengths, axes).astype(x.dtype, copy=False)
    if fft_type == "IFFT":
        return np.fft.ifftn(x, fft_lengths, axes).astype(x.dtype, copy=False)
    if fft_type == "RFFT":
        return np.fft.rfftn(x, fft_lengths, axes).astype(_complex_dtype(x.dtype), copy=False)
    return np.fft.irfftn(x, fft_lengths, axes).astype(_real_dtype(x.dtype), copy=False)


def _fft_abstract(x: ShapedArray, *, fft_type: str, fft_lengths: tuple[int, ...]) -> ShapedArray:
    k = len(fft_lengths)
    if fft_type not in FFT_TYPES or not 1 <= k <= 3 or k > x.ndim:
        raise TypeError(
            f"fft: fft_type must be one of {FFT_TYPES} over 1 to 3 trailing axes of the "
            f"operand, got {fft_type!r} with lengths {fft_lengths} for {x.str_short()}"
        )
    lead, tail = x.shape[: x.ndim - k], tuple(x.shape[x.ndim - k :])
    if fft_type in ("FFT", "IFFT"):
        if not dtypes.is_complex(x.dtype):
            raise TypeError(f"fft: {fft_type} takes a complex operand, got {x.str_short()}")
        if tail != fft_lengths:
            raise TypeError(f"fft: {fft_type} lengths {fft_lengths} differ from {x.str_short()}")
        return ShapedArray(x.shape, x.dtype, False)
    if fft_type == "RFFT":
        if not dtypes.is_float(x.dtype) or x.dtype == np.float16:
            raise TypeError(f"fft: RFFT takes a float32/64 operand, got {x.str_short()}")
        if tail != fft_lengths:
            raise TypeError(f"fft: RFFT lengths {fft_lengths} differ from {x.str_short()}")
        out = (*lead, *fft_lengths[:-1], fft_lengths[-1] // 2 + 1)
        return ShapedArray(out, _complex_dtype(x.dtype), False)
    if not dtypes.is_complex(x.dtype):
        raise TypeError(f"fft: IRFFT takes a complex operand, got {x.str_short()}")
    if tail != (*fft_lengths[:-1], fft_lengths[-1] // 2 + 1):
        raise TypeError(
            f"fft: IRFFT of lengths {fft_lengths} takes {fft_lengths[-1] // 2 + 1} trailing "
            f"frequencies, got {x.str_short()}"
        )
    return ShapedArray((*lead, *fft_lengths), _real_dtype(x.dtype), False)


def _fft_transpose(
    ct: Array, x: Any, *, fft_type: str, fft_lengths: tuple[int, ...]
) -> list[Array]:
    if fft_type in ("FFT", "IFFT"):
        return [fft(ct, fft_type, fft_lengths)]
    n = fft_lengths[-1]
    if fft_type == "RFFT":
        # Zero-pad the truncated frequencies back, take the (symmetric) FFT, keep the real
        # part: the transpose of the real-to-complex embedding.
        pad = [(0, 0, 0)] * (ct.ndim - 1) + [(0, n - ct.shape[-1], 0)]
        full = st.pad(ct, Array(np.zeros((), ct.dtype)), pad)
        return [ew.real(fft(full, "FFT", fft_lengths))]
    y = fft(ct, "RFFT", fft_lengths)
    m = y.shape[-1]
    weights = np.full(m, 2.0)
    weights[0] = 1.0
    if n % 2 == 0:
        weights[-1] = 1.0
    w = Array((weights / math.prod(fft_lengths)).astype(_real_dtype(y.dtype)))
    w = ew.convert_element_type(st.broadcast_in_dim(w, y.shape, (y.ndim - 1,)), y.dtype)
    return [ew.conj(ew.mul(w, y))]


def _fft_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, fft_type: str, fft_lengths: tuple[int, ...]
) -> tuple[Array, int]:
    (x,), (d,) = vals, dims
    assert d is not None
    if d >= x.ndim - len(fft_lengths):  # the batch axis is among the transformed ones
        x, d = batch.moveaxis(x, d, 0), 0
    return fft(x, fft_type, fft_lengths), d


def _fft_lowering(
    ctx: LoweringContext, x: Value, *, fft_type: str, fft_lengths: tuple[int, ...]
) -> Value:
    attrs = (
        f"fft_length = {lowering.i64_array(fft_lengths)}, "
        f"fft_type = #stablehlo<fft_type {fft_type}>"
    )
    return ctx.op1("stablehlo.fft", [x], ctx.out_aval, attrs)


core.def_impl(fft_p, _fft_impl)
core.def_abstract(fft_p, _fft_abstract)
transpose.deflinear(fft_p, _fft_transpose)
batch.def_batch(fft_p, _fft_batch)
lowering.def_rule(fft_p, _fft_lowering)


def fft(x: Array, fft_type: str, fft_lengths: Sequence[int]) -> Array:
    """XLA's FFT of ``fft_type`` over the last ``len(fft_lengths)`` axes of ``x``."""
    return fft_p.bind1(
        x, fft_type=str(fft_type).upper(), fft_lengths=tuple(int(n) for n in fft_lengths)
    )
