"""fad.scipy.stats.chi2: the chi-squared distribution: ``gamma(df / 2, scale=2)``."""

from fad._src.scipy.stats.chi2 import cdf as cdf
from fad._src.scipy.stats.chi2 import logcdf as logcdf
from fad._src.scipy.stats.chi2 import logpdf as logpdf
from fad._src.scipy.stats.chi2 import logsf as logsf
from fad._src.scipy.stats.chi2 import pdf as pdf
from fad._src.scipy.stats.chi2 import sf as sf

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "sf"]
