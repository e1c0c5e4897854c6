"""fad.scipy.stats.dirichlet:

The Dirichlet distribution (``x`` and ``alpha`` along the first axis, as in scipy).
"""

from fad._src.scipy.stats.dirichlet import logpdf as logpdf
from fad._src.scipy.stats.dirichlet import pdf as pdf

__all__ = ["logpdf", "pdf"]
