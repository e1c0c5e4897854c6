"""``fad.nn``: JAX's ``jax.nn`` names: activations, the softmax family, ``one_hot``,
``standardize``, and ``initializers``."""

from fad._src import initializers as initializers
from fad._src.nn import celu as celu
from fad._src.nn import elu as elu
from fad._src.nn import gelu as gelu
from fad._src.nn import glu as glu
from fad._src.nn import hard_sigmoid as hard_sigmoid
from fad._src.nn import hard_silu as hard_silu
from fad._src.nn import hard_swish as hard_swish
from fad._src.nn import hard_tanh as hard_tanh
from fad._src.nn import leaky_relu as leaky_relu
from fad._src.nn import log_sigmoid as log_sigmoid
from fad._src.nn import log_softmax as log_softmax
from fad._src.nn import logsumexp as logsumexp
from fad._src.nn import one_hot as one_hot
from fad._src.nn import relu as relu
from fad._src.nn import relu6 as relu6
from fad._src.nn import selu as selu
from fad._src.nn import sigmoid as sigmoid
from fad._src.nn import silu as silu
from fad._src.nn import soft_sign as soft_sign
from fad._src.nn import softmax as softmax
from fad._src.nn import softplus as softplus
from fad._src.nn import sparse_plus as sparse_plus
from fad._src.nn import standardize as standardize
from fad._src.nn import swish as swish

__all__ = [
    "celu", "elu", "gelu", "glu", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
    "initializers", "leaky_relu", "log_sigmoid", "log_softmax", "logsumexp", "one_hot", "relu",
    "relu6", "selu", "sigmoid", "silu", "soft_sign", "softmax", "softplus", "sparse_plus",
    "standardize", "swish",
]  # fmt: skip
