"""fad.scipy.stats.gennorm: the generalized normal distribution with shape ``beta``."""

from fad._src.scipy.stats.gennorm import cdf as cdf
from fad._src.scipy.stats.gennorm import logpdf as logpdf
from fad._src.scipy.stats.gennorm import pdf as pdf

__all__ = ["cdf", "logpdf", "pdf"]
