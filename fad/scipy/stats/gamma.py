"""fad.scipy.stats.gamma: the gamma distribution with shape ``a``."""

from fad._src.scipy.stats.gamma import cdf as cdf
from fad._src.scipy.stats.gamma import logcdf as logcdf
from fad._src.scipy.stats.gamma import logpdf as logpdf
from fad._src.scipy.stats.gamma import logsf as logsf
from fad._src.scipy.stats.gamma import pdf as pdf
from fad._src.scipy.stats.gamma import sf as sf

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "sf"]
