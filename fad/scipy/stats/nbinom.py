"""fad.scipy.stats.nbinom:

The negative binomial distribution (failures before success number ``n``).
"""

from fad._src.scipy.stats.nbinom import logpmf as logpmf
from fad._src.scipy.stats.nbinom import pmf as pmf

__all__ = ["logpmf", "pmf"]
