"""``fad.nn``: JAX's ``jax.nn`` activations, softmax family, ``one_hot`` and ``standardize``.

Each is ordinary numpy-layer code; where the derivative at a kink is a convention rather
than a limit, it is JAX's and fixed with ``custom_jvp``: ``relu`` and ``relu6`` have
derivative 0 at their kinks. ``softmax`` and ``log_softmax`` subtract the maximum as a
constant (``stop_gradient``), which changes no derivative. The initializers are in
``fad._src.initializers``.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from fad._src import dtypes
from fad._src.core import Array, ArrayLike
from fad._src.custom_derivatives import custom_jvp
from fad._src.numpy import conversion, creation, logic, manipulation, reductions, shapes, ufuncs
from fad._src.numpy.sorting import where as _where
from fad._src.prims import elementwise as ew
from fad._src.scipy.special import erfc
from fad._src.scipy.special import logsumexp as logsumexp
from fad._src.typing import Tangent, tangent

Axis = int | tuple[int, ...] | None


def _float(name: str, x: ArrayLike) -> Array:
    (a,) = conversion.promote_inexact(name, x)
    return a


# ---------------------------------------------------------------------------
# Rectifiers (JAX's derivative 0 at the kinks)
# ---------------------------------------------------------------------------


def _relu_fun(x: Array) -> Array:
    return ufuncs.maximum(x, 0)


_relu = custom_jvp(_relu_fun)


@_relu.defjvp
def _relu_jvp(primals: tuple[Array], tangents: Any) -> tuple[Array, Tangent[Array]]:
    (x,), (t,) = primals, tangents
    return _relu(x), tangent(_where(ufuncs.greater(x, 0), t, creation.zeros_like(t)))


def relu(x: ArrayLike) -> Array:
    """``max(x, 0)``, with derivative 0 at 0 (as ``jax.nn.relu``)."""
    return _relu(conversion.asarray(x))


def _relu6_fun(x: Array) -> Array:
    return ufuncs.minimum(ufuncs.maximum(x, 0), 6.0)


_relu6 = custom_jvp(_relu6_fun)


@_relu6.defjvp
def _relu6_jvp(primals: tuple[Array], tangents: Any) -> tuple[Array, Tangent[Array]]:
    (x,), (t,) = primals, tangents
    inside = logic.logical_and(ufuncs.greater(x, 0), ufuncs.less(x, 6.0))
    return _relu6(x), tangent(_where(inside, t, creation.zeros_like(t)))


def relu6(x: ArrayLike) -> Array:
    """``min(max(x, 0), 6)``, with derivative 0 at both kinks."""
    return _relu6(conversion.asarray(x))


def leaky_relu(x: ArrayLike, negative_slope: ArrayLike = 1e-2) -> Array:
    """``x`` where ``x >= 0``, else ``negative_slope * x``."""
    a = _float("leaky_relu", x)
    return _where(ufuncs.greater_equal(a, 0), a, ufuncs.multiply(negative_slope, a))


def elu(x: ArrayLike, alpha: ArrayLike = 1.0) -> Array:
    """``x`` where positive, else ``alpha * (exp(x) - 1)`` (the untaken branch kept finite)."""
    a = _float("elu", x)
    safe = _where(ufuncs.greater(a, 0), 0.0, a)
    return _where(ufuncs.greater(a, 0), a, ufuncs.multiply(alpha, ufuncs.expm1(safe)))


def celu(x: ArrayLike, alpha: ArrayLike = 1.0) -> Array:
    """``max(x, 0) + alpha * expm1(min(x, 0) / alpha)``."""
    a = _float("celu", x)
    neg = ufuncs.expm1(ufuncs.true_divide(ufuncs.minimum(a, 0.0), alpha))
    return ufuncs.add(ufuncs.maximum(a, 0.0), ufuncs.multiply(alpha, neg))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x: ArrayLike) -> Array:
    """The self-normalizing ``scale * elu(x, alpha)`` (Klambauer et al.'s constants)."""
    return ufuncs.multiply(_SELU_SCALE, elu(x, _SELU_ALPHA))


# ---------------------------------------------------------------------------
# Smooth activations
# ---------------------------------------------------------------------------


def sigmoid(x: ArrayLike) -> Array:
    """The logistic function ``1 / (1 + exp(-x))``."""
    return ew.logistic(_float("sigmoid", x))


def log_sigmoid(x: ArrayLike) -> Array:
    """``log(sigmoid(x)) = -softplus(-x)``, stable for large ``|x|``."""
    return ufuncs.negative(softplus(ufuncs.negative(_float("log_sigmoid", x))))


def softplus(x: ArrayLike) -> Array:
    """``log(1 + exp(x))``, stable for large ``|x|``."""
    return ufuncs.logaddexp(_float("softplus", x), 0.0)


def sparse_plus(x: ArrayLike) -> Array:
    """0 below -1, ``(x + 1)^2 / 4`` on [-1, 1], ``x`` above."""
    a = _float("sparse_plus", x)
    mid = ufuncs.true_divide(ufuncs.square(ufuncs.add(a, 1.0)), 4.0)
    return _where(ufuncs.less_equal(a, -1.0), 0.0, _where(ufuncs.greater_equal(a, 1.0), a, mid))


def soft_sign(x: ArrayLike) -> Array:
    """``x / (|x| + 1)``."""
    a = _float("soft_sign", x)
    return ufuncs.true_divide(a, ufuncs.add(ufuncs.absolute(a), 1.0))


def silu(x: ArrayLike) -> Array:
    """``x * sigmoid(x)`` (also called swish)."""
    a = _float("silu", x)
    return ufuncs.multiply(a, sigmoid(a))


swish = silu


def gelu(x: ArrayLike, approximate: bool = True) -> Array:
    """The Gaussian error linear unit: ``x * Phi(x)``, by default with the tanh
    approximation ``x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``."""
    a = _float("gelu", x)
    if approximate:
        c = math.sqrt(2 / math.pi)
        inner = ufuncs.multiply(c, ufuncs.add(a, ufuncs.multiply(0.044715, ufuncs.power(a, 3))))
        return ufuncs.multiply(ufuncs.multiply(0.5, a), ufuncs.add(1.0, ufuncs.tanh(inner)))
    return ufuncs.multiply(a, ufuncs.true_divide(erfc(ufuncs.multiply(-1 / math.sqrt(2), a)), 2.0))


def hard_tanh(x: ArrayLike) -> Array:
    """``x`` clipped to [-1, 1]."""
    a = _float("hard_tanh", x)
    return _where(ufuncs.greater(a, 1.0), 1.0, _where(ufuncs.less(a, -1.0), -1.0, a))


def hard_sigmoid(x: ArrayLike) -> Array:
    """``relu6(x + 3) / 6``."""
    return ufuncs.true_divide(relu6(ufuncs.add(_float("hard_sigmoid", x), 3.0)), 6.0)


def hard_silu(x: ArrayLike) -> Array:
    """``x * hard_sigmoid(x)``."""
    a = _float("hard_silu", x)
    return ufuncs.multiply(a, hard_sigmoid(a))


hard_swish = hard_silu


def glu(x: ArrayLike, axis: int = -1) -> Array:
    """The gated linear unit: the first half of ``axis`` times the sigmoid of the second."""
    a = _float("glu", x)
    n = a.shape[axis]
    if n % 2:
        raise ValueError(f"glu: axis {axis} must have even size, got {n}")
    first, second = manipulation.split(a, 2, axis)
    return ufuncs.multiply(first, sigmoid(second))


# ---------------------------------------------------------------------------
# Softmax, one_hot, standardize
# ---------------------------------------------------------------------------


def _masked_max(x: Array, axis: Axis, where: ArrayLike | None) -> Array:
    amax = reductions.max(x, axis=axis, keepdims=True, initial=-np.inf, where=where)
    # A slice with no finite maximum (all masked, or an inf) shifts by 0 instead.
    amax = _where(logic.isfinite(amax), amax, creation.zeros_like(amax))
    return ew.stop_gradient(conversion.broadcast_to(amax, x.shape))


def softmax(x: ArrayLike, axis: Axis = -1, where: ArrayLike | None = None) -> Array:
    """``exp(x) / sum(exp(x))`` over ``axis``; elements outside ``where`` give 0."""
    a = _float("softmax", x)
    unnormalized = ufuncs.exp(ufuncs.subtract(a, _masked_max(a, axis, where)))
    if where is not None:
        unnormalized = _where(where, unnormalized, 0.0)
    total = reductions.sum(unnormalized, axis=axis, keepdims=True)
    return ufuncs.true_divide(unnormalized, total)


def log_softmax(x: ArrayLike, axis: Axis = -1, where: ArrayLike | None = None) -> Array:
    """``x - logsumexp(x)`` over ``axis``; elements outside ``where`` give ``-inf``."""
    a = _float("log_softmax", x)
    shifted = ufuncs.subtract(a, _masked_max(a, axis, where))
    e = ufuncs.exp(shifted)
    if where is not None:
        e = _where(where, e, 0.0)
    out = ufuncs.subtract(shifted, ufuncs.log(reductions.sum(e, axis=axis, keepdims=True)))
    return out if where is None else _where(where, out, -np.inf)


def one_hot(x: ArrayLike, num_classes: int, *, dtype: Any = None, axis: int = -1) -> Array:
    """``x`` (integer class indices) as one-hot vectors of length ``num_classes`` along a
    new ``axis``; indices out of range give all zeros."""
    n = operator.index(num_classes)
    a = conversion.asarray(x)
    ax = axis if axis >= 0 else a.ndim + 1 + axis
    if not 0 <= ax <= a.ndim:
        raise ValueError(f"one_hot: axis {axis} is out of bounds for {a.ndim + 1} dimensions")
    expanded = shapes.expand_dims(a, ax)
    shape = [1] * (a.ndim + 1)
    shape[ax] = n
    idx = shapes.reshape(_arange(n, a.dtype), shape)
    dt = dtypes.default_float_dtype() if dtype is None else dtype
    return conversion.astype(ufuncs.equal(expanded, idx), dt)


def _arange(n: int, dt: Any) -> Array:
    return conversion.asarray(np.arange(n).astype(dtypes.canonicalize_dtype(np.dtype(dt))))


def standardize(
    x: ArrayLike, axis: Axis = -1, mean: ArrayLike | None = None,
    variance: ArrayLike | None = None, epsilon: ArrayLike = 1e-5,
    where: ArrayLike | None = None,
) -> Array:  # fmt: skip
    """``(x - mean) / sqrt(variance + epsilon)`` over ``axis`` (the statistics computed
    when not given; the variance as ``E[x^2] - E[x]^2``, as JAX does)."""
    a = _float("standardize", x)
    m = reductions.mean(a, axis=axis, keepdims=True, where=where) if mean is None else mean
    if variance is None:
        sq = reductions.mean(ufuncs.square(a), axis=axis, keepdims=True, where=where)
        variance = ufuncs.subtract(sq, ufuncs.square(m))
    scale = ufuncs.true_divide(1.0, ufuncs.sqrt(ufuncs.add(variance, epsilon)))
    return ufuncs.multiply(ufuncs.subtract(a, m), scale)
