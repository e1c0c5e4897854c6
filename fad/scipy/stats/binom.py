"""fad.scipy.stats.binom: the binomial distribution."""

from fad._src.scipy.stats.binom import logpmf as logpmf
from fad._src.scipy.stats.binom import pmf as pmf

__all__ = ["logpmf", "pmf"]
