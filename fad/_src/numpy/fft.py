"""``numpy.fft``'s API (JAX's semantics) over the ``fft`` primitive.

Each transform moves its axes last, crops or zero-pads them to the requested lengths,
applies the primitive (three axes at a time; more are done as separable passes), scales
by ``norm``, and moves the axes back. Derivatives, ``vmap`` and ``jit`` are the
primitive's.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy import conversion, manipulation, shapes, ufuncs
from fad._src.prims import elementwise as ew
from fad._src.prims import fft as fft_prim
from fad._src.prims import structural as st

_NORMS = (None, "backward", "ortho", "forward")
_FORWARD = ("FFT", "RFFT")


def _operand(a: ArrayLike, fft_type: str, name: str) -> Array:
    x = conversion.asarray(a)
    if fft_type == "RFFT":
        if dtypes.is_complex(x.dtype):
            raise TypeError(f"{name} takes a real input, got {x.dtype.name}")
        if not dtypes.is_float(x.dtype) or x.dtype == np.float16 or x.dtype == dtypes.bfloat16:
            x = conversion.astype(x, dtypes.default_float_dtype())
        return x
    if not dtypes.is_complex(x.dtype):
        real = x.dtype if dtypes.is_float(x.dtype) else dtypes.default_float_dtype()
        x = conversion.astype(x, np.complex128 if real == np.float64 else np.complex64)
    return x


def _fit(x: Array, axis: int, n: int) -> Array:
    """``x`` cropped or zero-padded to ``n`` along ``axis``."""
    size = x.shape[axis]
    if n == size:
        return x
    if n < size:
        limit = list(x.shape)
        limit[axis] = n
        return st.slice_(x, [0] * x.ndim, limit)
    config = [(0, 0, 0)] * x.ndim
    config[axis] = (0, n - size, 0)
    return st.pad(x, Array(np.zeros((), x.dtype)), config)


def _scale(x: Array, fft_type: str, norm: str | None, n: int) -> Array:
    if norm not in _NORMS:
        raise ValueError(f"norm must be one of 'backward', 'ortho', 'forward', got {norm!r}")
    if norm in (None, "backward") or n == 0:
        return x
    forward = fft_type in _FORWARD
    if norm == "ortho":
        factor = 1 / math.sqrt(n) if forward else math.sqrt(n)
    else:
        factor = 1 / n if forward else float(n)
    return ew.mul(x, ew.full_like(x, factor))


def _transform(x: Array, fft_type: str, lengths: tuple[int, ...]) -> Array:
    """The primitive over the trailing ``len(lengths)`` axes, as separable passes of at most
    three axes (the real transforms keep the real axis last)."""
    k = len(lengths)
    if k <= 3:
        return fft_prim.fft(x, fft_type, lengths)
    if fft_type in ("FFT", "IFFT"):
        head = _move_pass(x, fft_type, lengths[:-3], k)
        return fft_prim.fft(head, fft_type, lengths[-3:])
    if fft_type == "RFFT":
        y = fft_prim.fft(x, "RFFT", lengths[-3:])
        return _move_pass(y, "FFT", lengths[:-3], k)
    y = _move_pass(x, "IFFT", lengths[:-3], k)
    return fft_prim.fft(y, "IRFFT", lengths[-3:])


def _move_pass(x: Array, fft_type: str, lengths: tuple[int, ...], k: int) -> Array:
    """``_transform`` of ``fft_type`` over the first ``len(lengths)`` of the last ``k`` axes."""
    m = len(lengths)
    lead = x.ndim - k
    src = list(range(lead, lead + m))
    dst = list(range(x.ndim - m, x.ndim))
    moved = shapes.moveaxis(x, src, dst)
    return shapes.moveaxis(_transform(moved, fft_type, lengths), dst, src)


def _fftn(
    a: ArrayLike, fft_type: str, s: Sequence[int] | None, axes: Sequence[int] | None,
    norm: str | None, name: str, default_all: bool = True,
) -> Array:  # fmt: skip
    x = _operand(a, fft_type, name)
    if axes is None:
        if s is None:
            ax = list(range(x.ndim)) if default_all else [x.ndim - 1]
        else:
            ax = list(range(x.ndim - len(s), x.ndim))
    else:
        ax = [int(i) for i in axes]
    if not ax:
        return x
    for i in ax:
        if not -x.ndim <= i < x.ndim:
            raise ValueError(f"{name}: axis {i} is out of bounds for an array of {x.ndim} dims")
    ax = [i % x.ndim for i in ax]
    if len(set(ax)) != len(ax):
        raise ValueError(f"{name}: repeated axes {tuple(axes or ())}")
    if s is None:
        sizes = [x.shape[i] for i in ax]
        if fft_type == "IRFFT":
            sizes[-1] = 2 * (x.shape[ax[-1]] - 1)
    else:
        sizes = [int(n) for n in s]
        if len(sizes) != len(ax):
            raise ValueError(f"{name}: s and axes have different lengths ({s}, {axes})")
    if any(n < 1 for n in sizes):
        raise ValueError(f"{name}: invalid number of data points {tuple(sizes)}")
    for i, n in zip(ax, sizes, strict=True):
        x = _fit(x, i, n // 2 + 1 if (fft_type == "IRFFT" and i == ax[-1]) else n)
    dst = list(range(x.ndim - len(ax), x.ndim))
    moved = shapes.moveaxis(x, ax, dst)
    out = _transform(moved, fft_type, tuple(sizes))
    out = _scale(out, fft_type, norm, math.prod(sizes))
    return shapes.moveaxis(out, dst, ax)


def fft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """The one-dimensional discrete Fourier transform along ``axis``."""
    return _fftn(a, "FFT", None if n is None else [n], [axis], norm, "fft")


def ifft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """The inverse of ``fft``."""
    return _fftn(a, "IFFT", None if n is None else [n], [axis], norm, "ifft")


def rfft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """The FFT of a real input: the ``n // 2 + 1`` non-negative frequencies."""
    return _fftn(a, "RFFT", None if n is None else [n], [axis], norm, "rfft")


def irfft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """The inverse of ``rfft``: ``n`` real samples (default ``2 (m - 1)``) from ``m``
    non-negative frequencies (the imaginary parts of the DC and Nyquist terms are ignored)."""
    return _fftn(a, "IRFFT", None if n is None else [n], [axis], norm, "irfft")


def _swap(norm: str | None) -> str | None:
    return {None: "forward", "backward": "forward", "forward": "backward"}.get(norm, norm)


def hfft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """The FFT of a Hermitian-symmetric signal given by its first half (a real spectrum)."""
    x = _operand(a, "IRFFT", "hfft")
    return irfft(ufuncs.conjugate(x), n, axis, _swap(norm))


def ihfft(a: ArrayLike, n: int | None = None, axis: int = -1, norm: str | None = None) -> Array:
    """The inverse of ``hfft``."""
    return ufuncs.conjugate(rfft(a, n, axis, _swap(norm)))


def fftn(
    a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
    norm: str | None = None,
) -> Array:  # fmt: skip
    """The n-dimensional FFT over ``axes`` (all by default)."""
    return _fftn(a, "FFT", s, axes, norm, "fftn")


def ifftn(
    a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
    norm: str | None = None,
) -> Array:  # fmt: skip
    """The inverse of ``fftn``."""
    return _fftn(a, "IFFT", s, axes, norm, "ifftn")


def rfftn(
    a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
    norm: str | None = None,
) -> Array:  # fmt: skip
    """The n-dimensional FFT of a real input (the last axis halved)."""
    return _fftn(a, "RFFT", s, axes, norm, "rfftn")


def irfftn(
    a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
    norm: str | None = None,
) -> Array:  # fmt: skip
    """The inverse of ``rfftn``."""
    return _fftn(a, "IRFFT", s, axes, norm, "irfftn")


def fft2(
    a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
    norm: str | None = None,
) -> Array:  # fmt: skip
    """``fftn`` over the last two axes."""
    return _fftn(a, "FFT", s, axes, norm, "fft2")


def ifft2(
    a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
    norm: str | None = None,
) -> Array:  # fmt: skip
    """``ifftn`` over the last two axes."""
    return _fftn(a, "IFFT", s, axes, norm, "ifft2")


def rfft2(
    a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
    norm: str | None = None,
) -> Array:  # fmt: skip
    """``rfftn`` over the last two axes."""
    return _fftn(a, "RFFT", s, axes, norm, "rfft2")


def irfft2(
    a: ArrayLike, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
    norm: str | None = None,
) -> Array:  # fmt: skip
    """``irfftn`` over the last two axes."""
    return _fftn(a, "IRFFT", s, axes, norm, "irfft2")


def fftfreq(n: int, d: ArrayLike = 1.0, *, dtype: Any = None) -> Array:
    """The sample frequencies of an ``n``-point FFT with sample spacing ``d``."""
    n = operator.index(n)
    if n < 1:
        raise ValueError(f"fftfreq: n must be positive, got {n}")
    k = np.concatenate([np.arange(0, (n - 1) // 2 + 1), np.arange(-(n // 2), 0)])
    return _freq(k, n, d, dtype)


def rfftfreq(n: int, d: ArrayLike = 1.0, *, dtype: Any = None) -> Array:
    """The sample frequencies of an ``n``-point ``rfft`` with sample spacing ``d``."""
    n = operator.index(n)
    if n < 1:
        raise ValueError(f"rfftfreq: n must be positive, got {n}")
    return _freq(np.arange(n // 2 + 1), n, d, dtype)


def _freq(k: np.ndarray[Any, Any], n: int, d: ArrayLike, dtype: Any) -> Array:
    dt = (
        dtypes.default_float_dtype()
        if dtype is None
        else dtypes.canonicalize_dtype(np.dtype(dtype))
    )
    return ufuncs.true_divide(conversion.asarray(k.astype(dt)), ufuncs.multiply(n, d))


def fftshift(x: ArrayLike, axes: int | Sequence[int] | None = None) -> Array:
    """``x`` with the zero frequency moved to the center of ``axes`` (all by default)."""
    a = conversion.asarray(x)
    ax = list(range(a.ndim)) if axes is None else ([axes] if isinstance(axes, int) else list(axes))
    return manipulation.roll(a, [a.shape[i] // 2 for i in ax], ax)


def ifftshift(x: ArrayLike, axes: int | Sequence[int] | None = None) -> Array:
    """The inverse of ``fftshift``."""
    a = conversion.asarray(x)
    ax = list(range(a.ndim)) if axes is None else ([axes] if isinstance(axes, int) else list(axes))
    return manipulation.roll(a, [-(a.shape[i] // 2) for i in ax], ax)
