"""fad.scipy.stats.geom: the geometric distribution (support ``k >= 1``)."""

from fad._src.scipy.stats.geom import logpmf as logpmf
from fad._src.scipy.stats.geom import pmf as pmf

__all__ = ["logpmf", "pmf"]
