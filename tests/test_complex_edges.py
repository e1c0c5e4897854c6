"""Eager complex arithmetic equals compiled XLA code on complex edge values (#16).

numpy's complex kernels follow C99 Annex G; XLA expands complex operations into real
arithmetic with its own formulas, so infinite and NaN parts propagate differently and
zero parts take other signs. fad's eager kernels for complex dtypes follow XLA's
formulas. The truth here is the compiled program (``fad.jit``, XLA's CPU code), compared
part by part: NaN where it has NaN, the same infinities, the same sign on zero parts,
finite parts within a few ulps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp
from fad._src import core
from fad._src.prims import elementwise as ew
from fad._src.prims import reductions as rd

NDArray = np.ndarray[Any, Any]

UNARY = ["abs", "sign", "sqrt", "rsqrt", "exp", "exp2", "expm1", "log", "log1p", "logistic",
         "sin", "cos", "tan", "sinh", "cosh", "tanh", "asin", "acos", "atan", "asinh",
         "acosh", "atanh"]  # fmt: skip
BINARY = ["mul", "div", "pow", "max", "min"]
COMPLEX = [np.complex64, np.complex128]


def _grid(dtype: type) -> NDArray:
    return fad.testing.edge_values(dtype, subnormals=False, complex_special=True)


def _assert_parts_equal(eager: NDArray, compiled: NDArray, where: NDArray, ulps: float = 8) -> None:
    """Part by part: NaNs, infinities and zero signs exactly; finite parts within a few
    ulps of the value's modulus. XLA flushes subnormal results and intermediates to zero
    (numpy keeps them): parts up to the smallest normal number count as zero, of either
    sign."""
    assert eager.dtype == compiled.dtype
    parts = (np.real, np.imag) if np.iscomplexobj(eager) else (np.real,)
    tiny = np.finfo(eager.dtype).tiny
    rtol = ulps * np.finfo(eager.dtype).eps
    with np.errstate(all="ignore"):
        scale = np.fmax(np.abs(eager), np.abs(compiled))
    for part in parts:
        e, c = part(eager), part(compiled)
        both_small = (np.abs(e) <= tiny) & (np.abs(c) <= tiny)
        same = (np.isnan(e) & np.isnan(c)) | (e == c) | both_small
        finite = np.isfinite(e) & np.isfinite(c)
        with np.errstate(all="ignore"):
            same |= finite & (np.abs(e - c) <= rtol * scale)
        zeros = (e == 0) & (c == 0)
        same &= ~zeros | (np.signbit(e) == np.signbit(c))
        bad = np.flatnonzero(~same)
        assert bad.size == 0, [(where[i], eager[i], compiled[i]) for i in bad[:5]]


@pytest.mark.parametrize("dtype", COMPLEX)
@pytest.mark.parametrize("name", UNARY)
def test_unary_complex_edges_equal_jit(name: str, dtype: type) -> None:
    prim = getattr(ew, f"{name}_p")
    x = _grid(dtype)
    with fad.config.enable_x64_scope(True):
        eager = np.asarray(prim.bind1(jnp.asarray(x)))
        compiled = np.asarray(fad.jit(prim.bind1)(jnp.asarray(x)))
    _assert_parts_equal(eager, compiled, x)


@pytest.mark.parametrize("dtype", COMPLEX)
@pytest.mark.parametrize("name", BINARY)
def test_binary_complex_edges_equal_jit(name: str, dtype: type) -> None:
    prim = getattr(ew, f"{name}_p")
    g = _grid(dtype)
    x, y = (a.ravel() for a in np.meshgrid(g, g, indexing="ij"))
    with fad.config.enable_x64_scope(True):
        eager = np.asarray(prim.bind1(jnp.asarray(x), jnp.asarray(y)))
        compiled = np.asarray(fad.jit(prim.bind1)(jnp.asarray(x), jnp.asarray(y)))
    _assert_parts_equal(eager, compiled, np.stack([x, y], 1))


@pytest.mark.parametrize("dtype", COMPLEX)
def test_pow_with_huge_exponents_equals_jit(dtype: type) -> None:
    # x ** (c + d j) turns by q = c arg(x) + d log|x|: with d near the largest float, one
    # ulp of q flips the signs of the (infinite) result, so every step must have XLA's
    # bits (its log, its multiply-add).
    rng = np.random.default_rng(0)
    big = float(np.finfo(np.finfo(dtype).dtype).max)
    parts = np.array([big, -big, 1e20, -1e20, 3e9, 0.0, 1.5])
    x: NDArray = (rng.standard_normal(2000) + 1j * rng.standard_normal(2000)).astype(dtype)
    y: NDArray = np.empty(2000, dtype)
    y.real, y.imag = rng.choice(parts, 2000), rng.choice(parts, 2000)
    with fad.config.enable_x64_scope(True):
        eager = np.asarray(ew.pow(jnp.asarray(x), jnp.asarray(y)))
        compiled = np.asarray(fad.jit(ew.pow)(jnp.asarray(x), jnp.asarray(y)))
    # (finite results: |x|^c and exp(-d arg x) may round a few ulps apart)
    _assert_parts_equal(eager, compiled, np.stack([x, y], 1), ulps=1e4)


@pytest.mark.parametrize("dtype", COMPLEX)
@pytest.mark.parametrize("n", [-3, -2, -1, 0, 1, 2, 3, 5, 8])
def test_integer_pow_complex_edges_equal_jit(n: int, dtype: type) -> None:
    x = _grid(dtype)

    def f(v: Any) -> Any:
        return ew.integer_pow(v, n)

    with fad.config.enable_x64_scope(True):
        eager = np.asarray(f(jnp.asarray(x)))
        compiled = np.asarray(fad.jit(f)(jnp.asarray(x)))
    _assert_parts_equal(eager, compiled, x)


@pytest.mark.parametrize("dtype", COMPLEX)
def test_reduce_prod_complex_edges_equal_jit(dtype: type) -> None:
    g = _grid(dtype)
    pairs = np.stack([a.ravel() for a in np.meshgrid(g, g, indexing="ij")], 1)  # (n, 2)
    singles = g[:, None]  # a reduction over one element is that element

    def f(v: Any) -> Any:
        return rd.reduce_prod(v, (1,))

    with fad.config.enable_x64_scope(True):
        for x in (pairs, singles):
            eager = np.asarray(f(jnp.asarray(x)))
            compiled = np.asarray(fad.jit(f)(jnp.asarray(x)))
            _assert_parts_equal(eager, compiled, x)


@pytest.mark.parametrize("fn", [jnp.maximum, jnp.minimum], ids=["maximum", "minimum"])
def test_complex_max_min_are_lexicographic(fn: Callable[[Any, Any], Any]) -> None:
    # Ties in the real part go by the imaginary part (numpy's and JAX's order), eagerly
    # and compiled; XLA's own complex maximum compares real parts only.
    x = jnp.asarray(np.array([0j, 1 + 2j, 3 - 1j, -1j], np.complex64))
    y = jnp.asarray(np.array([1j, 1 + 1j, 2 + 5j, -2j], np.complex64))
    want = getattr(np, fn.__name__)(np.asarray(x), np.asarray(y))
    np.testing.assert_array_equal(np.asarray(fn(x, y)), want)
    np.testing.assert_array_equal(np.asarray(fad.jit(fn)(x, y)), want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_real_dtypes_run_numpy_ufuncs_directly(dtype: type) -> None:
    # The eager lean paths look the implementation up per (primitive, dtype): real dtypes
    # get the plain ufunc (no wrapper), complex ones XLA's formulas.
    with fad.config.enable_x64_scope(True):
        jnp.sin(jnp.asarray(np.linspace(-1, 1, 5).astype(dtype)))
        jnp.sin(jnp.asarray(np.linspace(-1, 1, 5).astype(np.complex64)))
    accepted: dict[Any, object] = dict(core._dtype_accepted)  # (entries typed as called)
    assert accepted[(ew.sin_p, np.dtype(dtype))] is np.sin
    assert accepted[(ew.sin_p, np.dtype(np.complex64))] is not np.sin
