"""fad.scipy.stats.beta: the beta distribution on ``[loc, loc + scale]``."""

from fad._src.scipy.stats.beta import cdf as cdf
from fad._src.scipy.stats.beta import logcdf as logcdf
from fad._src.scipy.stats.beta import logpdf as logpdf
from fad._src.scipy.stats.beta import logsf as logsf
from fad._src.scipy.stats.beta import pdf as pdf
from fad._src.scipy.stats.beta import sf as sf

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "sf"]
