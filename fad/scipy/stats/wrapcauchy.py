"""fad.scipy.stats.wrapcauchy: the wrapped Cauchy distribution on ``[0, 2 pi]``."""

from fad._src.scipy.stats.wrapcauchy import logpdf as logpdf
from fad._src.scipy.stats.wrapcauchy import pdf as pdf

__all__ = ["logpdf", "pdf"]
