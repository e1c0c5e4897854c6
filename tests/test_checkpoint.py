"""checkpoint / remat: fewer saved residuals, recomputation in the backward pass, unchanged
values and derivatives.

Residuals are counted as the constants of the linear program reverse mode builds
(``linearize_flat(...).program.consts``); recomputation is observed by counting the
primitives the pullback applies. Truths: the same function without ``checkpoint``,
and finite differences.
"""

from __future__ import annotations

import collections
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
from fad.test_util import check_grads

vjp: Any = fad.vjp


@pytest.fixture(autouse=True)
def x64() -> Iterator[None]:
    with fad.config.enable_x64_scope(True):
        yield


def _rand(seed: int, *shape: int) -> Array:
    return jnp.asarray(np.random.default_rng(seed).standard_normal(shape))


def _residuals(f: Callable[..., Any], *args: Array) -> list[Array]:
    lin = linearize_flat(f, list(args), tu.tree_structure(args), False, "vjp")
    return list(lin.program.consts)


W_NP = np.random.default_rng(0).standard_normal((4, 4))


def mlp(x: Array) -> Array:
    W = jnp.asarray(W_NP)
    h = jnp.tanh(W @ x)
    h = jnp.tanh(W @ jnp.sin(h))
    return jnp.tanh(W @ h)


def _prims(fun: Callable[..., Any], *args: Any) -> collections.Counter[str]:
    """How often each primitive occurs in the staged ``fun``, sub-programs included."""
    counts: collections.Counter[str] = collections.Counter()

    def walk(prog: Any) -> None:
        for e in prog.eqns:
            counts[e.prim.name] += 1
            for v in e.params.values():
                for p in v if isinstance(v, tuple) else (v,):
                    if hasattr(p, "program") and hasattr(p, "consts"):
                        walk(p.program)

    walk(fad.make_jaxpr(fun)(*args).program)
    return counts


def test_values_and_gradients_are_unchanged() -> None:
    x = _rand(1, 4)

    def loss(f: Callable[[Array], Array]) -> Callable[[Array], Array]:
        return lambda x: jnp.sum(f(x) ** 2)

    want = fad.grad(loss(mlp))(x)
    for policy in (None, fad.checkpoint_policies.dots_saveable,
                   fad.checkpoint_policies.everything_saveable):  # fmt: skip
        f = fad.checkpoint(mlp, policy=policy)
        np.testing.assert_allclose(f(x), mlp(x), rtol=1e-15)
        for g in (fad.grad(loss(f)), fad.jit(fad.grad(loss(f))), fad.grad(fad.jit(loss(f)))):
            np.testing.assert_allclose(g(x), want, rtol=1e-12)
    check_grads(fad.remat(mlp), (x,), order=2)


def test_saved_residuals_drop_with_the_policy() -> None:
    x = _rand(2, 4)
    plain = _residuals(mlp, x)
    nothing = _residuals(fad.checkpoint(mlp), x)
    dots = _residuals(fad.checkpoint(mlp, policy=fad.checkpoint_policies.dots_saveable), x)
    everything = _residuals(
        fad.checkpoint(mlp, policy=fad.checkpoint_policies.everything_saveable), x
    )
    # Nothing saveable: only the input is kept. Dots: the three matrix products instead.
    assert [c.shape for c in nothing] == [(4,)]
    assert len(dots) == 3 and all(c.shape == (4, 1) for c in dots)
    # Everything saveable keeps what plain reverse mode keeps (plain also keeps W itself,
    # which the checkpointed program holds as its own constant).
    assert len(nothing) < len(dots) < len(everything) == len(plain) - 1


def test_the_backward_pass_recomputes() -> None:
    x = _rand(3, 4)
    for f, recomputes in ((mlp, False), (fad.checkpoint(mlp), True)):
        _, pullback = vjp(f, x)
        counts = _prims(pullback, jnp.ones(4))
        # The forward's nonlinear ops (tanh, sin) run again only under checkpoint.
        assert (counts["tanh"] > 0) == recomputes, counts
        assert (counts["sin"] > 0) == recomputes, counts


def test_checkpointed_scan_body_stores_only_carries() -> None:
    xs = _rand(4, 6, 4)

    def body(c: Array, x: Array) -> tuple[Array, None]:
        return mlp(c + x), None

    def run(b: Callable[[Array, Array], tuple[Array, None]]) -> Callable[[Array], Array]:
        return lambda c: lax.scan(b, c, xs)[0]

    c0 = _rand(5, 4)
    plain = _residuals(run(body), c0)
    remat = _residuals(run(fad.checkpoint(body)), c0)

    def size(cs: list[Array]) -> int:
        return sum(int(np.prod(c.shape)) for c in cs)

    assert size(remat) < size(plain)
    assert any(c.shape == (6, 4) for c in remat)  # the carry of every iteration
    np.testing.assert_allclose(
        fad.grad(lambda c: jnp.sum(run(fad.checkpoint(body))(c)))(c0),
        fad.grad(lambda c: jnp.sum(run(body)(c)))(c0), rtol=1e-12,
    )  # fmt: skip


def test_vmap_static_argnums_and_lowering() -> None:
    def f(x: Array, power: int) -> Array:
        return jnp.sin(x) ** power

    g = fad.checkpoint(f, static_argnums=(1,))
    xs = _rand(6, 3, 2)
    np.testing.assert_allclose(fad.vmap(lambda x: g(x, 3))(xs), np.sin(np.asarray(xs)) ** 3)
    vg = fad.vmap(fad.grad(lambda x: jnp.sum(g(x, 3))))(xs)
    xn = np.asarray(xs)
    np.testing.assert_allclose(vg, 3 * np.sin(xn) ** 2 * np.cos(xn), rtol=1e-12)
    text = fad.jit(fad.grad(lambda x: jnp.sum(g(x, 2)))).lower(xs[0]).as_text()
    assert "stablehlo.optimization_barrier" in text
    with pytest.raises(TypeError, match="static_argnums"):
        bad: Any = "two"
        fad.checkpoint(f)(xs[0], bad)


def test_hessian_through_checkpoint() -> None:
    x = _rand(7, 4)
    h = fad.hessian(lambda x: jnp.sum(fad.checkpoint(mlp)(x)))(x)
    np.testing.assert_allclose(h, fad.hessian(lambda x: jnp.sum(mlp(x)))(x), rtol=1e-10, atol=1e-12)


def test_the_function_is_traced_once_per_signature() -> None:
    n = [0]  # mutated in place: rebinding a name the function reads would retrace it

    def f(x: Array, power: Any) -> Array:
        n[0] += 1
        y: Array = jnp.sin(x) ** (power[0] if isinstance(power, list) else power)
        return y

    g = fad.checkpoint(f, static_argnums=(1,))
    x = _rand(8, 3)
    want = np.sin(np.asarray(x)) ** 2
    for _ in range(3):
        np.testing.assert_allclose(g(x, 2), want, rtol=1e-13)
        np.testing.assert_allclose(
            fad.grad(lambda x: jnp.sum(g(x, 2)))(x), 2 * np.sin(np.asarray(x)) * np.cos(x),
            rtol=1e-12,
        )  # fmt: skip
    assert n[0] == 1
    g(x, 3)  # another static value
    g(x, 3.0)  # equal, but of another type
    g(_rand(9, 4), 3)  # another shape
    assert n[0] == 4
    g(x, 3)
    assert n[0] == 4
    for _ in range(2):  # an unhashable static argument: traced on every call
        np.testing.assert_allclose(g(x, [2]), want, rtol=1e-13)
    assert n[0] == 6
    # A second checkpoint of the same function shares its traces.
    fad.checkpoint(f, static_argnums=(1,), policy=fad.checkpoint_policies.dots_saveable)(x, 2)
    assert n[0] == 6


def test_a_dead_function_releases_its_traces() -> None:
    import gc
    import weakref

    from fad._src.interpreters.programs import traces

    def make() -> Callable[[Array], Array]:
        def f(x: Array) -> Array:
            return jnp.sin(x) * 2.0

        return f

    def use(f: Callable[[Array], Array]) -> None:
        g = fad.checkpoint(f)
        g(_rand(10, 3))
        fad.grad(lambda x: jnp.sum(g(x)))(_rand(10, 3))

    f = make()
    use(f)
    assert traces.entries(f) == 1
    alive, ident = len(traces), id(f)
    ref = weakref.ref(f)
    del f
    gc.collect()
    assert ref() is None
    assert ident not in traces._store  # (other dead functions may have gone too)
    assert len(traces) < alive
