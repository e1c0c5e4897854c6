"""Statistics beyond the reductions: the remaining ``nan*`` reductions, ``cov`` and
``corrcoef``, histograms (``histogram``, ``histogram2d``, ``histogramdd``,
``histogram_bin_edges``, ``bincount``, ``digitize``), ``gradient`` and ``trapezoid``.

Shapes are static: a histogram's bin count comes from ``bins`` (never from the data),
and ``bincount`` takes JAX's static ``length=`` under tracing.
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy.conversion import (
    Axis,
    as_inexact,
    asarray,
    astype,
    broadcast_to,
    dtype_arg,
    promote_inexact,
    stack,
)
from fad._src.numpy.creation import full_like, ones_like, zeros, zeros_like
from fad._src.numpy.indexing import take_along_axis
from fad._src.numpy.logic import all, isnan, logical_and, logical_not
from fad._src.numpy.manipulation import concatenate, flip
from fad._src.numpy.products import dot
from fad._src.numpy.ranges import linspace
from fad._src.numpy.reductions import (
    argmax,
    argmin,
    cumprod,
    cumsum,
    max,
    mean,
    min,
    sum,
)
from fad._src.numpy.shapes import moveaxis, ravel, reduction_axes, reshape
from fad._src.numpy.sorting import searchsorted, sort, where
from fad._src.numpy.ufuncs import ceil, clip, conj, floor, real, round, sqrt
from fad._src.prims import _util
from fad._src.prims import elementwise as ew
from fad._src.prims import indexing as ix
from fad._src.prims import structural as st


def _no_out(out: Any, name: str) -> None:
    if out is not None:
        raise NotImplementedError(f"{name}: out= is not supported (fad arrays are immutable)")


# ---------------------------------------------------------------------------
# nan reductions
# ---------------------------------------------------------------------------


def nanvar(
    a: ArrayLike,
    axis: Axis = None,
    dtype: Any = None,
    out: None = None,
    ddof: int = 0,
    keepdims: bool = False,
    where: ArrayLike | None = None,
    mean: ArrayLike | None = None,
) -> Array:
    """``var`` of the non-NaN elements (NaN where fewer than ``ddof + 1`` remain)."""
    _no_out(out, "nanvar")
    x = asarray(a)
    dt = dtype_arg(dtype) or dtypes.to_inexact(x.dtype, x.weak_type)[0]
    x = astype(x, dt)
    present = logical_not(isnan(x))
    if where is not None:
        present = logical_and(present, broadcast_to(asarray(where), x.shape))
    clean = _where(present, x, zeros_like(x))
    count = sum(present, axis=axis, dtype=dtypes.real_dtype(dt), keepdims=True)
    m = (
        sum(clean, axis=axis, keepdims=True) / count
        if mean is None
        else broadcast_to(asarray(mean), count.shape)
    )
    centered = _where(present, x - m, zeros_like(x))
    sq = real(centered * conj(centered)) if dtypes.is_complex(dt) else centered * centered
    dof = count - ddof
    total = sum(sq, axis=axis, keepdims=True)
    res = _where(dof > 0, total / _where(dof > 0, dof, ones_like(dof)), full_like(total, np.nan))
    if not keepdims:
        res = st.reshape(res, tuple(n for i, n in enumerate(res.shape)
                                    if i not in reduction_axes(axis, x.ndim)))  # fmt: skip
    return res


def _where(c: Array, x: Array, y: Array) -> Array:
    return where(c, x, y)


def nanstd(
    a: ArrayLike,
    axis: Axis = None,
    dtype: Any = None,
    out: None = None,
    ddof: int = 0,
    keepdims: bool = False,
    where: ArrayLike | None = None,
    mean: ArrayLike | None = None,
) -> Array:
    """``std`` of the non-NaN elements."""
    return sqrt(nanvar(a, axis, dtype, out, ddof, keepdims, where, mean))


def _nan_arg(which: str, a: ArrayLike, axis: int | None, out: None, keepdims: bool | None) -> Array:
    _no_out(out, f"nan{which}")
    x = asarray(a)
    find = argmax if which == "argmax" else argmin
    if not dtypes.is_inexact(x.dtype):
        return find(x, axis=axis, keepdims=bool(keepdims))
    nan_ = isnan(x)
    filled = where(nan_, full_like(x, -np.inf if which == "argmax" else np.inf), x)
    idx = find(filled, axis=axis, keepdims=bool(keepdims))
    all_nan = all(nan_, axis=axis, keepdims=bool(keepdims))
    return where(all_nan, full_like(idx, -1), idx)


def nanargmax(
    a: ArrayLike, axis: int | None = None, out: None = None, keepdims: bool | None = None
) -> Array:
    """``argmax`` ignoring NaN (-1 where a slice is all NaN, as in JAX)."""
    return _nan_arg("argmax", a, axis, out, keepdims)


def nanargmin(
    a: ArrayLike, axis: int | None = None, out: None = None, keepdims: bool | None = None
) -> Array:
    """``argmin`` ignoring NaN (-1 where a slice is all NaN, as in JAX)."""
    return _nan_arg("argmin", a, axis, out, keepdims)


def nancumsum(a: ArrayLike, axis: int | None = None, dtype: Any = None, out: None = None) -> Array:
    """``cumsum`` with NaN counted as zero."""
    _no_out(out, "nancumsum")
    x = asarray(a)
    return cumsum(where(isnan(x), zeros_like(x), x), axis=axis, dtype=dtype)


def nancumprod(a: ArrayLike, axis: int | None = None, dtype: Any = None, out: None = None) -> Array:
    """``cumprod`` with NaN counted as one."""
    _no_out(out, "nancumprod")
    x = asarray(a)
    return cumprod(where(isnan(x), ones_like(x), x), axis=axis, dtype=dtype)


_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")


def nanquantile(
    a: ArrayLike,
    q: ArrayLike,
    axis: int | tuple[int, ...] | None = None,
    out: None = None,
    overwrite_input: bool = False,
    method: str = "linear",
    keepdims: bool = False,
    *,
    weights: ArrayLike | None = None,
) -> Array:
    """``quantile`` of the non-NaN elements (NaN where a slice is all NaN).

    NaNs sort last, so the quantile is read from the first ``count`` sorted elements.
    """
    _no_out(out, "nanquantile")
    if weights is not None:
        raise NotImplementedError("nanquantile: weights= is not supported")
    if method not in _METHODS:
        raise ValueError(f"nanquantile: method must be one of {_METHODS}, got {method!r}")
    (x,) = as_inexact([asarray(a)])
    axes = reduction_axes(axis, x.ndim)
    kept = [i for i in range(x.ndim) if i not in axes]
    n = math.prod(x.shape[i] for i in axes)
    if n == 0:
        raise ValueError(f"nanquantile of an empty axis: shape {x.shape}, axes {axes}")
    xt = st.reshape(st.transpose_(x, [*kept, *axes]), (*(x.shape[i] for i in kept), n))
    srt = sort(xt, axis=-1)
    count = sum(logical_not(isnan(xt)), axis=-1, dtype=x.dtype if dtypes.is_float(x.dtype)
                else dtypes.real_dtype(x.dtype))  # fmt: skip
    qa = astype(asarray(q), count.dtype)
    qshape = qa.shape
    kshape = count.shape
    full = (*qshape, *kshape)
    qb = st.broadcast_in_dim(qa, full, tuple(range(len(qshape))))
    cb = st.broadcast_in_dim(count, full, tuple(range(len(qshape), len(full))))
    pos = qb * clip(cb - 1, 0, None)
    last = astype(clip(cb - 1, 0, None), np.int32)
    srt_b = st.broadcast_in_dim(srt, (*full, n), tuple(range(len(qshape), len(full) + 1)))

    def at(i: Array) -> Array:
        i = clip(i, 0, last)
        return take_along_axis(srt_b, st.reshape(i, (*full, 1)), axis=-1)[..., 0]

    lo_i, hi_i = astype(floor(pos), np.int32), astype(ceil(pos), np.int32)
    v_lo, v_hi = at(lo_i), at(hi_i)
    frac = pos - floor(pos)
    if method == "linear":
        res = v_lo + frac * (v_hi - v_lo)
    elif method == "lower":
        res = v_lo
    elif method == "higher":
        res = v_hi
    elif method == "midpoint":
        res = (v_lo + v_hi) * 0.5
    else:
        res = at(astype(round(pos), np.int32))
    res = where(cb == 0, full_like(res, np.nan), res)
    if keepdims:
        res = st.reshape(res, (*qshape, *(1 if i in axes else x.shape[i] for i in range(x.ndim))))
    return res


def nanpercentile(
    a: ArrayLike,
    q: ArrayLike,
    axis: int | tuple[int, ...] | None = None,
    out: None = None,
    overwrite_input: bool = False,
    method: str = "linear",
    keepdims: bool = False,
    *,
    weights: ArrayLike | None = None,
) -> Array:
    """``nanquantile`` with ``q`` in percent."""
    return nanquantile(a, asarray(q) / 100, axis, out, overwrite_input, method, keepdims,
                       weights=weights)  # fmt: skip


def nanmedian(
    a: ArrayLike,
    axis: int | tuple[int, ...] | None = None,
    out: None = None,
    overwrite_input: bool = False,
    keepdims: bool = False,
) -> Array:
    """The median of the non-NaN elements."""
    return nanquantile(a, 0.5, axis, out, overwrite_input, "midpoint", keepdims)


# ---------------------------------------------------------------------------
# cov and corrcoef
# ---------------------------------------------------------------------------


def cov(
    m: ArrayLike,
    y: ArrayLike | None = None,
    rowvar: bool = True,
    bias: bool = False,
    ddof: int | None = None,
    fweights: ArrayLike | None = None,
    aweights: ArrayLike | None = None,
    dtype: Any = None,
) -> Array:
    """Covariance matrix of the variables (rows, or columns if not ``rowvar``)."""
    x = asarray(m)
    if x.ndim > 2:
        raise ValueError(f"cov: m has more than 2 dimensions (shape {x.shape})")
    x = reshape(x, (1, -1)) if x.ndim < 2 else x
    x = x if rowvar or (x.shape[0] == 1 and asarray(m).ndim < 2) else x.T
    if y is not None:
        yv = asarray(y)
        yv = reshape(yv, (1, -1)) if yv.ndim < 2 else yv
        yv = yv if rowvar or (yv.shape[0] == 1 and asarray(y).ndim < 2) else yv.T
        x = concatenate([x, yv], axis=0)
    dt = dtype_arg(dtype) or dtypes.to_inexact(x.dtype, False)[0]
    x = astype(x, dt)
    n = x.shape[1]
    ddof_ = (0 if bias else 1) if ddof is None else int(ddof)
    w: Array | None = None
    if fweights is not None:
        w = astype(asarray(fweights), dtypes.real_dtype(dt))
    if aweights is not None:
        aw = astype(asarray(aweights), dtypes.real_dtype(dt))
        w = aw if w is None else w * aw
    if w is None:
        avg = mean(x, axis=1)
        wsum: Array = full_like(real(avg[..., 0]) if avg.ndim else real(avg), float(n))
        fact: Array = wsum - ddof_
    else:
        wsum = sum(w)
        avg = sum(x * w, axis=1) / wsum
        if ddof_ == 0:
            fact = wsum
        elif aweights is None:
            fact = wsum - ddof_
        else:
            aw = astype(asarray(aweights), dtypes.real_dtype(dt))
            fact = wsum - ddof_ * sum(w * aw) / wsum
    xc = x - st.broadcast_in_dim(avg, x.shape, (0,))
    xw = xc if w is None else xc * w
    c = dot(xw, conj(xc).T) / where(fact > 0, fact, zeros_like(fact))
    return c[0, 0] if c.shape == (1, 1) and asarray(m).ndim < 2 and y is None else c


def corrcoef(
    x: ArrayLike, y: ArrayLike | None = None, rowvar: bool = True, dtype: Any = None
) -> Array:
    """Pearson correlation coefficients: ``cov`` normalized by the standard deviations."""
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:
        return c / c
    n = c.shape[0]
    diag_idx = st.iota(np.dtype(np.int32), (n, 1), 0)
    d = real(st.reshape(take_along_axis(c, diag_idx, axis=1), (n,)))
    sd = sqrt(d)
    c = c / st.broadcast_in_dim(sd, c.shape, (0,)) / st.broadcast_in_dim(sd, c.shape, (1,))
    if dtypes.is_complex(c.dtype):
        return ew.complex_(clip(ew.real(c), -1, 1), clip(ew.imag(c), -1, 1))
    return clip(c, -1, 1)


# ---------------------------------------------------------------------------
# histograms
# ---------------------------------------------------------------------------


def bincount(
    x: ArrayLike,
    weights: ArrayLike | None = None,
    minlength: int = 0,
    *,
    length: int | None = None,
    out_sharding: Any = None,
) -> Array:
    """Occurrences of each non-negative integer in ``x`` (weighted by ``weights``).

    As in JAX, negative values count as 0 and values past ``length`` are dropped; the
    static ``length`` is required when ``x`` is traced.
    """
    v = asarray(x)
    if not dtypes.is_integer(v.dtype) and not dtypes.is_bool(v.dtype):
        raise TypeError(f"bincount: x must have an integer dtype, got {v.dtype.name}")
    if v.ndim != 1:
        raise ValueError(f"bincount: x must be one-dimensional, got shape {v.shape}")
    if length is None:
        if isinstance(v, core.Tracer):
            raise core.ConcretizationError(
                "bincount: the output length depends on the values of a traced array; pass a "
                "static length="
            )
        conc = np.asarray(v.concrete_value())
        length = builtins.max(int(minlength), int(conc.max()) + 1 if conc.size else 0)
    length = operator.index(length)
    idx = clip(astype(v, np.int32), 0, None)
    if weights is None:
        vals = ew.full(v.shape, 1, dtypes.default_int_dtype())
    else:
        vals = broadcast_to(asarray(weights), v.shape)
    # Out-of-range indices land in an extra slot that is cut off.
    idx = where(idx >= length, full_like(idx, length), idx)
    base = zeros((length + 1,), vals.dtype)
    out = ix.scatter(base, st.reshape(idx, (v.shape[0], 1)), vals, "add")
    return out[:length]


def digitize(
    x: ArrayLike, bins: ArrayLike, right: bool = False, *, method: str | None = None
) -> Array:
    """Index of the bin each value falls in (``bins`` increasing or decreasing)."""
    xv, b = asarray(x), asarray(bins)
    if b.ndim != 1:
        raise ValueError(f"digitize: bins must be one-dimensional, got shape {b.shape}")
    if b.shape[0] == 0:
        return zeros(xv.shape, dtypes.default_int_dtype())
    side = "left" if right else "right"
    inc = searchsorted(b, xv, side=side)
    dec = b.shape[0] - searchsorted(flip(b), xv, side="right" if right else "left")
    return where(b[-1] >= b[0], inc, dec)


def _edges(a: Array, bins: Any, rng: Any, name: str) -> Array:
    b = bins if isinstance(bins, Array) else None
    if b is None and np.ndim(bins) == 0:
        nb = operator.index(bins)
        if nb < 1:
            raise ValueError(f"{name}: bins must be a positive integer, got {nb}")
        (af,) = as_inexact([a])
        if rng is None:
            if af.size == 0:
                lo, hi = zeros((), af.dtype), zeros((), af.dtype) + 1
            else:
                lo, hi = min(af), max(af)
        else:
            lo, hi = (astype(asarray(r), af.dtype) for r in rng)
        same = lo == hi
        lo, hi = where(same, lo - 0.5, lo), where(same, hi + 0.5, hi)
        return linspace(lo, hi, nb + 1)
    (e,) = as_inexact([asarray(bins)])
    if e.ndim != 1:
        raise ValueError(f"{name}: bins must be an int or a 1-d array of edges")
    return e


def histogram_bin_edges(
    a: ArrayLike,
    bins: ArrayLike = 10,
    range: Any = None,
    weights: ArrayLike | None = None,
) -> Array:
    """The bin edges ``histogram`` would use."""
    return _edges(ravel(asarray(a)), bins, range, "histogram_bin_edges")


def _bin_index(x: Array, edges: Array) -> tuple[Array, Array]:
    """Bin of each value (the last bin is closed) and whether it is inside the edges."""
    nb = edges.shape[0] - 1
    i = searchsorted(edges, x, side="right") - 1
    i = where(x == edges[-1], full_like(i, nb - 1), i)
    inside = logical_and(x >= edges[0], x <= edges[-1])
    return clip(i, 0, nb - 1), inside


def histogramdd(
    sample: ArrayLike,
    bins: Any = 10,
    range: Any = None,
    weights: ArrayLike | None = None,
    density: bool | None = None,
) -> tuple[Array, list[Array]]:
    """Counts of the ``(N, D)`` points in a ``D``-dimensional grid of bins, and the edges."""
    s = asarray(sample)
    if s.ndim == 1:
        s = reshape(s, (-1, 1))
    if s.ndim != 2:
        raise ValueError(f"histogramdd: sample must be (N, D), got shape {s.shape}")
    (s,) = as_inexact([s])
    n, d = s.shape
    bins_l = list(bins) if isinstance(bins, (list, tuple)) else [bins] * d
    rng_l = list(range) if range is not None else [None] * d
    if len(bins_l) != d or len(rng_l) != d:
        raise ValueError(f"histogramdd: bins and range need one entry per dimension ({d})")
    edges = [_edges(s[:, j], bins_l[j], rng_l[j], "histogramdd") for j in builtins.range(d)]
    nbins = [e.shape[0] - 1 for e in edges]
    flat = zeros((n,), np.int32)
    keep = ew.full((n,), True, np.dtype(bool))
    for j in builtins.range(d):
        i, inside = _bin_index(s[:, j], edges[j])
        flat = flat * nbins[j] + astype(i, np.int32)
        keep = logical_and(keep, inside)
    total = math.prod(nbins)
    flat = where(keep, flat, full_like(flat, total))
    w = ones_like(s[:, 0]) if weights is None else astype(asarray(weights), s.dtype)
    counts = bincount(flat, w, length=total + 1)[:total]
    hist = st.reshape(counts, tuple(nbins))
    if density:
        vol = ones_like(hist)
        for j in builtins.range(d):
            widths = edges[j][1:] - edges[j][:-1]
            vol = vol * st.broadcast_in_dim(widths, hist.shape, (j,))
        hist = hist / sum(hist) / vol
    return hist, edges


def histogram(
    a: ArrayLike,
    bins: ArrayLike = 10,
    range: Sequence[ArrayLike] | None = None,
    weights: ArrayLike | None = None,
    density: bool | None = None,
) -> tuple[Array, Array]:
    """Counts (float, as in JAX) of ``a`` in ``bins`` and the bin edges."""
    x = ravel(asarray(a))
    w = None if weights is None else ravel(asarray(weights))
    hist, (edges,) = histogramdd(reshape(x, (-1, 1)), [bins],
                                 None if range is None else [range], w, density)  # fmt: skip
    return hist, edges


def histogram2d(
    x: ArrayLike,
    y: ArrayLike,
    bins: Any = 10,
    range: Any = None,
    weights: ArrayLike | None = None,
    density: bool | None = None,
) -> tuple[Array, Array, Array]:
    """Two-dimensional ``histogramdd`` of the points ``(x[i], y[i])``."""
    xs, ys = as_inexact([asarray(x), asarray(y)])
    pts = stack([ravel(xs), ravel(ys)], axis=1)
    if isinstance(bins, (list, tuple)) and len(bins) == 2:
        b = list(bins)
    elif isinstance(bins, (list, tuple)) or (isinstance(bins, Array) and bins.ndim == 1):
        b = [bins, bins]
    else:
        b = [bins, bins]
    hist, (ex, ey) = histogramdd(pts, b, range, weights, density)
    return hist, ex, ey


# ---------------------------------------------------------------------------
# gradient and trapezoid
# ---------------------------------------------------------------------------


def gradient(
    f: ArrayLike,
    *varargs: ArrayLike,
    axis: int | Sequence[int] | None = None,
    edge_order: int | None = None,
) -> Array | list[Array]:
    """Second-order central differences inside, one-sided first-order ones at the edges,
    with unit, scalar or coordinate-array spacing per axis (numpy's formula)."""
    if edge_order not in (None, 1):
        raise NotImplementedError("gradient: only edge_order=1 is supported (as in JAX)")
    (y,) = as_inexact([asarray(f)])
    axes = list(builtins.range(y.ndim)) if axis is None else (
        [axis] if isinstance(axis, int) else list(axis))  # fmt: skip
    axes = [_util.canonical_axis(int(a), y.ndim) for a in axes]
    if len(varargs) == 0:
        spacing: list[Any] = [1.0] * len(axes)
    elif len(varargs) == 1 and asarray(varargs[0]).ndim == 0:
        spacing = [varargs[0]] * len(axes)
    elif len(varargs) == len(axes):
        spacing = list(varargs)
    else:
        raise TypeError(f"gradient: expected 0, 1 or {len(axes)} spacings, got {len(varargs)}")
    outs = []
    for ax, h in zip(axes, spacing, strict=True):
        n = y.shape[ax]
        if n < 2:
            raise ValueError(
                f"gradient: axis {ax} needs at least 2 samples (edge_order=1), got {n}"
            )
        ym = moveaxis(y, ax, 0)

        def sl(lo: int, hi: int, ym: Array = ym) -> Array:
            return st.slice_in_dim(ym, lo, hi, axis=0)

        hv = asarray(h)
        if hv.ndim == 0:
            hs = astype(hv, y.dtype)
            first = (sl(1, 2) - sl(0, 1)) / hs
            last = (sl(n - 1, n) - sl(n - 2, n - 1)) / hs
            inner = (sl(2, n) - sl(0, n - 2)) / (2 * hs)
        else:
            if hv.shape != (n,):
                raise ValueError(f"gradient: coordinates for axis {ax} must have shape ({n},)")
            (hv,) = as_inexact([hv])
            dx = hv[1:] - hv[:-1]
            extra = (1,) * (ym.ndim - 1)
            d1 = st.reshape(dx[:-1], (n - 2, *extra)) if n > 2 else None
            d2 = st.reshape(dx[1:], (n - 2, *extra)) if n > 2 else None
            first = (sl(1, 2) - sl(0, 1)) / dx[0]
            last = (sl(n - 1, n) - sl(n - 2, n - 1)) / dx[-1]
            if d1 is not None and d2 is not None:
                a_ = -d2 / (d1 * (d1 + d2))
                b_ = (d2 - d1) / (d1 * d2)
                c_ = d1 / (d2 * (d1 + d2))
                inner = a_ * sl(0, n - 2) + b_ * sl(1, n - 1) + c_ * sl(2, n)
            else:
                inner = sl(0, 0)
        g = concatenate([first, inner, last], axis=0)
        outs.append(moveaxis(g, 0, ax))
    return outs[0] if len(outs) == 1 else outs


def trapezoid(
    y: ArrayLike, x: ArrayLike | None = None, dx: ArrayLike = 1.0, axis: int = -1
) -> Array:
    """Integral of ``y`` by the trapezoidal rule along ``axis``."""
    if x is None:
        (yv,) = as_inexact([asarray(y)])
        ym = moveaxis(yv, axis, -1)
        return sum((ym[..., 1:] + ym[..., :-1]) * 0.5, axis=-1) * dx
    yv, xv = promote_inexact("trapezoid", y, x) if asarray(x).ndim == asarray(y).ndim else (
        *as_inexact([asarray(y)]), *as_inexact([asarray(x)]))  # fmt: skip
    ym = moveaxis(yv, axis, -1)
    xm = moveaxis(xv, axis, -1) if xv.ndim == yv.ndim else xv
    d = xm[..., 1:] - xm[..., :-1]
    return sum((ym[..., 1:] + ym[..., :-1]) * 0.5 * d, axis=-1)


__all__ = [
    "bincount",
    "corrcoef",
    "cov",
    "digitize",
    "gradient",
    "histogram",
    "histogram2d",
    "histogram_bin_edges",
    "histogramdd",
    "nanargmax",
    "nanargmin",
    "nancumprod",
    "nancumsum",
    "nanmedian",
    "nanpercentile",
    "nanquantile",
    "nanstd",
    "nanvar",
    "trapezoid",
]
