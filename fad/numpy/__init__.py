"""fad.numpy: numpy's API on fad arrays, built from primitives so every transformation sees it."""

from numpy import character as character
from numpy import complexfloating as complexfloating
from numpy import dtype as dtype
from numpy import finfo as finfo
from numpy import flexible as flexible
from numpy import floating as floating
from numpy import generic as generic
from numpy import iinfo as iinfo
from numpy import inexact as inexact
from numpy import integer as integer
from numpy import number as number
from numpy import object_ as object_
from numpy import signedinteger as signedinteger
from numpy import unsignedinteger as unsignedinteger
from numpy.exceptions import ComplexWarning as ComplexWarning

from fad._src.core import Array as ndarray
from fad._src.dtypes import bfloat16 as bfloat16
from fad._src.dtypes import float0 as float0
from fad._src.numpy.arrayops import append as append
from fad._src.numpy.arrayops import argpartition as argpartition
from fad._src.numpy.arrayops import block as block
from fad._src.numpy.arrayops import choose as choose
from fad._src.numpy.arrayops import compress as compress
from fad._src.numpy.arrayops import delete as delete
from fad._src.numpy.arrayops import dsplit as dsplit
from fad._src.numpy.arrayops import extract as extract
from fad._src.numpy.arrayops import fill_diagonal as fill_diagonal
from fad._src.numpy.arrayops import fromfunction as fromfunction
from fad._src.numpy.arrayops import geomspace as geomspace
from fad._src.numpy.arrayops import insert as insert
from fad._src.numpy.arrayops import lexsort as lexsort
from fad._src.numpy.arrayops import matvec as matvec
from fad._src.numpy.arrayops import packbits as packbits
from fad._src.numpy.arrayops import partition as partition
from fad._src.numpy.arrayops import place as place
from fad._src.numpy.arrayops import put as put
from fad._src.numpy.arrayops import put_along_axis as put_along_axis
from fad._src.numpy.arrayops import resize as resize
from fad._src.numpy.arrayops import rollaxis as rollaxis
from fad._src.numpy.arrayops import unpackbits as unpackbits
from fad._src.numpy.arrayops import unstack as unstack
from fad._src.numpy.arrayops import vecmat as vecmat
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
from fad._src.numpy.functional import apply_along_axis as apply_along_axis
from fad._src.numpy.functional import apply_over_axes as apply_over_axes
from fad._src.numpy.functional import frompyfunc as frompyfunc
from fad._src.numpy.functional import piecewise as piecewise
from fad._src.numpy.functional import ufunc as ufunc
from fad._src.numpy.functional import vectorize as vectorize
from fad._src.numpy.index_tricks import c_ as c_
from fad._src.numpy.index_tricks import diag_indices as diag_indices
from fad._src.numpy.index_tricks import diag_indices_from as diag_indices_from
from fad._src.numpy.index_tricks import index_exp as index_exp
from fad._src.numpy.index_tricks import indices as indices
from fad._src.numpy.index_tricks import ix_ as ix_
from fad._src.numpy.index_tricks import mask_indices as mask_indices
from fad._src.numpy.index_tricks import mgrid as mgrid
from fad._src.numpy.index_tricks import ogrid as ogrid
from fad._src.numpy.index_tricks import r_ as r_
from fad._src.numpy.index_tricks import ravel_multi_index as ravel_multi_index
from fad._src.numpy.index_tricks import s_ as s_
from fad._src.numpy.index_tricks import tril_indices as tril_indices
from fad._src.numpy.index_tricks import tril_indices_from as tril_indices_from
from fad._src.numpy.index_tricks import triu_indices as triu_indices
from fad._src.numpy.index_tricks import triu_indices_from as triu_indices_from
from fad._src.numpy.index_tricks import unravel_index as unravel_index
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
from fad._src.numpy.mathfuncs import bitwise_count as bitwise_count
from fad._src.numpy.mathfuncs import bitwise_invert as bitwise_invert
from fad._src.numpy.mathfuncs import bitwise_left_shift as bitwise_left_shift
from fad._src.numpy.mathfuncs import bitwise_right_shift as bitwise_right_shift
from fad._src.numpy.mathfuncs import clip as clip
from fad._src.numpy.mathfuncs import float_power as float_power
from fad._src.numpy.mathfuncs import fmax as fmax
from fad._src.numpy.mathfuncs import fmin as fmin
from fad._src.numpy.mathfuncs import frexp as frexp
from fad._src.numpy.mathfuncs import gcd as gcd
from fad._src.numpy.mathfuncs import i0 as i0
from fad._src.numpy.mathfuncs import iscomplex as iscomplex
from fad._src.numpy.mathfuncs import isreal as isreal
from fad._src.numpy.mathfuncs import lcm as lcm
from fad._src.numpy.mathfuncs import ldexp as ldexp
from fad._src.numpy.mathfuncs import modf as modf
from fad._src.numpy.mathfuncs import nan_to_num as nan_to_num
from fad._src.numpy.mathfuncs import spacing as spacing
from fad._src.numpy.mathfuncs import unwrap as unwrap
from fad._src.numpy.misc import array_repr as array_repr
from fad._src.numpy.misc import array_str as array_str
from fad._src.numpy.misc import can_cast as can_cast
from fad._src.numpy.misc import einsum_path as einsum_path
from fad._src.numpy.misc import frombuffer as frombuffer
from fad._src.numpy.misc import fromfile as fromfile
from fad._src.numpy.misc import fromiter as fromiter
from fad._src.numpy.misc import fromstring as fromstring
from fad._src.numpy.misc import get_printoptions as get_printoptions
from fad._src.numpy.misc import isdtype as isdtype
from fad._src.numpy.misc import iterable as iterable
from fad._src.numpy.misc import load as load
from fad._src.numpy.misc import printoptions as printoptions
from fad._src.numpy.misc import promote_types as promote_types
from fad._src.numpy.misc import save as save
from fad._src.numpy.misc import savez as savez
from fad._src.numpy.misc import set_printoptions as set_printoptions
from fad._src.numpy.polynomial import poly as poly
from fad._src.numpy.polynomial import polyadd as polyadd
from fad._src.numpy.polynomial import polyder as polyder
from fad._src.numpy.polynomial import polydiv as polydiv
from fad._src.numpy.polynomial import polyfit as polyfit
from fad._src.numpy.polynomial import polyint as polyint
from fad._src.numpy.polynomial import polymul as polymul
from fad._src.numpy.polynomial import polysub as polysub
from fad._src.numpy.polynomial import polyval as polyval
from fad._src.numpy.polynomial import roots as roots
from fad._src.numpy.polynomial import vander as vander
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
from fad._src.numpy.scalar_types import bool as bool
from fad._src.numpy.scalar_types import bool_ as bool_
from fad._src.numpy.scalar_types import cdouble as cdouble
from fad._src.numpy.scalar_types import complex64 as complex64
from fad._src.numpy.scalar_types import complex128 as complex128
from fad._src.numpy.scalar_types import complex_ as complex_
from fad._src.numpy.scalar_types import csingle as csingle
from fad._src.numpy.scalar_types import double as double
from fad._src.numpy.scalar_types import float4_e2m1fn as float4_e2m1fn
from fad._src.numpy.scalar_types import float6_e2m3fn as float6_e2m3fn
from fad._src.numpy.scalar_types import float6_e3m2fn as float6_e3m2fn
from fad._src.numpy.scalar_types import float8_e3m4 as float8_e3m4
from fad._src.numpy.scalar_types import float8_e4m3 as float8_e4m3
from fad._src.numpy.scalar_types import float8_e4m3b11fnuz as float8_e4m3b11fnuz
from fad._src.numpy.scalar_types import float8_e4m3fn as float8_e4m3fn
from fad._src.numpy.scalar_types import float8_e4m3fnuz as float8_e4m3fnuz
from fad._src.numpy.scalar_types import float8_e5m2 as float8_e5m2
from fad._src.numpy.scalar_types import float8_e5m2fnuz as float8_e5m2fnuz
from fad._src.numpy.scalar_types import float8_e8m0fnu as float8_e8m0fnu
from fad._src.numpy.scalar_types import float16 as float16
from fad._src.numpy.scalar_types import float32 as float32
from fad._src.numpy.scalar_types import float64 as float64
from fad._src.numpy.scalar_types import float_ as float_
from fad._src.numpy.scalar_types import int1 as int1
from fad._src.numpy.scalar_types import int2 as int2
from fad._src.numpy.scalar_types import int4 as int4
from fad._src.numpy.scalar_types import int8 as int8
from fad._src.numpy.scalar_types import int16 as int16
from fad._src.numpy.scalar_types import int32 as int32
from fad._src.numpy.scalar_types import int64 as int64
from fad._src.numpy.scalar_types import int_ as int_
from fad._src.numpy.scalar_types import single as single
from fad._src.numpy.scalar_types import uint as uint
from fad._src.numpy.scalar_types import uint1 as uint1
from fad._src.numpy.scalar_types import uint2 as uint2
from fad._src.numpy.scalar_types import uint4 as uint4
from fad._src.numpy.scalar_types import uint8 as uint8
from fad._src.numpy.scalar_types import uint16 as uint16
from fad._src.numpy.scalar_types import uint32 as uint32
from fad._src.numpy.scalar_types import uint64 as uint64
from fad._src.numpy.setops import intersect1d as intersect1d
from fad._src.numpy.setops import isin as isin
from fad._src.numpy.setops import setdiff1d as setdiff1d
from fad._src.numpy.setops import setxor1d as setxor1d
from fad._src.numpy.setops import sort_complex as sort_complex
from fad._src.numpy.setops import trim_zeros as trim_zeros
from fad._src.numpy.setops import union1d as union1d
from fad._src.numpy.setops import unique as unique
from fad._src.numpy.setops import unique_all as unique_all
from fad._src.numpy.setops import unique_counts as unique_counts
from fad._src.numpy.setops import unique_inverse as unique_inverse
from fad._src.numpy.setops import unique_values as unique_values
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
from fad._src.numpy.statistics import bincount as bincount
from fad._src.numpy.statistics import corrcoef as corrcoef
from fad._src.numpy.statistics import cov as cov
from fad._src.numpy.statistics import digitize as digitize
from fad._src.numpy.statistics import gradient as gradient
from fad._src.numpy.statistics import histogram as histogram
from fad._src.numpy.statistics import histogram2d as histogram2d
from fad._src.numpy.statistics import histogram_bin_edges as histogram_bin_edges
from fad._src.numpy.statistics import histogramdd as histogramdd
from fad._src.numpy.statistics import nanargmax as nanargmax
from fad._src.numpy.statistics import nanargmin as nanargmin
from fad._src.numpy.statistics import nancumprod as nancumprod
from fad._src.numpy.statistics import nancumsum as nancumsum
from fad._src.numpy.statistics import nanmedian as nanmedian
from fad._src.numpy.statistics import nanpercentile as nanpercentile
from fad._src.numpy.statistics import nanquantile as nanquantile
from fad._src.numpy.statistics import nanstd as nanstd
from fad._src.numpy.statistics import nanvar as nanvar
from fad._src.numpy.statistics import trapezoid as trapezoid
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
from fad._src.numpy.windows import bartlett as bartlett
from fad._src.numpy.windows import blackman as blackman
from fad._src.numpy.windows import hamming as hamming
from fad._src.numpy.windows import hanning as hanning
from fad._src.numpy.windows import kaiser as kaiser

__all__ = [
    "ComplexWarning",
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
    "append",
    "apply_along_axis",
    "apply_over_axes",
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
    "argpartition",
    "argsort",
    "argwhere",
    "around",
    "array",
    "array_equal",
    "array_equiv",
    "array_repr",
    "array_split",
    "array_str",
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
    "bartlett",
    "bfloat16",
    "bincount",
    "bitwise_and",
    "bitwise_count",
    "bitwise_invert",
    "bitwise_left_shift",
    "bitwise_not",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "blackman",
    "block",
    "bool",
    "bool_",
    "broadcast_arrays",
    "broadcast_shapes",
    "broadcast_to",
    "c_",
    "can_cast",
    "cbrt",
    "cdouble",
    "ceil",
    "character",
    "choose",
    "clip",
    "column_stack",
    "complex128",
    "complex64",
    "complex_",
    "complexfloating",
    "compress",
    "concat",
    "concatenate",
    "conj",
    "conjugate",
    "copy",
    "copysign",
    "corrcoef",
    "cos",
    "cosh",
    "count_nonzero",
    "cov",
    "cross",
    "csingle",
    "cumprod",
    "cumsum",
    "cumulative_prod",
    "cumulative_sum",
    "deg2rad",
    "degrees",
    "delete",
    "diag",
    "diag_indices",
    "diag_indices_from",
    "diagflat",
    "diagonal",
    "diff",
    "digitize",
    "divide",
    "divmod",
    "dot",
    "double",
    "dsplit",
    "dstack",
    "dtype",
    "e",
    "ediff1d",
    "einsum",
    "einsum_path",
    "empty",
    "empty_like",
    "equal",
    "euler_gamma",
    "exp",
    "exp2",
    "expand_dims",
    "expm1",
    "extract",
    "eye",
    "fabs",
    "fill_diagonal",
    "finfo",
    "fix",
    "flatnonzero",
    "flexible",
    "flip",
    "fliplr",
    "flipud",
    "float0",
    "float16",
    "float32",
    "float4_e2m1fn",
    "float64",
    "float6_e2m3fn",
    "float6_e3m2fn",
    "float8_e3m4",
    "float8_e4m3",
    "float8_e4m3b11fnuz",
    "float8_e4m3fn",
    "float8_e4m3fnuz",
    "float8_e5m2",
    "float8_e5m2fnuz",
    "float8_e8m0fnu",
    "float_",
    "float_power",
    "floating",
    "floor",
    "floor_divide",
    "fmax",
    "fmin",
    "fmod",
    "frexp",
    "from_dlpack",
    "frombuffer",
    "fromfile",
    "fromfunction",
    "fromiter",
    "frompyfunc",
    "fromstring",
    "full",
    "full_like",
    "gcd",
    "generic",
    "geomspace",
    "get_printoptions",
    "gradient",
    "greater",
    "greater_equal",
    "hamming",
    "hanning",
    "heaviside",
    "histogram",
    "histogram2d",
    "histogram_bin_edges",
    "histogramdd",
    "hsplit",
    "hstack",
    "hypot",
    "i0",
    "identity",
    "iinfo",
    "imag",
    "index_exp",
    "indices",
    "inexact",
    "inf",
    "inner",
    "insert",
    "int1",
    "int16",
    "int2",
    "int32",
    "int4",
    "int64",
    "int8",
    "int_",
    "integer",
    "interp",
    "intersect1d",
    "invert",
    "isclose",
    "iscomplex",
    "iscomplexobj",
    "isdtype",
    "isfinite",
    "isin",
    "isinf",
    "isnan",
    "isneginf",
    "isposinf",
    "isreal",
    "isrealobj",
    "isscalar",
    "issubdtype",
    "iterable",
    "ix_",
    "kaiser",
    "kron",
    "lcm",
    "ldexp",
    "left_shift",
    "less",
    "less_equal",
    "lexsort",
    "linspace",
    "load",
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
    "mask_indices",
    "matmul",
    "matrix_transpose",
    "matvec",
    "max",
    "maximum",
    "mean",
    "median",
    "meshgrid",
    "mgrid",
    "min",
    "minimum",
    "mod",
    "modf",
    "moveaxis",
    "multiply",
    "nan",
    "nan_to_num",
    "nanargmax",
    "nanargmin",
    "nancumprod",
    "nancumsum",
    "nanmax",
    "nanmean",
    "nanmedian",
    "nanmin",
    "nanpercentile",
    "nanprod",
    "nanquantile",
    "nanstd",
    "nansum",
    "nanvar",
    "ndarray",
    "ndim",
    "negative",
    "newaxis",
    "nextafter",
    "nonzero",
    "not_equal",
    "number",
    "object_",
    "ogrid",
    "ones",
    "ones_like",
    "outer",
    "packbits",
    "pad",
    "partition",
    "percentile",
    "permute_dims",
    "pi",
    "piecewise",
    "place",
    "poly",
    "polyadd",
    "polyder",
    "polydiv",
    "polyfit",
    "polyint",
    "polymul",
    "polysub",
    "polyval",
    "positive",
    "pow",
    "power",
    "printoptions",
    "prod",
    "promote_types",
    "ptp",
    "put",
    "put_along_axis",
    "quantile",
    "r_",
    "rad2deg",
    "radians",
    "ravel",
    "ravel_multi_index",
    "real",
    "reciprocal",
    "remainder",
    "repeat",
    "reshape",
    "resize",
    "result_type",
    "right_shift",
    "rint",
    "roll",
    "rollaxis",
    "roots",
    "rot90",
    "round",
    "row_stack",
    "s_",
    "save",
    "savez",
    "searchsorted",
    "select",
    "set_printoptions",
    "setdiff1d",
    "setxor1d",
    "shape",
    "sign",
    "signbit",
    "signedinteger",
    "sin",
    "sinc",
    "single",
    "sinh",
    "size",
    "sort",
    "sort_complex",
    "spacing",
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
    "trapezoid",
    "tri",
    "tril",
    "tril_indices",
    "tril_indices_from",
    "trim_zeros",
    "triu",
    "triu_indices",
    "triu_indices_from",
    "true_divide",
    "trunc",
    "ufunc",
    "uint",
    "uint1",
    "uint16",
    "uint2",
    "uint32",
    "uint4",
    "uint64",
    "uint8",
    "union1d",
    "unique",
    "unique_all",
    "unique_counts",
    "unique_inverse",
    "unique_values",
    "unpackbits",
    "unravel_index",
    "unsignedinteger",
    "unstack",
    "unwrap",
    "vander",
    "var",
    "vdot",
    "vecdot",
    "vecmat",
    "vectorize",
    "vsplit",
    "vstack",
    "where",
    "zeros",
    "zeros_like",
]

from fad.numpy import fft as fft
from fad.numpy import linalg as linalg
