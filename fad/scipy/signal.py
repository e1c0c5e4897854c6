"""fad.scipy.signal: convolution, correlation, detrending and short-time spectral analysis,
as in jax.scipy.signal."""

from fad._src.scipy.signal import convolve as convolve
from fad._src.scipy.signal import convolve2d as convolve2d
from fad._src.scipy.signal import correlate as correlate
from fad._src.scipy.signal import correlate2d as correlate2d
from fad._src.scipy.signal import detrend as detrend
from fad._src.scipy.signal import fftconvolve as fftconvolve
from fad._src.scipy.spectral import csd as csd
from fad._src.scipy.spectral import istft as istft
from fad._src.scipy.spectral import stft as stft
from fad._src.scipy.spectral import welch as welch

__all__ = [
    "convolve", "convolve2d", "correlate", "correlate2d", "csd", "detrend", "fftconvolve",
    "istft", "stft", "welch",
]  # fmt: skip
