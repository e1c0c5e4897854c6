"""Static tangent and cotangent types.

``Tangent[A]`` and ``Cotangent[A]`` are phantom types over a whole pytree type
``A``: at run time a tangent is just its value, and these classes can never be
instantiated. They exist so that mypy keeps the spaces apart: a cotangent is
never a tangent, a tangent never mixes with a primal, and a bare array must be
marked with ``tangent``/``cotangent`` (identity functions) before it is used as
one. ``primal_of`` is the explicit escape back to the value's type.

The transformations are typed with them::

    jvp(f, (x, y), tangent((vx, vy)))      -> tuple[B, Tangent[B]]
    jvp(f, (x, y), (tangent(vx), tangent(vy)))   (the same, one tangent per argument)
    vjp(f, x, y)                           -> tuple[B, LinearTranspose[B, tuple[X, Y]]]
    linearize(f, x)                        -> tuple[B, Linear[X, B]]
    linearize(f, x, y)                     -> tuple[B, Linear[tuple[X, Y], B]]
    linear_transpose(f_jvp, x)             -> LinearTranspose[B, tuple[X]]
    grad(f)(x)                             -> X   (the gradient is typed as the point)

Python has no type-level map, so ``Tangent[tuple[A, B]]`` cannot be unpacked by
the type system on its own: ``unpack``/``pack`` convert between a tangent of a
tuple and a tuple of tangents (typed per arity), and a tangent of a mapping or a
sequence can be indexed (``t["w"]`` is a ``Tangent`` of the value type).

JAX-style code that passes bare values (``jvp(f, (x,), (v,))``, ``pullback(1.0)``)
still runs, because marking changes nothing at run time; ``mypy --strict``
reports it, since a bare array is a point, not a tangent.

Rules for custom derivatives use the same types: a JVP rule maps
``(tuple[*Ts], Tangent[tuple[*Ts]])`` to ``tuple[B, Tangent[B]]`` and a VJP
backward rule maps ``(residuals, Cotangent[B])`` to ``Cotangent[tuple[*Ts]]``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import (
    TYPE_CHECKING,
    Any,
    Generic,
    NoReturn,
    ParamSpec,
    Protocol,
    TypeVar,
    cast,
    overload,
)

import numpy as np

from fad._src.core import Array

A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
D = TypeVar("D")
E = TypeVar("E")
K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")
A_co = TypeVar("A_co", covariant=True)
A_contra = TypeVar("A_contra", contravariant=True)
B_co = TypeVar("B_co", covariant=True)
P = ParamSpec("P")

# A scalar that can scale a tangent or cotangent.
Scalar = float | int | Array

__all__ = [
    "Cotangent",
    "ArrayFunction",
    "Linear",
    "LinearArray",
    "LinearTranspose",
    "Pullback",
    "Scalar",
    "Tangent",
    "cotangent",
    "pack",
    "primal_of",
    "tangent",
    "unpack",
]


class Tangent(Generic[A_co]):
    """A tangent vector at a point of type ``A`` (static only; never instantiated).

    Tangents add to tangents of the same point type and scale by scalars; indexing a
    tangent of a mapping, a sequence or an array gives a tangent of the part. A tangent
    of an array has its ``shape``, ``dtype`` and ``ndim`` (metadata, not vector operations),
    and the operations that are linear in it keep it a tangent: elementwise products and
    ``@`` with a point (an ``Array``), ``reshape``, ``T``, ``transpose``, ``sum``, ``mean``.
    A product of two tangents, or of a tangent and a cotangent, is not linear: an error.
    """

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
        @overload
        def __getitem__(self: Tangent[Mapping[K, V]], key: K) -> Tangent[V]: ...
        @overload
        def __getitem__(self: Tangent[Sequence[V]], key: int) -> Tangent[V]: ...
        @overload
        def __getitem__(self: Tangent[Array], key: Any) -> Tangent[Array]: ...
        def __getitem__(self, key: Any) -> Any: ...
        @property
        def shape(self: Tangent[Array]) -> tuple[int, ...]: ...
        @property
        def dtype(self: Tangent[Array]) -> np.dtype[Any]: ...
        @property
        def ndim(self: Tangent[Array]) -> int: ...
        # Linear in the tangent: products with a point and structural operations.
        def __matmul__(self: Tangent[Array], other: Array) -> Tangent[Array]: ...
        def __rmatmul__(self: Tangent[Array], other: Array) -> Tangent[Array]: ...
        @property
        def T(self: Tangent[Array]) -> Tangent[Array]: ...
        @property
        def mT(self: Tangent[Array]) -> Tangent[Array]: ...
        def reshape(self: Tangent[Array], *shape: Any, order: str = "C") -> Tangent[Array]: ...
        def transpose(self: Tangent[Array], *axes: Any) -> Tangent[Array]: ...
        def ravel(self: Tangent[Array]) -> Tangent[Array]: ...
        def flatten(self: Tangent[Array]) -> Tangent[Array]: ...
        def squeeze(self: Tangent[Array], axis: Any = None) -> Tangent[Array]: ...
        def swapaxes(self: Tangent[Array], axis1: int, axis2: int) -> Tangent[Array]: ...
        def conj(self: Tangent[Array]) -> Tangent[Array]: ...
        def sum(
            self: Tangent[Array], axis: Any = None, dtype: Any = None, keepdims: bool = False
        ) -> Tangent[Array]: ...
        def mean(
            self: Tangent[Array], axis: Any = None, dtype: Any = None, keepdims: bool = False
        ) -> Tangent[Array]: ...


class Cotangent(Generic[A_co]):
    """A cotangent (covector) at a point of type ``A`` (static only; never instantiated).

    Cotangents add to cotangents of the same point type and scale by scalars; indexing
    and the linear operations work as for ``Tangent``.
    """

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
        @overload
        def __getitem__(self: Cotangent[Mapping[K, V]], key: K) -> Cotangent[V]: ...
        @overload
        def __getitem__(self: Cotangent[Sequence[V]], key: int) -> Cotangent[V]: ...
        @overload
        def __getitem__(self: Cotangent[Array], key: Any) -> Cotangent[Array]: ...
        def __getitem__(self, key: Any) -> Any: ...
        @property
        def shape(self: Cotangent[Array]) -> tuple[int, ...]: ...
        @property
        def dtype(self: Cotangent[Array]) -> np.dtype[Any]: ...
        @property
        def ndim(self: Cotangent[Array]) -> int: ...
        # Linear in the cotangent: products with a point and structural operations.
        def __matmul__(self: Cotangent[Array], other: Array) -> Cotangent[Array]: ...
        def __rmatmul__(self: Cotangent[Array], other: Array) -> Cotangent[Array]: ...
        @property
        def T(self: Cotangent[Array]) -> Cotangent[Array]: ...
        @property
        def mT(self: Cotangent[Array]) -> Cotangent[Array]: ...
        def reshape(self: Cotangent[Array], *shape: Any, order: str = "C") -> Cotangent[Array]: ...
        def transpose(self: Cotangent[Array], *axes: Any) -> Cotangent[Array]: ...
        def ravel(self: Cotangent[Array]) -> Cotangent[Array]: ...
        def flatten(self: Cotangent[Array]) -> Cotangent[Array]: ...
        def squeeze(self: Cotangent[Array], axis: Any = None) -> Cotangent[Array]: ...
        def swapaxes(self: Cotangent[Array], axis1: int, axis2: int) -> Cotangent[Array]: ...
        def conj(self: Cotangent[Array]) -> Cotangent[Array]: ...
        def sum(
            self: Cotangent[Array], axis: Any = None, dtype: Any = None, keepdims: bool = False
        ) -> Cotangent[Array]: ...
        def mean(
            self: Cotangent[Array], axis: Any = None, dtype: Any = None, keepdims: bool = False
        ) -> Cotangent[Array]: ...


# An array tangent or an array cotangent, never a mix: ``fad.numpy``'s functions that are
# linear in an array argument (``sum``, ``reshape``, ``stack``, ``where(mask, t, 0.0)``, a
# product with a point, ...) take one and return the same role.
LinearArray = TypeVar("LinearArray", Tangent[Array], Cotangent[Array])


def tangent(x: A) -> Tangent[A]:
    """Mark ``x`` (an array or a pytree of arrays) as a tangent.

    The identity at run time: only the static type changes, from the point type ``A``
    to ``Tangent[A]``.

    Args:
        x: The tangent's value.

    Returns:
        ``x`` itself, typed ``Tangent[A]``.

    Examples:
        >>> v = fad.tangent(jnp.ones(2))
        >>> fad.jvp(jnp.sin, (jnp.zeros(2),), (v,))[1]
        Array([1., 1.], dtype=float32)
    """
    return cast("Tangent[A]", x)


def cotangent(x: A) -> Cotangent[A]:
    """Mark ``x`` (an array or a pytree of arrays) as a cotangent.

    The identity at run time: only the static type changes, from ``A`` to ``Cotangent[A]``.

    Args:
        x: The cotangent's value.

    Returns:
        ``x`` itself, typed ``Cotangent[A]``.

    Examples:
        >>> y, pullback = fad.vjp(lambda x: 3.0 * x, jnp.ones(2))
        >>> pullback(fad.cotangent(jnp.ones(2)))
        (Array([3., 3.], dtype=float32),)
    """
    return cast("Cotangent[A]", x)


@overload
def primal_of(t: Tangent[A]) -> A: ...
@overload
def primal_of(t: Cotangent[A]) -> A: ...
def primal_of(t: Tangent[A] | Cotangent[A]) -> A:
    """The value of a tangent or cotangent, typed as its point's type (the explicit escape).

    Use it where a tangent is deliberately treated as data: printing it, comparing it
    with numpy, or an optimizer step ``w - lr * primal_of(g)``. The identity at run time.

    Args:
        t: A tangent or cotangent.

    Returns:
        ``t`` itself, typed as its point's type ``A``.

    Examples:
        >>> y, y_dot = fad.jvp(jnp.sin, (jnp.zeros(2),), fad.tangent((jnp.ones(2),)))
        >>> float(fad.primal_of(y_dot).sum())
        2.0
    """
    return cast(A, t)


class Linear(Protocol[A_contra, B_co]):
    """A linear map of tangents, ``Tangent[A] -> Tangent[B]``, as ``linearize`` returns.

    It takes the whole tangent of its point as one argument: ``linearize(f, x)`` gives a
    ``Linear[X, B]`` and ``linearize(f, x, y)`` a ``Linear[tuple[X, Y], B]`` (called with
    ``pack(tx, ty)``). Any function annotated ``(Tangent[A]) -> Tangent[B]`` satisfies it.
    """

    def __call__(self, t: Tangent[A_contra], /) -> Tangent[B_co]: ...


class LinearTranspose(Protocol[A_contra, B_co]):
    """A linear map of cotangents, ``Cotangent[A] -> Cotangent[B]``: a pullback.

    ``vjp(f, *primals)`` returns a ``LinearTranspose[B, tuple[*Ts]]``: the cotangent of
    ``f``'s output to the cotangent of the tuple of its arguments.
    """

    def __call__(self, ct: Cotangent[A_contra], /) -> Cotangent[B_co]: ...


class Pullback(Generic[A, B]):
    """The pullback ``vjp`` returns: ``Cotangent[A] -> Cotangent[B]``, a ``LinearTranspose``.

    A class rather than a protocol so that its type parameters are invariant: mypy keeps
    ``A`` (the output's type) exact where it would widen a protocol's contravariant
    parameter to ``Any`` on unpacking ``_, pullback = vjp(f, x)``.
    """

    __slots__ = ("_fn",)

    def __init__(self, fn: Callable[[Any], Any], /) -> None:
        self._fn = fn

    def __call__(self, ct: Cotangent[A], /) -> Cotangent[B]:
        out: Cotangent[B] = self._fn(ct)
        return out

    def __repr__(self) -> str:
        return "<fad pullback>"


class ArrayFunction(Protocol[P, B_co]):
    """What ``grad``, ``vmap``, ``jacfwd``, ... return for a function of an ``Array``.

    Their first overload takes a function whose first parameter accepts an ``Array``, so
    that a lambda's parameter is typed ``Array`` (pyright infers it from there). The result
    is this protocol rather than a ``Callable`` because mypy, which types a lambda's
    parameters ``Any`` while it picks an overload, then answers ``Any`` for the call
    instead of an untyped callable (that ``--strict`` rejects when called).
    """

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> B_co: ...


# Per-arity unpacking and packing (the type system cannot map over a tuple type).


@overload
def unpack(t: Tangent[tuple[A]]) -> tuple[Tangent[A]]: ...
@overload
def unpack(t: Tangent[tuple[A, B]]) -> tuple[Tangent[A], Tangent[B]]: ...
@overload
def unpack(t: Tangent[tuple[A, B, C]]) -> tuple[Tangent[A], Tangent[B], Tangent[C]]: ...
@overload
def unpack(
    t: Tangent[tuple[A, B, C, D]],
) -> tuple[Tangent[A], Tangent[B], Tangent[C], Tangent[D]]: ...
@overload
def unpack(
    t: Tangent[tuple[A, B, C, D, E]],
) -> tuple[Tangent[A], Tangent[B], Tangent[C], Tangent[D], Tangent[E]]: ...
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
@overload
def unpack(
    t: Cotangent[tuple[A, B, C, D, E]],
) -> tuple[Cotangent[A], Cotangent[B], Cotangent[C], Cotangent[D], Cotangent[E]]: ...
def unpack(t: object) -> tuple[Any, ...]:
    """Split a tangent (or cotangent) of a tuple into a tuple of tangents (cotangents).

    Typed for tuples of 1 to 5 parts. At run time the value must be a tuple or list.

    Args:
        t: A ``Tangent[tuple[A, B, ...]]`` or ``Cotangent[tuple[A, B, ...]]``.

    Returns:
        ``(Tangent[A], Tangent[B], ...)`` (or cotangents): the parts, as a tuple.

    Raises:
        TypeError: ``t`` is not a tuple or list at run time (for example a single array
            where the tangent of a tuple of arguments was expected).

    Examples:
        >>> y, pullback = fad.vjp(lambda a, b: a * b, jnp.array(2.0), jnp.array(5.0))
        >>> a_bar, b_bar = fad.unpack(pullback(fad.cotangent(jnp.array(1.0))))
        >>> print(a_bar, b_bar)
        5.0 2.0
    """
    if not isinstance(t, (tuple, list)):
        raise TypeError(
            "unpack expects the tangent or cotangent of a tuple (a tuple or list at run time), "
            f"got {type(t).__name__}"
        )
    return tuple(t)


@overload
def pack(a: Tangent[A], /) -> Tangent[tuple[A]]: ...
@overload
def pack(a: Tangent[A], b: Tangent[B], /) -> Tangent[tuple[A, B]]: ...
@overload
def pack(a: Tangent[A], b: Tangent[B], c: Tangent[C], /) -> Tangent[tuple[A, B, C]]: ...
@overload
def pack(
    a: Tangent[A], b: Tangent[B], c: Tangent[C], d: Tangent[D], /
) -> Tangent[tuple[A, B, C, D]]: ...
@overload
def pack(
    a: Tangent[A], b: Tangent[B], c: Tangent[C], d: Tangent[D], e: Tangent[E], /
) -> Tangent[tuple[A, B, C, D, E]]: ...
@overload
def pack(a: Cotangent[A] | None, /) -> Cotangent[tuple[A]]: ...
@overload
def pack(a: Cotangent[A] | None, b: Cotangent[B] | None, /) -> Cotangent[tuple[A, B]]: ...
@overload
def pack(
    a: Cotangent[A] | None, b: Cotangent[B] | None, c: Cotangent[C] | None, /
) -> Cotangent[tuple[A, B, C]]: ...
@overload
def pack(
    a: Cotangent[A] | None,
    b: Cotangent[B] | None,
    c: Cotangent[C] | None,
    d: Cotangent[D] | None,
    /,
) -> Cotangent[tuple[A, B, C, D]]: ...
@overload
def pack(
    a: Cotangent[A] | None,
    b: Cotangent[B] | None,
    c: Cotangent[C] | None,
    d: Cotangent[D] | None,
    e: Cotangent[E] | None,
    /,
) -> Cotangent[tuple[A, B, C, D, E]]: ...
def pack(*parts: Tangent[Any] | Cotangent[Any] | None) -> Tangent[Any] | Cotangent[Any]:
    """Join tangents (or cotangents) into a tangent (cotangent) of the tuple of their points.

    Typed for 1 to 5 parts, all tangents or all cotangents. A cotangent part may be
    ``None``: a zero cotangent, for an argument that gets no gradient (a custom VJP rule's
    bound or flag; it is the cotangent of any type). At run time, ``tuple(parts)``.

    Args:
        *parts: ``Tangent[A], Tangent[B], ...`` (or cotangents).

    Returns:
        A ``Tangent[tuple[A, B, ...]]`` (or ``Cotangent``).

    Examples:
        >>> f = lambda a, b: a * b
        >>> t = fad.pack(fad.tangent(jnp.array(1.0)), fad.tangent(jnp.array(0.0)))
        >>> fad.jvp(f, (jnp.array(2.0), jnp.array(5.0)), t)[1]
        Array(5., dtype=float32)
    """
    return cast("Tangent[Any]", parts)
