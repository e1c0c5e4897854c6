"""The Threefry-2x32 hash (20 rounds) and JAX's two ways of laying out its counters.

The classic scheme (JAX's default before 0.5, ``jax_threefry_partitionable=False``,
fad's default) hashes a flat range and splits it in halves; the partitionable one
(``fad.config.update("threefry_partitionable", True)``) hashes the (high, low) words
of each element's 64-bit index. Both give JAX's bits for the same key, call and config.
Keys are raw ``uint32[2]`` data here; ``keys`` wraps them and ``samplers`` turns bits
into values.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from fad._src.config import config
from fad._src.core import Array, DType
from fad._src.numpy.conversion import stack
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st

Shape = tuple[int, ...]

U32: Final = np.dtype(np.uint32)
UINT: Final[dict[int, DType]] = {
    8: np.dtype(np.uint8), 16: np.dtype(np.uint16), 32: U32, 64: np.dtype(np.uint64),
}  # fmt: skip
_ROTATIONS: Final = ((13, 15, 26, 6), (17, 29, 16, 24))
_KS_PARITY: Final = 0x1BD11BDA


def u32(shape: Shape, value: int) -> Array:
    """A ``uint32`` array of ``shape`` filled with ``value``."""
    return ew.full(shape, np.uint32(value), U32)


def _rotl(x: Array, r: int) -> Array:
    left = ew.shift_left(x, u32(x.shape, r))
    return ew.bitwise_or(left, ew.shift_right_logical(x, u32(x.shape, 32 - r)))


def _threefry2x32(k1: Array, k2: Array, x1: Array, x2: Array) -> tuple[Array, Array]:
    """Threefry-2x32 (20 rounds) of the counter words ``x1, x2`` under the key ``k1, k2``."""
    shape = x1.shape
    ks = [st.broadcast_to(k1, shape), st.broadcast_to(k2, shape)]
    ks.append(ew.bitwise_xor(ew.bitwise_xor(ks[0], ks[1]), u32(shape, _KS_PARITY)))
    a, b = ew.add(x1, ks[0]), ew.add(x2, ks[1])
    for group in range(5):
        for r in _ROTATIONS[group % 2]:
            a = ew.add(a, b)
            b = ew.bitwise_xor(a, _rotl(b, r))
        a = ew.add(a, ks[(group + 1) % 3])
        b = ew.add(ew.add(b, ks[(group + 2) % 3]), u32(shape, group + 1))
    return a, b


def _key_words(data: Array) -> tuple[Array, Array]:
    return st.reshape(st.slice_(data, (0,), (1,)), ()), st.reshape(st.slice_(data, (1,), (2,)), ())


def _hash_flat(data: Array, count: Array) -> Array:
    """JAX's ``threefry_2x32``: hash a flat counter array as its two halves."""
    k1, k2 = _key_words(data)
    n = count.shape[0]
    if n % 2:
        count = st.concatenate([count, u32((1,), 0)], 0)
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
    lo = st.reshape(st.iota(U32, (size,), 0), shape) if shape else u32((), 0)
    return u32(shape, 0), lo


def _hash_counters(data: Array, shape: Shape) -> tuple[Array, Array]:
    k1, k2 = _key_words(data)
    hi, lo = _iota_2x32(shape)
    return _threefry2x32(k1, k2, hi, lo)


def split(data: Array, shape: Shape) -> Array:
    """Key data for ``shape`` new keys, hashed from the key data ``data``."""
    if config.threefry_partitionable:
        b1, b2 = _hash_counters(data, shape)
        return stack([b1, b2], axis=len(shape))
    num = math.prod(shape)
    return st.reshape(_hash_flat(data, st.iota(U32, (2 * num,), 0)), (*shape, 2))


def fold_in(data: Array, d: Array) -> Array:
    """Key data hashed from ``data`` and the ``uint32`` scalar ``d``."""
    return _hash_flat(data, st.concatenate([u32((1,), 0), st.reshape(d, (1,))], 0))


def random_bits(data: Array, bit_width: int, shape: Shape) -> Array:
    """Uniform random unsigned integers of ``bit_width`` bits (JAX's ``random_bits``)."""
    dtype = UINT[bit_width]
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
    words = _hash_flat(data, st.iota(U32, (max_count,), 0))
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
        shifts = ew.mul(st.iota(U32, grid, 1), u32(grid, bit_width))
        parts = ew.shift_right_logical(st.broadcast_in_dim(words, grid, (0,)), shifts)
        parts = ew.bitwise_and(parts, u32(grid, (1 << bit_width) - 1))
        flat = ew.convert_element_type(st.reshape(parts, (max_count * per,)), dtype)
        out = st.slice_(flat, (0,), (size,))
    return st.reshape(out, shape)
