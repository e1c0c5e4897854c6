"""``stft``, ``istft``, ``csd`` and ``welch``: scipy.signal's short-time Fourier analysis,
with the discrete Fourier transforms as products with DFT matrices (fad has no FFT; the
cost is quadratic in the segment length, fine for the default 256)."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.signal

from fad._src import dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy import reductions
from fad._src.numpy import ufuncs as uf
from fad._src.numpy.conversion import asarray, result_type
from fad._src.numpy.creation import zeros
from fad._src.numpy.manipulation import concatenate
from fad._src.numpy.products import matmul
from fad._src.numpy.shapes import moveaxis, swapaxes
from fad._src.scipy.signal import detrend as _detrend


def _window(window: Any, nperseg: int, dtype: Any) -> np.ndarray[Any, Any]:
    if isinstance(window, (str, tuple)):
        return np.asarray(scipy.signal.get_window(window, nperseg), dtype)
    win = np.asarray(window, dtype)
    if win.shape != (nperseg,):
        raise ValueError(f"the window must have shape ({nperseg},), got {win.shape}")
    return win


def _dft_matrix(nfft: int, onesided: bool, dtype: Any) -> Array:
    """``exp(-2 pi i n k / nfft)`` for ``n < nfft`` and the kept frequencies ``k``."""
    k = np.arange(nfft // 2 + 1 if onesided else nfft)
    return asarray(np.exp(-2j * np.pi * np.outer(np.arange(nfft), k) / nfft), dtype)


def _segments(x: Array, nperseg: int, noverlap: int) -> Array:
    """``(..., n)`` -> ``(..., nseg, nperseg)``, segments ``nperseg - noverlap`` apart."""
    step = nperseg - noverlap
    nseg = (x.shape[-1] - noverlap) // step
    idx = np.arange(nseg)[:, None] * step + np.arange(nperseg)[None, :]
    return x[..., idx]


def _check(nperseg: int, noverlap: int, nfft: int) -> None:
    if nperseg < 1:
        raise ValueError(f"nperseg must be a positive integer, got {nperseg}")
    if not 0 <= noverlap < nperseg:
        raise ValueError(f"noverlap must be in [0, nperseg), got {noverlap} (nperseg {nperseg})")
    if nfft < nperseg:
        raise ValueError(f"nfft must be at least nperseg, got {nfft} < {nperseg}")


def _spectrum(
    x: Array, y: Array | None, fs: float, window: Any, nperseg: int, noverlap: int | None,
    nfft: int | None, detrend: Any, onesided: bool, scaling: str, boundary: bool, padded: bool,
    mode: str,
) -> tuple[Array, Array, Array]:  # fmt: skip
    """scipy's spectral helper along the last axis: ``(freqs, times, result)`` with
    ``result`` of shape ``(..., nseg, nfreq)``."""
    noverlap = nperseg // 2 if noverlap is None else int(noverlap)
    nfft = nperseg if nfft is None else int(nfft)
    _check(nperseg, noverlap, nfft)
    real_dt = dtypes.real_dtype(x.dtype) if dtypes.is_complex(x.dtype) else x.dtype
    cdt = dtypes.complex_dtype(real_dt)
    onesided = (
        onesided
        and not dtypes.is_complex(x.dtype)
        and (y is None or not dtypes.is_complex(y.dtype))
    )
    win = _window(window, nperseg, real_dt)
    if scaling == "density":
        scale = 1.0 / (fs * float(np.sum(win * win)))
    elif scaling == "spectrum":
        scale = 1.0 / float(np.sum(win)) ** 2
    else:
        raise ValueError(f"scaling must be 'density' or 'spectrum', got {scaling!r}")
    if mode == "stft":
        scale = float(np.sqrt(scale))
    step = nperseg - noverlap

    def transform(v: Array) -> Array:
        if boundary:
            pad = zeros((*v.shape[:-1], nperseg // 2), v.dtype)
            v = concatenate([pad, v, pad], axis=-1)
        if padded:
            extra = (-(v.shape[-1] - nperseg) % step) % nperseg
            v = concatenate([v, zeros((*v.shape[:-1], extra), v.dtype)], axis=-1)
        seg = _segments(v, nperseg, noverlap)
        if detrend is not False and detrend is not None:
            seg = _detrend(seg, axis=-1, type=detrend)
        seg = seg * asarray(win, seg.dtype if dtypes.is_complex(seg.dtype) else real_dt)
        if nfft > nperseg:
            seg = concatenate([seg, zeros((*seg.shape[:-1], nfft - nperseg), seg.dtype)], axis=-1)
        return matmul(seg.astype(cdt), _dft_matrix(nfft, onesided, cdt))

    fx = transform(x)
    if mode == "stft":
        result = fx * scale
    else:
        fy = fx if y is None else transform(y)
        result = uf.conjugate(fx) * fy * scale
        if onesided:
            last = -1 if nfft % 2 == 0 else None
            factor = np.ones(result.shape[-1])
            factor[1:last] = 2.0
            result = result * asarray(factor, real_dt)
    times = (nperseg / 2 + step * np.arange(result.shape[-2])) / fs
    if boundary:
        times = times - (nperseg / 2) / fs
    freqs = np.fft.rfftfreq(nfft, 1 / fs) if onesided else np.fft.fftfreq(nfft, 1 / fs)
    return asarray(freqs, real_dt), asarray(times, real_dt), result


def _static_fs(fs: Any) -> float:
    try:
        return float(np.asarray(fs))
    except TypeError as err:
        raise TypeError("the sampling frequency fs must be a concrete number, not traced") from err


def _prepare(x: ArrayLike, axis: int) -> Array:
    v = asarray(x)
    v = v.astype(result_type(v, 1.0))
    return moveaxis(v, axis, -1)


def stft(
    x: ArrayLike, fs: ArrayLike = 1.0, window: Any = "hann", nperseg: int = 256,
    noverlap: int | None = None, nfft: int | None = None, detrend: Any = False,
    return_onesided: bool = True, boundary: str | None = "zeros", padded: bool = True,
    axis: int = -1,
) -> tuple[Array, Array, Array]:  # fmt: skip
    """The short-time Fourier transform ``(f, t, Zxx)``, as scipy's (``boundary``: ``'zeros'``
    or ``None``)."""
    if boundary not in ("zeros", None):
        raise NotImplementedError(f"stft: boundary must be 'zeros' or None, got {boundary!r}")
    v = _prepare(x, axis)
    nperseg = min(int(nperseg), v.shape[-1] + (2 * (int(nperseg) // 2) if boundary else 0))
    f, t, z = _spectrum(
        v, None, _static_fs(fs), window, nperseg, noverlap, nfft, detrend, return_onesided,
        "spectrum", boundary is not None, padded, "stft",
    )  # fmt: skip
    # Frequencies go back where the data axis was; segment times are last (scipy's layout).
    return f, t, moveaxis(z, -1, axis - 1 if axis < 0 else axis)


def csd(
    x: ArrayLike, y: ArrayLike | None, fs: ArrayLike = 1.0, window: Any = "hann",
    nperseg: int | None = None, noverlap: int | None = None, nfft: int | None = None,
    detrend: Any = "constant", return_onesided: bool = True, scaling: str = "density",
    axis: int = -1, average: str = "mean",
) -> tuple[Array, Array]:  # fmt: skip
    """The cross power spectral density of ``x`` and ``y`` by Welch's method: windowed,
    overlapping segments averaged (``average='mean'`` or ``'median'``)."""
    if average not in ("mean", "median"):
        raise ValueError(f"csd: average must be 'mean' or 'median', got {average!r}")
    v = _prepare(x, axis)
    w = None if y is None else _prepare(y, axis)
    n = v.shape[-1]
    nps = min(256 if nperseg is None else int(nperseg), n)
    f, _, p = _spectrum(
        v, w, _static_fs(fs), window, nps, noverlap, nfft, detrend, return_onesided, scaling,
        False, False, "psd",
    )  # fmt: skip
    p = swapaxes(p, -1, -2)  # (..., nfreq, nseg)
    if average == "mean":
        out = reductions.mean(p, axis=-1)
    else:
        nseg = p.shape[-1]
        ii = np.arange(1, (nseg - 1) // 2 + 1)
        bias = 1 + float(np.sum(1.0 / (ii + ii + 1) - 1.0 / (ii + ii)))
        med = reductions.median(uf.real(p), axis=-1) + 1j * reductions.median(uf.imag(p), axis=-1)
        out = med / bias
    return f, moveaxis(out, -1, axis)


def welch(
    x: ArrayLike, fs: ArrayLike = 1.0, window: Any = "hann", nperseg: int | None = None,
    noverlap: int | None = None, nfft: int | None = None, detrend: Any = "constant",
    return_onesided: bool = True, scaling: str = "density", axis: int = -1,
    average: str = "mean",
) -> tuple[Array, Array]:  # fmt: skip
    """The power spectral density by Welch's method: ``csd(x, x).real``."""
    f, p = csd(
        x,
        None,
        fs,
        window,
        nperseg,
        noverlap,
        nfft,
        detrend,
        return_onesided,
        scaling,
        axis,
        average,
    )
    return f, uf.real(p)


def istft(
    Zxx: ArrayLike, fs: ArrayLike = 1.0, window: Any = "hann", nperseg: int | None = None,
    noverlap: int | None = None, nfft: int | None = None, input_onesided: bool = True,
    boundary: bool = True, time_axis: int = -1, freq_axis: int = -2,
) -> tuple[Array, Array]:  # fmt: skip
    """The inverse short-time Fourier transform ``(t, x)``: inverse DFTs of the segments,
    windowed and overlap-added, divided by the summed squared window."""
    z = asarray(Zxx)
    z = z.astype(result_type(z, 1j))
    z = moveaxis(z, (freq_axis, time_axis), (-2, -1))
    nfreq, nseg = z.shape[-2], z.shape[-1]
    n_default = 2 * (nfreq - 1) if input_onesided else nfreq
    nperseg = n_default if nperseg is None else int(nperseg)
    nfft = nperseg if nfft is None else int(nfft)
    noverlap = nperseg // 2 if noverlap is None else int(noverlap)
    _check(nperseg, noverlap, nfft)
    step = nperseg - noverlap
    real_dt = dtypes.real_dtype(z.dtype)
    win = _window(window, nperseg, real_dt)
    k = np.arange(nfreq)
    n = np.arange(nfft)
    if input_onesided:
        # Hermitian completion: the middle frequencies count twice (numpy's irfft).
        weight = np.full(nfreq, 2.0)
        weight[0] = 1.0
        if nfft % 2 == 0:
            weight[-1] = 1.0
        basis = weight[:, None] * np.exp(2j * np.pi * np.outer(k, n) / nfft) / nfft
        seg = uf.real(matmul(swapaxes(z, -1, -2), asarray(basis, z.dtype)))
    else:
        basis = np.exp(2j * np.pi * np.outer(k, n) / nfft) / nfft
        seg = matmul(swapaxes(z, -1, -2), asarray(basis, z.dtype))
    seg = seg[..., :nperseg] * asarray(win * float(np.sum(win)), real_dt)
    length = nperseg + (nseg - 1) * step
    idx = (np.arange(nseg)[:, None] * step + np.arange(nperseg)[None, :]).reshape(-1)
    out = zeros((*seg.shape[:-2], length), seg.dtype)
    out = out.at[..., idx].add(seg.reshape(*seg.shape[:-2], -1))
    norm = np.zeros(length)
    np.add.at(norm, idx, np.tile(win * win, nseg))
    out = out / asarray(np.where(norm > 1e-10, norm, 1.0), real_dt)
    if boundary:
        out = out[..., nperseg // 2 : length - nperseg // 2]
    times = asarray(np.arange(out.shape[-1]) / _static_fs(fs), real_dt)
    return times, out
