"""fad.scipy.stats.uniform: the uniform distribution on ``[loc, loc + scale]``."""

from fad._src.scipy.stats.uniform import cdf as cdf
from fad._src.scipy.stats.uniform import logpdf as logpdf
from fad._src.scipy.stats.uniform import pdf as pdf
from fad._src.scipy.stats.uniform import ppf as ppf

__all__ = ["cdf", "logpdf", "pdf", "ppf"]
