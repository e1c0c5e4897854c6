"""``fad.scipy.linalg``: scipy.linalg's API (JAX's semantics) on fad's LAPACK primitives.

Unlike ``fad.numpy.linalg.cholesky``, the factorizations here read only the
triangle ``lower`` names (scipy's convention) and do not symmetrize. Leading
axes are batch axes throughout.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fad._src import dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy import linalg as la
from fad._src.numpy.conversion import asarray, broadcast_to, result_type
from fad._src.numpy.creation import eye, tril, triu
from fad._src.numpy.products import matmul
from fad._src.numpy.ranges import arange
from fad._src.numpy.shapes import shape, swapaxes
from fad._src.prims import lapack as lap

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
