"""fad.scipy.stats.logistic: the logistic distribution."""

from fad._src.scipy.stats.logistic import cdf as cdf
from fad._src.scipy.stats.logistic import isf as isf
from fad._src.scipy.stats.logistic import logpdf as logpdf
from fad._src.scipy.stats.logistic import pdf as pdf
from fad._src.scipy.stats.logistic import ppf as ppf
from fad._src.scipy.stats.logistic import sf as sf

__all__ = ["cdf", "isf", "logpdf", "pdf", "ppf", "sf"]
