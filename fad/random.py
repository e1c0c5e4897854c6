"""``fad.random``: counter-based, splittable PRNG keys and samplers, bit-compatible with
JAX's threefry2x32 (both its classic and its partitionable scheme; see
``fad.config.update("threefry_partitionable", ...)``)."""

from fad._src.random.continuous import gumbel as gumbel
from fad._src.random.continuous import normal as normal
from fad._src.random.continuous import truncated_normal as truncated_normal
from fad._src.random.continuous import uniform as uniform
from fad._src.random.counts import binomial as binomial
from fad._src.random.counts import poisson as poisson
from fad._src.random.derived import cauchy as cauchy
from fad._src.random.derived import exponential as exponential
from fad._src.random.derived import laplace as laplace
from fad._src.random.derived import logistic as logistic
from fad._src.random.derived import multivariate_normal as multivariate_normal
from fad._src.random.derived import orthogonal as orthogonal
from fad._src.random.derived import pareto as pareto
from fad._src.random.derived import rademacher as rademacher
from fad._src.random.derived import weibull_min as weibull_min
from fad._src.random.discrete import bernoulli as bernoulli
from fad._src.random.discrete import bits as bits
from fad._src.random.discrete import categorical as categorical
from fad._src.random.discrete import choice as choice
from fad._src.random.discrete import permutation as permutation
from fad._src.random.discrete import randint as randint
from fad._src.random.gamma import beta as beta
from fad._src.random.gamma import chisquare as chisquare
from fad._src.random.gamma import dirichlet as dirichlet
from fad._src.random.gamma import gamma as gamma
from fad._src.random.gamma import loggamma as loggamma
from fad._src.random.gamma import t as t
from fad._src.random.keys import KeyArray as KeyArray
from fad._src.random.keys import KeyData as KeyData
from fad._src.random.keys import KeyDType as KeyDType
from fad._src.random.keys import PRNGKey as PRNGKey
from fad._src.random.keys import PRNGKeyArray as PRNGKeyArray
from fad._src.random.keys import clone as clone
from fad._src.random.keys import fold_in as fold_in
from fad._src.random.keys import key as key
from fad._src.random.keys import key_data as key_data
from fad._src.random.keys import key_dtype as key_dtype
from fad._src.random.keys import key_impl as key_impl
from fad._src.random.keys import split as split
from fad._src.random.keys import wrap_key_data as wrap_key_data

__all__ = [
    "KeyArray", "KeyDType", "KeyData", "PRNGKey", "PRNGKeyArray", "bernoulli", "beta",
    "binomial", "bits", "categorical", "cauchy", "chisquare", "choice", "clone", "dirichlet",
    "exponential", "fold_in", "gamma", "gumbel", "key", "key_data", "key_dtype", "key_impl",
    "laplace", "loggamma", "logistic", "multivariate_normal", "normal", "orthogonal", "pareto",
    "permutation", "poisson", "rademacher", "randint", "split", "t", "truncated_normal",
    "uniform", "weibull_min", "wrap_key_data",
]  # fmt: skip
