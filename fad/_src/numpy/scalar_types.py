"""``fad.numpy``'s scalar types: ``jnp.float32(1.5)`` is a 0-d Array of that dtype.

As in JAX, each is a class whose metaclass makes it usable wherever a dtype is (it has a
``dtype`` attribute, so ``np.dtype(jnp.float32)`` and ``dtype=jnp.float32`` work, and it
compares equal to its dtype) and callable to make an array of its dtype.
"""

from __future__ import annotations

import builtins
from typing import Any

import ml_dtypes
import numpy as np

from fad._src import dtypes
from fad._src.core import Array, DType
from fad._src.numpy.conversion import asarray


class _ScalarMeta(type):
    dtype: DType

    def __call__(cls, x: Any) -> Array:
        return asarray(x, dtype=cls.dtype)

    def __eq__(cls, other: object) -> builtins.bool:
        return other is cls or cls.dtype.type == other or cls.dtype == other

    def __ne__(cls, other: object) -> builtins.bool:
        return not cls.__eq__(other)

    def __hash__(cls) -> int:
        return hash(cls.dtype.type)

    def __instancecheck__(cls, instance: object) -> builtins.bool:
        return isinstance(instance, cls.dtype.type)

    def __repr__(cls) -> str:
        return f"<class 'fad.numpy.{cls.__name__}'>"


def _scalar_type(dt: DType, name: str) -> _ScalarMeta:
    return _ScalarMeta(name, (object,), {"dtype": dt})


bool_ = _scalar_type(dtypes.bool_, "bool_")
int8 = _scalar_type(dtypes.int8, "int8")
int16 = _scalar_type(dtypes.int16, "int16")
int32 = _scalar_type(dtypes.int32, "int32")
int64 = _scalar_type(dtypes.int64, "int64")
uint8 = _scalar_type(dtypes.uint8, "uint8")
uint16 = _scalar_type(dtypes.uint16, "uint16")
uint32 = _scalar_type(dtypes.uint32, "uint32")
uint64 = _scalar_type(dtypes.uint64, "uint64")
float16 = _scalar_type(dtypes.float16, "float16")
float32 = _scalar_type(dtypes.float32, "float32")
float64 = _scalar_type(dtypes.float64, "float64")
complex64 = _scalar_type(dtypes.complex64, "complex64")
complex128 = _scalar_type(dtypes.complex128, "complex128")

# The names numpy and JAX give the same types.
bool = _scalar_type(dtypes.bool_, "bool")
int_ = _scalar_type(dtypes.int64, "int64")
uint = _scalar_type(dtypes.uint64, "uint64")
float_ = _scalar_type(dtypes.float64, "float64")
double = _scalar_type(dtypes.float64, "float64")
single = _scalar_type(dtypes.float32, "float32")
complex_ = _scalar_type(dtypes.complex128, "complex128")
cdouble = _scalar_type(dtypes.complex128, "complex128")
csingle = _scalar_type(dtypes.complex64, "complex64")

# Narrow and sub-byte types (ml_dtypes): usable as dtypes, for converting host data and
# for comparisons; fad computes in none of them, so making an array of one raises.
float4_e2m1fn = _scalar_type(np.dtype(ml_dtypes.float4_e2m1fn), "float4_e2m1fn")
float6_e2m3fn = _scalar_type(np.dtype(ml_dtypes.float6_e2m3fn), "float6_e2m3fn")
float6_e3m2fn = _scalar_type(np.dtype(ml_dtypes.float6_e3m2fn), "float6_e3m2fn")
float8_e3m4 = _scalar_type(np.dtype(ml_dtypes.float8_e3m4), "float8_e3m4")
float8_e4m3 = _scalar_type(np.dtype(ml_dtypes.float8_e4m3), "float8_e4m3")
float8_e4m3b11fnuz = _scalar_type(np.dtype(ml_dtypes.float8_e4m3b11fnuz), "float8_e4m3b11fnuz")
float8_e4m3fn = _scalar_type(np.dtype(ml_dtypes.float8_e4m3fn), "float8_e4m3fn")
float8_e4m3fnuz = _scalar_type(np.dtype(ml_dtypes.float8_e4m3fnuz), "float8_e4m3fnuz")
float8_e5m2 = _scalar_type(np.dtype(ml_dtypes.float8_e5m2), "float8_e5m2")
float8_e5m2fnuz = _scalar_type(np.dtype(ml_dtypes.float8_e5m2fnuz), "float8_e5m2fnuz")
float8_e8m0fnu = _scalar_type(np.dtype(ml_dtypes.float8_e8m0fnu), "float8_e8m0fnu")
int1 = _scalar_type(np.dtype(ml_dtypes.int1), "int1")
int2 = _scalar_type(np.dtype(ml_dtypes.int2), "int2")
int4 = _scalar_type(np.dtype(ml_dtypes.int4), "int4")
uint1 = _scalar_type(np.dtype(ml_dtypes.uint1), "uint1")
uint2 = _scalar_type(np.dtype(ml_dtypes.uint2), "uint2")
uint4 = _scalar_type(np.dtype(ml_dtypes.uint4), "uint4")
