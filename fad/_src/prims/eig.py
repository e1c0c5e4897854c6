"""``eig``: eigenvalues and right eigenvectors of a general square matrix.

Outputs ``[w, v]``, both complex (as in JAX, even for real input); each column of
``v`` has unit 2-norm and its largest component real (LAPACK ``geev``'s convention,
which numpy shares). The eager implementation calls numpy; the lowering calls jaxlib's
``lapack_?geev_ffi`` (which returns complex eigenvectors for real input too).

JVP (distinct eigenvalues): with ``P = V^-1 dA V``, ``dw = diag P`` and
``dV = V (F o P)`` with ``F_ij = 1 / (w_j - w_i)`` off the diagonal, then projected
so that each column keeps unit norm to first order (``dv -= v Re(v^H dv)``). The
eigenvectors' phase is fixed only up to that, so their derivative matches finite
differences where LAPACK's phase convention is locally smooth (real spectra). The
rule is written with fad primitives (LU solves, ``dot_general``), so it differentiates
again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike, DType, ShapedArray
from fad._src.interpreters import batch, jvp
from fad._src.interpreters.jvp import MaybeZero, Zero
from fad._src.prims import elementwise as ew
from fad._src.prims import indexing as ix
from fad._src.prims import lapack as lap
from fad._src.prims import linalg as la
from fad._src.prims import structural as st
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value

NDArray = np.ndarray[Any, Any]
_SUPPORTED = tuple(np.dtype(t) for t in (np.float32, np.float64, np.complex64, np.complex128))

eig_p = core.new_primitive("eig", multiple_results=True)


def _complex(dt: DType) -> DType:
    return dtypes.complex_dtype(dt)


def _eig_impl(x: NDArray) -> list[NDArray]:
    cdt = _complex(x.dtype)
    w = np.empty(x.shape[:-1], cdt)
    v = np.empty(x.shape, cdt)
    for idx in np.ndindex(*x.shape[:-2]):
        # As the lowering reports a LAPACK failure (or non-finite input): NaN results, not
        # an exception.
        w[idx], v[idx] = np.nan, np.nan
        if np.all(np.isfinite(x[idx])):
            try:
                w[idx], v[idx] = np.linalg.eig(x[idx])
            except np.linalg.LinAlgError:
                pass
    return [w, v]


def _eig_abstract(x: ShapedArray) -> list[ShapedArray]:
    if x.dtype not in _SUPPORTED:
        raise TypeError(
            f"eig: the operand must be float32, float64, complex64 or complex128, got "
            f"{x.dtype.name}"
        )
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"eig: the operand must be a (stack of) square matrices, got {x.shape}")
    cdt = _complex(x.dtype)
    return [ShapedArray(x.shape[:-1], cdt), ShapedArray(x.shape, cdt)]


def _mm(a: Array, b: Array) -> Array:
    bd = tuple(range(a.ndim - 2))
    return la.dot_general(a, b, (((a.ndim - 1,), (b.ndim - 2,)), (bd, bd)))


def _solve(a: Array, b: Array) -> Array:
    """``a^-1 b`` for square ``a`` via LU (the permutation applied with a gather)."""
    lu, _, perm = lap.lu(a)
    rows = st.broadcast_in_dim(perm, b.shape, tuple(range(perm.ndim)))
    pb = ix.take_along_axis(b, rows, b.ndim - 2)
    y = lap.triangular_solve(lu, pb, left_side=True, lower=True, unit_diagonal=True)
    return lap.triangular_solve(lu, y, left_side=True, lower=False)


def _eig_jvp(primals: Sequence[Array], tangents: Sequence[MaybeZero]) -> tuple[Any, Any]:
    (x,), (t,) = primals, tangents
    w, v = eig_p.bindn(x)
    if isinstance(t, Zero):
        return [w, v], [Zero.like(w), Zero.like(v)]
    n = x.shape[-1]
    cdt = w.dtype
    p = _solve(v, _mm(ew.convert_element_type(t, cdt), v))
    eye = ew.convert_element_type(lap._eye_mask(p.shape), cdt)
    dw = st.reduce_sum(ew.mul(p, eye), (p.ndim - 1,))
    gaps = ew.add(ew.sub(lap._by_column(w, n), lap._by_row(w, n)), eye)
    f = ew.sub(ew.div(ew.full(gaps.shape, 1, cdt), gaps), eye)
    dv = _mm(v, ew.mul(f, p))
    # Keep |v_j| = 1 to first order: remove the real part of v_j^H dv_j along v_j.
    vdv = ew.real(st.reduce_sum(ew.mul(ew.conj(v), dv), (v.ndim - 2,)))
    dv = ew.sub(dv, ew.mul(v, ew.convert_element_type(lap._by_column(vdv, n), cdt)))
    return [w, v], [dw, dv]


def _eig_finish_real(wr: Array, wi: Array, vr: Array, info: Array) -> list[Array]:
    w = ew.complex_(wr, wi)
    return [lap._nan_where_failed(w, info), lap._nan_where_failed(vr, info)]


def _eig_finish_complex(w: Array, vr: Array, info: Array) -> list[Array]:
    return [lap._nan_where_failed(w, info), lap._nan_where_failed(vr, info)]


def _eig_lowering(ctx: LoweringContext, x: Value) -> list[Value]:
    if x.shape[-1] == 0:
        return [ctx.constant(np.zeros(o.shape, o.dtype)) for o in _eig_abstract(x.aval)]
    dt = x.dtype
    batch_shape = x.shape[:-2]
    info = ShapedArray(batch_shape, np.dtype(np.int32))
    cfg = {"compute_left": "N", "compute_right": "V"}
    if dtypes.is_complex(dt):
        w, _, vr, inf = lap._custom_call(
            ctx, "geev", dt, [x],
            [ShapedArray(x.shape[:-1], dt), x.aval, x.aval, info],
            [True], [False, True, True, False], cfg,
        )  # fmt: skip
        return lap._inline(ctx, _eig_finish_complex, [w, vr, inf])
    vecs = ShapedArray(x.shape, _complex(dt))
    wr, wi, _, vr, inf = lap._custom_call(
        ctx, "geev", dt, [x],
        [ShapedArray(x.shape[:-1], dt), ShapedArray(x.shape[:-1], dt), vecs, vecs, info],
        [True], [False, False, True, True, False], cfg,
    )  # fmt: skip
    return lap._inline(ctx, _eig_finish_real, [wr, wi, vr, inf])


core.def_impl(eig_p, _eig_impl)
core.def_abstract(eig_p, _eig_abstract)
jvp.def_jvp_rule(eig_p, _eig_jvp)
batch.def_batch(eig_p, lap._batch_at_front(eig_p))
lowering.def_rule(eig_p, _eig_lowering)


def eig(x: ArrayLike) -> tuple[Array, Array]:
    """``(w, v)``: eigenvalues and unit-norm right eigenvectors (columns), complex."""
    a = x if isinstance(x, Array) else core.asarray(x)
    core.abstract_eval(eig_p, [a.aval], {})
    w, v = eig_p.bindn(a)
    return w, v


__all__ = ["eig", "eig_p"]
