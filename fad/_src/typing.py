"""Static tangent and cotangent types.

``Tangent[A]`` and ``Cotangent[A]`` are phantom types over a whole pytree type
``A``: at run time a tangent is just its value, and these classes can never be
instantiated. They exist so that mypy keeps the two vector spaces apart: a
cotangent is never a tangent, a tangent never mixes with a primal, and a bare
array must be marked with ``tangent``/``cotangent`` (identity functions) before
it is used as one. ``primal_of`` is the explicit escape back to the value's type.

Python has no type-level map, so ``Tangent[tuple[A, B]]`` cannot be unpacked
by the type system on its own: ``unpack``/``pack`` are typed per arity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, NoReturn, Protocol, TypeVar, cast, overload

from fad._src.core import Array

A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
D = TypeVar("D")
E = TypeVar("E")
T = TypeVar("T")
A_co = TypeVar("A_co", covariant=True)
A_contra = TypeVar("A_contra", contravariant=True)
B_co = TypeVar("B_co", covariant=True)

# A scalar that can scale a tangent or cotangent.
Scalar = float | int | Array


class Tangent(Generic[A_co]):
    """A tangent vector at a point of type ``A`` (static only; never instantiated)."""

    __slots__ = ()

    def __new__(cls, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError(
            "Tangent is a static type only; mark a value as a tangent with fad.tangent(x)"
        )

    if TYPE_CHECKING:

        def __add__(self: Tangent[T], other: Tangent[T]) -> Tangent[T]: ...
        def __sub__(self: Tangent[T], other: Tangent[T]) -> Tangent[T]: ...
        def __neg__(self: Tangent[T]) -> Tangent[T]: ...
        def __mul__(self: Tangent[T], scale: Scalar) -> Tangent[T]: ...
        def __rmul__(self: Tangent[T], scale: Scalar) -> Tangent[T]: ...
        def __truediv__(self: Tangent[T], scale: Scalar) -> Tangent[T]: ...


class Cotangent(Generic[A_co]):
    """A cotangent (covector) at a point of type ``A`` (static only; never instantiated)."""

    __slots__ = ()

    def __new__(cls, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError(
            "Cotangent is a static type only; mark a value as a cotangent with fad.cotangent(x)"
        )

    if TYPE_CHECKING:

        def __add__(self: Cotangent[T], other: Cotangent[T]) -> Cotangent[T]: ...
        def __sub__(self: Cotangent[T], other: Cotangent[T]) -> Cotangent[T]: ...
        def __neg__(self: Cotangent[T]) -> Cotangent[T]: ...
        def __mul__(self: Cotangent[T], scale: Scalar) -> Cotangent[T]: ...
        def __rmul__(self: Cotangent[T], scale: Scalar) -> Cotangent[T]: ...
        def __truediv__(self: Cotangent[T], scale: Scalar) -> Cotangent[T]: ...


def tangent(x: A) -> Tangent[A]:
    """Mark ``x`` (an array or a pytree of arrays) as a tangent. The identity at run time."""
    return cast(Tangent[A], x)


def cotangent(x: A) -> Cotangent[A]:
    """Mark ``x`` (an array or a pytree of arrays) as a cotangent. The identity at run time."""
    return cast(Cotangent[A], x)


@overload
def primal_of(t: Tangent[A]) -> A: ...
@overload
def primal_of(t: Cotangent[A]) -> A: ...
def primal_of(t: Tangent[A] | Cotangent[A]) -> A:
    """The value of a tangent or cotangent, typed as its point's type (explicit escape)."""
    return cast(A, t)


class Linear(Protocol[A_contra, B_co]):
    """A linear map of tangents, as returned by ``linearize``."""

    def __call__(self, t: Tangent[A_contra], /) -> Tangent[B_co]: ...


class LinearTranspose(Protocol[A_contra, B_co]):
    """The transpose of a linear map: cotangents of the output to cotangents of the input."""

    def __call__(self, ct: Cotangent[A_contra], /) -> Cotangent[B_co]: ...


# Per-arity unpacking and packing (the type system cannot map over a tuple type).


@overload
def unpack(t: Tangent[tuple[A]]) -> tuple[Tangent[A]]: ...
@overload
def unpack(t: Tangent[tuple[A, B]]) -> tuple[Tangent[A], Tangent[B]]: ...
@overload
def unpack(t: Tangent[tuple[A, B, C]]) -> tuple[Tangent[A], Tangent[B], Tangent[C]]: ...
@overload
def unpack(t: Tangent[tuple[A, B, C, D]]) -> tuple[Tangent[A], Tangent[B], Tangent[C], Tangent[D]]: ...
@overload
def unpack(t: Cotangent[tuple[A]]) -> tuple[Cotangent[A]]: ...
@overload
def unpack(t: Cotangent[tuple[A, B]]) -> tuple[Cotangent[A], Cotangent[B]]: ...
@overload
def unpack(t: Cotangent[tuple[A, B, C]]) -> tuple[Cotangent[A], Cotangent[B], Cotangent[C]]: ...
@overload
def unpack(
    t: Cotangent[tuple[A, B, C, D]],
) -> tuple[Cotangent[A], Cotangent[B], Cotangent[C], Cotangent[D]]: ...
def unpack(t: Any) -> tuple[Any, ...]:
    """Split a tangent (or cotangent) of a tuple into a tuple of tangents (cotangents)."""
    return tuple(t)


@overload
def pack(a: Tangent[A], /) -> Tangent[tuple[A]]: ...
@overload
def pack(a: Tangent[A], b: Tangent[B], /) -> Tangent[tuple[A, B]]: ...
@overload
def pack(a: Tangent[A], b: Tangent[B], c: Tangent[C], /) -> Tangent[tuple[A, B, C]]: ...
@overload
def pack(a: Cotangent[A], /) -> Cotangent[tuple[A]]: ...
@overload
def pack(a: Cotangent[A], b: Cotangent[B], /) -> Cotangent[tuple[A, B]]: ...
@overload
def pack(a: Cotangent[A], b: Cotangent[B], c: Cotangent[C], /) -> Cotangent[tuple[A, B, C]]: ...
def pack(*parts: Any) -> Any:
    """Join tangents (or cotangents) into a tangent (cotangent) of the tuple of their points."""
    return tuple(parts)
