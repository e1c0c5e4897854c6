"""The user surface of ``fad.Array``: operators and numpy-style methods.

The core defines the value and declares these methods' types; this module, part
of the numpy layer they are built from, gives them their implementations.
``install()`` runs once, when ``fad._src.numpy`` is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fad._src.core import Array, ArrayLike
from fad._src.numpy import indexing
from fad._src.numpy import lax_numpy as _jnp


class _ArrayMethods(Array):
    """The implementations, written as methods of an ``Array`` subclass so that they
    read (and type-check) as they behave; ``install`` copies them onto ``Array``."""

    __slots__ = ()

    # -- operators -----------------------------------------------------------
    def __neg__(self) -> Array:
        return _jnp.negative(self)

    def __pos__(self) -> Array:
        return self

    def __abs__(self) -> Array:
        return _jnp.abs(self)

    def __invert__(self) -> Array:
        return _jnp.invert(self)

    def __add__(self, other: ArrayLike) -> Array:
        return _jnp.add(self, other)

    def __radd__(self, other: ArrayLike) -> Array:
        return _jnp.add(other, self)

    def __sub__(self, other: ArrayLike) -> Array:
        return _jnp.subtract(self, other)

    def __rsub__(self, other: ArrayLike) -> Array:
        return _jnp.subtract(other, self)

    def __mul__(self, other: ArrayLike) -> Array:
        return _jnp.multiply(self, other)

    def __rmul__(self, other: ArrayLike) -> Array:
        return _jnp.multiply(other, self)

    def __truediv__(self, other: ArrayLike) -> Array:
        return _jnp.true_divide(self, other)

    def __rtruediv__(self, other: ArrayLike) -> Array:
        return _jnp.true_divide(other, self)

    def __floordiv__(self, other: ArrayLike) -> Array:
        return _jnp.floor_divide(self, other)

    def __rfloordiv__(self, other: ArrayLike) -> Array:
        return _jnp.floor_divide(other, self)

    def __mod__(self, other: ArrayLike) -> Array:
        return _jnp.remainder(self, other)

    def __rmod__(self, other: ArrayLike) -> Array:
        return _jnp.remainder(other, self)

    def __pow__(self, other: ArrayLike) -> Array:
        return _jnp.power(self, other)

    def __rpow__(self, other: ArrayLike) -> Array:
        return _jnp.power(other, self)

    def __matmul__(self, other: ArrayLike) -> Array:
        return _jnp.matmul(self, other)

    def __rmatmul__(self, other: ArrayLike) -> Array:
        return _jnp.matmul(other, self)

    def __and__(self, other: ArrayLike) -> Array:
        return _jnp.bitwise_and(self, other)

    def __rand__(self, other: ArrayLike) -> Array:
        return _jnp.bitwise_and(other, self)

    def __or__(self, other: ArrayLike) -> Array:
        return _jnp.bitwise_or(self, other)

    def __ror__(self, other: ArrayLike) -> Array:
        return _jnp.bitwise_or(other, self)

    def __xor__(self, other: ArrayLike) -> Array:
        return _jnp.bitwise_xor(self, other)

    def __rxor__(self, other: ArrayLike) -> Array:
        return _jnp.bitwise_xor(other, self)

    def __lshift__(self, other: ArrayLike) -> Array:
        return _jnp.left_shift(self, other)

    def __rshift__(self, other: ArrayLike) -> Array:
        return _jnp.right_shift(self, other)

    def __lt__(self, other: ArrayLike) -> Array:
        return _jnp.less(self, other)

    def __le__(self, other: ArrayLike) -> Array:
        return _jnp.less_equal(self, other)

    def __gt__(self, other: ArrayLike) -> Array:
        return _jnp.greater(self, other)

    def __ge__(self, other: ArrayLike) -> Array:
        return _jnp.greater_equal(self, other)

    # Elementwise, as in numpy: the result is an array, not object.__eq__'s bool, and only
    # array-likes compare (so the override narrows both types; mypy needs the ignore).
    def __eq__(self, other: ArrayLike) -> Array:  # type: ignore[override]
        return _jnp.equal(self, other)

    def __ne__(self, other: ArrayLike) -> Array:  # type: ignore[override]
        return _jnp.not_equal(self, other)

    def __getitem__(self, idx: Any) -> Array:
        return indexing.getitem(self, idx)

    # -- numpy-style methods -----------------------------------------------------
    @property
    def T(self) -> Array:
        return _jnp.transpose(self)

    @property
    def mT(self) -> Array:
        return _jnp.swapaxes(self, -1, -2)

    @property
    def real(self) -> Array:
        return _jnp.real(self)

    @property
    def imag(self) -> Array:
        return _jnp.imag(self)

    @property
    def at(self) -> indexing._IndexUpdateHelper:
        return indexing._IndexUpdateHelper(self)

    def conj(self) -> Array:
        return _jnp.conjugate(self)

    def conjugate(self) -> Array:
        return _jnp.conjugate(self)

    def astype(self, dtype: Any) -> Array:
        return _jnp.astype(self, dtype)

    def reshape(self, *shape: Any, order: str = "C") -> Array:
        if len(shape) == 1 and not isinstance(shape[0], int):
            shape = tuple(shape[0])
        return _jnp.reshape(self, shape, order=order)

    def transpose(self, *axes: Any) -> Array:
        if len(axes) == 1 and not isinstance(axes[0], int):
            axes = tuple(axes[0]) if axes[0] is not None else ()
        return _jnp.transpose(self, axes or None)

    def swapaxes(self, a: int, b: int) -> Array:
        return _jnp.swapaxes(self, a, b)

    def ravel(self) -> Array:
        return _jnp.ravel(self)

    def flatten(self) -> Array:
        return _jnp.ravel(self)

    def squeeze(self, axis: int | Sequence[int] | None = None) -> Array:
        return _jnp.squeeze(self, axis)

    def sum(self, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Array:
        return _jnp.sum(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def prod(self, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Array:
        return _jnp.prod(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def mean(self, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Array:
        return _jnp.mean(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def var(self, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Array:
        return _jnp.var(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def std(self, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Array:
        return _jnp.std(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Array:
        return _jnp.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Array:
        return _jnp.min(self, axis=axis, keepdims=keepdims)

    def argmax(self, axis: int | None = None, keepdims: bool = False) -> Array:
        return _jnp.argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis: int | None = None, keepdims: bool = False) -> Array:
        return _jnp.argmin(self, axis=axis, keepdims=keepdims)

    def all(self, axis: Any = None, keepdims: bool = False) -> Array:
        return _jnp.all(self, axis=axis, keepdims=keepdims)

    def any(self, axis: Any = None, keepdims: bool = False) -> Array:
        return _jnp.any(self, axis=axis, keepdims=keepdims)

    def cumsum(self, axis: int | None = None, dtype: Any = None) -> Array:
        return _jnp.cumsum(self, axis=axis, dtype=dtype)

    def cumprod(self, axis: int | None = None, dtype: Any = None) -> Array:
        return _jnp.cumprod(self, axis=axis, dtype=dtype)

    def dot(self, other: ArrayLike) -> Array:
        return _jnp.dot(self, other)

    def clip(self, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Array:
        return _jnp.clip(self, min, max)

    def round(self, decimals: int = 0) -> Array:
        return _jnp.round(self, decimals)

    def trace(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Array:
        return _jnp.trace(self, offset, axis1, axis2)

    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Array:
        return _jnp.diagonal(self, offset, axis1, axis2)

    def sort(self, axis: int = -1) -> Array:
        return _jnp.sort(self, axis=axis)

    def argsort(self, axis: int = -1) -> Array:
        return _jnp.argsort(self, axis=axis)

    def take(self, indices: ArrayLike, axis: int | None = None) -> Array:
        return _jnp.take(self, indices, axis=axis)


# Class machinery that is not part of the surface (``__hash__`` is ``None`` here because
# the class defines ``__eq__``; ``Array`` keeps its own, which raises).
_NOT_SURFACE = frozenset(
    {"__module__", "__qualname__", "__doc__", "__slots__", "__hash__", "__firstlineno__",
     "__static_attributes__"}
)  # fmt: skip


def install() -> None:
    """Give ``Array`` (and so every tracer) its operators and methods."""
    for name, value in vars(_ArrayMethods).items():
        if name not in _NOT_SURFACE:
            setattr(Array, name, value)
