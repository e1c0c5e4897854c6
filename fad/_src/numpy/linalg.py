"""``fad.numpy.linalg``: numpy.linalg's API on fad's LAPACK primitives.

Everything here is a composition of primitives (``fad._src.prims.lapack`` and
the ordinary ones), so every transformation sees through it. Inputs are
promoted to an inexact dtype; LAPACK works in float32, float64, complex64 and
complex128, so other floats (float16, bfloat16) are rejected. Semantics follow
JAX: ``cholesky`` and ``eigh`` read ``(a + a^H) / 2``, and ``solve`` treats ``b``
as a vector only when it is 1-D (numpy 2). ``fad.numpy.linalg``'s products
(``matmul``, ``tensordot``, ...) are ``fad.numpy``'s own, from ``products``.

The argument checks and the LU solve are public: ``fad.scipy.linalg`` shares them.
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike, DType
from fad._src.custom_derivatives import custom_jvp
from fad._src.numpy import (
    conversion,
    creation,
    indexing,
    logic,
    manipulation,
    products,
    ranges,
    reductions,
    shapes,
    sorting,
    ufuncs,
)
from fad._src.prims import _util
from fad._src.prims import eig as eig_prim
from fad._src.prims import lapack as lap
from fad._src.typing import Tangent, tangent


class EighResult(NamedTuple):
    eigenvalues: Array
    eigenvectors: Array


class EigResult(NamedTuple):
    eigenvalues: Array
    eigenvectors: Array


class QRResult(NamedTuple):
    Q: Array
    R: Array


class SVDResult(NamedTuple):
    U: Array
    S: Array
    Vh: Array


class SlogdetResult(NamedTuple):
    sign: Array
    logabsdet: Array


# ---------------------------------------------------------------------------
# Argument checks (shared with fad.scipy.linalg)
# ---------------------------------------------------------------------------


def lapack_operand(a: ArrayLike, name: str) -> Array:
    """``a`` as an array of a LAPACK dtype (integers and bools become the default float)."""
    x = conversion.asarray(a)
    if not dtypes.is_inexact(x.dtype):
        x = conversion.astype(x, dtypes.to_inexact(x.dtype, x.weak_type)[0])
    if x.dtype not in lap._SUPPORTED:
        raise TypeError(
            f"{name}: LAPACK needs float32, float64, complex64 or complex128 values, got "
            f"{x.dtype.name}; convert with .astype(jnp.float32)"
        )
    return x


def lapack_matrix(a: ArrayLike, name: str, square: bool = True, what: str = "a") -> Array:
    """``lapack_operand(a)``, checked to be a (``square``) stack of matrices."""
    x = lapack_operand(a, name)
    if x.ndim < 2:
        raise ValueError(f"{name}: {what} must have shape (..., M, N), got shape {x.shape}")
    if square and x.shape[-1] != x.shape[-2]:
        raise ValueError(f"{name}: {what} must be square, shape (..., M, M), got shape {x.shape}")
    return x


def adjoint(x: Array) -> Array:
    """The conjugate transpose of a stack of matrices."""
    return (
        ufuncs.conjugate(shapes.swapaxes(x, -1, -2))
        if dtypes.is_complex(x.dtype)
        else shapes.swapaxes(x, -1, -2)
    )


def broadcast_batch(x: Array, y: Array) -> tuple[Array, Array]:
    """Broadcast the leading (batch) axes of two stacks of matrices against each other."""
    batch = conversion.broadcast_shapes(x.shape[:-2], y.shape[:-2])
    return (
        conversion.broadcast_to(x, (*batch, *x.shape[-2:])),
        conversion.broadcast_to(y, (*batch, *y.shape[-2:])),
    )


def _real_dtype(dt: DType) -> DType:
    return dtypes.real_dtype(dt) if dtypes.is_complex(dt) else dt


# ---------------------------------------------------------------------------
# Factorizations
# ---------------------------------------------------------------------------


def cholesky(a: ArrayLike, *, upper: bool = False, symmetrize_input: bool = True) -> Array:
    """The Cholesky factor of Hermitian positive-definite ``a``: lower ``L`` with
    ``a = L L^H`` (``upper``: ``U = L^H``). NaN where ``a`` is not positive definite."""
    x = lapack_matrix(a, "cholesky")
    factor = lap.cholesky(x, symmetrize_input=symmetrize_input)
    return adjoint(factor) if upper else factor


def eigh(a: ArrayLike, UPLO: str | None = None, symmetrize_input: bool = True) -> EighResult:
    """Eigenvalues (ascending) and eigenvectors (columns) of Hermitian ``a``."""
    x = lapack_matrix(a, "eigh")
    lower = _uplo(UPLO, "eigh")
    v, w = lap.eigh(x, lower=lower, symmetrize_input=symmetrize_input)
    return EighResult(w, v)


def eig(a: ArrayLike) -> EigResult:
    """Eigenvalues and unit-norm right eigenvectors of a general square matrix (complex)."""
    w, v = eig_prim.eig(lapack_matrix(a, "eig"))
    return EigResult(w, v)


def eigvals(a: ArrayLike) -> Array:
    """Eigenvalues of a general square matrix (complex)."""
    return eig(a).eigenvalues


def eigvalsh(a: ArrayLike, UPLO: str | None = "L", *, symmetrize_input: bool = True) -> Array:
    return eigh(a, UPLO, symmetrize_input).eigenvalues


def _uplo(UPLO: str | None, name: str) -> bool:
    if UPLO is None or UPLO == "L":
        return True
    if UPLO == "U":
        return False
    raise ValueError(f"{name}: UPLO must be 'L' or 'U', got {UPLO!r}")


def qr(a: ArrayLike, mode: str = "reduced") -> Any:
    """``QRResult(Q, R)`` with ``a = Q @ R`` (``mode='r'``: ``R`` alone)."""
    x = lapack_matrix(a, "qr", square=False)
    if mode == "raw":
        raise NotImplementedError("qr: mode='raw' (Householder reflectors) is not supported")
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    q, r = lap.qr(x, full_matrices=mode == "complete")
    return r if mode == "r" else QRResult(q, r)


def svd(
    a: ArrayLike,
    full_matrices: bool = True,
    compute_uv: bool = True,
    hermitian: bool = False,
    subset_by_index: tuple[int, int] | None = None,
) -> Any:
    """``SVDResult(U, S, Vh)`` with ``a = U @ diag(S) @ Vh``, ``S`` descending
    (``compute_uv=False``: ``S`` alone). ``hermitian`` uses ``eigh``."""
    x = lapack_matrix(a, "svd", square=hermitian)
    if subset_by_index is not None:
        lo, hi = (operator.index(i) for i in subset_by_index)
        k = builtins.min(x.shape[-2:])
        if not 0 <= lo <= hi <= k:
            raise ValueError(f"svd: subset_by_index {subset_by_index} is out of range for {k}")
        if compute_uv and full_matrices:
            raise ValueError("svd: subset_by_index needs full_matrices=False or compute_uv=False")
        res = svd(x, False, compute_uv, hermitian)
        if not compute_uv:
            return res[..., lo:hi]
        return SVDResult(res.U[..., lo:hi], res.S[..., lo:hi], res.Vh[..., lo:hi, :])
    if hermitian:
        return _svd_hermitian(x, compute_uv)
    if not compute_uv:
        out: Array = lap.svd(x, compute_uv=False)
        return out
    u, s, vh = lap.svd(x, full_matrices=full_matrices)
    return SVDResult(u, s, vh)


def _svd_hermitian(x: Array, compute_uv: bool) -> Any:
    v, w = lap.eigh(x)
    s = ufuncs.absolute(w)
    order = sorting.argsort(-s, axis=-1)
    s = indexing.take_along_axis(s, order, axis=-1)
    if not compute_uv:
        return s
    # a = V diag(w) V^H = (V P) diag(|w|) (V diag(sign w) P)^H for the sorting permutation P.
    cols = conversion.broadcast_to(shapes.expand_dims(order, -2), v.shape)
    u = indexing.take_along_axis(v, cols, axis=-1)
    signs = indexing.take_along_axis(
        sorting.where(w < 0, -1.0, 1.0).astype(w.dtype), order, axis=-1
    )
    vh = adjoint(u * shapes.expand_dims(signs, -2).astype(u.dtype))
    return SVDResult(u, s, vh)


def svdvals(x: ArrayLike, /) -> Array:
    out: Array = svd(x, compute_uv=False)
    return out


# ---------------------------------------------------------------------------
# Solving, inverses, determinants (LU with partial pivoting)
# ---------------------------------------------------------------------------


def solve_lu(lu: Array, perm: Array, b: Array, trans: int = 0) -> Array:
    """Solve ``op(a) x = b`` from ``a[perm] = L U`` (``trans``: 0 none, 1 ``a^T``, 2 ``a^H``).
    ``b`` is a stack of matrices with the batch axes of ``lu``."""
    if trans == 0:
        pb = indexing.take_along_axis(
            b, conversion.broadcast_to(perm[..., :, None], b.shape), axis=-2
        )
        y = lap.triangular_solve(lu, pb, left_side=True, lower=True, unit_diagonal=True)
        return lap.triangular_solve(lu, y, left_side=True, lower=False)
    conj = trans == 2
    y = lap.triangular_solve(lu, b, left_side=True, lower=False, transpose_a=True, conjugate_a=conj)
    z = lap.triangular_solve(
        lu, y, left_side=True, lower=True, transpose_a=True, conjugate_a=conj, unit_diagonal=True
    )
    inverse = sorting.argsort(perm, axis=-1)
    return indexing.take_along_axis(
        z, conversion.broadcast_to(inverse[..., :, None], z.shape), axis=-2
    )


def solve(a: ArrayLike, b: ArrayLike) -> Array:
    """``x`` with ``a @ x = b``; ``b`` is a vector only when 1-D (else a stack of matrices)."""
    x = lapack_matrix(a, "solve")
    y = lapack_operand(b, "solve")
    dt = conversion.result_type(x, y)
    x, y = x.astype(dt), y.astype(dt)
    vector = y.ndim == 1
    if vector:
        y = y[:, None]
    if y.ndim < 2:
        raise ValueError(f"solve: b must have shape (M,) or (..., M, K), got shape {y.shape}")
    if y.shape[-2] != x.shape[-1]:
        raise ValueError(
            f"solve: a of shape {x.shape} and b of shape {shapes.shape(b)} do not match (b needs "
            f"{x.shape[-1]} rows)"
        )
    if vector:
        x_ = x
        y = conversion.broadcast_to(y, (*x.shape[:-2], *y.shape))
    else:
        x_, y = broadcast_batch(x, y)
    lu, _, perm = lap.lu(x_)
    out = solve_lu(lu, perm, y)
    return out[..., 0] if vector else out


def inv(a: ArrayLike) -> Array:
    x = lapack_matrix(a, "inv")
    eye = conversion.broadcast_to(creation.eye(x.shape[-1], dtype=x.dtype), x.shape)
    return solve(x, eye)


def _lu_diag_and_parity(x: Array) -> tuple[Array, Array]:
    lu, pivots, _ = lap.lu(x)
    diag = creation.diagonal(lu, axis1=-2, axis2=-1)
    swaps = reductions.sum(pivots != ranges.arange(pivots.shape[-1], dtype=pivots.dtype), axis=-1)
    parity = (1 - 2 * (swaps % 2)).astype(x.dtype)
    return diag, parity


def _det_lu(x: Array) -> Array:
    diag, parity = _lu_diag_and_parity(x)
    return parity * reductions.prod(diag, axis=-1)


def _adjugate(x: Array) -> Array:
    """``adj(x)``: ``det(x) inv(x)`` where ``x`` is regular, and from the SVD
    ``x = U S V^H`` (``adj = det(U) det(V^H) V adj(S) U^H``) where it is singular, each
    branch fed a harmless matrix where it is not taken so no NaN reaches a derivative."""
    n = x.shape[-1]
    d = _det_lu(x)
    singular = (d == 0)[..., None, None]
    eye = conversion.broadcast_to(creation.eye(n, dtype=x.dtype), x.shape)
    regular = d[..., None, None] * inv(sorting.where(singular, eye, x))
    u, s, vh = svd(sorting.where(singular, x, eye))
    one = creation.ones_like(s[..., :1])
    before = reductions.cumprod(manipulation.concatenate([one, s[..., :-1]], axis=-1), axis=-1)
    after = manipulation.flip(
        reductions.cumprod(
            manipulation.flip(manipulation.concatenate([s[..., 1:], one], axis=-1), -1), axis=-1
        ),
        -1,
    )
    others = (before * after).astype(x.dtype)  # prod of the singular values but the i-th
    sign = _det_lu(u) * _det_lu(vh)
    adj_s = products.matmul(adjoint(vh) * others[..., None, :], adjoint(u))
    return sorting.where(singular, sign[..., None, None] * adj_s, regular)


# det's derivative is the adjugate (JAX's cofactor rule): finite at singular matrices,
# where the LU's derivative divides by a zero pivot.
_det = custom_jvp(_det_lu)


@_det.defjvp
def _det_jvp(primals: tuple[Array], tangents: Any) -> tuple[Array, Tangent[Array]]:
    (x,), (t,) = primals, tangents
    adj_t = shapes.swapaxes(_adjugate(x), -1, -2)
    return _det(x), tangent(reductions.sum(adj_t * t, axis=(-2, -1)))


def det(a: ArrayLike) -> Array:
    return _det(lapack_matrix(a, "det"))


def slogdet(a: ArrayLike, *, method: str | None = None) -> SlogdetResult:
    """``(sign, log|det a|)``; ``sign`` is 0 (and the log -inf) for singular ``a``."""
    if method not in (None, "lu"):
        raise ValueError(f"slogdet: method must be None or 'lu', got {method!r}")
    x = lapack_matrix(a, "slogdet")
    diag, parity = _lu_diag_and_parity(x)
    absd = ufuncs.absolute(diag)
    logabsdet = reductions.sum(ufuncs.log(absd), axis=-1)
    zero = absd == 0
    unit = sorting.where(zero, 0, diag / sorting.where(zero, 1, absd).astype(diag.dtype))
    sign = parity * reductions.prod(unit, axis=-1)
    return SlogdetResult(sign, logabsdet)


def matrix_power(a: ArrayLike, n: int) -> Array:
    """``a`` raised to the integer power ``n`` by repeated squaring (``n < 0``: of ``inv(a)``)."""
    x = conversion.asarray(a)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"matrix_power: a must be square, shape (..., M, M), got shape {x.shape}")
    try:
        k = operator.index(n)
    except TypeError:
        raise TypeError(f"matrix_power: the exponent must be an integer, got {n!r}") from None
    if k == 0:
        return conversion.broadcast_to(creation.eye(x.shape[-1], dtype=x.dtype), x.shape)
    if k < 0:
        if not dtypes.is_inexact(x.dtype):
            raise ValueError("matrix_power: integer matrices cannot be raised to negative powers")
        x, k = inv(x), -k
    result: Array | None = None
    while True:
        if k & 1:
            result = x if result is None else products.matmul(result, x)
        k >>= 1
        if not k:
            break
        x = products.matmul(x, x)
    assert result is not None
    return result


def _default_rtol(x: Array) -> float:
    return float(np.finfo(_real_dtype(x.dtype)).eps) * builtins.max(x.shape[-2:])


def pinv(
    a: ArrayLike,
    rtol: ArrayLike | None = None,
    hermitian: bool = False,
    *,
    rcond: ArrayLike | None = None,
) -> Array:
    """Moore-Penrose pseudo-inverse via the SVD; singular values below ``rtol * max(s)``
    (default ``10 max(M, N) eps``; ``rcond`` is numpy's older name) count as zero."""
    if rcond is not None:
        if rtol is not None:
            raise ValueError("pinv: pass rtol or rcond, not both")
        rtol = rcond
    x = lapack_matrix(a, "pinv", square=hermitian)
    return _pinv(x, rtol, hermitian)


def _pinv_svd(x: Array, rtol: ArrayLike | None, hermitian: bool) -> Array:
    usv: tuple[Array, Array, Array] = svd(x, full_matrices=False, hermitian=hermitian)
    u, s, vh = usv
    r = 10 * _default_rtol(x) if rtol is None else conversion.asarray(rtol)
    cutoff = conversion.asarray(r)[..., None] * s[..., :1] if s.shape[-1] else s
    keep = s > cutoff
    s_inv = sorting.where(keep, 1 / sorting.where(keep, s, 1), 0).astype(x.dtype)
    return products.matmul(adjoint(vh) * s_inv[..., None, :], adjoint(u))


# The pseudo-inverse's derivative in closed form (Golub and Pereyra): the SVD's own
# derivative divides by differences of singular values, NaN at repeated ones (eye).
_pinv = custom_jvp(_pinv_svd, nondiff_argnums=(1, 2))


@_pinv.defjvp
def _pinv_jvp(
    rtol: Any, hermitian: Any, primals: tuple[Any, ...], tangents: Any
) -> tuple[Array, Tangent[Array]]:
    (x,), (dx,) = primals, tangents
    p = _pinv(x, rtol, hermitian)
    m, n = x.shape[-2:]
    eye_m = creation.eye(m, dtype=x.dtype)
    eye_n = creation.eye(n, dtype=x.dtype)
    mm = products.matmul
    dp = -mm(mm(p, dx), p)
    dp = dp + mm(mm(mm(p, adjoint(p)), adjoint(dx)), eye_m - mm(x, p))
    dp = dp + mm(mm(mm(eye_n - mm(p, x), adjoint(dx)), adjoint(p)), p)
    return p, tangent(dp)


def matrix_rank(
    M: ArrayLike,
    rtol: ArrayLike | None = None,
    *,
    hermitian: bool = False,
    tol: ArrayLike | None = None,
) -> Array:
    """Number of singular values above ``tol`` (or ``rtol`` times the largest);
    ``hermitian`` takes them from ``eigh``."""
    x = lapack_operand(M, "matrix_rank")
    if x.ndim < 2:
        return logic.any(x != 0).astype(np.int32)
    s: Array = svd(x, compute_uv=False, hermitian=hermitian)
    if tol is not None:
        cutoff = conversion.asarray(tol)[..., None]
    else:
        r = _default_rtol(x) if rtol is None else conversion.asarray(rtol)[..., None]
        cutoff = reductions.max(s, axis=-1, keepdims=True) * r
    return reductions.sum(s > cutoff, axis=-1)


def cond(x: ArrayLike, p: Any = None) -> Array:
    if p in (None, 2, -2):
        s = svdvals(lapack_matrix(x, "cond", square=False))
        hi, lo = s[..., 0], s[..., -1]
        return hi / lo if p != -2 else lo / hi
    a = lapack_matrix(x, "cond")
    return norm(a, p, axis=(-2, -1)) * norm(inv(a), p, axis=(-2, -1))


def multi_dot(arrays: Sequence[ArrayLike], *, precision: Any = None) -> Array:
    if len(arrays) < 2:
        raise ValueError(f"multi_dot: expected at least two arrays, got {len(arrays)}")
    out = conversion.asarray(arrays[0])
    for b in arrays[1:]:
        out = products.matmul(out, b)
    return out


def outer(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    a, b = conversion.asarray(x1), conversion.asarray(x2)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(f"outer: expected 1-D inputs, got shapes {a.shape} and {b.shape}")
    return products.outer(a, b)


def trace(x: ArrayLike, /, *, offset: int = 0, dtype: Any = None) -> Array:
    """The trace over the last two axes (the array API's ``linalg.trace``)."""
    return products.trace(x, offset, axis1=-2, axis2=-1, dtype=dtype)


def diagonal(x: ArrayLike, /, *, offset: int = 0) -> Array:
    return creation.diagonal(x, offset, axis1=-2, axis2=-1)


# ---------------------------------------------------------------------------
# Norms
# ---------------------------------------------------------------------------


def _abs2(x: Array) -> Array:
    return ufuncs.real(x * ufuncs.conjugate(x)) if dtypes.is_complex(x.dtype) else x * x


def _vector_norm(x: Array, ord: Any, axis: tuple[int, ...], keepdims: bool) -> Array:
    if ord is None or ord == 2:
        return ufuncs.sqrt(reductions.sum(_abs2(x), axis=axis, keepdims=keepdims))
    a = ufuncs.absolute(x)
    if ord == np.inf:
        return reductions.max(a, axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return reductions.min(a, axis=axis, keepdims=keepdims)
    if ord == 0:
        return reductions.sum(a != 0, axis=axis, keepdims=keepdims).astype(a.dtype)
    if ord == 1:
        return reductions.sum(a, axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"norm: invalid order {ord!r} for a vector norm")
    p = float(ord)
    return reductions.sum(a**p, axis=axis, keepdims=keepdims) ** (1.0 / p)


def _matrix_norm(x: Array, ord: Any, axis: tuple[int, int], keepdims: bool) -> Array:
    row, col = axis
    if ord is None or ord == "fro":
        out = ufuncs.sqrt(reductions.sum(_abs2(x), axis=axis))
    elif ord in (1, -1):
        sums = reductions.sum(ufuncs.absolute(x), axis=row)
        out = (reductions.max if ord == 1 else reductions.min)(
            sums, axis=col - 1 if col > row else col
        )
    elif ord in (np.inf, -np.inf):
        sums = reductions.sum(ufuncs.absolute(x), axis=col)
        out = (reductions.max if ord == np.inf else reductions.min)(
            sums, axis=row - 1 if row > col else row
        )
    elif ord in (2, -2, "nuc"):
        s = svdvals(shapes.moveaxis(x, (row, col), (-2, -1)))
        out = (
            reductions.sum(s, -1)
            if ord == "nuc"
            else (reductions.max if ord == 2 else reductions.min)(s, axis=-1)
        )
    else:
        raise ValueError(f"norm: invalid order {ord!r} for a matrix norm")
    if keepdims:
        out = shapes.expand_dims(out, sorted(axis))
    return out


def norm(x: ArrayLike, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Array:
    """Vector norms (``axis`` an int, or 1-D ``x``) and matrix norms (``axis`` a pair, or
    2-D ``x``); ``ord=None`` with ``axis=None`` is the 2-norm of the flattened array."""
    a = lapack_operand(x, "norm")
    if axis is None:
        if ord is None:
            return _vector_norm(shapes.ravel(a), None, (0,), False).reshape(
                (1,) * a.ndim if keepdims else ()
            )
        if a.ndim == 1:
            axis = (0,)
        elif a.ndim == 2:
            axis = (0, 1)
        else:
            raise ValueError(
                f"norm: ord={ord!r} needs axis for a {a.ndim}-D array (1-D or 2-D only)"
            )
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    axes = _util.canonical_axes(axes, a.ndim)
    if len(axes) == 1:
        return _vector_norm(a, ord, axes, keepdims)
    if len(axes) == 2:
        return _matrix_norm(a, ord, (axes[0], axes[1]), keepdims)
    raise ValueError(f"norm: axis must be an int or a pair of ints, got {axis!r}")


def vector_norm(
    x: ArrayLike, /, *, axis: Any = None, keepdims: bool = False, ord: Any = 2
) -> Array:
    a = lapack_operand(x, "vector_norm")
    if axis is None:
        out = _vector_norm(shapes.ravel(a), ord, (0,), False)
        return out.reshape((1,) * a.ndim) if keepdims else out
    axes = _util.canonical_axes((axis,) if isinstance(axis, int) else tuple(axis), a.ndim)
    return _vector_norm(a, ord, axes, keepdims)


def matrix_norm(x: ArrayLike, /, *, keepdims: bool = False, ord: Any = "fro") -> Array:
    a = lapack_matrix(x, "matrix_norm", square=False, what="x")
    return _matrix_norm(a, ord, (a.ndim - 2, a.ndim - 1), keepdims)


# ---------------------------------------------------------------------------
# Least squares and tensor equations
# ---------------------------------------------------------------------------


def lstsq(
    a: ArrayLike, b: ArrayLike, rcond: float | None = None, *, numpy_resid: bool = False
) -> tuple[Array, Array, Array, Array]:
    """Least-squares solution of ``a x = b`` through the SVD: ``(x, residuals, rank, s)``.

    Singular values below ``rcond * max(s)`` (default ``eps * max(M, N)``) count as
    zero. As in JAX, ``residuals`` is always the squared 2-norm of ``b - a x`` per column;
    ``numpy_resid=True`` gives numpy's convention (empty unless full rank and ``M > N``).
    """
    x = lapack_matrix(a, "lstsq", square=False)
    bv = conversion.asarray(b)
    if x.ndim != 2:
        raise ValueError(f"lstsq: a must be a matrix, got shape {x.shape}")
    if bv.ndim not in (1, 2) or bv.shape[0] != x.shape[0]:
        raise ValueError(f"lstsq: b of shape {bv.shape} does not match a of shape {x.shape}")
    bv = conversion.astype(bv, x.dtype)
    vec = bv.ndim == 1
    b2 = shapes.reshape(bv, (-1, 1)) if vec else bv
    m, n = x.shape
    u, s, vh = svd(x, full_matrices=False)
    r = float(np.finfo(_real_dtype(x.dtype)).eps) * builtins.max(m, n) if rcond is None else rcond
    if s.shape[0] == 0:
        keep = s > 0
    else:
        keep = s > conversion.asarray(r).astype(s.dtype) * s[0]
    s_inv = sorting.where(keep, 1 / sorting.where(keep, s, 1), 0).astype(x.dtype)
    sol = products.matmul(adjoint(vh), s_inv[:, None] * products.matmul(adjoint(u), b2))
    rank = reductions.sum(keep, dtype=dtypes.default_int_dtype())
    res = b2 - products.matmul(x, sol)
    resid = reductions.sum(ufuncs.real(res * ufuncs.conj(res)), axis=0)
    if numpy_resid:
        full = builtins.bool(np.asarray(rank.concrete_value()) == n) if not _traced(rank) else False
        if not (full and m > n):
            resid = creation.zeros((0,), resid.dtype)
    if vec:
        sol = shapes.reshape(sol, (-1,))
    return sol, resid, rank, s


def _traced(x: Array) -> bool:
    return isinstance(x, core.Tracer)


def tensorinv(a: ArrayLike, ind: int = 2) -> Array:
    """Inverse of ``a`` as a linear map from its last axes to its first ``ind`` axes."""
    x = conversion.asarray(a)
    ind = operator.index(ind)
    if ind <= 0:
        raise ValueError(f"tensorinv: ind must be a positive integer, got {ind}")
    out_shape, in_shape = x.shape[:ind], x.shape[ind:]
    rows = int(np.prod(out_shape))
    if rows != int(np.prod(in_shape)):
        raise ValueError(
            f"tensorinv: the first {ind} axes {out_shape} and the rest {in_shape} must have "
            "equal sizes"
        )
    inv_m = inv(shapes.reshape(x, (rows, -1)))
    return shapes.reshape(inv_m, (*in_shape, *out_shape))


def tensorsolve(a: ArrayLike, b: ArrayLike, axes: tuple[int, ...] | None = None) -> Array:
    """``x`` with ``tensordot(a, x, x.ndim) = b``; ``axes`` of ``a`` are moved to the end first."""
    x = conversion.asarray(a)
    bv = conversion.asarray(b)
    if axes is not None:
        allax = list(range(x.ndim))
        for k in axes:
            allax.remove(k % x.ndim)
            allax.append(k % x.ndim)
        x = shapes.transpose(x, allax)
    sol_shape = x.shape[bv.ndim :]
    if x.shape[: bv.ndim] != bv.shape:
        raise ValueError(f"tensorsolve: a of shape {x.shape} does not start with b's {bv.shape}")
    n = int(np.prod(sol_shape))
    if int(np.prod(bv.shape)) != n:
        raise ValueError(f"tensorsolve: a of shape {x.shape} is not square for b of {bv.shape}")
    sol = solve(shapes.reshape(x, (n, n)), shapes.reshape(bv, (n,)))
    return shapes.reshape(sol, sol_shape)
