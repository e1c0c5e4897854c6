"""Derivatives at the points JAX pins down: values recorded from jax 0.10.2 or closed forms."""

from __future__ import annotations

import numpy as np

import fad
import fad.lax as lax
import fad.numpy as jnp
from fad.test_util import check_grads


def test_pow_mixed_second_derivative_at_zero_exponent() -> None:
    """d2/dxdy x**y = x**(y-1) (1 + y log x): 1/4 at (4, 0), in both orders."""
    for jac in (fad.jacfwd, fad.jacrev):
        h = jac(jac(lax.pow, (0, 1)), (0, 1))(4.0, 0.0)
        np.testing.assert_allclose(h[0][1], 0.25)
        np.testing.assert_allclose(h[1][0], 0.25)
        np.testing.assert_allclose(h[1][1], np.log(4.0) ** 2, rtol=1e-6)  # x**y log(x)^2
        np.testing.assert_allclose(h[0][0], 0.0)
    assert float(np.asarray(fad.grad(lax.pow)(0.0, 0.0))) == 0.0  # 0**0 stays differentiable


def test_sinc_derivatives_at_zero() -> None:
    """sinc's Maclaurin series 1 - (pi x)^2/6 + (pi x)^4/120: f'' = -pi^2/3, f'''' = pi^4/5."""
    g = fad.grad
    assert float(np.asarray(g(jnp.sinc)(0.0))) == 0.0
    np.testing.assert_allclose(np.asarray(g(g(jnp.sinc))(0.0)), -(np.pi**2) / 3, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(g(g(g(jnp.sinc)))(0.0)), 0.0, atol=1e-6)
    np.testing.assert_allclose(np.asarray(g(g(g(g(jnp.sinc))))(0.0)), np.pi**4 / 5, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(fad.jit(g(g(jnp.sinc)))(0.0)), -(np.pi**2) / 3, rtol=1e-6)
    check_grads(jnp.sinc, (jnp.array([0.3, -1.2]),), order=2, atol=1e-2, rtol=1e-2)


def test_det_gradient_is_the_adjugate_at_singular_matrices() -> None:
    g = fad.grad(jnp.linalg.det)(jnp.array([[1.0, 2.0], [2.0, 4.0]]))
    np.testing.assert_allclose(np.asarray(g), np.array([[4.0, -2.0], [-2.0, 1.0]]), rtol=1e-5)
    # rank 2 of 3: recorded from jax.grad(jnp.linalg.det)
    a = jnp.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 1.0, 5.0]])
    expect = [[14.0, -10.0, 2.0], [-7.0, 5.0, -1.0], [0.0, 0.0, 0.0]]
    np.testing.assert_allclose(
        np.asarray(fad.grad(jnp.linalg.det)(a)), expect, rtol=1e-5, atol=1e-5
    )
    np.testing.assert_allclose(
        np.asarray(fad.jit(fad.grad(jnp.linalg.det))(a)), expect, rtol=1e-4, atol=1e-4
    )
    # regular matrices: det(a) inv(a)^T, and second order by finite differences
    r = np.array([[1.0, 2.0], [3.0, 5.0]], np.float32)
    np.testing.assert_allclose(
        np.asarray(fad.grad(jnp.linalg.det)(jnp.asarray(r))),
        np.linalg.det(r) * np.linalg.inv(r).T,
        rtol=1e-5,
    )
    check_grads(jnp.linalg.det, (jnp.asarray(r),), order=2)
    assert np.isfinite(np.asarray(fad.hessian(jnp.linalg.det)(jnp.eye(2)))).all()


def test_pinv_jacobian_at_identity() -> None:
    """d pinv(A) at A = I is -dA: jacrev is minus the identity on the 4 entries."""
    jac = fad.jacrev(jnp.linalg.pinv)(jnp.eye(2))
    np.testing.assert_allclose(np.asarray(jac).reshape(4, 4), -np.eye(4), atol=1e-6)
    a = jnp.array([[1.0, 2.0], [3.0, 5.0], [0.5, 1.0]])
    check_grads(jnp.linalg.pinv, (a,), order=2, atol=2e-2, rtol=2e-2)


def _cond_sqrt(x: fad.Array) -> fad.Array:
    out: fad.Array = lax.cond(x > 0, jnp.sqrt, lambda x: x, x)
    return out


def test_vmapped_cond_selects_tangents() -> None:
    """The untaken sqrt branch at 0 contributes nothing (JAX: [1, 0.5]), in every order."""
    x = jnp.array([0.0, 1.0])
    f = lambda x: fad.vmap(_cond_sqrt)(x).sum()  # noqa: E731
    np.testing.assert_allclose(np.asarray(fad.grad(f)(x)), [1.0, 0.5])
    np.testing.assert_allclose(np.asarray(fad.jit(fad.grad(f))(x)), [1.0, 0.5])
    np.testing.assert_allclose(np.asarray(fad.vmap(fad.grad(_cond_sqrt))(x)), [1.0, 0.5])
    np.testing.assert_allclose(np.asarray(fad.jacfwd(fad.vmap(_cond_sqrt))(x)), np.diag([1.0, 0.5]))
    np.testing.assert_allclose(fad.vmap(_cond_sqrt)(jnp.array([0.0, 4.0])), [0.0, 2.0])


def test_remat_traces_once() -> None:
    calls = []

    def f(x: fad.Array) -> fad.Array:
        calls.append(1)
        return jnp.sin(x) * 2

    g = fad.remat(f)
    for _ in range(3):
        g(jnp.ones(3))
        fad.grad(lambda x: g(x).sum())(jnp.ones(3))
    assert len(calls) == 1
