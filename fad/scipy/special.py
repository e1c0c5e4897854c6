"""fad.scipy.special: special functions, differentiable under every transformation."""

from fad._src.scipy.special import (
    digamma,
    entr,
    erf,
    erfc,
    erfinv,
    expit,
    gammaln,
    log_softmax,
    logit,
    logsumexp,
    ndtr,
    ndtri,
    polygamma,
    softmax,
    xlog1py,
    xlogy,
)

__all__ = [
    "digamma", "entr", "erf", "erfc", "erfinv", "expit", "gammaln", "log_softmax", "logit",
    "logsumexp", "ndtr", "ndtri", "polygamma", "softmax", "xlog1py", "xlogy",
]  # fmt: skip
