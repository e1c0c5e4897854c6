"""The gamma family: ``gamma`` and ``loggamma`` (Marsaglia and Tsang's rejection sampler),
and what is built on them: ``beta``, ``dirichlet``, ``chisquare`` and ``t``.

Bits follow JAX's ``random_gamma`` primitive: the key is split into one key per element,
and each element runs Marsaglia and Tsang's loop on its own key (``_gamma_one``), with
``a < 1`` boosted to ``a + 1`` and corrected by a uniform power (in log space for
``loggamma``). The per-element function is batched with the batching interpreter, as
JAX vmaps it, and every sampler body is compiled with ``jit``, as in JAX, so the eager
results are XLA's too.

Derivatives are the implicit reparameterization gradient ``d sample / d a`` (JAX's
``random_gamma_grad``: the series and continued fraction of the incomplete gamma
function's derivative), attached with ``custom_jvp``; the samplers built on gamma
differentiate through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import dtypes
from fad._src.core import Array, DType
from fad._src.custom_derivatives import custom_jvp
from fad._src.interpreters.batch import bdim_at_front
from fad._src.interpreters.programs import batch_fun
from fad._src.jit import jit
from fad._src.prims import elementwise as ew
from fad._src.prims import reductions as red
from fad._src.prims import structural as st
from fad._src.prims.control_flow import while_loop
from fad._src.random import threefry
from fad._src.random.continuous import (
    check_shape,
    float_dtype,
    float_param,
    param_shape,
    sample_normal,
    sample_uniform,
    shape_arg,
)
from fad._src.random.keys import KeyArray, unwrap_key
from fad._src.random.threefry import Shape


def key_row(keys: Array, i: int) -> Array:
    """The ``i``-th key of a ``(n, 2)`` stack of key data."""
    return st.reshape(st.slice_(keys, (i, 0), (i + 1, 2)), (2,))


def split_data(data: Array, num: int) -> list[Array]:
    """``num`` keys split from the key data ``data``, as a list."""
    keys = threefry.split(data, (num,))
    return [key_row(keys, i) for i in range(num)]


def unit_uniform(data: Array, shape: Shape, dtype: DType) -> Array:
    """JAX's ``uniform(key, shape, dtype)`` with the default bounds ``[0, 1)``."""
    return sample_uniform(data, shape, dtype, ew.full(shape, 0, dtype), ew.full(shape, 1, dtype))


def exponential_of(data: Array, shape: Shape, dtype: DType) -> Array:
    """JAX's ``exponential``: ``-log1p(-u)`` for a uniform ``u``."""
    return ew.neg(ew.log1p(ew.neg(unit_uniform(data, shape, dtype))))


# ---------------------------------------------------------------------------
# gamma and loggamma
# ---------------------------------------------------------------------------


def _gamma_one(data: Array, alpha: Array, log_space: bool) -> Array:
    """One Gamma(alpha) sample (scalar ``alpha``) from one key, Marsaglia and Tsang."""
    dt = alpha.dtype

    def c(v: float) -> Array:
        return ew.full((), v, dt)

    zero, one = c(0), c(1)
    boost_mask = ew.ge(alpha, one)
    boosted = ew.select(boost_mask, alpha, ew.add(alpha, one))
    d = ew.sub(boosted, c(1.0 / 3.0))
    scale = ew.div(c(1.0 / 3.0), ew.sqrt(d))

    def keep_going(state: tuple[Array, Array, Array, Array]) -> Array:
        _, x2, v, u = state
        squeeze = ew.ge(u, ew.sub(one, ew.mul(c(0.0331), ew.mul(x2, x2))))
        log_test = ew.ge(
            ew.log(u),
            ew.add(ew.mul(x2, c(0.5)), ew.mul(d, ew.add(ew.sub(one, v), ew.log(v)))),
        )
        return ew.bitwise_and(squeeze, log_test)

    def propose(state: tuple[Array, Array, Array, Array]) -> tuple[Array, Array, Array, Array]:
        def next_normal(s: tuple[Array, Array, Array]) -> tuple[Array, Array, Array]:
            key, sub = split_data(s[0], 2)
            x = sample_normal(sub, (), dt)
            return key, x, ew.add(one, ew.mul(x, scale))

        key, x_key, u_key = split_data(state[0], 3)
        _, x, v = while_loop(lambda s: ew.le(s[2], zero), next_normal, (x_key, zero, c(-1)))
        u = unit_uniform(u_key, (), dt)
        return key, ew.mul(x, x), ew.mul(ew.mul(v, v), v), u

    key, sub = split_data(data, 2)
    # The initial state fails the acceptance test, so the loop runs at least once.
    v = while_loop(keep_going, propose, (key, zero, one, c(2)))[2]
    if log_space:
        log_u = ew.neg(exponential_of(sub, (), dt))
        no_boost = ew.bitwise_or(boost_mask, ew.eq(log_u, zero))
        log_boost = ew.select(no_boost, zero, ew.mul(log_u, ew.div(one, alpha)))
        return ew.add(ew.add(ew.log(d), ew.log(v)), log_boost)
    u = ew.sub(one, unit_uniform(sub, (), dt))
    boost = ew.select(boost_mask, one, ew.pow(u, ew.div(one, alpha)))
    return ew.mul(ew.mul(d, v), boost)


def _gamma_sample(data: Array, a: Array, log_space: bool) -> Array:
    """One sample per element of ``a``, each from its own key split from ``data``."""
    n = a.size
    if n == 0:
        return a
    keys = threefry.split(data, (n,))
    [(out, bdim)] = batch_fun(
        lambda k, al: [_gamma_one(k, al, log_space)], [keys, st.reshape(a, (n,))], [0, 0], n
    )
    return st.reshape(bdim_at_front(out, bdim, n), a.shape)


_gamma_compiled = jit(_gamma_sample, static_argnames=("log_space",))


def _any(pred: Array) -> Array:
    return red.reduce_or(pred, tuple(range(pred.ndim)))


def _sample_derivative_series(x: Array, a: Array, enabled: Array) -> Array:
    """``d sample / d a`` from the power series of the lower incomplete gamma function."""
    dt = a.dtype
    eps = ew.full(a.shape, dtypes.finfo(dt).eps, dt)
    one = ew.full(a.shape, 1, dt)

    def body(vals: tuple[Array, ...]) -> tuple[Array, ...]:
        on, r, c, ans, x_, dc_da, dans_da = vals
        r = ew.add(r, one)
        dc_da = ew.sub(ew.mul(dc_da, ew.div(x_, r)), ew.div(ew.mul(c, x_), ew.mul(r, r)))
        dans_da = ew.add(dans_da, dc_da)
        c = ew.mul(c, ew.div(x_, r))
        ans = ew.add(ans, c)
        more = ew.bitwise_and(on, ew.gt(ew.abs(ew.div(dc_da, dans_da)), eps))
        new = (r, c, ans, x_, dc_da, dans_da)
        return (more, *(ew.select(on, n, o) for n, o in zip(new, vals[1:], strict=True)))

    zero = ew.full(a.shape, 0, dt)
    init: tuple[Array, ...] = (enabled, a, one, one, x, zero, zero)
    vals = while_loop(lambda v: _any(v[0]), body, init)
    ans, dans_da = vals[3], vals[6]
    dlogax_da = ew.sub(ew.log(x), ew.digamma(ew.add(a, one)))
    return ew.div(ew.mul(ew.neg(ew.add(dans_da, ew.mul(ans, dlogax_da))), x), a)


def _sample_derivative_fraction(x: Array, a: Array, enabled: Array) -> Array:
    """``d sample / d a`` from the continued fraction of the upper incomplete gamma function."""
    dt = a.dtype
    shape = a.shape
    eps_value = dtypes.finfo(dt).eps

    def f(v: float) -> Array:
        return ew.full(shape, v, dt)

    eps = f(eps_value)

    def body(vals: tuple[Array, ...]) -> tuple[Array, ...]:
        (on, ans, t, y, z, c, pkm1, qkm1, pkm2, qkm2,
         dpkm2_da, dqkm2_da, dpkm1_da, dqkm1_da, dans_da) = vals  # fmt: skip
        c = ew.add(c, ew.full((), 1, dt))
        cb = st.broadcast_to(c, shape)
        y = ew.add(y, f(1))
        z = ew.add(z, f(2))
        yc = ew.mul(y, cb)
        pk = ew.sub(ew.mul(pkm1, z), ew.mul(pkm2, yc))
        qk = ew.sub(ew.mul(qkm1, z), ew.mul(qkm2, yc))
        nonzero = ew.ne(qk, f(0))
        r = ew.div(pk, qk)
        t = ew.select(nonzero, ew.abs(ew.div(ew.sub(ans, r), r)), f(1))
        ans = ew.select(nonzero, r, ans)
        dpk_da = ew.add(
            ew.sub(ew.sub(ew.mul(dpkm1_da, z), pkm1), ew.mul(dpkm2_da, yc)), ew.mul(pkm2, cb)
        )
        dqk_da = ew.add(
            ew.sub(ew.sub(ew.mul(dqkm1_da, z), qkm1), ew.mul(dqkm2_da, yc)), ew.mul(qkm2, cb)
        )
        dans_da_new = ew.select(nonzero, ew.div(ew.sub(dpk_da, ew.mul(ans, dqk_da)), qk), dans_da)
        grad_change = ew.select(nonzero, ew.abs(ew.sub(dans_da_new, dans_da)), f(1))
        pkm2, pkm1, qkm2, qkm1 = pkm1, pk, qkm1, qk
        dpkm2_da, dqkm2_da, dpkm1_da, dqkm1_da = dpkm1_da, dqkm1_da, dpk_da, dqk_da
        rescale = ew.gt(ew.abs(pk), ew.div(f(1), eps))
        scaled = [
            ew.select(rescale, ew.mul(v, eps), v)
            for v in (pkm2, pkm1, qkm2, qkm1, dpkm2_da, dqkm2_da, dpkm1_da, dqkm1_da)
        ]
        pkm2, pkm1, qkm2, qkm1, dpkm2_da, dqkm2_da, dpkm1_da, dqkm1_da = scaled
        more = ew.bitwise_and(on, ew.gt(grad_change, eps))
        new = (ans, t, y, z)
        rest = (pkm1, qkm1, pkm2, qkm2, dpkm2_da, dqkm2_da, dpkm1_da, dqkm1_da, dans_da_new)
        return (
            more, *(ew.select(on, n, o) for n, o in zip(new, vals[1:5], strict=True)), c,
            *(ew.select(on, n, o) for n, o in zip(rest, vals[6:], strict=True)),
        )  # fmt: skip

    y = ew.sub(f(1), a)
    z = ew.add(ew.add(x, y), f(1))
    pkm1 = ew.add(x, f(1))
    qkm1 = ew.mul(z, x)
    ans = ew.div(pkm1, qkm1)
    dqkm1_da = ew.neg(x)
    dans_da = ew.div(ew.sub(f(0), ew.mul(ans, dqkm1_da)), qkm1)
    init: tuple[Array, ...] = (enabled, ans, f(1), y, z, ew.full((), 0, dt), pkm1, qkm1, f(1),
                               x, f(0), f(0), f(0), dqkm1_da, dans_da)  # fmt: skip

    def keep_going(v: tuple[Array, ...]) -> Array:
        return ew.bitwise_and(ew.lt(v[5], ew.full((), 2000, dt)), _any(v[0]))

    vals = while_loop(keep_going, body, init)
    ans, dans_da = vals[1], vals[14]
    dlogax_da = ew.sub(ew.log(x), ew.digamma(a))
    return ew.neg(ew.mul(ew.add(dans_da, ew.mul(ans, dlogax_da)), x))


def random_gamma_grad(a: Array, x: Array) -> Array:
    """``d x / d a`` for a Gamma(a, 1) sample ``x`` (the implicit reparameterization
    gradient: minus the derivative of the CDF in ``a`` over the density)."""
    dt = a.dtype
    if dt in (dtypes.bfloat16, np.dtype(np.float16)):
        up = np.dtype(np.float32)
        g = random_gamma_grad(ew.convert_element_type(a, up), ew.convert_element_type(x, up))
        return ew.convert_element_type(g, dt)
    shape = a.shape

    def f(v: float) -> Array:
        return ew.full(shape, v, dt)

    is_nan = ew.bitwise_or(ew.ne(a, a), ew.ne(x, x))
    x_is_zero = ew.eq(x, f(0))
    domain_error = ew.bitwise_or(ew.lt(x, f(0)), ew.le(a, f(0)))
    use_fraction = ew.bitwise_and(ew.gt(x, f(1)), ew.gt(x, a))
    ax = ew.sub(ew.sub(ew.mul(a, ew.log(x)), x), ew.lgamma(a))
    underflow = ew.lt(ax, ew.neg(ew.log(f(float(dtypes.finfo(dt).max)))))
    off = ew.bitwise_or(ew.bitwise_or(ew.bitwise_or(x_is_zero, domain_error), underflow), is_nan)
    enabled = ew.bitwise_not(off)
    out = ew.select(
        use_fraction,
        ew.neg(_sample_derivative_fraction(x, a, ew.bitwise_and(enabled, use_fraction))),
        _sample_derivative_series(
            x, a, ew.bitwise_and(enabled, ew.bitwise_not(use_fraction))
        ),
    )
    out = ew.select(x_is_zero, f(0), out)
    return ew.select(ew.bitwise_or(domain_error, is_nan), f(np.nan), out)


def _gamma_grad(sample: Array, a: Array, log_space: bool) -> Array:
    """``d sample / d a`` elementwise; for ``loggamma``, ``d log(sample) / d a``."""
    if not log_space:
        return random_gamma_grad(a, sample)
    x = ew.exp(sample)
    # exp(log sample) can round to zero; the smallest normal float stands in for it.
    x = ew.select(ew.eq(x, ew.full(x.shape, 0, x.dtype)),
                  ew.full(x.shape, dtypes.finfo(x.dtype).tiny, x.dtype), x)  # fmt: skip
    return ew.div(random_gamma_grad(a, x), x)


_gamma_grad_compiled = jit(_gamma_grad, static_argnames=("log_space",))


def _gamma_call(data: Array, a: Array, log_space: bool) -> Array:
    return _gamma_compiled(data, a, log_space=log_space)


_gamma_with_grad = custom_jvp(_gamma_call, nondiff_argnums=(2,))


@_gamma_with_grad.defjvp
def _gamma_jvp(log_space: bool, primals: Any, tangents: Any) -> Any:
    data, a = primals
    a_dot = tangents[1]
    out = _gamma_with_grad(data, a, log_space)
    return out, ew.mul(a_dot, _gamma_grad_compiled(out, a, log_space=log_space))


def sample_gamma(data: Array, a: Array, log_space: bool = False) -> Array:
    """Gamma(a) samples (or their logs), one per element of the float array ``a``;
    differentiable in ``a``."""
    return _gamma_with_grad(data, a, log_space)


def _gamma_api(
    name: str, key: KeyArray, a: Any, shape: Sequence[int] | None, dtype: Any, log_space: bool
) -> Array:
    data, _ = unwrap_key(name, key)
    dt = float_dtype(name, dtype)
    shp = param_shape(name, shape, a)
    return sample_gamma(data, st.broadcast_to(float_param(name, "a", a, dt), shp), log_space)


def gamma(
    key: KeyArray, a: Any, shape: Sequence[int] | None = None, dtype: Any = None
) -> Array:
    """Gamma(a, 1) samples, differentiable in ``a`` (implicit reparameterization).

    Args:
        key: A single key (typed or raw).
        a: The shape parameter (a positive number or array).
        shape: The output shape (default: ``a``'s shape); ``a`` broadcasts to it.
        dtype: A floating-point dtype.

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``key`` is not a key, or ``a`` is not a number or an array.
        ValueError: ``dtype`` is not a float dtype, or ``a`` does not broadcast to ``shape``.

    Examples:
        >>> g = fad.random.gamma(fad.random.key(0), 3.0, (10000,))
        >>> bool(abs(jnp.mean(g) - 3.0) < 0.1)  # the mean of Gamma(a) is a
        True
    """
    return _gamma_api("gamma", key, a, shape, dtype, False)


def loggamma(
    key: KeyArray, a: Any, shape: Sequence[int] | None = None, dtype: Any = None
) -> Array:
    """Logs of Gamma(a, 1) samples, computed in log space (accurate for tiny ``a``, where
    the samples themselves underflow to 0); differentiable in ``a``.

    Args:
        key: A single key (typed or raw).
        a: The shape parameter (a positive number or array).
        shape: The output shape (default: ``a``'s shape); ``a`` broadcasts to it.
        dtype: A floating-point dtype.

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``key`` is not a key, or ``a`` is not a number or an array.
        ValueError: ``dtype`` is not a float dtype, or ``a`` does not broadcast to ``shape``.

    Examples:
        >>> lg = fad.random.loggamma(fad.random.key(0), 1e-3, (3,))
        >>> bool(jnp.all(jnp.isfinite(lg)))  # gamma itself would round to 0 here
        True
    """
    return _gamma_api("loggamma", key, a, shape, dtype, True)


# ---------------------------------------------------------------------------
# Built on gamma
# ---------------------------------------------------------------------------


def _beta(data: Array, a: Array, b: Array) -> Array:
    key_a, key_b = split_data(data, 2)
    log_a = sample_gamma(key_a, a, True)
    log_b = sample_gamma(key_b, b, True)
    # gamma_a / (gamma_a + gamma_b), scaled by the larger one so that neither overflows.
    log_max = ew.max(log_a, log_b)
    ga = ew.exp(ew.sub(log_a, log_max))
    gb = ew.exp(ew.sub(log_b, log_max))
    return ew.div(ga, ew.add(ga, gb))


def beta(
    key: KeyArray, a: Any, b: Any, shape: Sequence[int] | None = None, dtype: Any = None
) -> Array:
    """Beta(a, b) samples, as the ratio of two gamma samples; differentiable in ``a``, ``b``.

    Args:
        key: A single key (typed or raw).
        a: The first shape parameter (positive).
        b: The second shape parameter (positive).
        shape: The output shape (default: the broadcast shape of ``a`` and ``b``).
        dtype: A floating-point dtype.

    Returns:
        An array of ``shape`` and ``dtype`` with values in ``[0, 1]``.

    Raises:
        TypeError: ``key`` is not a key, or a parameter is not a number or an array.
        ValueError: ``dtype`` is not a float dtype, or the parameters do not broadcast to
            ``shape``.

    Examples:
        >>> x = fad.random.beta(fad.random.key(0), 2.0, 6.0, (10000,))
        >>> bool(abs(jnp.mean(x) - 0.25) < 0.01)  # a / (a + b)
        True
    """
    data, _ = unwrap_key("beta", key)
    dt = float_dtype("beta", dtype)
    shp = param_shape("beta", shape, a, b)
    a_arr = st.broadcast_to(float_param("beta", "a", a, dt), shp)
    b_arr = st.broadcast_to(float_param("beta", "b", b, dt), shp)
    return _beta_compiled(data, a_arr, b_arr)


_beta_compiled = jit(_beta)


def _dirichlet(data: Array, alpha: Array) -> Array:
    log_g = sample_gamma(data, alpha, True)
    last = log_g.ndim - 1
    top = st.broadcast_in_dim(
        ew.stop_gradient(red.reduce_max(log_g, (last,))), log_g.shape, tuple(range(last))
    )
    unnormalized = ew.exp(ew.sub(log_g, top))
    total = st.broadcast_in_dim(
        st.reduce_sum(unnormalized, (last,)), log_g.shape, tuple(range(last))
    )
    return ew.div(unnormalized, total)


_dirichlet_compiled = jit(_dirichlet)


def dirichlet(
    key: KeyArray, alpha: Any, shape: Sequence[int] | None = None, dtype: Any = None
) -> Array:
    """Dirichlet(alpha) samples: normalized gamma samples along the last axis of ``alpha``.

    Args:
        key: A single key (typed or raw).
        alpha: Concentrations, shape ``(..., k)`` (positive).
        shape: The batch shape (default: ``alpha.shape[:-1]``); the result has shape
            ``shape + alpha.shape[-1:]``.
        dtype: A floating-point dtype.

    Returns:
        Points of the probability simplex, of ``dtype``.

    Raises:
        TypeError: ``key`` is not a key, or ``alpha`` is not an array.
        ValueError: ``alpha`` is a scalar, ``dtype`` is not a float dtype, or
            ``alpha.shape[:-1]`` does not broadcast to ``shape``.

    Examples:
        >>> p = fad.random.dirichlet(fad.random.key(0), jnp.array([1.0, 2.0, 3.0]))
        >>> p.shape, bool(abs(jnp.sum(p) - 1.0) < 1e-6)
        ((3,), True)
    """
    data, _ = unwrap_key("dirichlet", key)
    dt = float_dtype("dirichlet", dtype)
    al = float_param("dirichlet", "alpha", alpha, dt)
    if al.ndim < 1:
        raise ValueError(f"dirichlet: alpha must have at least one axis, got shape {al.shape}")
    if shape is None:
        batch = al.shape[:-1]
    else:
        batch = shape_arg("dirichlet", shape)
        check_shape("dirichlet", batch, al.shape[:-1])
    return _dirichlet_compiled(data, st.broadcast_to(al, (*batch, al.shape[-1])))


def _chisquare(data: Array, df: Array) -> Array:
    two = ew.full(df.shape, 2, df.dtype)
    return ew.mul(ew.exp(sample_gamma(data, ew.div(df, two), True)), two)


_chisquare_compiled = jit(_chisquare)


def chisquare(
    key: KeyArray, df: Any, shape: Sequence[int] | None = None, dtype: Any = None
) -> Array:
    """Chi-squared samples with ``df`` degrees of freedom (``2 * Gamma(df / 2)``).

    Args:
        key: A single key (typed or raw).
        df: Degrees of freedom (positive).
        shape: The output shape (default: ``df``'s shape).
        dtype: A floating-point dtype.

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``key`` is not a key, or ``df`` is not a number or an array.
        ValueError: ``dtype`` is not a float dtype, or ``df`` does not broadcast to ``shape``.

    Examples:
        >>> x = fad.random.chisquare(fad.random.key(0), 4.0, (10000,))
        >>> bool(abs(jnp.mean(x) - 4.0) < 0.15)  # the mean is df
        True
    """
    data, _ = unwrap_key("chisquare", key)
    dt = float_dtype("chisquare", dtype)
    shp = param_shape("chisquare", shape, df)
    return _chisquare_compiled(data, st.broadcast_to(float_param("chisquare", "df", df, dt), shp))


def _t(data: Array, df: Array) -> Array:
    key_n, key_g = split_data(data, 2)
    n = sample_normal(key_n, df.shape, df.dtype)
    half_df = ew.div(df, ew.full(df.shape, 2, df.dtype))
    g = sample_gamma(key_g, half_df)
    return ew.mul(n, ew.sqrt(ew.div(half_df, g)))


_t_compiled = jit(_t)


def t(key: KeyArray, df: Any, shape: Sequence[int] | None = None, dtype: Any = None) -> Array:
    """Student's t samples with ``df`` degrees of freedom: a normal over the square root of
    an independent ``Gamma(df / 2) / (df / 2)``.

    Args:
        key: A single key (typed or raw).
        df: Degrees of freedom (positive).
        shape: The output shape (default: ``df``'s shape).
        dtype: A floating-point dtype.

    Returns:
        An array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``key`` is not a key, or ``df`` is not a number or an array.
        ValueError: ``dtype`` is not a float dtype, or ``df`` does not broadcast to ``shape``.

    Examples:
        >>> x = fad.random.t(fad.random.key(0), 5.0, (10000,))
        >>> bool(abs(jnp.mean(x)) < 0.05)
        True
    """
    data, _ = unwrap_key("t", key)
    dt = float_dtype("t", dtype)
    shp = param_shape("t", shape, df)
    return _t_compiled(data, st.broadcast_to(float_param("t", "df", df, dt), shp))


__all__ = ["beta", "chisquare", "dirichlet", "gamma", "loggamma", "random_gamma_grad", "t"]
