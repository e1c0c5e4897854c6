"""custom_jvp and custom_vjp: the rules are used under every transformation (JAX's semantics).

Truths: closed forms for the derivatives the rules define (deliberately different
from the true derivative where that shows which one is used), finite differences
where the rule is exact, per-lane loops for ``vmap`` and eager runs for ``jit``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp
from fad import Cotangent, Tangent, lax
from fad._src.core import Array
from fad._src.custom_derivatives import SymbolicZero
from fad.test_util import check_grads

jvp: Any = fad.jvp
vjp: Any = fad.vjp
linearize: Any = fad.linearize
linear_transpose: Any = fad.linear_transpose


@pytest.fixture(autouse=True)
def x64() -> Iterator[None]:
    with fad.config.enable_x64_scope(True):
        yield


def _f64(v: Any) -> Array:
    return jnp.asarray(np.asarray(v, np.float64))


# ---------------------------------------------------------------------------
# custom_jvp
# ---------------------------------------------------------------------------


@fad.custom_jvp
def triple_slope(x: Array) -> Array:
    """``sin(x)``, with a rule that claims the derivative is ``3 cos(x)`` (to see it used)."""
    return jnp.sin(x)


@triple_slope.defjvp
def _triple_slope_jvp(
    primals: tuple[Array], tangents: Tangent[tuple[Array]]
) -> tuple[Array, Tangent[Array]]:
    (x,), (t,) = primals, fad.unpack(tangents)
    return triple_slope(x), t * (3.0 * jnp.cos(x))


def test_custom_jvp_rule_is_used_by_every_transformation() -> None:
    x = _f64([0.1, 0.7, -1.2])
    want = 3 * np.cos(np.asarray(x))
    np.testing.assert_allclose(triple_slope(x), np.sin(np.asarray(x)))
    np.testing.assert_allclose(jvp(triple_slope, (x,), (jnp.ones(3),))[1], want, rtol=1e-14)
    g = fad.grad(lambda x: jnp.sum(triple_slope(x)))
    for h in (g, fad.jit(g), fad.grad(fad.jit(lambda x: jnp.sum(triple_slope(x))))):
        np.testing.assert_allclose(h(x), want, rtol=1e-14)
    np.testing.assert_allclose(fad.vmap(fad.grad(triple_slope))(x), want, rtol=1e-14)
    np.testing.assert_allclose(np.diag(fad.jacfwd(triple_slope)(x)), want, rtol=1e-14)
    np.testing.assert_allclose(np.diag(fad.jacrev(fad.vmap(triple_slope))(x)), want, rtol=1e-14)
    # Second order differentiates the rule: d/dx 3 cos(x) = -3 sin(x).
    g2 = fad.grad(fad.grad(lambda x: triple_slope(x)))(_f64(0.4))
    np.testing.assert_allclose(g2, -3 * np.sin(0.4), rtol=1e-14)
    # The rule inside a scan and under linearize.
    _, f_jvp = linearize(lambda x: lax.scan(lambda c, v: (c + triple_slope(v), None), 0.0, x)[0], x)
    np.testing.assert_allclose(f_jvp(jnp.ones(3)), want.sum(), rtol=1e-14)


def test_log1pexp_gradient_is_finite_where_the_naive_one_is_nan() -> None:
    @fad.custom_jvp
    def log1pexp(x: Array) -> Array:
        return jnp.log1p(jnp.exp(x))

    @log1pexp.defjvp
    def _(primals: tuple[Array], tangents: Tangent[tuple[Array]]) -> tuple[Array, Tangent[Array]]:
        (x,), (t,) = primals, fad.unpack(tangents)
        return log1pexp(x), t / (1 + jnp.exp(-x))

    with fad.config.enable_x64_scope(False):
        naive = fad.grad(lambda x: jnp.log1p(jnp.exp(x)))(jnp.asarray(np.float32(100.0)))
        assert np.isnan(naive)
        for x in (-20.0, 0.0, 3.0, 100.0):
            g = fad.grad(log1pexp)(jnp.asarray(np.float32(x)))
            np.testing.assert_allclose(g, 1 / (1 + np.exp(-x)), rtol=1e-6, atol=1e-30)


def test_defjvps_and_symbolic_zeros_skip_unused_tangents() -> None:
    calls: list[str] = []

    @fad.custom_jvp
    def f(x: Array, y: Array) -> Array:
        return x * jnp.sin(y)

    def dx(t: Tangent[Array], ans: Array, x: Array, y: Array) -> Tangent[Array]:
        calls.append("x")
        return t * jnp.sin(y)

    def dy(t: Tangent[Array], ans: Array, x: Array, y: Array) -> Tangent[Array]:
        calls.append("y")
        return t * x * jnp.cos(y)

    f.defjvps(dx, dy)
    x, y = _f64(1.5), _f64(0.3)
    np.testing.assert_allclose(fad.grad(f, 1)(x, y), 1.5 * np.cos(0.3), rtol=1e-14)
    assert calls == ["y"]  # no tangent for x: its rule never ran
    check_grads(f, (x, y), order=2)

    seen: list[Any] = []

    @fad.custom_jvp
    def g(x: Array, y: Array) -> Array:
        return x * y

    # With symbolic zeros the tangents are typed Any: they may be SymbolicZero.
    def g_jvp(p: tuple[Array, Array], t: tuple[Any, Any]) -> tuple[Array, Any]:
        seen.append(t)
        x, y = p
        tx, ty = t
        parts = [] if isinstance(tx, SymbolicZero) else [tx * y]
        parts += [] if isinstance(ty, SymbolicZero) else [ty * x]
        return g(x, y), sum(parts[1:], parts[0]) if parts else SymbolicZero(
            fad.ShapedArray((), np.dtype(np.float64))
        )

    g.defjvp(g_jvp, symbolic_zeros=True)
    np.testing.assert_allclose(fad.grad(g)(x, y), 0.3, rtol=1e-14)
    assert isinstance(seen[-1][1], SymbolicZero) and seen[-1][1].shape == ()


def test_nondiff_argnums_and_keyword_arguments() -> None:
    @functools.partial(fad.custom_jvp, nondiff_argnums=(0,))
    def apply(fn: Any, x: Array, scale: Array) -> Array:
        out: Array = fn(x) * scale
        return out

    @apply.defjvp
    def _(
        fn: Any, primals: tuple[Array, Array], tangents: Tangent[tuple[Array, Array]]
    ) -> tuple[Array, Tangent[Array]]:
        x, s = primals
        tx, ts = fad.unpack(tangents)
        _, dfn = fad.jvp(fn, (x,), (tx,))
        return apply(fn, x, s), dfn * s + ts * fn(x)

    x, s = _f64(0.8), _f64(2.0)
    # Keywords bind at run time; the static type describes positional calls only.
    apply_kw: Any = apply
    np.testing.assert_allclose(fad.grad(lambda x: apply_kw(jnp.tanh, x, scale=s))(x),
                               2.0 * (1 - np.tanh(0.8) ** 2), rtol=1e-14)  # fmt: skip
    np.testing.assert_allclose(fad.grad(lambda s: apply(jnp.tanh, x, s))(s), np.tanh(0.8))


def test_custom_jvp_errors() -> None:
    @fad.custom_jvp
    def f(x: Array) -> Array:
        return jnp.sin(x)

    with pytest.raises(AttributeError, match="No JVP defined"):
        f(_f64(1.0))
    # Wrong rules, which mypy rejects, are caught at run time too (through an Any alias).
    f_untyped: Any = f
    f_untyped.defjvp(lambda p, t: (f(p[0]), (t[0], t[0])))
    with pytest.raises(TypeError, match=r"structure of the function's output.*tangent output"):
        fad.grad(f)(_f64(1.0))
    f_untyped.defjvp(lambda p, t: (f(p[0]), jnp.ones(3)))
    with pytest.raises(ValueError, match=r"tangent output 0 has shape \(3,\)"):
        fad.grad(f)(_f64(1.0))
    # Differentiating a value the function closes over is an error, as in JAX.
    f.defjvp(lambda p, t: (f(p[0]), t[0]))

    def closes_over(w: Array) -> Array:
        @fad.custom_jvp
        def h(x: Array) -> Array:
            return x * w

        h.defjvp(lambda p, t: (h(p[0]), t[0] * w))
        return h(_f64(2.0))

    with pytest.raises(TypeError, match="closed-over value"):
        fad.grad(closes_over)(_f64(3.0))


# ---------------------------------------------------------------------------
# custom_vjp
# ---------------------------------------------------------------------------


@functools.partial(fad.custom_vjp, nondiff_argnums=(0, 1))
def clip_gradient(lo: float, hi: float, x: Array) -> Array:
    return x


def _clip_fwd(lo: float, hi: float, x: Array) -> tuple[Array, None]:
    return x, None


def _clip_bwd(lo: float, hi: float, res: None, g: Cotangent[Array]) -> Cotangent[tuple[Array]]:
    return fad.pack(fad.cotangent(jnp.clip(fad.primal_of(g), lo, hi)))


clip_gradient.defvjp(_clip_fwd, _clip_bwd)


def test_custom_vjp_bwd_is_used_by_reverse_mode_everywhere() -> None:
    x = _f64([1.0, -2.0, 0.5])

    def loss(x: Array) -> Array:
        return jnp.sum(clip_gradient(-0.5, 0.5, x) * jnp.array([3.0, -0.2, 0.1]))

    want = np.clip([3.0, -0.2, 0.1], -0.5, 0.5)
    for g in (fad.grad(loss), fad.jit(fad.grad(loss)), fad.grad(fad.jit(loss))):
        np.testing.assert_allclose(g(x), want, rtol=1e-14)
    # vmap of grad, grad of vmap: the batched fwd/bwd clip per lane.
    xs = jnp.stack([x, 2 * x])
    np.testing.assert_allclose(fad.vmap(fad.grad(loss))(xs), np.stack([want, want]))
    gv = fad.grad(lambda xs: jnp.sum(fad.vmap(loss)(xs)))(xs)
    np.testing.assert_allclose(gv, np.stack([want, want]))
    jac = fad.jacrev(lambda x: clip_gradient(-0.5, 0.5, x) * 3.0)(x)
    np.testing.assert_allclose(jac, 0.5 * np.eye(3))


def test_custom_vjp_with_residuals_pytrees_and_second_order() -> None:
    @fad.custom_vjp
    def f(p: dict[str, Array], x: Array) -> Array:
        return jnp.sin(p["w"] * x)

    def fwd(p: dict[str, Array], x: Array) -> tuple[Array, tuple[Array, Array, Array]]:
        return f(p, x), (p["w"], x, jnp.cos(p["w"] * x))

    def bwd(
        res: tuple[Array, Array, Array], g: Cotangent[Array]
    ) -> Cotangent[tuple[dict[str, Array], Array]]:
        w, x, c = res
        gc = fad.primal_of(g) * c
        return fad.cotangent(({"w": jnp.sum(gc * x)}, gc * w))

    f.defvjp(fwd, bwd)
    p, x = {"w": _f64(1.3)}, _f64([0.2, -0.4])

    def loss(p: dict[str, Array], x: Array) -> Array:
        return jnp.sum(f(p, x))

    gp, gx = fad.grad(loss, (0, 1))(p, x)
    xn = np.asarray(x)
    np.testing.assert_allclose(gp["w"], np.sum(np.cos(1.3 * xn) * xn), rtol=1e-14)
    np.testing.assert_allclose(gx, np.cos(1.3 * xn) * 1.3, rtol=1e-14)
    # grad of grad differentiates bwd.
    h = fad.grad(lambda x: fad.grad(lambda x: jnp.sum(f(p, x)))(x)[0])(x)
    np.testing.assert_allclose(h, [-(1.3**2) * np.sin(1.3 * 0.2), 0.0], rtol=1e-12, atol=1e-15)


def test_custom_vjp_errors() -> None:
    @fad.custom_vjp
    def f(x: Array, y: Array) -> Array:
        return x * y

    with pytest.raises(AttributeError, match="No VJP defined"):
        f(_f64(1.0), _f64(2.0))
    # JAX-style bwd rules (bare tuples, None for a zero) run; mypy wants a Cotangent.
    f_untyped: Any = f
    f_untyped.defvjp(lambda x, y: (x * y, (x, y)), lambda res, g: (g * res[1],))
    with pytest.raises(
        TypeError, match=r"expected PyTreeDef\(\(\*, \*\)\), but got PyTreeDef\(\(\*,\)\)"
    ):
        fad.grad(f)(_f64(1.0), _f64(2.0))
    f_untyped.defvjp(lambda x, y: (x * y, (x, y)), lambda res, g: (g * res[1], {"y": g}))
    with pytest.raises(TypeError, match="entry 1 of the output has structure"):
        fad.grad(f)(_f64(1.0), _f64(2.0))
    f_untyped.defvjp(lambda x, y: (x * y, (x, y)), lambda res, g: (g * res[1], None))
    np.testing.assert_allclose(fad.grad(f, (0, 1))(_f64(1.0), _f64(2.0)), (2.0, 0.0))
    with pytest.raises(TypeError, match="forward-mode"):
        jvp(lambda x: f(x, _f64(2.0)), (_f64(1.0),), (_f64(1.0),))
    with pytest.raises(TypeError, match="forward-mode"):  # staged: the compiler would meet it
        fad.jit(lambda x: jvp(lambda x: f(x, _f64(2.0)), (x,), (x,)))(_f64(1.0))


def test_custom_vjp_lin_batches_its_bwd() -> None:
    """vmap of the tangent part, then transposed: the batched bwd runs (forward from reverse)."""

    @fad.custom_vjp
    def f(x: Array) -> Array:
        return jnp.sin(x)

    f.defvjp(lambda x: (jnp.sin(x), jnp.cos(x)), lambda c, g: fad.pack(g * c))
    x = _f64([0.3, 1.1])
    _, f_jvp = linearize(f, x)
    ts = jnp.asarray(np.random.default_rng(0).standard_normal((4, 2)))
    (cts,) = linear_transpose(fad.vmap(f_jvp), ts)(ts)
    np.testing.assert_allclose(cts, np.asarray(ts) * np.cos(np.asarray(x)), rtol=1e-14)


@pytest.mark.parametrize("typed", [True, False], ids=["typed", "jax_style"])
def test_untyped_jax_style_rules_run_like_typed_ones(typed: bool) -> None:
    """The static types change nothing at run time: bare-array (JAX-style) rules run as before."""

    def make_jvp(typed: bool) -> Any:
        @fad.custom_jvp
        def f(x: Array, y: Array) -> Array:
            return jnp.sin(x) * y

        def typed_rule(
            p: tuple[Array, Array], t: Tangent[tuple[Array, Array]]
        ) -> tuple[Array, Tangent[Array]]:
            (x, y), (tx, ty) = p, fad.unpack(t)
            return f(x, y), tx * (jnp.cos(x) * y) + ty * jnp.sin(x)

        def untyped_rule(p: Any, t: Any) -> Any:
            (x, y), (tx, ty) = p, t
            return f(x, y), jnp.cos(x) * y * tx + jnp.sin(x) * ty

        f_any: Any = f
        f_any.defjvp(typed_rule if typed else untyped_rule)
        return f

    def make_vjp(typed: bool) -> Any:
        @fad.custom_vjp
        def f(x: Array) -> Array:
            return jnp.sin(x)

        def fwd(x: Array) -> tuple[Array, Array]:
            return jnp.sin(x), jnp.cos(x)

        def typed_bwd(c: Array, g: Cotangent[Array]) -> Cotangent[tuple[Array]]:
            return fad.pack(g * c)

        def untyped_bwd(c: Any, g: Any) -> Any:
            return (g * c,)

        f_any: Any = f
        f_any.defvjp(fwd, typed_bwd if typed else untyped_bwd)
        return f

    x, y = _f64([0.3, -1.2]), _f64([2.0, 0.5])
    xn, yn = np.asarray(x), np.asarray(y)
    f, h = make_jvp(typed), make_vjp(typed)
    _, t = jvp(f, (x, y), (jnp.ones(2), jnp.ones(2)))
    np.testing.assert_allclose(t, np.cos(xn) * yn + np.sin(xn), rtol=1e-14)

    def loss(a: Array, b: Array) -> Array:
        out: Array = f(a, b)
        return jnp.sum(out)

    gx, gy = fad.grad(loss, (0, 1))(x, y)
    np.testing.assert_allclose(gx, np.cos(xn) * yn, rtol=1e-14)
    np.testing.assert_allclose(gy, np.sin(xn), rtol=1e-14)
    np.testing.assert_allclose(fad.grad(lambda a: jnp.sum(h(a)))(x), np.cos(xn), rtol=1e-14)
