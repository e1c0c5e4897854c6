"""fad.scipy.stats.cauchy: the Cauchy distribution."""

from fad._src.scipy.stats.cauchy import cdf as cdf
from fad._src.scipy.stats.cauchy import isf as isf
from fad._src.scipy.stats.cauchy import logcdf as logcdf
from fad._src.scipy.stats.cauchy import logpdf as logpdf
from fad._src.scipy.stats.cauchy import logsf as logsf
from fad._src.scipy.stats.cauchy import pdf as pdf
from fad._src.scipy.stats.cauchy import ppf as ppf
from fad._src.scipy.stats.cauchy import sf as sf

__all__ = ["cdf", "isf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]
