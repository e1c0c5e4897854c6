"""``fad.scipy.special``: special functions built from fad primitives.

Inputs are promoted like ``fad.numpy``'s inexact functions (integers become the
default float), so ``expit(1)`` is a float32 unless x64 is enabled.
"""

from __future__ import annotations

from typing import Any, Literal, overload

import numpy as np

from fad._src import dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy import conversion, logic, reductions, shapes, sorting
from fad._src.numpy.conversion import Axis
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st


def _float_only(name: str, x: ArrayLike) -> Array:
    (a,) = conversion.promote_inexact(name, x)
    if dtypes.is_complex(a.dtype):
        raise TypeError(f"{name} does not accept complex values, got dtype {a.dtype.name}")
    return a


def expit(x: ArrayLike) -> Array:
    """The logistic sigmoid ``1 / (1 + exp(-x))``."""
    return ew.logistic(_float_only("expit", x))


def logit(x: ArrayLike) -> Array:
    """The inverse of ``expit``: ``log(x / (1 - x))``, via ``log1p`` for accuracy near 0."""
    a = _float_only("logit", x)
    return ew.sub(ew.log(a), ew.log1p(ew.neg(a)))


def erf(x: ArrayLike) -> Array:
    return ew.erf(_float_only("erf", x))


def erfc(x: ArrayLike) -> Array:
    return ew.erfc(_float_only("erfc", x))


def erfinv(x: ArrayLike) -> Array:
    return ew.erf_inv(_float_only("erfinv", x))


def gammaln(x: ArrayLike) -> Array:
    """``log|Gamma(x)|``."""
    return ew.lgamma(_float_only("gammaln", x))


def digamma(x: ArrayLike) -> Array:
    """The logarithmic derivative of Gamma (its derivative is ``polygamma(1, x)``)."""
    return ew.digamma(_float_only("digamma", x))


def polygamma(n: ArrayLike, x: ArrayLike) -> Array:
    """The ``n``-th derivative of ``digamma`` (``n`` a non-negative integer; nan otherwise)."""
    m, a = conversion.promote_inexact("polygamma", n, x)
    if dtypes.is_complex(a.dtype):
        raise TypeError(f"polygamma does not accept complex values, got dtype {a.dtype.name}")
    return ew.polygamma(m, a)


def ndtr(x: ArrayLike) -> Array:
    """The standard normal CDF, ``erfc(-x / sqrt(2)) / 2`` (accurate in the lower tail)."""
    a = _float_only("ndtr", x)
    scaled = ew.mul(a, ew.full_like(a, -1 / np.sqrt(2)))
    return ew.mul(ew.erfc(scaled), ew.full_like(a, 0.5))


def ndtri(p: ArrayLike) -> Array:
    """The inverse of ``ndtr``: ``sqrt(2) * erfinv(2p - 1)``."""
    a = _float_only("ndtri", p)
    two_p_minus_1 = ew.sub(ew.mul(a, ew.full_like(a, 2)), ew.ones_like(a))
    return ew.mul(ew.erf_inv(two_p_minus_1), ew.full_like(a, np.sqrt(2)))


def _x_times(name: str, x: ArrayLike, y: ArrayLike, fn: Any, neutral: float) -> Array:
    """``x * fn(y)``, defined as 0 where ``x == 0`` (even where ``fn(y)`` is inf or nan).

    ``y`` is replaced by a harmless value there, so neither the value nor the
    gradient picks up ``0 * inf``.
    """
    a, b = conversion.promote_inexact(name, x, y)
    zero = ew.zeros_like(a)
    is_zero = ew.eq(a, zero)
    safe_b = ew.select(is_zero, ew.full_like(b, neutral), b)
    return ew.select(is_zero, zero, ew.mul(a, fn(safe_b)))


def xlogy(x: ArrayLike, y: ArrayLike) -> Array:
    """``x * log(y)``, with ``0`` where ``x == 0``."""
    return _x_times("xlogy", x, y, ew.log, 1.0)


def xlog1py(x: ArrayLike, y: ArrayLike) -> Array:
    """``x * log1p(y)``, with ``0`` where ``x == 0``."""
    return _x_times("xlog1py", x, y, ew.log1p, 0.0)


def entr(x: ArrayLike) -> Array:
    """``-x * log(x)`` for ``x > 0``, ``0`` at ``0`` and ``-inf`` for ``x < 0``."""
    a = _float_only("entr", x)
    neg_inf = ew.full_like(a, -np.inf)
    return ew.select(ew.lt(a, ew.zeros_like(a)), neg_inf, ew.neg(xlogy(a, a)))


@overload
def logsumexp(
    a: ArrayLike,
    axis: Axis = None,
    b: ArrayLike | None = None,
    keepdims: bool = False,
    return_sign: Literal[False] = False,
) -> Array: ...
@overload
def logsumexp(
    a: ArrayLike,
    axis: Axis = None,
    b: ArrayLike | None = None,
    keepdims: bool = False,
    *,
    return_sign: Literal[True],
) -> tuple[Array, Array]: ...
def logsumexp(
    a: ArrayLike,
    axis: Axis = None,
    b: ArrayLike | None = None,
    keepdims: bool = False,
    return_sign: bool = False,
) -> Array | tuple[Array, Array]:
    """``log(sum(b * exp(a)))`` over ``axis``, computed without overflow.

    The maximum is subtracted first and treated as a constant (``stop_gradient``),
    so the gradient is exactly ``softmax``; an all ``-inf`` slice gives ``-inf`` (with
    gradient 0).
    With ``b`` the sum may be negative: ``return_sign=True`` returns
    ``(log|sum|, sign)``, otherwise a negative sum gives nan (as in scipy).
    """
    if b is None:
        (x,) = conversion.promote_inexact("logsumexp", a)
        w = None
    else:
        x, w = conversion.promote_inexact("logsumexp", a, b)
        # Terms with weight 0 must not contribute, even where a is +inf or nan.
        x = sorting.where(ew.ne(w, ew.zeros_like(w)), x, ew.full_like(x, -np.inf))
    if dtypes.is_complex(x.dtype):
        raise TypeError(f"logsumexp does not accept complex values, got dtype {x.dtype.name}")
    axes = shapes.reduction_axes(axis, x.ndim)
    amax = reductions.max(x, axis=axes, keepdims=True, initial=-np.inf)
    # A non-finite max (all -inf, or an inf) is replaced by 0 so that x - max is not nan.
    amax = ew.stop_gradient(sorting.where(logic.isfinite(amax), amax, ew.zeros_like(amax)))
    shifted = ew.exp(ew.sub(x, conversion.broadcast_to(amax, x.shape)))
    if w is not None:
        shifted = ew.mul(w, shifted)
    total = reductions.sum(shifted, axis=axes, keepdims=True)
    sign = ew.sign(total)
    # An empty or all -inf slice sums to 0: its value is -inf, and its gradient 0 rather
    # than 0 * inf = nan (the log sees 1 there instead).
    empty = ew.eq(total, ew.zeros_like(total))
    safe = ew.select(empty, ew.ones_like(total), ew.abs(total))
    log_total = ew.select(empty, ew.full_like(total, -np.inf), ew.log(safe))
    out = ew.add(log_total, amax)
    if not keepdims:
        reduced = tuple(n for i, n in enumerate(x.shape) if i not in axes)
        out, sign = st.reshape(out, reduced), st.reshape(sign, reduced)
    if return_sign:
        return out, sign
    if w is not None:
        out = sorting.where(ew.lt(sign, ew.zeros_like(sign)), ew.full_like(out, np.nan), out)
    return out


def softmax(x: ArrayLike, axis: Axis = None) -> Array:
    """``exp(x - logsumexp(x))`` over ``axis`` (all axes by default, as in scipy)."""
    (a,) = conversion.promote_inexact("softmax", x)
    return ew.exp(ew.sub(a, conversion.broadcast_to(logsumexp(a, axis, keepdims=True), a.shape)))


def log_softmax(x: ArrayLike, axis: Axis = None) -> Array:
    """``x - logsumexp(x)`` over ``axis``."""
    (a,) = conversion.promote_inexact("log_softmax", x)
    return ew.sub(a, conversion.broadcast_to(logsumexp(a, axis, keepdims=True), a.shape))
