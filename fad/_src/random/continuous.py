"""Continuous samplers: ``uniform``, ``normal``, ``truncated_normal`` and ``gumbel``, and
the argument checks every sampler shares.

Floats match JAX exactly because the conversions from bits are exact, and the few
roundings on the way (``minval + u * (maxval - minval)`` and ``erf_inv``/``erf``) are
computed the way XLA's CPU backend computes them: a fused multiply-add and
float32 ``erf``/``erf_inv`` kernels that replay XLA's (see ``prims/xla_kernels.py``).
``gumbel`` uses ``log``, whose eager float32 result may differ from XLA's by a few
ulps. Under ``jit``, bounds that are compile-time constants let XLA fold ``erf`` with
its own arithmetic, so ``truncated_normal`` matches bit for bit when its bounds are
arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, DType
from fad._src.numpy.conversion import asarray, astype, broadcast_shapes, broadcast_to
from fad._src.prims import bits as bitops
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st
from fad._src.random import threefry
from fad._src.random.keys import KeyArray, unwrap_key
from fad._src.random.threefry import Shape

# ---------------------------------------------------------------------------
# Argument checks shared by the samplers
# ---------------------------------------------------------------------------


def shape_arg(name: str, shape: Any) -> Shape:
    """``shape`` as a tuple of non-negative ints (a bare int is refused, as in JAX)."""
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


def check_shape(name: str, shape: Shape, *param_shapes: Shape) -> None:
    """Check that parameter shapes broadcast to ``shape`` without enlarging it."""
    if not param_shapes:
        return
    try:
        joint = broadcast_shapes(shape, *param_shapes)
    except ValueError:
        joint = None
    if joint != shape:
        raise ValueError(
            f"{name}: parameter shapes {list(param_shapes)} must broadcast to the shape argument "
            f"{shape} without enlarging it"
        )


def float_dtype(name: str, dtype: Any) -> DType:
    dt = dtypes.default_float_dtype() if dtype is None else dtypes.check_user_dtype(dtype, name)
    if not dtypes.is_float(dt):
        raise ValueError(f"{name}: dtype must be a float dtype, got {dt.name}")
    return dt


def float_param(name: str, what: str, x: Any, dtype: DType) -> Array:
    """A float parameter (a number or an array), converted to ``dtype``."""
    if not (core.is_arraylike(x) or isinstance(x, (list, tuple))):
        raise TypeError(f"{name}: {what} must be an array or a number, got {type(x).__name__}")
    return astype(asarray(x), dtype)


def param(name: str, what: str, x: Any, dtype: DType, shape: Shape) -> Array:
    """A float parameter, converted to ``dtype`` and broadcast to ``shape``."""
    return broadcast_to(float_param(name, what, x, dtype), shape)


def param_shape(name: str, shape: Any, *params: Any) -> Shape:
    """The output shape: ``shape`` checked against the parameters' shapes, or their
    broadcast shape when ``shape`` is None."""
    shapes = [np.shape(p) for p in params]
    if shape is None:
        return broadcast_shapes(*shapes) if shapes else ()
    shp = shape_arg(name, shape)
    check_shape(name, shp, *shapes)
    return shp


# ---------------------------------------------------------------------------
# Samplers
# ---------------------------------------------------------------------------


def sample_uniform(data: Array, shape: Shape, dtype: DType, minval: Array, maxval: Array) -> Array:
    """Uniform floats of ``dtype`` in ``[minval, maxval)`` from the key data ``data``."""
    info = dtypes.finfo(dtype)
    nbits, nmant = int(info.bits), int(info.nmant)
    rng_bits = 8 if nmant < 8 else nbits
    uint = threefry.UINT[nbits]
    raw = threefry.random_bits(data, rng_bits, shape)
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
    key: KeyArray, shape: Sequence[int] = (), dtype: Any = None, minval: Any = 0.0,
    maxval: Any = 1.0,
) -> Array:  # fmt: skip
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
    data, _ = unwrap_key("uniform", key)
    dt = float_dtype("uniform", dtype)
    shp = shape_arg("uniform", shape)
    check_shape("uniform", shp, np.shape(minval), np.shape(maxval))
    lo = param("uniform", "minval", minval, dt, shp)
    hi = param("uniform", "maxval", maxval, dt, shp)
    return sample_uniform(data, shp, dt, lo, hi)


def _inv_sqrt2(dtype: DType) -> Any:
    """``1 / sqrt(2)`` as XLA folds it: the reciprocal of the rounded ``sqrt(2)``, rounded."""
    return np.array(1, dtype) / np.array(np.sqrt(2), dtype)


def sample_normal(data: Array, shape: Shape, dtype: DType) -> Array:
    """Standard normal floats of a real ``dtype`` from the key data ``data``."""
    lo = np.nextafter(np.array(-1.0, dtype), np.array(0.0, dtype))
    u = sample_uniform(data, shape, dtype, ew.full(shape, lo, dtype), ew.full(shape, 1.0, dtype))
    return ew.mul(ew.full(shape, np.sqrt(2), dtype), ew.erf_inv(u))


def normal(key: KeyArray, shape: Sequence[int] = (), dtype: Any = None) -> Array:
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
    data, _ = unwrap_key("normal", key)
    dt = dtypes.default_float_dtype() if dtype is None else dtypes.check_user_dtype(dtype, "normal")
    shp = shape_arg("normal", shape)
    if dtypes.is_complex(dt):
        real = dtypes.real_dtype(dt)
        halves = threefry.split(data, (2,))
        re = sample_normal(st.reshape(st.slice_(halves, (0, 0), (1, 2)), (2,)), shp, real)
        im = sample_normal(st.reshape(st.slice_(halves, (1, 0), (2, 2)), (2,)), shp, real)
        # XLA turns division by a constant into multiplication by its reciprocal; a
        # complex product keeps the compiler from merging it with the sqrt(2) inside.
        inv = ew.full(shp, _inv_sqrt2(real).astype(dt), dt)
        return ew.mul(ew.complex_(re, im), inv)
    if not dtypes.is_float(dt):
        raise ValueError(f"normal: dtype must be a float or complex dtype, got {dt.name}")
    return sample_normal(data, shp, dt)


def truncated_normal(
    key: KeyArray, lower: Any, upper: Any, shape: Sequence[int] | None = None, dtype: Any = None
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
    data, _ = unwrap_key("truncated_normal", key)
    dt = float_dtype("truncated_normal", dtype)
    lo_shape, hi_shape = np.shape(lower), np.shape(upper)
    if shape is None:
        shp = broadcast_shapes(lo_shape, hi_shape)
    else:
        shp = shape_arg("truncated_normal", shape)
        check_shape("truncated_normal", shp, lo_shape, hi_shape)
    lower_a = param("truncated_normal", "lower", lower, dt, shp)
    upper_a = param("truncated_normal", "upper", upper, dt, shp)
    # lower / sqrt(2), spelled as XLA compiles it: times the rounded reciprocal.
    inv = ew.full(shp, _inv_sqrt2(dt), dt)
    a = ew.erf(ew.mul(lower_a, inv))
    b = ew.erf(ew.mul(upper_a, inv))
    sqrt2 = ew.full(shp, np.sqrt(2), dt)
    out = ew.mul(sqrt2, ew.erf_inv(sample_uniform(data, shp, dt, a, b)))
    # Rounding can land on a bound; keep the samples strictly inside.
    floor = ew.nextafter(ew.stop_gradient(lower_a), ew.full(shp, np.inf, dt))
    ceil = ew.nextafter(ew.stop_gradient(upper_a), ew.full(shp, -np.inf, dt))
    return ew.min(ew.max(out, floor), ceil)


def sample_gumbel(data: Array, shape: Shape, dtype: DType, mode: str) -> Array:
    """Standard Gumbel floats from the key data ``data`` (``mode``: see ``gumbel``)."""
    info = dtypes.finfo(dtype)
    if mode == "high":
        pair = sample_uniform(
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
    u = sample_uniform(
        data, shape, dtype, ew.full(shape, info.tiny, dtype), ew.full(shape, 1, dtype)
    )
    return ew.neg(ew.log(ew.neg(ew.log(u))))


def gumbel_mode(name: str, mode: str | None) -> str:
    """The Gumbel sampling mode, ``"low"`` by default."""
    mode = "low" if mode is None else mode
    if mode not in ("low", "high"):
        raise ValueError(f"{name}: mode must be 'low' or 'high', got {mode!r}")
    return mode


def gumbel(
    key: KeyArray, shape: Sequence[int] = (), dtype: Any = None, mode: str | None = None
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
    data, _ = unwrap_key("gumbel", key)
    dt = float_dtype("gumbel", dtype)
    return sample_gumbel(data, shape_arg("gumbel", shape), dt, gumbel_mode("gumbel", mode))
