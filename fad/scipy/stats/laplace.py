"""fad.scipy.stats.laplace: the Laplace (double exponential) distribution."""

from fad._src.scipy.stats.laplace import cdf as cdf
from fad._src.scipy.stats.laplace import logpdf as logpdf
from fad._src.scipy.stats.laplace import pdf as pdf

__all__ = ["cdf", "logpdf", "pdf"]
