"""Polynomials as coefficient arrays, highest power first: ``polyval``, ``polyadd``,
``polysub``, ``polymul``, ``polydiv``, ``polyder``, ``polyint``, ``polyfit``, ``poly``,
``roots`` and ``vander``.

Lengths are static (leading zeros are kept unless asked to trim, as in JAX), so each
is a fixed composition of products, sums and solves that differentiates and stages.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy import linalg
from fad._src.numpy.conversion import as_inexact, asarray, astype, promote_no_broadcast
from fad._src.numpy.creation import eye, zeros
from fad._src.numpy.indexing import take
from fad._src.numpy.manipulation import concatenate
from fad._src.numpy.products import matmul, outer
from fad._src.numpy.reductions import sum
from fad._src.numpy.shapes import atleast_1d, ravel, reshape
from fad._src.numpy.ufuncs import sqrt
from fad._src.prims import structural as st


def _coeffs(p: ArrayLike, name: str) -> Array:
    x = asarray(p)
    if x.ndim != 1:
        raise ValueError(f"{name}: coefficients must be one-dimensional, got shape {x.shape}")
    return x


def _pad_front(x: Array, n: int) -> Array:
    if x.shape[0] >= n:
        return x
    return concatenate([zeros((n - x.shape[0],), x.dtype), x])


def _trim_leading(x: Array, name: str) -> Array:
    if isinstance(x, core.Tracer):
        raise core.ConcretizationError(
            f"{name}: trimming leading zeros needs concrete coefficients (the length depends "
            "on them)"
        )
    nz = np.flatnonzero(np.asarray(x.concrete_value()))
    start = int(nz[0]) if nz.size else max(x.shape[0] - 1, 0)
    return x[start:]


def polyval(p: ArrayLike, x: ArrayLike, *, unroll: int = 16) -> Array:
    """``p`` evaluated at ``x`` by Horner's rule."""
    c, xv = promote_no_broadcast("polyval", (_coeffs(p, "polyval"), x))
    out = zeros(xv.shape, xv.dtype) * xv
    for i in range(c.shape[0]):
        out = out * xv + c[i]
    return out


def polyadd(a1: ArrayLike, a2: ArrayLike) -> Array:
    """Sum of two polynomials (the shorter one padded at the front)."""
    a, b = promote_no_broadcast("polyadd", (_coeffs(a1, "polyadd"), _coeffs(a2, "polyadd")))
    n = max(a.shape[0], b.shape[0])
    return _pad_front(a, n) + _pad_front(b, n)


def polysub(a1: ArrayLike, a2: ArrayLike) -> Array:
    """Difference of two polynomials."""
    return polyadd(a1, -asarray(a2))


def _convolve_full(a: Array, b: Array) -> Array:
    """Full linear convolution as ``a @ T`` with the Toeplitz matrix ``T[i, i + j] = b[j]``."""
    n, m = a.shape[0], b.shape[0]
    if n == 0 or m == 0:
        return zeros((0,), a.dtype)
    idx = np.arange(n + m - 1)[None, :] - np.arange(n)[:, None]
    valid = (idx >= 0) & (idx < m)
    b_ext = concatenate([b, zeros((1,), b.dtype)])
    t = take(b_ext, Array(np.where(valid, idx, m).astype(np.int32)))
    return matmul(a, t)


def polymul(a1: ArrayLike, a2: ArrayLike, *, trim_leading_zeros: bool = False) -> Array:
    """Product of two polynomials."""
    a, b = promote_no_broadcast("polymul", (atleast_1d(a1), atleast_1d(a2)))
    if trim_leading_zeros:
        a, b = _trim_leading(a, "polymul"), _trim_leading(b, "polymul")
    return _convolve_full(a, b)


def polydiv(u: ArrayLike, v: ArrayLike, *, trim_leading_zeros: bool = False) -> tuple[Array, Array]:
    """Quotient and remainder of polynomial division (the remainder has ``u``'s length)."""
    a, b = promote_no_broadcast("polydiv", (_coeffs(u, "polydiv"), _coeffs(v, "polydiv")))
    (a, b) = as_inexact([a, b])
    m, n = a.shape[0], b.shape[0]
    if n == 0:
        raise ValueError("polydiv: the divisor must have at least one coefficient")
    rem = a
    qs = []
    for k in range(max(m - n + 1, 0)):
        d = rem[k] / b[0]
        qs.append(d)
        shift = concatenate([zeros((k,), a.dtype), b * d, zeros((m - n - k,), a.dtype)])
        rem = rem - shift
    q = st.concatenate([reshape(d, (1,)) for d in qs], 0) if qs else zeros((1,), a.dtype)
    if trim_leading_zeros:
        rem = _trim_leading(rem, "polydiv")
    return q, rem


def polyder(p: ArrayLike, m: int = 1) -> Array:
    """The ``m``-th derivative of ``p``."""
    c = _coeffs(p, "polyder")
    m = operator.index(m)
    if m < 0:
        raise ValueError(f"polyder: the order must be non-negative, got {m}")

    for _ in range(m):
        n = c.shape[0]
        if n <= 1:
            return zeros((0,), c.dtype)
        c = c[:-1] * asarray(np.arange(n - 1, 0, -1)).astype(c.dtype)
    return c


def polyint(p: ArrayLike, m: int = 1, k: ArrayLike | None = None) -> Array:
    """The ``m``-th antiderivative of ``p``, with integration constants ``k``."""
    m = operator.index(m)
    if m < 0:
        raise ValueError(f"polyint: the order must be non-negative, got {m}")
    (c,) = as_inexact([_coeffs(p, "polyint")])
    ks = zeros((m,), c.dtype) if k is None else astype(ravel(asarray(k)), c.dtype)
    if ks.shape[0] == 1 and m > 1:
        ks = st.broadcast_to(ks, (m,))
    if ks.shape[0] != m:
        raise ValueError(f"polyint: k must have {m} entries, got {ks.shape[0]}")
    for i in range(m):
        n = c.shape[0]
        c = concatenate([c / asarray(np.arange(n, 0, -1)).astype(c.dtype), ks[i : i + 1]])
    return c


def vander(x: ArrayLike, N: int | None = None, increasing: bool = False) -> Array:
    """The Vandermonde matrix: columns are powers of ``x`` (decreasing unless ``increasing``)."""
    xv = asarray(x)
    if xv.ndim != 1:
        raise ValueError(f"vander: x must be one-dimensional, got shape {xv.shape}")
    n = xv.shape[0] if N is None else operator.index(N)
    if n < 0:
        raise ValueError(f"vander: N must be non-negative, got {n}")
    cols = []
    col = st.broadcast_to(asarray(1).astype(xv.dtype), xv.shape)
    for _ in range(n):
        cols.append(col)
        col = col * xv
    if not increasing:
        cols = cols[::-1]
    if not cols:
        return zeros((xv.shape[0], 0), xv.dtype)
    return st.concatenate([reshape(c_, (-1, 1)) for c_ in cols], 1)


def polyfit(
    x: ArrayLike,
    y: ArrayLike,
    deg: int,
    rcond: float | None = None,
    full: bool = False,
    w: ArrayLike | None = None,
    cov: bool | str = False,
) -> Any:
    """Least-squares polynomial fit of degree ``deg`` (columns scaled, as numpy does)."""
    xv, yv = as_inexact([asarray(x), asarray(y)])
    deg = operator.index(deg)
    if deg < 0:
        raise ValueError(f"polyfit: deg must be non-negative, got {deg}")
    if xv.ndim != 1 or yv.ndim not in (1, 2) or yv.shape[0] != xv.shape[0]:
        raise ValueError(f"polyfit: x {xv.shape} and y {yv.shape} do not match")
    order = deg + 1
    lhs = vander(xv, order)
    rhs = yv
    if w is not None:
        wv = astype(asarray(w), xv.dtype)
        lhs = lhs * reshape(wv, (-1, 1))
        rhs = rhs * (wv if rhs.ndim == 1 else reshape(wv, (-1, 1)))
    rc = xv.shape[0] * float(np.finfo(xv.dtype).eps) if rcond is None else rcond
    scale = sqrt(sum(lhs * lhs, axis=0))
    lhs = lhs / scale
    c, resids, rank, s = linalg.lstsq(lhs, rhs, rc)
    c = (c.T / scale).T
    if full:
        return c, resids, rank, s, asarray(rc)
    if cov:
        vbase = linalg.inv(matmul(lhs.T, lhs)) / outer(scale, scale)
        if cov == "unscaled":
            fac: Any = 1.0
        else:
            if xv.shape[0] <= order:
                raise ValueError("polyfit: the data must have more points than deg + 1 for cov")
            fac = resids / (xv.shape[0] - order)
        if yv.ndim == 1:
            return c, vbase * fac
        return c, vbase[:, :, None] * fac
    return c


def poly(seq_of_zeros: ArrayLike) -> Array:
    """Coefficients of the monic polynomial with the given roots (or a square matrix's
    characteristic polynomial)."""
    z = asarray(seq_of_zeros)
    if z.ndim == 2 and z.shape[0] == z.shape[1] and z.shape[0] > 0:
        z = linalg.eigvals(z)
    elif z.ndim != 1:
        raise ValueError(f"poly: input must be 1-d or a square 2-d array, got {z.shape}")
    (z,) = as_inexact([z])
    c = asarray(np.ones(1)).astype(z.dtype)
    for i in range(z.shape[0]):
        c = _convolve_full(c, concatenate([asarray(np.ones(1)).astype(z.dtype), -z[i : i + 1]]))
    return c


def roots(p: ArrayLike, *, strip_zeros: bool = True) -> Array:
    """Roots of ``p`` (complex): eigenvalues of its companion matrix. Trailing zero
    coefficients give zero roots; leading zeros are stripped (``strip_zeros``, concrete
    only). Without stripping, a leading zero makes the companion matrix non-finite and
    every root NaN."""
    (c,) = as_inexact([_coeffs(p, "roots")])
    if strip_zeros:
        c = _trim_leading(c, "roots")
        nz = np.flatnonzero(np.asarray(c.concrete_value()))
        trailing = c.shape[0] - 1 - int(nz[-1]) if nz.size else 0
        c = c[: c.shape[0] - trailing]
    else:
        trailing = 0
    n = c.shape[0] - 1
    cdt = dtypes.complex_dtype(c.dtype)
    if n < 1:
        return zeros((trailing,), cdt)
    top = reshape(-c[1:] / c[0], (1, n))
    comp = concatenate([top, eye(n - 1, n, dtype=c.dtype)], axis=0) if n > 1 else top
    r = linalg.eigvals(comp)
    if trailing:
        r = concatenate([r, zeros((trailing,), cdt)])
    return r
