"""fad.lax control flow: cond/switch, while_loop, fori_loop, scan, map, select, stop_gradient.

Truths: the same computation as a Python loop or ``if`` on concrete values (eager
numpy), finite differences (``check_grads``/``check_jvp``), closed forms, per-lane
loops for ``vmap``, and eager evaluation for ``jit``. The shared case table
(tests/primitive_cases.py) runs these primitives through the generic law tests too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp
from fad import lax
from fad._src import tree_util as tu
from fad._src.api.reverse import linearize_flat
from fad._src.core import Array
from fad.test_util import check_grads, check_jvp

# Runtime tests of the transformations, not of the typed tangent API.
jvp: Any = fad.jvp
vjp: Any = fad.vjp
linearize: Any = fad.linearize
linear_transpose: Any = fad.linear_transpose

NDArray = np.ndarray[Any, Any]


@pytest.fixture(autouse=True)
def x64() -> Iterator[None]:
    with fad.config.enable_x64_scope(True):
        yield


def _i32(v: int) -> Array:
    return jnp.asarray(np.int32(v))


def _f64(v: float) -> Array:
    return jnp.asarray(np.float64(v))


def _rand(seed: int, *shape: int) -> Array:
    return jnp.asarray(np.random.default_rng(seed).standard_normal(shape))


def _close(a: Any, b: Any, tol: float = 1e-12) -> None:
    for x, y in zip(tu.tree_leaves(a), tu.tree_leaves(b), strict=True):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=tol, atol=tol)


def _prims(fun: Any, *args: Any) -> list[str]:
    """Primitive names of the staged program, including those inside sub-programs."""
    out: list[str] = []

    def walk(prog: Any) -> None:
        for e in prog.eqns:
            out.append(e.prim.name)
            for v in e.params.values():
                for p in v if isinstance(v, tuple) else (v,):
                    if hasattr(p, "program") and hasattr(p, "consts"):
                        walk(p.program)

    walk(fad.make_jaxpr(fun)(*args).program)
    return out


# ---------------------------------------------------------------------------
# Eager semantics
# ---------------------------------------------------------------------------


def test_cond_and_switch_pick_their_branch() -> None:
    x = jnp.array([1.0, 2.0])
    for p, want in ((True, [2.0, 4.0]), (False, [0.0, 1.0]), (3, [2.0, 4.0]), (0.0, [0.0, 1.0])):
        np.testing.assert_array_equal(lax.cond(p, lambda v: v * 2, lambda v: v - 1, x), want)
    branches = [lambda v: v, lambda v: -v, lambda v: v * 10]
    # Out-of-range indices clamp to the first/last branch, as in JAX.
    for i, want in ((-5, [1.0, 2.0]), (0, [1.0, 2.0]), (1, [-1.0, -2.0]), (7, [10.0, 20.0])):
        np.testing.assert_array_equal(lax.switch(i, branches, x), want)
        np.testing.assert_array_equal(fad.jit(lambda i, x: lax.switch(i, branches, x))(i, x), want)


def test_cond_pytrees_several_operands_and_integer_outputs() -> None:
    def f(p: Any, a: Any, b: Any) -> Any:
        return lax.cond(
            p, lambda a, b: {"s": a["u"] + b, "n": jnp.argmax(b)},
            lambda a, b: {"s": a["u"] * b, "n": jnp.argmin(b)}, a, b,
        )  # fmt: skip

    a, b = {"u": jnp.array([1.0, 2.0, 3.0])}, jnp.array([3.0, 1.0, 2.0])
    for p in (True, False):
        want = f(p, a, b)
        ref_s = a["u"] + b if p else a["u"] * b
        np.testing.assert_array_equal(want["s"], ref_s)
        assert int(want["n"]) == (0 if p else 1)
        _close(fad.jit(f)(p, a, b), want)


def test_while_loop_matches_python_loop() -> None:
    def collatz_steps(n: int) -> int:
        steps = 0
        while n != 1:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            steps += 1
        return steps

    def f(n: Array) -> Array:
        def body(c: tuple[Array, Array]) -> tuple[Array, Array]:
            m, k = c
            return jnp.where(m % 2 == 0, m // 2, 3 * m + 1), k + 1

        return lax.while_loop(lambda c: c[0] != 1, body, (n, _i32(0)))[1]

    for n in (1, 6, 27):
        assert int(f(_i32(n))) == collatz_steps(n)
        assert int(fad.jit(f)(_i32(n))) == collatz_steps(n)


def test_fori_loop_static_and_traced_bounds() -> None:
    def body(i: Array, c: Array) -> Array:
        return c * 1.5 + i

    def ref(lo: int, hi: int, c: float) -> float:
        for i in range(lo, hi):
            c = c * 1.5 + i
        return c

    x = jnp.asarray(0.5)
    for lo, hi in ((0, 4), (2, 5), (3, 3), (4, 1)):
        np.testing.assert_allclose(lax.fori_loop(lo, hi, body, x), ref(lo, hi, 0.5))
        got = fad.jit(lambda lo, hi, x: lax.fori_loop(lo, hi, body, x))(lo, hi, x)
        np.testing.assert_allclose(got, ref(lo, hi, 0.5))
    assert "scan" in _prims(lambda x: lax.fori_loop(0, 3, body, x), x)
    assert "while" in _prims(lambda n, x: lax.fori_loop(0, n, body, x), 3, x)


def _scan_ref(c: NDArray, xs: NDArray, reverse: bool) -> tuple[NDArray, NDArray]:
    ys = np.zeros_like(xs)
    order = range(len(xs) - 1, -1, -1) if reverse else range(len(xs))
    for i in order:
        c, ys[i] = np.sin(c) * xs[i] + c, c * xs[i]
    return c, ys


def _scan_body(c: Array, x: Array) -> tuple[Array, Array]:
    return jnp.sin(c) * x + c, c * x


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("unroll", [1, 2, 3, True])
def test_scan_matches_python_loop_eager_and_jit(reverse: bool, unroll: int | bool) -> None:
    c0, xs = _rand(0, 3), _rand(1, 7, 3)
    want = _scan_ref(np.asarray(c0), np.asarray(xs), reverse)
    got = lax.scan(_scan_body, c0, xs, reverse=reverse, unroll=unroll)
    _close(got, want)
    jitted = fad.jit(lambda c, xs: lax.scan(_scan_body, c, xs, reverse=reverse, unroll=unroll))
    _close(jitted(c0, xs), want, 1e-12)
    text = jitted.lower(c0, xs).as_text()
    assert ("stablehlo.while" in text) == (unroll is not True and unroll < 7)


def test_scan_edge_cases() -> None:
    # No xs: a length is required; zero length returns init and empty ys.
    c, ys = lax.scan(lambda c, _: (c + 1.0, c * 2.0), jnp.asarray(0.0), None, length=4)
    assert float(c) == 4.0
    np.testing.assert_array_equal(ys, [0.0, 2.0, 4.0, 6.0])

    def empty(c: Array) -> Any:
        return lax.scan(lambda c, x: (c + x, x), c, jnp.zeros((0, 2)))

    for g in (empty, fad.jit(empty)):
        c2, ys2 = g(jnp.ones(2))
        np.testing.assert_array_equal(c2, [1.0, 1.0])
        assert ys2.shape == (0, 2)
    # Pytree carries and xs, ys None, map.
    (a, b), none = lax.scan(
        lambda c, x: ((c[0] + x["p"], c[1] * x["q"]), None), (jnp.asarray(0.0), jnp.asarray(1.0)),
        {"p": jnp.arange(3.0), "q": jnp.array([2.0, 3.0, 4.0])},
    )  # fmt: skip
    assert none is None and float(a) == 3.0 and float(b) == 24.0
    np.testing.assert_array_equal(lax.map(lambda v: v * v, jnp.arange(4.0)), [0, 1, 4, 9])


def test_weakly_typed_initial_carry_takes_the_body_type() -> None:
    with fad.config.enable_x64_scope(False):
        xs = jnp.ones(3, dtype=jnp.float32)
        c, _ = lax.scan(lambda c, x: (c + x, None), 0.0, xs)
        assert c.dtype == np.float32 and not c.weak_type
        one = jnp.asarray(np.float32(1.0))
        w = lax.while_loop(lambda c: c < 3.0, lambda c: c + one, 0.0)
        assert w.dtype == np.float32 and not w.weak_type


def test_select_and_stop_gradient() -> None:
    p = jnp.array([True, False, True])
    np.testing.assert_array_equal(lax.select(p, jnp.ones(3), jnp.zeros(3)), [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(lax.select(True, jnp.ones(2), jnp.zeros(2)), [1.0, 1.0])
    x = jnp.array([1.0, 2.0])
    g = fad.grad(lambda x: jnp.sum(lax.stop_gradient({"a": x, "n": 3})["a"] * x))(x)
    np.testing.assert_array_equal(g, x)


# ---------------------------------------------------------------------------
# Errors at the API boundary
# ---------------------------------------------------------------------------


def test_branch_mismatches_name_the_branch_and_the_types() -> None:
    x = jnp.ones(3)
    with pytest.raises(TypeError, match=r"true_fun.*f64\[3\].*false_fun|false_fun.*true_fun"):
        lax.cond(True, lambda v: v, lambda v: v[:2], x)
    with pytest.raises(TypeError, match=r"output\[1\] has type f64\[3\] in false_fun and i64"):
        lax.cond(True, lambda v: (v, jnp.argmax(v)), lambda v: (v, v), x)
    with pytest.raises(TypeError, match=r"same pytree structure.*branches\[2\]"):
        lax.switch(0, [lambda v: v, lambda v: v, lambda v: (v, v)], x)
    with pytest.raises(ValueError, match="non-empty"):
        lax.switch(0, [], x)
    with pytest.raises(TypeError, match="pred must be a scalar"):
        lax.cond(jnp.array([True, False]), lambda v: v, lambda v: v, x)


def test_loop_mismatches_name_the_carry_and_the_types() -> None:
    with pytest.raises(TypeError, match=r"carry component init_val\[1\] has type f64\[\] on "
                       r"input and f64\[2\]"):  # fmt: skip
        lax.while_loop(  # the carry changes type: mypy rejects it too
            lambda c: c[0] < 3, lambda c: (c[0] + 1, jnp.ones(2)), (0, 1.0)  # type: ignore[arg-type, return-value]
        )
    with pytest.raises(TypeError, match="cond_fun must return a boolean scalar"):
        lax.while_loop(lambda c: c, lambda c: c, 1.0)
    with pytest.raises(TypeError, match=r"carry component init has type f64\[3\]"):
        lax.scan(lambda c, x: (c.sum(), x), jnp.ones(3), jnp.ones((2, 3)))
    with pytest.raises(TypeError, match=r"pair"):
        lax.scan(lambda c, x: c, 0.0, jnp.ones(2))  # type: ignore[arg-type, return-value]
    with pytest.raises(ValueError, match=r"inconsistent lengths.*xs\[1\] has leading size 3"):
        lax.scan(lambda c, x: (c, None), 0.0, (jnp.ones(2), jnp.ones(3)))
    with pytest.raises(ValueError, match="no values to scan over"):
        lax.scan(lambda c, x: (c, None), 0.0, None)


def test_traced_predicate_in_python_if_points_to_cond() -> None:
    with pytest.raises(fad.ConcretizationError, match=r"fad\.lax\.cond"):
        fad.jit(lambda x: x if x > 0 else -x)(1.0)


# ---------------------------------------------------------------------------
# Forward and reverse mode
# ---------------------------------------------------------------------------


def _cond_f(x: Array, w: Array) -> Any:
    return lax.cond(jnp.sum(x) > 0, lambda a: jnp.sin(a * w), lambda a: a * jnp.exp(w), x)


def _switch_f(i: int, x: Array, w: Array) -> Any:
    branches = [lambda a: jnp.sin(a * w), lambda a: a * jnp.exp(w), lambda a: a**3 + w]
    return lax.switch(i, branches, x)


def _scan_f(x: Array, w: Array) -> Array:
    def body(c: Array, xi: Array) -> tuple[Array, Array]:
        c2 = jnp.sin(c * w) + xi  # w is closed over
        return c2, c2 * c

    c, ys = lax.scan(body, jnp.ones(4), jnp.stack([x, 2 * x, x * x]))
    return jnp.sum(c) + jnp.sum(ys**2)


def test_derivatives_match_finite_differences() -> None:
    x, w = _rand(2, 4), _rand(3, 4)
    for f in (_cond_f, _scan_f):
        for args in ((x, w), (-x, w)):
            check_grads(f, args, order=2)
    for i in range(3):
        check_grads(functools.partial(_switch_f, i), (x, w), order=2)
    check_grads(lambda x: lax.fori_loop(0, 4, lambda i, c: jnp.tanh(c * 1.3) + i, x), (x,), 2)
    rev = lambda x: lax.scan(_scan_body, x[0], x, reverse=True)  # noqa: E731
    check_grads(rev, (_rand(4, 5, 2),), order=2)


def test_while_loop_forward_mode() -> None:
    def f(x: Array, n: Array) -> Array:
        def body(c: tuple[Array, Array]) -> tuple[Array, Array]:
            return c[0] + 1, jnp.sin(c[1]) * 1.5 + x  # x closed over

        return lax.while_loop(lambda c: c[0] < n, body, (jnp.asarray(0), x))[1]

    x = _rand(5, 3)
    check_jvp(lambda x: f(x, _i32(4)), lambda p, t: jvp(lambda x: f(x, _i32(4)), p, t),
              (x,))  # fmt: skip
    # Traced bounds under jit, jacfwd (vmap of jvp) and linearize all work in forward mode.
    jac = fad.jacfwd(fad.jit(f))(x, _i32(4))
    eps = 1e-6
    fd = np.stack(
        [(f(x + eps * e, _i32(4)) - f(x - eps * e, _i32(4))) / (2 * eps) for e in np.eye(3)],
        axis=1,
    )  # fmt: skip
    np.testing.assert_allclose(jac, fd, rtol=1e-6, atol=1e-8)
    _, f_jvp = linearize(lambda x: f(x, _i32(4)), x)
    np.testing.assert_allclose(f_jvp(jnp.ones(3)), jac @ np.ones(3), rtol=1e-12)


def test_reverse_mode_through_while_loop_explains_why_not() -> None:
    def f(x: Array) -> Any:
        return lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * 2.0), (0, x))[1]

    for g in (fad.grad(f), fad.grad(fad.jit(f)), fad.jit(fad.grad(f))):
        with pytest.raises(ValueError, match=r"Reverse-mode differentiation does not work for "
                           r"while_loop.*scan"):  # fmt: skip
            g(_f64(1.0))
    dyn = lambda n, x: lax.fori_loop(0, n, lambda i, c: c * 2.0, x)  # noqa: E731
    with pytest.raises(ValueError, match="fori_loop with dynamic"):
        fad.grad(fad.jit(dyn), argnums=1)(_i32(3), 1.0)
    # A loop that touches no differentiated value is fine, and so is one whose result the
    # output does not use (``grad`` transposes its linear program unpruned: the error is
    # raised where a cotangent reaches the loop).
    g = fad.grad(lambda x: x * f(_f64(1.0)))(2.0)
    assert float(g) == 8.0
    unused = lambda x: (f(x), x * 3.0)[1]  # noqa: E731

    def via_vjp(x: Array) -> Any:
        out, pullback = fad.vjp(unused, x)
        ct: Any = jnp.ones_like(out)
        return pullback(ct)[0]

    for h in (fad.grad(unused), via_vjp):
        assert float(h(_f64(2.0))) == 3.0


def test_closed_over_values_are_differentiated() -> None:
    def f(w: Array) -> Any:
        c = lax.cond(w > 0, lambda v: v * w, lambda v: v - w, _f64(2.0))
        s, _ = lax.scan(lambda c, x: (c * w + x, None), c, jnp.arange(3.0))
        return s

    # f(w) = ((2w * w + 0) * w + 1) * w + 2 = 2w^4 + w + 2 for w > 0.
    w = 0.7
    np.testing.assert_allclose(fad.grad(f)(_f64(w)), 8 * w**3 + 1, rtol=1e-12)
    np.testing.assert_allclose(jvp(f, (w,), (1.0,))[1], 8 * w**3 + 1, rtol=1e-12)


def test_vjp_is_transpose_of_jvp_for_nested_control_flow() -> None:
    def f(x: Array) -> Array:
        def outer(c: Array, xi: Array) -> tuple[Array, Array]:
            inner, _ = lax.scan(lambda d, y: (jnp.cos(d) * y, None), c, jnp.stack([xi, xi]))
            return lax.cond(xi[0] > 0, lambda v: v * 2.0, jnp.sin, inner), inner

        return lax.scan(outer, x[0], x)[1]

    x = _rand(6, 4, 3)
    v, u = _rand(7, 4, 3), _rand(8, 4, 3)
    _, jv = jvp(f, (x,), (v,))
    _, pullback = vjp(f, x)
    (jtu,) = pullback(u)
    np.testing.assert_allclose(np.sum(np.asarray(jv) * np.asarray(u)),
                               np.sum(np.asarray(v) * np.asarray(jtu)), rtol=1e-12)  # fmt: skip
    _close(fad.jit(fad.grad(lambda x: jnp.sum(f(x))))(x), fad.grad(lambda x: jnp.sum(f(x)))(x))
    h = fad.hessian(lambda x: jnp.sum(f(jnp.stack([x, 2 * x])) ** 2))(x[0])
    np.testing.assert_allclose(h, np.asarray(h).T, rtol=1e-10, atol=1e-12)


def test_scan_residuals_are_stacked_and_the_forward_pass_is_not_rerun() -> None:
    """Reverse mode runs the forward loop once, keeping per-iteration residuals; the linear
    program and its transpose contain a scan that applies no sin or cos."""
    xs = _rand(9, 6, 2)

    def f(c: Array) -> Any:
        return lax.scan(lambda c, x: (jnp.sin(c) * x, None), c, xs)[0]

    c0 = _rand(10, 2)
    lin = linearize_flat(f, [c0], tu.tree_structure((c0,)), False, "vjp")
    names = _prims(lambda t: lin.program(t)[0], c0)
    assert names.count("scan") == 1 and "sin" not in names and "cos" not in names, names
    # One stacked residual per iteration (the derivative cos(c) * x), none recomputed.
    assert any(c.shape == (6, 2) for c in lin.program.consts)
    _, pullback = vjp(f, c0)
    back = _prims(pullback, c0)
    assert "sin" not in back and "cos" not in back and "scan" in back
    scans = [e for e in fad.make_jaxpr(pullback)(c0).program.eqns if e.prim.name == "scan"]
    assert scans[0].params["reverse"] is True


def test_linear_transpose_of_loops() -> None:
    a = _rand(11, 3)

    def lin(v: Array) -> Any:
        return lax.fori_loop(0, 4, lambda i, c: c * a + v * i, v)

    # A loop counter carried next to the linear state is computed forward first.
    def lin_counter(v: Array) -> Array:
        def body(c: tuple[Array, Array], x: Array) -> tuple[tuple[Array, Array], Array]:
            k, s = c
            return (k + 1, s * a + x * k), s

        (_, s), ys = lax.scan(body, (_i32(0), v), jnp.stack([v, 2 * v]))
        return s + ys.sum(0)

    for f in (lin, lin_counter):
        jac = fad.jacfwd(f)(a)
        (t,) = linear_transpose(f, a)(jnp.ones(3))
        np.testing.assert_allclose(t, np.asarray(jac).T @ np.ones(3), rtol=1e-12)


# ---------------------------------------------------------------------------
# vmap
# ---------------------------------------------------------------------------


def test_batched_predicate_makes_cond_a_select() -> None:
    f: Callable[..., Any] = lambda p, x: lax.cond(p, jnp.sin, jnp.cos, x)  # noqa: E731
    ps, xs = jnp.array([True, False, True]), _rand(12, 3, 2)
    got = fad.vmap(f)(ps, xs)
    want = np.stack([f(bool(p), x) for p, x in zip(ps, xs, strict=True)])
    np.testing.assert_allclose(got, want, rtol=1e-14)
    names = _prims(fad.vmap(f), ps, xs)
    assert "cond" not in names and "select_n" in names
    # An unbatched predicate keeps one cond with batched branches.
    assert "cond" in _prims(fad.vmap(f, in_axes=(None, 0)), True, xs)
    i = jnp.array([2, -1, 0, 5])
    sw: Callable[..., Any] = lambda i, x: lax.switch(i, [jnp.sin, jnp.cos, jnp.tanh], x)  # noqa: E731
    np.testing.assert_allclose(
        fad.vmap(sw, in_axes=(0, None))(i, xs[0]),
        np.stack([sw(int(k), xs[0]) for k in i]), rtol=1e-14,
    )  # fmt: skip


def test_batched_while_predicate_runs_until_every_lane_is_done() -> None:
    def f(x: Array, limit: Array) -> tuple[Array, Array]:
        init = (jnp.asarray(0), x)
        return lax.while_loop(lambda c: c[1] < limit, lambda c: (c[0] + 1, c[1] * 2.0), init)

    xs = jnp.array([1.0, 3.0, 11.0, 0.1])
    limits = jnp.array([10.0, 100.0, 5.0, 50.0])
    for g in (fad.vmap(f), fad.jit(fad.vmap(f))):
        n, y = g(xs, limits)
        for k in range(4):
            n1, y1 = f(xs[k], limits[k])
            assert int(n[k]) == int(n1) and float(y[k]) == float(y1)
    # Batched body only (unbatched predicate): the loop stays a plain while.
    n, y = fad.vmap(f, in_axes=(0, None))(xs, _f64(10.0))
    assert [int(v) for v in n] == [int(f(x, _f64(10.0))[0]) for x in xs]


def test_scan_batching_axes() -> None:
    c0, xs, w = _rand(13, 3), _rand(14, 5, 3), _rand(15, 3)

    def f(w: Array, c: Array, xs: Array) -> Any:
        return lax.scan(lambda c, x: (jnp.tanh(c * w + x), c * x), c, xs)

    batch = 4
    ws, cs, xss = _rand(16, batch, 3), _rand(17, 3, batch), _rand(18, 5, batch, 3)
    cases: list[tuple[Any, tuple[Any, ...]]] = [
        ((0, None, None), (ws, c0, xs)),
        ((None, 1, None), (w, cs, xs)),
        ((None, None, 1), (w, c0, xss)),
        ((0, 1, 1), (ws, cs, xss)),
    ]
    for axes, args in cases:
        got = fad.vmap(f, in_axes=axes)(*args)
        lanes = []
        for k in range(batch):
            lane = [
                a if ax is None else np.take(np.asarray(a), k, axis=ax)
                for a, ax in zip(args, axes, strict=True)
            ]
            lanes.append(f(*(jnp.asarray(v) for v in lane)))
        for j in range(2):
            want = np.stack([np.asarray(ln[j]) for ln in lanes])
            np.testing.assert_allclose(got[j], want, rtol=1e-13, atol=1e-14)


def test_vmap_of_grad_and_grad_of_vmap() -> None:
    xs, w = _rand(19, 3, 4), _rand(20, 4)
    for f in (lambda x, w: jnp.sum(_cond_f(x, w)), _scan_f):
        vg = fad.vmap(fad.grad(f), in_axes=(0, None))(xs, w)
        loop = np.stack([fad.grad(f)(xs[k], w) for k in range(3)])
        np.testing.assert_allclose(vg, loop, rtol=1e-12, atol=1e-14)
        def total(w: Array, f: Callable[[Array, Array], Array] = f) -> Array:
            return jnp.sum(fad.vmap(f, in_axes=(0, None))(xs, w))

        gv = fad.grad(total)(w)
        np.testing.assert_allclose(gv, sum(fad.grad(f, 1)(xs[k], w) for k in range(3)), rtol=1e-12)


def test_lowering_uses_case_and_while() -> None:
    x = jnp.ones(3)
    text = fad.jit(lambda x: lax.cond(x[0] > 0, jnp.sin, jnp.cos, x)).lower(x).as_text()
    assert "stablehlo.case" in text
    text = (
        fad.jit(lambda x: lax.while_loop(lambda v: v[0] < 5.0, lambda v: v * 2.0, x))
        .lower(x)
        .as_text()
    )
    assert "stablehlo.while" in text


# ---------------------------------------------------------------------------
# Traces are cached per function object and signature
# ---------------------------------------------------------------------------

_GLOBAL_W = 2.0


def _reads_global_w(c: Array, x: Array) -> tuple[Array, Array]:
    return c * _GLOBAL_W + x, c


def _counted(f: Callable[..., Any]) -> tuple[Callable[..., Any], list[int]]:
    """``f`` with a counter of its calls (a list, mutated in place: rebinding a name the
    function reads would count as a change of what it reads, and retrace)."""
    n = [0]

    def g(*args: Any) -> Any:
        n[0] += 1
        return f(*args)

    return g, n


def test_eager_control_flow_traces_once_per_signature() -> None:
    xs, x = _rand(30, 5, 2), _rand(31, 2)

    def runs() -> Iterator[tuple[Callable[[Array, Array], Any], list[list[int]]]]:
        body, n_body = _counted(lambda c, x: (c * jnp.sin(x) + 1.0, c + x))
        yield (lambda x, xs: lax.scan(body, x, xs)), [n_body]
        t_fun, n_t = _counted(lambda x: jnp.sin(x) * 2.0)
        f_fun, n_f = _counted(lambda x: jnp.cos(x))
        yield (lambda x, xs: lax.cond(x[0] > 0, t_fun, f_fun, x)), [n_t, n_f]
        t_fun, n_t = _counted(lambda x: jnp.sin(x) * 2.0)
        f_fun, n_f = _counted(lambda x: jnp.cos(x))
        yield (lambda x, xs: lax.switch(1, [t_fun, f_fun], x)), [n_t, n_f]
        step, n_step = _counted(lambda i, c: c * 0.5 + i)
        yield (lambda x, xs: lax.fori_loop(0, 3, step, x)), [n_step]
        w_cond, n_wc = _counted(lambda c: c[0] < 4)
        w_body, n_wb = _counted(lambda c: (c[0] + 1, c[1] * 1.5))
        yield (lambda x, xs: lax.while_loop(w_cond, w_body, (_i32(0), x))), [n_wc, n_wb]
        m_fun, n_m = _counted(lambda x: jnp.sum(x * x))
        yield (lambda x, xs: lax.map(m_fun, xs)), [n_m]

    for run, counters in runs():
        first = run(x, xs)
        counts = [c[0] for c in counters]
        assert all(c >= 1 for c in counts)
        for k in range(3):
            again = run(_rand(40 + k, 2), _rand(50 + k, 5, 2))
            assert [c[0] for c in counters] == counts
        assert tu.tree_structure(again) == tu.tree_structure(first)
        # New avals (shape, dtype, weak type) and new structures are new signatures.
        run(_rand(32, 3), _rand(33, 5, 3))
        grown = [c[0] for c in counters]
        assert all(g > c for g, c in zip(grown, counts, strict=True))
        run(jnp.asarray(np.ones(3, np.float32)), jnp.asarray(np.ones((5, 3), np.float32)))
        assert all(c[0] > g for c, g in zip(counters, grown, strict=True))
    # Weak types are part of the signature (and a weak carry the body makes strong is
    # traced again, promoted).
    body, n_body = _counted(lambda c, x: (c * jnp.sin(x) + 1.0, c + x))
    lax.scan(body, _f64(1.0), xs[:, 0])
    lax.scan(body, _f64(1.0), xs[:, 0])
    assert n_body[0] == 1
    lax.scan(body, 1.0, xs[:, 0])
    lax.scan(body, 1.0, xs[:, 0])
    assert n_body[0] == 2  # the weak trace; its promotion is the strong one above
    # So is the structure of the operands.
    t_fun, n_t = _counted(lambda d: jnp.sin(d["a"]))
    f_fun, _ = _counted(lambda d: jnp.cos(d["a"]))
    for _ in range(2):
        lax.cond(True, t_fun, f_fun, {"a": x})
    assert n_t[0] == 1
    for _ in range(2):
        lax.cond(True, t_fun, f_fun, {"a": x, "b": x})
    assert n_t[0] == 2
    # And the x64 flag: the same avals trace again when it changes.
    x32 = jnp.asarray(np.ones(2, np.float32))
    lax.cond(True, t_fun, f_fun, {"a": x32})
    assert n_t[0] == 3
    with fad.config.enable_x64_scope(False):
        for _ in range(2):
            lax.cond(True, t_fun, f_fun, {"a": x32})
    assert n_t[0] == 4


def test_cached_traces_give_the_uncached_results() -> None:
    xs, x, w = _rand(34, 6, 3), _rand(35, 3), _rand(36, 3)

    def body(c: Array, x: Array) -> tuple[Array, Array]:
        return jnp.tanh(c * w + x), jnp.sum(c * x)

    def loss(b: Callable[[Array, Array], tuple[Array, Array]], x: Array) -> Array:
        c, ys = lax.scan(b, x, xs)
        c2 = lax.cond(jnp.sum(c) > 0, jnp.sin, jnp.cos, c)
        c3 = lax.fori_loop(0, 4, lambda i, v: b(v, xs[i])[0], c2)
        return jnp.sum(c3) + jnp.sum(ys)

    # functools.partial is not a plain function: traced on every call, as before caching.
    uncached = functools.partial(body)
    for k in range(3):
        xk = x * (k + 1)
        np.testing.assert_array_equal(loss(body, xk), loss(uncached, xk))
        np.testing.assert_array_equal(
            fad.grad(functools.partial(loss, body))(xk),
            fad.grad(functools.partial(loss, uncached))(xk),
        )
        jitted = fad.jit(functools.partial(loss, body))(xk)
        np.testing.assert_allclose(jitted, loss(uncached, xk), rtol=1e-13)
        vm = fad.vmap(functools.partial(loss, body))(jnp.stack([xk, -xk]))
        np.testing.assert_allclose(vm[1], loss(uncached, -xk), rtol=1e-13)


def test_traces_are_reused_under_grad_and_vmap() -> None:
    xs = _rand(37, 5, 2)
    body, n = _counted(lambda c, x: (jnp.sin(c) * x, c * c))
    g = fad.grad(lambda c: jnp.sum(lax.scan(body, c, xs)[1]))
    v = fad.vmap(lambda c: lax.scan(body, c, xs)[0])
    g(_rand(38, 2))
    v(_rand(39, 4, 2))
    before = n[0]
    for k in range(3):
        c = _rand(60 + k, 2)
        got = g(c)
        # The gradient of sum_t c_t^2 with c_{t+1} = sin(c_t) x_t, by hand.
        want, cs = np.zeros(2), [np.asarray(c)]
        for t in range(4):
            cs.append(np.sin(cs[-1]) * np.asarray(xs[t]))
        adj = np.zeros(2)
        for t in range(4, -1, -1):
            adj = adj + 2 * cs[t]
            if t > 0:
                adj = adj * np.cos(cs[t - 1]) * np.asarray(xs[t - 1])
        want = adj
        np.testing.assert_allclose(got, want, rtol=1e-12)
        v(_rand(70 + k, 4, 2))
    assert n[0] == before


def test_the_carried_program_is_one_object_across_calls() -> None:
    # So everything derived from it (JVP split, transpose, batched form) is derived once.
    xs = _rand(52, 3, 2)

    def body(c: Array, x: Array) -> tuple[Array, Array]:
        return c * x, c

    def small(v: Array) -> Array:
        return jnp.sum(v) < 10.0

    def double(v: Array) -> Array:
        return v * 2.0

    def fns(c: Array) -> Any:
        s = lax.scan(body, c, xs)[0]
        b = lax.cond(True, jnp.sin, jnp.cos, s)
        return fad.checkpoint(double)(lax.while_loop(small, double, b))

    def programs(c: Array) -> list[Any]:
        prog = fad.make_jaxpr(fns)(c)
        found: list[Any] = []
        for e in prog.program.eqns:
            for k in ("program", "branches", "cond_program", "body_program"):
                v = e.params.get(k)
                found.extend(v if isinstance(v, tuple) else [] if v is None else [v])
        return found

    first, again = programs(_rand(53, 2)), programs(_rand(54, 2))
    assert len(first) == 6 and all(a is b for a, b in zip(first, again, strict=True))


def test_values_closed_over_are_not_served_stale() -> None:
    xs, c0 = _rand(41, 4, 2), _rand(42, 2)

    def expect(w: Any) -> NDArray:
        c = np.asarray(c0)
        for t in range(4):
            c = c * np.asarray(w) + np.asarray(xs[t])
        return c

    # A closure over a variable that is rebound: each value is seen (a new trace).
    w: Any = 2.0

    def body(c: Array, x: Array) -> tuple[Array, Array]:
        return c * w + x, c

    for w in (2.0, 3.0, _rand(43, 2), _rand(44, 2)):
        np.testing.assert_allclose(lax.scan(body, c0, xs)[0], expect(w), rtol=1e-12)
    # ... also when it is rebound to a tracer of an enclosing transformation: the trace
    # that closed over the tracer sees it (and is not kept), the next one a value again.
    w = 2.0
    lax.scan(body, c0, xs)

    def loss(v: Array) -> Array:
        nonlocal w
        w = v
        return jnp.sum(lax.scan(body, c0, xs)[0])

    v0 = _f64(1.5)
    for _ in range(2):
        got = fad.grad(loss)(v0)
        want = (np.sum(expect(1.5 + 1e-6)) - np.sum(expect(1.5 - 1e-6))) / 2e-6
        np.testing.assert_allclose(got, want, rtol=1e-6)
    w = 2.0
    np.testing.assert_allclose(lax.scan(body, c0, xs)[0], expect(2.0), rtol=1e-12)
    # A global the function reads is guarded the same way.
    global _GLOBAL_W
    try:
        for _GLOBAL_W in (2.0, 0.5):
            got = lax.scan(_reads_global_w, c0, xs)[0]
            np.testing.assert_allclose(got, expect(_GLOBAL_W), rtol=1e-12)
    finally:
        _GLOBAL_W = 2.0
    # A function it read that is gone (now None) is a change too.
    h: Any = lambda c: c * 3.0  # noqa: E731

    def body_h(c: Array, x: Array) -> tuple[Array, Array]:
        return (c if h is None else h(c)) + x, c

    np.testing.assert_allclose(lax.scan(body_h, c0, xs)[0], expect(3.0), rtol=1e-12)
    h = None
    np.testing.assert_allclose(lax.scan(body_h, c0, xs)[0], expect(1.0), rtol=1e-12)
    # A closure made per call that closes over a tracer: every call is right.
    for k in range(3):
        v = _f64(0.5 + k)
        got = fad.grad(lambda v: jnp.sum(lax.scan(lambda c, x: (c * v + x, c), c0, xs)[0]))(v)
        want = (np.sum(expect(0.5 + k + 1e-6)) - np.sum(expect(0.5 + k - 1e-6))) / 2e-6
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_functions_that_are_not_plain_functions_are_traced_every_call() -> None:
    class Body:
        calls = 0

        def __call__(self, c: Array, x: Array) -> tuple[Array, Array]:
            Body.calls += 1
            return c + x, c

    body, xs = Body(), _rand(45, 3, 2)
    for k in range(3):
        lax.scan(body, _rand(46, 2), xs)
        assert Body.calls == k + 1


def test_a_dead_function_releases_its_traces() -> None:
    import gc
    import weakref

    from fad._src.interpreters.programs import traces

    def make(scale: float) -> Callable[..., Any]:
        def body(c: Array, x: Array) -> tuple[Array, Array]:
            _ = body  # a closure over itself: freed only by the cycle collector
            return c * scale + x, c

        return body

    xs = _rand(47, 3, 2)
    body = make(2.0)
    lax.scan(body, _rand(48, 2), xs)
    lax.scan(body, _rand(48, 3), _rand(49, 3, 3))
    lax.cond(True, body, body, _rand(48, 2), _rand(48, 2))
    assert traces.entries(body) == 3
    alive, ident = len(traces), id(body)
    ref = weakref.ref(body)
    del body
    gc.collect()
    assert ref() is None
    assert ident not in traces._store  # (other dead functions may have gone too)
    assert len(traces) < alive


def test_a_function_keeps_a_bounded_number_of_traces() -> None:
    from fad._src.interpreters.programs import traces

    def branch(x: Array) -> Array:
        return x + 1.0

    limit = traces.limit
    assert limit is not None
    for n in range(1, limit + 6):
        lax.cond(True, branch, branch, jnp.ones(n))
    assert traces.entries(branch) == limit
