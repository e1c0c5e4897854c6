"""fad.scipy.signal: convolution, correlation and detrending, as in jax.scipy.signal."""

from fad._src.scipy.signal import convolve as convolve
from fad._src.scipy.signal import convolve2d as convolve2d
from fad._src.scipy.signal import correlate as correlate
from fad._src.scipy.signal import correlate2d as correlate2d
from fad._src.scipy.signal import detrend as detrend
from fad._src.scipy.signal import fftconvolve as fftconvolve

__all__ = ["convolve", "convolve2d", "correlate", "correlate2d", "detrend", "fftconvolve"]
