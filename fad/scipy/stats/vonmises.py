"""fad.scipy.stats.vonmises: the von Mises distribution on the circle."""

from fad._src.scipy.stats.vonmises import logpdf as logpdf
from fad._src.scipy.stats.vonmises import pdf as pdf

__all__ = ["logpdf", "pdf"]
