"""The Schur and Hessenberg decompositions: scipy's LAPACK eagerly (``gees``, ``gehrd``),
jaxlib's LAPACK custom calls under ``jit`` on CPU.

Like JAX's, neither has a derivative rule: Schur vectors of a real matrix with complex
eigenvalues are fixed only up to rotations within each 2x2 block, and the Hessenberg
reduction up to the signs of its reflectors, so a derivative of the factors would
describe one arbitrary choice. Both are declared exemptions in the rule-coverage and law
tables.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike, ShapedArray
from fad._src.interpreters import batch
from fad._src.prims import elementwise as ew
from fad._src.prims import lapack
from fad._src.prims import structural as st
from fad._src.prims.lapack import (
    _array,
    _batch_at_front,
    _batched,
    _check_operand,
    _checked,
    _custom_call,
    _info_aval,
    _inline,
    _nan_where_failed,
)
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value

NDArray = np.ndarray[Any, Any]

schur_p = core.new_primitive("schur", multiple_results=True)
hessenberg_p = core.new_primitive("hessenberg", multiple_results=True)


# ---------------------------------------------------------------------------
# schur: outputs [t, z] with x = z t z^H; real Schur form for real x, complex for complex
# ---------------------------------------------------------------------------


def _schur_impl(x: NDArray) -> list[NDArray]:
    output = "complex" if np.iscomplexobj(x) else "real"
    return _batched(
        lambda a: scipy.linalg.schur(a, output=output), x,
        out_shapes=[x.shape[-2:]] * 2, out_dtypes=[x.dtype] * 2,
    )  # fmt: skip


def _schur_abstract(x: ShapedArray) -> list[ShapedArray]:
    _check_operand("schur", x)
    return [x.strip_weak_type(), x.strip_weak_type()]


def _schur_finish(t: Array, z: Array, info: Array) -> list[Array]:
    return [_nan_where_failed(t, info), _nan_where_failed(z, info)]


def _schur_lowering(ctx: LoweringContext, x: Value) -> list[Value]:
    dt = x.dtype
    eig = ShapedArray(x.shape[:-1], dt)
    info = _info_aval(x.shape[:-2])
    # Real: T, Z, the real and imaginary eigenvalue parts, sdim, info; complex: one w.
    values = [eig] if dtypes.is_complex(dt) else [eig, eig]
    results = [x.aval, x.aval, *values, info, info]
    outs = _custom_call(
        ctx, "gees", dt, [x], results, [True], [True, True, *([False] * (len(values) + 2))],
        {"mode": "V", "sort": "N"},
    )  # fmt: skip
    return _inline(ctx, _schur_finish, [outs[0], outs[1], outs[-1]])


core.def_impl(schur_p, _schur_impl)
core.def_abstract(schur_p, _schur_abstract)
batch.def_batch(schur_p, _batch_at_front(schur_p))
lowering.def_rule(schur_p, _schur_lowering)


def schur(x: ArrayLike) -> tuple[Array, Array]:
    """``(t, z)`` with ``x = z @ t @ z^H``: ``t`` quasi-upper-triangular (real input) or
    upper triangular (complex input), ``z`` orthogonal or unitary."""
    a = _array(x)
    _checked(schur_p, a)
    t, z = schur_p.bindn(a)
    return t, z


# ---------------------------------------------------------------------------
# hessenberg: outputs [h, q] with x = q h q^H, h zero below the first subdiagonal
# ---------------------------------------------------------------------------


def _hessenberg_impl(x: NDArray) -> list[NDArray]:
    return _batched(
        lambda a: scipy.linalg.hessenberg(a, calc_q=True), x,
        out_shapes=[x.shape[-2:]] * 2, out_dtypes=[x.dtype] * 2,
    )  # fmt: skip


def _hessenberg_abstract(x: ShapedArray) -> list[ShapedArray]:
    _check_operand("hessenberg", x)
    return [x.strip_weak_type(), x.strip_weak_type()]


def _hessenberg_h(a: Array, info: Array) -> Array:
    """``h``: the packed ``gehrd`` output with the reflectors below the subdiagonal zeroed."""
    return _nan_where_failed(lapack._triu(a, -1), info)


def _reflectors(a: Array) -> Array:
    """The reflectors of ``gehrd`` start one row down: the trailing ``(n-1)``-square block
    of the packed output, for ``orgqr``."""
    n = a.shape[-1]
    return lapack._slice_last2(a, (1, n), (0, n - 1))


def _hessenberg_q(q_block: Array, info: Array) -> Array:
    """``q = 1 (+) q_block``: ``q_block`` padded by a zero row and column in front, plus a
    one in the corner."""
    zero = lapack._full((), 0, q_block.dtype)
    nb = q_block.ndim - 2
    padded = st.pad(q_block, zero, [(0, 0, 0)] * nb + [(1, 0, 0), (1, 0, 0)])
    shape = padded.shape
    i32 = np.dtype(np.int32)
    at_corner = ew.eq(
        ew.add(st.iota(i32, shape, nb), st.iota(i32, shape, nb + 1)), lapack._full(shape, 0, i32)
    )
    return _nan_where_failed(ew.add(padded, ew.convert_element_type(at_corner, padded.dtype)), info)


def _hessenberg_lowering(ctx: LoweringContext, x: Value) -> list[Value]:
    n = x.shape[-1]
    if n <= 1:
        return _inline(ctx, _trivial_hessenberg, [x])
    dt = x.dtype
    tau_aval = ShapedArray((*x.shape[:-2], n - 1), dt)
    layout = lapack._layout(x.shape, True)
    attrs = (
        f'call_target_name = "lapack_{lapack._PREFIX[dt.name]}gehrd_ffi", '
        f"mhlo.backend_config = {{high = {n} : i32, low = 1 : i32}}, "
        f"operand_layouts = [{layout}], result_layouts = [{layout}, "
        f"{lapack._layout(tau_aval.shape, False)}, {lapack._layout(x.shape[:-2], False)}]"
    )
    a, tau, info = ctx.op(
        "stablehlo.custom_call", [x], [x.aval, tau_aval, _info_aval(x.shape[:-2])], attrs
    )
    (q_in,) = _inline(ctx, _reflectors, [a])
    routine = "ungqr" if dtypes.is_complex(dt) else "orgqr"
    (q_block,) = _custom_call(ctx, routine, dt, [q_in, tau], [q_in.aval], [True, False], [True])
    (h,) = _inline(ctx, _hessenberg_h, [a, info])
    (q,) = _inline(ctx, _hessenberg_q, [q_block, info])
    return [h, q]


def _trivial_hessenberg(x: Array) -> list[Array]:
    return [x, lapack._eye(x.shape, x.dtype)]


core.def_impl(hessenberg_p, _hessenberg_impl)
core.def_abstract(hessenberg_p, _hessenberg_abstract)
batch.def_batch(hessenberg_p, _batch_at_front(hessenberg_p))
lowering.def_rule(hessenberg_p, _hessenberg_lowering)


def hessenberg(x: ArrayLike) -> tuple[Array, Array]:
    """``(h, q)`` with ``x = q @ h @ q^H``, ``h`` zero below its first subdiagonal."""
    a = _array(x)
    _checked(hessenberg_p, a)
    h, q = hessenberg_p.bindn(a)
    return h, q
