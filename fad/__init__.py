"""fad: pure-functional, typed automatic differentiation on an effect-handler stack."""

import importlib as _importlib
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from fad._src import prims as _prims  # noqa: F401  (registers every primitive's rules)
from fad._src.api import grad as grad
from fad._src.api import hessian as hessian
from fad._src.api import jacfwd as jacfwd
from fad._src.api import jacrev as jacrev
from fad._src.api import jvp as jvp
from fad._src.api import linear_transpose as linear_transpose
from fad._src.api import linearize as linearize
from fad._src.api import make_jaxpr as make_jaxpr
from fad._src.api import value_and_grad as value_and_grad
from fad._src.api import vjp as vjp
from fad._src.api import vmap as vmap
from fad._src.callbacks import ShapeDtypeStruct as ShapeDtypeStruct
from fad._src.callbacks import pure_callback as pure_callback
from fad._src.checkpoint import checkpoint as checkpoint
from fad._src.checkpoint import checkpoint_policies as checkpoint_policies
from fad._src.checkpoint import remat as remat
from fad._src.config import config as config
from fad._src.core import Array as Array
from fad._src.core import ArrayLike as ArrayLike
from fad._src.core import ConcretizationError as ConcretizationError
from fad._src.core import EscapedTracerError as EscapedTracerError
from fad._src.core import Handler as Handler
from fad._src.core import Params as Params
from fad._src.core import Primitive as Primitive
from fad._src.core import ShapedArray as ShapedArray
from fad._src.core import Tracer as Tracer
from fad._src.core import current_handler as current_handler
from fad._src.core import installed as installed
from fad._src.custom_derivatives import custom_gradient as custom_gradient
from fad._src.custom_derivatives import custom_jvp as custom_jvp
from fad._src.custom_derivatives import custom_vjp as custom_vjp
from fad._src.dtypes import float0 as float0
from fad._src.jit import block_until_ready as block_until_ready
from fad._src.jit import default_backend as default_backend
from fad._src.jit import device_count as device_count
from fad._src.jit import device_put as device_put
from fad._src.jit import devices as devices
from fad._src.jit import disable_compilation_cache as disable_compilation_cache
from fad._src.jit import enable_compilation_cache as enable_compilation_cache
from fad._src.jit import jit as jit
from fad._src.jit import local_device_count as local_device_count
from fad._src.jit import local_devices as local_devices
from fad._src.jit import make_array_from_process_local_data as make_array_from_process_local_data
from fad._src.jit import process_count as process_count
from fad._src.jit import process_index as process_index
from fad._src.shard_map import shard_map as shard_map
from fad._src.typing import Cotangent as Cotangent
from fad._src.typing import Linear as Linear
from fad._src.typing import LinearTranspose as LinearTranspose
from fad._src.typing import Pullback as Pullback
from fad._src.typing import Tangent as Tangent
from fad._src.typing import cotangent as cotangent
from fad._src.typing import pack as pack
from fad._src.typing import primal_of as primal_of
from fad._src.typing import tangent as tangent
from fad._src.typing import unpack as unpack

__version__ = "0.1.0"
from fad import random as random

# The public submodules, reachable after a bare ``import fad`` as in JAX (``fad.numpy``,
# ``fad.tree.map``, ...); each is imported on first use, so ``import fad`` stays lean.
_SUBMODULES = frozenset({
    "debug", "distributed", "lax", "nn", "numpy", "optim", "scipy", "sharding", "test_util",
    "testing", "tree", "tree_util",
})  # fmt: skip

if _TYPE_CHECKING:
    from fad import debug as debug
    from fad import distributed as distributed
    from fad import lax as lax
    from fad import nn as nn
    from fad import numpy as numpy
    from fad import optim as optim
    from fad import scipy as scipy
    from fad import sharding as sharding
    from fad import test_util as test_util
    from fad import testing as testing
    from fad import tree as tree
    from fad import tree_util as tree_util


def __getattr__(name: str) -> _Any:
    if name in _SUBMODULES:
        return _importlib.import_module(f"fad.{name}")
    raise AttributeError(f"module 'fad' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_SUBMODULES})
