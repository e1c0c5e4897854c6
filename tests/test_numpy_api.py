"""The fad.numpy functions that filled JAX's namespace (issue 23): each against numpy on
the same inputs, under ``jit`` (against eager), under ``vmap`` (against a loop), and,
where differentiable, ``check_grads`` to order 2 in both modes.

A case is ``fn(m, *args)`` run with ``m = fad.numpy`` and ``m = numpy`` (or against
``ref(*args)`` where numpy has no such call, or differs on purpose, e.g. ``size=``).
``grad`` lists the positions of the arguments to differentiate.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp
from fad.test_util import check_grads

NDArray = np.ndarray[Any, Any]
Fn = Callable[..., Any]


@dataclass(frozen=True)
class Case:
    name: str
    fn: Fn
    args: Fn  # rng -> tuple of numpy arguments
    grad: tuple[int, ...] = ()
    ref: Fn | None = None
    jit: bool = True
    vmap: bool = True
    atol: float = 1e-9
    f32: bool = True  # also checked in float32 with x64 off
    kw: dict[str, Any] = field(default_factory=dict)


def _n(*shape: int, lo: float = -2.0, hi: float = 2.0) -> Fn:
    return lambda rng: rng.uniform(lo, hi, shape)


def _args(*makers: Fn) -> Fn:
    return lambda rng: tuple(m(rng) for m in makers)


def _const(*values: Any) -> Fn:
    return lambda rng: tuple(np.asarray(v) for v in values)


X = _n(3, 4)
V = _n(5)
POS = _n(5, lo=0.5, hi=3.0)


def _with_nans(rng: np.random.Generator) -> NDArray:
    x = rng.uniform(-2, 2, (3, 4))
    x[0, 1] = x[2, 3] = np.nan
    return x


def _spread_matrix(rng: np.random.Generator) -> NDArray:
    """Non-symmetric, eigenvalues near 1, 2, 3: well separated and real."""
    s = np.eye(3) + 0.3 * rng.uniform(-1, 1, (3, 3))
    return s @ np.diag([1.0, 2.0, 3.0]) @ np.linalg.inv(s)


def _abs2(m: Any, z: Any) -> Any:
    return m.real(z * m.conj(z))


def _sorted_c(m: Any, z: Any) -> Any:
    return m.sort_complex(z) if m is np else jnp.sort_complex(z)


CASES = [
    # elementwise
    Case(
        "clip_min_max",
        lambda m, x: m.clip(x, min=-0.5, max=1.0),
        _args(X),
        (0,),
        ref=lambda x: np.clip(x, -0.5, 1.0),
    ),
    Case(
        "fmax",
        lambda m, x, y: m.fmax(x, y),
        lambda r: (_with_nans(r), _with_nans(r).T.copy().reshape(3, 4)),
        (),
    ),
    Case("fmin", lambda m, x, y: m.fmin(x, y), _args(X, X), (0, 1)),
    Case(
        "float_power",
        lambda m, x, y: m.float_power(x, y),
        _args(_n(4, lo=0.5, hi=2), _n(4)),
        (0, 1),
    ),
    Case("frexp", lambda m, x: m.frexp(x), _const([0.0, -3.5, 1e-300, 7.25, np.inf, np.nan]), ()),
    Case("frexp_grad", lambda m, x: m.frexp(x)[0], _args(V), (0,)),
    Case(
        "ldexp",
        lambda m, x, e: m.ldexp(x, e),
        lambda r: (r.uniform(-2, 2, 4), np.array([3, -2, 0, 10], np.int32)),
        (0,),
    ),
    Case("modf", lambda m, x: m.modf(x), _args(_n(6, lo=-5, hi=5)), (0,)),
    Case(
        "gcd", lambda m, a, b: m.gcd(a, b), _const([12, -18, 0, 7, 0], [8, 24, 5, 0, 0]), vmap=False
    ),
    Case(
        "lcm", lambda m, a, b: m.lcm(a, b), _const([12, -18, 0, 7, 4], [8, 24, 5, 0, 6]), vmap=False
    ),
    Case("spacing", lambda m, x: m.spacing(x), _args(_n(5, lo=-1e3, hi=1e3))),
    Case(
        "i0",
        lambda m, x: m.i0(x),
        _const([-40.0, -31.0, -3.0, 0.0, 0.5, 15.0, 17.9, 18.1, 60.0]),
        (0,),
    ),
    Case("i0_small", lambda m, x: m.i0(x), _args(V), (0,)),
    Case(
        "nan_to_num",
        lambda m, x: m.nan_to_num(x, nan=-1.0, posinf=9.0),
        _const([1.0, np.nan, np.inf, -np.inf]),
        (),
        f32=False,  # -inf becomes the dtype's own minimum, so float32 differs by design
    ),
    Case(
        "nan_to_num_float32",
        lambda m, x: m.nan_to_num(x),
        _const(np.array([1.0, np.nan, np.inf, -np.inf], np.float32)),
        jit=False,
        vmap=False,
        ref=lambda x: np.nan_to_num(x),
        f32=False,
    ),
    Case("nan_to_num_grad", lambda m, x: m.nan_to_num(x), _args(V), (0,)),
    Case(
        "bitwise_count",
        lambda m, x: m.bitwise_count(x),
        _const(np.array([0, 1, -1, 255, -7, 2**30], np.int32)),
    ),
    Case(
        "bitwise_invert", lambda m, x: m.bitwise_invert(x), _const(np.array([0, 5, -3], np.int32))
    ),
    Case(
        "bitwise_shifts",
        lambda m, x: (m.bitwise_left_shift(x, 2), m.bitwise_right_shift(x, 1)),
        _const(np.array([1, 6, -8], np.int32)),
    ),
    Case(
        "iscomplex_isreal",
        lambda m, z: (m.iscomplex(z), m.isreal(z)),
        _const([1 + 0j, 2 + 1j, -1j]),
    ),
    Case(
        "unwrap",
        lambda m, p: m.unwrap(p),
        lambda r: (np.cumsum(r.uniform(-4, 4, (2, 7)), 1),),
        (0,),
    ),
    Case(
        "unwrap_period",
        lambda m, p: m.unwrap(p, period=3.0, axis=0),
        lambda r: (np.cumsum(r.uniform(-3, 3, (6, 2)), 0),),
        (0,),
    ),
    # set operations
    Case(
        "unique",
        lambda m, x: m.unique(x),
        _const([5.0, 2.0, 3.0, 2.0, np.nan, np.nan, 3.0]),
        jit=False,
        vmap=False,
    ),
    Case(
        "unique_all_returns",
        lambda m, x: m.unique(x, True, True, True),
        _const([[3, 1], [1, 3], [2, 3]]),
        jit=False,
        vmap=False,
    ),
    Case(
        "unique_axis",
        lambda m, x: m.unique(x, axis=0, return_inverse=True, return_counts=True),
        _const([[1, 2], [1, 2], [0, 5], [1, 2]]),
        jit=False,
        vmap=False,
    ),
    Case(
        "unique_size",
        lambda m, x: m.unique(
            x, size=5, return_index=True, return_inverse=True, return_counts=True
        ),
        _const([5.0, 2.0, 3.0, 2.0]),
        ref=lambda x: (
            np.array([2.0, 3.0, 5.0, 2.0, 2.0]),
            np.array([1, 2, 0, 1, 1]),
            np.array([2, 0, 1, 0]),
            np.array([2, 1, 1, 0, 0]),
        ),
    ),
    Case(
        "unique_size_grad",
        lambda m, x: m.unique(x, size=5, fill_value=0.0),
        _const([3.0, 1.0, 4.0, 2.0]),
        (0,),
        ref=lambda x: np.array([1.0, 2.0, 3.0, 4.0, 0.0]),
    ),
    Case(
        "unique_values",
        lambda m, x: m.unique_values(x),
        _const([3, 1, 3, 2]),
        jit=False,
        vmap=False,
        ref=np.unique,
    ),
    Case(
        "unique_counts",
        lambda m, x: tuple(m.unique_counts(x)),
        _const([3, 1, 3, 2]),
        jit=False,
        vmap=False,
        ref=lambda x: np.unique(x, return_counts=True),
    ),
    Case(
        "unique_inverse",
        lambda m, x: tuple(m.unique_inverse(x)),
        _const([[3, 1], [1, 3]]),
        jit=False,
        vmap=False,
        ref=lambda x: np.unique(x, return_inverse=True),
    ),
    Case(
        "unique_all",
        lambda m, x: tuple(m.unique_all(x)),
        _const([2.0, 3.0, 2.0, 5.0]),
        jit=False,
        vmap=False,
        ref=lambda x: np.unique(x, True, True, True),
    ),
    Case(
        "union1d",
        lambda m, a, b: m.union1d(a, b),
        _const([5, 2, 3, 2], [2, 7, 9]),
        jit=False,
        vmap=False,
    ),
    Case(
        "union1d_size",
        lambda m, a, b: m.union1d(a, b, size=7),
        _const([5.0, 2, 3, 2], [2.0, 7, 9]),
        ref=lambda a, b: np.array([2.0, 3, 5, 7, 9, 2, 2]),
    ),
    Case(
        "intersect1d",
        lambda m, a, b: m.intersect1d(a, b, return_indices=True),
        _const([1, 3, 4, 3], [3, 1, 2, 1]),
        jit=False,
        vmap=False,
    ),
    Case(
        "intersect1d_size",
        lambda m, a, b: m.intersect1d(a, b, size=3, fill_value=-1),
        _const([1, 3, 4, 3], [3, 1, 2, 1]),
        ref=lambda a, b: np.array([1, 3, -1]),
    ),
    Case(
        "setdiff1d",
        lambda m, a, b: m.setdiff1d(a, b),
        _const([5, 2, 3, 2, 8], [2, 7, 9]),
        jit=False,
        vmap=False,
    ),
    Case(
        "setdiff1d_size",
        lambda m, a, b: m.setdiff1d(a, b, size=4),
        _const([5.0, 2, 3, 2], [2.0, 7, 9]),
        ref=lambda a, b: np.array([3.0, 5.0, 0.0, 0.0]),
    ),
    Case(
        "setxor1d",
        lambda m, a, b: m.setxor1d(a, b),
        _const([5, 2, 3, 2], [2, 7, 9]),
        jit=False,
        vmap=False,
    ),
    Case(
        "setxor1d_size",
        lambda m, a, b: m.setxor1d(a, b, size=6),
        _const([5, 2, 3, 2], [2, 7, 9]),
        ref=lambda a, b: np.array([3, 5, 7, 9, 3, 3]),
    ),
    Case("isin", lambda m, a, b: m.isin(a, b), _const([[1, 2], [3, 4]], [2, 5, 4])),
    Case("isin_invert", lambda m, a, b: m.isin(a, b, invert=True), _const([1, 2, 3, 4], [2, 5, 4])),
    Case("sort_complex", lambda m, z: m.sort_complex(z), _const([1 + 2j, 1 - 1j, -3 + 0j, 1 + 0j])),
    Case(
        "trim_zeros",
        lambda m, x: (m.trim_zeros(x), m.trim_zeros(x, "b")),
        _const([0, 0, 1, 2, 0]),
        jit=False,
        vmap=False,
    ),
    # statistics
    Case("nanvar", lambda m, x: m.nanvar(x, axis=1, ddof=1), lambda r: (_with_nans(r),)),
    Case("nanstd", lambda m, x: m.nanstd(x, axis=0), _args(X), (0,)),
    Case(
        "nanargmax",
        lambda m, x: (m.nanargmax(x, axis=1), m.nanargmin(x)),
        lambda r: (_with_nans(r),),
    ),
    Case(
        "nancumsum",
        lambda m, x: (m.nancumsum(x, axis=1), m.nancumprod(x)),
        lambda r: (_with_nans(r),),
    ),
    Case(
        "nancumsum_grad",
        lambda m, x: m.nancumsum(x, axis=0) + m.nancumprod(x, axis=1),
        _args(X),
        (0,),
    ),
    Case(
        "nanquantile",
        lambda m, x: m.nanquantile(x, np.array([0.1, 0.7]), axis=1),
        lambda r: (_with_nans(r),),
    ),
    Case(
        "nanquantile_methods",
        lambda m, x: tuple(
            m.nanquantile(x, 0.37, axis=0, method=k, keepdims=True)
            for k in ("lower", "higher", "nearest", "midpoint")
        ),
        lambda r: (_with_nans(r),),
    ),
    Case(
        "nanmedian",
        lambda m, x: (m.nanmedian(x, axis=1), m.nanpercentile(x, 30.0)),
        lambda r: (_with_nans(r),),
    ),
    Case("nanmedian_grad", lambda m, x: m.nanmedian(x, axis=1), _args(X), (0,)),
    Case("cov", lambda m, x: m.cov(x), _args(X), (0,)),
    Case(
        "cov_options",
        lambda m, x, f, a: m.cov(x, rowvar=False, fweights=f, aweights=a),
        lambda r: (r.uniform(-1, 1, (5, 3)), np.array([1, 2, 1, 3, 1]), r.uniform(0.5, 1, 5)),
        (0,),
    ),
    Case("cov_xy", lambda m, x, y: m.cov(x, y, bias=True), _args(V, V), (0, 1)),
    Case("corrcoef", lambda m, x: m.corrcoef(x), _args(X), (0,)),
    Case(
        "bincount",
        lambda m, x, w: m.bincount(x, w, minlength=6),
        _const([0, 2, 2, 4], [1.0, 0.5, 2.0, 3.0]),
        (1,),
        jit=False,
    ),
    Case(
        "bincount_length",
        lambda m, x: m.bincount(x, length=4),
        _const([0, 2, 2, 1]),
        ref=lambda x: np.bincount(x, minlength=4),
    ),
    Case(
        "digitize",
        lambda m, x, b: (m.digitize(x, b), m.digitize(x, b, right=True), m.digitize(x, b[::-1])),
        lambda r: (r.uniform(-2, 3, 7), np.array([-1.0, 0.0, 0.5, 2.0])),
    ),
    Case("histogram", lambda m, x: m.histogram(x, 5), _args(_n(20))),
    Case(
        "histogram_options",
        lambda m, x, w: m.histogram(
            x, np.array([-2.0, -0.5, 0.0, 1.0, 2.5]), weights=w, density=True
        ),
        _args(_n(20), _n(20, lo=0, hi=1)),
        (1,),
    ),
    Case("histogram_range", lambda m, x: m.histogram(x, 4, range=(-1.0, 1.0))[0], _args(_n(20))),
    Case("histogram_bin_edges", lambda m, x: m.histogram_bin_edges(x, 3), _args(_n(10)), (0,)),
    Case("histogram2d", lambda m, x, y: m.histogram2d(x, y, bins=3), _args(_n(15), _n(15))),
    Case("histogramdd", lambda m, s: m.histogramdd(s, bins=(2, 3, 2))[0], _args(_n(20, 3))),
    Case("gradient", lambda m, f: m.gradient(f), _args(X), (0,)),
    Case(
        "gradient_coords",
        lambda m, f, c: m.gradient(f, c, axis=1),
        lambda r: (r.uniform(-1, 1, (3, 5)), np.array([0.0, 1.0, 3.0, 4.0, 7.0])),
        (0,),
    ),
    Case("trapezoid", lambda m, y: m.trapezoid(y), _args(X), (0,)),
    Case(
        "trapezoid_x",
        lambda m, y, x: m.trapezoid(y, x, axis=0),
        lambda r: (r.uniform(-1, 1, (4, 2)), np.array([0.0, 0.5, 2.0, 2.5])),
        (0, 1),
    ),
    # windows
    Case(
        "windows",
        lambda m: tuple(
            getattr(m, w)(n)
            for w in ("bartlett", "blackman", "hamming", "hanning")
            for n in (0, 1, 6)
        ),
        _const(),
        vmap=False,
    ),
    Case("kaiser", lambda m, b: m.kaiser(6, b), _const(2.5), (0,), vmap=False),
    # polynomials
    Case("polyval", lambda m, p, x: m.polyval(p, x), _args(_n(4), V), (0, 1)),
    Case(
        "polyadd_sub",
        lambda m, a, b: (m.polyadd(a, b), m.polysub(b, a)),
        _args(_n(4), _n(2)),
        (0, 1),
    ),
    Case("polymul", lambda m, a, b: m.polymul(a, b), _args(_n(4), _n(3)), (0, 1)),
    Case("polydiv", lambda m, u, v: m.polydiv(u, v)[0], _args(_n(5), _n(2, lo=1, hi=2)), (0, 1)),
    Case("polyder", lambda m, p: m.polyder(p, 2), _args(_n(5)), (0,)),
    Case("polyint", lambda m, p, k: m.polyint(p, 2, k), _args(_n(3), _n(2)), (0, 1)),
    Case("vander", lambda m, x: (m.vander(x, 3), m.vander(x, increasing=True)), _args(_n(4)), (0,)),
    Case(
        "polyfit",
        lambda m, x, y: m.polyfit(x, y, 2),
        lambda r: (np.linspace(0, 1, 7), r.uniform(-1, 1, 7)),
        (1,),
        atol=1e-7,
    ),
    Case(
        "polyfit_cov",
        lambda m, x, y: m.polyfit(x, y, 2, cov=True)[1],
        lambda r: (np.linspace(0, 1, 7), r.uniform(-1, 1, 7)),
        (),
        atol=1e-7,
    ),
    Case("poly", lambda m, z: m.poly(z), _args(_n(3)), (0,)),
    Case(
        "poly_matrix",
        lambda m, a: m.real(m.poly(a)),
        lambda r: (_spread_matrix(r),),
        (0,),
        atol=1e-7,
    ),
    Case(
        "roots",
        lambda m, p: _sorted_c(m, m.roots(p)),
        _const([0.0, 1.0, -6.0, 11.0, -6.0, 0.0]),
        jit=False,
        vmap=False,
        atol=1e-7,
    ),
    Case(
        "roots_nostrip_grad",
        lambda m, p: _abs2(m, m.roots(p, strip_zeros=False)),
        _const([1.0, -6.0, 11.0, -6.0]),
        (0,),
        ref=lambda p: np.abs(np.roots(p)) ** 2 * 0 + np.sort(np.abs(np.roots(p)) ** 2)[::-1],
        vmap=False,
        atol=1e-6,
    ),
    # manipulation and selection
    Case(
        "append",
        lambda m, x, v: (m.append(x, v), m.append(x, x[:1], axis=0)),
        _args(X, _n(2)),
        (0, 1),
    ),
    Case(
        "delete",
        lambda m, x: (m.delete(x, [0, 2], axis=1), m.delete(x, slice(1, None, 2))),
        _args(X),
        (0,),
    ),
    Case(
        "insert",
        lambda m, x, v: (
            m.insert(x, 1, 7.0, axis=1),
            m.insert(x, [1, 3], v, axis=1),
            m.insert(x, 2, x[0], axis=0),
        ),
        _args(X, _n(2)),
        (0, 1),
    ),
    Case(
        "block",
        lambda m, a, b: m.block([[a, b], [b.T[:1, :2], b.T[:1]]]),
        _args(_n(3, 2), _n(3, 3)),
        (0, 1),
    ),
    Case("resize", lambda m, x: m.resize(x, (5, 3)), _args(X), (0,)),
    Case(
        "rollaxis",
        lambda m, x: (m.rollaxis(x, 2, 0), m.rollaxis(x, 0, 3)),
        _args(_n(2, 3, 4)),
        (0,),
    ),
    Case("dsplit", lambda m, x: m.dsplit(x, 2), _args(_n(2, 2, 4)), (0,)),
    Case(
        "unstack",
        lambda m, x: m.unstack(x, axis=1),
        _args(X),
        (0,),
        ref=lambda x: tuple(x[:, i] for i in range(4)),
    ),
    Case("compress", lambda m, x: m.compress(np.array([1, 0, 1]), x, axis=0), _args(X), (0,)),
    Case(
        "compress_size",
        lambda m, x: m.compress(x[0] > 0, x, axis=1, size=4, fill_value=9.0),
        _const([[1.0, -1, 2, -2], [3.0, 4, 5, 6]]),
        ref=lambda x: np.array([[1.0, 2, 9, 9], [3.0, 5, 9, 9]]),
    ),
    Case("extract", lambda m, x: m.extract(x > 0, x), _args(X), jit=False, vmap=False),
    Case(
        "extract_size",
        lambda m, x: m.extract(x > 0, x, size=12),
        _args(X),
        (0,),
        ref=lambda x: np.concatenate([x[x > 0], np.zeros(12 - (x > 0).sum())]),
    ),
    Case(
        "choose",
        lambda m, a, c0, c1: m.choose(a, [c0, c1], mode="wrap"),
        lambda r: (np.array([0, 3, -1, 2]), r.uniform(-1, 1, 4), r.uniform(-1, 1, 4)),
        (1, 2),
    ),
    Case(
        "choose_clip",
        lambda m, a, c0, c1: m.choose(a, [c0, c1], mode="clip"),
        lambda r: (np.array([0, 3, -1, 1]), r.uniform(-1, 1, 4), r.uniform(-1, 1, 4)),
        (1, 2),
    ),
    Case(
        "place",
        lambda m, x, v: m.place(x, x > 0, v, inplace=False),
        _args(X, _n(2)),
        (0, 1),
        ref=lambda x, v: _np_inplace(np.place, x, x > 0, v),
    ),
    Case(
        "put",
        lambda m, x, v: m.put(x, np.array([0, 5, -1]), v, inplace=False),
        _args(X, _n(2)),
        (0, 1),
        ref=lambda x, v: _np_inplace(np.put, x, [0, 5, -1], v),
    ),
    Case(
        "put_wrap",
        lambda m, x, v: m.put(x, np.array([0, 15]), v, mode="wrap", inplace=False),
        _args(X, _n(2)),
        (0, 1),
        ref=lambda x, v: _np_inplace(np.put, x, [0, 15], v, mode="wrap"),
    ),
    Case(
        "put_along_axis",
        lambda m, x, v: m.put_along_axis(x, np.array([[1], [0], [3]]), v, axis=1, inplace=False),
        _args(X, _n(3, 1)),
        (0, 1),
        ref=lambda x, v: _np_inplace(np.put_along_axis, x, np.array([[1], [0], [3]]), v, axis=1),
    ),
    Case(
        "fill_diagonal",
        lambda m, x, v: m.fill_diagonal(x, v, inplace=False),
        _args(X, _n(2)),
        (0, 1),
        ref=lambda x, v: _np_inplace(np.fill_diagonal, x, v),
    ),
    Case(
        "fill_diagonal_wrap",
        lambda m, x: m.fill_diagonal(x, 1.0, wrap=True, inplace=False),
        _args(_n(7, 3)),
        (0,),
        ref=lambda x: _np_inplace(np.fill_diagonal, x, 1.0, wrap=True),
    ),
    Case("partition", lambda m, x: m.partition(x, 2)[..., 2], _args(_n(3, 5)), (0,)),
    Case(
        "argpartition",
        lambda m, x: m.take_along_axis(x, m.argpartition(x, 1, axis=0), axis=0)[1],
        _args(_n(4, 3)),
        (0,),
    ),
    Case("lexsort", lambda m, a, b: m.lexsort([a, b]), _const([3, 2, 1, 2, 0], [1, 1, 0, 0, 1])),
    Case(
        "packbits",
        lambda m, b: (m.packbits(b, axis=1), m.packbits(b, bitorder="little")),
        _const(np.array([[1, 0, 1, 1, 0, 0, 0, 1, 1], [0, 0, 0, 1, 1, 1, 1, 1, 1]], np.uint8)),
    ),
    Case(
        "unpackbits",
        lambda m, u: (m.unpackbits(u), m.unpackbits(u, count=5, bitorder="little")),
        _const(np.array([3, 200], np.uint8)),
    ),
    Case(
        "matvec_vecmat",
        lambda m, a, v, w: (m.matvec(a, v), m.vecmat(w, a)),
        _args(_n(2, 3, 4), _n(4), _n(3)),
        (0, 1, 2),
    ),
    Case(
        "geomspace",
        lambda m, a, b: (m.geomspace(a, b, 4), m.geomspace(-a, -b, 5, endpoint=False)),
        _const(1.0, 1000.0),
        (0, 1),
        vmap=False,
    ),
    Case(
        "fromfunction",
        lambda m: m.fromfunction(lambda i, j: i + 2 * j, (2, 3)),
        _const(),
        vmap=False,
    ),
    # index tricks
    Case(
        "indices",
        lambda m: (m.indices((2, 3)), m.indices((2, 3), sparse=True)[1]),
        _const(),
        vmap=False,
    ),
    Case("ix", lambda m, x: x[m.ix_(np.array([0, 2]), np.array([3, 0, 1]))], _args(X), (0,)),
    Case(
        "diag_indices",
        lambda m, x: x[m.diag_indices_from(x)] + x[m.diag_indices(3)],
        _args(_n(3, 3)),
        (0,),
    ),
    Case(
        "tri_indices",
        lambda m: (
            m.tril_indices(4, 1, 5),
            m.triu_indices(3, -1),
            m.tril_indices_from(np.zeros((3, 4))),
            m.triu_indices_from(np.zeros((3, 4)), 1),
        ),
        _const(),
        vmap=False,
    ),
    Case("mask_indices", lambda m: m.mask_indices(3, m.triu), _const(), jit=False, vmap=False),
    Case(
        "mask_indices_size",
        lambda m: m.mask_indices(3, m.triu, 1, size=4),
        _const(),
        vmap=False,
        ref=lambda: (np.array([0, 0, 1, 0]), np.array([1, 2, 2, 0])),
    ),
    Case(
        "ravel_multi_index",
        lambda m, i, j: (
            m.ravel_multi_index((i, j), (3, 4)),
            m.ravel_multi_index((i, j), (3, 4), order="F"),
        ),
        _const([1, 2, 0], [3, 0, 2]),
        jit=False,
    ),
    Case(
        "ravel_multi_index_modes",
        lambda m, i, j: (
            m.ravel_multi_index((i, j), (3, 4), mode="clip"),
            m.ravel_multi_index((i, j), (3, 4), mode="wrap"),
        ),
        _const([1, 5, -1], [3, 0, 9]),
    ),
    Case("unravel_index", lambda m, i: m.unravel_index(i, (3, 4)), _const([5, 11, 0])),
    Case(
        "mgrid_ogrid",
        lambda m: (m.mgrid[0:3, 0:2], m.mgrid[0:1:5j], m.ogrid[0:3, 0:2][0]),
        _const(),
        vmap=False,
    ),
    Case(
        "r_c_",
        lambda m, a, b: (m.r_[1:4, 0, a], m.c_[a, b], m.r_["0,2", a, b]),
        _const([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]),
        (0, 1),
    ),
    # functions of functions
    Case(
        "vectorize",
        lambda m, a, b: m.vectorize(lambda s, t: s * t + m.sin(s))(a, b),
        _args(_n(3), _n(2, 1)),
        (0, 1),
    ),
    Case(
        "vectorize_signature",
        lambda m, a, v: m.vectorize(lambda s, t: s @ t, signature="(n,n),(n)->(n)")(a, v),
        _args(_n(4, 2, 2), _n(4, 2)),
        (0, 1),
    ),
    Case(
        "apply_along_axis",
        lambda m, x: m.apply_along_axis(lambda r: r[::-1] * r[0], 1, x),
        _args(X),
        (0,),
    ),
    Case(
        "apply_over_axes",
        lambda m, x: m.apply_over_axes(m.sum, x, [0, 2]),
        _args(_n(2, 3, 4)),
        (0,),
    ),
    Case(
        "piecewise",
        lambda m, x: m.piecewise(x, [x < 0, x >= 0], [lambda v: -v, lambda v: v**2]),
        _args(_n(7)),
        (0,),
    ),
    Case(
        "piecewise_default",
        lambda m, x: m.piecewise(x, [x < -1, x > 1], [0.0, 1.0, lambda v: v]),
        _args(_n(7)),
    ),
    Case(
        "ufunc_methods",
        lambda m, x: _ufunc_methods(m, x),
        _args(_n(4)),
        (0,),
        ref=lambda x: _ufunc_methods_ref(x),
    ),
    # interp with period and extrapolation (issue 21)
    Case(
        "interp_period",
        lambda m, x, xp, fp: m.interp(x, xp, fp, period=360.0),
        lambda r: (
            np.array([-180.0, -172, -185, 185, -12, -5, 1, 365]),
            np.array([190.0, -190, 350, -350]),
            r.uniform(0, 5, 4),
        ),
        (0, 2),
    ),
    Case(
        "interp_extrapolate",
        lambda m, x, fp: m.interp(
            x, np.array([0.0, 1, 2.5, 4]), fp, left="extrapolate", right="extrapolate"
        ),
        lambda r: (np.array([-1.0, 0.5, 3.0, 5.0]), r.uniform(0, 5, 4)),
        (0, 1),
        ref=lambda x, fp: (
            np.interp(x, [0.0, 1, 2.5, 4], fp)
            + np.where(x < 0, x * (fp[1] - fp[0]), 0)
            + np.where(x > 4, (x - 4) * (fp[3] - fp[2]) / 1.5, 0)
        ),
    ),
    # JAX's keyword arguments on the older functions
    Case(
        "all_any_where",
        lambda m, x: (m.all(x > -1, axis=0, where=x < 1), m.any(x > 1, where=x < 1.5)),
        _args(X),
    ),
    Case(
        "sum_initial_where",
        lambda m, x: (
            m.sum(x, axis=1, initial=2.0, where=x > 0),
            m.prod(x, 0, None, None, True, 1.5),
        ),
        _args(X),
        (0,),
    ),
    Case("max_where", lambda m, x: m.max(x, axis=0, initial=-5.0, where=x < 1), _args(X), (0,)),
    Case(
        "sum_promote_integers",
        lambda m, x: m.sum(x, promote_integers=False).dtype == np.int8 if m is jnp else True,
        _const(np.array([100, 100], np.int8)),
        jit=False,
        vmap=False,
    ),
    Case(
        "var_std_keywords",
        lambda m, x: (
            m.var(x, 0, None, None, 1),
            m.std(x, axis=1, correction=1),
            m.var(x, axis=1, where=x > -1),
        ),
        _args(X),
        (0,),
    ),
    Case(
        "var_mean_given",
        lambda m, x: m.var(x, axis=1, mean=m.mean(x, axis=1, keepdims=True)),
        _args(X),
        (0,),
    ),
    Case(
        "nan_where_initial",
        lambda m, x: (
            m.nansum(x, axis=1, where=x > -1),
            m.nanmax(x, axis=0, initial=-9.0),
            m.nanmean(x, axis=1, where=x > 0),
        ),
        lambda r: (_with_nans(r),),
    ),
    Case(
        "average_keepdims",
        lambda m, x, w: m.average(x, axis=1, weights=w, keepdims=True),
        _args(X, _n(3, 4, lo=0.5, hi=1)),
        (0, 1),
    ),
    Case(
        "cumulative_include_initial",
        lambda m, x: (
            m.cumulative_sum(x, axis=1, include_initial=True),
            m.cumulative_prod(x, axis=0, include_initial=True),
        ),
        _args(X),
        (0,),
    ),
    Case(
        "ediff1d_ends",
        lambda m, x: m.ediff1d(x, to_end=np.array([9.0, 8.0]), to_begin=-1.0),
        _args(X),
        (0,),
    ),
    Case(
        "cross_axes",
        lambda m, a, b: (m.cross(a, b, axisa=0, axisb=1, axisc=0), m.cross(a.T[:, :2], b[:, :2])),
        _args(_n(3, 4), _n(4, 3)),
        (0, 1),
    ),
    Case("cross_2d_3d", lambda m, a, b: m.cross(a, b), _args(_n(4, 2), _n(4, 3)), (0, 1)),
    Case(
        "preferred_element_type",
        lambda m, a, b: (
            m.dot(a, b, preferred_element_type=np.int32)
            if m is jnp
            else np.dot(a.astype(np.int32), b.astype(np.int32))
        ),
        _const(np.array([[100, 100]], np.int8), np.array([[100], [100]], np.int8)),
    ),
    Case(
        "where_size",
        lambda m, x: (
            m.where(x > 0, size=6, fill_value=-1)
            if m is jnp
            else tuple(np.concatenate([i, -np.ones(6 - len(i), int)]) for i in np.where(x > 0))
        ),
        _const([[1.0, -2.0, 3.0], [0.0, 5.0, -1.0]]),
    ),
    Case(
        "argsort_dtype",
        lambda m, x: (
            m.argsort(x, dtype=np.int16)
            if m is jnp
            else np.argsort(x, stable=True).astype(np.int16)
        ),
        _args(V),
    ),
    Case(
        "take_along_axis_negative",
        lambda m, x: (
            m.take_along_axis(
                x,
                np.array([[0, -1]]),
                axis=1,
                mode="fill",
                fill_value=7.0,
                wrap_negative_indices=False,
            )
            if m is jnp
            else np.stack([x[:, 0], np.full(3, 7.0)], 1)
        ),
        _args(X),
        (0,),
    ),
    Case(
        "pinv_rcond",
        lambda m, a: m.linalg.pinv(a, rcond=1e-3) if m is jnp else np.linalg.pinv(a, rcond=1e-3),
        _args(_n(4, 3)),
        (0,),
        atol=1e-7,
    ),
    Case(
        "svd_subset",
        lambda m, a: (
            m.linalg.svd(a, compute_uv=False, subset_by_index=(1, 3))
            if m is jnp
            else np.linalg.svd(a, compute_uv=False)[1:3]
        ),
        _args(_n(4, 3)),
        (0,),
        atol=1e-7,
    ),
    Case(
        "matrix_rank_hermitian",
        lambda m, a: (
            m.linalg.matrix_rank(a @ a.T, hermitian=True)
            if m is jnp
            else np.linalg.matrix_rank(a @ a.T, hermitian=True)
        ),
        _args(_n(4, 2)),
    ),
    # linalg
    Case(
        "lstsq",
        lambda m, a, b: m.linalg.lstsq(a, b)[:2] if m is jnp else np.linalg.lstsq(a, b)[:2],
        _args(_n(5, 3), _n(5)),
        (0, 1),
        atol=1e-7,
    ),
    Case(
        "lstsq_underdetermined",
        lambda m, a, b: m.linalg.lstsq(a, b)[0],
        _args(_n(2, 4), _n(2, 3)),
        (0, 1),
        atol=1e-7,
    ),
    Case(
        "tensorinv",
        lambda m, a: m.linalg.tensorinv(a, 2),
        lambda r: (r.uniform(-1, 1, (2, 3, 6)) + np.eye(6).reshape(2, 3, 6) * 3,),
        (0,),
        atol=1e-7,
    ),
    Case(
        "tensorsolve",
        lambda m, a, b: m.linalg.tensorsolve(a, b, axes=(0,)),
        lambda r: (
            r.uniform(-1, 1, (6, 2, 3)) + np.eye(6).reshape(6, 2, 3) * 3,
            r.uniform(-1, 1, (2, 3)),
        ),
        (0, 1),
        atol=1e-7,
    ),
    Case(
        "eigvals",
        lambda m, a: _sorted_c(m, m.linalg.eigvals(a)),
        lambda r: (r.uniform(-1, 1, (4, 4)),),
        atol=1e-7,
    ),
    Case(
        "eigvals_grad",
        lambda m, a: m.sort(m.real(m.linalg.eigvals(a))),
        lambda r: (_spread_matrix(r),),
        (0,),
        atol=1e-7,
    ),
    Case(
        "eig_vectors",
        lambda m, a: _abs2(m, m.linalg.eig(a)[1]),
        lambda r: (r.uniform(-1, 1, (4, 4)),),
        (0,),
        atol=1e-7,
    ),
]


def _np_inplace(fn: Fn, x: NDArray, *args: Any, **kw: Any) -> NDArray:
    y = np.array(x, copy=True)
    fn(y, *args, **kw)
    return y


def _ufunc_methods(m: Any, x: Any) -> Any:
    u = m.frompyfunc(lambda a, b: a * b + 1.0, 2, 1, identity=1.0)
    neg = m.ufunc(lambda a: -a * 2.0, 1, 1)
    return (u(x, 2.0), u.reduce(x), u.accumulate(x), u.outer(x[:2], x[:3]),
            u.at(x, np.array([0, 0, 2]), 1.5, inplace=False), u.reduceat(x, np.array([0, 2])),
            neg.at(x, np.array([1, 1, 3]), inplace=False))  # fmt: skip


def _ufunc_methods_ref(x: NDArray) -> Any:
    def f(a: Any, b: Any) -> Any:
        return a * b + 1.0

    red = 1.0
    for v in x:
        red = f(red, v)
    acc = [x[0]]
    for v in x[1:]:
        acc.append(f(acc[-1], v))
    at = x.copy()
    for i in (0, 0, 2):
        at[i] = f(at[i], 1.5)
    neg = x.copy()
    for i in (1, 1, 3):
        neg[i] = -neg[i] * 2.0
    return (f(x, 2.0), red, np.array(acc), f(x[:2, None], x[None, :3]), at,
            np.array([f(x[0], x[1]), f(x[2], x[3])]), neg)  # fmt: skip


IDS = [c.name for c in CASES]


def _args_of(case: Case, seed: int = 0) -> tuple[Any, ...]:
    return tuple(case.args(np.random.default_rng(seed)))


def _leaves(x: Any) -> list[NDArray]:
    if isinstance(x, (tuple, list)):
        return [v for item in x for v in _leaves(item)]
    return [np.asarray(x)]


def _assert_tree_close(got: Any, want: Any, atol: float, what: str) -> None:
    g, w = _leaves(got), _leaves(want)
    assert len(g) == len(w), f"{what}: {len(g)} outputs, expected {len(w)}"
    for i, (a, b) in enumerate(zip(g, w, strict=True)):
        assert a.shape == b.shape, f"{what}: output {i} has shape {a.shape}, expected {b.shape}"
        np.testing.assert_allclose(
            a, b, rtol=1e-6, atol=atol, equal_nan=True, err_msg=f"{what} {i}"
        )


@pytest.fixture(autouse=True)
def _x64() -> Any:
    with fad.config.enable_x64_scope(True):
        yield


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_values_match_numpy(case: Case) -> None:
    args = _args_of(case)
    got = case.fn(jnp, *args)
    want = case.ref(*args) if case.ref is not None else case.fn(np, *args)
    _assert_tree_close(got, want, case.atol, case.name)


def _as_f32(x: Any) -> Any:
    a = np.asarray(x)
    return a.astype(np.float32) if a.dtype == np.float64 else a


_F32 = [c for c in CASES if c.f32]


@pytest.mark.parametrize("case", _F32, ids=[c.name for c in _F32])
def test_values_in_float32(case: Case) -> None:
    """With x64 off, float inputs in float32: no float64 leaks out and values stay close."""
    args = tuple(_as_f32(a) for a in _args_of(case))
    wide = tuple(np.asarray(a, np.float64) if np.asarray(a).dtype == np.float32 else a
                 for a in args)  # fmt: skip
    want = case.ref(*wide) if case.ref is not None else case.fn(np, *wide)
    with fad.config.enable_x64_scope(False):
        got = case.fn(jnp, *args)
    for g in _leaves(got):
        assert g.dtype not in (np.float64, np.complex128, np.int64), f"{case.name}: {g.dtype}"
    g_l, w_l = _leaves(got), _leaves(want)
    assert len(g_l) == len(w_l)
    for i, (a, b) in enumerate(zip(g_l, w_l, strict=True)):
        assert a.shape == b.shape, f"{case.name} {i}: shape {a.shape} != {b.shape}"
        np.testing.assert_allclose(
            a.astype(np.complex128 if np.iscomplexobj(a) else np.float64),
            b,
            rtol=2e-4,
            atol=2e-4,
            equal_nan=True,
            err_msg=f"{case.name} {i}",
        )


@pytest.mark.parametrize("case", [c for c in CASES if c.jit], ids=[c.name for c in CASES if c.jit])
def test_jit_matches_eager(case: Case) -> None:
    args = _args_of(case)
    eager = case.fn(jnp, *args)
    staged = fad.jit(lambda *a: case.fn(jnp, *a))(*args)
    _assert_tree_close(staged, eager, case.atol, case.name)


_VMAP = [c for c in CASES if c.vmap and c.jit]


@pytest.mark.parametrize("case", _VMAP, ids=[c.name for c in _VMAP])
def test_vmap_matches_loop(case: Case) -> None:
    a0, b0 = _args_of(case, 0), _args_of(case, 1)
    if not a0:
        pytest.skip("no array arguments")
    batched = [np.stack([u, v]) for u, v in zip(a0, b0, strict=True)]
    got = fad.vmap(lambda *a: case.fn(jnp, *a))(*batched)
    for k, args in enumerate((a0, b0)):
        want = case.fn(jnp, *args)
        _assert_tree_close(jax_index(got, k), want, case.atol, f"{case.name}[{k}]")


def jax_index(tree: Any, k: int) -> Any:
    if isinstance(tree, (tuple, list)):
        return type(tree)(jax_index(t, k) for t in tree) if isinstance(tree, tuple) else [
            jax_index(t, k) for t in tree]  # fmt: skip
    return np.asarray(tree)[k]


_GRAD = [c for c in CASES if c.grad]


@pytest.mark.parametrize("case", _GRAD, ids=[c.name for c in _GRAD])
def test_grads(case: Case) -> None:
    args = _args_of(case)
    idx = case.grad

    def f(*diff: Any) -> Any:
        full = list(args)
        for i, v in zip(idx, diff, strict=True):
            full[i] = v
        out = case.fn(jnp, *full)
        leaves = [o for o in _fad_leaves(out) if jnp.issubdtype(o.dtype, jnp.inexact)]
        return tuple(leaves)

    check_grads(f, [np.asarray(args[i], np.float64) for i in idx], order=2, atol=1e-5, rtol=1e-5)


def _fad_leaves(x: Any) -> list[Any]:
    if isinstance(x, (tuple, list)):
        return [v for item in x for v in _fad_leaves(item)]
    return [jnp.asarray(x)]


# ---------------------------------------------------------------------------
# Value-dependent shapes: size= works under jit; without it a clear error
# ---------------------------------------------------------------------------

_NEEDS_SIZE = [
    ("unique", lambda x: jnp.unique(x)),
    ("union1d", lambda x: jnp.union1d(x, x)),
    ("intersect1d", lambda x: jnp.intersect1d(x, x)),
    ("setdiff1d", lambda x: jnp.setdiff1d(x, x)),
    ("setxor1d", lambda x: jnp.setxor1d(x, x)),
    ("nonzero", lambda x: jnp.nonzero(x)),
    ("argwhere", lambda x: jnp.argwhere(x)),
    ("flatnonzero", lambda x: jnp.flatnonzero(x)),
    ("compress", lambda x: jnp.compress(x > 0, x)),
    ("extract", lambda x: jnp.extract(x > 0, x)),
    ("bincount", lambda x: jnp.bincount(x)),
    ("trim_zeros", lambda x: jnp.trim_zeros(x)),
]


@pytest.mark.parametrize("name,fn", _NEEDS_SIZE, ids=[n for n, _ in _NEEDS_SIZE])
def test_value_dependent_shapes_need_size_under_jit(name: str, fn: Fn) -> None:
    with pytest.raises(fad.ConcretizationError, match=r"size=|length=|depends on the values"):
        fad.jit(fn)(np.array([0, 3, 1, 3]))


def test_nonzero_and_unique_with_size_under_vmap() -> None:
    x = np.array([[3, 0, 3, 1], [0, 0, 2, 2]])
    got = fad.vmap(lambda r: jnp.unique(r, size=3, fill_value=-1))(x)
    np.testing.assert_array_equal(got, [[0, 1, 3], [0, 2, -1]])
    (idx,) = fad.vmap(lambda r: jnp.nonzero(r, size=3, fill_value=9))(x)
    np.testing.assert_array_equal(idx, [[0, 2, 3], [2, 3, 9]])


# ---------------------------------------------------------------------------
# Edge forms and errors (issue 21)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ios",
    [2, np.int64(2), np.array(2), [1, 3], np.array([1, 3]), [-1], [], [0, 9]],
    ids=["int", "np_int", "0d", "list", "np_array", "negative", "empty", "past_end"],
)
def test_split_edge_forms(ios: Any) -> None:
    x = np.arange(12.0).reshape(3, 4)
    got, want = jnp.split(x, ios, axis=1), np.split(x, ios, axis=1)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
    got_f = jnp.split(x, jnp.asarray(ios), axis=1)
    assert [g.shape for g in got_f] == [w.shape for w in want]


@pytest.mark.parametrize(
    "reps",
    [2, np.int64(2), (2, 1), np.array([1, 2]), (), (0, 2), (2, 1, 1)],
    ids=["int", "np_int", "tuple", "np_array", "empty", "zero", "more_dims"],
)
def test_tile_edge_forms(reps: Any) -> None:
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(jnp.tile(x, reps), np.tile(x, reps))
    np.testing.assert_array_equal(jnp.tile(x, jnp.asarray(reps, dtype=jnp.int32)), np.tile(x, reps))


def test_tile_and_split_reject_traced_counts() -> None:
    with pytest.raises(Exception, match="concrete"):
        fad.jit(lambda r: jnp.tile(jnp.ones(2), r))(np.array(2))
    with pytest.raises(ValueError, match="non-negative"):
        jnp.tile(jnp.ones(2), -1)


def test_at_apply_composes_repeated_indices() -> None:
    x = jnp.arange(5.0)
    want = np.array([0.0, 7.0, 2.0, 7.0, 4.0])  # 1 -> 3 -> 7 at index 1 (twice)

    def f(v: Any) -> Any:
        return v.at[np.array([1, 1, 3])].apply(lambda t: t * 2 + 1)

    for fn in (f, fad.jit(f)):
        np.testing.assert_allclose(fn(x), want)
    np.testing.assert_allclose(x.at[1:3].apply(jnp.sin), [0, np.sin(1), np.sin(2), 3, 4])
    uniq = x.at[np.array([0, 2])].apply(jnp.negative, unique_indices=True)
    np.testing.assert_allclose(uniq, [0, 1, -2, 3, 4])
    check_grads(lambda v: v.at[np.array([1, 1])].apply(jnp.sin), (x,), order=2)
    batched = fad.vmap(lambda v: v.at[0].apply(jnp.exp))(jnp.arange(6.0).reshape(2, 3))
    np.testing.assert_allclose(batched, [[1, 1, 2], [np.exp(3), 4, 5]], rtol=1e-6)


def test_clip_keywords() -> None:
    x = np.linspace(-2, 2, 5)
    np.testing.assert_allclose(jnp.clip(x, min=-1), np.clip(x, -1, None))
    np.testing.assert_allclose(jnp.clip(x, max=0.5), np.clip(x, None, 0.5))
    np.testing.assert_allclose(jnp.clip(x, -1, 1), np.clip(x, -1, 1))


def test_scalar_types() -> None:
    assert jnp.bool(1).dtype == np.bool_ and jnp.bool == np.bool_
    assert jnp.single(1.5).dtype == np.float32 and jnp.csingle(1).dtype == np.complex64
    assert jnp.double(1.5).dtype == np.float64 and jnp.cdouble(1).dtype == np.complex128
    assert jnp.int_(3).dtype == np.int64 and jnp.uint(3).dtype == np.uint64
    assert jnp.float_ == np.float64 and jnp.complex_ == np.complex128
    assert np.dtype(jnp.float8_e4m3fn).name == "float8_e4m3fn" and np.dtype(jnp.int4).name == "int4"
    with pytest.raises(TypeError, match="unsupported dtype"):
        jnp.float8_e4m3fn(1.0)
    assert issubclass(jnp.ComplexWarning, Warning)
    assert jnp.isdtype(jnp.float32, "real floating") and not jnp.isdtype(jnp.int8, "bool")
    assert jnp.promote_types(jnp.int8, jnp.uint8) == np.int16
    assert jnp.can_cast(np.int32, np.float64) and not jnp.can_cast(np.float64, np.int32)


def test_host_io_round_trip() -> None:
    buf = io.BytesIO()
    jnp.save(buf, np.asarray(jnp.arange(4.0)))
    buf.seek(0)
    np.testing.assert_array_equal(jnp.load(buf), np.arange(4.0))
    raw = np.arange(3, dtype=np.float32)
    np.testing.assert_array_equal(jnp.frombuffer(raw.tobytes(), np.float32), raw)
    np.testing.assert_array_equal(jnp.fromstring("1 2 3", sep=" "), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(jnp.fromiter(range(4), np.int32), np.arange(4))
    np.testing.assert_array_equal(jnp.from_dlpack(raw), raw)
    assert jnp.array_repr(np.arange(3)).startswith("Array([0, 1, 2]")
    assert jnp.array_str(np.arange(3.0)) == np.array_str(np.arange(3.0))
    path, _ = jnp.einsum_path("ij,jk,kl->il", np.ones((2, 3)), np.ones((3, 4)), np.ones((4, 5)))
    assert path[0] == "einsum_path" and len(path) == 3


def test_bad_arguments_raise_at_the_boundary() -> None:
    with pytest.raises(TypeError, match="integer"):
        jnp.gcd(np.ones(2), np.ones(2))
    with pytest.raises(TypeError, match="integer"):
        jnp.ldexp(np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="inplace=False"):
        jnp.put(np.zeros(3), np.array([0]), np.array([1.0]))
    with pytest.raises(ValueError, match="out of bounds"):
        jnp.partition(np.zeros(3), 5)
    with pytest.raises(ValueError, match="square"):
        jnp.linalg.eig(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="equal sizes"):
        jnp.linalg.tensorinv(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match="size must be non-negative"):
        jnp.unique(np.arange(3), size=-1)


def test_eig_batched_and_complex() -> None:
    rng = np.random.default_rng(3)
    a = rng.normal(size=(2, 3, 3)) + 1j * rng.normal(size=(2, 3, 3))
    for fn in (jnp.linalg.eig, fad.jit(jnp.linalg.eig), fad.vmap(jnp.linalg.eig)):
        w, v = fn(jnp.asarray(a))
        for k in range(2):
            wn, vn = np.linalg.eig(a[k])
            np.testing.assert_allclose(w[k], wn, rtol=1e-10)
            np.testing.assert_allclose(np.abs(v[k]), np.abs(vn), rtol=1e-10)
    check_grads(lambda x: jnp.linalg.eigvals(x), (a[0],), order=1, atol=1e-5, rtol=1e-5)


def test_lstsq_numpy_resid_and_rank() -> None:
    a = np.array([[1.0, 2], [2, 4], [3, 6]])
    b = np.array([1.0, 2, 4])
    x, resid, rank, s = jnp.linalg.lstsq(a, b, numpy_resid=True)
    xn, residn, rankn, sn = np.linalg.lstsq(a, b)
    np.testing.assert_allclose(x, xn, rtol=1e-8)
    assert int(rank) == rankn == 1 and resid.shape == residn.shape == (0,)
    np.testing.assert_allclose(s, sn, rtol=1e-8)


def test_values_recorded_from_jax() -> None:
    """Where JAX's result differs from numpy's by design (recorded from JAX 0.10.2)."""
    nan = np.nan
    np.testing.assert_array_equal(jnp.bincount(np.array([0, 2, -1, 7]), length=4), [2, 0, 1, 0])
    assert int(jnp.nanargmax(np.array([nan, nan]))) == -1
    np.testing.assert_allclose(
        jnp.kaiser(4, 2.0), [0.4386764, 0.92431384, 0.92431384, 0.4386764], rtol=1e-6
    )
    q, r = jnp.polydiv(np.array([1.0, 2, 3, 4]), np.array([1.0, 1]))
    np.testing.assert_allclose(q, [1.0, 1, 2])
    np.testing.assert_allclose(r, [0.0, 0, 0, 2])
    np.testing.assert_allclose(jnp.polymul(np.array([0.0, 1, 2]), np.array([1.0, 1])), [0, 1, 3, 2])
    _, resid, _, _ = jnp.linalg.lstsq(np.eye(2), np.array([1.0, 2.0]))
    assert resid.shape == (1,)
    hist, _ = jnp.histogram(np.array([1.0, 2, 2, 3]), bins=3)
    assert jnp.issubdtype(hist.dtype, jnp.floating)
    np.testing.assert_allclose(
        jnp.setdiff1d(np.array([5.0, 2, 3, 2]), np.array([2.0, 7, 9]), size=5), [3, 5, 0, 0, 0]
    )
    np.testing.assert_allclose(
        jnp.setxor1d(np.array([5.0, 2, 3, 2]), np.array([2.0, 7, 9]), size=7), [3, 5, 7, 9, 3, 3, 3]
    )


def test_eig_of_non_finite_input_is_nan_eagerly_and_under_jit() -> None:
    a = np.array([[np.inf, 1.0], [0.0, 1.0]])
    for fn in (jnp.linalg.eig, fad.jit(jnp.linalg.eig)):
        w, v = fn(a)
        assert np.isnan(np.asarray(w)).all() and np.isnan(np.asarray(v)).all()
