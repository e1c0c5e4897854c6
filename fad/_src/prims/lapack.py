"""Linear-algebra primitives: ``cholesky``, ``triangular_solve``, ``lu`` (with
``lu_pivots_to_permutation``), ``qr``, ``eigh`` and ``svd``.

Each acts on the last two axes and maps over any leading (batch) axes, so the
batching rules only move the batch axis to the front. The eager
implementations call LAPACK through numpy/scipy; the lowerings call the same
LAPACK routines through jaxlib's CPU custom calls (``lapack_?potrf_ffi``...).

Factorizations that read one triangle of their operand (``cholesky``,
``eigh``) are, as functions, functions of that triangle only: their JVPs
differentiate exactly that function (the tangent's strict triangle mirrored,
its diagonal's real part), so finite differences of the primitive agree with
them for any tangent. The public wrappers symmetrize their input first, as JAX
does. Every JVP is written with fad primitives (triangular solves, batched
``dot_general``, masks), so derivatives of any order work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike, DType, ShapedArray
from fad._src.interpreters import batch, jvp, transpose
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero, Zero
from fad._src.interpreters.transpose import NonlinearError, is_undefined
from fad._src.prims import _util
from fad._src.prims import elementwise as ew
from fad._src.prims import indexing as ix
from fad._src.prims import linalg as la
from fad._src.prims import structural as st
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value

NDArray = np.ndarray[Any, Any]
_I32 = np.dtype(np.int32)
_SUPPORTED = tuple(np.dtype(t) for t in (np.float32, np.float64, np.complex64, np.complex128))

cholesky_p = core.new_primitive("cholesky")
triangular_solve_p = core.new_primitive("triangular_solve")
lu_p = core.new_primitive("lu", multiple_results=True)
lu_pivots_to_permutation_p = core.new_primitive("lu_pivots_to_permutation")
qr_p = core.new_primitive("qr", multiple_results=True)
eigh_p = core.new_primitive("eigh", multiple_results=True)
svd_p = core.new_primitive("svd", multiple_results=True)


# ---------------------------------------------------------------------------
# Checks shared by the abstract rules
# ---------------------------------------------------------------------------


def _check_operand(name: str, x: ShapedArray, what: str = "operand", square: bool = True) -> None:
    if x.dtype not in _SUPPORTED:
        raise TypeError(
            f"{name}: the {what} must be float32, float64, complex64 or complex128, "
            f"got {x.str_short()}"
        )
    if x.ndim < 2:
        raise TypeError(f"{name}: the {what} must have shape (..., m, n), got {x.str_short()}")
    if square and x.shape[-1] != x.shape[-2]:
        raise TypeError(
            f"{name}: the {what} must be square in its last two dimensions, got {x.str_short()}"
        )


def _real_dtype(dt: DType) -> DType:
    return dtypes.real_dtype(dt) if dtypes.is_complex(dt) else dt


# ---------------------------------------------------------------------------
# Matrix helpers built from primitives (used by the JVP rules and the lowerings)
# ---------------------------------------------------------------------------


def _swap(x: Array) -> Array:
    n = x.ndim
    return st.transpose_(x, (*range(n - 2), n - 1, n - 2))


def _conj(x: Array) -> Array:
    return ew.conj(x) if dtypes.is_complex(x.dtype) else x


def _adj(x: Array) -> Array:
    """The conjugate transpose of the last two axes."""
    return _conj(_swap(x))


def _mm(a: Array, b: Array) -> Array:
    """Matrix product over the last two axes; leading axes are equal batch axes."""
    bd = tuple(range(a.ndim - 2))
    return la.dot_general(a, b, (((a.ndim - 1,), (b.ndim - 2,)), (bd, bd)))


def _full(shape: Sequence[int], value: Any, dt: DType) -> Array:
    return ew.full(tuple(shape), value, dt)


def _lower_mask(shape: tuple[int, ...], k: int = 0) -> Array:
    """True where ``col <= row + k`` over the last two axes."""
    rows = st.iota(_I32, shape, len(shape) - 2)
    cols = st.iota(_I32, shape, len(shape) - 1)
    if k:
        rows = ew.add(rows, _full(shape, k, _I32))
    return ew.le(cols, rows)


def _eye_mask(shape: tuple[int, ...]) -> Array:
    return ew.eq(st.iota(_I32, shape, len(shape) - 2), st.iota(_I32, shape, len(shape) - 1))


def _zeros(x: Array) -> Array:
    return _full(x.shape, 0, x.dtype)


def _tril(x: Array, k: int = 0) -> Array:
    return ew.select_n(_lower_mask(x.shape, k), _zeros(x), x)


def _triu(x: Array, k: int = 0) -> Array:
    return ew.select_n(_lower_mask(x.shape, k - 1), x, _zeros(x))


def _diag_only(x: Array) -> Array:
    """``x`` with everything off the diagonal zeroed."""
    return ew.select_n(_eye_mask(x.shape), _zeros(x), x)


def _diagonal(x: Array) -> Array:
    """The diagonal of square matrices, shape (..., n)."""
    return st.reduce_sum(_diag_only(x), (x.ndim - 1,))


def _by_column(v: Array, n_rows: int) -> Array:
    """(..., n) -> (..., n_rows, n) with element (i, j) = v[j]."""
    nb = v.ndim - 1
    return st.broadcast_in_dim(v, (*v.shape[:-1], n_rows, v.shape[-1]), (*range(nb), nb + 1))


def _by_row(v: Array, n_cols: int) -> Array:
    """(..., n) -> (..., n, n_cols) with element (i, j) = v[i]."""
    nb = v.ndim - 1
    return st.broadcast_in_dim(v, (*v.shape, n_cols), tuple(range(nb + 1)))


def _eye(shape: tuple[int, ...], dt: DType) -> Array:
    return ew.convert_element_type(_eye_mask(shape), dt)


def _as_dtype(x: Array, dt: DType) -> Array:
    return ew.convert_element_type(x, dt)


def _real_part(x: Array) -> Array:
    return ew.real(x) if dtypes.is_complex(x.dtype) else x


def _scale(x: Array, c: float) -> Array:
    return ew.mul(x, _full(x.shape, c, x.dtype))


def _hermitian_part(t: Array, lower: bool) -> Array:
    """The Hermitian matrix a factorization sees when it reads only one triangle of ``t``:
    that strict triangle, its conjugate transpose, and the real part of the diagonal."""
    strict = _tril(t, -1) if lower else _triu(t, 1)
    d = _diag_only(t)
    if dtypes.is_complex(t.dtype):
        d = _as_dtype(ew.real(d), t.dtype)
    return ew.add(ew.add(strict, _adj(strict)), d)


def _slice_last2(x: Array, rows: tuple[int, int], cols: tuple[int, int]) -> Array:
    nb = x.ndim - 2
    return st.slice_(x, (0,) * nb + (rows[0], cols[0]), (*x.shape[:nb], rows[1], cols[1]))


def _nan_where_failed(x: Array, info: Array) -> Array:
    """``x`` where LAPACK's batch-shaped ``info`` is 0, NaN elsewhere (how XLA reports failures)."""
    ok = ew.eq(info, _full(info.shape, 0, info.dtype))
    ok = st.broadcast_in_dim(ok, x.shape, tuple(range(info.ndim)))
    return ew.select_n(ok, _full(x.shape, np.nan, x.dtype), x)


def _batched(
    fn: Callable[..., Any],
    *xs: NDArray,
    out_shapes: Sequence[tuple[int, ...]],
    out_dtypes: Sequence[DType],
) -> list[NDArray]:
    """Apply a per-matrix numpy function over the leading axes of ``xs``."""
    batch_shape = xs[0].shape[:-2]
    outs = [np.empty((*batch_shape, *s), d) for s, d in zip(out_shapes, out_dtypes, strict=True)]
    for idx in np.ndindex(*batch_shape):
        res = fn(*(x[idx] for x in xs))
        for o, r in zip(outs, res, strict=True):
            o[idx] = r
    return outs


def _array(x: ArrayLike) -> Array:
    return x if isinstance(x, Array) else core.asarray(x)


def _checked(prim: core.Primitive, *args: Array, **params: Any) -> None:
    """Run the abstract rule on the operands, so that eager calls (which go straight
    to the numpy implementation) get the same shape and dtype errors as traced ones."""
    core.abstract_eval(prim, [a.aval for a in args], params)


def _batch_at_front(prim: core.Primitive) -> batch.BatchRule:
    """These primitives map over leading axes: move every batch axis to the front."""

    def rule(vals: Sequence[Array], dims: Sequence[BDim], **params: Any) -> tuple[Any, Any]:
        size = batch.batch_size(vals, dims)
        moved = [batch.bdim_at_front(v, d, size) for v, d in zip(vals, dims, strict=True)]
        out = prim.bind(*moved, **params)
        return out, ([0] * len(out) if prim.multiple_results else 0)

    return rule


# ---------------------------------------------------------------------------
# Lowering helpers: jaxlib's LAPACK FFI custom calls (CPU). The fix-ups LAPACK leaves
# (masking, NaN on failure, pivots to permutations) are lowered from fad functions.
# ---------------------------------------------------------------------------

_PREFIX = {"float32": "s", "float64": "d", "complex64": "c", "complex128": "z"}


def _layout(shape: tuple[int, ...], matrix: bool) -> str:
    """Minor-to-major layout: LAPACK wants the last two axes column-major."""
    nd = len(shape)
    if matrix:
        order = [nd - 2, nd - 1, *range(nd - 3, -1, -1)]
    else:
        order = list(range(nd - 1, -1, -1))
    if not order:
        return "dense<> : tensor<0xindex>"
    return f"dense<[{', '.join(map(str, order))}]> : tensor<{nd}xindex>"


def _custom_call(
    ctx: LoweringContext,
    routine: str,
    dt: DType,
    operands: Sequence[Value],
    results: Sequence[ShapedArray],
    matrix_operands: Sequence[bool],
    matrix_results: Sequence[bool],
    config: dict[str, str] | None = None,
) -> list[Value]:
    """Emit ``lapack_<s|d|c|z><routine>_ffi``; ``config`` maps attributes to single characters."""
    target = f"lapack_{_PREFIX[dt.name]}{routine}_ffi"
    cfg = ", ".join(f"{k} = {ord(v)} : ui8" for k, v in sorted((config or {}).items()))
    ops = ", ".join(_layout(o.shape, mat) for o, mat in zip(operands, matrix_operands, strict=True))
    res = ", ".join(_layout(r.shape, mat) for r, mat in zip(results, matrix_results, strict=True))
    attrs = (
        f'call_target_name = "{target}", mhlo.backend_config = {{{cfg}}}, '
        f"operand_layouts = [{ops}], result_layouts = [{res}]"
    )
    return ctx.op("stablehlo.custom_call", operands, results, attrs)


def _inline(
    ctx: LoweringContext, fun: Callable[..., Any], args: Sequence[Value], **params: Any
) -> list[Value]:
    """Lower the fad function ``fun(*args, **params)`` here (module-level ``fun`` and
    hashable ``params``, so the staged program is cached)."""
    out = _util.inline(ctx, fun, list(args), params)
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _info_aval(shape: tuple[int, ...]) -> ShapedArray:
    return ShapedArray(shape, _I32)


def _has_empty_matrix(shape: tuple[int, ...]) -> bool:
    return shape[-1] == 0 or shape[-2] == 0


def _empty_results(
    ctx: LoweringContext, prim: core.Primitive, x: Value, **params: Any
) -> list[Value]:
    """An operand with an empty matrix dimension: LAPACK rejects it, but the results
    do not depend on the (absent) values, so they are constants (identities, ranges)."""
    assert prim.impl is not None and prim.multiple_results
    outs = cast("Sequence[NDArray]", prim.impl(np.zeros(x.shape, x.dtype), **params))
    return [ctx.constant(np.ascontiguousarray(o)) for o in outs]


# ---------------------------------------------------------------------------
# cholesky: the lower Cholesky factor of the Hermitian matrix in the lower triangle
# ---------------------------------------------------------------------------


def _hermitian_from_lower_np(x: NDArray) -> NDArray:
    low = np.tril(x, -1)
    diag = np.real(np.diagonal(x, axis1=-2, axis2=-1))
    out: NDArray = low + np.conj(np.swapaxes(low, -1, -2))
    idx = np.arange(x.shape[-1])
    out[..., idx, idx] = diag
    return out


def _cholesky_impl(x: NDArray) -> NDArray:
    a = _hermitian_from_lower_np(x)
    try:
        return np.asarray(np.linalg.cholesky(a), x.dtype)
    except np.linalg.LinAlgError:
        pass
    # Some matrix is not positive definite: factor one at a time, NaN for the failures.
    flat = a.reshape(-1, *a.shape[-2:])
    out = np.empty_like(flat)
    for i, m in enumerate(flat):
        try:
            out[i] = np.linalg.cholesky(m)
        except np.linalg.LinAlgError:
            out[i] = np.nan
    return out.reshape(x.shape)


def _cholesky_abstract(x: ShapedArray) -> ShapedArray:
    _check_operand("cholesky", x)
    return x.strip_weak_type()


def _cholesky_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero]
) -> tuple[Array, MaybeZero]:
    (x,), (t,) = primals, tangents
    factor = cholesky_p.bind1(x)
    if isinstance(t, Zero):
        return factor, Zero.like(factor)
    # dL = L Phi(L^-1 dA L^-H), Phi: the lower triangle with the diagonal halved.
    sigma = _hermitian_part(t, lower=True)
    tmp = triangular_solve(factor, sigma, left_side=True, lower=True)
    inner = triangular_solve(
        factor, tmp, left_side=False, lower=True, transpose_a=True, conjugate_a=True
    )
    half_diag = ew.select_n(
        _eye_mask(inner.shape),
        _full(inner.shape, 1, inner.dtype),
        _full(inner.shape, 0.5, inner.dtype),
    )
    phi = ew.mul(_tril(inner), half_diag)
    return factor, _mm(factor, phi)


def _chol_finish(factor: Array, info: Array) -> Array:
    return _nan_where_failed(_tril(factor), info)


def _cholesky_lowering(ctx: LoweringContext, x: Value) -> Value:
    if _has_empty_matrix(x.shape):
        return x
    factor, info = _custom_call(
        ctx,
        "potrf",
        x.dtype,
        [x],
        [x.aval, _info_aval(x.shape[:-2])],
        [True],
        [True, False],
        {"uplo": "L"},
    )
    return _inline(ctx, _chol_finish, [factor, info])[0]


core.def_impl(cholesky_p, _cholesky_impl)
core.def_abstract(cholesky_p, _cholesky_abstract)
jvp.def_jvp_rule(cholesky_p, _cholesky_jvp)
batch.def_batch(cholesky_p, _batch_at_front(cholesky_p))
lowering.def_rule(cholesky_p, _cholesky_lowering)


def cholesky(x: ArrayLike, *, symmetrize_input: bool = True) -> Array:
    """The lower Cholesky factor (upper triangle zero; all NaN where not positive definite).

    With ``symmetrize_input`` the factor is of ``(x + x^H) / 2``; otherwise only
    the lower triangle of ``x`` is read.
    """
    x = _array(x)
    _checked(cholesky_p, x)
    if symmetrize_input:
        x = symmetrize(x)
    return cholesky_p.bind1(x)


def symmetrize(x: Array) -> Array:
    """``(x + x^H) / 2`` over the last two axes."""
    if x.ndim < 2:
        raise TypeError(f"expected an array of shape (..., n, n), got {x.aval.str_short()}")
    return _scale(ew.add(x, _adj(x)), 0.5)


# ---------------------------------------------------------------------------
# triangular_solve: op(a) x = b (left_side) or x op(a) = b, reading one triangle of a
# ---------------------------------------------------------------------------


def _op(a: Array, transpose_a: bool, conjugate_a: bool) -> Array:
    if transpose_a:
        a = _swap(a)
    return _conj(a) if conjugate_a else a


def _trsm_impl(
    a: NDArray,
    b: NDArray,
    *,
    left_side: bool,
    lower: bool,
    transpose_a: bool,
    conjugate_a: bool,
    unit_diagonal: bool,
) -> NDArray:
    if b.size == 0 or a.size == 0:
        return np.zeros(b.shape, b.dtype)
    cplx = np.iscomplexobj(a)
    if conjugate_a and cplx and not transpose_a:
        a = np.conj(a)
    trans = (2 if conjugate_a and cplx else 1) if transpose_a else 0
    import scipy.linalg.blas  # imported on first use: it adds to `import fad`

    fn = scipy.linalg.blas.get_blas_funcs("trsm", dtype=a.dtype)

    def one(am: NDArray, bm: NDArray) -> tuple[NDArray]:
        out = fn(
            1.0,
            am,
            bm,
            side=0 if left_side else 1,
            lower=int(lower),
            trans_a=trans,
            diag=int(unit_diagonal),
        )
        return (out,)

    return _batched(one, a, b, out_shapes=[b.shape[-2:]], out_dtypes=[b.dtype])[0]


def _trsm_abstract(
    a: ShapedArray,
    b: ShapedArray,
    *,
    left_side: bool,
    lower: bool,
    transpose_a: bool,
    conjugate_a: bool,
    unit_diagonal: bool,
) -> ShapedArray:
    _check_operand("triangular_solve", a, "matrix a")
    _check_operand("triangular_solve", b, "right-hand side b", square=False)
    if a.dtype != b.dtype:
        raise TypeError(
            "triangular_solve: a and b must have one dtype, got "
            f"{a.str_short()} and {b.str_short()}"
        )
    if a.shape[:-2] != b.shape[:-2]:
        raise TypeError(
            f"triangular_solve: a and b must have equal batch dimensions, got {a.str_short()} and "
            f"{b.str_short()}"
        )
    k = b.shape[-2] if left_side else b.shape[-1]
    if a.shape[-1] != k:
        side = "rows" if left_side else "columns"
        raise TypeError(
            f"triangular_solve: with left_side={left_side}, a must be {k}x{k} to match the "
            f"{k} {side} of b, got {a.str_short()} and {b.str_short()}"
        )
    return b.strip_weak_type()


def _trsm_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], **params: Any
) -> tuple[Array, MaybeZero]:
    (a, b), (ta, tb) = primals, tangents
    x = triangular_solve_p.bind1(a, b, **params)
    out: MaybeZero = Zero.like(x)
    if not isinstance(tb, Zero):
        out = triangular_solve_p.bind1(a, tb, **params)
    if not isinstance(ta, Zero):
        # Only the triangle that is read (without its diagonal when unit) has a tangent.
        k = -1 if params["unit_diagonal"] else 0
        ta = _tril(ta, k) if params["lower"] else _triu(ta, -k)
        opd = _op(ta, params["transpose_a"], params["conjugate_a"])
        prod = _mm(opd, x) if params["left_side"] else _mm(x, opd)
        out = jvp.add_tangents(out, ew.neg(triangular_solve_p.bind1(a, prod, **params)))
    return x, out


def _trsm_transpose(ct: Array, a: Any, b: Any, **params: Any) -> list[MaybeZero | None]:
    if is_undefined(a):
        raise NonlinearError("triangular_solve is linear in b only; its matrix a cannot be linear")
    # x = op(a)^-1 b  transposes to  ct -> op(a)^-T ct, another solve with transpose_a flipped.
    flipped = dict(params, transpose_a=not params["transpose_a"])
    return [None, triangular_solve_p.bind1(a, ct, **flipped)]


def _trsm_lowering(
    ctx: LoweringContext,
    a: Value,
    b: Value,
    *,
    left_side: bool,
    lower: bool,
    transpose_a: bool,
    conjugate_a: bool,
    unit_diagonal: bool,
) -> Value:
    if _has_empty_matrix(b.shape):
        return ctx.full(0, b.shape, b.dtype)
    cplx = dtypes.is_complex(a.dtype)
    if conjugate_a and cplx and not transpose_a:
        a = _inline(ctx, ew.conj, [a])[0]
    trans = ("C" if conjugate_a and cplx else "T") if transpose_a else "N"
    config = {
        "side": "L" if left_side else "R",
        "uplo": "L" if lower else "U",
        "trans_x": trans,
        "diag": "U" if unit_diagonal else "N",
    }
    return _custom_call(ctx, "trsm", a.dtype, [a, b], [b.aval], [True, True], [True], config)[0]


core.def_impl(triangular_solve_p, _trsm_impl)
core.def_abstract(triangular_solve_p, _trsm_abstract)
jvp.def_jvp_rule(triangular_solve_p, _trsm_jvp)
transpose.def_transpose(triangular_solve_p, _trsm_transpose)
batch.def_batch(triangular_solve_p, _batch_at_front(triangular_solve_p))
lowering.def_rule(triangular_solve_p, _trsm_lowering)


def triangular_solve(
    a: ArrayLike,
    b: ArrayLike,
    *,
    left_side: bool = False,
    lower: bool = False,
    transpose_a: bool = False,
    conjugate_a: bool = False,
    unit_diagonal: bool = False,
) -> Array:
    """Solve ``op(a) @ x = b`` (``left_side``) or ``x @ op(a) = b`` for triangular ``a``.

    ``op`` transposes and/or conjugates ``a``; only the ``lower`` (or upper)
    triangle of ``a`` is read, and not its diagonal when ``unit_diagonal``.
    """
    params = dict(
        left_side=bool(left_side),
        lower=bool(lower),
        transpose_a=bool(transpose_a),
        conjugate_a=bool(conjugate_a),
        unit_diagonal=bool(unit_diagonal),
    )
    a, b = _array(a), _array(b)
    _checked(triangular_solve_p, a, b, **params)
    return triangular_solve_p.bind1(a, b, **params)


# ---------------------------------------------------------------------------
# lu: partial pivoting, a[..., permutation, :] = L @ U packed in one matrix
# ---------------------------------------------------------------------------


def _pivots_to_permutation_np(piv: NDArray, m: int) -> NDArray:
    perm = np.arange(m, dtype=np.int32)
    for i, p in enumerate(piv):
        perm[i], perm[p] = perm[p], perm[i]
    return perm


def _lu_impl(x: NDArray) -> list[NDArray]:
    m, n = x.shape[-2:]
    k = min(m, n)
    if k == 0:
        batch_shape = x.shape[:-2]
        perm = np.broadcast_to(np.arange(m, dtype=np.int32), (*batch_shape, m)).copy()
        return [x.copy(), np.zeros((*batch_shape, 0), np.int32), perm]
    import scipy.linalg.lapack

    getrf = scipy.linalg.lapack.get_lapack_funcs("getrf", dtype=x.dtype)

    def one(a: NDArray) -> tuple[NDArray, NDArray, NDArray]:
        lu, piv, _ = getrf(a)
        return lu, piv, _pivots_to_permutation_np(piv, m)

    return _batched(one, x, out_shapes=[(m, n), (k,), (m,)], out_dtypes=[x.dtype, _I32, _I32])


def _lu_abstract(x: ShapedArray) -> list[ShapedArray]:
    _check_operand("lu", x, square=False)
    m, n = x.shape[-2:]
    b = x.shape[:-2]
    return [x.strip_weak_type(), ShapedArray((*b, min(m, n)), _I32), ShapedArray((*b, m), _I32)]


def _permute_rows(x: Array, perm: Array) -> Array:
    """``x[..., perm, :]`` with a batch-shaped ``perm``."""
    idx = st.broadcast_in_dim(perm, x.shape, tuple(range(perm.ndim)))
    return ix.take_along_axis(x, idx, x.ndim - 2)


def _lu_factors(lu: Array) -> tuple[Array, Array]:
    """The square unit-lower ``l`` (m x m) and upper ``u`` (n x n) of a packed LU, each
    completed with an identity block where the factor is trapezoidal."""
    m, n = lu.shape[-2:]
    k = min(m, n)
    nb = lu.ndim - 2
    zero = _full((), 0, lu.dtype)
    lower = _tril(_slice_last2(lu, (0, m), (0, k)), -1)
    l = st.pad(lower, zero, [(0, 0, 0)] * nb + [(0, 0, 0), (0, m - k, 0)])
    l = ew.add(l, _eye(l.shape, lu.dtype))
    upper = _triu(_slice_last2(lu, (0, k), (0, n)))
    u = st.pad(upper, zero, [(0, 0, 0)] * nb + [(0, n - k, 0), (0, 0, 0)])
    if n > k:
        # Rows k.. of the padding get ones on their diagonal.
        rows = st.iota(_I32, u.shape, nb)
        extra = ew.bitwise_and(_eye_mask(u.shape), ew.ge(rows, _full(u.shape, k, _I32)))
        u = ew.add(u, _as_dtype(extra, lu.dtype))
    return l, u


def _lu_jvp(primals: Sequence[Array], tangents: Sequence[MaybeZero]) -> tuple[Any, Any]:
    (x,), (t,) = primals, tangents
    outs = lu_p.bindn(x)
    lu, pivots, perm = outs
    zeros: list[MaybeZero] = [Zero.like(pivots), Zero.like(perm)]
    if isinstance(t, Zero):
        return outs, [Zero.like(lu), *zeros]
    # P dA = dL U + L dU, so L^-1 P dA U^-1 = L^-1 dL + dU U^-1: its strictly lower
    # part is L^-1 dL, its upper part dU U^-1.
    l, u = _lu_factors(lu)
    pa = _permute_rows(t, perm)
    la_ = triangular_solve(l, pa, left_side=True, lower=True, unit_diagonal=True)
    lau = triangular_solve(u, la_, left_side=False, lower=False)
    lu_dot = ew.add(_mm(l, _tril(lau, -1)), _mm(_triu(lau), u))
    return outs, [lu_dot, *zeros]


def _minus_one(x: Array) -> Array:
    return ew.sub(x, _full(x.shape, 1, x.dtype))


def _lu_lowering(ctx: LoweringContext, x: Value) -> list[Value]:
    if _has_empty_matrix(x.shape):
        return _empty_results(ctx, lu_p, x)
    m, n = x.shape[-2:]
    b = x.shape[:-2]
    lu_, ipiv, _ = _custom_call(
        ctx,
        "getrf",
        x.dtype,
        [x],
        [x.aval, ShapedArray((*b, min(m, n)), _I32), _info_aval(b)],
        [True],
        [True, False, False],
    )
    (pivots,) = _inline(ctx, _minus_one, [ipiv])
    (perm,) = _inline(ctx, lu_pivots_to_permutation, [pivots], permutation_size=m)
    return [lu_, pivots, perm]


core.def_impl(lu_p, _lu_impl)
core.def_abstract(lu_p, _lu_abstract)
jvp.def_jvp_rule(lu_p, _lu_jvp)
batch.def_batch(lu_p, _batch_at_front(lu_p))
lowering.def_rule(lu_p, _lu_lowering)


def lu(x: ArrayLike) -> tuple[Array, Array, Array]:
    """LU with partial pivoting: ``(lu, pivots, permutation)``.

    ``lu`` packs the unit-lower ``L`` (below the diagonal) and ``U``;
    ``x[..., permutation, :] == L @ U``; ``pivots[i]`` is the row swapped with row
    ``i`` at step ``i`` (0-based, as LAPACK's ``ipiv`` minus one).
    """
    x = _array(x)
    _checked(lu_p, x)
    a, piv, perm = lu_p.bindn(x)
    return a, piv, perm


def _pivots_to_permutation_impl(pivots: NDArray, *, permutation_size: int) -> NDArray:
    flat = pivots.reshape(int(np.prod(pivots.shape[:-1])), pivots.shape[-1])
    out = np.empty((flat.shape[0], permutation_size), np.int32)
    for row, piv in enumerate(flat):
        out[row] = _pivots_to_permutation_np(piv, permutation_size)
    return out.reshape(*pivots.shape[:-1], permutation_size)


def _pivots_to_permutation_abstract(pivots: ShapedArray, *, permutation_size: int) -> ShapedArray:
    if pivots.dtype != _I32 or pivots.ndim < 1:
        raise TypeError(
            "lu_pivots_to_permutation: pivots must be int32 of shape (..., k), got "
            f"{pivots.str_short()}"
        )
    if pivots.shape[-1] > permutation_size:
        raise TypeError(
            f"lu_pivots_to_permutation: {pivots.shape[-1]} pivots do not fit a permutation of "
            f"size {permutation_size}"
        )
    return ShapedArray((*pivots.shape[:-1], permutation_size), _I32)


def _swap_step(i: Array, perm: Array, pivots: Array) -> list[Array]:
    """One step of the pivots loop: swap ``perm[..., i]`` and ``perm[..., pivots[..., i]]``."""
    nb = perm.ndim - 1
    batch_shape, shape = perm.shape[:-1], perm.shape
    starts = [Array(np.zeros((), _I32))] * nb + [i]

    def column(x: Array) -> Array:
        c = st.reshape(ix.dynamic_slice(x, starts, (*batch_shape, 1)), batch_shape)
        return st.broadcast_in_dim(c, shape, tuple(range(nb)))

    pos = st.iota(_I32, shape, nb)
    at_p = ew.eq(pos, column(pivots))
    at_i = ew.eq(pos, st.broadcast_in_dim(i, shape, ()))
    perm_p = st.reduce_sum(ew.select_n(at_p, _full(shape, 0, _I32), perm), (nb,))
    perm_p = st.broadcast_in_dim(perm_p, shape, tuple(range(nb)))
    new = ew.select_n(at_i, ew.select_n(at_p, perm, column(perm)), perm_p)
    return [ew.add(i, _full((), 1, _I32)), new]


def _pivots_to_permutation_lowering(
    ctx: LoweringContext, pivots: Value, *, permutation_size: int
) -> Value:
    """A ``stablehlo.while`` over the pivots (unrolled selects compile very slowly)."""
    nb = len(pivots.shape) - 1
    counter = ShapedArray((), _I32)
    perm_aval = ShapedArray((*pivots.shape[:-1], permutation_size), _I32)
    avals = [counter, perm_aval, pivots.aval]
    steps = pivots.shape[-1]

    def cond(c: LoweringContext, args: list[Value]) -> list[Value]:
        return [c.compare("LT", args[0], c.scalar(steps, _I32))]

    def body(c: LoweringContext, args: list[Value]) -> list[Value]:
        i, perm = _inline(c, _swap_step, args)
        return [i, perm, args[2]]

    init = [ctx.scalar(0, _I32), ctx.iota(nb, perm_aval), pivots]
    regions = [ctx.region(avals, cond), ctx.region(avals, body)]
    return ctx.op("stablehlo.while", init, avals, "", regions)[1]


core.def_impl(lu_pivots_to_permutation_p, _pivots_to_permutation_impl)
core.def_abstract(lu_pivots_to_permutation_p, _pivots_to_permutation_abstract)
jvp.defjvp_zero(lu_pivots_to_permutation_p)
batch.def_batch(lu_pivots_to_permutation_p, _batch_at_front(lu_pivots_to_permutation_p))
lowering.def_rule(lu_pivots_to_permutation_p, _pivots_to_permutation_lowering)


def lu_pivots_to_permutation(pivots: ArrayLike, permutation_size: int) -> Array:
    """The permutation that applying the row swaps ``pivots`` (0-based; swap rows ``i`` and
    ``pivots[i]`` in turn) makes of ``0..permutation_size-1``."""
    piv = _array(pivots)
    params = {"permutation_size": int(permutation_size)}
    _checked(lu_pivots_to_permutation_p, piv, **params)
    return lu_pivots_to_permutation_p.bind1(piv, **params)


# ---------------------------------------------------------------------------
# qr
# ---------------------------------------------------------------------------


def _qr_impl(x: NDArray, *, full_matrices: bool) -> list[NDArray]:
    q, r = np.linalg.qr(x, mode="complete" if full_matrices else "reduced")
    return [np.asarray(q, x.dtype), np.asarray(r, x.dtype)]


def _qr_abstract(x: ShapedArray, *, full_matrices: bool) -> list[ShapedArray]:
    _check_operand("qr", x, square=False)
    m, n = x.shape[-2:]
    k = m if full_matrices else min(m, n)
    b = x.shape[:-2]
    return [ShapedArray((*b, m, k), x.dtype), ShapedArray((*b, k, n), x.dtype)]


def _qr_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, full_matrices: bool
) -> tuple[Any, Any]:
    (x,), (t,) = primals, tangents
    q, r = qr_p.bindn(x, full_matrices=full_matrices)
    if isinstance(t, Zero):
        return [q, r], [Zero.like(q), Zero.like(r)]
    m, n = x.shape[-2:]
    if full_matrices and m > n:
        raise NotImplementedError(
            "the derivative of qr with full_matrices=True (mode='complete') is not unique for a "
            f"tall matrix ({m}x{n}); use full_matrices=False (mode='reduced')"
        )
    k = min(m, n)
    # On the first k columns X1 = Q R1: with C = Q^H dX1 R1^-1, Q^H dQ is the skew-Hermitian
    # Omega whose strict lower part is C's (R's diagonal stays real), and dR1 = (C - Omega) R1.
    dx1, r1 = t, r
    if n > m:
        dx1, r1 = _slice_last2(t, (0, m), (0, m)), _slice_last2(r, (0, m), (0, m))
    dx_rinv = triangular_solve(r1, dx1, left_side=False, lower=False)
    c = _mm(_adj(q), dx_rinv)
    low = _tril(c, -1)
    omega = ew.sub(low, _adj(low))
    if dtypes.is_complex(c.dtype):
        d = _diag_only(c)
        omega = ew.add(omega, ew.sub(d, _as_dtype(ew.real(d), d.dtype)))
    c_omega = ew.sub(c, omega)
    dq = ew.sub(dx_rinv, _mm(q, c_omega))
    dr = _mm(c_omega, r1)
    if n > m:
        # X2 = Q R2, so dR2 = Q^H (dX2 - dQ R2).
        dx2, r2 = _slice_last2(t, (0, m), (m, n)), _slice_last2(r, (0, k), (m, n))
        dr2 = _mm(_adj(q), ew.sub(dx2, _mm(dq, r2)))
        dr = st.concatenate([dr, dr2], dr.ndim - 1)
    return [q, r], [dq, dr]


def _pad_columns(a: Array, *, to: int) -> Array:
    nb = a.ndim - 2
    zero = Array(np.zeros((), a.dtype))
    return st.pad(a, zero, [(0, 0, 0)] * nb + [(0, 0, 0), (0, to - a.shape[-1], 0)])


def _leading_block(a: Array, *, rows: int, cols: int) -> Array:
    return _slice_last2(a, (0, rows), (0, cols))


def _upper_block(a: Array, *, rows: int) -> Array:
    return _triu(_slice_last2(a, (0, rows), (0, a.shape[-1])))


def _qr_lowering(ctx: LoweringContext, x: Value, *, full_matrices: bool) -> list[Value]:
    if _has_empty_matrix(x.shape):
        return _empty_results(ctx, qr_p, x, full_matrices=full_matrices)
    m, n = x.shape[-2:]
    k = min(m, n)
    dt = x.dtype
    a, tau = _custom_call(
        ctx, "geqrf", dt, [x], [x.aval, ShapedArray((*x.shape[:-2], k), dt)], [True], [True, False]
    )
    # Householder vectors to Q: m x m when complete (tall: pad with zero columns), else m x k.
    if full_matrices and m > n:
        (q_in,) = _inline(ctx, _pad_columns, [a], to=m)
    else:
        (q_in,) = _inline(ctx, _leading_block, [a], rows=m, cols=k)
    routine = "ungqr" if dtypes.is_complex(dt) else "orgqr"
    (q,) = _custom_call(ctx, routine, dt, [q_in, tau], [q_in.aval], [True, False], [True])
    (r,) = _inline(ctx, _upper_block, [a], rows=m if full_matrices else k)
    return [q, r]


core.def_impl(qr_p, _qr_impl)
core.def_abstract(qr_p, _qr_abstract)
jvp.def_jvp_rule(qr_p, _qr_jvp)
batch.def_batch(qr_p, _batch_at_front(qr_p))
lowering.def_rule(qr_p, _qr_lowering)


def qr(x: ArrayLike, *, full_matrices: bool = True) -> tuple[Array, Array]:
    """``x = q @ r`` with orthonormal columns in ``q`` and upper-trapezoidal ``r``."""
    x = _array(x)
    _checked(qr_p, x, full_matrices=bool(full_matrices))
    q, r = qr_p.bindn(x, full_matrices=bool(full_matrices))
    return q, r


# ---------------------------------------------------------------------------
# eigh: eigenvectors and ascending eigenvalues of the Hermitian matrix in one triangle
# ---------------------------------------------------------------------------


def _eigh_impl(x: NDArray, *, lower: bool) -> list[NDArray]:
    w, v = np.linalg.eigh(x, UPLO="L" if lower else "U")
    return [np.asarray(v, x.dtype), np.asarray(w, _real_dtype(x.dtype))]


def _eigh_abstract(x: ShapedArray, *, lower: bool) -> list[ShapedArray]:
    _check_operand("eigh", x)
    return [x.strip_weak_type(), ShapedArray(x.shape[:-1], _real_dtype(x.dtype))]


def _eigh_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, lower: bool
) -> tuple[Any, Any]:
    (x,), (t,) = primals, tangents
    v, w = eigh_p.bindn(x, lower=lower)
    if isinstance(t, Zero):
        return [v, w], [Zero.like(v), Zero.like(w)]
    # With P = V^H dA V: dw = Re(diag P), dV = V (F o P), F_ij = 1 / (w_j - w_i) off the diagonal.
    n = x.shape[-1]
    p = _mm(_mm(_adj(v), _hermitian_part(t, lower)), v)
    dw = _real_part(_diagonal(p))
    eye = _eye(p.shape, w.dtype)
    gaps = ew.add(ew.sub(_by_column(w, n), _by_row(w, n)), eye)
    f = ew.sub(ew.div(_full(gaps.shape, 1, gaps.dtype), gaps), eye)
    dv = _mm(v, ew.mul(_as_dtype(f, p.dtype), p))
    return [v, w], [dv, dw]


def _eigh_finish(v: Array, w: Array, info: Array) -> list[Array]:
    return [_nan_where_failed(v, info), _nan_where_failed(w, info)]


def _eigh_lowering(ctx: LoweringContext, x: Value, *, lower: bool) -> list[Value]:
    if _has_empty_matrix(x.shape):
        return _empty_results(ctx, eigh_p, x, lower=lower)
    dt = x.dtype
    routine = "heevd" if dtypes.is_complex(dt) else "syevd"
    w_aval = ShapedArray(x.shape[:-1], _real_dtype(dt))
    v, w, info = _custom_call(
        ctx,
        routine,
        dt,
        [x],
        [x.aval, w_aval, _info_aval(x.shape[:-2])],
        [True],
        [True, False, False],
        {"mode": "V", "uplo": "L" if lower else "U"},
    )
    return _inline(ctx, _eigh_finish, [v, w, info])


core.def_impl(eigh_p, _eigh_impl)
core.def_abstract(eigh_p, _eigh_abstract)
jvp.def_jvp_rule(eigh_p, _eigh_jvp)
batch.def_batch(eigh_p, _batch_at_front(eigh_p))
lowering.def_rule(eigh_p, _eigh_lowering)


def eigh(x: ArrayLike, *, lower: bool = True, symmetrize_input: bool = True) -> tuple[Array, Array]:
    """``(v, w)``: eigenvectors (columns) and ascending eigenvalues of a Hermitian matrix.

    With ``symmetrize_input`` the decomposition is of ``(x + x^H) / 2``; otherwise
    only the ``lower`` (or upper) triangle is read.
    """
    x = _array(x)
    _checked(eigh_p, x, lower=bool(lower))
    if symmetrize_input:
        x = symmetrize(x)
    v, w = eigh_p.bindn(x, lower=bool(lower))
    return v, w


# ---------------------------------------------------------------------------
# svd: outputs [s] or [s, u, vh]
# ---------------------------------------------------------------------------


def _svd_impl(x: NDArray, *, full_matrices: bool, compute_uv: bool) -> list[NDArray]:
    rdt = _real_dtype(x.dtype)
    if not compute_uv:
        return [np.asarray(np.linalg.svd(x, compute_uv=False), rdt)]
    u, s, vh = np.linalg.svd(x, full_matrices=full_matrices)
    return [np.asarray(s, rdt), np.asarray(u, x.dtype), np.asarray(vh, x.dtype)]


def _svd_shapes(shape: tuple[int, ...], full_matrices: bool) -> tuple[tuple[int, ...], ...]:
    *b, m, n = shape
    k = min(m, n)
    um, vn = (m, n) if full_matrices else (k, k)
    return (*b, k), (*b, m, um), (*b, vn, n)


def _svd_abstract(x: ShapedArray, *, full_matrices: bool, compute_uv: bool) -> list[ShapedArray]:
    _check_operand("svd", x, square=False)
    s, u, vh = _svd_shapes(x.shape, full_matrices)
    out = [ShapedArray(s, _real_dtype(x.dtype))]
    if compute_uv:
        out += [ShapedArray(u, x.dtype), ShapedArray(vh, x.dtype)]
    return out


def _safe_reciprocal(s: Array) -> Array:
    """1/s, with 0 where s is 0 (a zero singular value has no direction to follow)."""
    zero = _as_dtype(ew.eq(s, _zeros(s)), s.dtype)
    return ew.sub(ew.div(_full(s.shape, 1, s.dtype), ew.add(s, zero)), zero)


def _svd_jvp(
    primals: Sequence[Array],
    tangents: Sequence[MaybeZero],
    *,
    full_matrices: bool,
    compute_uv: bool,
) -> tuple[Any, Any]:
    (x,), (t,) = primals, tangents
    m, n = x.shape[-2:]
    k = min(m, n)
    if compute_uv and full_matrices and m != n:
        raise NotImplementedError(
            "the derivative of svd with full_matrices=True is not unique for a non-square matrix "
            f"({m}x{n}); use full_matrices=False"
        )
    s, u, vh = svd_p.bindn(x, full_matrices=False, compute_uv=True)
    outs = [s, u, vh] if compute_uv else [s]
    if isinstance(t, Zero):
        return outs, [Zero.like(o) for o in outs]
    dt = x.dtype
    v = _adj(vh)
    # A = U S V^H and P = U^H dA V give ds = Re(diag P),
    # U^H dU = F o (P S + S P^H) (+ i Im(diag P) / s), V^H dV = F o (S P + P^H S),
    # with F_ij = 1 / (s_j^2 - s_i^2) off the diagonal.
    p = _mm(_mm(_adj(u), t), v)
    ds = _real_part(_diagonal(p))
    if not compute_uv:
        return outs, [ds]
    s_j, s_i = _by_column(s, k), _by_row(s, k)
    eye = _eye(p.shape, s.dtype)
    gaps = ew.add(ew.mul(ew.add(s_j, s_i), ew.sub(s_j, s_i)), eye)
    f = _as_dtype(ew.sub(ew.div(_full(gaps.shape, 1, gaps.dtype), gaps), eye), dt)
    sj, si = _as_dtype(s_j, dt), _as_dtype(s_i, dt)
    p_adj = _adj(p)
    omega_u = ew.mul(f, ew.add(ew.mul(p, sj), ew.mul(si, p_adj)))
    omega_v = ew.mul(f, ew.add(ew.mul(si, p), ew.mul(p_adj, sj)))
    s_inv = _as_dtype(_by_column(_safe_reciprocal(s), k), dt)
    if dtypes.is_complex(dt):
        d = _diag_only(p)
        omega_u = ew.add(omega_u, ew.mul(ew.sub(d, _as_dtype(ew.real(d), dt)), s_inv))
    du = _mm(u, omega_u)
    dv = _mm(v, omega_v)
    if m > k:
        dav = _mm(t, v)
        du = ew.add(
            du, ew.mul(ew.sub(dav, _mm(u, p)), _as_dtype(_by_column(_safe_reciprocal(s), m), dt))
        )
    if n > k:
        dahu = _mm(_adj(t), u)
        dv = ew.add(
            dv,
            ew.mul(ew.sub(dahu, _mm(v, p_adj)), _as_dtype(_by_column(_safe_reciprocal(s), n), dt)),
        )
    return outs, [ds, du, _adj(dv)]


def _svd_finish(*args: Array) -> list[Array]:
    *outs, info = args
    return [_nan_where_failed(o, info) for o in outs]


def _svd_lowering(
    ctx: LoweringContext, x: Value, *, full_matrices: bool, compute_uv: bool
) -> list[Value]:
    if _has_empty_matrix(x.shape):
        return _empty_results(ctx, svd_p, x, full_matrices=full_matrices, compute_uv=compute_uv)
    dt = x.dtype
    b = x.shape[:-2]
    s_shape, u_shape, vh_shape = _svd_shapes(x.shape, full_matrices)
    if compute_uv:
        mode = "A" if full_matrices else "S"
    else:  # LAPACK still wants (1 x 1) placeholders for U and V^H
        mode, u_shape, vh_shape = "N", (*b, 1, 1), (*b, 1, 1)
    results = [
        x.aval,
        ShapedArray(s_shape, _real_dtype(dt)),
        ShapedArray(u_shape, dt),
        ShapedArray(vh_shape, dt),
        _info_aval(b),
    ]
    _, s, u, vh, info = _custom_call(
        ctx, "gesdd", dt, [x], results, [True], [True, False, True, True, False], {"mode": mode}
    )
    return _inline(ctx, _svd_finish, [s, u, vh, info] if compute_uv else [s, info])


core.def_impl(svd_p, _svd_impl)
core.def_abstract(svd_p, _svd_abstract)
jvp.def_jvp_rule(svd_p, _svd_jvp)
batch.def_batch(svd_p, _batch_at_front(svd_p))
lowering.def_rule(svd_p, _svd_lowering)


def svd(x: ArrayLike, *, full_matrices: bool = True, compute_uv: bool = True) -> Any:
    """``(u, s, vh)`` with ``x = u @ diag(s) @ vh`` and descending ``s``; ``s`` alone
    without ``compute_uv``."""
    params = dict(full_matrices=bool(full_matrices), compute_uv=bool(compute_uv))
    x = _array(x)
    _checked(svd_p, x, **params)
    outs = svd_p.bindn(x, **params)
    if compute_uv:
        s, u, vh = outs
        return u, s, vh
    return outs[0]
