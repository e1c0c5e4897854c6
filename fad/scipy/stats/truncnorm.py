"""fad.scipy.stats.truncnorm: the normal distribution truncated to ``[a, b]`` in standard units."""

from fad._src.scipy.stats.truncnorm import cdf as cdf
from fad._src.scipy.stats.truncnorm import logcdf as logcdf
from fad._src.scipy.stats.truncnorm import logpdf as logpdf
from fad._src.scipy.stats.truncnorm import logsf as logsf
from fad._src.scipy.stats.truncnorm import pdf as pdf
from fad._src.scipy.stats.truncnorm import sf as sf

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "sf"]
