"""``lax.custom_root`` and ``lax.custom_linear_solve``: derivatives from the equation, not
the solver's iterations (here ``while_loop`` s, which reverse mode cannot go through), checked
against closed forms, ``jnp.linalg.solve`` differentiated directly, and finite differences."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import fad
import fad.lax as lax
import fad.numpy as jnp
from fad.test_util import check_grads


def _newton(f: Any, x0: Any) -> Any:
    def step(x: Any) -> Any:
        return x - f(x) / fad.grad(f)(x)

    return lax.while_loop(lambda x: jnp.abs(f(x)) > 1e-6, step, x0)


def cube_root(a: Any) -> Any:
    return lax.custom_root(lambda x: x**3 - a, 1.0, _newton, lambda g, y: y / g(1.0))


def test_custom_root_derivatives_are_the_implicit_ones() -> None:
    """x = a^(1/3): x' = a^(-2/3)/3, x'' = -2/9 a^(-5/3)."""
    a = 8.0
    np.testing.assert_allclose(np.asarray(cube_root(a)), 2.0, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(fad.grad(cube_root)(a)), a ** (-2 / 3) / 3, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(fad.jacfwd(cube_root)(a)), a ** (-2 / 3) / 3, rtol=1e-5)
    second = -2 / 9 * a ** (-5 / 3)
    np.testing.assert_allclose(np.asarray(fad.grad(fad.grad(cube_root))(a)), second, rtol=1e-4)
    np.testing.assert_allclose(np.asarray(fad.jacfwd(fad.grad(cube_root))(a)), second, rtol=1e-4)
    xs = jnp.array([1.0, 8.0, 27.0])
    np.testing.assert_allclose(
        np.asarray(fad.vmap(fad.grad(cube_root))(xs)), np.asarray(xs) ** (-2 / 3) / 3, rtol=1e-5
    )
    np.testing.assert_allclose(np.asarray(fad.jit(fad.grad(cube_root))(a)), 1 / 12, rtol=1e-5)
    with fad.config.enable_x64_scope(True):
        check_grads(
            cube_root, (jnp.asarray(3.0, dtype=jnp.float64),), order=2, modes=("fwd", "rev")
        )


def test_custom_root_vector_and_aux() -> None:
    """Root of A x - b (solved by a few Newton steps) gives x = A^-1 b, dx/db = A^-1."""
    mat = jnp.array([[3.0, 1.0], [0.5, 2.0]])

    def root(b: Any) -> Any:
        def solve(f: Any, x0: Any) -> Any:
            jac = fad.jacfwd(f)(x0)
            x = x0 - jnp.linalg.solve(jac, f(x0))
            return x, jnp.sum(x)

        out, aux = lax.custom_root(
            lambda x: mat @ x - b, jnp.zeros(2), solve,
            lambda g, y: jnp.linalg.solve(fad.jacfwd(g)(jnp.zeros(2)), y), has_aux=True,
        )  # fmt: skip
        return out, aux

    b = jnp.array([1.0, 2.0])
    x, aux = root(b)
    np.testing.assert_allclose(
        np.asarray(x), np.linalg.solve(np.asarray(mat), np.asarray(b)), rtol=1e-5
    )
    np.testing.assert_allclose(np.asarray(aux), np.asarray(x).sum(), rtol=1e-6)
    jac = fad.jacrev(lambda v: root(v)[0])(b)
    np.testing.assert_allclose(np.asarray(jac), np.linalg.inv(np.asarray(mat)), rtol=1e-5)


def _cg(matvec: Any, b: Any) -> Any:
    """Conjugate gradients to a tolerance, in a while_loop (no reverse mode of its own)."""

    def body(s: Any) -> Any:
        x, r, p = s
        ap = matvec(p)
        alpha = (r @ r) / (p @ ap)
        x, r_new = x + alpha * p, r - alpha * ap
        return x, r_new, r_new + (r_new @ r_new) / (r @ r) * p

    x, *_ = lax.while_loop(lambda s: s[1] @ s[1] > 1e-12, body, (jnp.zeros_like(b), b, b))
    return x


SPD = jnp.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
B = jnp.array([1.0, 2.0, -1.0])


def _solve(a: Any, b: Any) -> Any:
    return lax.custom_linear_solve(lambda x: a @ x, b, _cg, symmetric=True)


def test_custom_linear_solve_matches_dense_solve_in_every_mode() -> None:
    def dense(a: Any, b: Any) -> Any:
        return jnp.linalg.solve(a, b)

    np.testing.assert_allclose(np.asarray(_solve(SPD, B)), np.asarray(dense(SPD, B)), rtol=1e-5)
    for argnum in (0, 1):

        def loss(a: Any, b: Any, f: Any = _solve) -> Any:
            return jnp.sum(jnp.sin(f(a, b)))

        got = fad.grad(loss, argnum)(SPD, B)
        want = fad.grad(lambda a, b: loss(a, b, dense), argnum)(SPD, B)
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-4, atol=1e-6)
        jit_got = fad.jit(fad.grad(loss, argnum))(SPD, B)
        np.testing.assert_allclose(np.asarray(jit_got), np.asarray(want), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(
        np.asarray(fad.jacfwd(_solve, 1)(SPD, B)), np.linalg.inv(np.asarray(SPD)), rtol=1e-4
    )
    bs = jnp.stack([B, 2 * B, -B])
    np.testing.assert_allclose(
        np.asarray(fad.vmap(lambda b: _solve(SPD, b))(bs)),
        np.linalg.solve(np.asarray(SPD), np.asarray(bs).T).T, rtol=1e-4,
    )  # fmt: skip
    hess = fad.hessian(lambda a: jnp.sum(_solve(a, B) ** 2))(SPD)
    hess_dense = fad.hessian(lambda a: jnp.sum(dense(a, B) ** 2))(SPD)
    np.testing.assert_allclose(np.asarray(hess), np.asarray(hess_dense), rtol=1e-3, atol=1e-5)


def test_custom_linear_solve_nonsymmetric_needs_transpose_solve() -> None:
    a = jnp.array([[3.0, 1.0], [-1.0, 2.0]])
    b = jnp.array([1.0, 1.0])

    def solve(mv: Any, y: Any) -> Any:
        return jnp.linalg.solve(a, y)

    def tsolve(vm: Any, y: Any) -> Any:
        return jnp.linalg.solve(a.T, y)

    def f(b: Any) -> Any:
        return lax.custom_linear_solve(lambda x: a @ x, b, solve, tsolve)

    g = fad.grad(lambda b: f(b)[0])(b)
    np.testing.assert_allclose(np.asarray(g), np.linalg.inv(np.asarray(a))[0], rtol=1e-5)

    def no_t(b: Any) -> Any:
        return lax.custom_linear_solve(lambda x: a @ x, b, solve)

    np.testing.assert_allclose(
        np.asarray(fad.jacfwd(no_t)(b)), np.linalg.inv(np.asarray(a)), rtol=1e-5
    )
    with pytest.raises(TypeError, match="transpose_solve"):
        fad.grad(lambda b: no_t(b)[0])(b)
