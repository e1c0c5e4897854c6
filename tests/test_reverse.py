"""Reverse mode: every primitive's VJP is the transpose of its JVP, gradients match finite
differences to second order, and the cookbook's reverse-mode facts hold.

Adjointness is checked with the pairing ``Re(sum(a * b))`` (no conjugation), the one
under which fad's transposes, like JAX's, are adjoints; for holomorphic primitives
the whole complex pairing must agree.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from primitive_cases import CASES, NO_DERIVATIVE, Case, ids

import fad
import fad.numpy as jnp
from fad import float0
from fad._src import tree_util as tu
from fad._src.api.reverse import linearize_flat
from fad._src.core import Array, Params, Primitive
from fad.test_util import check_grads, default_eps, default_tolerance

DIFFERENTIABLE = [c for c in CASES if c.kind != "none" and c.prim not in NO_DERIVATIVE]
SMOOTH = [c for c in DIFFERENTIABLE if c.fd]

# The primitives a linear (tangent or cotangent) program may apply.
LINEAR_PRIMS = frozenset({
    "add", "add_any", "sub", "neg", "mul", "div", "real", "imag", "conj", "complex",
    "convert_element_type", "select_n", "reduce_sum", "cumsum", "dot_general",
    "broadcast_in_dim", "reshape", "transpose", "rev", "concatenate", "pad", "slice",
    "dynamic_slice", "dynamic_update_slice", "gather", "scatter", "triangular_solve",
    "xla_call", "cond", "scan", "checkpoint", "custom_vjp_lin",
})  # fmt: skip


@pytest.fixture(autouse=True)
def x64() -> Iterator[None]:
    with fad.config.enable_x64_scope(True):
        yield


def _inexact(x: Any) -> bool:
    return bool(np.issubdtype(np.asarray(x).dtype, np.inexact))


def _random(rng: np.random.Generator, x: Any) -> np.ndarray[Any, Any]:
    shape, dt = np.shape(x), np.asarray(x).dtype
    if not np.issubdtype(dt, np.inexact):
        return np.zeros(shape, float0)
    v = rng.standard_normal(shape)
    if np.issubdtype(dt, np.complexfloating):
        v = v + 1j * rng.standard_normal(shape)
    return np.asarray(v.astype(dt))


def _pairing(xs: Sequence[Any], ys: Sequence[Any]) -> tuple[complex, float]:
    """``sum(x * y)`` over inexact leaves (no conjugation) and the sum of |x||y| (its scale)."""
    total, scale = 0j, 0.0
    for x, y in zip(xs, ys, strict=True):
        if _inexact(x):
            a, b = np.asarray(x, np.complex128), np.asarray(y, np.complex128)
            total += complex(np.sum(a * b))
            scale += float(np.sum(np.abs(a) * np.abs(b)))
    return total, scale


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=ids(DIFFERENTIABLE))
def test_vjp_is_transpose_of_jvp(case: Case) -> None:
    """<J v, u> == <v, J^T u>, with J v from ``fad.jvp`` and J^T u from ``fad.vjp``."""
    for dt in case.dtypes_64():
        for seed in (0, 1):
            args = case.args(dt, seed)
            rng = np.random.default_rng(seed + 10)
            v = [_random(rng, a) for a in args]
            out, jv = fad.jvp(case.fn, args, fad.tangent(tuple(v)))
            outs, jvs = tu.tree_leaves(out), tu.tree_leaves(fad.primal_of(jv))
            u = [_random(rng, o) for o in outs]
            out2, pullback = fad.vjp(case.fn, *args)
            ct = fad.cotangent(tu.tree_unflatten(tu.tree_structure(out2), u))
            jtu = fad.primal_of(pullback(ct))
            assert len(jtu) == len(args)
            for a, c in zip(args, jtu, strict=True):
                want = a.dtype if _inexact(a) else float0
                assert (np.shape(c), np.asarray(c).dtype) == (a.shape, want), case.name
            lhs, s1 = _pairing(jvs, u)
            rhs, s2 = _pairing(v, list(jtu))
            tol = 100 * _resolution([*args, *outs]) * (s1 + s2) + 1e-300
            msg = f"{case.name} {dt}: <Jv, u> = {lhs}, <v, J^T u> = {rhs}"
            assert abs(lhs.real - rhs.real) <= tol, msg
            if case.holomorphic:
                assert abs(lhs - rhs) <= tol, msg


def _least_precise(leaves: Sequence[Any]) -> np.dtype[Any]:
    dts = [np.asarray(x).dtype for x in leaves if _inexact(x)]
    return max(dts, key=lambda d: np.finfo(d).eps) if dts else np.dtype(np.float64)


def _resolution(leaves: Sequence[Any]) -> float:
    return float(np.finfo(_least_precise(leaves)).eps)


@pytest.mark.parametrize("case", SMOOTH, ids=ids(SMOOTH))
def test_check_grads_order_2(case: Case) -> None:
    for dt in case.dtypes_64():
        args = case.args(dt)
        # A case that rounds to float32 inside (convert_f64_f32) is checked at float32's step.
        low = _least_precise([*args, *tu.tree_leaves(case.fn(*args))])
        tol = default_tolerance(low)
        check_grads(case.fn, args, order=2, atol=tol, rtol=tol, eps=default_eps(low))


def test_stop_gradient_blocks_reverse_mode() -> None:
    from fad._src.prims import elementwise as ew

    x = np.array([1.0, -2.0, 3.0])
    g = fad.grad(lambda x: jnp.sum(ew.stop_gradient(x) * x))(x)
    np.testing.assert_array_equal(g, x)  # only the unstopped factor contributes


# ---------------------------------------------------------------------------
# Complex differentiation (JAX's conventions)
# ---------------------------------------------------------------------------


def test_grad_of_real_function_of_complex_input_is_conjugate_gradient() -> None:
    z = 3.0 + 4.0j
    assert complex(fad.grad(lambda z: jnp.real(z) ** 2 + jnp.imag(z) ** 2)(z)) == 6 - 8j
    np.testing.assert_allclose(complex(fad.grad(lambda z: jnp.abs(z) ** 2)(z)), 6 - 8j, rtol=1e-15)
    np.testing.assert_allclose(complex(fad.grad(jnp.abs)(z)), (3 - 4j) / 5, rtol=1e-15)
    np.testing.assert_allclose(complex(fad.grad(jnp.real)(z)), 1.0)
    np.testing.assert_allclose(complex(fad.grad(jnp.imag)(z)), -1j)


def test_holomorphic_grad() -> None:
    z = np.complex128(3 + 4j)
    np.testing.assert_allclose(
        complex(fad.grad(jnp.sin, holomorphic=True)(z)), np.cos(z), rtol=1e-15
    )
    np.testing.assert_allclose(complex(fad.grad(lambda z: z**2, holomorphic=True)(z)), 2 * z)
    np.testing.assert_allclose(complex(fad.grad(jnp.log, holomorphic=True)(z)), 1 / z, rtol=1e-15)
    # conj is not holomorphic: its pullback conjugates (the transpose of the R-linear map).
    _, pb = fad.vjp(jnp.conj, z)
    assert complex(fad.primal_of(pb(fad.cotangent(jnp.asarray(np.complex128(1j)))))[0]) == -1j


def test_complex_vjp_of_holomorphic_function_is_plain_transpose() -> None:
    # For a holomorphic f, vjp(u) = f'(z) * u: no conjugation anywhere.
    z = np.array([0.5 + 1j, -1 + 0.25j])
    u = np.array([2 - 1j, 0.5 + 3j])
    _, pb = fad.vjp(jnp.exp, z)
    (z_bar,) = fad.unpack(pb(fad.cotangent(jnp.asarray(u))))
    np.testing.assert_allclose(fad.primal_of(z_bar), np.exp(z) * u, rtol=1e-15)


# ---------------------------------------------------------------------------
# Higher order
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("x", [-0.7, 0.0, 0.3, 1.9])
def test_grad_grad_grad_tanh(x: float) -> None:
    t = np.tanh(x)
    d3 = -2 * (1 - t * t) * (1 - 3 * t * t)
    np.testing.assert_allclose(
        np.asarray(fad.grad(fad.grad(fad.grad(jnp.tanh)))(x)), d3, rtol=1e-12, atol=1e-15
    )


_A = np.array([[2.0, 0.5, -1.0], [0.3, 1.0, 0.2], [-0.4, 0.7, 3.0]])


def _f(x: Any) -> Any:
    """0.5 x^T A x + sum(sin x) + sum(x^3) / 3."""
    return 0.5 * jnp.dot(x, jnp.dot(_A, x)) + jnp.sum(jnp.sin(x)) + jnp.sum(x**3) / 3


def _hessian_closed_form(x: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    return np.asarray((_A + _A.T) / 2 + np.diag(-np.sin(x) + 2 * x))


X = np.array([0.3, -1.2, 0.8])
V = np.array([1.0, -0.5, 2.0])


def test_hessian_agrees_with_both_jacobian_compositions_and_closed_form() -> None:
    h = np.asarray(fad.hessian(_f)(X))
    np.testing.assert_allclose(h, _hessian_closed_form(X), rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(np.asarray(fad.jacfwd(fad.jacfwd(_f))(X)), h, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(np.asarray(fad.jacrev(fad.jacrev(_f))(X)), h, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(np.asarray(fad.jacrev(fad.jacfwd(_f))(X)), h, rtol=1e-13, atol=1e-14)


def test_three_hvp_formulations_agree_with_dense_hessian() -> None:
    want = _hessian_closed_form(X) @ V
    fwd_over_rev = fad.primal_of(fad.jvp(fad.grad(_f), (X,), (fad.tangent(V),))[1])
    rev_over_fwd = fad.grad(lambda x: fad.primal_of(fad.jvp(_f, (x,), (fad.tangent(V),))[1]))(X)
    rev_over_rev = fad.grad(lambda x: jnp.vdot(fad.grad(_f)(x), V))(X)
    dense = np.asarray(fad.hessian(_f)(X)) @ V
    for name, got in (("fwd-over-rev", fwd_over_rev), ("rev-over-fwd", rev_over_fwd),
                      ("rev-over-rev", rev_over_rev), ("hessian", dense)):  # fmt: skip
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-13, atol=1e-14, err_msg=name)


# ---------------------------------------------------------------------------
# linearize: the linear function does no primal work
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CountingHandler(fad.Handler):
    """Counts the primitives applied under it, then lets them through unchanged."""

    counts: collections.Counter[str] = field(default_factory=collections.Counter)

    def process(self, prim: Primitive, args: Sequence[Array], params: Params) -> Any:
        self.counts[prim.name] += 1
        return self.forward(prim, args, params)


def test_linearize_applies_only_linear_primitives() -> None:
    def f(x: Any) -> Any:
        return jnp.sin(x) * jnp.exp(x)

    x = np.array([0.1, 0.7, -1.5])
    t = fad.tangent(np.array([1.0, 2.0, 0.5]))
    tracing = CountingHandler()
    with fad.installed(tracing):
        y, f_jvp = fad.linearize(f, x)
    assert {"sin", "cos", "exp"} <= set(tracing.counts)  # the primal work happens here

    calls = CountingHandler()
    with fad.installed(calls):
        out = f_jvp(t)
    # d(sin x * exp x) = (t cos x) exp x + sin x (t exp x): four muls and one add.
    assert dict(calls.counts) == {"mul": 4, "add_any": 1}
    assert set(calls.counts) <= LINEAR_PRIMS
    want = (np.cos(x) + np.sin(x)) * np.exp(x) * fad.primal_of(t)
    np.testing.assert_allclose(fad.primal_of(out), want, rtol=1e-15)
    np.testing.assert_allclose(y, np.sin(x) * np.exp(x), rtol=1e-15)

    again = CountingHandler()
    with fad.installed(again):
        f_jvp(2 * t)
    assert again.counts == calls.counts


def test_linearize_of_a_larger_function_stays_linear() -> None:
    def f(x: Any) -> Any:
        return jnp.sum(jnp.tanh(x) ** 2 * jnp.log1p(x * x)) + jnp.max(jnp.cumsum(x))

    x = np.array([0.4, -0.3, 1.2, 0.8])
    _, f_jvp = fad.linearize(f, x)
    calls = CountingHandler()
    with fad.installed(calls):
        f_jvp(fad.tangent(np.ones(4)))
    assert calls.counts and set(calls.counts) <= LINEAR_PRIMS, dict(calls.counts)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def test_grad_of_non_scalar_output() -> None:
    with pytest.raises(TypeError, match=r"scalar-output.*shape: \(3,\)"):
        fad.grad(jnp.sin)(np.ones(3))


def test_grad_of_complex_output_needs_holomorphic() -> None:
    with pytest.raises(TypeError, match="holomorphic=True"):
        fad.grad(lambda z: z * z)(1.0 + 2.0j)
    with pytest.raises(TypeError, match="holomorphic=True requires inputs with complex dtype"):
        fad.grad(jnp.sin, holomorphic=True)(1.0)


def test_grad_with_respect_to_integer_input() -> None:
    with pytest.raises(TypeError, match=r"int(32|64).*allow_int=True"):
        fad.grad(lambda x, i: x * i, argnums=1)(2.0, 3)

    def f(x: Array, i: Array) -> Array:
        return x * i

    g = fad.grad(f, argnums=(0, 1), allow_int=True)(jnp.asarray(2.0), jnp.asarray(3))
    assert float(g[0]) == 3.0
    assert g[1].dtype == float0 and g[1].shape == ()


def test_vjp_pullback_rejects_wrong_cotangent_structure() -> None:
    _, pb = fad.vjp(lambda x: (x, 2 * x), np.ones(3))
    # Wrong values with the right static type: only the run-time checks can catch these.
    bad: Any = np.ones(3)
    with pytest.raises(ValueError, match="structure of the primal output"):
        pb(fad.cotangent(bad))
    with pytest.raises(ValueError, match=r"cotangent 1 has shape \(2,\).*shape \(3,\)"):
        pb(fad.cotangent((bad, np.ones(2))))
    with pytest.raises(ValueError, match=r"cotangent 0 has dtype complex128.*float64"):
        pb(fad.cotangent((np.ones(3, np.complex128), bad)))


# ---------------------------------------------------------------------------
# Memory: residuals grow linearly with the length of the computation
# ---------------------------------------------------------------------------


def _residual_count(n: int) -> int:
    ops = (jnp.sin, jnp.tanh, jnp.exp, jnp.cos)

    def chain(x: Any) -> Any:
        for i in range(n):
            x = ops[i % len(ops)](x)
        return jnp.sum(x)

    flat, tree = tu.tree_flatten((jnp.asarray(np.array([0.1, 0.5, -0.3])),))
    lin = linearize_flat(chain, flat, tree, False, "grad")
    return len(lin.program.consts)


def test_grad_of_a_chain_keeps_linear_residuals() -> None:
    counts = {n: _residual_count(n) for n in (10, 20, 40)}
    assert counts[20] - counts[10] == (counts[40] - counts[20]) // 2, counts
    assert all(c <= 2 * n for n, c in counts.items()), counts
    assert counts[10] >= 10, counts  # one residual per nonlinear op is the least possible


# ---------------------------------------------------------------------------
# Python control flow under differentiation
# ---------------------------------------------------------------------------


def _piecewise(x: Any) -> Any:
    try:
        if x < 3:
            return 2 * x**3
        raise ValueError("x too large")
    except ValueError:
        return np.pi * x


def test_try_except_control_flow() -> None:
    np.testing.assert_allclose(fad.grad(_piecewise)(2.0), 24.0)
    np.testing.assert_allclose(fad.grad(_piecewise)(4.0), np.pi)
    y, pb = fad.vjp(_piecewise, 4.0)
    np.testing.assert_allclose(y, 4 * np.pi)
    np.testing.assert_allclose(fad.primal_of(pb(fad.cotangent(1.0)))[0], np.pi)


def test_if_and_while_under_grad() -> None:
    def relu_square(x: Any) -> Any:
        return x * x if x > 0 else -x

    assert float(fad.grad(relu_square)(2.0)) == 4.0
    assert float(fad.grad(relu_square)(-1.0)) == -1.0

    def doubling(x: Any) -> Any:
        while x < 10:
            x = x * 2
        return x

    assert float(fad.grad(doubling)(1.5)) == 8.0  # 1.5 -> 12 takes three doublings
    assert float(fad.grad(fad.grad(lambda x: x**3 if x > 0 else x))(2.0)) == 12.0


# ---------------------------------------------------------------------------
# check_grads itself: it passes correct rules in every precision and catches wrong ones
# ---------------------------------------------------------------------------


def test_check_grads_default_tolerances_per_dtype() -> None:
    def f(x: Any, y: Any) -> Any:
        return jnp.sum(jnp.tanh(x) * y) + jnp.sum(jnp.exp(x) / y)

    for dt in (np.float32, np.float64, np.complex64, np.complex128):
        x = np.array([0.3, -0.8, 1.1]).astype(dt)
        y = np.array([1.5, 0.7, -2.0]).astype(dt)
        check_grads(f, (x, y), order=2)
    assert default_tolerance(np.float64) < default_tolerance(np.float32)
    assert default_eps(np.float64) < default_eps(np.float32)


def test_check_grads_catches_wrong_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    from fad._src.interpreters import jvp as jvp_mod
    from fad._src.interpreters import transpose as transpose_mod
    from fad._src.prims import elementwise as ew
    from fad._src.prims import reductions as red

    x = np.array([0.3, -0.8, 1.1])
    # A wrong derivative (d sin = sin): forward and reverse mode both see it.
    monkeypatch.setitem(
        jvp_mod.jvp_rules,
        ew.sin_p,
        lambda primals, tangents: (ew.sin(primals[0]), ew.mul(tangents[0], ew.sin(primals[0]))),
    )
    with pytest.raises(AssertionError, match=r"JVP: tangent output 0 vs\. central differences"):
        check_grads(jnp.sin, (x,), order=1, modes=("fwd",))
    with pytest.raises(AssertionError, match="VJP is not the transpose"):
        check_grads(jnp.sin, (x,), order=1, modes=("rev",))
    monkeypatch.undo()
    check_grads(jnp.sin, (x,), order=1)

    # A wrong transpose: only reverse mode sees it.
    rule = transpose_mod.transpose_rules[red.cumsum_p]
    monkeypatch.setitem(
        transpose_mod.transpose_rules,
        red.cumsum_p,
        lambda ct, x, *, axis, reverse: rule(ct, x, axis=axis, reverse=not reverse),
    )
    check_grads(lambda x: jnp.cumsum(x), (x,), order=1, modes=("fwd",))
    with pytest.raises(AssertionError, match="VJP is not the transpose"):
        check_grads(lambda x: jnp.cumsum(x), (x,), order=1, modes=("rev",))
    monkeypatch.undo()

    # Right first derivatives whose own derivatives are wrong: only order 2 sees it.
    monkeypatch.setitem(
        jvp_mod.jvp_rules,
        ew.tanh_p,
        lambda primals, tangents: (
            ew.tanh(primals[0]),
            ew.mul(tangents[0], ew.stop_gradient(ew.sub(ew.ones_like(primals[0]),
                                                        ew.integer_pow(ew.tanh(primals[0]), 2)))),
        ),
    )  # fmt: skip
    check_grads(jnp.tanh, (x,), order=1)
    with pytest.raises(AssertionError, match=r"(JVP|VJP) of (JVP|VJP)"):
        check_grads(jnp.tanh, (x,), order=2)


def test_check_grads_argument_errors() -> None:
    with pytest.raises(ValueError, match="order must be a positive int"):
        check_grads(jnp.sin, (1.0,), order=0)
    with pytest.raises(ValueError, match="modes"):
        check_grads(jnp.sin, (1.0,), order=1, modes=("forward",))
    with pytest.raises(ValueError, match="modes"):
        check_grads(jnp.sin, (1.0,), order=1, modes="fwd")


@pytest.mark.parametrize(
    "transform", [fad.grad, fad.value_and_grad, fad.jacfwd, fad.jacrev, fad.hessian]
)
def test_repeated_argnums_are_an_error(transform: Any) -> None:
    """``argnums=(0, 0)`` once returned a zero for the repeat; now it is refused."""
    with pytest.raises(ValueError, match="more than once"):
        transform(lambda x, y: x * y, argnums=(0, 0))(2.0, 3.0)
    with pytest.raises(ValueError, match="more than once"):
        transform(lambda x, y: x * y, argnums=(1, -1))(2.0, 3.0)
