"""Forward mode: every primitive's JVP rule against central differences and closed forms.

All rule checks run in float64/complex128 (``enable_x64_scope``), where central
differences are accurate to about 1e-10, so a wrong rule cannot hide in the
tolerance.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from primitive_cases import CASES, NO_DERIVATIVE, Case, ids

import fad
import fad.numpy as jnp
from fad import float0 as dtypes_float0
from fad._src.tree_util import tree_leaves
from fad.test_util import check_jvp

SMOOTH = [c for c in CASES if c.kind != "none" and c.fd and c.prim not in NO_DERIVATIVE]
CLOSED = [c for c in CASES if c.deriv is not None]
ZERO = [c for c in CASES if c.kind == "zero"]
NON_DIFF = [c for c in CASES if c.kind == "none"]


@pytest.fixture(autouse=True)
def x64() -> Iterator[None]:
    with fad.config.enable_x64_scope(True):
        yield


def _float0(x: Any) -> np.ndarray[Any, Any]:
    return np.zeros(np.shape(x), dtypes_float0)


def _is_inexact(x: Any) -> bool:
    return bool(np.issubdtype(x.dtype, np.inexact))


def _leaves(out: Any) -> list[Any]:
    return tree_leaves(out)


@pytest.mark.parametrize("case", SMOOTH, ids=ids(SMOOTH))
def test_jvp_matches_central_differences(case: Case) -> None:
    for dt in case.dtypes_64():
        for seed in (0, 1):
            args = case.args(dt, seed)
            msg = f"{case.name} {dt}"
            check_jvp(case.fn, lambda p, t: fad.jvp(case.fn, p, t), args, err_msg=msg,
                      seed=seed)  # fmt: skip


@pytest.mark.parametrize("case", CLOSED, ids=ids(CLOSED))
def test_jvp_matches_closed_form(case: Case) -> None:
    """Unit tangents on one operand at a time give that operand's partial derivative."""
    assert case.deriv is not None
    for dt in case.dtypes_64():
        if not np.issubdtype(dt, np.inexact):
            continue
        if np.issubdtype(dt, np.complexfloating) and not case.holomorphic:
            continue
        np_args = case.numpy_args(dt)
        args = case.args(dt)
        partials = case.deriv(*np_args)
        assert len(partials) == len(args)
        for i, expected in enumerate(partials):
            tangents: list[Any] = [
                (np.ones if j == i else np.zeros)(np.shape(a), a.dtype)
                if _is_inexact(a)
                else _float0(a)
                for j, a in enumerate(args)
            ]
            _, t = fad.jvp(case.fn, args, fad.tangent(tuple(tangents)))
            want = np.broadcast_to(expected, np.shape(fad.primal_of(t)))
            np.testing.assert_allclose(np.asarray(fad.primal_of(t)), want, rtol=1e-12, atol=1e-12,
                                       err_msg=f"{case.name} {dt} d/d(arg {i})")  # fmt: skip


@pytest.mark.parametrize("case", ZERO, ids=ids(ZERO))
def test_zero_tangent_primitives(case: Case) -> None:
    """Piecewise-constant and integer-valued primitives push forward an exact zero."""
    for dt in case.dtypes_64():
        args = case.args(dt)
        rng = np.random.default_rng(0)
        tangents: list[Any] = [
            np.asarray(rng.standard_normal(np.shape(a)).astype(a.dtype))
            if _is_inexact(a)
            else _float0(a)
            for a in args
        ]
        out, t = fad.jvp(case.fn, args, fad.tangent(tuple(tangents)))
        for o, to in zip(_leaves(out), _leaves(fad.primal_of(t)), strict=True):
            if _is_inexact(o):
                assert to.dtype == o.dtype
                assert not np.asarray(to).any(), f"{case.name}: nonzero tangent {to}"
            else:
                assert to.dtype == dtypes_float0 and to.shape == o.shape


@pytest.mark.parametrize("case", NON_DIFF, ids=ids(NON_DIFF))
def test_integer_primitives_give_float0(case: Case) -> None:
    """With only integer/bool operands, integer outputs get float0 tangents, float outputs zeros."""
    for dt in case.dtypes_64():
        args = case.args(dt)
        assert not any(_is_inexact(a) for a in args)
        out, t = fad.jvp(case.fn, args, fad.tangent(tuple(_float0(a) for a in args)))
        for o, to in zip(_leaves(out), _leaves(fad.primal_of(t)), strict=True):
            if _is_inexact(o):
                assert to.dtype == o.dtype and not np.asarray(to).any()
            else:
                assert to.dtype == dtypes_float0 and to.shape == o.shape


def test_integer_outputs_of_float_inputs_are_float0() -> None:
    x = jnp.array([0.5, -2.0, 3.0])
    _out, t_out = fad.jvp(
        lambda x: (jnp.argmax(x), x < 1.0, x * 2), (x,), (fad.tangent(jnp.ones(3)),)
    )
    t = fad.primal_of(t_out)
    assert t[0].dtype == dtypes_float0 and t[0].shape == ()
    assert t[1].dtype == dtypes_float0 and t[1].shape == (3,)
    np.testing.assert_array_equal(t[2], 2 * np.ones(3))


# ---------------------------------------------------------------------------
# Nesting
# ---------------------------------------------------------------------------


def _tanh_derivs(x: float) -> tuple[float, float, float]:
    t = np.tanh(x)
    d1 = 1 - t * t
    return d1, -2 * t * d1, -2 * d1 * (1 - 3 * t * t)


@pytest.mark.parametrize("x", [-1.3, 0.0, 0.4, 2.0])
def test_nested_jvp_third_derivative_of_tanh(x: float) -> None:
    def d(f: Any) -> Any:
        return lambda y: fad.primal_of(fad.jvp(f, (y,), (fad.tangent(1.0),))[1])

    d1, d2, d3 = _tanh_derivs(x)
    np.testing.assert_allclose(d(jnp.tanh)(x), d1, rtol=1e-13)
    np.testing.assert_allclose(d(d(jnp.tanh))(x), d2, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(d(d(d(jnp.tanh)))(x), d3, rtol=1e-12, atol=1e-15)


def test_perturbation_confusion_nested_jvp() -> None:
    # d/dx [x * d/dy (x + y)] at x = 1: the inner derivative is 1, so the answer is 1 (not 2).
    def inner(x: Any) -> Any:
        return fad.primal_of(fad.jvp(lambda y: x + y, (1.0,), (fad.tangent(1.0),))[1])

    _, t = fad.jvp(lambda x: x * inner(x), (1.0,), (fad.tangent(1.0),))
    assert float(fad.primal_of(t)) == 1.0


def test_perturbation_confusion_grad() -> None:
    f = fad.grad(lambda x: x * fad.grad(lambda y: x + y)(1.0))
    assert float(f(1.0)) == 1.0
    # A closed-over variable differentiated twice: d/dx [x * d/dy (x * y)] = 2x.
    g = fad.grad(lambda x: x * fad.grad(lambda y: x * y)(3.0))
    assert float(g(1.5)) == 3.0


def test_jvp_of_jvp_is_second_directional_derivative() -> None:
    # f(x) = sum(sin(x) * x); second derivative along u then v is sum((2 cos - x sin) u v).
    x = np.array([0.3, -1.1, 2.0])
    u = np.array([1.0, 2.0, -0.5])
    v = np.array([0.7, -0.2, 1.5])

    def f(x: Any) -> Any:
        return jnp.sum(jnp.sin(x) * x)

    def df_u(x: Any) -> Any:
        return fad.primal_of(fad.jvp(f, (x,), (fad.tangent(u),))[1])

    _, second = fad.jvp(df_u, (x,), (fad.tangent(v),))
    want = np.sum((2 * np.cos(x) - x * np.sin(x)) * u * v)
    np.testing.assert_allclose(fad.primal_of(second), want, rtol=1e-13)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def test_jvp_tangent_shape_mismatch_names_argument_and_shapes() -> None:
    with pytest.raises(
        ValueError, match=r"for argument y\): tangent shape \(2,\).*primal shape \(3,\)"
    ):
        fad.jvp(
            lambda x, y: x * y, (np.ones(3), np.ones(3)), fad.tangent((np.ones(3), np.ones(2)))
        )


def test_jvp_tangent_dtype_mismatch_names_both_dtypes() -> None:
    with pytest.raises(TypeError, match=r"for argument w\).*primal float64, tangent float32"):
        bad: Any = np.ones(3, np.float32)  # statically, numpy's dtype-typed arrays clash too
        fad.jvp(lambda w: jnp.sin(w), (np.ones(3),), (fad.tangent(bad),))


def test_jvp_integer_primal_needs_float0_tangent() -> None:
    def take(x: Any, i: Any) -> Any:
        return x[i]

    with pytest.raises(TypeError, match=r"for argument i\).*int32.*float0"):
        fad.jvp(take, (np.ones(3), np.int32(1)), fad.tangent((np.ones(3), np.int32(0))))
    out, t = fad.jvp(
        take, (np.arange(3.0), np.int32(1)), fad.tangent((np.ones(3), _float0(np.int32(1))))
    )
    assert float(out) == 1.0 and float(fad.primal_of(t)) == 1.0


def test_jvp_structure_mismatch() -> None:
    with pytest.raises(TypeError, match="same tree structure"):
        # A list is not a tuple: the structures differ (the static types do not catch it).
        fad.jvp(lambda p: p[0] * p[1], ((1.0, 2.0),), fad.tangent(([1.0, 2.0],)))
    with pytest.raises(TypeError, match="same length"):
        fad.jvp(jnp.sin, (1.0,), (1.0, 2.0))  # type: ignore[arg-type]  # on purpose


def test_polygamma_order_is_not_differentiable() -> None:
    from fad._src.prims import elementwise as ew

    x = fad.numpy.asarray(1.5)
    with pytest.raises(TypeError, match="not differentiable with respect to its order m"):
        fad.grad(lambda m: ew.polygamma(m, x))(1.0)
