"""fad.scipy.stats.multivariate_normal: the multivariate normal distribution."""

from fad._src.scipy.stats.multivariate_normal import logpdf as logpdf
from fad._src.scipy.stats.multivariate_normal import pdf as pdf

__all__ = ["logpdf", "pdf"]
