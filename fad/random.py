"""``fad.random``: counter-based, splittable PRNG keys and samplers, bit-compatible with
JAX's threefry2x32 (both its classic and its partitionable scheme; see
``fad.config.update("threefry_partitionable", ...)``)."""

from fad._src.random.continuous import gumbel as gumbel
from fad._src.random.continuous import normal as normal
from fad._src.random.continuous import truncated_normal as truncated_normal
from fad._src.random.continuous import uniform as uniform
from fad._src.random.discrete import bernoulli as bernoulli
from fad._src.random.discrete import bits as bits
from fad._src.random.discrete import categorical as categorical
from fad._src.random.discrete import choice as choice
from fad._src.random.discrete import permutation as permutation
from fad._src.random.discrete import randint as randint
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
    "KeyDType", "PRNGKey", "PRNGKeyArray", "bernoulli", "bits", "categorical", "choice",
    "clone", "fold_in", "gumbel", "key", "key_data", "key_dtype", "key_impl", "normal",
    "permutation", "randint", "split", "truncated_normal", "uniform", "wrap_key_data",
]  # fmt: skip
