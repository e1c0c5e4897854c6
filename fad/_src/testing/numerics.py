"""The numerics the laws share: dtypes of leaves, default tolerances, random tangents,
the bilinear pairing, and comparisons that fail with a ``LawError`` naming the law.

Tolerances derive from the least precise inexact dtype involved. A law that is an
identity (both sides computed by fad) allows a multiple of that dtype's unit roundoff,
relative to the magnitude of the compared values: the two sides differ only by rounding
(summation order, fused operations, another libm). A law against central finite
differences allows the larger error of the difference quotient (``fd_tolerance``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from fad._src import core, dtypes

NDArray = np.ndarray[Any, Any]
DType = np.dtype[Any]


class LawError(AssertionError):
    """A law does not hold: ``law`` is its key, the message says where and by how much."""

    def __init__(self, law: str, message: str) -> None:
        super().__init__(f"law {law!r} fails: {message}")
        self.law = law
        self.detail = message


def dtype_of(x: Any) -> DType:
    """The dtype of an Array, tracer, numpy or Python value (never reads a tracer's value)."""
    if isinstance(x, np.ndarray):
        return np.dtype(x.dtype)
    dt = getattr(x, "dtype", None)
    return np.dtype(dt) if dt is not None else core.get_aval(x).dtype


def inexact(x: Any) -> bool:
    return bool(dtypes.is_inexact(dtype_of(x)))


def least_precise(leaves: Sequence[Any]) -> DType:
    """The inexact dtype with the largest unit roundoff among ``leaves`` (float64 if none)."""
    dts = [dtype_of(x) for x in leaves if inexact(x)]
    if not dts:
        return np.dtype(np.float64)
    return max(dts, key=lambda d: float(np.finfo(d).eps))


def eps_of(leaves: Sequence[Any]) -> float:
    return float(np.finfo(least_precise(leaves)).eps)


# The central difference's step: about the cube root of the unit roundoff, balancing its
# truncation error (O(step^2)) against rounding (O(eps / step)); and the tolerance (used
# as atol and rtol) comfortably above the resulting error.
_FD_STEP = {2: 3e-2, 4: 1e-3, 8: 1e-5}  # by the real part's itemsize
_FD_TOL = {2: 5e-2, 4: 5e-3, 8: 1e-6}


def _real_itemsize(dt: DType) -> int:
    return int(np.dtype(dtypes.real_dtype(dt)).itemsize) if dtypes.is_complex(dt) else dt.itemsize


def fd_step(dt: DType) -> float:
    """The finite-difference step for values of the inexact dtype ``dt``."""
    return _FD_STEP.get(_real_itemsize(np.dtype(dt)), _FD_STEP[4])


def fd_tolerance(dt: DType) -> float:
    """The default ``rtol`` and ``atol`` of a law against finite differences."""
    return _FD_TOL.get(_real_itemsize(np.dtype(dt)), _FD_TOL[4])


@dataclass(frozen=True)
class Tolerance:
    """``|got - want| <= atol + rtol * magnitude``, element by element or over the worst
    element (see ``assert_close``)."""

    rtol: float
    atol: float

    @staticmethod
    def of(factor: float, leaves: Sequence[Any], rtol: float | None = None,
           atol: float | None = None) -> Tolerance:  # fmt: skip
        """``factor`` unit roundoffs of the least precise dtype of ``leaves``, unless given."""
        e = factor * eps_of(leaves)
        return Tolerance(e if rtol is None else rtol, e if atol is None else atol)


def random_like(rng: np.random.Generator, x: Any) -> NDArray:
    """Standard normal values of ``x``'s shape and dtype (complex: both parts); float0 for
    integer and bool leaves, as tangents and cotangents of those must be."""
    shape, dt = tuple(np.shape(x)) if isinstance(x, np.ndarray) else tuple(x.shape), dtype_of(x)
    if not dtypes.is_inexact(dt):
        return np.zeros(shape, dtypes.float0)
    v = rng.standard_normal(shape)
    if dtypes.is_complex(dt):
        v = v + 1j * rng.standard_normal(shape)
    return np.asarray(np.asarray(v).astype(dt))


def pairing(xs: Sequence[Any], ys: Sequence[Any]) -> tuple[complex, float]:
    """``sum(x * y)`` over the inexact leaves, without conjugation (fad's transposes, like
    JAX's, are adjoints under this bilinear pairing), and ``sum(|x| |y|)``."""
    total, scale = 0j, 0.0
    for x, y in zip(xs, ys, strict=True):
        if inexact(x) and inexact(y):
            a, b = np.asarray(x, np.complex128), np.asarray(y, np.complex128)
            total += complex(np.sum(a * b))
            scale += float(np.sum(np.abs(a) * np.abs(b)))
    return total, scale


def _show(x: NDArray) -> Any:
    return x.real if not np.iscomplexobj(x) or not np.any(x.imag) else x


def assert_close(got: Any, want: Any, tol: Tolerance, *, law: str, what: str,
                 scale: float = 0.0, elementwise: bool = False,
                 check_dtype: bool = True) -> None:  # fmt: skip
    """``got`` equals ``want`` (same shape and dtype; integers exactly; NaN where ``want``
    has NaN and the same infinities), inexact finite values within ``tol``.

    The magnitude an error is relative to is ``max(scale, max |want|)`` (a norm-wise
    comparison: the laws compare whole linear maps), or ``|want|`` element by element
    when ``elementwise`` (finite differences, edge values).
    """
    g, w = np.asarray(got), np.asarray(want)
    if g.shape != w.shape:
        raise LawError(law, f"{what}: shape {g.shape} != {w.shape}")
    if check_dtype and g.dtype != w.dtype:
        raise LawError(law, f"{what}: dtype {g.dtype} != {w.dtype}")
    if g.dtype == dtypes.float0 or w.dtype == dtypes.float0:
        if g.dtype != w.dtype:
            raise LawError(law, f"{what}: dtype {g.dtype} != {w.dtype}")
        return
    if not (dtypes.is_inexact(g.dtype) or dtypes.is_inexact(w.dtype)):
        bad = g != w
        if np.any(bad):
            i = int(np.argmax(bad.ravel()))
            raise LawError(
                law,
                f"{what}: {int(bad.sum())} of {g.size} elements differ; first "
                f"at flat index {i}: got {g.ravel()[i]}, want {w.ravel()[i]}",
            )
        return
    gw, ww = g.astype(np.complex128), w.astype(np.complex128)
    # Non-finite values must match exactly (NaN for NaN, the same infinity).
    g_nan, w_nan = np.isnan(gw), np.isnan(ww)
    finite = np.isfinite(gw) & np.isfinite(ww)
    same_special = (g_nan == w_nan) & (finite | g_nan | (gw == ww))
    if dtypes.is_complex(g.dtype) or dtypes.is_complex(w.dtype):
        # A complex value with an infinite part and no NaN: that part exactly, the other
        # within the tolerance of its own size (sums of such values round it in their
        # own order, as finite sums do).
        with np.errstate(all="ignore"):
            parts_ok = np.ones(gw.shape, bool)
            for part in (np.real, np.imag):
                a, b = part(gw), part(ww)
                close = np.abs(a - b) <= tol.atol + tol.rtol * np.abs(b)
                parts_ok &= np.where(np.isfinite(a) & np.isfinite(b), close, a == b)
        same_special |= ~g_nan & ~w_nan & parts_ok
    with np.errstate(all="ignore"):
        err = np.where(finite, np.abs(gw - ww), 0.0)
        if elementwise:
            bound = tol.atol + tol.rtol * np.abs(ww)
        else:
            mag = max(scale, float(np.max(np.abs(np.where(finite, ww, 0.0)), initial=0.0)))
            bound = np.full(err.shape, tol.atol + tol.rtol * mag)
    bad = ~same_special | (err > bound)
    if np.any(bad):
        excess = np.where(~same_special, np.inf, err - bound)
        i = int(np.argmax(np.where(bad, excess, -np.inf).ravel()))
        gi, wi = _show(g.ravel())[i], _show(w.ravel())[i]
        raise LawError(
            law,
            (
                f"{what}: {int(bad.sum())} of {g.size} elements differ; worst at flat index {i}: "
                f"got {gi}, want {wi} (|diff| {err.ravel()[i]:.3g} > bound {bound.ravel()[i]:.3g}, "
                f"rtol={tol.rtol:.3g}, atol={tol.atol:.3g})\ngot:\n{_show(g)}\nwant:\n{_show(w)}"
            ),
        )
