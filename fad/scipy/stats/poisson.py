"""fad.scipy.stats.poisson: the Poisson distribution."""

from fad._src.scipy.stats.poisson import cdf as cdf
from fad._src.scipy.stats.poisson import entropy as entropy
from fad._src.scipy.stats.poisson import logpmf as logpmf
from fad._src.scipy.stats.poisson import pmf as pmf

__all__ = ["cdf", "entropy", "logpmf", "pmf"]
