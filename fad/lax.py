"""``fad.lax``: JAX's ``jax.lax`` names: structured control flow and the primitive-level ops.

Control flow (``cond``, ``switch``, ``while_loop``, ``fori_loop``, ``scan``, ``map``)
stages the functions it is given into sub-programs of one primitive, so it works
under ``jit`` and ``vmap`` and is differentiable (``while_loop`` in forward mode only).

The other functions apply one primitive each. As in ``jax.lax``, they do no numpy-style
promotion or broadcasting: operands share one shape and dtype, except that a Python
scalar takes the dtype of the array it is combined with.
"""

from fad._src.implicit import custom_linear_solve as custom_linear_solve
from fad._src.implicit import custom_root as custom_root
from fad._src.lax import abs as abs
from fad._src.lax import acos as acos
from fad._src.lax import acosh as acosh
from fad._src.lax import add as add
from fad._src.lax import argmax as argmax
from fad._src.lax import argmin as argmin
from fad._src.lax import asin as asin
from fad._src.lax import asinh as asinh
from fad._src.lax import associative_scan as associative_scan
from fad._src.lax import atan as atan
from fad._src.lax import atan2 as atan2
from fad._src.lax import atanh as atanh
from fad._src.lax import bitcast_convert_type as bitcast_convert_type
from fad._src.lax import bitwise_and as bitwise_and
from fad._src.lax import bitwise_not as bitwise_not
from fad._src.lax import bitwise_or as bitwise_or
from fad._src.lax import bitwise_xor as bitwise_xor
from fad._src.lax import broadcast as broadcast
from fad._src.lax import broadcast_in_dim as broadcast_in_dim
from fad._src.lax import broadcasted_iota as broadcasted_iota
from fad._src.lax import cbrt as cbrt
from fad._src.lax import ceil as ceil
from fad._src.lax import clamp as clamp
from fad._src.lax import complex as complex
from fad._src.lax import concatenate as concatenate
from fad._src.lax import conj as conj
from fad._src.lax import conv as conv
from fad._src.lax import conv_general_dilated as conv_general_dilated
from fad._src.lax import convert_element_type as convert_element_type
from fad._src.lax import cos as cos
from fad._src.lax import cosh as cosh
from fad._src.lax import cummax as cummax
from fad._src.lax import cummin as cummin
from fad._src.lax import cumprod as cumprod
from fad._src.lax import cumsum as cumsum
from fad._src.lax import digamma as digamma
from fad._src.lax import div as div
from fad._src.lax import dot as dot
from fad._src.lax import dot_general as dot_general
from fad._src.lax import dynamic_index_in_dim as dynamic_index_in_dim
from fad._src.lax import dynamic_slice as dynamic_slice
from fad._src.lax import dynamic_slice_in_dim as dynamic_slice_in_dim
from fad._src.lax import dynamic_update_slice as dynamic_update_slice
from fad._src.lax import eq as eq
from fad._src.lax import erf as erf
from fad._src.lax import erf_inv as erf_inv
from fad._src.lax import erfc as erfc
from fad._src.lax import exp as exp
from fad._src.lax import exp2 as exp2
from fad._src.lax import expand_dims as expand_dims
from fad._src.lax import expm1 as expm1
from fad._src.lax import floor as floor
from fad._src.lax import full as full
from fad._src.lax import full_like as full_like
from fad._src.lax import ge as ge
from fad._src.lax import gt as gt
from fad._src.lax import imag as imag
from fad._src.lax import index_in_dim as index_in_dim
from fad._src.lax import integer_pow as integer_pow
from fad._src.lax import iota as iota
from fad._src.lax import is_finite as is_finite
from fad._src.lax import le as le
from fad._src.lax import lgamma as lgamma
from fad._src.lax import log as log
from fad._src.lax import log1p as log1p
from fad._src.lax import logistic as logistic
from fad._src.lax import lt as lt
from fad._src.lax import max as max
from fad._src.lax import min as min
from fad._src.lax import mul as mul
from fad._src.lax import ne as ne
from fad._src.lax import neg as neg
from fad._src.lax import nextafter as nextafter
from fad._src.lax import pad as pad
from fad._src.lax import polygamma as polygamma
from fad._src.lax import pow as pow
from fad._src.lax import real as real
from fad._src.lax import reduce as reduce
from fad._src.lax import reduce_and as reduce_and
from fad._src.lax import reduce_max as reduce_max
from fad._src.lax import reduce_min as reduce_min
from fad._src.lax import reduce_or as reduce_or
from fad._src.lax import reduce_prod as reduce_prod
from fad._src.lax import reduce_sum as reduce_sum
from fad._src.lax import reduce_window as reduce_window
from fad._src.lax import rem as rem
from fad._src.lax import reshape as reshape
from fad._src.lax import rev as rev
from fad._src.lax import round as round
from fad._src.lax import rsqrt as rsqrt
from fad._src.lax import select_n as select_n
from fad._src.lax import shift_left as shift_left
from fad._src.lax import shift_right_arithmetic as shift_right_arithmetic
from fad._src.lax import shift_right_logical as shift_right_logical
from fad._src.lax import sign as sign
from fad._src.lax import sin as sin
from fad._src.lax import sinh as sinh
from fad._src.lax import slice as slice
from fad._src.lax import slice_in_dim as slice_in_dim
from fad._src.lax import sort as sort
from fad._src.lax import sort_key_val as sort_key_val
from fad._src.lax import sqrt as sqrt
from fad._src.lax import squeeze as squeeze
from fad._src.lax import sub as sub
from fad._src.lax import tan as tan
from fad._src.lax import tanh as tanh
from fad._src.lax import top_k as top_k
from fad._src.lax import transpose as transpose
from fad._src.parallel import all_gather as all_gather
from fad._src.parallel import all_to_all as all_to_all
from fad._src.parallel import axis_index as axis_index
from fad._src.parallel import pmax as pmax
from fad._src.parallel import pmean as pmean
from fad._src.parallel import pmin as pmin
from fad._src.parallel import ppermute as ppermute
from fad._src.parallel import psum as psum
from fad._src.parallel import psum_scatter as psum_scatter
from fad._src.parallel import with_sharding_constraint as with_sharding_constraint
from fad._src.prims.control_flow import cond as cond
from fad._src.prims.control_flow import fori_loop as fori_loop
from fad._src.prims.control_flow import map as map
from fad._src.prims.control_flow import scan as scan
from fad._src.prims.control_flow import select as select
from fad._src.prims.control_flow import stop_gradient as stop_gradient
from fad._src.prims.control_flow import switch as switch
from fad._src.prims.control_flow import while_loop as while_loop

__all__ = [
    "abs", "acos", "acosh", "add", "all_gather", "all_to_all", "argmax", "argmin", "asin",
    "asinh", "associative_scan", "atan", "atan2", "atanh", "axis_index", "bitcast_convert_type",
    "bitwise_and", "bitwise_not", "bitwise_or", "bitwise_xor", "broadcast", "broadcast_in_dim",
    "broadcasted_iota", "cbrt", "ceil", "clamp", "complex", "concatenate", "cond", "conj",
    "conv", "conv_general_dilated", "convert_element_type", "cos", "cosh", "cummax", "cummin",
    "cumprod", "cumsum", "custom_linear_solve", "custom_root", "digamma", "div", "dot",
    "dot_general", "dynamic_index_in_dim", "dynamic_slice", "dynamic_slice_in_dim",
    "dynamic_update_slice", "eq", "erf", "erf_inv", "erfc", "exp", "exp2", "expand_dims",
    "expm1", "floor", "fori_loop", "full", "full_like", "ge", "gt", "imag", "index_in_dim",
    "integer_pow", "iota", "is_finite", "le", "lgamma", "log", "log1p", "logistic", "lt", "map",
    "max", "min", "mul", "ne", "neg", "nextafter", "pad", "pmax", "pmean", "pmin", "polygamma",
    "pow", "ppermute", "psum", "psum_scatter", "real", "reduce", "reduce_and", "reduce_max",
    "reduce_min", "reduce_or", "reduce_prod", "reduce_sum", "reduce_window", "rem", "reshape",
    "rev", "round", "rsqrt", "scan", "select", "select_n", "shift_left",
    "shift_right_arithmetic", "shift_right_logical", "sign", "sin", "sinh", "slice",
    "slice_in_dim", "sort", "sort_key_val", "sqrt", "squeeze", "stop_gradient", "sub", "switch",
    "tan", "tanh", "top_k", "transpose", "while_loop", "with_sharding_constraint",
]  # fmt: skip
