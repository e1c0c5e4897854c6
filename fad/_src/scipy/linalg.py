"""``fad.scipy.linalg``: scipy.linalg's API (JAX's semantics) on fad's LAPACK primitives.

Unlike ``fad.numpy.linalg.cholesky``, the factorizations here read only the
triangle ``lower`` names (scipy's convention) and do not symmetrize. Leading
axes are batch axes throughout.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from fad._src import dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy import linalg as la
from fad._src.numpy import reductions, sorting, ufuncs
from fad._src.numpy.conversion import asarray, broadcast_arrays, broadcast_to, result_type
from fad._src.numpy.creation import diag, eye, tril, triu, zeros, zeros_like
from fad._src.numpy.manipulation import concatenate, flip
from fad._src.numpy.products import kron, matmul
from fad._src.numpy.ranges import arange
from fad._src.numpy.shapes import shape, swapaxes
from fad._src.prims import elementwise as ew
from fad._src.prims import lapack as lap
from fad._src.prims import schur as schur_prims
from fad._src.prims.control_flow import fori_loop

_TRANS = {0: 0, 1: 1, 2: 2, "N": 0, "T": 1, "C": 2}


def _trans(trans: Any, name: str) -> int:
    t = _TRANS.get(trans) if isinstance(trans, (int, str)) else None
    if t is None:
        raise ValueError(f"{name}: trans must be 0, 1, 2, 'N', 'T' or 'C', got {trans!r}")
    return t


def _rhs(a: Array, b: ArrayLike, name: str) -> tuple[Array, Array, bool]:
    """``a`` and ``b`` in one dtype, ``b`` as a stack of matrices with ``a``'s batch axes
    (a 1-D ``b``, or one with one axis fewer than ``a``, is a vector)."""
    y = la.lapack_operand(b, name)
    dt = result_type(a, y)
    a, y = a.astype(dt), y.astype(dt)
    vector = y.ndim == a.ndim - 1
    if vector:
        y = y[..., None]
    if y.ndim < 2 or y.shape[-2] != a.shape[-1]:
        raise ValueError(
            f"{name}: b of shape {shape(b)} does not match a of shape {a.shape} (b needs "
            f"{a.shape[-1]} rows)"
        )
    a, y = la.broadcast_batch(a, y)
    return a, y, vector


def solve_triangular(
    a: ArrayLike, b: ArrayLike, trans: int | str = 0, lower: bool = False,
    unit_diagonal: bool = False, overwrite_b: bool = False, debug: Any = None,
    check_finite: bool = True,
) -> Array:  # fmt: skip
    """Solve ``op(a) x = b`` reading only the ``lower`` (or upper) triangle of ``a``;
    ``trans`` 0/'N': ``a``, 1/'T': ``a^T``, 2/'C': ``a^H``."""
    t = _trans(trans, "solve_triangular")
    x = la.lapack_matrix(a, "solve_triangular")
    x, y, vector = _rhs(x, b, "solve_triangular")
    out = lap.triangular_solve(
        x, y, left_side=True, lower=lower, transpose_a=t > 0, conjugate_a=t == 2,
        unit_diagonal=unit_diagonal,
    )  # fmt: skip
    return out[..., 0] if vector else out


def cholesky(
    a: ArrayLike, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True
) -> Array:
    """The Cholesky factor from the ``lower`` (default: upper) triangle of ``a``:
    ``a = L L^H`` or ``a = U^H U``."""
    x = la.lapack_matrix(a, "cholesky")
    if lower:
        return lap.cholesky(x, symmetrize_input=False)
    # The upper triangle of a is the lower triangle of a^H.
    return la.adjoint(lap.cholesky(la.adjoint(x), symmetrize_input=False))


def cho_factor(
    a: ArrayLike, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True
) -> tuple[Array, bool]:
    """``(c, lower)`` for ``cho_solve``; ``c`` holds the factor in its ``lower`` (or
    upper) triangle and zeros in the other."""
    return cholesky(a, lower=lower), lower


def cho_solve(
    c_and_lower: tuple[ArrayLike, bool], b: ArrayLike, overwrite_b: bool = False,
    check_finite: bool = True,
) -> Array:  # fmt: skip
    """Solve ``a x = b`` given ``cho_factor(a)``."""
    c_in, lower = c_and_lower
    c = la.lapack_matrix(c_in, "cho_solve", what="c")
    c, y, vector = _rhs(c, b, "cho_solve")
    # a = L L^H (or U^H U): two triangular solves.
    tri = dict(left_side=True, lower=lower)
    if lower:
        z = lap.triangular_solve(c, y, **tri)
        out = lap.triangular_solve(c, z, transpose_a=True, conjugate_a=True, **tri)
    else:
        z = lap.triangular_solve(c, y, transpose_a=True, conjugate_a=True, **tri)
        out = lap.triangular_solve(c, z, **tri)
    return out[..., 0] if vector else out


def lu(
    a: ArrayLike, permute_l: bool = False, overwrite_a: bool = False, check_finite: bool = True
) -> Any:
    """``(p, l, u)`` with ``a = p @ l @ u`` (``permute_l``: ``(p @ l, u)``)."""
    x = la.lapack_matrix(a, "lu", square=False)
    packed, _, perm = lap.lu(x)
    m, n = x.shape[-2:]
    k = min(m, n)
    l_ = tril(packed[..., :, :k], -1) + eye(m, k, dtype=x.dtype)
    u = triu(packed[..., :k, :])
    # p[perm[i], i] = 1, so that (p @ l @ u)[perm] = l @ u = a[perm].
    p = (perm[..., None, :] == arange(m, dtype=perm.dtype)[:, None]).astype(x.dtype)
    if permute_l:
        return matmul(p, l_), u
    return p, l_, u


def lu_factor(
    a: ArrayLike, overwrite_a: bool = False, check_finite: bool = True
) -> tuple[Array, Array]:
    """``(lu, piv)`` for ``lu_solve``: packed factors and 0-based row interchanges."""
    x = la.lapack_matrix(a, "lu_factor", square=False)
    packed, pivots, _ = lap.lu(x)
    return packed, pivots


def _permutation_from_pivots(piv: Array, m: int) -> Array:
    return lap.lu_pivots_to_permutation(piv.astype(np.int32), m)


def lu_solve(
    lu_and_piv: tuple[ArrayLike, ArrayLike], b: ArrayLike, trans: int | str = 0,
    overwrite_b: bool = False, check_finite: bool = True,
) -> Array:  # fmt: skip
    """Solve ``op(a) x = b`` given ``lu_factor(a)``."""
    t = _trans(trans, "lu_solve")
    lu_in, piv_in = lu_and_piv
    packed = la.lapack_matrix(lu_in, "lu_solve", what="lu")
    piv = asarray(piv_in)
    if not dtypes.is_integer(piv.dtype) or piv.shape != (*packed.shape[:-2], packed.shape[-1]):
        raise ValueError(
            f"lu_solve: piv must be integers of shape {(*packed.shape[:-2], packed.shape[-1])}, "
            f"got {piv.dtype.name}{list(piv.shape)}"
        )
    perm = _permutation_from_pivots(piv, packed.shape[-1])
    packed, y, vector = _rhs(packed, b, "lu_solve")
    perm = broadcast_to(perm, (*y.shape[:-2], perm.shape[-1]))
    out = la.solve_lu(packed, perm, y, t)
    return out[..., 0] if vector else out


def qr(
    a: ArrayLike, overwrite_a: bool = False, lwork: Any = None, mode: str = "full",
    pivoting: bool = False, check_finite: bool = True,
) -> Any:  # fmt: skip
    """``(q, r)`` (``mode='full'`` or ``'economic'``) or ``(r,)`` (``mode='r'``)."""
    if pivoting:
        raise NotImplementedError("qr: pivoting=True is not supported")
    if mode not in ("full", "economic", "r"):
        raise ValueError(f"qr: mode must be 'full', 'economic' or 'r', got {mode!r}")
    x = la.lapack_matrix(a, "qr", square=False)
    q, r = lap.qr(x, full_matrices=mode != "economic")
    return (r,) if mode == "r" else (q, r)


def svd(
    a: ArrayLike, full_matrices: bool = True, compute_uv: bool = True, overwrite_a: bool = False,
    check_finite: bool = True, lapack_driver: str = "gesdd",
) -> Any:  # fmt: skip
    """``(u, s, vh)`` with ``a = u @ diag(s) @ vh``, or ``s`` alone."""
    return la.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)


def eigh(
    a: ArrayLike, b: ArrayLike | None = None, lower: bool = True, eigvals_only: bool = False,
    overwrite_a: bool = False, overwrite_b: bool = False, type: int = 1,
    check_finite: bool = True, subset_by_index: Any = None, subset_by_value: Any = None,
    driver: Any = None,
) -> Any:  # fmt: skip
    """``(w, v)`` (or ``w``) from the ``lower`` (or upper) triangle of Hermitian ``a``."""
    if b is not None:
        raise NotImplementedError("eigh: the generalized problem (b is not None) is not supported")
    if subset_by_index is not None or subset_by_value is not None:
        raise NotImplementedError("eigh: subset_by_index/subset_by_value are not supported")
    x = la.lapack_matrix(a, "eigh")
    v, w = lap.eigh(x, lower=lower, symmetrize_input=False)
    return w if eigvals_only else (w, v)


def inv(a: ArrayLike, overwrite_a: bool = False, check_finite: bool = True) -> Array:
    return la.inv(a)


def det(a: ArrayLike, overwrite_a: bool = False, check_finite: bool = True) -> Array:
    return la.det(a)


def solve(
    a: ArrayLike, b: ArrayLike, lower: bool = False, overwrite_a: bool = False,
    overwrite_b: bool = False, check_finite: bool = True, assume_a: str = "gen",
    transposed: bool = False,
) -> Array:  # fmt: skip
    """Solve ``a x = b``; ``assume_a='pos'`` uses a Cholesky factorization of the
    ``lower`` (or upper) triangle, anything else LU."""
    if assume_a not in ("gen", "sym", "her", "pos"):
        raise ValueError(f"solve: assume_a must be 'gen', 'sym', 'her' or 'pos', got {assume_a!r}")
    x = la.lapack_matrix(a, "solve")
    if transposed:
        x = swapaxes(x, -1, -2)
    if assume_a == "pos":
        return cho_solve(cho_factor(x, lower=lower), b)
    x, y, vector = _rhs(x, b, "solve")
    packed, _, perm = lap.lu(x)
    out = la.solve_lu(packed, perm, y)
    return out[..., 0] if vector else out


# ---------------------------------------------------------------------------
# Matrix functions: expm and its Frechet derivative, sqrtm, polar
# ---------------------------------------------------------------------------


def _pade_coefficients(m: int) -> list[float]:
    """The numerator coefficients ``b_k`` of the ``[m/m]`` Pade approximant of ``exp``."""
    f = math.factorial
    return [f(2 * m - k) * f(m) / (f(2 * m) * f(k) * f(m - k)) for k in range(m + 1)]


_PADE13 = _pade_coefficients(13)
_THETA13 = 5.371920351148152  # Higham (2005): the 1-norm up to which [13/13] is accurate


def _square(x: Array) -> Array:
    return matmul(x, x)


def expm(A: ArrayLike, *, upper_triangular: bool = False, max_squarings: int = 16) -> Array:
    """The matrix exponential by scaling and squaring with the ``[13/13]`` Pade approximant
    (Higham 2005): ``A / 2^s`` has 1-norm below 5.37, and the approximant is squared ``s``
    times (at most ``max_squarings``; nan beyond). Leading axes are batch axes;
    ``upper_triangular`` is accepted for JAX's signature (it is only a hint there)."""
    if isinstance(max_squarings, bool) or not isinstance(max_squarings, int) or max_squarings < 0:
        raise ValueError(f"expm: max_squarings must be a non-negative int, got {max_squarings!r}")
    a = la.lapack_matrix(A, "expm")
    norm = reductions.max(reductions.sum(ufuncs.abs(a), axis=-2), axis=-1, keepdims=True)[..., None]
    norm = ufuncs.real(norm) if dtypes.is_complex(norm.dtype) else norm
    s = ufuncs.ceil(
        ufuncs.log2(ufuncs.maximum(norm, 1e-300 if a.dtype.itemsize > 4 else 1e-30) / _THETA13)
    )
    s = ew.stop_gradient(ufuncs.maximum(s, 0.0))
    x = a / ufuncs.power(2.0, s).astype(a.dtype)
    b = _PADE13
    ident = broadcast_to(eye(a.shape[-1], dtype=a.dtype), a.shape)
    x2 = _square(x)
    x4 = _square(x2)
    x6 = matmul(x4, x2)
    u = matmul(
        x,
        matmul(x6, b[13] * x6 + b[11] * x4 + b[9] * x2)
        + b[7] * x6
        + b[5] * x4
        + b[3] * x2
        + b[1] * ident,
    )
    v = (
        matmul(x6, b[12] * x6 + b[10] * x4 + b[8] * x2)
        + b[6] * x6
        + b[4] * x4
        + b[2] * x2
        + b[0] * ident
    )
    r = la.solve(v - u, v + u)

    def body(i: Array, r: Array) -> Array:
        return sorting.where(ufuncs.less(i.astype(s.dtype), s), _square(r), r)

    r = fori_loop(0, max_squarings, body, r)
    return sorting.where(ufuncs.greater(s, float(max_squarings)), np.nan, r)


def expm_frechet(
    A: ArrayLike, E: ArrayLike, *, method: str | None = None, compute_expm: bool = True
) -> Any:
    """The Frechet derivative of ``expm`` at ``A`` in the direction ``E`` (with ``expm(A)``
    first when ``compute_expm``), read off ``expm([[A, E], [0, A]])``, whose upper right
    block it is."""
    if method not in (None, "SPS", "blockEnlarge"):
        raise ValueError(
            f"expm_frechet: method must be None, 'SPS' or 'blockEnlarge', got {method!r}"
        )
    a = la.lapack_matrix(A, "expm_frechet")
    e = la.lapack_matrix(E, "expm_frechet", what="E")
    if a.shape != e.shape:
        raise ValueError(f"expm_frechet: A and E must have one shape, got {a.shape} and {e.shape}")
    dt = result_type(a, e)
    a, e = a.astype(dt), e.astype(dt)
    n = a.shape[-1]
    top = concatenate([a, e], axis=-1)
    bottom = concatenate([zeros_like(a), a], axis=-1)
    big = expm(concatenate([top, bottom], axis=-2))
    frechet = big[..., :n, n:]
    return (big[..., :n, :n], frechet) if compute_expm else frechet


def sqrtm(A: ArrayLike, blocksize: int = 1) -> Array:
    """The principal square root, complex as in JAX, by the Denman-Beavers iteration (60
    steps, quadratic convergence). Defined for matrices with no eigenvalue on the closed
    negative real axis; ``blocksize`` is accepted for scipy's signature."""
    a = la.lapack_matrix(A, "sqrtm")
    a = a.astype(dtypes.complex_dtype(a.dtype) if not dtypes.is_complex(a.dtype) else a.dtype)
    y, z = a, broadcast_to(eye(a.shape[-1], dtype=a.dtype), a.shape)

    def body(i: Array, c: tuple[Array, Array]) -> tuple[Array, Array]:
        y, z = c
        return 0.5 * (y + la.inv(z)), 0.5 * (z + la.inv(y))

    y, _ = fori_loop(0, 60, body, (y, z))
    return y


def polar(
    a: ArrayLike, side: str = "right", *, method: str = "qdwh", eps: float | None = None,
    max_iterations: int | None = None,
) -> tuple[Array, Array]:  # fmt: skip
    """The polar decomposition ``a = u p`` (``side='right'``) or ``a = p u`` (``'left'``),
    with ``u`` unitary and ``p`` Hermitian positive semidefinite, from the SVD (for either
    ``method``)."""
    if side not in ("right", "left"):
        raise ValueError(f"polar: side must be 'right' or 'left', got {side!r}")
    if method not in ("qdwh", "svd"):
        raise ValueError(f"polar: method must be 'qdwh' or 'svd', got {method!r}")
    x = la.lapack_matrix(a, "polar", square=False)
    u, s, vh = la.svd(x, full_matrices=False)
    unitary = matmul(u, vh)
    if side == "right":
        p = matmul(la.adjoint(vh) * s[..., None, :].astype(x.dtype), vh)
    else:
        p = matmul(u * s[..., None, :].astype(x.dtype), la.adjoint(u))
    return unitary, p


def solve_sylvester(
    A: ArrayLike, B: ArrayLike, C: ArrayLike, *, method: str = "schur", tol: float = 1e-8
) -> Array:
    """``X`` with ``A X + X B = C``, as the linear system ``(A kron I + I kron B^T) vec X =
    vec C`` (row-major ``vec``; sizes up to a few dozen)."""
    a = la.lapack_matrix(A, "solve_sylvester", what="A")
    b = la.lapack_matrix(B, "solve_sylvester", what="B")
    c = la.lapack_matrix(C, "solve_sylvester", what="C", square=False)
    m, n = a.shape[-1], b.shape[-1]
    if a.ndim != 2 or b.ndim != 2 or c.shape != (m, n):
        raise ValueError(
            f"solve_sylvester: A (m, m), B (n, n) and C (m, n) expected, got {a.shape}, "
            f"{b.shape} and {c.shape}"
        )
    dt = result_type(a, b, c)
    k = kron(a.astype(dt), eye(n, dtype=dt)) + kron(
        eye(m, dtype=dt), swapaxes(b, -1, -2).astype(dt)
    )
    return la.solve(k, c.astype(dt).reshape(m * n)).reshape(m, n)


def qr_multiply(
    a: ArrayLike, c: ArrayLike, mode: str = "right", pivoting: bool = False,
    conjugate: bool = False, overwrite_a: bool = False, overwrite_c: bool = False,
) -> tuple[Array, Array]:  # fmt: skip
    """``(c @ Q, R)`` (``mode='right'``) or ``(Q @ c, R)`` (``'left'``) for the economic
    QR decomposition ``a = Q R`` (``Q`` conjugated when ``conjugate``)."""
    if pivoting:
        raise NotImplementedError("qr_multiply: pivoting=True is not supported")
    if mode not in ("right", "left"):
        raise ValueError(f"qr_multiply: mode must be 'right' or 'left', got {mode!r}")
    q, r = qr(a, mode="economic")
    if conjugate:
        q = ufuncs.conjugate(q)
    cc = asarray(c)
    if mode == "right":
        if cc.shape[-1] != q.shape[-2]:
            raise ValueError(
                f"qr_multiply: c needs {q.shape[-2]} columns for c @ Q, got shape {cc.shape}"
            )
        return matmul(cc, q), r
    if cc.shape[0] != q.shape[-1]:
        raise ValueError(f"qr_multiply: c needs {q.shape[-1]} rows for Q @ c, got shape {cc.shape}")
    return matmul(q, cc), r


def eigh_tridiagonal(
    d: ArrayLike, e: ArrayLike, *, eigvals_only: bool = False, select: str = "a",
    select_range: tuple[float, float] | None = None, tol: float | None = None, key: Any = None,
) -> Any:  # fmt: skip
    """Eigenvalues (and with ``eigvals_only=False`` eigenvectors) of the symmetric
    tridiagonal matrix with diagonal ``d`` and off-diagonal ``e``; ``select='i'`` keeps
    the eigenvalues with indices ``select_range = (lo, hi)`` (inclusive, static)."""
    dd, ee = asarray(d), asarray(e)
    if dd.ndim != 1 or ee.shape != (max(dd.shape[0] - 1, 0),):
        raise ValueError(
            f"eigh_tridiagonal: d (n,) and e (n - 1,) expected, got {dd.shape} and {ee.shape}"
        )
    if select not in ("a", "i"):
        raise ValueError(f"eigh_tridiagonal: select must be 'a' or 'i', got {select!r}")
    dt = result_type(dd, ee, 1.0)
    t = diag(dd.astype(dt)) + diag(ee.astype(dt), 1) + diag(ufuncs.conjugate(ee).astype(dt), -1)
    w, v = eigh(t)
    if select == "i":
        if select_range is None:
            raise ValueError("eigh_tridiagonal: select='i' needs select_range=(lo, hi)")
        lo, hi = int(select_range[0]), int(select_range[1])
        w, v = w[lo : hi + 1], v[:, lo : hi + 1]
    return w if eigvals_only else (w, v)


# ---------------------------------------------------------------------------
# Special matrices
# ---------------------------------------------------------------------------


def _vector(x: ArrayLike, name: str, what: str) -> Array:
    v = asarray(x)
    if v.ndim < 1:
        raise ValueError(f"{name}: {what} must have at least one dimension, got a scalar")
    return v


def toeplitz(c: ArrayLike, r: ArrayLike | None = None) -> Array:
    """The Toeplitz matrix with first column ``c`` and first row ``r`` (default
    ``conj(c)``; ``r[0]`` is ignored). Leading axes are batch axes."""
    cc = _vector(c, "toeplitz", "c")
    rr = ufuncs.conjugate(cc) if r is None else _vector(r, "toeplitz", "r")
    dt = result_type(cc, rr)
    n, m = cc.shape[-1], rr.shape[-1]
    cc, rr = (
        broadcast_arrays(cc.astype(dt), rr.astype(dt))
        if cc.shape[:-1] != rr.shape[:-1]
        else (cc.astype(dt), rr.astype(dt))
    )
    vals = concatenate([flip(rr[..., 1:], -1), cc], axis=-1)  # index m - 1 + i - j
    idx = (m - 1) + np.arange(n)[:, None] - np.arange(m)[None, :]
    return vals[..., idx]


def hankel(c: ArrayLike, r: ArrayLike | None = None) -> Array:
    """The Hankel matrix with first column ``c`` and last row ``r`` (default zeros;
    ``r[0]`` is ignored)."""
    cc = _vector(c, "hankel", "c").ravel()
    rr = zeros_like(cc) if r is None else _vector(r, "hankel", "r").ravel()
    dt = result_type(cc, rr)
    n, m = cc.shape[0], rr.shape[0]
    vals = concatenate([cc.astype(dt), rr[1:].astype(dt)])
    return vals[np.arange(n)[:, None] + np.arange(m)[None, :]]


def circulant(c: ArrayLike) -> Array:
    """The circulant matrix with first column ``c`` (leading axes are batch axes)."""
    cc = _vector(c, "circulant", "c")
    n = cc.shape[-1]
    return cc[..., (np.arange(n)[:, None] - np.arange(n)[None, :]) % n]


def companion(a: ArrayLike) -> Array:
    """The companion matrix of the polynomial with coefficients ``a`` (highest first)."""
    aa = _vector(a, "companion", "a")
    if aa.ndim != 1 or aa.shape[0] < 2:
        raise ValueError(
            f"companion: a must be 1-D with at least two coefficients, got shape {aa.shape}"
        )
    aa = aa.astype(result_type(aa, 1.0))
    n = aa.shape[0] - 1
    first = (-aa[1:] / aa[0])[None, :]
    return concatenate([first, eye(n - 1, n, dtype=aa.dtype)], axis=0)


def fiedler(a: ArrayLike) -> Array:
    """The symmetric Fiedler matrix ``|a_i - a_j|``."""
    aa = _vector(a, "fiedler", "a")
    return ufuncs.abs(aa[..., :, None] - aa[..., None, :])


def fiedler_companion(a: ArrayLike) -> Array:
    """The Fiedler companion matrix of the polynomial ``a`` (highest coefficient first): a
    pentadiagonal matrix with the characteristic polynomial of ``companion(a)``."""
    aa = _vector(a, "fiedler_companion", "a")
    if aa.ndim != 1 or aa.shape[0] < 3:
        raise ValueError(
            f"fiedler_companion: a must be 1-D with 3 or more coefficients, got shape {aa.shape}"
        )
    aa = aa.astype(result_type(aa, 1.0))
    aa = aa / aa[0]
    n = aa.shape[0]
    out = zeros((n - 1, n - 1), dtype=aa.dtype)
    out = out.at[np.arange(3, n - 1, 2), np.arange(1, n - 3, 2)].set(1.0)
    out = out.at[np.arange(2, n - 1, 2), np.arange(1, n - 2, 2)].set(-aa[3::2])
    out = out.at[np.arange(0, n - 3, 2), np.arange(2, n - 1, 2)].set(1.0)
    out = out.at[np.arange(0, n - 2, 2), np.arange(1, n - 1, 2)].set(-aa[2::2])
    out = out.at[0, 0].set(-aa[1])
    return out.at[1, 0].set(1.0)


def leslie(f: ArrayLike, s: ArrayLike) -> Array:
    """The Leslie matrix: fecundities ``f`` in the first row, survival rates ``s`` on the
    subdiagonal."""
    ff, ss = _vector(f, "leslie", "f"), _vector(s, "leslie", "s")
    if ff.ndim != 1 or ss.shape != (ff.shape[0] - 1,):
        raise ValueError(f"leslie: f (n,) and s (n - 1,) expected, got {ff.shape} and {ss.shape}")
    dt = result_type(ff, ss)
    n = ff.shape[0]
    rows = concatenate([diag(ss.astype(dt)), zeros((n - 1, 1), dtype=dt)], axis=1)
    return concatenate([ff.astype(dt)[None, :], rows], axis=0)


def convolution_matrix(a: ArrayLike, n: int, mode: str = "full") -> Array:
    """The matrix ``T`` with ``T @ v == convolve(a, v, mode)`` for ``v`` of length ``n``."""
    aa = _vector(a, "convolution_matrix", "a")
    if aa.ndim != 1 or aa.shape[0] == 0:
        raise ValueError(
            f"convolution_matrix: a must be a non-empty 1-D array, got shape {aa.shape}"
        )
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"convolution_matrix: n must be a positive int, got {n!r}")
    m = aa.shape[0]
    full = toeplitz(concatenate([aa, zeros(n - 1, dtype=aa.dtype)]), zeros(n, dtype=aa.dtype))
    if mode == "full":
        return full
    if mode == "same":
        start = (min(m, n) - 1) // 2
        return full[start : start + max(m, n)]
    if mode == "valid":
        return full[min(m, n) - 1 : max(m, n)]
    raise ValueError(f"convolution_matrix: mode must be 'full', 'same' or 'valid', got {mode!r}")


def block_diag(*arrs: ArrayLike) -> Array:
    """The block diagonal matrix of ``arrs`` (scalars and vectors count as one row)."""
    if not arrs:
        return zeros((1, 0))
    blocks = [asarray(x) for x in arrs]
    blocks = [b.reshape(1, -1) if b.ndim < 2 else b for b in blocks]
    if any(b.ndim != 2 for b in blocks):
        raise ValueError(
            f"block_diag: arguments must have at most 2 dimensions, got {[b.shape for b in blocks]}"
        )
    dt = result_type(*blocks)
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        r, c = b.shape
        rows.append(
            concatenate(
                [zeros((r, left), dt), b.astype(dt), zeros((r, width - left - c), dt)], axis=1
            )
        )
        left += c
    return concatenate(rows, axis=0)


def _constant(x: np.ndarray[Any, Any], dtype: Any) -> Array:
    return asarray(x, dtype)


def _static_n(n: Any, name: str, low: int = 0) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < low:
        raise ValueError(f"{name}: n must be an int >= {low}, got {n!r}")
    return int(n)


def hilbert(n: int) -> Array:
    """The Hilbert matrix ``1 / (i + j + 1)``."""
    k = _static_n(n, "hilbert")
    i = np.arange(k)
    return _constant(1.0 / (i[:, None] + i[None, :] + 1), dtypes.default_float_dtype())


def invhilbert(n: int) -> Array:
    """The inverse of ``hilbert(n)``, from its closed form in binomial coefficients."""
    k = _static_n(n, "invhilbert")
    out = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            s = i + j + 1
            out[i, j] = (
                (-1) ** (i + j) * s * math.comb(k + i, k - j - 1) * math.comb(k + j, k - i - 1)
                * math.comb(s - 1, i) ** 2
            )  # fmt: skip
    return _constant(out, dtypes.default_float_dtype())


def pascal(n: int, kind: str | None = None) -> Array:
    """The Pascal matrix: ``'symmetric'`` (default), ``'lower'`` or ``'upper'``."""
    k = _static_n(n, "pascal")
    kind = "symmetric" if kind is None else kind
    i = np.arange(k)
    lower = np.array([[math.comb(a, b) for b in range(k)] for a in range(k)], dtype=np.float64)
    if kind == "lower":
        out = lower
    elif kind == "upper":
        out = lower.T
    elif kind == "symmetric":
        out = np.array([[math.comb(a + b, a) for b in i] for a in i], dtype=np.float64)
    else:
        raise ValueError(f"pascal: kind must be 'symmetric', 'lower' or 'upper', got {kind!r}")
    return _constant(out, dtypes.default_float_dtype())


def invpascal(n: int, kind: str | None = None) -> Array:
    """The inverse of ``pascal(n, kind)``: signed binomials for the triangular kinds,
    ``U^-1 L^-1`` for the symmetric one."""
    k = _static_n(n, "invpascal")
    kind = "symmetric" if kind is None else kind
    lower = np.array(
        [[(-1) ** (a + b) * math.comb(a, b) for b in range(k)] for a in range(k)], dtype=np.float64
    )
    if kind == "lower":
        out = lower
    elif kind == "upper":
        out = lower.T
    elif kind == "symmetric":
        out = lower.T @ lower
    else:
        raise ValueError(f"invpascal: kind must be 'symmetric', 'lower' or 'upper', got {kind!r}")
    return _constant(out, dtypes.default_float_dtype())


def hadamard(n: int, dtype: Any = int) -> Array:
    """The Sylvester Hadamard matrix of order ``n`` (a power of 2)."""
    k = _static_n(n, "hadamard", 1)
    if k & (k - 1):
        raise ValueError(f"hadamard: n must be a power of 2, got {n}")
    out = np.ones((1, 1))
    while out.shape[0] < k:
        out = np.block([[out, out], [out, -out]])
    return _constant(out, dtypes.canonicalize_dtype(np.dtype(dtype)))


def helmert(n: int, full: bool = False) -> Array:
    """The Helmert matrix of order ``n`` (without its first row unless ``full``)."""
    k = _static_n(n, "helmert", 1)
    out = np.zeros((k, k))
    out[0] = 1 / np.sqrt(k)
    for i in range(1, k):
        out[i, :i] = 1 / np.sqrt(i * (i + 1))
        out[i, i] = -i / np.sqrt(i * (i + 1))
    return _constant(out if full else out[1:], dtypes.default_float_dtype())


def dft(n: int, scale: str | None = None, *, dtype: Any = None) -> Array:
    """The discrete Fourier transform matrix ``exp(-2 pi i j k / n)``, scaled by nothing,
    ``1/sqrt(n)`` (``'sqrtn'``) or ``1/n`` (``'n'``)."""
    k = _static_n(n, "dft")
    if scale not in (None, "sqrtn", "n"):
        raise ValueError(f"dft: scale must be None, 'sqrtn' or 'n', got {scale!r}")
    jk = np.outer(np.arange(k), np.arange(k)) % max(k, 1)
    out = np.exp(-2j * np.pi * jk / max(k, 1))
    if scale == "sqrtn":
        out = out / np.sqrt(k)
    elif scale == "n":
        out = out / k
    dt = dtypes.complex_dtype(dtypes.default_float_dtype()) if dtype is None else np.dtype(dtype)
    return _constant(out, dtypes.canonicalize_dtype(dt))


# ---------------------------------------------------------------------------
# Schur-based: schur, hessenberg, rsf2csf, funm
# ---------------------------------------------------------------------------


def schur(a: ArrayLike, output: str = "real") -> tuple[Array, Array]:
    """``(T, Z)`` with ``a = Z T Z^H``: the real Schur form (quasi-upper-triangular ``T``)
    or, with ``output='complex'``, the complex one. Like JAX's, not differentiable."""
    if output not in ("real", "complex"):
        raise ValueError(f"schur: output must be 'real' or 'complex', got {output!r}")
    x = la.lapack_matrix(a, "schur")
    if output == "complex" and not dtypes.is_complex(x.dtype):
        x = x.astype(dtypes.complex_dtype(x.dtype))
    return schur_prims.schur(x)


def hessenberg(
    a: ArrayLike, *, calc_q: bool = False, overwrite_a: bool = False, check_finite: bool = True
) -> Any:
    """``h`` (and ``(h, q)`` with ``calc_q``), ``a = q h q^H`` with ``h`` zero below its
    first subdiagonal. Like JAX's, not differentiable."""
    h, q = schur_prims.hessenberg(la.lapack_matrix(a, "hessenberg"))
    return (h, q) if calc_q else h


def _rotate(t: Array, z: Array, m: int, eps: float) -> tuple[Array, Array]:
    """Triangularize the 2x2 diagonal block of ``t`` ending at row ``m`` by a Givens
    rotation built from its eigenvalue with positive imaginary part (scipy's choice),
    where the block is not already triangular."""
    a, b = t[m - 1, m - 1], t[m - 1, m]
    c, d = t[m, m - 1], t[m, m]
    half_tr = 0.5 * (a + d)
    disc = 0.25 * (a - d) * (a - d) + b * c
    root = ufuncs.sqrt(disc)
    root = sorting.where(ufuncs.imag(root) < 0, -root, root)
    mu = half_tr + root - d
    r = ufuncs.sqrt(ufuncs.abs(mu) ** 2 + ufuncs.abs(c) ** 2)
    active = ufuncs.abs(c) > eps * (ufuncs.abs(a) + ufuncs.abs(d))
    r_safe = sorting.where(active, r, 1.0)
    cs, sn = mu / r_safe, c / r_safe
    g = _givens(cs, sn)
    gh = la.adjoint(g)
    t_new = t.at[m - 1 : m + 1, m - 1 :].set(matmul(g, t[m - 1 : m + 1, m - 1 :]))
    t_new = t_new.at[: m + 1, m - 1 : m + 1].set(matmul(t_new[: m + 1, m - 1 : m + 1], gh))
    z_new = z.at[:, m - 1 : m + 1].set(matmul(z[:, m - 1 : m + 1], gh))
    t_new = t_new.at[m, m - 1].set(0.0)
    return sorting.where(active, t_new, t), sorting.where(active, z_new, z)


def _givens(cs: Array, sn: Array) -> Array:
    """``[[conj(c), s], [-s, c]]``."""
    row0 = concatenate([ufuncs.conjugate(cs)[None], sn[None]])
    row1 = concatenate([-sn[None], cs[None]])
    return concatenate([row0[None], row1[None]])


def rsf2csf(T: ArrayLike, Z: ArrayLike, check_finite: bool = True) -> tuple[Array, Array]:
    """The complex Schur form from the real one: each 2x2 block of ``T`` is made
    triangular by a Givens rotation, applied to ``Z`` too (scipy's algorithm)."""
    t = la.lapack_matrix(T, "rsf2csf", what="T")
    z = la.lapack_matrix(Z, "rsf2csf", what="Z")
    if t.ndim != 2 or t.shape != z.shape:
        raise ValueError(
            f"rsf2csf: T and Z must be square matrices of one shape, got {t.shape} and {z.shape}"
        )
    dt = result_type(t, z, 1j)
    t, z = t.astype(dt), z.astype(dt)
    eps = float(np.finfo(dt).eps)
    for m in range(t.shape[-1] - 1, 0, -1):
        t, z = _rotate(t, z, m, eps)
    return t, z


def funm(A: ArrayLike, func: Any, disp: bool = True) -> Any:
    """``func`` of the matrix ``A`` by Parlett's recurrence on the complex Schur form
    (``func`` applied to its eigenvalues), complex as in JAX; with ``disp=False``,
    ``(F, errest)`` with scipy's error estimate. Assumes distinct eigenvalues."""
    if not callable(func):
        raise TypeError(f"funm: func must be callable, got {type(func).__name__}")
    a = la.lapack_matrix(A, "funm")
    if a.ndim != 2:
        raise ValueError(f"funm: A must be a matrix, got shape {a.shape}")
    t, z = schur(a, output="complex")
    n = t.shape[-1]
    f = diag(asarray(func(diag(t))).astype(t.dtype))
    minden = ufuncs.abs(t[0, 0])
    for p in range(1, n):
        for i in range(n - p):
            j = i + p
            s = t[i, j] * (f[j, j] - f[i, i])
            if j - i > 1:
                inner = t[i, i + 1 : j] * f[i + 1 : j, j] - f[i, i + 1 : j] * t[i + 1 : j, j]
                s = s + reductions.sum(inner)
            den = t[j, j] - t[i, i]
            s = sorting.where(den != 0, s / sorting.where(den != 0, den, 1.0), s)
            f = f.at[i, j].set(s)
            minden = ufuncs.minimum(minden, ufuncs.abs(den))
    out = matmul(matmul(z, f), la.adjoint(z))
    if disp:
        return out
    tol = float(np.finfo(minden.dtype).eps)
    minden = sorting.where(minden == 0, tol, minden)
    upper_norm = reductions.max(reductions.sum(ufuncs.abs(triu(t, 1)), axis=0))
    err = ufuncs.minimum(1.0, ufuncs.maximum(tol, (tol / minden) * upper_norm))
    return out, err
