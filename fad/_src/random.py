"""Counter-based, splittable pseudo-random numbers, bit-compatible with JAX's threefry2x32.

A key is a value: two ``uint32`` words. Sampling hashes a counter (``0, 1, 2, ...``)
with the Threefry-2x32 block cipher (20 rounds) under the key, so a key and a shape
determine the bits, with no hidden state. ``split`` and ``fold_in`` derive new keys
by hashing too. Everything is built from fad primitives, so ``vmap`` (batched keys),
differentiation (keys carry no tangent; samplers are differentiable in their float
parameters) and ``jit`` apply unchanged.

Two schemes lay counters out, as in JAX: the classic one (JAX's default before 0.5,
``jax_threefry_partitionable=False``, fad's default) hashes a flat range and splits
it in halves; the partitionable one (``fad.config.update("threefry_partitionable",
True)``) hashes the (high, low) words of each element's 64-bit index. Both give the
same bits as JAX for the same key, call and config.

Floats match JAX exactly because the conversions from bits are exact, and the few
roundings on the way (``minval + u * (maxval - minval)`` and ``erf_inv``/``erf``) are
computed the way XLA's CPU backend computes them: a fused multiply-add and
float32 ``erf``/``erf_inv`` kernels that replay XLA's (see ``prims/xla_kernels.py``).
``gumbel`` uses ``log``, whose eager float32 result may differ from XLA's by a few
ulps; ``categorical`` (an argmax over it) agrees in practice. Under ``jit``, bounds
that are compile-time constants let XLA fold ``erf`` with its own arithmetic, so
``truncated_normal`` matches bit for bit when its bounds are arguments.

Seeds follow JAX: a Python int must fit in int64; with x64 off the seed keeps its
low 32 bits (key ``[0, seed mod 2**32]``), with x64 on a 64-bit seed fills both words.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any, Final, final

import numpy as np

from fad._src import core, dtypes, tree_util
from fad._src.config import config
from fad._src.core import Array, DType
from fad._src.numpy import lax_numpy as jnp
from fad._src.prims import bits as bitops
from fad._src.prims import elementwise as ew
from fad._src.prims import sorting
from fad._src.prims import structural as st

Shape = tuple[int, ...]

_U32: Final = np.dtype(np.uint32)
_UINT: Final[dict[int, DType]] = {
    8: np.dtype(np.uint8), 16: np.dtype(np.uint16), 32: _U32, 64: np.dtype(np.uint64),
}  # fmt: skip
_ROTATIONS: Final = ((13, 15, 26, 6), (17, 29, 16, 24))
_KS_PARITY: Final = 0x1BD11BDA
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
        return PRNGKeyArray(jnp.reshape(self._data, (*dims, 2)))

    def ravel(self) -> PRNGKeyArray:
        return self.reshape(-1)

    # Keys compare elementwise (an array, not object.__eq__'s bool) and, like arrays, are
    # unhashable: both break object's signatures on purpose, hence the ignores.
    def __eq__(self, other: object) -> Array:  # type: ignore[override]
        if not isinstance(other, PRNGKeyArray):
            return NotImplemented
        return jnp.all(jnp.equal(self._data, other._data), axis=-1)

    def __ne__(self, other: object) -> Array:  # type: ignore[override]
        if not isinstance(other, PRNGKeyArray):
            return NotImplemented
        return jnp.logical_not(self == other)

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


def _key_data(name: str, key: Any, allow_batched: bool = False) -> tuple[Array, bool]:
    """The uint32 data of a typed or raw key, and whether it was typed."""
    if isinstance(key, PRNGKeyArray):
        data, typed = key._data, True
    elif isinstance(key, (Array, np.ndarray)):
        data, typed = core.asarray(key), False
        if data.dtype != _U32 or data.ndim < 1 or data.shape[-1] != 2:
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


def _wrap(data: Array, typed: bool) -> Any:
    return PRNGKeyArray(data) if typed else data


# ---------------------------------------------------------------------------
# The Threefry-2x32 hash
# ---------------------------------------------------------------------------


def _u32(shape: Shape, value: int) -> Array:
    return ew.full(shape, np.uint32(value), _U32)


def _rotl(x: Array, r: int) -> Array:
    left = ew.shift_left(x, _u32(x.shape, r))
    return ew.bitwise_or(left, ew.shift_right_logical(x, _u32(x.shape, 32 - r)))


def _threefry2x32(k1: Array, k2: Array, x1: Array, x2: Array) -> tuple[Array, Array]:
    """Threefry-2x32 (20 rounds) of the counter words ``x1, x2`` under the key ``k1, k2``."""
    shape = x1.shape
    ks = [st.broadcast_to(k1, shape), st.broadcast_to(k2, shape)]
    ks.append(ew.bitwise_xor(ew.bitwise_xor(ks[0], ks[1]), _u32(shape, _KS_PARITY)))
    a, b = ew.add(x1, ks[0]), ew.add(x2, ks[1])
    for group in range(5):
        for r in _ROTATIONS[group % 2]:
            a = ew.add(a, b)
            b = ew.bitwise_xor(a, _rotl(b, r))
        a = ew.add(a, ks[(group + 1) % 3])
        b = ew.add(ew.add(b, ks[(group + 2) % 3]), _u32(shape, group + 1))
    return a, b


def _key_words(data: Array) -> tuple[Array, Array]:
    return st.reshape(st.slice_(data, (0,), (1,)), ()), st.reshape(st.slice_(data, (1,), (2,)), ())


def _hash_flat(data: Array, count: Array) -> Array:
    """JAX's ``threefry_2x32``: hash a flat counter array as its two halves."""
    k1, k2 = _key_words(data)
    n = count.shape[0]
    if n % 2:
        count = st.concatenate([count, _u32((1,), 0)], 0)
    half = count.shape[0] // 2
    x1, x2 = st.slice_(count, (0,), (half,)), st.slice_(count, (half,), (2 * half,))
    y1, y2 = _threefry2x32(k1, k2, x1, x2)
    out = st.concatenate([y1, y2], 0)
    return st.slice_(out, (0,), (n,)) if n % 2 else out


def _iota_2x32(shape: Shape) -> tuple[Array, Array]:
    """The high and low words of each element's row-major index (the partitionable counter)."""
    size = math.prod(shape)
    if size > 2**32:
        raise NotImplementedError(f"random arrays of more than 2**32 elements (shape {shape})")
    lo = st.reshape(st.iota(_U32, (size,), 0), shape) if shape else _u32((), 0)
    return _u32(shape, 0), lo


def _hash_counters(data: Array, shape: Shape) -> tuple[Array, Array]:
    k1, k2 = _key_words(data)
    hi, lo = _iota_2x32(shape)
    return _threefry2x32(k1, k2, hi, lo)


def _split(data: Array, shape: Shape) -> Array:
    if config.threefry_partitionable:
        b1, b2 = _hash_counters(data, shape)
        return jnp.stack([b1, b2], axis=len(shape))
    num = math.prod(shape)
    return st.reshape(_hash_flat(data, st.iota(_U32, (2 * num,), 0)), (*shape, 2))


def _fold_in(data: Array, d: Array) -> Array:
    return _hash_flat(data, st.concatenate([_u32((1,), 0), st.reshape(d, (1,))], 0))


def _random_bits(data: Array, bit_width: int, shape: Shape) -> Array:
    """Uniform random unsigned integers of ``bit_width`` bits (JAX's ``random_bits``)."""
    dtype = _UINT[bit_width]
    if config.threefry_partitionable:
        b1, b2 = _hash_counters(data, shape)
        if bit_width == 64:
            hi, lo = ew.convert_element_type(b1, dtype), ew.convert_element_type(b2, dtype)
            return ew.bitwise_or(ew.shift_left(hi, ew.full(shape, 32, dtype)), lo)
        return ew.convert_element_type(ew.bitwise_xor(b1, b2), dtype)
    size = math.prod(shape)
    max_count = -(-bit_width * size // 32)
    if max_count >= 2**32 - 1:
        raise NotImplementedError(f"random arrays needing 2**32 or more words (shape {shape})")
    words = _hash_flat(data, st.iota(_U32, (max_count,), 0))
    if bit_width == 64:
        half = max_count // 2
        hi = ew.convert_element_type(st.slice_(words, (0,), (half,)), dtype)
        lo = ew.convert_element_type(st.slice_(words, (half,), (max_count,)), dtype)
        out = ew.bitwise_or(ew.shift_left(hi, ew.full((half,), 32, dtype)), lo)
    elif bit_width == 32:
        out = words
    else:
        # Each word splits into 32 // bit_width values, least significant first.
        per = 32 // bit_width
        grid = (max_count, per)
        shifts = ew.mul(st.iota(_U32, grid, 1), _u32(grid, bit_width))
        parts = ew.shift_right_logical(st.broadcast_in_dim(words, grid, (0,)), shifts)
        parts = ew.bitwise_and(parts, _u32(grid, (1 << bit_width) - 1))
        flat = ew.convert_element_type(st.reshape(parts, (max_count * per,)), dtype)
        out = st.slice_(flat, (0,), (size,))
    return st.reshape(out, shape)


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
        return Array(np.array([high_word, s & 0xFFFFFFFF], dtype=_U32))
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
    lo = ew.convert_element_type(a, _U32)
    if a.dtype.itemsize == 8:
        shifted = ew.shift_right_logical(a, ew.full((), 32, a.dtype))
        hi = ew.convert_element_type(shifted, _U32)
    else:
        hi = _u32((), 0)
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


def PRNGKey(seed: Any) -> Array:
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
    return _seed_data("PRNGKey", seed)


def key_data(keys: Any) -> Array:
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
    data, _ = _key_data("key_data", keys, allow_batched=True)
    return data


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
    data, _ = _key_data("wrap_key_data", jnp.asarray(key_bits_array), allow_batched=True)
    return PRNGKeyArray(data)


def key_impl(keys: Any) -> str:
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
    _key_data("key_impl", keys, allow_batched=True)
    return IMPL_NAME


def clone(key: Any) -> Any:
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
    _key_data("clone", key, allow_batched=True)
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


def split(key: Any, num: int | Sequence[int] = 2) -> Any:
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
    data, typed = _key_data("split", key)
    return _wrap(_split(data, _split_shape(num)), typed)


def fold_in(key: Any, data: Any) -> Any:
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
    kd, typed = _key_data("fold_in", key)
    if isinstance(data, bool) or not (isinstance(data, int) or core.is_arraylike(data)):
        raise TypeError(f"fold_in: data must be an integer, got {type(data).__name__}: {data!r}")
    if isinstance(data, int):
        if not 0 <= data < 2**32:
            raise OverflowError(f"fold_in: Python integer {data} out of bounds for uint32")
        d = Array(np.asarray(data, _U32))
    else:
        a = core.asarray(data)
        if a.ndim:
            raise TypeError(
                f"fold_in accepts a scalar, but was given an array of shape {a.shape} != (). "
                "Use fad.vmap for batching."
            )
        if not dtypes.is_integer(a.dtype):
            raise TypeError(f"fold_in: data must be an integer, got dtype {a.dtype.name}")
        d = ew.convert_element_type(a, _U32)
    return _wrap(_fold_in(kd, d), typed)


# ---------------------------------------------------------------------------
# Argument checks shared by the samplers
# ---------------------------------------------------------------------------


def _shape_arg(name: str, shape: Any) -> Shape:
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        raise TypeError(f"{name}: shape must be a sequence of ints, e.g. ({shape},), got {shape!r}")
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(f"{name}: shape must be a sequence of ints, got {shape!r}") from None
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 0:
            raise TypeError(f"{name}: shape must contain non-negative ints, got {shape!r}")
    return tuple(int(d) for d in dims)


def _check_shape(name: str, shape: Shape, *param_shapes: Shape) -> None:
    if not param_shapes:
        return
    try:
        joint = jnp.broadcast_shapes(shape, *param_shapes)
    except ValueError:
        joint = None
    if joint != shape:
        raise ValueError(
            f"{name}: parameter shapes {list(param_shapes)} must broadcast to the shape argument "
            f"{shape} without enlarging it"
        )


def _float_dtype(name: str, dtype: Any) -> DType:
    dt = dtypes.default_float_dtype() if dtype is None else dtypes.check_user_dtype(dtype, name)
    if not dtypes.is_float(dt):
        raise ValueError(f"{name}: dtype must be a float dtype, got {dt.name}")
    return dt


def _param(name: str, what: str, x: Any, dtype: DType, shape: Shape) -> Array:
    """A float parameter, converted to ``dtype`` and broadcast to ``shape``."""
    if not (core.is_arraylike(x) or isinstance(x, (list, tuple))):
        raise TypeError(f"{name}: {what} must be an array or a number, got {type(x).__name__}")
    return jnp.broadcast_to(jnp.astype(jnp.asarray(x), dtype), shape)


# ---------------------------------------------------------------------------
# Samplers
# ---------------------------------------------------------------------------


def bits(key: Any, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Uniform random bits as unsigned integers (uint32, or uint64 under x64, by default).

    Args:
        key: A single key (typed or raw).
        shape: The output shape.
        dtype: An unsigned integer dtype.

    Returns:
        An array of ``shape`` and ``dtype`` with independent uniformly random bits.

    Raises:
        TypeError: ``key`` is not a key, or ``shape`` is not a sequence of ints.
        ValueError: ``dtype`` is not an unsigned integer dtype.

    Examples:
        >>> fad.random.bits(fad.random.key(0), (3,)).dtype
        dtype('uint32')
    """
    data, _ = _key_data("bits", key)
    if dtype is None:
        dt = _UINT[64] if config.x64_enabled else _U32
    else:
        dt = dtypes.check_user_dtype(dtype, "bits")
    if not dtypes.is_unsigned(dt):
        raise ValueError(f"bits: dtype must be an unsigned integer dtype, got {dt.name}")
    return _random_bits(data, dt.itemsize * 8, _shape_arg("bits", shape))


def _uniform(data: Array, shape: Shape, dtype: DType, minval: Array, maxval: Array) -> Array:
    info = dtypes.finfo(dtype)
    nbits, nmant = int(info.bits), int(info.nmant)
    rng_bits = 8 if nmant < 8 else nbits
    uint = _UINT[nbits]
    raw = _random_bits(data, rng_bits, shape)
    if rng_bits != nbits:
        raw = ew.convert_element_type(raw, uint)
    # Random mantissa under the exponent of 1.0: a float in [1, 2), exactly.
    one_bits = int(np.array(1.0, dtype).view(uint))
    mant = ew.shift_right_logical(raw, ew.full(shape, rng_bits - nmant, uint))
    floats = bitops.bitcast_convert_type(ew.bitwise_or(mant, ew.full(shape, one_bits, uint)), dtype)
    floats = ew.sub(floats, ew.full(shape, 1, dtype))
    # XLA fuses this multiply-add, so it is rounded once.
    scaled = bitops.fma(floats, ew.sub(maxval, minval), minval)
    return ew.max(minval, scaled)


def uniform(
    key: Any, shape: Sequence[int] = (), dtype: Any = None, minval: Any = 0.0, maxval: Any = 1.0
) -> Array:
    """Uniform floats in ``[minval, maxval)``; differentiable in ``minval`` and ``maxval``.

    Args:
        key: A single key (typed or raw).
        shape: The output shape; ``minval`` and ``maxval`` broadcast to it.
        dtype: A floating-point dtype (default float32, float64 under x64).
        minval: The inclusive lower bound (a number or an array).
        maxval: The exclusive upper bound (a number or an array).

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``key`` is not a key, or a bound is not a number or an array.
        ValueError: ``dtype`` is not a float dtype, or the bounds do not broadcast to
            ``shape``.

    Examples:
        >>> u = fad.random.uniform(fad.random.key(0), (1000,), minval=2.0, maxval=3.0)
        >>> bool(jnp.all((u >= 2.0) & (u < 3.0)))
        True
    """
    data, _ = _key_data("uniform", key)
    dt = _float_dtype("uniform", dtype)
    shp = _shape_arg("uniform", shape)
    _check_shape("uniform", shp, np.shape(minval), np.shape(maxval))
    lo = _param("uniform", "minval", minval, dt, shp)
    hi = _param("uniform", "maxval", maxval, dt, shp)
    return _uniform(data, shp, dt, lo, hi)


def _inv_sqrt2(dtype: DType) -> Any:
    """``1 / sqrt(2)`` as XLA folds it: the reciprocal of the rounded ``sqrt(2)``, rounded."""
    return np.array(1, dtype) / np.array(np.sqrt(2), dtype)


def _normal_real(data: Array, shape: Shape, dtype: DType) -> Array:
    lo = np.nextafter(np.array(-1.0, dtype), np.array(0.0, dtype))
    u = _uniform(data, shape, dtype, ew.full(shape, lo, dtype), ew.full(shape, 1.0, dtype))
    return ew.mul(ew.full(shape, np.sqrt(2), dtype), ew.erf_inv(u))


def normal(key: Any, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Standard normal samples (real or complex dtype), by inverting the CDF of a uniform.

    Args:
        key: A single key (typed or raw).
        shape: The output shape.
        dtype: A float or complex dtype (complex samples have independent real and
            imaginary parts, each of variance 1/2).

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``key`` is not a key, or ``shape`` is not a sequence of ints.
        ValueError: ``dtype`` is not a float or complex dtype.

    Examples:
        >>> x = fad.random.normal(fad.random.key(0), (10000,))
        >>> bool(abs(jnp.mean(x)) < 0.05 and abs(jnp.std(x) - 1.0) < 0.05)
        True
    """
    data, _ = _key_data("normal", key)
    dt = dtypes.default_float_dtype() if dtype is None else dtypes.check_user_dtype(dtype, "normal")
    shp = _shape_arg("normal", shape)
    if dtypes.is_complex(dt):
        real = dtypes.real_dtype(dt)
        halves = _split(data, (2,))
        re = _normal_real(st.reshape(st.slice_(halves, (0, 0), (1, 2)), (2,)), shp, real)
        im = _normal_real(st.reshape(st.slice_(halves, (1, 0), (2, 2)), (2,)), shp, real)
        # XLA turns division by a constant into multiplication by its reciprocal; a
        # complex product keeps the compiler from merging it with the sqrt(2) inside.
        inv = ew.full(shp, _inv_sqrt2(real).astype(dt), dt)
        return ew.mul(ew.complex_(re, im), inv)
    if not dtypes.is_float(dt):
        raise ValueError(f"normal: dtype must be a float or complex dtype, got {dt.name}")
    return _normal_real(data, shp, dt)


def truncated_normal(
    key: Any, lower: Any, upper: Any, shape: Sequence[int] | None = None, dtype: Any = None
) -> Array:
    """Standard normal samples conditioned on the open interval ``(lower, upper)``.

    Args:
        key: A single key (typed or raw).
        lower: The lower bound (a number or an array broadcasting to ``shape``).
        upper: The upper bound.
        shape: The output shape (default: the broadcast shape of the bounds).
        dtype: A floating-point dtype.

    Returns:
        An array of ``shape`` and ``dtype`` with values strictly between the bounds.

    Raises:
        TypeError: ``key`` is not a key, or a bound is not a number or an array.
        ValueError: ``dtype`` is not a float dtype, or the bounds do not broadcast to
            ``shape``.

    Examples:
        >>> t = fad.random.truncated_normal(fad.random.key(0), -1.0, 1.0, (1000,))
        >>> bool(jnp.all((t > -1.0) & (t < 1.0)))
        True
    """
    data, _ = _key_data("truncated_normal", key)
    dt = _float_dtype("truncated_normal", dtype)
    lo_shape, hi_shape = np.shape(lower), np.shape(upper)
    if shape is None:
        shp = jnp.broadcast_shapes(lo_shape, hi_shape)
    else:
        shp = _shape_arg("truncated_normal", shape)
        _check_shape("truncated_normal", shp, lo_shape, hi_shape)
    lower_a = _param("truncated_normal", "lower", lower, dt, shp)
    upper_a = _param("truncated_normal", "upper", upper, dt, shp)
    # lower / sqrt(2), spelled as XLA compiles it: times the rounded reciprocal.
    inv = ew.full(shp, _inv_sqrt2(dt), dt)
    a = ew.erf(ew.mul(lower_a, inv))
    b = ew.erf(ew.mul(upper_a, inv))
    sqrt2 = ew.full(shp, np.sqrt(2), dt)
    out = ew.mul(sqrt2, ew.erf_inv(_uniform(data, shp, dt, a, b)))
    # Rounding can land on a bound; keep the samples strictly inside.
    floor = ew.nextafter(ew.stop_gradient(lower_a), ew.full(shp, np.inf, dt))
    ceil = ew.nextafter(ew.stop_gradient(upper_a), ew.full(shp, -np.inf, dt))
    return ew.min(ew.max(out, floor), ceil)


def bernoulli(key: Any, p: Any = 0.5, shape: Sequence[int] | None = None) -> Array:
    """Booleans that are True with probability ``p`` (a float or float array).

    Args:
        key: A single key (typed or raw).
        p: The probability of True, broadcasting to ``shape``.
        shape: The output shape (default: ``p``'s shape).

    Returns:
        A boolean array of ``shape``.

    Raises:
        TypeError: ``key`` is not a key, or ``p`` does not have a float dtype.
        ValueError: ``p`` does not broadcast to ``shape``.

    Examples:
        >>> b = fad.random.bernoulli(fad.random.key(0), 0.25, (10000,))
        >>> bool(abs(jnp.mean(b) - 0.25) < 0.02)
        True
    """
    data, _ = _key_data("bernoulli", key)
    pa = jnp.asarray(p)
    if not dtypes.is_float(pa.dtype):
        raise TypeError(f"bernoulli: probability p must have a float dtype, got {pa.dtype.name}")
    if shape is None:
        shp = pa.shape
    else:
        shp = _shape_arg("bernoulli", shape)
        _check_shape("bernoulli", shp, pa.shape)
    u = _uniform(data, shp, pa.dtype, ew.full(shp, 0, pa.dtype), ew.full(shp, 1, pa.dtype))
    return ew.lt(u, jnp.broadcast_to(pa, shp))


def _convert_and_clip(val: Array, dtype: DType) -> Array:
    """``val`` converted to ``dtype``, clipping to its range instead of wrapping."""
    lo = max(int(dtypes.iinfo(dtype).min), int(dtypes.iinfo(val.dtype).min))
    hi = min(int(dtypes.iinfo(dtype).max), int(dtypes.iinfo(val.dtype).max))
    clipped = ew.clamp(ew.full(val.shape, lo, val.dtype), val, ew.full(val.shape, hi, val.dtype))
    return ew.convert_element_type(clipped, dtype)


def _int_param(x: Any) -> Array:
    a = jnp.asarray(x)
    return a if dtypes.is_integer(a.dtype) else jnp.astype(a, dtypes.default_int_dtype())


def _urem(x: Array, span: Array) -> Array:
    """``x % span`` for unsigned ints, with ``x % 0 == x`` (XLA's rule, which randint uses)."""
    zero = ew.eq(span, ew.full(span.shape, 0, span.dtype))
    safe = ew.select(zero, ew.full(span.shape, 1, span.dtype), span)
    return ew.select(zero, x, ew.rem(x, safe))


def _randint(data: Array, shape: Shape, minval: Array, maxval: Array, dtype: DType) -> Array:
    info = dtypes.iinfo(dtype)
    nbits = int(info.bits)
    unsigned = _UINT[nbits]
    top = _convert_and_clip(Array(np.asarray(info.max, dtype)), maxval.dtype)
    maxval_out_of_range = ew.gt(maxval, st.broadcast_to(top, maxval.shape))
    lo = st.broadcast_to(_convert_and_clip(minval, dtype), shape)
    hi = st.broadcast_to(_convert_and_clip(maxval, dtype), shape)
    too_big = st.broadcast_to(maxval_out_of_range, shape)
    keys = _split(data, (2,))
    k1 = st.reshape(st.slice_(keys, (0, 0), (1, 2)), (2,))
    k2 = st.reshape(st.slice_(keys, (1, 0), (2, 2)), (2,))
    higher, lower = _random_bits(k1, nbits, shape), _random_bits(k2, nbits, shape)
    span = ew.convert_element_type(ew.sub(hi, lo), unsigned)
    one = ew.full(shape, 1, unsigned)
    span = ew.select(ew.le(hi, lo), one, span)
    # maxval above the dtype's range means one more value than hi - lo (wrapping to 0
    # for the full range, where the remainders below then leave the bits unchanged).
    span = ew.select(ew.bitwise_and(too_big, ew.gt(hi, lo)), ew.add(span, one), span)
    # 2**nbits % span without overflow: (2**(nbits/2) % span)**2 % span.
    mult = _urem(ew.full(shape, 2 ** (nbits // 2), unsigned), span)
    mult = _urem(ew.mul(mult, mult), span)
    offset = ew.add(ew.mul(_urem(higher, span), mult), _urem(lower, span))
    offset = _urem(offset, span)
    return ew.add(lo, ew.convert_element_type(offset, dtype))


def randint(key: Any, shape: Sequence[int], minval: Any, maxval: Any, dtype: Any = None) -> Array:
    """Uniform integers in ``[minval, maxval)`` (JAX's slightly biased modulus method).

    Args:
        key: A single key (typed or raw).
        shape: The output shape; the bounds broadcast to it.
        minval: The inclusive lower bound (clipped to the dtype's range).
        maxval: The exclusive upper bound (clipped to the dtype's range).
        dtype: An integer dtype (default int32, int64 under x64).

    Returns:
        An integer array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``key`` is not a key, or ``dtype`` is not an integer dtype.
        ValueError: The bounds do not broadcast to ``shape``.

    Examples:
        >>> r = fad.random.randint(fad.random.key(0), (1000,), 3, 7)
        >>> int(jnp.min(r)), int(jnp.max(r))
        (3, 6)
    """
    data, _ = _key_data("randint", key)
    dt = dtypes.default_int_dtype() if dtype is None else dtypes.check_user_dtype(dtype, "randint")
    if not dtypes.is_integer(dt):
        raise TypeError(f"randint: dtype must be an integer dtype, got {dt.name}")
    shp = _shape_arg("randint", shape)
    _check_shape("randint", shp, np.shape(minval), np.shape(maxval))
    info = dtypes.iinfo(dt)
    lo, hi = _int_param(minval), _int_param(maxval)
    if info.bits < 32:
        # Narrow dtypes are sampled in 32 bits, which keeps the modulus bias small.
        i32 = np.dtype(np.int32)
        lo = jnp.clip(jnp.astype(lo, i32), int(info.min), int(info.max))
        hi = jnp.clip(jnp.astype(hi, i32), int(info.min), int(info.max) + 1)
        return jnp.astype(_randint(data, shp, lo, hi, i32), dt)
    return _randint(data, shp, lo, hi, dt)


def _shuffle(data: Array, x: Array, axis: int) -> Array:
    # Sorting by fresh 32-bit keys, enough rounds that all elements get distinct keys
    # with high probability (JAX's heuristic: 3 * log(size) / log(2**32 - 1) rounds).
    rounds = int(np.ceil(3 * np.log(max(1, x.size)) / np.log(np.iinfo(np.uint32).max)))
    for _ in range(rounds):
        keys = _split(data, (2,))
        data = st.reshape(st.slice_(keys, (0, 0), (1, 2)), (2,))
        sub = st.reshape(st.slice_(keys, (1, 0), (2, 2)), (2,))
        sort_keys = _random_bits(sub, 32, x.shape)
        x = sorting.sort([sort_keys, x], dimension=axis, is_stable=True, num_keys=1)[1]
    return x


def permutation(key: Any, x: Any, axis: int = 0, independent: bool = False) -> Array:
    """A random permutation of ``arange(x)`` (integer ``x``) or of ``x`` along ``axis``.

    Args:
        key: A single key (typed or raw).
        x: An integer ``n`` (permute ``arange(n)``) or an array to shuffle.
        axis: The axis of ``x`` to shuffle along.
        independent: Shuffle each slice along ``axis`` independently, instead of moving
            whole slices.

    Returns:
        The permuted array.

    Raises:
        TypeError: ``key`` is not a key, or ``x`` is a 0-d array.
        ValueError: ``axis`` is out of bounds.

    Examples:
        >>> p = fad.random.permutation(fad.random.key(0), 5)
        >>> sorted(p.tolist())
        [0, 1, 2, 3, 4]
    """
    data, _ = _key_data("permutation", key)
    arr = jnp.asarray(x)
    if arr.ndim == 0:
        if not dtypes.is_integer(arr.dtype):
            raise TypeError("permutation: x must be an integer or at least 1-dimensional")
        n = int(np.asarray(arr.concrete_value()))
        return _shuffle(data, jnp.arange(n), 0)
    ax = _axis(axis, arr.ndim, "permutation")
    if independent or arr.ndim == 1:
        return _shuffle(data, arr, ax)
    ind = _shuffle(data, jnp.arange(arr.shape[ax]), 0)
    return jnp.take(arr, ind, axis=ax)


def _axis(axis: int, ndim: int, name: str) -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}: axis {axis} is out of bounds for an array of dimension {ndim}")
    return axis % ndim


def _gumbel(data: Array, shape: Shape, dtype: DType, mode: str) -> Array:
    info = dtypes.finfo(dtype)
    if mode == "high":
        pair = _uniform(
            data, (2, *shape), dtype, ew.full((2, *shape), 0, dtype), ew.full((2, *shape), 1, dtype)
        )
        high = st.reshape(st.slice_in_dim(pair, 0, 1), shape)
        low = st.reshape(st.slice_in_dim(pair, 1, 2), shape)
        fine = ew.add(
            ew.add(high, ew.mul(ew.full(shape, 2.0 ** -int(info.nmant), dtype), low)),
            ew.full(shape, info.tiny, dtype),
        )
        x = ew.select(ew.ge(high, ew.full(shape, 0.5, dtype)), high, fine)
        return ew.neg(ew.log(ew.neg(ew.log1p(ew.neg(x)))))
    u = _uniform(data, shape, dtype, ew.full(shape, info.tiny, dtype), ew.full(shape, 1, dtype))
    return ew.neg(ew.log(ew.neg(ew.log(u))))


def _gumbel_mode(name: str, mode: str | None) -> str:
    mode = "low" if mode is None else mode
    if mode not in ("low", "high"):
        raise ValueError(f"{name}: mode must be 'low' or 'high', got {mode!r}")
    return mode


def gumbel(
    key: Any, shape: Sequence[int] = (), dtype: Any = None, mode: str | None = None
) -> Array:
    """Standard Gumbel samples, ``-log(-log(u))``.

    Args:
        key: A single key (typed or raw).
        shape: The output shape.
        dtype: A floating-point dtype.
        mode: ``"low"`` (default) or ``"high"``, JAX's choice between speed and accuracy in
            the upper tail.

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``key`` is not a key, or ``shape`` is not a sequence of ints.
        ValueError: ``dtype`` is not a float dtype, or ``mode`` is unknown.

    Examples:
        >>> g = fad.random.gumbel(fad.random.key(0), (10000,))
        >>> bool(abs(jnp.mean(g) - 0.5772) < 0.05)  # the mean is Euler's constant
        True
    """
    data, _ = _key_data("gumbel", key)
    dt = _float_dtype("gumbel", dtype)
    return _gumbel(data, _shape_arg("gumbel", shape), dt, _gumbel_mode("gumbel", mode))


def _top_k_indices(x: Array, k: int) -> Array:
    """Indices of the ``k`` largest entries on the last axis, largest first, ties by index."""
    last = x.ndim - 1
    position = st.iota(np.dtype(np.int32), x.shape, last)  # like lax.top_k's int32 indices
    order = sorting.sort([ew.neg(x), position], dimension=last, is_stable=True, num_keys=1)[1]
    return st.slice_in_dim(order, 0, k, axis=last)


def categorical(
    key: Any, logits: Any, axis: int = -1, shape: Sequence[int] | None = None,
    replace: bool = True, mode: str | None = None,
) -> Array:  # fmt: skip
    """Samples of categories from unnormalized log-probabilities (the Gumbel-max trick).

    Args:
        key: A single key (typed or raw).
        logits: Unnormalized log-probabilities; categories lie along ``axis``.
        axis: The category axis of ``logits``.
        shape: The output shape (default: ``logits``' shape without ``axis``); it must end
            with that batch shape.
        replace: Sample with replacement; ``False`` draws distinct categories.
        mode: The Gumbel sampling mode (see :func:`gumbel`).

    Returns:
        An integer array of category indices.

    Raises:
        TypeError: ``key`` is not a key.
        ValueError: ``axis`` is out of bounds, or ``shape`` is incompatible with ``logits``.

    Examples:
        >>> logits = jnp.log(jnp.array([0.1, 0.9]))
        >>> c = fad.random.categorical(fad.random.key(0), logits, shape=(10000,))
        >>> bool(abs(jnp.mean(c) - 0.9) < 0.02)
        True
    """
    data, _ = _key_data("categorical", key)
    lg = jnp.asarray(logits)
    if not dtypes.is_float(lg.dtype):
        lg = jnp.astype(lg, dtypes.default_float_dtype())
    ax = _axis(axis, lg.ndim, "categorical")
    batch_shape = tuple(s for i, s in enumerate(lg.shape) if i != ax)
    if shape is None:
        shp = batch_shape
    else:
        shp = _shape_arg("categorical", shape)
        _check_shape("categorical", shp, batch_shape)
    gm = _gumbel_mode("categorical", mode)
    prefix = shp[: len(shp) - len(batch_shape)]
    if replace:
        logits_shape = list(shp[len(shp) - len(batch_shape) :])
        logits_shape.insert(ax, lg.shape[ax])
        noise = _gumbel(data, (*prefix, *logits_shape), lg.dtype, gm)
        return jnp.argmax(ew.add(noise, st.broadcast_to(lg, noise.shape)), axis=len(prefix) + ax)
    k = math.prod(prefix)
    if k > lg.shape[ax]:
        raise ValueError(
            f"categorical: number of samples without replacement ({k}) cannot exceed the "
            f"number of categories ({lg.shape[ax]})"
        )
    perturbed = ew.add(lg, _gumbel(data, lg.shape, lg.dtype, gm))
    idx = _top_k_indices(jnp.moveaxis(perturbed, ax, -1), k)  # batch_shape + (k,)
    return jnp.reshape(jnp.moveaxis(idx, -1, 0), shp)


def choice(
    key: Any, a: Any, shape: Sequence[int] = (), replace: bool = True, p: Any = None,
    axis: int = 0, mode: str | None = None,
) -> Array:  # fmt: skip
    """Random samples from ``a`` (an array, or ``arange(a)`` for an int), optionally weighted.

    Args:
        key: A single key (typed or raw).
        a: An integer ``n`` (choose from ``arange(n)``) or an array to choose slices of.
        shape: The shape of the sample.
        replace: Sample with replacement.
        p: Probabilities of each entry of ``a`` along ``axis`` (default: uniform).
        axis: The axis of ``a`` to choose along.
        mode: The Gumbel sampling mode for weighted sampling without replacement.

    Returns:
        The sampled array.

    Raises:
        TypeError: ``key`` is not a key, ``shape`` is not a sequence, or ``a`` is neither
            an integer nor an array.
        ValueError: ``a`` is empty while samples are requested, more samples than entries
            are requested without replacement, or ``p`` has the wrong shape.

    Examples:
        >>> c = fad.random.choice(fad.random.key(0), 10, (4,), replace=False)
        >>> len(set(c.tolist()))
        4
    """
    data, _ = _key_data("choice", key)
    if not isinstance(shape, Sequence):
        raise TypeError(f"choice: shape must be a sequence, got {shape!r}")
    shp = _shape_arg("choice", shape)
    arr = jnp.asarray(a)
    if arr.ndim == 0:
        if not dtypes.is_integer(arr.dtype):
            raise TypeError(f"choice: a must be an integer or an array, got dtype {arr.dtype.name}")
        n_inputs = int(np.asarray(arr.concrete_value()))
    else:
        axis = _axis(axis, arr.ndim, "choice")
        n_inputs = arr.shape[axis]
    n_draws = math.prod(shp)
    if n_draws == 0:
        return jnp.zeros(shp, arr.dtype)
    if n_inputs <= 0:
        raise ValueError("choice: a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise ValueError(
            f"choice: cannot take a larger sample (size {n_draws}) than population "
            f"(size {n_inputs}) when replace=False"
        )
    int_dt = dtypes.default_int_dtype()
    if p is None:
        if replace:
            ind = _randint(
                data, shp, Array(np.asarray(0, int_dt)), Array(np.asarray(n_inputs, int_dt)), int_dt
            )
            result = ind if arr.ndim == 0 else jnp.take(arr, ind, axis=axis)
        else:
            pool = jnp.arange(n_inputs) if arr.ndim == 0 else arr
            shuffled = permutation(data, pool, axis if arr.ndim else 0)
            result = st.slice_in_dim(shuffled, 0, n_draws, axis=axis if arr.ndim else 0)
    else:
        (p_arr,) = jnp.promote_inexact("choice", p)
        if p_arr.shape != (n_inputs,):
            raise ValueError(
                "choice: p must be None or a 1D vector with the same size as a.shape[axis]; "
                f"p has shape {p_arr.shape} and a.shape[axis] is {n_inputs}"
            )
        if replace:
            p_cuml = jnp.cumsum(p_arr)
            cdt = p_cuml.dtype
            u = _uniform(data, shp, cdt, ew.full(shp, 0, cdt), ew.full(shp, 1, cdt))
            r = ew.mul(st.broadcast_to(p_cuml[-1], shp), ew.sub(ew.full(shp, 1, u.dtype), u))
            ind = jnp.astype(jnp.searchsorted(p_cuml, r), int_dt)
        else:
            g = ew.add(_gumbel(data, (n_inputs,), p_arr.dtype, _gumbel_mode("choice", mode)),
                       jnp.log(p_arr))  # fmt: skip
            ind = jnp.astype(_top_k_indices(g, n_draws), int_dt)
        result = ind if arr.ndim == 0 else jnp.take(arr, ind, axis=axis)
    out_shape = shp if arr.ndim == 0 else (*arr.shape[:axis], *shp, *arr.shape[axis + 1 :])
    return jnp.reshape(result, out_shape)


__all__ = [
    "KeyDType", "PRNGKey", "PRNGKeyArray", "bernoulli", "bits", "categorical", "choice",
    "clone", "fold_in", "gumbel", "key", "key_data", "key_dtype", "key_impl", "normal",
    "permutation", "randint", "split", "truncated_normal", "uniform", "wrap_key_data",
]  # fmt: skip
