"""Numerical helpers shared by the law tests: the differentiable view of an example,
random tangents and cotangents, the bilinear pairing, and tolerant comparisons.

Tolerances are multiples of the unit roundoff of the least precise dtype involved,
relative to the magnitude of the compared values: the laws are identities, so the two
sides differ only by rounding (summation order, fused operations, another libm).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

import fad
import fad.numpy as jnp
from fad._src import core, dtypes
from fad._src import tree_util as tu
from fad._src.core import Array
from fad._src.prims import elementwise as ew

from .strategies import Example

NDArray = np.ndarray[Any, Any]
DType = np.dtype[Any]

# The laws drive fad's transformations on functions and operand lists assembled at run
# time, which the precise static signatures of fad's API (fad._src.typing) cannot
# describe: the tests call the API through this untyped handle.
ad: Any = fad


@contextmanager
def x64() -> Iterator[None]:
    with fad.config.enable_x64_scope(True):
        yield


def dtype_of(x: Any) -> DType:
    """The dtype of an Array, tracer or numpy value (without reading a tracer's value)."""
    dt = getattr(x, "dtype", None)
    return np.dtype(dt) if dt is not None else np.asarray(x).dtype


def inexact(x: Any) -> bool:
    return bool(dtypes.is_inexact(dtype_of(x)))


def least_precise(leaves: Sequence[Any]) -> DType:
    dts = [dtype_of(x) for x in leaves if inexact(x)]
    if not dts:
        return np.dtype(np.float64)
    return max(dts, key=lambda d: float(np.finfo(d).eps))


def eps_of(leaves: Sequence[Any]) -> float:
    return float(np.finfo(least_precise(leaves)).eps)


def random_like(rng: np.random.Generator, x: Any) -> NDArray:
    """Standard normal values of ``x``'s shape and dtype (complex: both parts); float0 for
    integer and bool leaves."""
    shape, dt = tuple(x.shape), dtype_of(x)
    if not dtypes.is_inexact(dt):
        return np.zeros(shape, fad.float0)
    v = rng.standard_normal(shape)
    if dtypes.is_complex(dt):
        v = v + 1j * rng.standard_normal(shape)
    return np.asarray(np.asarray(v).astype(dt))


def pairing(xs: Sequence[Any], ys: Sequence[Any]) -> tuple[complex, float]:
    """``sum(x * y)`` over the inexact leaves, without conjugation (fad's, like JAX's,
    transposes are adjoints under this bilinear pairing), and ``sum(|x| |y|)``."""
    total, scale = 0j, 0.0
    for x, y in zip(xs, ys, strict=True):
        if inexact(x) and inexact(y):
            a, b = np.asarray(x, np.complex128), np.asarray(y, np.complex128)
            total += complex(np.sum(a * b))
            scale += float(np.sum(np.abs(a) * np.abs(b)))
    return total, scale


def assert_close(got: Any, want: Any, *, factor: float, eps: float | None = None,
                 scale: float = 0.0, what: str = "") -> None:  # fmt: skip
    """Same shape and dtype; inexact values within ``factor * eps * max(1, |want|, scale)``
    elementwise (``eps``: the dtype's unit roundoff); others equal."""
    g, w = np.asarray(got), np.asarray(want)
    assert g.shape == w.shape, f"{what}: shape {g.shape} != {w.shape}"
    assert g.dtype == w.dtype, f"{what}: dtype {g.dtype} != {w.dtype}"
    if g.dtype == fad.float0:
        return
    if not dtypes.is_inexact(g.dtype):
        np.testing.assert_array_equal(g, w, err_msg=what)
        return
    e = float(np.finfo(g.dtype).eps) if eps is None else eps
    gw, ww = g.astype(np.complex128), w.astype(np.complex128)
    mag = max(1.0, scale, float(np.max(np.abs(ww), initial=0.0)))
    err = float(np.max(np.abs(gw - ww), initial=0.0))
    assert err <= factor * e * mag, (
        f"{what}: max |diff| {err:.3g} exceeds {factor:g} * {e:.3g} * {mag:.3g}\n"
        f"got:\n{g}\nwant:\n{w}"
    )


def assert_trees_close(got: Any, want: Any, *, factor: float, eps: float | None = None,
                       what: str = "") -> None:  # fmt: skip
    g_leaves, g_tree = tu.tree_flatten(got)
    w_leaves, w_tree = tu.tree_flatten(want)
    assert g_tree == w_tree, f"{what}: structure {g_tree} != {w_tree}"
    scale = max((float(np.max(np.abs(np.asarray(w, np.complex128)), initial=0.0))
                 for w in w_leaves if inexact(w)), default=0.0)  # fmt: skip
    for i, (g, w) in enumerate(zip(g_leaves, w_leaves, strict=True)):
        assert_close(g, w, factor=factor, eps=eps, scale=scale, what=f"{what} leaf {i}")


# ---------------------------------------------------------------------------
# The differentiable view of an example
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """``fn`` maps the inexact operands of an example (the integer and bool ones held
    fixed) to its output leaves, as a tuple; ``args`` are those operands and ``out`` the
    output leaves at them."""

    fn: Callable[..., tuple[Array, ...]]
    args: tuple[Array, ...]
    out: tuple[Array, ...]

    @property
    def inexact_out(self) -> list[int]:
        return [i for i, o in enumerate(self.out) if inexact(o)]

    def restricted(self) -> View:
        """The same function with only the inexact outputs."""
        keep = self.inexact_out
        fn = self.fn

        def g(*xs: Array) -> tuple[Array, ...]:
            outs = fn(*xs)
            return tuple(outs[i] for i in keep)

        return View(g, self.args, tuple(self.out[i] for i in keep))

    def subset(self, mask: int) -> View:
        """The same function of only the operands whose bit is set in ``mask`` (at least
        one), the others held at their values: transposition must then handle constant
        operands next to linear ones (``mul`` by a constant, ``pad`` with a constant
        operand, ...)."""
        keep = [i for i in range(len(self.args)) if mask >> i & 1] or [0]
        fn, args = self.fn, self.args

        def g(*xs: Array) -> tuple[Array, ...]:
            full = list(args)
            for i, x in zip(keep, xs, strict=True):
                full[i] = x
            return fn(*full)

        return View(g, tuple(args[i] for i in keep), self.out)


def view(ex: Example, seed: int | None = None, args: Sequence[Array] | None = None) -> View:
    full = list(ex.args(seed) if args is None else args)
    pos = [i for i, a in enumerate(full) if inexact(a)]

    def fn(*xs: Array) -> tuple[Array, ...]:
        operands = list(full)
        for p, x in zip(pos, xs, strict=True):
            operands[p] = x
        return tuple(tu.tree_leaves(ex.fn(*operands)))

    xs = tuple(full[p] for p in pos)
    return View(fn, xs, fn(*xs))


def scalarize(v: View, rng: np.random.Generator) -> Callable[..., Array]:
    """``h(*xs) = sum_i Re(sum(w_i * out_i))``: a real scalar function of the operands,
    with fixed random weights (integer outputs enter through a float conversion, so they
    contribute nothing to derivatives)."""
    weights = [random_like(rng, o) if inexact(o) else rng.standard_normal(np.shape(o))
               for o in v.out]  # fmt: skip
    fn = v.fn

    def h(*xs: Array) -> Array:
        total: Array | None = None
        for o, w in zip(fn(*xs), weights, strict=True):
            if not inexact(o):
                o = ew.convert_element_type(o, np.dtype(np.float32))
            term = jnp.sum(jnp.real(o * core.asarray(w.astype(np.result_type(o.dtype, w.dtype)))))
            total = term if total is None else total + term
        if total is None:
            return jnp.sum(jnp.zeros((), np.float32))
        return total

    return h


def stack(xs: Sequence[Any], axis: int) -> NDArray:
    return np.stack([np.asarray(x) for x in xs], axis=axis)
