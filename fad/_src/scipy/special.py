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
from fad._src.numpy import ufuncs as uf
from fad._src.numpy.conversion import Axis
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st
from fad._src.prims.control_flow import fori_loop


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
    where: ArrayLike | None = None,
) -> Array: ...
@overload
def logsumexp(
    a: ArrayLike,
    axis: Axis = None,
    b: ArrayLike | None = None,
    keepdims: bool = False,
    *,
    return_sign: Literal[True],
    where: ArrayLike | None = None,
) -> tuple[Array, Array]: ...
def logsumexp(
    a: ArrayLike,
    axis: Axis = None,
    b: ArrayLike | None = None,
    keepdims: bool = False,
    return_sign: bool = False,
    where: ArrayLike | None = None,
) -> Array | tuple[Array, Array]:
    """``log(sum(b * exp(a)))`` over ``axis``, computed without overflow.

    The maximum is subtracted first and treated as a constant (``stop_gradient``),
    so the gradient is exactly ``softmax``; an all ``-inf`` slice gives ``-inf`` (with
    gradient 0).
    With ``b`` the sum may be negative: ``return_sign=True`` returns
    ``(log|sum|, sign)``, otherwise a negative sum gives nan (as in scipy). Entries
    outside ``where`` (a boolean mask broadcast to ``a``) are left out of the sum.
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
    if where is not None:
        # Entries outside ``where`` take no part: they count as -inf with weight 0.
        mask = conversion.broadcast_to(logic.to_bool(where), x.shape)
        x = sorting.where(mask, x, ew.full_like(x, -np.inf))
        if w is not None:
            w = sorting.where(mask, w, ew.zeros_like(w))
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


# ---------------------------------------------------------------------------
# Gamma-function family, combinatorics and entropies (closed forms over lgamma)
# ---------------------------------------------------------------------------


def _reals(name: str, *xs: ArrayLike) -> list[Array]:
    """``xs`` promoted to one float dtype and broadcast to one shape (complex refused)."""
    arrs = conversion.promote_inexact(name, *xs)
    if dtypes.is_complex(arrs[0].dtype):
        raise TypeError(f"{name} does not accept complex values, got dtype {arrs[0].dtype.name}")
    return conversion.broadcast_arrays(*arrs)


def _is_nonpos_int(x: Array) -> Array:
    return logic.logical_and(ew.le(x, ew.zeros_like(x)), ew.eq(x, ew.floor(x)))


def gammasgn(x: ArrayLike) -> Array:
    """The sign of ``Gamma(x)``: 1 for ``x > 0``, ``(-1)^floor(x)`` below, nan at poles."""
    (a,) = _reals("gammasgn", x)
    odd = ew.ne(ew.rem(ew.floor(a), ew.full_like(a, 2)), ew.zeros_like(a))
    neg = logic.logical_and(ew.lt(a, ew.zeros_like(a)), odd)
    sgn = sorting.where(neg, ew.full_like(a, -1.0), ew.ones_like(a))
    pole = logic.logical_and(_is_nonpos_int(a), ew.ne(a, ew.zeros_like(a)))
    return sorting.where(pole, ew.full_like(a, np.nan), sgn)


def gamma(x: ArrayLike) -> Array:
    """``Gamma(x)`` as ``gammasgn(x) * exp(gammaln(x))`` (inf at 0, nan at negative poles)."""
    (a,) = _reals("gamma", x)
    return ew.mul(gammasgn(a), ew.exp(ew.lgamma(a)))


def loggamma(x: ArrayLike) -> Array:
    """``log(Gamma(x))`` for real ``x``: nan where ``Gamma(x) < 0`` (scipy's real branch)."""
    (a,) = _reals("loggamma", x)
    return sorting.where(
        ew.lt(gammasgn(a), ew.zeros_like(a)), ew.full_like(a, np.nan), ew.lgamma(a)
    )


def betaln(a: ArrayLike, b: ArrayLike) -> Array:
    """``log|B(a, b)|``."""
    x, y = _reals("betaln", a, b)
    return ew.sub(ew.add(ew.lgamma(x), ew.lgamma(y)), ew.lgamma(ew.add(x, y)))


def beta(a: ArrayLike, b: ArrayLike) -> Array:
    """``B(a, b) = Gamma(a) Gamma(b) / Gamma(a + b)``, with its sign."""
    x, y = _reals("beta", a, b)
    sgn = ew.mul(ew.mul(gammasgn(x), gammasgn(y)), gammasgn(ew.add(x, y)))
    return ew.mul(sgn, ew.exp(betaln(x, y)))


def factorial(n: ArrayLike, exact: bool = False) -> Array:
    """``n!`` as ``Gamma(n + 1)``, 0 for ``n < 0`` (``exact=True`` is not supported, as in JAX)."""
    if exact:
        raise NotImplementedError("factorial: exact=True is not supported; use exact=False")
    (x,) = _reals("factorial", n)
    zero = ew.zeros_like(x)
    safe = sorting.where(ew.lt(x, zero), zero, x)
    return sorting.where(ew.lt(x, zero), zero, ew.exp(ew.lgamma(ew.add(safe, ew.ones_like(x)))))


def comb(N: ArrayLike, k: ArrayLike, *, repetition: bool = False) -> Array:
    """``N choose k`` through ``gammaln`` (0 outside ``0 <= k <= N``); with ``repetition``,
    ``N + k - 1 choose k``."""
    n, kk = _reals("comb", N, k)
    if repetition:
        n = ew.sub(ew.add(n, kk), ew.ones_like(n))
    zero, one = ew.zeros_like(n), ew.ones_like(n)
    ok = logic.logical_and(ew.ge(kk, zero), logic.logical_and(ew.ge(n, kk), ew.ge(n, zero)))
    n_s, k_s = sorting.where(ok, n, one), sorting.where(ok, kk, zero)
    log_c = ew.sub(
        ew.lgamma(ew.add(n_s, one)),
        ew.add(ew.lgamma(ew.add(k_s, one)), ew.lgamma(ew.add(ew.sub(n_s, k_s), one))),
    )
    return sorting.where(ok, ew.exp(log_c), zero)


def poch(z: ArrayLike, m: ArrayLike) -> Array:
    """The rising factorial ``Gamma(z + m) / Gamma(z)``."""
    x, y = _reals("poch", z, m)
    s = ew.add(x, y)
    sgn = ew.mul(gammasgn(s), gammasgn(x))
    out = ew.mul(sgn, ew.exp(ew.sub(ew.lgamma(s), ew.lgamma(x))))
    # m == 0 gives 1 even at the poles of Gamma(z).
    return sorting.where(ew.eq(y, ew.zeros_like(y)), ew.ones_like(out), out)


def multigammaln(a: ArrayLike, d: int) -> Array:
    """The log of the multivariate gamma function of dimension ``d`` (a Python int)."""
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
        raise ValueError(f"multigammaln: d must be a positive integer, got {d!r}")
    (x,) = _reals("multigammaln", a)
    out = ew.full_like(x, d * (d - 1) / 4 * np.log(np.pi))
    for j in range(d):
        out = ew.add(out, ew.lgamma(ew.sub(x, ew.full_like(x, j / 2))))
    return out


def rel_entr(p: ArrayLike, q: ArrayLike) -> Array:
    """``p log(p / q)`` for ``p, q > 0``; 0 for ``p == 0, q >= 0``; inf otherwise."""
    x, y = _reals("rel_entr", p, q)
    zero = ew.zeros_like(x)
    pos = logic.logical_and(ew.gt(x, zero), ew.gt(y, zero))
    xs, ys = sorting.where(pos, x, ew.ones_like(x)), sorting.where(pos, y, ew.ones_like(y))
    val = ew.mul(xs, ew.log(ew.div(xs, ys)))
    zero_case = logic.logical_and(ew.eq(x, zero), ew.ge(y, zero))
    return sorting.where(pos, val, sorting.where(zero_case, zero, ew.full_like(x, np.inf)))


def kl_div(p: ArrayLike, q: ArrayLike) -> Array:
    """``p log(p / q) - p + q`` for ``p, q > 0``; ``q`` for ``p == 0, q >= 0``; inf otherwise."""
    x, y = _reals("kl_div", p, q)
    zero = ew.zeros_like(x)
    ok = logic.logical_or(
        logic.logical_and(ew.gt(x, zero), ew.gt(y, zero)),
        logic.logical_and(ew.eq(x, zero), ew.ge(y, zero)),
    )
    r = rel_entr(x, y)
    return sorting.where(ok, ew.add(ew.sub(r, x), y), ew.full_like(x, np.inf))


def _boxcox(name: str, x: ArrayLike, lmbda: ArrayLike, log_fn: Any) -> Array:
    a, lam = _reals(name, x, lmbda)
    zero = ew.eq(lam, ew.zeros_like(lam))
    safe = sorting.where(zero, ew.ones_like(lam), lam)
    logx = log_fn(a)
    out: Array = sorting.where(zero, logx, ew.div(ew.expm1(ew.mul(safe, logx)), safe))
    return out


def boxcox(x: ArrayLike, lmbda: ArrayLike) -> Array:
    """The Box-Cox transform ``(x^lmbda - 1) / lmbda`` (``log x`` at ``lmbda == 0``)."""
    return _boxcox("boxcox", x, lmbda, ew.log)


def boxcox1p(x: ArrayLike, lmbda: ArrayLike) -> Array:
    """The Box-Cox transform of ``1 + x``, accurate for small ``x``."""
    return _boxcox("boxcox1p", x, lmbda, ew.log1p)


# ---------------------------------------------------------------------------
# Series, continued fractions and quadratures
#
# Each function below is a fixed-length computation over fad primitives: a series or a
# continued fraction run for a fixed number of terms (``fori_loop`` with constant bounds is
# a ``scan``, so reverse mode works), or a Gauss-Legendre quadrature. Regimes are chosen
# per element with ``where``; each regime is fed a harmless stand-in where it is not
# used, so neither values nor gradients pick up an inf or nan from the unused side.
# Derivatives are those of the converged approximation, in every argument.
# ---------------------------------------------------------------------------

_TINY = 1e-30  # Lentz's guard against a zero denominator (representable in float32)


def _w(c: ArrayLike, x: ArrayLike, y: ArrayLike) -> Array:
    return sorting.where(c, x, y)


def _guard(d: Array) -> Array:
    return _w(ew.lt(ew.abs(d), ew.full_like(d, _TINY)), ew.full_like(d, _TINY), d)


def _gauss_legendre(n: int, dtype: Any) -> tuple[Array, Array]:
    """Nodes and weights of the ``n``-point Gauss-Legendre rule on ``[0, 1]``."""
    u, w = np.polynomial.legendre.leggauss(n)
    return conversion.asarray((u + 1) / 2, dtype), conversion.asarray(w / 2, dtype)


def _quad(f: Any, lo: Array, hi: Array, n: int) -> Array:
    """``integral_lo^hi f(t) dt`` by ``n``-point Gauss-Legendre (elementwise in lo, hi)."""
    u, w = _gauss_legendre(n, lo.dtype)
    span = hi - lo
    t = lo[..., None] + span[..., None] * u
    total: Array = reductions.sum(f(t) * w, axis=-1)
    return total * span


def _log_front(a: Array, x: Array) -> Array:
    """``a log x - x - log Gamma(a)``: the log of the gammainc prefactor."""
    return a * uf.log(x) - x - ew.lgamma(a)


def _gammainc_series(a: Array, x: Array, n: int) -> Array:
    """``P(a, x)`` by its power series (converges fast for ``x < a + 1``)."""

    def body(i: Array, c: tuple[Array, Array]) -> tuple[Array, Array]:
        term, total = c
        term = term * x / (a + i.astype(a.dtype))
        return term, total + term

    _, total = fori_loop(1, n, body, (1.0 / a, 1.0 / a))
    return uf.exp(_log_front(a, x)) * total


def _gammaincc_cf(a: Array, x: Array, n: int) -> Array:
    """``Q(a, x)`` by its continued fraction, evaluated by modified Lentz (``x >= a + 1``)."""
    b0 = x + 1.0 - a
    d0 = 1.0 / _guard(b0)

    def body(i: Array, c: tuple[Array, Array, Array, Array]) -> tuple[Array, Array, Array, Array]:
        b, cc, d, h = c
        fi = i.astype(a.dtype)
        an = -fi * (fi - a)
        b = b + 2.0
        d = 1.0 / _guard(an * d + b)
        cc = _guard(b + an / cc)
        return b, cc, d, h * d * cc

    _, _, _, h = fori_loop(1, n, body, (b0, ew.full_like(a, 1 / _TINY), d0, d0))
    return uf.exp(_log_front(a, x)) * h


def _gammainc_pair(name: str, a: ArrayLike, x: ArrayLike) -> tuple[Array, Array, Array, Array]:
    """``(P, Q, valid, x == 0)`` with the series or the continued fraction per element."""
    aa, xx = _reals(name, a, x)
    zero, one = ew.zeros_like(xx), ew.ones_like(xx)
    valid = logic.logical_and(ew.gt(aa, zero), ew.ge(xx, zero))
    a_s = _w(valid, aa, one)
    use_series = ew.lt(xx, a_s + 1.0)
    at_zero = ew.eq(xx, zero)
    x_series = _w(logic.logical_and(use_series, ew.gt(xx, zero)), xx, a_s)
    at_inf = ew.eq(xx, ew.full_like(xx, np.inf))
    cf_ok = logic.logical_and(valid, logic.logical_not(logic.logical_or(use_series, at_inf)))
    x_cf = _w(cf_ok, xx, a_s + 1.0)
    n = 200  # enough for a up to about 500 (each regime converges in O(sqrt(a)) terms)
    p_series = _gammainc_series(a_s, x_series, n)
    q_cf = _gammaincc_cf(a_s, x_cf, n)
    p = _w(use_series, p_series, _w(at_inf, one, 1.0 - q_cf))
    q = _w(use_series, 1.0 - p_series, _w(at_inf, zero, q_cf))
    return p, q, valid, at_zero


def gammainc(a: ArrayLike, x: ArrayLike) -> Array:
    """The regularized lower incomplete gamma function ``P(a, x)`` (``a > 0``, ``x >= 0``).

    Its derivative in ``x`` is ``x^(a-1) e^-x / Gamma(a)``; in ``a`` it is that of the
    converged series or continued fraction.
    """
    p, _, valid, at_zero = _gammainc_pair("gammainc", a, x)
    p = _w(at_zero, ew.zeros_like(p), p)
    return _w(valid, p, ew.full_like(p, np.nan))


def gammaincc(a: ArrayLike, x: ArrayLike) -> Array:
    """The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``."""
    _, q, valid, at_zero = _gammainc_pair("gammaincc", a, x)
    q = _w(at_zero, ew.ones_like(q), q)
    return _w(valid, q, ew.full_like(q, np.nan))


def _betacf(a: Array, b: Array, x: Array, n: int) -> Array:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    d0 = 1.0 / _guard(1.0 - qab * x / qap)

    def body(i: Array, c: tuple[Array, Array, Array]) -> tuple[Array, Array, Array]:
        cc, d, h = c
        m = i.astype(a.dtype)
        m2 = 2.0 * m
        for aa in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 / _guard(1.0 + aa * d)
            cc = _guard(1.0 + aa / cc)
            h = h * d * cc
        return cc, d, h

    _, _, h = fori_loop(1, n, body, (ew.ones_like(a), d0, d0))
    return h


def betainc(a: ArrayLike, b: ArrayLike, x: ArrayLike) -> Array:
    """The regularized incomplete beta function ``I_x(a, b)`` (``a, b > 0``, ``0 <= x <= 1``)."""
    aa, bb, xx = _reals("betainc", a, b, x)
    zero, one = ew.zeros_like(xx), ew.ones_like(xx)
    valid = logic.logical_and(
        logic.logical_and(ew.gt(aa, zero), ew.gt(bb, zero)),
        logic.logical_and(ew.ge(xx, zero), ew.le(xx, one)),
    )
    interior = logic.logical_and(valid, logic.logical_and(ew.gt(xx, zero), ew.lt(xx, one)))
    a_s, b_s = _w(valid, aa, one), _w(valid, bb, one)
    x_s = _w(interior, xx, ew.full_like(xx, 0.5))
    # The fraction converges fast below the mean; above it, use I_x(a, b) = 1 - I_{1-x}(b, a).
    swap = ew.gt(x_s, (a_s + 1.0) / (a_s + b_s + 2.0))
    p, q, y = _w(swap, b_s, a_s), _w(swap, a_s, b_s), _w(swap, 1.0 - x_s, x_s)
    log_front = p * uf.log(y) + q * uf.log1p(-y) - betaln(p, q)
    r = uf.exp(log_front) * _betacf(p, q, y, 200) / p
    out = _w(swap, 1.0 - r, r)
    out = _w(interior, out, _w(ew.eq(xx, zero), zero, one))
    return _w(valid, out, ew.full_like(out, np.nan))


def _expn_cf(nf: Array, x: Array, n: int) -> Array:
    """``E_n(x)`` by its continued fraction (modified Lentz; ``x > 1``)."""
    nm1 = nf - 1.0
    b0 = x + nf
    d0 = 1.0 / _guard(b0)

    def body(i: Array, c: tuple[Array, Array, Array, Array]) -> tuple[Array, Array, Array, Array]:
        b, cc, d, h = c
        fi = i.astype(x.dtype)
        an = -fi * (nm1 + fi)
        b = b + 2.0
        d = 1.0 / _guard(an * d + b)
        cc = _guard(b + an / cc)
        return b, cc, d, h * d * cc

    _, _, _, h = fori_loop(1, n, body, (b0, ew.full_like(x, 1 / _TINY), d0, d0))
    return h * uf.exp(-x)


def _expn_series(nf: Array, x: Array, n: int) -> Array:
    """``E_n(x)`` by its power series (``0 < x <= 1``); the term ``i = n - 1`` carries the
    logarithm."""
    nm1 = nf - 1.0
    is_one = ew.eq(nm1, ew.zeros_like(nm1))
    log_x = uf.log(x)
    psi_n = ew.digamma(_w(is_one, ew.ones_like(nf), nf))
    start = _w(is_one, -log_x - np.euler_gamma, 1.0 / _w(is_one, ew.ones_like(nm1), nm1))

    def body(i: Array, c: tuple[Array, Array]) -> tuple[Array, Array]:
        fact, total = c
        fi = i.astype(x.dtype)
        fact = fact * (-x / fi)
        hit = uf.equal(fi, nm1)
        term = _w(hit, fact * (psi_n - log_x), -fact / _w(hit, ew.ones_like(nm1), fi - nm1))
        return fact, total + term

    _, total = fori_loop(1, n, body, (ew.ones_like(x), start))
    return total


def expn(n: ArrayLike, x: ArrayLike) -> Array:
    """The generalized exponential integral ``E_n(x) = int_1^inf e^(-xt) / t^n dt``
    (integer ``n >= 0``, ``x >= 0``; differentiable in ``x``)."""
    nf, xx = _reals("expn", n, x)
    nf = ew.stop_gradient(nf)
    zero, one = ew.zeros_like(xx), ew.ones_like(xx)
    valid = logic.logical_and(
        logic.logical_and(ew.ge(nf, zero), ew.eq(nf, ew.floor(nf))), ew.ge(xx, zero)
    )
    n_s = _w(ew.ge(nf, one), nf, one)
    pos = ew.gt(xx, zero)
    big = ew.gt(xx, one)
    x_cf = _w(big, xx, ew.full_like(xx, 2.0))
    x_ser = _w(logic.logical_and(pos, logic.logical_not(big)), xx, ew.full_like(xx, 0.5))
    out = _w(big, _expn_cf(n_s, x_cf, 120), _expn_series(n_s, x_ser, 60))
    x_pos = _w(pos, xx, one)
    out = _w(ew.eq(nf, zero), uf.exp(-x_pos) / x_pos, out)
    # E_n(0) = 1 / (n - 1) for n > 1, and inf for n <= 1.
    at_zero = _w(ew.gt(nf, one), 1.0 / _w(ew.gt(nf, one), nf - 1.0, one), ew.full_like(xx, np.inf))
    out = _w(pos, out, at_zero)
    return _w(valid, out, ew.full_like(out, np.nan))


def exp1(x: ArrayLike) -> Array:
    """The exponential integral ``E_1(x)`` for ``x >= 0`` (nan below)."""
    (xx,) = _reals("exp1", x)
    return expn(ew.ones_like(xx), xx)


def expi(x: ArrayLike) -> Array:
    """The exponential integral ``Ei(x)``: a power series up to 40, the asymptotic series
    beyond, and ``-E_1(-x)`` for negative ``x``."""
    (xx,) = _reals("expi", x)
    zero = ew.zeros_like(xx)
    pos = ew.gt(xx, zero)
    big = ew.gt(xx, ew.full_like(xx, 40.0))
    x_ser = _w(logic.logical_and(pos, logic.logical_not(big)), xx, ew.ones_like(xx))

    def body(i: Array, c: tuple[Array, Array]) -> tuple[Array, Array]:
        term, total = c
        fi = i.astype(xx.dtype)
        term = term * x_ser / fi
        return term, total + term / fi

    _, series = fori_loop(1, 150, body, (ew.ones_like(xx), zero))
    small = np.euler_gamma + uf.log(x_ser) + series
    x_big = _w(big, xx, ew.full_like(xx, 50.0))

    def body_asym(i: Array, c: tuple[Array, Array]) -> tuple[Array, Array]:
        term, total = c
        term = term * i.astype(xx.dtype) / x_big
        return term, total + term

    _, asym = fori_loop(1, 40, body_asym, (ew.ones_like(xx), ew.ones_like(xx)))
    large = uf.exp(x_big) / x_big * asym
    x_neg = _w(pos, ew.ones_like(xx), -xx)
    neg = -_w(ew.eq(xx, zero), ew.full_like(xx, np.inf), exp1(x_neg))
    return _w(pos, _w(big, large, small), neg)


def _bernoulli_numbers(n: int) -> list[float]:
    """``B_0 .. B_n`` (``B_1 = -1/2``), exactly by the Akiyama-Tanigawa algorithm."""
    from fractions import Fraction

    out: list[float] = []
    row: list[Fraction] = []
    for m in range(n + 1):
        row.append(Fraction(1, m + 1))
        for j in range(m, 0, -1):
            row[j - 1] = j * (row[j - 1] - row[j])
        out.append(float(row[0]))
    if n >= 1:
        out[1] = -0.5  # the algorithm gives B_1 = +1/2; scipy's convention is -1/2
    return out


def bernoulli(n: int) -> Array:
    """The Bernoulli numbers ``B_0 .. B_n`` (a static non-negative int ``n``)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"bernoulli: n must be a non-negative integer, got {n!r}")
    return conversion.asarray(np.array(_bernoulli_numbers(int(n))), dtypes.default_float_dtype())


_ZETA_TERMS = 9  # direct terms of the Euler-Maclaurin sum
_ZETA_CORRECTIONS = 12  # Bernoulli corrections
_ZETA_SHIFTS = 32  # how far below 0 q may be (nan beyond)
_B2J = _bernoulli_numbers(2 * _ZETA_CORRECTIONS)


def zeta(x: ArrayLike, q: ArrayLike | None = None) -> Array:
    """The Hurwitz zeta function ``sum_k (k + q)^-x`` (``q=None``: Riemann's, ``q = 1``) for
    ``x >= 1``, by Euler-Maclaurin summation: inf at ``x == 1`` and at ``q = 0, -1, ...``;
    ``-32 < q < 0`` is shifted up by direct terms."""
    s, qq = _reals("zeta", x, 1.0 if q is None else q)
    one, zero = ew.ones_like(s), ew.zeros_like(s)
    pole = _is_nonpos_int(qq)
    valid = logic.logical_and(ew.ge(s, one), logic.logical_not(pole))
    s_s = _w(ew.gt(s, one), s, ew.full_like(s, 2.0))
    # A negative q is shifted up: zeta(s, q) = sum_{k < m} (q + k)^-s + zeta(s, q + m).
    shift = _w(logic.logical_and(valid, ew.lt(qq, zero)), ew.ceil(-qq), zero)
    q_s = _w(valid, qq + shift, one)
    total = zeros = ew.zeros_like(s)
    for k in range(_ZETA_SHIFTS):
        inside = ew.lt(ew.full_like(s, float(k)), shift)
        base_k = _w(inside, qq + float(k), one)
        total = total + _w(inside, uf.power(base_k, -s_s), zeros)
    out_of_reach = ew.gt(shift, ew.full_like(s, float(_ZETA_SHIFTS)))
    valid = logic.logical_and(valid, logic.logical_not(out_of_reach))
    for k in range(_ZETA_TERMS):
        total = total + uf.power(q_s + float(k), -s_s)
    base = q_s + float(_ZETA_TERMS)
    total = total + uf.power(base, 1.0 - s_s) / (s_s - 1.0) + 0.5 * uf.power(base, -s_s)
    rising = s_s  # s (s+1) ... (s + 2j - 2)
    fact = 2.0  # (2j)!
    inv_base_pow = uf.power(base, -s_s - 1.0)
    for j in range(1, _ZETA_CORRECTIONS + 1):
        total = total + (_B2J[2 * j] / fact) * rising * inv_base_pow
        rising = rising * (s_s + (2 * j - 1)) * (s_s + 2 * j)
        fact *= (2 * j + 1) * (2 * j + 2)
        inv_base_pow = inv_base_pow / (base * base)
    out = _w(logic.logical_or(ew.eq(s, one), pole), ew.full_like(s, np.inf), total)
    return _w(logic.logical_or(valid, pole), out, ew.full_like(out, np.nan))


def _dilog_series(z: Array) -> Array:
    """``Li_2(z) = sum z^k / k^2`` for ``|z| <= 1/2``."""
    total = ew.zeros_like(z)
    power = ew.ones_like(z)
    for k in range(1, 56):
        power = power * z
        total = total + power / float(k * k)
    return total


def spence(x: ArrayLike) -> Array:
    """Spence's function ``int_1^x log(t) / (1 - t) dt = Li_2(1 - x)`` for ``x >= 0``."""
    (xx,) = _reals("spence", x)
    zero = ew.zeros_like(xx)
    valid = ew.ge(xx, zero)
    y = 1.0 - _w(valid, xx, ew.ones_like(xx))  # y <= 1
    # Landen's identity maps y < 0 into [0, 1): Li2(y) = -Li2(y / (y - 1)) - log(1 - y)^2 / 2.
    neg = ew.lt(y, zero)
    y_neg = _w(neg, y, ew.full_like(y, -1.0))
    z = _w(neg, y_neg / (y_neg - 1.0), y)
    # Above 1/2, Li2(z) = pi^2/6 - log(z) log(1 - z) - Li2(1 - z).
    upper = ew.gt(z, ew.full_like(z, 0.5))
    z_up = _w(logic.logical_and(upper, ew.lt(z, ew.ones_like(z))), z, ew.full_like(z, 0.75))
    li_up = np.pi**2 / 6 - uf.log(z_up) * uf.log1p(-z_up) - _dilog_series(1.0 - z_up)
    li_up = _w(ew.eq(z, ew.ones_like(z)), ew.full_like(z, np.pi**2 / 6), li_up)
    li = _w(upper, li_up, _dilog_series(_w(upper, ew.zeros_like(z), z)))
    out = _w(neg, -li - 0.5 * uf.log1p(-y_neg) ** 2, li)
    return _w(valid, out, ew.full_like(out, np.nan))


def erfcx(x: ArrayLike) -> Array:
    """The scaled complementary error function ``exp(x^2) erfc(x)``: directly below 2, and
    by the continued fraction ``erfc(x) = exp(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 /
    (x + (3/2) / ...)))`` above, where ``exp(x^2)`` would overflow."""
    (xx,) = _reals("erfcx", x)
    big = ew.gt(xx, ew.full_like(xx, 2.0))
    x_small = _w(big, ew.zeros_like(xx), xx)
    direct = uf.exp(x_small * x_small) * ew.erfc(x_small)
    x_big = _w(big, xx, ew.full_like(xx, 3.0))
    frac = x_big
    for k in range(60, 0, -1):
        frac = x_big + (k / 2) / frac
    return _w(big, 1.0 / (np.sqrt(np.pi) * frac), direct)


def log_ndtr(x: ArrayLike, series_order: int = 3) -> Array:
    """``log(ndtr(x))``, accurate in both tails: ``log1p(-ndtr(-x))`` above 0 and
    ``log(erfcx(-x / sqrt 2) / 2) - x^2 / 2`` below. ``series_order`` is accepted for
    JAX's signature; the scaled form needs no asymptotic series."""
    if isinstance(series_order, bool) or not isinstance(series_order, int) or series_order < 0:
        raise ValueError(f"log_ndtr: series_order must be a non-negative int, got {series_order!r}")
    (xx,) = _reals("log_ndtr", x)
    zero = ew.zeros_like(xx)
    pos = ew.gt(xx, zero)
    x_pos = _w(pos, xx, zero)
    upper = uf.log1p(-ndtr(-x_pos))
    x_neg = _w(pos, zero, xx)
    lower = uf.log(0.5 * erfcx(-x_neg / np.sqrt(2))) - 0.5 * x_neg * x_neg
    return _w(pos, upper, lower)


def _bessel_i_scaled(x: Array, order: int) -> Array:
    """``exp(-|x|) I_order(x)`` for order 0 or 1: the power series up to ``|x| = 20`` and
    the asymptotic expansion in ``1/x`` beyond."""
    ax = uf.abs(x)
    big = ew.gt(ax, ew.full_like(ax, 20.0))
    xs = _w(big, ew.zeros_like(ax), ax)
    q = 0.25 * xs * xs
    term = 0.5 * xs if order == 1 else ew.ones_like(xs)
    total = term
    for k in range(1, 60):
        term = term * q / float(k * (k + order))
        total = total + term
    series = total * uf.exp(-xs)
    xb = _w(big, ax, ew.full_like(ax, 30.0))
    mu = 4.0 * order * order
    term = ew.ones_like(xb)
    asym = term
    for k in range(1, 26):
        term = term * (-(mu - (2 * k - 1) ** 2)) / (k * 8.0 * xb)
        asym = asym + term
    asym = asym / uf.sqrt(2 * np.pi * xb)
    out = _w(big, asym, series)
    if order == 1:
        out = _w(ew.lt(x, ew.zeros_like(x)), -out, out)
    return out


def i0e(x: ArrayLike) -> Array:
    """The exponentially scaled modified Bessel function ``exp(-|x|) I_0(x)``."""
    (xx,) = _reals("i0e", x)
    return _bessel_i_scaled(xx, 0)


def i1e(x: ArrayLike) -> Array:
    """The exponentially scaled modified Bessel function ``exp(-|x|) I_1(x)``."""
    (xx,) = _reals("i1e", x)
    return _bessel_i_scaled(xx, 1)


def i0(x: ArrayLike) -> Array:
    """The modified Bessel function of the first kind of order 0."""
    (xx,) = _reals("i0", x)
    return _bessel_i_scaled(xx, 0) * uf.exp(uf.abs(xx))


def i1(x: ArrayLike) -> Array:
    """The modified Bessel function of the first kind of order 1."""
    (xx,) = _reals("i1", x)
    return _bessel_i_scaled(xx, 1) * uf.exp(uf.abs(xx))


_QUAD_NODES = 96  # Gauss-Legendre nodes for the oscillatory integrals below


def dawsn(x: ArrayLike) -> Array:
    """Dawson's integral ``exp(-x^2) int_0^x exp(t^2) dt``: by quadrature of
    ``exp(t^2 - x^2)`` up to ``|x| = 8``, by its asymptotic series in ``1/x^2`` beyond."""
    (xx,) = _reals("dawsn", x)
    ax = uf.abs(xx)
    big = ew.gt(ax, ew.full_like(ax, 8.0))
    xs = _w(big, ew.zeros_like(ax), ax)
    # Nearer the upper end the integrand is steep: integrate over [0, x - 1] and [x - 1, x].
    mid = uf.maximum(xs - 1.0, 0.0)
    integrand = lambda t: uf.exp((t - xs[..., None]) * (t + xs[..., None]))  # noqa: E731
    small = _quad(integrand, ew.zeros_like(xs), mid, _QUAD_NODES) + _quad(
        integrand, mid, xs, _QUAD_NODES
    )
    xb = _w(big, ax, ew.full_like(ax, 10.0))
    inv = 1.0 / (2.0 * xb * xb)
    term = ew.ones_like(xb)
    asym = term
    for k in range(1, 40):
        term = term * (2 * k - 1) * inv
        asym = asym + term
    out = _w(big, asym / (2.0 * xb), small)
    return _w(ew.lt(xx, ew.zeros_like(xx)), -out, out)


def fresnel(x: ArrayLike) -> tuple[Array, Array]:
    """The Fresnel integrals ``(S(x), C(x))`` of ``sin`` and ``cos(pi t^2 / 2)``: by
    quadrature up to ``|x| = 6`` and by their asymptotic expansions beyond."""
    (xx,) = _reals("fresnel", x)
    ax = uf.abs(xx)
    big = ew.gt(ax, ew.full_like(ax, 6.0))
    xs = _w(big, ew.zeros_like(ax), ax)
    zero = ew.zeros_like(xs)
    half = 0.5 * xs
    s_small = _quad(lambda t: uf.sin(0.5 * np.pi * t * t), zero, half, _QUAD_NODES) + _quad(
        lambda t: uf.sin(0.5 * np.pi * t * t), half, xs, _QUAD_NODES
    )
    c_small = _quad(lambda t: uf.cos(0.5 * np.pi * t * t), zero, half, _QUAD_NODES) + _quad(
        lambda t: uf.cos(0.5 * np.pi * t * t), half, xs, _QUAD_NODES
    )
    xb = _w(big, ax, ew.full_like(ax, 7.0))
    z = np.pi * xb * xb
    inv_z2 = 1.0 / (z * z)
    # f ~ (1/(pi x)) sum (-1)^k (4k-1)!! / z^(2k), g ~ (1/(pi^2 x^3)) sum (-1)^k (4k+1)!! / z^(2k)
    tf, tg = ew.ones_like(xb), ew.ones_like(xb)
    sf, sg = tf, tg
    for k in range(1, 25):
        tf = -tf * (4 * k - 1) * (4 * k - 3) * inv_z2
        tg = -tg * (4 * k + 1) * (4 * k - 1) * inv_z2
        sf, sg = sf + tf, sg + tg
    f = sf / (np.pi * xb)
    g = sg / (np.pi * np.pi * xb * xb * xb)
    arg = 0.5 * z
    sn, cs = uf.sin(arg), uf.cos(arg)
    s_big = 0.5 - f * cs - g * sn
    c_big = 0.5 + f * sn - g * cs
    neg = ew.lt(xx, ew.zeros_like(xx))
    s_out, c_out = _w(big, s_big, s_small), _w(big, c_big, c_small)
    return _w(neg, -s_out, s_out), _w(neg, -c_out, c_out)


def sici(x: ArrayLike) -> tuple[Array, Array]:
    """The sine and cosine integrals ``(Si(x), Ci(x))``: by quadrature up to ``|x| = 40``
    and by their asymptotic expansions beyond. ``Ci`` of a negative ``x`` is the real part
    ``Ci(|x|)``, as in scipy."""
    (xx,) = _reals("sici", x)
    ax = uf.abs(xx)
    big = ew.gt(ax, ew.full_like(ax, 40.0))
    xs = _w(big, ew.zeros_like(ax), ax)
    zero = ew.zeros_like(xs)

    def cos_m1(t: Array) -> Array:
        # (cos t - 1) / t = -2 sin(t/2)^2 / t, without cancellation near 0.
        safe = _w(ew.eq(t, ew.zeros_like(t)), ew.ones_like(t), t)
        return _w(
            ew.eq(t, ew.zeros_like(t)), ew.zeros_like(t), -2.0 * uf.sin(0.5 * safe) ** 2 / safe
        )

    pieces = 4
    si_small, cin = zero, zero
    for j in range(pieces):
        lo, hi = xs * (j / pieces), xs * ((j + 1) / pieces)
        si_small = si_small + _quad(_sinc, lo, hi, _QUAD_NODES // 2)
        cin = cin + _quad(cos_m1, lo, hi, _QUAD_NODES // 2)
    x_log = _w(ew.gt(xs, zero), xs, ew.ones_like(xs))
    ci_small = np.euler_gamma + uf.log(x_log) + cin
    ci_small = _w(ew.gt(xs, zero), ci_small, ew.full_like(xs, -np.inf))
    xb = _w(big, ax, ew.full_like(ax, 50.0))
    inv2 = 1.0 / (xb * xb)
    tf, tg = ew.ones_like(xb), ew.ones_like(xb)
    sf, sg = tf, tg
    for k in range(1, 30):
        tf = -tf * (2 * k - 1) * (2 * k) * inv2
        tg = -tg * (2 * k) * (2 * k + 1) * inv2
        sf, sg = sf + tf, sg + tg
    f, g = sf / xb, sg * inv2
    sn, cs = uf.sin(xb), uf.cos(xb)
    si_big = 0.5 * np.pi - f * cs - g * sn
    ci_big = f * sn - g * cs
    si = _w(big, si_big, si_small)
    ci = _w(big, ci_big, ci_small)
    neg = ew.lt(xx, ew.zeros_like(xx))
    return _w(neg, -si, si), ci


def _sinc(t: Array) -> Array:
    """``sin(t) / t`` with its limit 1 at 0."""
    is0 = ew.eq(t, ew.zeros_like(t))
    safe = _w(is0, ew.ones_like(t), t)
    return _w(is0, ew.ones_like(t), uf.sin(safe) / safe)


def owens_t(h: ArrayLike, a: ArrayLike) -> Array:
    """Owen's T function ``1/(2 pi) int_0^a exp(-h^2 (1 + x^2) / 2) / (1 + x^2) dx``: by
    quadrature for ``|a| <= 1`` and Owen's reflection ``T(h, a) + T(ah, 1/a) =
    (ndtr(h) ndtr(-ah) + ndtr(ah) ndtr(-h)) / 2`` beyond."""
    hh, aa = _reals("owens_t", h, a)
    hh = uf.abs(hh)
    absa = uf.abs(aa)
    big = ew.gt(absa, ew.ones_like(absa))
    safe_a = _w(big, absa, ew.full_like(absa, 2.0))
    inner_h = _w(big, hh * safe_a, hh)
    inner_a = _w(big, 1.0 / safe_a, absa)

    def integrand(t: Array) -> Array:
        one_t2 = 1.0 + t * t
        return uf.exp(-0.5 * inner_h[..., None] ** 2 * one_t2) / one_t2

    t_inner = _quad(integrand, ew.zeros_like(inner_a), inner_a, 48) / (2 * np.pi)
    ah = hh * safe_a
    reflected = 0.5 * (ndtr(hh) * ndtr(-ah) + ndtr(ah) * ndtr(-hh)) - t_inner
    out = _w(big, reflected, t_inner)
    return _w(ew.lt(aa, ew.zeros_like(aa)), -out, out)


def hyp1f1(a: ArrayLike, b: ArrayLike, x: ArrayLike) -> Array:
    """Kummer's confluent hypergeometric function ``1F1(a; b; x)`` by its power series
    (500 terms), with Kummer's transformation ``e^x 1F1(b - a; b; -x)`` for ``x < 0``."""
    aa, bb, xx = _reals("hyp1f1", a, b, x)
    neg = ew.lt(xx, ew.zeros_like(xx))
    a2 = _w(neg, bb - aa, aa)
    x2 = uf.abs(xx)

    def body(i: Array, c: tuple[Array, Array]) -> tuple[Array, Array]:
        term, total = c
        k = i.astype(xx.dtype)
        term = term * (a2 + k) / (bb + k) * x2 / (k + 1.0)
        return term, total + term

    _, total = fori_loop(0, 500, body, (ew.ones_like(xx), ew.ones_like(xx)))
    return _w(neg, uf.exp(xx) * total, total)


def hyp2f1(a: ArrayLike, b: ArrayLike, c: ArrayLike, x: ArrayLike) -> Array:
    """Gauss's hypergeometric function ``2F1(a, b; c; x)`` for ``x < 1``: the power series
    (1000 terms) for ``0 <= x``, Pfaff's transformation ``(1 - x)^-a 2F1(a, c - b; c;
    x / (x - 1))`` below 0. Convergence slows as ``x`` nears 1 (from either side)."""
    aa, bb, cc, xx = _reals("hyp2f1", a, b, c, x)
    one = ew.ones_like(xx)
    neg = ew.lt(xx, ew.zeros_like(xx))
    valid = ew.lt(xx, one)
    x_s = _w(valid, xx, ew.zeros_like(xx))
    z = _w(neg, x_s / (x_s - 1.0), x_s)
    b2 = _w(neg, cc - bb, bb)

    def body(i: Array, carry: tuple[Array, Array]) -> tuple[Array, Array]:
        term, total = carry
        k = i.astype(xx.dtype)
        term = term * (aa + k) * (b2 + k) / ((cc + k) * (k + 1.0)) * z
        return term, total + term

    _, total = fori_loop(0, 1000, body, (one, one))
    out = _w(neg, uf.power(1.0 - x_s, -aa) * total, total)
    at_one = ew.eq(xx, one)
    gauss = uf.exp(
        ew.lgamma(cc) + ew.lgamma(cc - aa - bb) - ew.lgamma(cc - aa) - ew.lgamma(cc - bb)
    )
    out = _w(
        at_one, _w(ew.gt(cc - aa - bb, ew.zeros_like(xx)), gauss, ew.full_like(xx, np.inf)), out
    )
    return _w(logic.logical_or(valid, at_one), out, ew.full_like(out, np.nan))


def bessel_jn(z: ArrayLike, *, v: int, n_iter: int = 50) -> Array:
    """Bessel functions of the first kind ``J_0(z) .. J_v(z)``, stacked on a new leading
    axis (shape ``(v + 1, *z.shape)``), by Miller's backward recurrence from order
    ``v + n_iter``, normalized by ``J_0 + 2 (J_2 + J_4 + ...) = 1``. Accurate while
    ``|z|`` stays well below ``v + n_iter``."""
    for name, val, low in (("v", v, 0), ("n_iter", n_iter, 1)):
        if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or val < low:
            raise ValueError(f"bessel_jn: {name} must be an integer >= {low}, got {val!r}")
    (zz,) = _reals("bessel_jn", z)
    is0 = ew.eq(zz, ew.zeros_like(zz))
    zs = _w(is0, ew.ones_like(zz), zz)
    start = int(v) + int(n_iter)
    orders = conversion.asarray(np.arange(v + 1), zz.dtype).reshape((v + 1,) + (1,) * zz.ndim)
    init = (
        ew.zeros_like(zs), ew.full_like(zs, 1e-30), ew.zeros_like(zs),
        conversion.broadcast_to(ew.zeros_like(zs), (v + 1, *zz.shape)),
    )  # fmt: skip

    def body(i: Array, c: tuple[Array, Array, Array, Array]) -> tuple[Array, Array, Array, Array]:
        j_next, j_k, norm, out = c  # J_{k+1}, J_k (unnormalized), the running sum, the output
        k = (start - i).astype(zz.dtype)
        out = _w(uf.equal(orders, k), j_k, out)
        even = ew.eq(ew.rem(k, ew.full_like(k, 2.0)), ew.zeros_like(k))
        norm = norm + _w(even, j_k * _w(ew.eq(k, ew.zeros_like(k)), 1.0, 2.0), 0.0)
        j_prev = 2.0 * k / zs * j_k - j_next  # J_{k-1}
        # Rescale everything when the recurrence grows large (it grows as k decreases).
        scale = _w(ew.gt(uf.abs(j_prev), ew.full_like(j_prev, 1e30)), 1e-30, 1.0)
        return j_k * scale, j_prev * scale, norm * scale, out * scale

    _, _, norm, out = fori_loop(0, start + 1, body, init)
    res = out / norm
    at0 = _w(uf.equal(orders, 0.0), 1.0, 0.0)
    return _w(is0, at0 * ew.ones_like(res), res)


def _weideman_coefficients(n: int) -> tuple[float, np.ndarray[Any, Any]]:
    """Weideman's (1994) rational approximation of the Faddeeva function: ``L`` and the
    ``n`` polynomial coefficients (highest degree first), from an FFT of the integrand."""
    m = 2 * n
    k = np.arange(-m + 1, m)
    scale = np.sqrt(n / np.sqrt(2))
    t = scale * np.tan(k * np.pi / (2 * m))
    f = np.concatenate([[0.0], np.exp(-t * t) * (scale * scale + t * t)])
    a = np.real(np.fft.fft(np.fft.fftshift(f))) / (2 * m)
    return float(scale), np.flipud(a[1 : n + 1])


_WOFZ_L, _WOFZ_A = _weideman_coefficients(48)


def wofz(z: ArrayLike) -> Array:
    """The Faddeeva function ``w(z) = exp(-z^2) erfc(-iz)``, complex: Weideman's rational
    approximation (48 terms) in the upper half plane and ``w(z) = 2 exp(-z^2) - w(-z)``
    below it."""
    (zz,) = conversion.promote_inexact("wofz", z)
    if not dtypes.is_complex(zz.dtype):
        zz = zz.astype(dtypes.complex_dtype(zz.dtype))
    lower = ew.lt(ew.imag(zz), ew.zeros_like(ew.imag(zz)))
    u = _w(lower, -zz, zz)
    denom = _WOFZ_L - 1j * u
    big_z = (_WOFZ_L + 1j * u) / denom
    p = ew.zeros_like(zz) + float(_WOFZ_A[0])
    for coef in _WOFZ_A[1:]:
        p = p * big_z + float(coef)
    w_upper = 2.0 * p / (denom * denom) + (1 / np.sqrt(np.pi)) / denom
    return _w(lower, 2.0 * uf.exp(-zz * zz) - w_upper, w_upper)


def sph_harm_y(
    n: ArrayLike, m: ArrayLike, theta: ArrayLike, phi: ArrayLike, diff_n: int | None = None,
    n_max: int | None = None,
) -> Array:  # fmt: skip
    """The spherical harmonic ``Y_n^m(theta, phi)`` (scipy's convention: ``theta`` polar,
    ``phi`` azimuthal, Condon-Shortley phase), complex. Normalized associated Legendre
    functions come from the stable recurrences in degree up to ``n_max`` (static; by
    default the largest ``n``, which must then be concrete); 0 where ``|m| > n``."""
    if diff_n not in (None, 0):
        raise NotImplementedError("sph_harm_y: only diff_n=None (or 0) is supported")
    nn, mm = conversion.asarray(n), conversion.asarray(m)
    for what, v in (("n", nn), ("m", mm)):
        if not dtypes.is_integer(v.dtype):
            raise TypeError(f"sph_harm_y: {what} must be integers, got dtype {v.dtype.name}")
    if n_max is None:
        try:
            n_max = int(np.max(np.asarray(nn))) if nn.size else 0
        except TypeError as err:
            raise TypeError("sph_harm_y: n is traced; pass a static n_max") from err
    th, ph = _reals("sph_harm_y", theta, phi)
    nn, mm, th, ph = conversion.broadcast_arrays(nn, mm, th, ph)
    nf, mf = nn.astype(th.dtype), uf.abs(mm).astype(th.dtype)
    x, s = uf.cos(th), uf.abs(uf.sin(th))
    # Q_k^k for k = |m|: Q_0^0 = 1/sqrt(4 pi), Q_k^k = -sqrt((2k+1)/(2k)) sin(theta) Q_{k-1}^{k-1}.
    diag = ew.full_like(x, 1 / np.sqrt(4 * np.pi))
    cur = diag
    for k in range(1, n_max + 1):
        cur = cur * s * -float(np.sqrt((2 * k + 1) / (2 * k)))
        diag = _w(ew.eq(mf, ew.full_like(mf, float(k))), cur, diag)
    # Upward in degree d = |m| + l: Q_d = a_d (x Q_{d-1} - Q_{d-2} / a_{d-1}),
    # a_d = sqrt((4 d^2 - 1) / (d^2 - m^2)).
    out = _w(ew.eq(nf, mf), diag, ew.zeros_like(diag))
    prev, cur = ew.zeros_like(diag), diag
    a_prev = ew.ones_like(diag)
    for l in range(1, n_max + 1):
        d = mf + float(l)
        a_d = uf.sqrt((4.0 * d * d - 1.0) / ((d - mf) * (d + mf)))
        nxt = a_d * (x * cur - (prev / a_prev if l > 1 else 0.0))
        prev, cur, a_prev = cur, nxt, a_d
        out = _w(ew.eq(nf, d), nxt, out)
    sign = _w(
        logic.logical_and(
            ew.lt(mm, ew.zeros_like(mm)), ew.ne(ew.rem(mm, ew.full_like(mm, 2)), ew.zeros_like(mm))
        ),
        -1.0,
        1.0,
    )
    phase = uf.exp(1j * mm.astype(th.dtype) * ph)
    return (out * sign) * phase
