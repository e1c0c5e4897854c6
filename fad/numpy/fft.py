"""fad.numpy.fft: numpy.fft's API (JAX's semantics) on fad arrays, differentiable."""

from fad._src.numpy.fft import fft as fft
from fad._src.numpy.fft import fft2 as fft2
from fad._src.numpy.fft import fftfreq as fftfreq
from fad._src.numpy.fft import fftn as fftn
from fad._src.numpy.fft import fftshift as fftshift
from fad._src.numpy.fft import hfft as hfft
from fad._src.numpy.fft import ifft as ifft
from fad._src.numpy.fft import ifft2 as ifft2
from fad._src.numpy.fft import ifftn as ifftn
from fad._src.numpy.fft import ifftshift as ifftshift
from fad._src.numpy.fft import ihfft as ihfft
from fad._src.numpy.fft import irfft as irfft
from fad._src.numpy.fft import irfft2 as irfft2
from fad._src.numpy.fft import irfftn as irfftn
from fad._src.numpy.fft import rfft as rfft
from fad._src.numpy.fft import rfft2 as rfft2
from fad._src.numpy.fft import rfftfreq as rfftfreq
from fad._src.numpy.fft import rfftn as rfftn

__all__ = [
    "fft", "fft2", "fftfreq", "fftn", "fftshift", "hfft", "ifft", "ifft2", "ifftn",
    "ifftshift", "ihfft", "irfft", "irfft2", "irfftn", "rfft", "rfft2", "rfftfreq", "rfftn",
]  # fmt: skip
