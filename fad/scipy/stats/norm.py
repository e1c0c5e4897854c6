"""fad.scipy.stats.norm: the normal distribution."""

from fad._src.scipy.stats.norm import cdf as cdf
from fad._src.scipy.stats.norm import isf as isf
from fad._src.scipy.stats.norm import logcdf as logcdf
from fad._src.scipy.stats.norm import logpdf as logpdf
from fad._src.scipy.stats.norm import logsf as logsf
from fad._src.scipy.stats.norm import pdf as pdf
from fad._src.scipy.stats.norm import ppf as ppf
from fad._src.scipy.stats.norm import sf as sf

__all__ = ["cdf", "isf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]
