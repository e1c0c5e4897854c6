"""fad.scipy.stats.multinomial: the multinomial distribution over the last axis."""

from fad._src.scipy.stats.multinomial import logpmf as logpmf
from fad._src.scipy.stats.multinomial import pmf as pmf

__all__ = ["logpmf", "pmf"]
