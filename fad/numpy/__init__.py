"""fad.numpy: numpy's API on fad arrays, built from primitives so every transformation sees it."""

from numpy import complexfloating as complexfloating
from numpy import dtype as dtype
from numpy import finfo as finfo
from numpy import floating as floating
from numpy import iinfo as iinfo
from numpy import inexact as inexact
from numpy import integer as integer
from numpy import number as number
from numpy import signedinteger as signedinteger
from numpy import unsignedinteger as unsignedinteger

from fad._src.core import Array as ndarray
from fad._src.dtypes import bfloat16 as bfloat16
from fad._src.dtypes import float0 as float0
from fad._src.numpy.conversion import asarray as asarray
from fad._src.numpy.conversion import astype as astype
from fad._src.numpy.conversion import broadcast_arrays as broadcast_arrays
from fad._src.numpy.conversion import broadcast_shapes as broadcast_shapes
from fad._src.numpy.conversion import broadcast_to as broadcast_to
from fad._src.numpy.conversion import from_dlpack as from_dlpack
from fad._src.numpy.conversion import issubdtype as issubdtype
from fad._src.numpy.conversion import result_type as result_type
from fad._src.numpy.conversion import stack as stack
from fad._src.numpy.convolve import convolve as convolve
from fad._src.numpy.convolve import correlate as correlate
from fad._src.numpy.creation import array as array
from fad._src.numpy.creation import copy as copy
from fad._src.numpy.creation import diag as diag
from fad._src.numpy.creation import diagflat as diagflat
from fad._src.numpy.creation import diagonal as diagonal
from fad._src.numpy.creation import empty as empty
from fad._src.numpy.creation import empty_like as empty_like
from fad._src.numpy.creation import eye as eye
from fad._src.numpy.creation import full as full
from fad._src.numpy.creation import full_like as full_like
from fad._src.numpy.creation import identity as identity
from fad._src.numpy.creation import ones as ones
from fad._src.numpy.creation import ones_like as ones_like
from fad._src.numpy.creation import tri as tri
from fad._src.numpy.creation import tril as tril
from fad._src.numpy.creation import triu as triu
from fad._src.numpy.creation import zeros as zeros
from fad._src.numpy.creation import zeros_like as zeros_like
from fad._src.numpy.einsum import einsum as einsum
from fad._src.numpy.indexing import newaxis as newaxis
from fad._src.numpy.indexing import take as take
from fad._src.numpy.indexing import take_along_axis as take_along_axis
from fad._src.numpy.logic import all as all
from fad._src.numpy.logic import allclose as allclose
from fad._src.numpy.logic import any as any
from fad._src.numpy.logic import array_equal as array_equal
from fad._src.numpy.logic import array_equiv as array_equiv
from fad._src.numpy.logic import isclose as isclose
from fad._src.numpy.logic import iscomplexobj as iscomplexobj
from fad._src.numpy.logic import isfinite as isfinite
from fad._src.numpy.logic import isinf as isinf
from fad._src.numpy.logic import isnan as isnan
from fad._src.numpy.logic import isneginf as isneginf
from fad._src.numpy.logic import isposinf as isposinf
from fad._src.numpy.logic import isrealobj as isrealobj
from fad._src.numpy.logic import isscalar as isscalar
from fad._src.numpy.logic import logical_and as logical_and
from fad._src.numpy.logic import logical_not as logical_not
from fad._src.numpy.logic import logical_or as logical_or
from fad._src.numpy.logic import logical_xor as logical_xor
from fad._src.numpy.manipulation import array_split as array_split
from fad._src.numpy.manipulation import column_stack as column_stack
from fad._src.numpy.manipulation import concat as concat
from fad._src.numpy.manipulation import concatenate as concatenate
from fad._src.numpy.manipulation import dstack as dstack
from fad._src.numpy.manipulation import flip as flip
from fad._src.numpy.manipulation import fliplr as fliplr
from fad._src.numpy.manipulation import flipud as flipud
from fad._src.numpy.manipulation import hsplit as hsplit
from fad._src.numpy.manipulation import hstack as hstack
from fad._src.numpy.manipulation import pad as pad
from fad._src.numpy.manipulation import repeat as repeat
from fad._src.numpy.manipulation import roll as roll
from fad._src.numpy.manipulation import rot90 as rot90
from fad._src.numpy.manipulation import row_stack as row_stack
from fad._src.numpy.manipulation import split as split
from fad._src.numpy.manipulation import tile as tile
from fad._src.numpy.manipulation import vsplit as vsplit
from fad._src.numpy.manipulation import vstack as vstack
from fad._src.numpy.products import cross as cross
from fad._src.numpy.products import dot as dot
from fad._src.numpy.products import inner as inner
from fad._src.numpy.products import kron as kron
from fad._src.numpy.products import matmul as matmul
from fad._src.numpy.products import outer as outer
from fad._src.numpy.products import tensordot as tensordot
from fad._src.numpy.products import trace as trace
from fad._src.numpy.products import vdot as vdot
from fad._src.numpy.products import vecdot as vecdot
from fad._src.numpy.ranges import arange as arange
from fad._src.numpy.ranges import linspace as linspace
from fad._src.numpy.ranges import logspace as logspace
from fad._src.numpy.ranges import meshgrid as meshgrid
from fad._src.numpy.reductions import amax as amax
from fad._src.numpy.reductions import amin as amin
from fad._src.numpy.reductions import argmax as argmax
from fad._src.numpy.reductions import argmin as argmin
from fad._src.numpy.reductions import average as average
from fad._src.numpy.reductions import count_nonzero as count_nonzero
from fad._src.numpy.reductions import cumprod as cumprod
from fad._src.numpy.reductions import cumsum as cumsum
from fad._src.numpy.reductions import cumulative_prod as cumulative_prod
from fad._src.numpy.reductions import cumulative_sum as cumulative_sum
from fad._src.numpy.reductions import diff as diff
from fad._src.numpy.reductions import ediff1d as ediff1d
from fad._src.numpy.reductions import max as max
from fad._src.numpy.reductions import mean as mean
from fad._src.numpy.reductions import median as median
from fad._src.numpy.reductions import min as min
from fad._src.numpy.reductions import nanmax as nanmax
from fad._src.numpy.reductions import nanmean as nanmean
from fad._src.numpy.reductions import nanmin as nanmin
from fad._src.numpy.reductions import nanprod as nanprod
from fad._src.numpy.reductions import nansum as nansum
from fad._src.numpy.reductions import percentile as percentile
from fad._src.numpy.reductions import prod as prod
from fad._src.numpy.reductions import ptp as ptp
from fad._src.numpy.reductions import quantile as quantile
from fad._src.numpy.reductions import std as std
from fad._src.numpy.reductions import sum as sum
from fad._src.numpy.reductions import var as var
from fad._src.numpy.scalar_types import bool_ as bool_
from fad._src.numpy.scalar_types import complex64 as complex64
from fad._src.numpy.scalar_types import complex128 as complex128
from fad._src.numpy.scalar_types import float16 as float16
from fad._src.numpy.scalar_types import float32 as float32
from fad._src.numpy.scalar_types import float64 as float64
from fad._src.numpy.scalar_types import int8 as int8
from fad._src.numpy.scalar_types import int16 as int16
from fad._src.numpy.scalar_types import int32 as int32
from fad._src.numpy.scalar_types import int64 as int64
from fad._src.numpy.scalar_types import uint8 as uint8
from fad._src.numpy.scalar_types import uint16 as uint16
from fad._src.numpy.scalar_types import uint32 as uint32
from fad._src.numpy.scalar_types import uint64 as uint64
from fad._src.numpy.shapes import atleast_1d as atleast_1d
from fad._src.numpy.shapes import atleast_2d as atleast_2d
from fad._src.numpy.shapes import atleast_3d as atleast_3d
from fad._src.numpy.shapes import expand_dims as expand_dims
from fad._src.numpy.shapes import matrix_transpose as matrix_transpose
from fad._src.numpy.shapes import moveaxis as moveaxis
from fad._src.numpy.shapes import ndim as ndim
from fad._src.numpy.shapes import permute_dims as permute_dims
from fad._src.numpy.shapes import ravel as ravel
from fad._src.numpy.shapes import reshape as reshape
from fad._src.numpy.shapes import shape as shape
from fad._src.numpy.shapes import size as size
from fad._src.numpy.shapes import squeeze as squeeze
from fad._src.numpy.shapes import swapaxes as swapaxes
from fad._src.numpy.shapes import transpose as transpose
from fad._src.numpy.sorting import argsort as argsort
from fad._src.numpy.sorting import argwhere as argwhere
from fad._src.numpy.sorting import flatnonzero as flatnonzero
from fad._src.numpy.sorting import interp as interp
from fad._src.numpy.sorting import nonzero as nonzero
from fad._src.numpy.sorting import searchsorted as searchsorted
from fad._src.numpy.sorting import select as select
from fad._src.numpy.sorting import sort as sort
from fad._src.numpy.sorting import where as where
from fad._src.numpy.ufuncs import abs as abs
from fad._src.numpy.ufuncs import absolute as absolute
from fad._src.numpy.ufuncs import acos as acos
from fad._src.numpy.ufuncs import acosh as acosh
from fad._src.numpy.ufuncs import add as add
from fad._src.numpy.ufuncs import angle as angle
from fad._src.numpy.ufuncs import arccos as arccos
from fad._src.numpy.ufuncs import arccosh as arccosh
from fad._src.numpy.ufuncs import arcsin as arcsin
from fad._src.numpy.ufuncs import arcsinh as arcsinh
from fad._src.numpy.ufuncs import arctan as arctan
from fad._src.numpy.ufuncs import arctan2 as arctan2
from fad._src.numpy.ufuncs import arctanh as arctanh
from fad._src.numpy.ufuncs import around as around
from fad._src.numpy.ufuncs import asin as asin
from fad._src.numpy.ufuncs import asinh as asinh
from fad._src.numpy.ufuncs import atan as atan
from fad._src.numpy.ufuncs import atan2 as atan2
from fad._src.numpy.ufuncs import atanh as atanh
from fad._src.numpy.ufuncs import bitwise_and as bitwise_and
from fad._src.numpy.ufuncs import bitwise_not as bitwise_not
from fad._src.numpy.ufuncs import bitwise_or as bitwise_or
from fad._src.numpy.ufuncs import bitwise_xor as bitwise_xor
from fad._src.numpy.ufuncs import cbrt as cbrt
from fad._src.numpy.ufuncs import ceil as ceil
from fad._src.numpy.ufuncs import clip as clip
from fad._src.numpy.ufuncs import conj as conj
from fad._src.numpy.ufuncs import conjugate as conjugate
from fad._src.numpy.ufuncs import copysign as copysign
from fad._src.numpy.ufuncs import cos as cos
from fad._src.numpy.ufuncs import cosh as cosh
from fad._src.numpy.ufuncs import deg2rad as deg2rad
from fad._src.numpy.ufuncs import degrees as degrees
from fad._src.numpy.ufuncs import divide as divide
from fad._src.numpy.ufuncs import divmod as divmod
from fad._src.numpy.ufuncs import e as e
from fad._src.numpy.ufuncs import equal as equal
from fad._src.numpy.ufuncs import euler_gamma as euler_gamma
from fad._src.numpy.ufuncs import exp as exp
from fad._src.numpy.ufuncs import exp2 as exp2
from fad._src.numpy.ufuncs import expm1 as expm1
from fad._src.numpy.ufuncs import fabs as fabs
from fad._src.numpy.ufuncs import fix as fix
from fad._src.numpy.ufuncs import floor as floor
from fad._src.numpy.ufuncs import floor_divide as floor_divide
from fad._src.numpy.ufuncs import fmod as fmod
from fad._src.numpy.ufuncs import greater as greater
from fad._src.numpy.ufuncs import greater_equal as greater_equal
from fad._src.numpy.ufuncs import heaviside as heaviside
from fad._src.numpy.ufuncs import hypot as hypot
from fad._src.numpy.ufuncs import imag as imag
from fad._src.numpy.ufuncs import inf as inf
from fad._src.numpy.ufuncs import invert as invert
from fad._src.numpy.ufuncs import left_shift as left_shift
from fad._src.numpy.ufuncs import less as less
from fad._src.numpy.ufuncs import less_equal as less_equal
from fad._src.numpy.ufuncs import log as log
from fad._src.numpy.ufuncs import log1p as log1p
from fad._src.numpy.ufuncs import log2 as log2
from fad._src.numpy.ufuncs import log10 as log10
from fad._src.numpy.ufuncs import logaddexp as logaddexp
from fad._src.numpy.ufuncs import logaddexp2 as logaddexp2
from fad._src.numpy.ufuncs import maximum as maximum
from fad._src.numpy.ufuncs import minimum as minimum
from fad._src.numpy.ufuncs import mod as mod
from fad._src.numpy.ufuncs import multiply as multiply
from fad._src.numpy.ufuncs import nan as nan
from fad._src.numpy.ufuncs import negative as negative
from fad._src.numpy.ufuncs import nextafter as nextafter
from fad._src.numpy.ufuncs import not_equal as not_equal
from fad._src.numpy.ufuncs import pi as pi
from fad._src.numpy.ufuncs import positive as positive
from fad._src.numpy.ufuncs import pow as pow
from fad._src.numpy.ufuncs import power as power
from fad._src.numpy.ufuncs import rad2deg as rad2deg
from fad._src.numpy.ufuncs import radians as radians
from fad._src.numpy.ufuncs import real as real
from fad._src.numpy.ufuncs import reciprocal as reciprocal
from fad._src.numpy.ufuncs import remainder as remainder
from fad._src.numpy.ufuncs import right_shift as right_shift
from fad._src.numpy.ufuncs import rint as rint
from fad._src.numpy.ufuncs import round as round
from fad._src.numpy.ufuncs import sign as sign
from fad._src.numpy.ufuncs import signbit as signbit
from fad._src.numpy.ufuncs import sin as sin
from fad._src.numpy.ufuncs import sinc as sinc
from fad._src.numpy.ufuncs import sinh as sinh
from fad._src.numpy.ufuncs import sqrt as sqrt
from fad._src.numpy.ufuncs import square as square
from fad._src.numpy.ufuncs import subtract as subtract
from fad._src.numpy.ufuncs import tan as tan
from fad._src.numpy.ufuncs import tanh as tanh
from fad._src.numpy.ufuncs import true_divide as true_divide
from fad._src.numpy.ufuncs import trunc as trunc

__all__ = [
    "abs",
    "absolute",
    "acos",
    "acosh",
    "add",
    "all",
    "allclose",
    "amax",
    "amin",
    "angle",
    "any",
    "arange",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "argmax",
    "argmin",
    "argsort",
    "argwhere",
    "around",
    "array",
    "array_equal",
    "array_equiv",
    "array_split",
    "asarray",
    "asin",
    "asinh",
    "astype",
    "atan",
    "atan2",
    "atanh",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "average",
    "bfloat16",
    "bitwise_and",
    "bitwise_not",
    "bitwise_or",
    "bitwise_xor",
    "bool_",
    "broadcast_arrays",
    "broadcast_shapes",
    "broadcast_to",
    "cbrt",
    "ceil",
    "clip",
    "column_stack",
    "complex128",
    "complex64",
    "complexfloating",
    "concat",
    "concatenate",
    "conj",
    "conjugate",
    "copy",
    "copysign",
    "cos",
    "cosh",
    "count_nonzero",
    "cross",
    "cumprod",
    "cumsum",
    "cumulative_prod",
    "cumulative_sum",
    "deg2rad",
    "degrees",
    "diag",
    "diagflat",
    "diagonal",
    "diff",
    "divide",
    "divmod",
    "dot",
    "dstack",
    "dtype",
    "e",
    "ediff1d",
    "einsum",
    "empty",
    "empty_like",
    "equal",
    "euler_gamma",
    "exp",
    "exp2",
    "expand_dims",
    "expm1",
    "eye",
    "fabs",
    "finfo",
    "fix",
    "flatnonzero",
    "flip",
    "fliplr",
    "flipud",
    "float0",
    "float16",
    "float32",
    "float64",
    "floating",
    "floor",
    "floor_divide",
    "fmod",
    "from_dlpack",
    "full",
    "full_like",
    "greater",
    "greater_equal",
    "heaviside",
    "hsplit",
    "hstack",
    "hypot",
    "identity",
    "iinfo",
    "imag",
    "inexact",
    "inf",
    "inner",
    "int16",
    "int32",
    "int64",
    "int8",
    "integer",
    "interp",
    "invert",
    "isclose",
    "iscomplexobj",
    "isfinite",
    "isinf",
    "isnan",
    "isneginf",
    "isposinf",
    "isrealobj",
    "isscalar",
    "issubdtype",
    "kron",
    "left_shift",
    "less",
    "less_equal",
    "linspace",
    "log",
    "log10",
    "log1p",
    "log2",
    "logaddexp",
    "logaddexp2",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "logspace",
    "matmul",
    "matrix_transpose",
    "max",
    "maximum",
    "mean",
    "median",
    "meshgrid",
    "min",
    "minimum",
    "mod",
    "moveaxis",
    "multiply",
    "nan",
    "nanmax",
    "nanmean",
    "nanmin",
    "nanprod",
    "nansum",
    "ndarray",
    "ndim",
    "negative",
    "newaxis",
    "nextafter",
    "nonzero",
    "not_equal",
    "number",
    "ones",
    "ones_like",
    "outer",
    "pad",
    "percentile",
    "permute_dims",
    "pi",
    "positive",
    "pow",
    "power",
    "prod",
    "ptp",
    "quantile",
    "rad2deg",
    "radians",
    "ravel",
    "real",
    "reciprocal",
    "remainder",
    "repeat",
    "reshape",
    "result_type",
    "right_shift",
    "rint",
    "roll",
    "rot90",
    "round",
    "row_stack",
    "searchsorted",
    "select",
    "shape",
    "sign",
    "signbit",
    "signedinteger",
    "sin",
    "sinc",
    "sinh",
    "size",
    "sort",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "subtract",
    "sum",
    "swapaxes",
    "take",
    "take_along_axis",
    "tan",
    "tanh",
    "tensordot",
    "tile",
    "trace",
    "transpose",
    "tri",
    "tril",
    "triu",
    "true_divide",
    "trunc",
    "uint16",
    "uint32",
    "uint64",
    "uint8",
    "unsignedinteger",
    "var",
    "vdot",
    "vecdot",
    "vsplit",
    "vstack",
    "where",
    "zeros",
    "zeros_like",
]

from fad.numpy import fft as fft
from fad.numpy import linalg as linalg
