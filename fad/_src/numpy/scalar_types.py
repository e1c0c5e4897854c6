"""``fad.numpy``'s scalar types: ``jnp.float32(1.5)`` is a 0-d Array of that dtype.

As in JAX, each is a class whose metaclass makes it usable wherever a dtype is (it has a
``dtype`` attribute, so ``np.dtype(jnp.float32)`` and ``dtype=jnp.float32`` work, and it
compares equal to its dtype) and callable to make an array of its dtype.
"""

from __future__ import annotations

from typing import Any

from fad._src import dtypes
from fad._src.core import Array, DType
from fad._src.numpy.conversion import asarray


class _ScalarMeta(type):
    dtype: DType

    def __call__(cls, x: Any) -> Array:
        return asarray(x, dtype=cls.dtype)

    def __eq__(cls, other: object) -> bool:
        return other is cls or cls.dtype.type == other or cls.dtype == other

    def __ne__(cls, other: object) -> bool:
        return not cls.__eq__(other)

    def __hash__(cls) -> int:
        return hash(cls.dtype.type)

    def __instancecheck__(cls, instance: object) -> bool:
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
