"""fad.scipy.special: special functions, differentiable under every transformation."""

from fad._src.scipy.special import digamma as digamma
from fad._src.scipy.special import entr as entr
from fad._src.scipy.special import erf as erf
from fad._src.scipy.special import erfc as erfc
from fad._src.scipy.special import erfinv as erfinv
from fad._src.scipy.special import expit as expit
from fad._src.scipy.special import gammaln as gammaln
from fad._src.scipy.special import log_softmax as log_softmax
from fad._src.scipy.special import logit as logit
from fad._src.scipy.special import logsumexp as logsumexp
from fad._src.scipy.special import ndtr as ndtr
from fad._src.scipy.special import ndtri as ndtri
from fad._src.scipy.special import polygamma as polygamma
from fad._src.scipy.special import softmax as softmax
from fad._src.scipy.special import xlog1py as xlog1py
from fad._src.scipy.special import xlogy as xlogy

__all__ = [
    "digamma", "entr", "erf", "erfc", "erfinv", "expit", "gammaln", "log_softmax", "logit",
    "logsumexp", "ndtr", "ndtri", "polygamma", "softmax", "xlog1py", "xlogy",
]  # fmt: skip
