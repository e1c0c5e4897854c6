"""Counting samplers: ``poisson`` and ``binomial``, JAX's rejection samplers.

``poisson`` multiplies uniforms (Knuth) for rates below 10 and otherwise uses Hörmann's
transformed rejection with squeeze (PTRS); ``binomial`` sums geometric waiting times
(inversion) when ``n * min(p, 1 - p) <= 10`` and otherwise uses Hörmann's BTRS. Both
run one loop over the whole array while any element is unfinished, drawing fresh
uniforms for all elements each round, exactly as JAX does, so the bits agree; the
bodies are compiled with ``jit`` as in JAX.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import dtypes
from fad._src.core import Array, DType
from fad._src.jit import jit
from fad._src.numpy.conversion import promote_inexact
from fad._src.numpy.indexing import take
from fad._src.prims import elementwise as ew
from fad._src.prims import reductions as red
from fad._src.prims import structural as st
from fad._src.prims.control_flow import while_loop
from fad._src.random.continuous import float_param, param_shape, shape_arg
from fad._src.random.gamma import split_data, unit_uniform
from fad._src.random.keys import KeyArray, unwrap_key
from fad._src.random.threefry import Shape

_I32 = np.dtype(np.int32)


def _any(pred: Array) -> Array:
    return red.reduce_or(pred, tuple(range(pred.ndim)))


def _count() -> Array:
    return ew.full((), 0, _I32)


def _step(i: Array) -> Array:
    return ew.add(i, ew.full((), 1, _I32))


class _Consts:
    """Constants of one shape and dtype, ``c(0.5)``, as JAX's weakly typed literals."""

    def __init__(self, shape: Shape, dtype: DType) -> None:
        self.shape, self.dtype = shape, dtype

    def __call__(self, v: float) -> Array:
        return ew.full(self.shape, v, self.dtype)


# ---------------------------------------------------------------------------
# poisson
# ---------------------------------------------------------------------------


def _poisson_knuth(data: Array, lam: Array, dtype: DType) -> Array:
    shape = lam.shape
    f32 = np.dtype(np.float32)
    neg_lam = ew.neg(lam)

    def body(carry: tuple[Array, Array, Array, Array]) -> tuple[Array, Array, Array, Array]:
        i, k, key, log_prod = carry
        key, sub = split_data(key, 2)
        k = ew.select(ew.gt(log_prod, neg_lam), ew.add(k, ew.full(shape, 1, dtype)), k)
        u = unit_uniform(sub, shape, f32)
        return _step(i), k, key, ew.add(log_prod, ew.log(u))

    def going(carry: tuple[Array, Array, Array, Array]) -> Array:
        return _any(ew.gt(carry[3], neg_lam))

    init = (_count(), ew.full(shape, 0, dtype), data, ew.full(shape, 0, f32))
    k = while_loop(going, body, init)[1]
    return ew.sub(k, ew.full(shape, 1, dtype))


def _poisson_rejection(data: Array, lam: Array, dtype: DType) -> Array:
    shape, dt = lam.shape, lam.dtype
    c = _Consts(shape, dt)
    log_lam = ew.log(lam)
    b = ew.add(c(0.931), ew.mul(c(2.53), ew.sqrt(lam)))
    a = ew.add(c(-0.059), ew.mul(c(0.02483), b))
    inv_alpha = ew.add(c(1.1239), ew.div(c(1.1328), ew.sub(b, c(3.4))))
    v_r = ew.sub(c(0.9277), ew.div(c(3.6224), ew.sub(b, c(2))))

    def body(carry: tuple[Array, Array, Array, Array]) -> tuple[Array, Array, Array, Array]:
        i, k_out, accepted, key = carry
        key, sub0, sub1 = split_data(key, 3)
        u = ew.sub(unit_uniform(sub0, shape, dt), c(0.5))
        v = unit_uniform(sub1, shape, dt)
        us = ew.sub(c(0.5), ew.abs(u))
        spread = ew.mul(ew.add(ew.div(ew.mul(c(2), a), us), b), u)
        k = ew.floor(ew.add(ew.add(spread, lam), c(0.43)))
        s = ew.log(ew.div(ew.mul(v, inv_alpha), ew.add(ew.div(a, ew.mul(us, us)), b)))
        t = ew.sub(ew.add(ew.neg(lam), ew.mul(k, log_lam)), ew.lgamma(ew.add(k, c(1))))
        accept1 = ew.bitwise_and(ew.ge(us, c(0.07)), ew.le(v, v_r))
        reject = ew.bitwise_or(
            ew.lt(k, c(0)), ew.bitwise_and(ew.lt(us, c(0.013)), ew.gt(v, us))
        )
        accept = ew.bitwise_or(accept1, ew.bitwise_and(ew.bitwise_not(reject), ew.le(s, t)))
        return _step(i), ew.select(accept, k, k_out), ew.bitwise_or(accepted, accept), key

    def going(carry: tuple[Array, Array, Array, Array]) -> Array:
        return _any(ew.bitwise_not(carry[2]))

    init = (_count(), c(-1), ew.full(shape, False, np.dtype(np.bool_)), data)
    return ew.convert_element_type(while_loop(going, body, init)[1], dtype)


def _poisson(data: Array, lam: Array, *, dtype: DType) -> Array:
    c = _Consts(lam.shape, lam.dtype)
    use_knuth = ew.bitwise_or(ew.ne(lam, lam), ew.lt(lam, c(10)))
    lam_knuth = ew.select(use_knuth, lam, c(0))
    lam_rejection = ew.select(use_knuth, c(100000), lam)
    result = ew.select(
        use_knuth,
        _poisson_knuth(data, lam_knuth, dtype),
        _poisson_rejection(data, lam_rejection, dtype),
    )
    return ew.select(ew.eq(lam, c(0)), ew.full(lam.shape, 0, dtype), result)


_poisson_compiled = jit(_poisson, static_argnames=("dtype",))


def poisson(
    key: KeyArray, lam: Any, shape: Sequence[int] | None = None, dtype: Any = None
) -> Array:
    """Poisson samples with rate ``lam`` (computed in float32, as in JAX).

    Args:
        key: A single key (typed or raw).
        lam: The rate (non-negative), broadcast to ``shape``.
        shape: The output shape (default: ``lam``'s shape).
        dtype: An integer dtype (default: the default integer dtype).

    Returns:
        An integer array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``key`` is not a key, ``lam`` is not a number or an array, or
            ``dtype`` is not an integer dtype.
        ValueError: ``lam`` does not broadcast to ``shape``.

    Examples:
        >>> n = fad.random.poisson(fad.random.key(0), 3.0, (10000,))
        >>> bool(abs(jnp.mean(n) - 3.0) < 0.1)
        True
    """
    data, _ = unwrap_key("poisson", key)
    dt = dtypes.default_int_dtype() if dtype is None else dtypes.check_user_dtype(dtype, "poisson")
    if not dtypes.is_integer(dt):
        raise TypeError(f"poisson: dtype must be an integer dtype, got {dt.name}")
    shp = np.shape(lam) if shape is None else shape_arg("poisson", shape)
    lam_a = float_param("poisson", "lam", lam, np.dtype(np.float32))
    try:
        lam_b = st.broadcast_to(lam_a, tuple(shp))
    except (TypeError, ValueError):
        raise ValueError(
            f"poisson: lam of shape {lam_a.shape} does not broadcast to the shape {tuple(shp)}"
        ) from None
    return _poisson_compiled(data, lam_b, dtype=dt)


# ---------------------------------------------------------------------------
# binomial
# ---------------------------------------------------------------------------

_STIRLING_TAIL = (
    0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
    0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.010411265261972,
    0.00925546218271273, 0.00833056343336287,
)  # fmt: skip


def _stirling_approx_tail(k: Array) -> Array:
    """``log k! - (Stirling's approximation)``: a table for ``k <= 9``, else its series."""
    c = _Consts(k.shape, k.dtype)
    table = Array(np.asarray(_STIRLING_TAIL, k.dtype))
    use_table = ew.le(k, c(9))
    k = ew.clamp(c(0), k, c(9))
    kp1 = ew.add(k, c(1))
    kp1sq = ew.mul(kp1, kp1)
    inner = ew.div(ew.sub(c(1.0 / 360), ew.div(c(1.0 / 1260), kp1sq)), kp1sq)
    approx = ew.div(ew.sub(c(1.0 / 12), inner), kp1)
    idx = ew.convert_element_type(ew.floor(k), _I32)
    return ew.select(use_table, take(table, idx), approx)


def _binomial_inversion(data: Array, count: Array, prob: Array, dtype: DType) -> Array:
    shape, dt = prob.shape, prob.dtype
    c = _Consts(shape, dt)
    log1m_prob = ew.log1p(ew.neg(prob))

    def body(carry: tuple[Array, Array, Array, Array]) -> tuple[Array, Array, Array, Array]:
        i, num_geom, geom_sum, key = carry
        sub, key = split_data(key, 2)
        num_geom = ew.select(ew.le(geom_sum, count), ew.add(num_geom, c(1)), num_geom)
        u = unit_uniform(sub, shape, dt)
        geom = ew.ceil(ew.div(ew.log(u), log1m_prob))
        return _step(i), num_geom, ew.add(geom_sum, geom), key

    def going(carry: tuple[Array, Array, Array, Array]) -> Array:
        return _any(ew.le(carry[2], count))

    k = while_loop(going, body, (_count(), c(0), c(0), data))[1]
    return ew.convert_element_type(ew.sub(k, c(1)), dtype)


def _btrs(data: Array, count: Array, prob: Array, dtype: DType) -> Array:
    shape, dt = prob.shape, prob.dtype
    c = _Consts(shape, dt)
    one_m_p = ew.sub(c(1), prob)
    stddev = ew.sqrt(ew.mul(ew.mul(count, prob), one_m_p))
    b = ew.add(c(1.15), ew.mul(c(2.53), stddev))
    a = ew.add(ew.add(c(-0.0873), ew.mul(c(0.0248), b)), ew.mul(c(0.01), prob))
    cc = ew.add(ew.mul(count, prob), c(0.5))
    v_r = ew.sub(c(0.92), ew.div(c(4.2), b))
    r = ew.div(prob, one_m_p)
    alpha = ew.mul(ew.add(c(2.83), ew.div(c(5.1), b)), stddev)
    m = ew.floor(ew.mul(ew.add(count, c(1)), prob))
    # Terms of the log-density bound that do not depend on the proposal k.
    count_m1 = ew.add(ew.sub(count, m), c(1))
    head = ew.mul(ew.add(m, c(0.5)), ew.log(ew.div(ew.add(m, c(1)), ew.mul(r, count_m1))))
    tail_m = _stirling_approx_tail(m)
    tail_count_m = _stirling_approx_tail(ew.sub(count, m))

    def body(carry: tuple[Array, Array, Array, Array]) -> tuple[Array, Array, Array, Array]:
        i, k_out, accepted, key = carry
        key, sub0, sub1 = split_data(key, 3)
        u = unit_uniform(sub0, shape, dt)
        v = unit_uniform(sub1, shape, dt)
        u = ew.sub(u, c(0.5))
        us = ew.sub(c(0.5), ew.abs(u))
        accept1 = ew.bitwise_and(ew.ge(us, c(0.07)), ew.le(v, v_r))
        k = ew.floor(ew.add(ew.mul(ew.add(ew.div(ew.mul(c(2), a), us), b), u), cc))
        reject = ew.bitwise_or(ew.lt(k, c(0)), ew.gt(k, count))
        v = ew.log(ew.div(ew.mul(v, alpha), ew.add(ew.div(a, ew.mul(us, us)), b)))
        count_k1 = ew.add(ew.sub(count, k), c(1))
        ub = ew.add(head, ew.mul(ew.add(count, c(1)), ew.log(ew.div(count_m1, count_k1))))
        ub = ew.add(ub, ew.mul(ew.add(k, c(0.5)),
                               ew.log(ew.div(ew.mul(r, count_k1), ew.add(k, c(1))))))  # fmt: skip
        ub = ew.add(ew.add(ub, tail_m), tail_count_m)
        ub = ew.sub(ew.sub(ub, _stirling_approx_tail(k)), _stirling_approx_tail(ew.sub(count, k)))
        accept = ew.bitwise_or(accept1, ew.bitwise_and(ew.bitwise_not(reject), ew.le(v, ub)))
        return _step(i), ew.select(accept, k, k_out), ew.bitwise_or(accepted, accept), key

    def going(carry: tuple[Array, Array, Array, Array]) -> Array:
        return _any(ew.bitwise_not(carry[2]))

    init = (_count(), c(-1), ew.full(shape, False, np.dtype(np.bool_)), data)
    return ew.convert_element_type(while_loop(going, body, init)[1], dtype)


def _binomial(data: Array, count: Array, prob: Array, *, dtype: DType) -> Array:
    c = _Consts(prob.shape, prob.dtype)
    p_lt_half = ew.lt(prob, c(0.5))
    q = ew.select(p_lt_half, prob, ew.sub(c(1), prob))
    count_nan_or_neg = ew.bitwise_or(ew.ne(count, count), ew.lt(count, c(0)))
    count_inf = ew.eq(ew.abs(count), c(np.inf))
    q_is_nan = ew.ne(q, q)
    q_l_0 = ew.lt(q, c(0))
    q = ew.select(ew.bitwise_or(q_is_nan, q_l_0), c(0.01), q)
    use_inversion = ew.bitwise_or(count_nan_or_neg, ew.le(ew.mul(count, q), c(10)))
    count = ew.floor(count)
    count_inv = ew.select(use_inversion, count, c(0))
    count_btrs = ew.select(use_inversion, c(10000), count)
    q_btrs = ew.select(use_inversion, c(0.5), q)
    samples = ew.select(
        use_inversion,
        _binomial_inversion(data, count_inv, q, dtype),
        _btrs(data, count_btrs, q_btrs, dtype),
    )
    shape = prob.shape
    invalid = ew.bitwise_or(ew.bitwise_or(q_l_0, q_is_nan), count_nan_or_neg)
    samples = ew.select(invalid, ew.full(shape, np.nan, dtype), samples)
    finite_valid = ew.bitwise_and(count_inf, ew.bitwise_not(invalid))
    samples = ew.select(finite_valid, ew.full(shape, np.inf, dtype), samples)
    direct = ew.bitwise_or(ew.bitwise_or(ew.bitwise_or(p_lt_half, count_nan_or_neg), q_is_nan),
                           count_inf)  # fmt: skip
    return ew.select(direct, samples, ew.sub(ew.convert_element_type(count, dtype), samples))


_binomial_compiled = jit(_binomial, static_argnames=("dtype",))


def binomial(
    key: KeyArray, n: Any, p: Any, shape: Sequence[int] | None = None, dtype: Any = None
) -> Array:
    """Binomial samples: the number of successes in ``n`` trials of probability ``p``, as
    floats (``nan`` for invalid ``n`` or ``p``, ``inf`` for infinite ``n``).

    Args:
        key: A single key (typed or raw).
        n: The number of trials (rounded down).
        p: The success probability.
        shape: The output shape (default: the broadcast shape of ``n`` and ``p``).
        dtype: A floating-point dtype for the counts.

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``key`` is not a key, or ``n`` or ``p`` is not a number or an array.
        ValueError: ``dtype`` is not a float dtype, or ``n`` and ``p`` do not broadcast to
            ``shape``.

    Examples:
        >>> x = fad.random.binomial(fad.random.key(0), 20.0, 0.3, (10000,))
        >>> bool(abs(jnp.mean(x) - 6.0) < 0.1)
        True
    """
    data, _ = unwrap_key("binomial", key)
    dt = (
        dtypes.default_float_dtype() if dtype is None
        else dtypes.check_user_dtype(dtype, "binomial")
    )  # fmt: skip
    if not dtypes.is_float(dt):
        raise ValueError(f"binomial: dtype must be a float dtype, got {dt.name}")
    shp = param_shape("binomial", shape, n, p)
    (prob,) = promote_inexact("binomial", p)
    count = ew.convert_element_type(promote_inexact("binomial", n)[0], prob.dtype)
    return _binomial_compiled(
        data, st.broadcast_to(count, shp), st.broadcast_to(prob, shp), dtype=dt
    )


__all__ = ["binomial", "poisson"]
