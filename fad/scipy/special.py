"""fad.scipy.special: special functions, differentiable under every transformation."""

from fad._src.scipy.special import bernoulli as bernoulli
from fad._src.scipy.special import bessel_jn as bessel_jn
from fad._src.scipy.special import beta as beta
from fad._src.scipy.special import betainc as betainc
from fad._src.scipy.special import betaln as betaln
from fad._src.scipy.special import boxcox as boxcox
from fad._src.scipy.special import boxcox1p as boxcox1p
from fad._src.scipy.special import comb as comb
from fad._src.scipy.special import dawsn as dawsn
from fad._src.scipy.special import digamma as digamma
from fad._src.scipy.special import entr as entr
from fad._src.scipy.special import erf as erf
from fad._src.scipy.special import erfc as erfc
from fad._src.scipy.special import erfcx as erfcx
from fad._src.scipy.special import erfinv as erfinv
from fad._src.scipy.special import exp1 as exp1
from fad._src.scipy.special import expi as expi
from fad._src.scipy.special import expit as expit
from fad._src.scipy.special import expn as expn
from fad._src.scipy.special import factorial as factorial
from fad._src.scipy.special import fresnel as fresnel
from fad._src.scipy.special import gamma as gamma
from fad._src.scipy.special import gammainc as gammainc
from fad._src.scipy.special import gammaincc as gammaincc
from fad._src.scipy.special import gammaln as gammaln
from fad._src.scipy.special import gammasgn as gammasgn
from fad._src.scipy.special import hyp1f1 as hyp1f1
from fad._src.scipy.special import hyp2f1 as hyp2f1
from fad._src.scipy.special import i0 as i0
from fad._src.scipy.special import i0e as i0e
from fad._src.scipy.special import i1 as i1
from fad._src.scipy.special import i1e as i1e
from fad._src.scipy.special import kl_div as kl_div
from fad._src.scipy.special import log_ndtr as log_ndtr
from fad._src.scipy.special import log_softmax as log_softmax
from fad._src.scipy.special import loggamma as loggamma
from fad._src.scipy.special import logit as logit
from fad._src.scipy.special import logsumexp as logsumexp
from fad._src.scipy.special import multigammaln as multigammaln
from fad._src.scipy.special import ndtr as ndtr
from fad._src.scipy.special import ndtri as ndtri
from fad._src.scipy.special import owens_t as owens_t
from fad._src.scipy.special import poch as poch
from fad._src.scipy.special import polygamma as polygamma
from fad._src.scipy.special import rel_entr as rel_entr
from fad._src.scipy.special import sici as sici
from fad._src.scipy.special import softmax as softmax
from fad._src.scipy.special import spence as spence
from fad._src.scipy.special import sph_harm_y as sph_harm_y
from fad._src.scipy.special import wofz as wofz
from fad._src.scipy.special import xlog1py as xlog1py
from fad._src.scipy.special import xlogy as xlogy
from fad._src.scipy.special import zeta as zeta

__all__ = [
    "bernoulli", "bessel_jn", "beta", "betainc", "betaln", "boxcox", "boxcox1p", "comb", "dawsn",
    "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp1", "expi", "expit", "expn",
    "factorial", "fresnel", "gamma", "gammainc", "gammaincc", "gammaln", "gammasgn", "hyp1f1",
    "hyp2f1", "i0", "i0e", "i1", "i1e", "kl_div", "log_ndtr", "log_softmax", "loggamma", "logit",
    "logsumexp", "multigammaln", "ndtr", "ndtri", "owens_t", "poch", "polygamma", "rel_entr",
    "sici", "softmax", "spence", "sph_harm_y", "wofz", "xlog1py", "xlogy", "zeta",
]  # fmt: skip
