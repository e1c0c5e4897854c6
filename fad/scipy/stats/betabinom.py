"""fad.scipy.stats.betabinom: the beta-binomial distribution."""

from fad._src.scipy.stats.betabinom import logpmf as logpmf
from fad._src.scipy.stats.betabinom import pmf as pmf

__all__ = ["logpmf", "pmf"]
