"""fad.scipy.stats.gumbel_l: the left-skewed Gumbel (extreme value) distribution."""

from fad._src.scipy.stats.gumbel_l import cdf as cdf
from fad._src.scipy.stats.gumbel_l import logcdf as logcdf
from fad._src.scipy.stats.gumbel_l import logpdf as logpdf
from fad._src.scipy.stats.gumbel_l import logsf as logsf
from fad._src.scipy.stats.gumbel_l import pdf as pdf
from fad._src.scipy.stats.gumbel_l import ppf as ppf
from fad._src.scipy.stats.gumbel_l import sf as sf

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]
