"""``fad.scipy.optimize.minimize``: BFGS, as ``jax.scipy.optimize.minimize`` has it.

The iteration is a ``while_loop`` over a fixed-shape state, so a whole minimization runs
under ``jit`` and ``vmap``. Each step searches along ``-H g`` by backtracking until the
Armijo condition holds and updates the inverse-Hessian estimate ``H`` when the curvature
``y^T s`` is positive. Like JAX's, the result is not differentiable with respect to
``x0`` or the closed-over parameters (the loop has no reverse rule).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

from fad._src.api.reverse import value_and_grad
from fad._src.core import Array, ArrayLike
from fad._src.numpy import logic, reductions
from fad._src.numpy import ufuncs as uf
from fad._src.numpy.conversion import asarray, result_type
from fad._src.numpy.creation import eye
from fad._src.numpy.products import matmul, outer
from fad._src.numpy.sorting import where
from fad._src.prims.control_flow import while_loop


class OptimizeResults(NamedTuple):
    """The result of ``minimize`` (JAX's fields). ``status``: 0 converged, 1 hit
    ``maxiter``, 3 the line search failed (the function did not decrease)."""

    x: Array
    success: Array
    status: Array
    fun: Array
    jac: Array
    hess_inv: Array | None
    nfev: Array
    njev: Array
    nit: Array


_C1 = 1e-4  # Armijo's sufficient-decrease constant


def _norm(g: Array, ord: Any) -> Array:
    if ord == np.inf:
        return reductions.max(uf.abs(g))
    total: Array = reductions.sum(uf.abs(g) ** ord)
    return uf.power(total, 1.0 / ord)


def minimize(
    fun: Callable[..., Any], x0: ArrayLike, args: tuple[Any, ...] = (), *, method: str,
    tol: float | None = None, options: Mapping[str, Any] | None = None,
) -> OptimizeResults:  # fmt: skip
    """Minimize the scalar ``fun(x, *args)`` over a 1-D ``x`` from ``x0`` with
    ``method='BFGS'``. ``options``: ``maxiter`` (default ``200 * len(x0)``), ``gtol``
    (default ``tol`` or ``1e-5``: stop when the gradient's ``norm`` is below it),
    ``norm`` (default ``inf``), ``line_search_maxiter`` (default 30 halvings)."""
    if not isinstance(method, str) or method.lower() != "bfgs":
        raise ValueError(f"minimize: method must be 'BFGS', got {method!r}")
    if not callable(fun):
        raise TypeError(f"minimize: fun must be callable, got {type(fun).__name__}")
    if not isinstance(args, tuple):
        raise TypeError(f"minimize: args must be a tuple, got {type(args).__name__}")
    opts = dict(options or {})
    unknown = set(opts) - {"maxiter", "gtol", "norm", "line_search_maxiter"}
    if unknown:
        raise ValueError(f"minimize: unknown options {sorted(unknown)}")
    x = asarray(x0)
    if x.ndim != 1:
        raise ValueError(f"minimize: x0 must be 1-D, got shape {x.shape}")
    x = x.astype(result_type(x, 1.0))
    n = x.shape[0]
    maxiter = int(opts.get("maxiter") or 200 * n)
    gtol = float(opts.get("gtol", tol if tol is not None else 1e-5))
    ord = opts.get("norm", np.inf)
    ls_max = int(opts.get("line_search_maxiter", 30))

    def f(v: Array) -> Array:
        out = asarray(fun(v, *args))
        if out.shape != ():
            raise TypeError(f"minimize: fun must return a scalar, got shape {out.shape}")
        return out.astype(x.dtype)

    vg = value_and_grad(f)
    f0, g0 = vg(x)
    ident = eye(n, dtype=x.dtype)
    zero = asarray(0, np.int32)
    # it, x, f, g, H, nfev, njev, status
    init: tuple[Array, ...] = (zero, x, f0, g0, ident, zero + 1, zero + 1, zero)

    def cond(s: tuple[Array, ...]) -> Array:
        it, _, _, g, _, _, _, status = s
        return logic.logical_and(logic.logical_and(it < maxiter, status == 0), _norm(g, ord) > gtol)

    def body(s: tuple[Array, ...]) -> tuple[Array, ...]:
        it, xk, fk, gk, h, nfev, njev, _ = s
        p = -matmul(h, gk)
        slope = reductions.sum(gk * p)
        # Not a descent direction (H lost positive definiteness): restart along -g.
        bad = slope >= 0
        p = where(bad, -gk, p)
        slope = where(bad, -reductions.sum(gk * gk), slope)

        def ls_cond(c: tuple[Array, Array, Array, Array]) -> Array:
            i, _, ok, _ = c
            return logic.logical_and(logic.logical_not(ok), i < ls_max)

        def ls_body(c: tuple[Array, Array, Array, Array]) -> tuple[Array, Array, Array, Array]:
            i, alpha, _, _ = c
            alpha = where(i == 0, alpha, alpha * 0.5)
            f_new = f(xk + alpha * p)
            ok = logic.logical_and(logic.isfinite(f_new), f_new <= fk + _C1 * alpha * slope)
            return i + 1, alpha, ok, f_new

        one = reductions.sum(p * 0.0) + 1.0
        i_ls, alpha, ok, _ = while_loop(ls_cond, ls_body, (zero, one, asarray(False), fk))
        s_vec = alpha * p
        x_new = where(ok, xk + s_vec, xk)
        f_new, g_new = vg(x_new)
        y = g_new - gk
        ys = reductions.sum(y * s_vec)
        rho = 1.0 / where(ys > 0, ys, 1.0)
        a = ident - rho * outer(s_vec, y)
        h_new = matmul(matmul(a, h), a.T) + rho * outer(s_vec, s_vec)
        h = where(logic.logical_and(ok, ys > 0), h_new, h)
        status = where(ok, 0, 3).astype(np.int32)
        return it + 1, x_new, f_new, g_new, h, nfev + i_ls + 1, njev + 1, status

    it, xk, fk, gk, h, nfev, njev, status = while_loop(cond, body, init)
    status = where(logic.logical_and(status == 0, _norm(gk, ord) > gtol), 1, status).astype(
        np.int32
    )
    return OptimizeResults(
        x=xk, success=status == 0, status=status, fun=fk, jac=gk, hess_inv=h, nfev=nfev,
        njev=njev, nit=it,
    )  # fmt: skip
