"""``fad.scipy.signal``: direct convolution and correlation in any number of dimensions,
and ``detrend``. (fad has no FFT, so ``fftconvolve`` computes the same sum directly; the
short-time spectral functions are in ``spectral.py``.)"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src.core import Array, ArrayLike
from fad._src.numpy import reductions
from fad._src.numpy import ufuncs as uf
from fad._src.numpy.conversion import asarray, result_type
from fad._src.numpy.creation import zeros
from fad._src.numpy.manipulation import concatenate, flip
from fad._src.numpy.products import matmul
from fad._src.numpy.shapes import moveaxis
from fad._src.scipy import linalg

_MODES = ("full", "same", "valid")


def _operands(name: str, in1: ArrayLike, in2: ArrayLike, mode: str) -> tuple[Array, Array]:
    if mode not in _MODES:
        raise ValueError(f"{name}: mode must be 'full', 'same' or 'valid', got {mode!r}")
    a, b = asarray(in1), asarray(in2)
    if a.ndim != b.ndim:
        raise ValueError(
            f"{name}: in1 and in2 must have the same number of dimensions, got {a.ndim} "
            f"and {b.ndim}"
        )
    if a.size == 0 or b.size == 0:
        raise ValueError(f"{name}: in1 and in2 must not be empty")
    dt = result_type(a, b)
    return a.astype(dt), b.astype(dt)


def _full(a: Array, b: Array) -> Array:
    """The full convolution: for each entry of ``b``, a shifted copy of ``a`` scaled by it."""
    if a.ndim == 1:
        column = concatenate([a, zeros(b.shape[0] - 1, a.dtype)])
        return matmul(linalg.toeplitz(column, zeros(b.shape[0], a.dtype)), b)
    out_shape = tuple(m + n - 1 for m, n in zip(a.shape, b.shape, strict=True))
    out = zeros(out_shape, a.dtype)
    for idx in itertools.product(*(range(n) for n in b.shape)):
        region = tuple(slice(i, i + m) for i, m in zip(idx, a.shape, strict=True))
        out = out.at[region].add(a * b[idx])
    return out


def _crop(
    full: Array, s1: Sequence[int], s2: Sequence[int], mode: str, name: str, late: bool = False
) -> Array:
    """``full`` cut to ``mode``; ``'same'`` keeps ``s1`` entries from ``(n - 1) // 2`` (from
    ``n // 2`` when ``late``: scipy's ``correlate2d`` centres an even kernel one later)."""
    if mode == "full":
        return full
    if mode == "same":
        starts = [n // 2 if late else (n - 1) // 2 for n in s2]
        return full[tuple(slice(st, st + m) for st, m in zip(starts, s1, strict=True))]
    pairs = list(zip(s1, s2, strict=True))
    if not (all(m >= n for m, n in pairs) or all(n >= m for m, n in pairs)):
        raise ValueError(
            f"{name}: for mode='valid' one input must be at least as large as the other in "
            "every dimension"
        )
    return full[tuple(slice(min(m, n) - 1, max(m, n)) for m, n in zip(s1, s2, strict=True))]


def _convolve(name: str, in1: ArrayLike, in2: ArrayLike, mode: str, late: bool = False) -> Array:
    a, b = _operands(name, in1, in2, mode)
    # Convolution commutes: loop over the smaller operand.
    big, small = (a, b) if a.size >= b.size else (b, a)
    if a.ndim == 0:
        return a * b
    return _crop(_full(big, small), a.shape, b.shape, mode, name, late)


def convolve(
    in1: ArrayLike, in2: ArrayLike, mode: str = "full", method: str = "auto", precision: Any = None
) -> Array:
    """The N-dimensional convolution of ``in1`` and ``in2`` (``mode`` as in scipy; ``'same'``
    is centred on ``in1``), summed directly whatever ``method``."""
    if method not in ("auto", "direct", "fft"):
        raise ValueError(f"convolve: method must be 'auto', 'direct' or 'fft', got {method!r}")
    return _convolve("convolve", in1, in2, mode)


def correlate(
    in1: ArrayLike, in2: ArrayLike, mode: str = "full", method: str = "auto", precision: Any = None
) -> Array:
    """The N-dimensional cross-correlation: the convolution with ``in2`` flipped and
    conjugated."""
    if method not in ("auto", "direct", "fft"):
        raise ValueError(f"correlate: method must be 'auto', 'direct' or 'fft', got {method!r}")
    b = asarray(in2)
    return _convolve("correlate", in1, uf.conjugate(flip(b)) if b.ndim else uf.conjugate(b), mode)


def fftconvolve(
    in1: ArrayLike, in2: ArrayLike, mode: str = "full", axes: Sequence[int] | None = None
) -> Array:
    """``convolve`` (computed directly; only ``axes=None`` is supported)."""
    if axes is not None:
        raise NotImplementedError("fftconvolve: axes is not supported; convolve over all axes")
    return _convolve("fftconvolve", in1, in2, mode)


def _check_2d(
    name: str, in1: ArrayLike, in2: ArrayLike, boundary: str, fillvalue: float
) -> tuple[Array, Array]:
    a, b = asarray(in1), asarray(in2)
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError(f"{name}: in1 and in2 must be 2-D, got shapes {a.shape} and {b.shape}")
    if boundary != "fill" or fillvalue != 0:
        raise NotImplementedError(f"{name}: only boundary='fill' with fillvalue=0 is supported")
    return a, b


def convolve2d(
    in1: ArrayLike, in2: ArrayLike, mode: str = "full", boundary: str = "fill",
    fillvalue: float = 0, precision: Any = None,
) -> Array:  # fmt: skip
    """The 2-D convolution (zero fill outside the inputs)."""
    a, b = _check_2d("convolve2d", in1, in2, boundary, fillvalue)
    return _convolve("convolve2d", a, b, mode)


def correlate2d(
    in1: ArrayLike, in2: ArrayLike, mode: str = "full", boundary: str = "fill",
    fillvalue: float = 0, precision: Any = None,
) -> Array:  # fmt: skip
    """The 2-D cross-correlation (zero fill outside the inputs)."""
    a, b = _check_2d("correlate2d", in1, in2, boundary, fillvalue)
    return _convolve("correlate2d", a, uf.conjugate(flip(b)), mode, late=True)


def detrend(
    data: ArrayLike, axis: int = -1, type: str = "linear", bp: Any = 0, overwrite_data: None = None
) -> Array:
    """``data`` minus its mean (``type='constant'``) or its least-squares line
    (``'linear'``, one segment: ``bp`` must be 0) along ``axis``."""
    x = asarray(data)
    x = x.astype(result_type(x, 1.0))
    if type in ("constant", "c"):
        return x - reductions.mean(x, axis=axis, keepdims=True)
    if type not in ("linear", "l"):
        raise ValueError(f"detrend: type must be 'linear' or 'constant', got {type!r}")
    if not (np.ndim(bp) == 0 and bp == 0):
        raise NotImplementedError("detrend: breakpoints (bp != 0) are not supported")
    y = moveaxis(x, axis, -1)
    n = y.shape[-1]
    t = asarray(np.arange(n, dtype=np.float64) - (n - 1) / 2, y.dtype)
    mean = reductions.mean(y, axis=-1, keepdims=True)
    denom = float(np.sum((np.arange(n) - (n - 1) / 2) ** 2)) if n > 1 else 1.0
    slope = reductions.sum(y * t, axis=-1, keepdims=True) / denom
    return moveaxis(y - mean - slope * t, -1, axis)
