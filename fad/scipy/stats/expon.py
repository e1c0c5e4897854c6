"""fad.scipy.stats.expon: the exponential distribution."""

from fad._src.scipy.stats.expon import cdf as cdf
from fad._src.scipy.stats.expon import logcdf as logcdf
from fad._src.scipy.stats.expon import logpdf as logpdf
from fad._src.scipy.stats.expon import logsf as logsf
from fad._src.scipy.stats.expon import pdf as pdf
from fad._src.scipy.stats.expon import ppf as ppf
from fad._src.scipy.stats.expon import sf as sf

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]
