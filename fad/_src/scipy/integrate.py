"""``fad.scipy.integrate.trapezoid``: the trapezoidal rule along an axis."""

from __future__ import annotations

from fad._src.core import Array, ArrayLike
from fad._src.numpy import reductions
from fad._src.numpy.conversion import asarray, result_type
from fad._src.numpy.shapes import moveaxis


def trapezoid(
    y: ArrayLike, x: ArrayLike | None = None, dx: ArrayLike = 1.0, axis: int = -1
) -> Array:
    """``sum((y[1:] + y[:-1]) / 2 * diff(x))`` along ``axis`` (spacing ``dx`` without ``x``;
    a 1-D ``x`` runs along ``axis``, otherwise it broadcasts against ``y``)."""
    yy = asarray(y)
    yy = moveaxis(yy.astype(result_type(yy, 1.0)), axis, -1)
    mid = (yy[..., 1:] + yy[..., :-1]) * 0.5
    if x is None:
        return reductions.sum(mid, axis=-1) * asarray(dx)
    xx = asarray(x)
    xx = xx if xx.ndim == 1 else moveaxis(xx, axis, -1)
    if xx.shape[-1] != yy.shape[-1]:
        raise ValueError(
            f"trapezoid: x has {xx.shape[-1]} points along the axis, y has {yy.shape[-1]}"
        )
    return reductions.sum(mid * (xx[..., 1:] - xx[..., :-1]), axis=-1)
