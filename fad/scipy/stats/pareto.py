"""fad.scipy.stats.pareto:

The Pareto distribution with shape ``b`` (support ``x >= loc + scale``).
"""

from fad._src.scipy.stats.pareto import cdf as cdf
from fad._src.scipy.stats.pareto import logcdf as logcdf
from fad._src.scipy.stats.pareto import logpdf as logpdf
from fad._src.scipy.stats.pareto import logsf as logsf
from fad._src.scipy.stats.pareto import pdf as pdf
from fad._src.scipy.stats.pareto import ppf as ppf
from fad._src.scipy.stats.pareto import sf as sf

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]
