"""The user surface of ``fad.Array``: operators and numpy-style methods.

The core defines the value and declares these methods' types; this module, part
of the numpy layer they are built from, gives them their implementations.
``install()`` runs once, when ``fad._src.numpy`` is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src.core import Array, ArrayLike
from fad._src.numpy import (
    conversion,
    creation,
    indexing,
    logic,
    products,
    reductions,
    shapes,
    sorting,
    ufuncs,
)


class _ArrayMethods(Array):
    """The implementations, written as methods of an ``Array`` subclass so that they
    read (and type-check) as they behave; ``install`` copies them onto ``Array``."""

    __slots__ = ()

    # -- operators -----------------------------------------------------------
    # Forward operators are the ufuncs themselves (``x + y`` calls ``add(x, y)``), one call
    # shorter on the hottest eager path; reflected ones are methods that swap the operands.
    __neg__ = ufuncs.negative
    __abs__ = ufuncs.absolute
    __invert__ = ufuncs.invert

    def __pos__(self) -> Array:
        return self

    __add__ = ufuncs.add

    def __radd__(self, other: ArrayLike) -> Array:
        return ufuncs.add(other, self)

    __sub__ = ufuncs.subtract

    def __rsub__(self, other: ArrayLike) -> Array:
        return ufuncs.subtract(other, self)

    __mul__ = ufuncs.multiply

    def __rmul__(self, other: ArrayLike) -> Array:
        return ufuncs.multiply(other, self)

    __truediv__ = ufuncs.true_divide

    def __rtruediv__(self, other: ArrayLike) -> Array:
        return ufuncs.true_divide(other, self)

    __floordiv__ = ufuncs.floor_divide

    def __rfloordiv__(self, other: ArrayLike) -> Array:
        return ufuncs.floor_divide(other, self)

    __mod__ = ufuncs.remainder

    def __rmod__(self, other: ArrayLike) -> Array:
        return ufuncs.remainder(other, self)

    __pow__ = ufuncs.power

    def __rpow__(self, other: ArrayLike) -> Array:
        return ufuncs.power(other, self)

    def __divmod__(self, other: ArrayLike) -> tuple[Array, Array]:
        return ufuncs.divmod(self, other)

    def __rdivmod__(self, other: ArrayLike) -> tuple[Array, Array]:
        return ufuncs.divmod(other, self)

    # ``round(x)`` is an integer array and ``round(x, n)`` keeps the dtype, as in JAX.
    def __round__(self, ndigits: int | None = None) -> Array:
        if ndigits is None:
            return conversion.astype(ufuncs.round(self, 0), int)
        return ufuncs.round(self, ndigits)

    def __matmul__(self, other: ArrayLike) -> Array:
        return products.matmul(self, other)

    def __rmatmul__(self, other: ArrayLike) -> Array:
        return products.matmul(other, self)

    __and__ = ufuncs.bitwise_and

    def __rand__(self, other: ArrayLike) -> Array:
        return ufuncs.bitwise_and(other, self)

    __or__ = ufuncs.bitwise_or

    def __ror__(self, other: ArrayLike) -> Array:
        return ufuncs.bitwise_or(other, self)

    __xor__ = ufuncs.bitwise_xor

    def __rxor__(self, other: ArrayLike) -> Array:
        return ufuncs.bitwise_xor(other, self)

    __lshift__ = ufuncs.left_shift

    __rshift__ = ufuncs.right_shift

    __lt__ = ufuncs.less

    __le__ = ufuncs.less_equal

    __gt__ = ufuncs.greater

    __ge__ = ufuncs.greater_equal

    # Elementwise, as in numpy: the result is an array, not object.__eq__'s bool, and only
    # array-likes compare (so the override narrows both types; mypy needs the ignore).
    # Anything that is not array-like (``None``, a string, an arbitrary object) defers to
    # Python, which compares by identity: ``x == None`` is False and ``x != None`` True, as
    # in JAX.
    def __eq__(self, other: ArrayLike) -> Array:  # type: ignore[override]
        if not _comparable(other):
            return NotImplemented
        return ufuncs.equal(self, other)

    def __ne__(self, other: ArrayLike) -> Array:  # type: ignore[override]
        if not _comparable(other):
            return NotImplemented
        return ufuncs.not_equal(self, other)

    def __getitem__(self, idx: Any) -> Array:
        return indexing.getitem(self, idx)

    # -- numpy-style methods -----------------------------------------------------
    @property
    def T(self) -> Array:
        return shapes.transpose(self)

    @property
    def mT(self) -> Array:
        return shapes.swapaxes(self, -1, -2)

    @property
    def real(self) -> Array:
        return ufuncs.real(self)

    @property
    def imag(self) -> Array:
        return ufuncs.imag(self)

    @property
    def at(self) -> indexing.IndexUpdateHelper:
        return indexing.IndexUpdateHelper(self)

    def conj(self) -> Array:
        return ufuncs.conjugate(self)

    def conjugate(self) -> Array:
        return ufuncs.conjugate(self)

    def astype(self, dtype: Any) -> Array:
        return conversion.astype(self, dtype)

    def reshape(self, *shape: Any, order: str = "C") -> Array:
        if len(shape) == 1 and not isinstance(shape[0], int):
            shape = tuple(shape[0])
        return shapes.reshape(self, shape, order=order)

    def transpose(self, *axes: Any) -> Array:
        if len(axes) == 1 and not isinstance(axes[0], int):
            axes = tuple(axes[0]) if axes[0] is not None else ()
        return shapes.transpose(self, axes or None)

    def swapaxes(self, a: int, b: int) -> Array:
        return shapes.swapaxes(self, a, b)

    def ravel(self) -> Array:
        return shapes.ravel(self)

    def flatten(self) -> Array:
        return shapes.ravel(self)

    def squeeze(self, axis: int | Sequence[int] | None = None) -> Array:
        return shapes.squeeze(self, axis)

    def sum(self, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Array:
        return reductions.sum(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def prod(self, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Array:
        return reductions.prod(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def mean(self, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Array:
        return reductions.mean(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def var(self, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Array:
        return reductions.var(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def std(self, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Array:
        return reductions.std(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Array:
        return reductions.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Array:
        return reductions.min(self, axis=axis, keepdims=keepdims)

    def argmax(self, axis: int | None = None, keepdims: bool = False) -> Array:
        return reductions.argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis: int | None = None, keepdims: bool = False) -> Array:
        return reductions.argmin(self, axis=axis, keepdims=keepdims)

    def all(self, axis: Any = None, keepdims: bool = False) -> Array:
        return logic.all(self, axis=axis, keepdims=keepdims)

    def any(self, axis: Any = None, keepdims: bool = False) -> Array:
        return logic.any(self, axis=axis, keepdims=keepdims)

    def cumsum(self, axis: int | None = None, dtype: Any = None) -> Array:
        return reductions.cumsum(self, axis=axis, dtype=dtype)

    def cumprod(self, axis: int | None = None, dtype: Any = None) -> Array:
        return reductions.cumprod(self, axis=axis, dtype=dtype)

    def dot(self, other: ArrayLike) -> Array:
        return products.dot(self, other)

    def clip(self, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Array:
        return ufuncs.clip(self, min, max)

    def round(self, decimals: int = 0) -> Array:
        return ufuncs.round(self, decimals)

    def trace(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Array:
        return products.trace(self, offset, axis1, axis2)

    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Array:
        return creation.diagonal(self, offset, axis1, axis2)

    def sort(self, axis: int = -1) -> Array:
        return sorting.sort(self, axis=axis)

    def argsort(self, axis: int = -1) -> Array:
        return sorting.argsort(self, axis=axis)

    def take(self, indices: ArrayLike, axis: int | None = None) -> Array:
        return indexing.take(self, indices, axis=axis)


_COMPARABLE = (Array, np.ndarray, np.generic, bool, int, float, complex, list, tuple)


def _comparable(other: object) -> bool:
    """Whether ``==``/``!=`` compare with ``other`` elementwise (array-likes and sequences)."""
    return isinstance(other, _COMPARABLE)


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
