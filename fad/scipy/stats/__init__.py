"""fad.scipy.stats: distributions (one module each) and statistics, as in jax.scipy.stats."""

from fad._src.scipy.stats.descriptive import ModeResult as ModeResult
from fad._src.scipy.stats.descriptive import mode as mode
from fad._src.scipy.stats.descriptive import rankdata as rankdata
from fad._src.scipy.stats.descriptive import sem as sem
from fad._src.scipy.stats.kde import gaussian_kde as gaussian_kde
from fad.scipy.stats import bernoulli as bernoulli
from fad.scipy.stats import beta as beta
from fad.scipy.stats import betabinom as betabinom
from fad.scipy.stats import binom as binom
from fad.scipy.stats import cauchy as cauchy
from fad.scipy.stats import chi2 as chi2
from fad.scipy.stats import dirichlet as dirichlet
from fad.scipy.stats import expon as expon
from fad.scipy.stats import gamma as gamma
from fad.scipy.stats import gennorm as gennorm
from fad.scipy.stats import geom as geom
from fad.scipy.stats import gumbel_l as gumbel_l
from fad.scipy.stats import gumbel_r as gumbel_r
from fad.scipy.stats import laplace as laplace
from fad.scipy.stats import logistic as logistic
from fad.scipy.stats import multinomial as multinomial
from fad.scipy.stats import multivariate_normal as multivariate_normal
from fad.scipy.stats import nbinom as nbinom
from fad.scipy.stats import norm as norm
from fad.scipy.stats import pareto as pareto
from fad.scipy.stats import poisson as poisson
from fad.scipy.stats import t as t
from fad.scipy.stats import truncnorm as truncnorm
from fad.scipy.stats import uniform as uniform
from fad.scipy.stats import vonmises as vonmises
from fad.scipy.stats import wrapcauchy as wrapcauchy

__all__ = [
    "ModeResult", "bernoulli", "beta", "betabinom", "binom", "cauchy", "chi2", "dirichlet",
    "expon", "gamma", "gaussian_kde", "gennorm", "geom", "gumbel_l", "gumbel_r", "laplace",
    "logistic", "mode", "multinomial", "multivariate_normal", "nbinom", "norm", "pareto",
    "poisson", "rankdata", "sem", "t", "truncnorm", "uniform", "vonmises", "wrapcauchy",
]  # fmt: skip
