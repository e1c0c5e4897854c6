"""fad.scipy.stats.t: student's t distribution."""

from fad._src.scipy.stats.t import logpdf as logpdf
from fad._src.scipy.stats.t import pdf as pdf

__all__ = ["logpdf", "pdf"]
