"""fad.scipy.stats.gumbel_r: the right-skewed Gumbel (extreme value) distribution."""

from fad._src.scipy.stats.gumbel_r import cdf as cdf
from fad._src.scipy.stats.gumbel_r import logcdf as logcdf
from fad._src.scipy.stats.gumbel_r import logpdf as logpdf
from fad._src.scipy.stats.gumbel_r import logsf as logsf
from fad._src.scipy.stats.gumbel_r import pdf as pdf
from fad._src.scipy.stats.gumbel_r import ppf as ppf
from fad._src.scipy.stats.gumbel_r import sf as sf

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]
