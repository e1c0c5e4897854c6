"""Adding a primitive: one block, one registration call per rule kind.

Two toy primitives are defined here exactly as fad's primitive families define theirs:
``toy_softplus`` (elementwise, its JVP written with other primitives) and ``toy_diff``
(linear: ``transpose.deflinear`` registers its JVP and its transpose together). The tests
then check that every transformation works on them with nothing else registered.

The toys are made with the ``Primitive`` constructor rather than ``core.new_primitive``:
``new_primitive`` lists a primitive in ``core.all_primitives``, the set fad's own
completeness tests walk (every primitive has a test case, law-suite examples...), which
toys defined by a test must not join.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp
from fad._src import core
from fad._src.core import Array, ShapedArray
from fad._src.interpreters import batch, jvp, transpose
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st
from fad._src.xla import lowering
from fad._src.xla.lowering import LoweringContext, Value
from fad.test_util import check_grads

NDArray = np.ndarray[Any, Any]

# ---------------------------------------------------------------------------
# toy_softplus(x) = log(1 + exp(x)), elementwise
# ---------------------------------------------------------------------------

toy_softplus_p = core.Primitive("toy_softplus")


def _softplus_impl(x: NDArray) -> NDArray:
    return np.logaddexp(np.zeros_like(x), x)


def _softplus_abstract(x: ShapedArray) -> ShapedArray:
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"toy_softplus takes floats, got {x.str_short()}")
    return x


def _softplus_lowering(ctx: LoweringContext, x: Value) -> Value:
    # max(x, 0) + log1p(exp(-|x|)): no overflow for large |x|.
    neg_abs = ctx.op1("stablehlo.negate", [ctx.op1("stablehlo.abs", [x], x.aval)], x.aval)
    tail = ctx.op1(
        "stablehlo.log_plus_one", [ctx.op1("stablehlo.exponential", [neg_abs], x.aval)], x.aval
    )
    relu = ctx.op1("stablehlo.maximum", [x, ctx.full(0, x.shape, x.dtype)], x.aval)
    return ctx.op1("stablehlo.add", [relu, tail], x.aval)


core.def_impl(toy_softplus_p, _softplus_impl)
core.def_abstract(toy_softplus_p, _softplus_abstract)
jvp.defjvp(toy_softplus_p, lambda g, ans, x: ew.mul(g, ew.logistic(x)))
batch.defvectorized(toy_softplus_p)
lowering.def_rule(toy_softplus_p, _softplus_lowering)


def toy_softplus(x: Array) -> Array:
    return toy_softplus_p.bind1(x)


# ---------------------------------------------------------------------------
# toy_diff(x, axis): first differences x[i + 1] - x[i] along axis (linear)
# ---------------------------------------------------------------------------

toy_diff_p = core.Primitive("toy_diff")


def _diff_abstract(x: ShapedArray, *, axis: int) -> ShapedArray:
    if not 0 <= axis < x.ndim or x.shape[axis] == 0:
        raise TypeError(f"toy_diff: no differences along axis {axis} of {x.str_short()}")
    shape = list(x.shape)
    shape[axis] -= 1
    return ShapedArray(tuple(shape), x.dtype, x.weak_type)


def _diff_transpose(ct: Array, x: Any, *, axis: int) -> list[MaybeZero | None]:
    # x[j] appears with +1 in out[j - 1] and -1 in out[j].
    zero = Array(np.zeros((), ct.dtype))
    before = [(0, 0, 0)] * ct.ndim
    after = [(0, 0, 0)] * ct.ndim
    before[axis], after[axis] = (1, 0, 0), (0, 1, 0)
    return [ew.sub(st.pad(ct, zero, before), st.pad(ct, zero, after))]


def _diff_batch(vals: Sequence[Array], dims: Sequence[BDim], *, axis: int) -> tuple[Array, int]:
    (x,), (d,) = vals, dims
    assert d is not None
    return toy_diff(x, axis if axis < d else axis + 1), d


def _diff_lowering(ctx: LoweringContext, x: Value, *, axis: int) -> Value:
    start, limit = [0] * len(x.shape), list(x.shape)
    hi_start = list(start)
    hi_start[axis] = 1
    limit_lo = list(limit)
    limit_lo[axis] -= 1
    hi = ctx.slice(x, hi_start, limit, None)
    lo = ctx.slice(x, start, limit_lo, None)
    return ctx.op1("stablehlo.subtract", [hi, lo], ctx.out_aval)


core.def_impl(toy_diff_p, lambda x, *, axis: np.diff(x, axis=axis))
core.def_abstract(toy_diff_p, _diff_abstract)
transpose.deflinear(toy_diff_p, _diff_transpose)
batch.def_batch(toy_diff_p, _diff_batch)
lowering.def_rule(toy_diff_p, _diff_lowering)


def toy_diff(x: Array, axis: int = 0) -> Array:
    return toy_diff_p.bind1(x, axis=axis)


# ---------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------

X = np.array([-30.0, -1.5, 0.0, 0.25, 2.0, 40.0], np.float32)
M = np.arange(12.0).reshape(3, 4) ** 2


def _softplus(x: NDArray) -> NDArray:
    return np.logaddexp(0, x)


def _logistic(x: NDArray) -> NDArray:
    return 1 / (1 + np.exp(-x))


def test_the_toys_are_not_fad_primitives() -> None:
    assert "toy_softplus" not in core.all_primitives and "toy_diff" not in core.all_primitives


def test_eager() -> None:
    out = toy_softplus(jnp.asarray(X))
    assert out.dtype == np.float32
    np.testing.assert_allclose(np.asarray(out), _softplus(X), rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(toy_diff(jnp.asarray(M), 1)), np.diff(M, axis=1))


def test_jvp_is_the_closed_form() -> None:
    t = np.linspace(-1, 1, X.size, dtype=np.float32)
    out, t_out = fad.jvp(toy_softplus, (jnp.asarray(X),), fad.tangent((jnp.asarray(t),)))
    np.testing.assert_allclose(np.asarray(out), _softplus(X), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(fad.primal_of(t_out)), t * _logistic(X), rtol=1e-6)
    tm = np.ones_like(M)
    _, t_diff = fad.jvp(
        lambda x: toy_diff(x, 0), (jnp.asarray(M),), fad.tangent((jnp.asarray(tm),))
    )
    np.testing.assert_array_equal(np.asarray(fad.primal_of(t_diff)), np.zeros((2, 4)))


def test_grad_and_second_derivative_are_the_closed_forms() -> None:
    with fad.config.enable_x64_scope(True):
        x = jnp.asarray(X.astype(np.float64))
        g = fad.grad(lambda x: jnp.sum(toy_softplus(x)))(x)
        np.testing.assert_allclose(np.asarray(g), _logistic(X.astype(np.float64)), rtol=1e-12)
        h = fad.grad(lambda x: jnp.sum(fad.grad(lambda y: jnp.sum(toy_softplus(y)))(x)))(x)
        s = _logistic(X.astype(np.float64))
        np.testing.assert_allclose(np.asarray(h), s * (1 - s), rtol=1e-12, atol=1e-30)


def test_grad_of_the_linear_toy_is_its_transpose() -> None:
    w = np.array([[1.0], [-2.0]]) * np.arange(1.0, 5.0)
    with fad.config.enable_x64_scope(True):
        g = fad.grad(lambda x: jnp.sum(jnp.asarray(w) * toy_diff(x, 0)))(jnp.asarray(M))
    # d/dx[j] of sum_i w[i] (x[i+1] - x[i]) = w[j-1] - w[j] (zero outside the range).
    want = np.zeros((3, 4))
    want[1:] += w
    want[:-1] -= w
    np.testing.assert_array_equal(np.asarray(g), want)


@pytest.mark.parametrize("order", [1, 2])
def test_finite_differences(order: int) -> None:
    with fad.config.enable_x64_scope(True):
        x = jnp.asarray(np.linspace(-3, 3, 7))
        check_grads(toy_softplus, (x,), order=order)
        check_grads(lambda m: toy_diff(toy_softplus(m), 1) * 3.0, (jnp.asarray(M / 50),), order)


def test_vmap() -> None:
    xs = np.stack([X, -X, 2 * X])
    out = fad.vmap(toy_softplus)(jnp.asarray(xs))
    np.testing.assert_allclose(np.asarray(out), _softplus(xs), rtol=1e-6)
    # A batch axis in the middle, before and after the differenced axis.
    m3 = np.arange(24.0).reshape(2, 3, 4) ** 2
    for in_axis in (0, 1, 2):
        out = fad.vmap(lambda x: toy_diff(x, 0), in_axes=in_axis)(jnp.asarray(m3))
        want = np.stack([np.diff(s, axis=0) for s in np.moveaxis(m3, in_axis, 0)])
        np.testing.assert_array_equal(np.asarray(out), want)


def test_jit_lowers_and_runs_both_toys() -> None:
    def f(x: Array) -> Array:
        return toy_diff(toy_softplus(x), 0)

    x = jnp.asarray(X)
    text = fad.jit(f).lower(x).as_text()
    assert "stablehlo.log_plus_one" in text and "stablehlo.subtract" in text
    np.testing.assert_allclose(np.asarray(fad.jit(f)(x)), np.diff(_softplus(X)), rtol=1e-5)
    # The transpose and the batching rule under jit as well.
    g = fad.jit(fad.grad(lambda x: jnp.sum(f(x) ** 2)))(x)
    np.testing.assert_allclose(np.asarray(g), np.asarray(fad.grad(lambda x: jnp.sum(f(x) ** 2))(x)),
                               rtol=1e-5)  # fmt: skip
    xs = jnp.asarray(np.stack([X, X[::-1]]))
    np.testing.assert_allclose(
        np.asarray(fad.jit(fad.vmap(f))(xs)), np.diff(_softplus(np.asarray(xs)), axis=1), rtol=1e-5
    )
