"""Discrete samplers: ``bits``, ``bernoulli``, ``randint``, ``permutation``,
``categorical`` (the Gumbel-max trick; it agrees with JAX in practice, see ``gumbel``)
and ``choice``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import dtypes
from fad._src.config import config
from fad._src.core import Array, DType
from fad._src.numpy.conversion import asarray, astype, broadcast_to, promote_inexact
from fad._src.numpy.creation import zeros
from fad._src.numpy.indexing import take
from fad._src.numpy.ranges import arange
from fad._src.numpy.reductions import argmax, cumsum
from fad._src.numpy.shapes import moveaxis, reshape
from fad._src.numpy.sorting import searchsorted
from fad._src.numpy.ufuncs import clip, log
from fad._src.prims import elementwise as ew
from fad._src.prims import sorting
from fad._src.prims import structural as st
from fad._src.random import threefry
from fad._src.random.continuous import (
    check_shape,
    gumbel_mode,
    sample_gumbel,
    sample_uniform,
    shape_arg,
)
from fad._src.random.keys import KeyArray, cast_key_data, unwrap_key
from fad._src.random.threefry import Shape


def bits(key: KeyArray, shape: Sequence[int] = (), dtype: Any = None) -> Array:
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
    data, _ = unwrap_key("bits", key)
    if dtype is None:
        dt = threefry.UINT[64] if config.x64_enabled else threefry.U32
    else:
        dt = dtypes.check_user_dtype(dtype, "bits")
    if not dtypes.is_unsigned(dt):
        raise ValueError(f"bits: dtype must be an unsigned integer dtype, got {dt.name}")
    return threefry.random_bits(data, dt.itemsize * 8, shape_arg("bits", shape))


def bernoulli(key: KeyArray, p: Any = 0.5, shape: Sequence[int] | None = None) -> Array:
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
    data, _ = unwrap_key("bernoulli", key)
    pa = asarray(p)
    if not dtypes.is_float(pa.dtype):
        raise TypeError(f"bernoulli: probability p must have a float dtype, got {pa.dtype.name}")
    if shape is None:
        shp = pa.shape
    else:
        shp = shape_arg("bernoulli", shape)
        check_shape("bernoulli", shp, pa.shape)
    u = sample_uniform(data, shp, pa.dtype, ew.full(shp, 0, pa.dtype), ew.full(shp, 1, pa.dtype))
    return ew.lt(u, broadcast_to(pa, shp))


def _convert_and_clip(val: Array, dtype: DType) -> Array:
    """``val`` converted to ``dtype``, clipping to its range instead of wrapping."""
    lo = max(int(dtypes.iinfo(dtype).min), int(dtypes.iinfo(val.dtype).min))
    hi = min(int(dtypes.iinfo(dtype).max), int(dtypes.iinfo(val.dtype).max))
    clipped = ew.clamp(ew.full(val.shape, lo, val.dtype), val, ew.full(val.shape, hi, val.dtype))
    return ew.convert_element_type(clipped, dtype)


def _int_param(x: Any) -> Array:
    a = asarray(x)
    return a if dtypes.is_integer(a.dtype) else astype(a, dtypes.default_int_dtype())


def _urem(x: Array, span: Array) -> Array:
    """``x % span`` for unsigned ints, with ``x % 0 == x`` (XLA's rule, which randint uses)."""
    zero = ew.eq(span, ew.full(span.shape, 0, span.dtype))
    safe = ew.select(zero, ew.full(span.shape, 1, span.dtype), span)
    return ew.select(zero, x, ew.rem(x, safe))


def _randint(data: Array, shape: Shape, minval: Array, maxval: Array, dtype: DType) -> Array:
    info = dtypes.iinfo(dtype)
    nbits = int(info.bits)
    unsigned = threefry.UINT[nbits]
    top = _convert_and_clip(Array(np.asarray(info.max, dtype)), maxval.dtype)
    maxval_out_of_range = ew.gt(maxval, st.broadcast_to(top, maxval.shape))
    lo = st.broadcast_to(_convert_and_clip(minval, dtype), shape)
    hi = st.broadcast_to(_convert_and_clip(maxval, dtype), shape)
    too_big = st.broadcast_to(maxval_out_of_range, shape)
    keys = threefry.split(data, (2,))
    k1 = st.reshape(st.slice_(keys, (0, 0), (1, 2)), (2,))
    k2 = st.reshape(st.slice_(keys, (1, 0), (2, 2)), (2,))
    higher, lower = threefry.random_bits(k1, nbits, shape), threefry.random_bits(k2, nbits, shape)
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


def randint(
    key: KeyArray, shape: Sequence[int], minval: Any, maxval: Any, dtype: Any = None
) -> Array:
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
    data, _ = unwrap_key("randint", key)
    dt = dtypes.default_int_dtype() if dtype is None else dtypes.check_user_dtype(dtype, "randint")
    if not dtypes.is_integer(dt):
        raise TypeError(f"randint: dtype must be an integer dtype, got {dt.name}")
    shp = shape_arg("randint", shape)
    check_shape("randint", shp, np.shape(minval), np.shape(maxval))
    info = dtypes.iinfo(dt)
    lo, hi = _int_param(minval), _int_param(maxval)
    if info.bits < 32:
        # Narrow dtypes are sampled in 32 bits, which keeps the modulus bias small.
        i32 = np.dtype(np.int32)
        lo = clip(astype(lo, i32), int(info.min), int(info.max))
        hi = clip(astype(hi, i32), int(info.min), int(info.max) + 1)
        return astype(_randint(data, shp, lo, hi, i32), dt)
    return _randint(data, shp, lo, hi, dt)


def _shuffle(data: Array, x: Array, axis: int) -> Array:
    # Sorting by fresh 32-bit keys, enough rounds that all elements get distinct keys
    # with high probability (JAX's heuristic: 3 * log(size) / log(2**32 - 1) rounds).
    rounds = int(np.ceil(3 * np.log(max(1, x.size)) / np.log(np.iinfo(np.uint32).max)))
    for _ in range(rounds):
        keys = threefry.split(data, (2,))
        data = st.reshape(st.slice_(keys, (0, 0), (1, 2)), (2,))
        sub = st.reshape(st.slice_(keys, (1, 0), (2, 2)), (2,))
        sort_keys = threefry.random_bits(sub, 32, x.shape)
        x = sorting.sort([sort_keys, x], dimension=axis, is_stable=True, num_keys=1)[1]
    return x


def permutation(key: KeyArray, x: Any, axis: int = 0, independent: bool = False) -> Array:
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
    data, _ = unwrap_key("permutation", key)
    arr = asarray(x)
    if arr.ndim == 0:
        if not dtypes.is_integer(arr.dtype):
            raise TypeError("permutation: x must be an integer or at least 1-dimensional")
        n = int(np.asarray(arr.concrete_value()))
        return _shuffle(data, arange(n), 0)
    ax = _axis(axis, arr.ndim, "permutation")
    if independent or arr.ndim == 1:
        return _shuffle(data, arr, ax)
    ind = _shuffle(data, arange(arr.shape[ax]), 0)
    return take(arr, ind, axis=ax)


def _axis(axis: int, ndim: int, name: str) -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}: axis {axis} is out of bounds for an array of dimension {ndim}")
    return axis % ndim


def _top_k_indices(x: Array, k: int) -> Array:
    """Indices of the ``k`` largest entries on the last axis, largest first, ties by index."""
    last = x.ndim - 1
    position = st.iota(np.dtype(np.int32), x.shape, last)  # like lax.top_k's int32 indices
    order = sorting.sort([ew.neg(x), position], dimension=last, is_stable=True, num_keys=1)[1]
    return st.slice_in_dim(order, 0, k, axis=last)


def categorical(
    key: KeyArray, logits: Any, axis: int = -1, shape: Sequence[int] | None = None,
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
        mode: The Gumbel sampling mode (see ``gumbel``).

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
    data, _ = unwrap_key("categorical", key)
    lg = asarray(logits)
    if not dtypes.is_float(lg.dtype):
        lg = astype(lg, dtypes.default_float_dtype())
    ax = _axis(axis, lg.ndim, "categorical")
    batch_shape = tuple(s for i, s in enumerate(lg.shape) if i != ax)
    if shape is None:
        shp = batch_shape
    else:
        shp = shape_arg("categorical", shape)
        check_shape("categorical", shp, batch_shape)
    gm = gumbel_mode("categorical", mode)
    prefix = shp[: len(shp) - len(batch_shape)]
    if replace:
        logits_shape = list(shp[len(shp) - len(batch_shape) :])
        logits_shape.insert(ax, lg.shape[ax])
        noise = sample_gumbel(data, (*prefix, *logits_shape), lg.dtype, gm)
        return argmax(ew.add(noise, st.broadcast_to(lg, noise.shape)), axis=len(prefix) + ax)
    k = math.prod(prefix)
    if k > lg.shape[ax]:
        raise ValueError(
            f"categorical: number of samples without replacement ({k}) cannot exceed the "
            f"number of categories ({lg.shape[ax]})"
        )
    perturbed = ew.add(lg, sample_gumbel(data, lg.shape, lg.dtype, gm))
    idx = _top_k_indices(moveaxis(perturbed, ax, -1), k)  # batch_shape + (k,)
    return reshape(moveaxis(idx, -1, 0), shp)


def choice(
    key: KeyArray, a: Any, shape: Sequence[int] = (), replace: bool = True, p: Any = None,
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
    data, _ = unwrap_key("choice", key)
    if not isinstance(shape, Sequence):
        raise TypeError(f"choice: shape must be a sequence, got {shape!r}")
    shp = shape_arg("choice", shape)
    arr = asarray(a)
    if arr.ndim == 0:
        if not dtypes.is_integer(arr.dtype):
            raise TypeError(f"choice: a must be an integer or an array, got dtype {arr.dtype.name}")
        n_inputs = int(np.asarray(arr.concrete_value()))
    else:
        axis = _axis(axis, arr.ndim, "choice")
        n_inputs = arr.shape[axis]
    n_draws = math.prod(shp)
    if n_draws == 0:
        return zeros(shp, arr.dtype)
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
            result = ind if arr.ndim == 0 else take(arr, ind, axis=axis)
        else:
            pool = arange(n_inputs) if arr.ndim == 0 else arr
            shuffled = permutation(cast_key_data(data), pool, axis if arr.ndim else 0)
            result = st.slice_in_dim(shuffled, 0, n_draws, axis=axis if arr.ndim else 0)
    else:
        (p_arr,) = promote_inexact("choice", p)
        if p_arr.shape != (n_inputs,):
            raise ValueError(
                "choice: p must be None or a 1D vector with the same size as a.shape[axis]; "
                f"p has shape {p_arr.shape} and a.shape[axis] is {n_inputs}"
            )
        if replace:
            p_cuml = cumsum(p_arr)
            cdt = p_cuml.dtype
            u = sample_uniform(data, shp, cdt, ew.full(shp, 0, cdt), ew.full(shp, 1, cdt))
            r = ew.mul(st.broadcast_to(p_cuml[-1], shp), ew.sub(ew.full(shp, 1, u.dtype), u))
            ind = astype(searchsorted(p_cuml, r), int_dt)
        else:
            g = ew.add(sample_gumbel(data, (n_inputs,), p_arr.dtype, gumbel_mode("choice", mode)),
                       log(p_arr))  # fmt: skip
            ind = astype(_top_k_indices(g, n_draws), int_dt)
        result = ind if arr.ndim == 0 else take(arr, ind, axis=axis)
    out_shape = shp if arr.ndim == 0 else (*arr.shape[:axis], *shp, *arr.shape[axis + 1 :])
    return reshape(result, out_shape)
