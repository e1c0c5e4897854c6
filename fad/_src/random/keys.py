"""PRNG keys: typed keys (``key<fry>``) and raw ``uint32[2]`` data, made from seeds
(``key``, ``PRNGKey``) and derived by hashing (``split``, ``fold_in``).

Statically, keys are their own types: ``PRNGKeyArray`` (typed keys, which have no
arithmetic and are not ``Array`` s) and ``KeyData`` (raw key data: to the type checker a
subclass of ``Array`` whose items and slices are keys again; at run time it *is*
``Array``, so the distinction costs nothing). Every sampler takes a ``KeyArray``, the
union of the two, so an ordinary array passed as a key is a type error.

Seeds follow JAX: a Python int must fit in int64; with x64 off the seed keeps its
low 32 bits (key ``[0, seed mod 2**32]``), with x64 on a 64-bit seed fills both words.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeAlias, cast, final, overload

import numpy as np

from fad._src import core, dtypes, tree_util
from fad._src.config import config
from fad._src.core import Array
from fad._src.numpy import conversion, logic, shapes, ufuncs
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st
from fad._src.random import threefry
from fad._src.random.threefry import Shape

IMPL_NAME: Final = "threefry2x32"


# ---------------------------------------------------------------------------
# Typed keys
# ---------------------------------------------------------------------------


@final
class KeyDType:
    """The dtype of typed keys; prints as ``key<fry>`` like JAX's threefry key dtype."""

    __slots__ = ()
    name: Final = "key<fry>"
    impl: Final = IMPL_NAME
    itemsize: Final = 8

    def __repr__(self) -> str:
        return self.name

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KeyDType) or other == self.name

    def __hash__(self) -> int:
        return hash(self.name)


key_dtype: Final = KeyDType()


@final
class PRNGKeyArray:
    """An array of typed PRNG keys, wrapping ``uint32`` data of shape ``(*shape, 2)``.

    It is a pytree node whose one child is the data, so ``vmap``, ``jit`` and the
    differentiation transforms see a ``uint32`` array. Its own ``shape`` leaves out the
    trailing key axis; give ``vmap`` non-negative ``in_axes`` for it (a negative axis
    counts from the end of the data, i.e. it would include the key words).
    """

    __slots__ = ("_data",)
    _data: Array

    def __init__(self, data: Any) -> None:
        # No checks: pytree unflattening rebuilds keys around arbitrary leaves.
        self._data = data

    @property
    def shape(self) -> Shape:
        return tuple(self._data.shape[:-1])

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def dtype(self) -> KeyDType:
        return key_dtype

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of unsized object (a scalar key array)")
        return self.shape[0]

    def __iter__(self) -> Iterator[PRNGKeyArray]:
        if not self.shape:
            raise TypeError("iteration over a scalar key array")
        return (self[i] for i in range(self.shape[0]))

    def __getitem__(self, idx: Any) -> PRNGKeyArray:
        parts = idx if isinstance(idx, tuple) else (idx,)
        # A trailing full slice keeps the key words whatever the index (Ellipsis included).
        return PRNGKeyArray(self._data[(*parts, slice(None))])

    def reshape(self, *shape: Any) -> PRNGKeyArray:
        dims = tuple(shape[0]) if len(shape) == 1 and not isinstance(shape[0], int) else shape
        return PRNGKeyArray(shapes.reshape(self._data, (*dims, 2)))

    def ravel(self) -> PRNGKeyArray:
        return self.reshape(-1)

    flatten = ravel

    def transpose(self, *axes: Any) -> PRNGKeyArray:
        """The key array with its axes permuted (reversed by default); the key words stay
        last."""
        perm = tuple(axes[0]) if len(axes) == 1 and not isinstance(axes[0], int) else axes
        n = len(self.shape)
        order = [a % n for a in perm] if perm else list(range(n))[::-1]
        return PRNGKeyArray(shapes.transpose(self._data, (*order, n)))

    @property
    def T(self) -> PRNGKeyArray:
        return self.transpose()

    def swapaxes(self, axis1: int, axis2: int) -> PRNGKeyArray:
        order = list(range(len(self.shape)))
        a, b = axis1 % len(order), axis2 % len(order)
        order[a], order[b] = order[b], order[a]
        return self.transpose(order)

    def copy(self) -> PRNGKeyArray:
        """The same keys (arrays are immutable: nothing is shared that could change)."""
        return PRNGKeyArray(self._data)

    # Keys compare elementwise (an array, not object.__eq__'s bool) and, like arrays, are
    # unhashable: both break object's signatures on purpose, hence the ignores.
    def __eq__(self, other: object) -> Array:  # type: ignore[override]
        if not isinstance(other, PRNGKeyArray):
            return NotImplemented
        return logic.all(ufuncs.equal(self._data, other._data), axis=-1)

    def __ne__(self, other: object) -> Array:  # type: ignore[override]
        if not isinstance(other, PRNGKeyArray):
            return NotImplemented
        return logic.logical_not(self == other)

    __hash__ = None  # type: ignore[assignment]

    def block_until_ready(self) -> PRNGKeyArray:
        return self

    def __repr__(self) -> str:
        if isinstance(self._data, core.Tracer):
            return f"PRNGKeyArray<{key_dtype}{list(self.shape)}>"
        body = np.array2string(np.asarray(self._data))
        return f"Array({self.shape}, dtype={key_dtype}) overlaying:\n{body}"


tree_util.register_node(
    PRNGKeyArray, lambda k: ((k._data,), None), lambda _aux, children: PRNGKeyArray(children[0])
)

if TYPE_CHECKING:

    class KeyData(Array):
        """Raw PRNG key data: ``uint32`` of shape ``(..., 2)`` (JAX's legacy keys).

        Static only: at run time raw key data is an ``Array`` and ``KeyData`` is
        ``Array`` itself. To the type checker, items, slices and iteration of key data
        are key data again, so ``key, sub = split(PRNGKey(0))`` keeps both keys typed.
        """

        def __getitem__(self, idx: Any) -> KeyData: ...
        def __iter__(self) -> Iterator[KeyData]: ...

else:
    KeyData = Array

KeyArray: TypeAlias = "PRNGKeyArray | KeyData"
"""The static type of every sampler's ``key`` parameter: typed keys or raw key data."""


def unwrap_key(name: str, key: object, allow_batched: bool = False) -> tuple[Array, bool]:
    """The uint32 data of a typed or raw key, and whether it was typed."""
    if isinstance(key, PRNGKeyArray):
        data, typed = key._data, True
    elif isinstance(key, (Array, np.ndarray)):
        data, typed = core.asarray(key), False
        if data.dtype != threefry.U32 or data.ndim < 1 or data.shape[-1] != 2:
            raise TypeError(
                f"{name}: a raw PRNG key must be a uint32 array of shape (..., 2), got "
                f"{data.aval.str_short()}; create keys with fad.random.key or PRNGKey"
            )
    else:
        raise TypeError(
            f"{name}: expected a PRNG key (from fad.random.key, PRNGKey, split or fold_in), "
            f"got {type(key).__name__}: {key!r}"
        )
    if not allow_batched and data.ndim != 1:
        raise ValueError(
            f"{name} accepts a single key, but was given a key array of shape "
            f"{tuple(data.shape[:-1])} != (). Use fad.vmap for batching."
        )
    return data, typed


def cast_key_data(data: Array) -> KeyData:
    """``data`` as key data (for the type checker; nothing happens at run time)."""
    return cast(KeyData, data)


def _wrap(data: Array, typed: bool) -> KeyArray:
    return PRNGKeyArray(data) if typed else cast_key_data(data)


# ---------------------------------------------------------------------------
# Keys from seeds; key data
# ---------------------------------------------------------------------------


def _seed_data(name: str, seed: Any) -> Array:
    if isinstance(seed, PRNGKeyArray):
        raise TypeError(f"{name} accepts a scalar seed, but was given a PRNG key")
    if isinstance(seed, (bool, int)):
        s = int(seed)
        if not -(2**63) <= s < 2**63:
            raise OverflowError(f"{name}: seed {s} does not fit in int64")
        high_word = (s >> 32) & 0xFFFFFFFF if config.x64_enabled else 0
        return Array(np.array([high_word, s & 0xFFFFFFFF], dtype=threefry.U32))
    if not core.is_arraylike(seed):
        raise TypeError(f"{name}: seed must be an integer, got {type(seed).__name__}: {seed!r}")
    a = core.asarray(seed)
    if a.ndim:
        raise TypeError(
            f"{name} accepts a scalar seed, but was given an array of shape {a.shape} != (). "
            "Use fad.vmap for batching."
        )
    if not dtypes.is_integer(a.dtype) and not dtypes.is_bool(a.dtype):
        raise TypeError(f"{name}: seed must be an integer, got dtype {a.dtype.name}")
    lo = ew.convert_element_type(a, threefry.U32)
    if a.dtype.itemsize == 8:
        shifted = ew.shift_right_logical(a, ew.full((), 32, a.dtype))
        hi = ew.convert_element_type(shifted, threefry.U32)
    else:
        hi = threefry.u32((), 0)
    return st.concatenate([st.reshape(hi, (1,)), st.reshape(lo, (1,))], 0)


def key(seed: Any) -> PRNGKeyArray:
    """A typed PRNG key (dtype ``key<fry>``, shape ``()``) from an integer seed.

    Args:
        seed: A Python integer or an integer scalar array (64-bit seeds use both key words).

    Returns:
        A ``PRNGKeyArray`` holding the ``uint32[2]`` threefry key.

    Raises:
        TypeError: ``seed`` is not an integer (or is already a key).
        OverflowError: ``seed`` does not fit in 64 bits.

    Examples:
        >>> k = fad.random.key(0)
        >>> k.shape, fad.random.key_data(k)
        ((), Array([0, 0], dtype=uint32))
    """
    return PRNGKeyArray(_seed_data("key", seed))


def PRNGKey(seed: Any) -> KeyData:
    """A raw PRNG key: a ``uint32[2]`` array (JAX's legacy key form) from an integer seed.

    Args:
        seed: A Python integer or an integer scalar array.

    Returns:
        The key data, a ``uint32`` array of shape ``(2,)``.

    Raises:
        TypeError: ``seed`` is not an integer (or is already a key).
        OverflowError: ``seed`` does not fit in 64 bits.

    Examples:
        >>> fad.random.PRNGKey(42)
        Array([ 0, 42], dtype=uint32)
    """
    return cast_key_data(_seed_data("PRNGKey", seed))


def key_data(keys: KeyArray) -> KeyData:
    """The ``uint32[..., 2]`` data underlying typed (or raw) keys.

    Args:
        keys: A typed key array or raw key data.

    Returns:
        A ``uint32`` array of shape ``keys.shape + (2,)``.

    Raises:
        TypeError: ``keys`` is not a key.

    Examples:
        >>> fad.random.key_data(fad.random.key(7))
        Array([0, 7], dtype=uint32)
    """
    data, _ = unwrap_key("key_data", keys, allow_batched=True)
    return cast_key_data(data)


def wrap_key_data(key_bits_array: Any, *, impl: str | None = None) -> PRNGKeyArray:
    """Typed keys around ``uint32[..., 2]`` key data (the inverse of ``key_data``).

    Args:
        key_bits_array: ``uint32`` data with a trailing axis of size 2.
        impl: The PRNG implementation; only ``"threefry2x32"`` (the default) exists.

    Returns:
        A typed key array of shape ``key_bits_array.shape[:-1]``.

    Raises:
        TypeError: The data is already typed keys, or is not ``uint32[..., 2]``.
        ValueError: ``impl`` names another implementation.

    Examples:
        >>> k = fad.random.wrap_key_data(fad.random.PRNGKey(3))
        >>> bool(jnp.array_equal(fad.random.normal(k), fad.random.normal(fad.random.key(3))))
        True
    """
    if impl not in (None, IMPL_NAME):
        raise ValueError(f"wrap_key_data: only impl={IMPL_NAME!r} is supported, got {impl!r}")
    if isinstance(key_bits_array, PRNGKeyArray):
        raise TypeError("wrap_key_data expects uint32 key data, got typed keys")
    data, _ = unwrap_key("wrap_key_data", conversion.asarray(key_bits_array), allow_batched=True)
    return PRNGKeyArray(data)


def key_impl(keys: KeyArray) -> str:
    """The name of the PRNG implementation of ``keys`` (always ``'threefry2x32'``).

    Args:
        keys: A typed key array or raw key data.

    Returns:
        ``"threefry2x32"``.

    Raises:
        TypeError: ``keys`` is not a key.

    Examples:
        >>> fad.random.key_impl(fad.random.key(0))
        'threefry2x32'
    """
    unwrap_key("key_impl", keys, allow_batched=True)
    return IMPL_NAME


@overload
def clone(key: PRNGKeyArray) -> PRNGKeyArray: ...
@overload
def clone(key: KeyData) -> KeyData: ...
def clone(key: KeyArray) -> KeyArray:
    """``key`` itself: keys are immutable values, so a clone is the same key.

    Args:
        key: A typed key array or raw key data.

    Returns:
        ``key``.

    Examples:
        >>> k = fad.random.key(0)
        >>> fad.random.clone(k) is k
        True
    """
    unwrap_key("clone", key, allow_batched=True)
    return key


def _split_shape(num: int | Sequence[int]) -> Shape:
    if isinstance(num, (int, np.integer)) and not isinstance(num, bool):
        shape: Shape = (int(num),)
    elif isinstance(num, Sequence) and all(
        isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in num
    ):
        shape = tuple(int(n) for n in num)
    else:
        raise TypeError(f"split: num must be an int or a tuple of ints, got {num!r}")
    if any(n < 0 for n in shape):
        raise ValueError(f"split: num must be non-negative, got {num!r}")
    return shape


@overload
def split(key: PRNGKeyArray, num: int | Sequence[int] = 2) -> PRNGKeyArray: ...
@overload
def split(key: KeyData, num: int | Sequence[int] = 2) -> KeyData: ...
def split(key: KeyArray, num: int | Sequence[int] = 2) -> KeyArray:
    """``num`` new keys (a leading axis, or the shape ``num``) derived from ``key``.

    The new keys are statistically independent of each other and of ``key``; consume the
    new keys and do not reuse ``key`` itself.

    Args:
        key: A single key (typed or raw).
        num: The number of keys, or a shape (tuple of ints) for the new key array.

    Returns:
        Keys of shape ``(num,)`` (or ``num``), typed if ``key`` was typed, else raw data
        with a trailing axis of size 2.

    Raises:
        TypeError: ``key`` is not a key, or ``num`` is not an int or a tuple of ints.
        ValueError: ``num`` is negative, or ``key`` is a batch of keys (use ``vmap``).

    Examples:
        >>> key, subkey = fad.random.split(fad.random.key(0))
        >>> fad.random.split(fad.random.key(0), (2, 3)).shape
        (2, 3)
    """
    data, typed = unwrap_key("split", key)
    return _wrap(threefry.split(data, _split_shape(num)), typed)


@overload
def fold_in(key: PRNGKeyArray, data: Any) -> PRNGKeyArray: ...
@overload
def fold_in(key: KeyData, data: Any) -> KeyData: ...
def fold_in(key: KeyArray, data: Any) -> KeyArray:
    """A new key that is a deterministic function of ``key`` and a 32-bit integer ``data``.

    Use it to derive per-step or per-worker keys from one key.

    Args:
        key: A single key (typed or raw).
        data: A Python integer or an integer scalar array, taken modulo ``2**32``.

    Returns:
        A key of the same kind as ``key``.

    Raises:
        TypeError: ``key`` is not a key, or ``data`` is not an integer.
        OverflowError: A Python integer ``data`` is out of the ``uint32`` range.
        ValueError: ``key`` is a batch of keys (use ``vmap``).

    Examples:
        >>> k = fad.random.key(0)
        >>> a, b = fad.random.fold_in(k, 1), fad.random.fold_in(k, 2)
        >>> bool(jnp.array_equal(fad.random.key_data(a), fad.random.key_data(b)))
        False
    """
    kd, typed = unwrap_key("fold_in", key)
    if isinstance(data, bool) or not (isinstance(data, int) or core.is_arraylike(data)):
        raise TypeError(f"fold_in: data must be an integer, got {type(data).__name__}: {data!r}")
    if isinstance(data, int):
        if not 0 <= data < 2**32:
            raise OverflowError(f"fold_in: Python integer {data} out of bounds for uint32")
        d = Array(np.asarray(data, threefry.U32))
    else:
        a = core.asarray(data)
        if a.ndim:
            raise TypeError(
                f"fold_in accepts a scalar, but was given an array of shape {a.shape} != (). "
                "Use fad.vmap for batching."
            )
        if not dtypes.is_integer(a.dtype):
            raise TypeError(f"fold_in: data must be an integer, got dtype {a.dtype.name}")
        d = ew.convert_element_type(a, threefry.U32)
    return _wrap(threefry.fold_in(kd, d), typed)
