"""fad.scipy.stats.bernoulli: the Bernoulli distribution."""

from fad._src.scipy.stats.bernoulli import cdf as cdf
from fad._src.scipy.stats.bernoulli import logpmf as logpmf
from fad._src.scipy.stats.bernoulli import pmf as pmf
from fad._src.scipy.stats.bernoulli import ppf as ppf

__all__ = ["cdf", "logpmf", "pmf", "ppf"]
