"""Collectives over named axes under vmap: each against its loop formula (numpy over the
members), its JVP against central finite differences, its transpose against the JVP
(adjointness), and the behaviour JAX 0.10.2 shows (values recorded from it below).

These are the collectives' laws: the generic law suite (tests/laws) drives primitives
outside any named axis, where a collective has no meaning.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fad
import fad.numpy as jnp
from fad import lax

N = 3  # members of the named axis

# Each case: the collective applied per member, and the same computed with numpy from the
# stacked members (the loop formula: member i's output from all members' inputs).
Case = tuple[Callable[[Any], Any], Callable[[np.ndarray], np.ndarray], tuple[int, ...]]


def _stack(fn: Callable[[int, np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    return lambda xs: np.stack([fn(i, xs) for i in range(xs.shape[0])])


def _a2a(i: int, xs: np.ndarray) -> np.ndarray:
    # member i receives piece i (along split axis 0) of every member, stacked at axis 1
    return np.stack([xs[j][i] for j in range(xs.shape[0])], axis=1)


def _a2a_tiled(i: int, xs: np.ndarray) -> np.ndarray:
    k = xs.shape[1] // N
    return np.concatenate([xs[j][i * k : (i + 1) * k] for j in range(N)], axis=1)


def _perm(i: int, xs: np.ndarray, perm: list[tuple[int, int]]) -> np.ndarray:
    src = {d: s for s, d in perm}
    return xs[src[i]] if i in src else np.zeros_like(xs[0])


SHIFT = [(0, 1), (1, 2), (2, 0)]
PARTIAL = [(0, 2), (2, 1)]

CASES: dict[str, Case] = {
    "psum": (lambda v: lax.psum(v, "i"), _stack(lambda i, xs: xs.sum(0)), (2,)),
    "pmean": (lambda v: lax.pmean(v, "i"), _stack(lambda i, xs: xs.mean(0)), (2,)),
    "pmax": (lambda v: lax.pmax(v, "i"), _stack(lambda i, xs: xs.max(0)), (2,)),
    "pmin": (lambda v: lax.pmin(v, "i"), _stack(lambda i, xs: xs.min(0)), (2,)),
    "all_gather": (lambda v: lax.all_gather(v, "i"), _stack(lambda i, xs: xs), (2,)),
    "all_gather_axis1": (
        lambda v: lax.all_gather(v, "i", axis=1),
        _stack(lambda i, xs: np.moveaxis(xs, 0, 1)),
        (2, 2),
    ),
    "all_gather_tiled": (
        lambda v: lax.all_gather(v, "i", tiled=True),
        _stack(lambda i, xs: xs.reshape(-1, *xs.shape[2:])),
        (2, 2),
    ),
    "psum_scatter": (
        lambda v: lax.psum_scatter(v, "i"), _stack(lambda i, xs: xs.sum(0)[i]), (N, 2)
    ),
    "psum_scatter_tiled": (
        lambda v: lax.psum_scatter(v, "i", scatter_dimension=1, tiled=True),
        _stack(lambda i, xs: xs.sum(0)[:, 2 * i : 2 * i + 2]),
        (2, 2 * N),
    ),
    "all_to_all": (lambda v: lax.all_to_all(v, "i", 0, 1), _stack(_a2a), (N, 2)),
    "all_to_all_tiled": (
        lambda v: lax.all_to_all(v, "i", 0, 1, tiled=True),
        _stack(_a2a_tiled),
        (2 * N, 2),
    ),
    "ppermute": (
        lambda v: lax.ppermute(v, "i", SHIFT),
        _stack(lambda i, xs: _perm(i, xs, SHIFT)),
        (2,),
    ),
    "ppermute_partial": (
        lambda v: lax.ppermute(v, "i", PARTIAL),
        _stack(lambda i, xs: _perm(i, xs, PARTIAL)),
        (2,),
    ),
}

NAMES = sorted(CASES)


def _members(shape: tuple[int, ...], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(N, *shape)).astype(np.float64)


@pytest.mark.parametrize("name", NAMES)
def test_vmap_equals_loop_formula(name: str) -> None:
    fn, formula, shape = CASES[name]
    xs = _members(shape, 0).astype(np.float32)
    got = fad.vmap(fn, axis_name="i")(jnp.asarray(xs))
    np.testing.assert_allclose(got, formula(xs), rtol=1e-6, atol=1e-6)
    # the same inside jit, and with the batch axis elsewhere
    got_jit = fad.jit(fad.vmap(fn, axis_name="i"))(jnp.asarray(xs))
    np.testing.assert_allclose(got_jit, formula(xs), rtol=1e-6, atol=1e-6)
    moved = np.moveaxis(xs, 0, -1)
    got_moved = fad.vmap(fn, in_axes=-1, axis_name="i")(jnp.asarray(moved))
    np.testing.assert_allclose(got_moved, formula(xs), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_jvp_matches_finite_differences(name: str, seed: int) -> None:
    fn, formula, shape = CASES[name]
    with fad.config.enable_x64_scope(True):
        xs, ts = _members(shape, seed), _members(shape, seed + 1)
        _, tangent = fad.vmap(lambda x, t: fad.jvp(fn, (x,), (t,)), axis_name="i")(
            jnp.asarray(xs), jnp.asarray(ts)
        )
        eps = 1e-6
        fd = (formula(xs + eps * ts) - formula(xs - eps * ts)) / (2 * eps)
        np.testing.assert_allclose(np.asarray(tangent), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_transpose_is_adjoint(name: str, seed: int) -> None:
    """<ct, J t> == <J^T ct, t> summed over the members, J^T from vjp (the transpose)."""
    fn, _, shape = CASES[name]
    with fad.config.enable_x64_scope(True):
        xs, ts = _members(shape, seed), _members(shape, seed + 1)
        jt = fad.vmap(lambda x, t: fad.jvp(fn, (x,), (t,))[1], axis_name="i")(
            jnp.asarray(xs), jnp.asarray(ts)
        )
        cts = np.random.default_rng(seed + 2).normal(size=np.shape(jt))
        jct = fad.vmap(lambda x, c: fad.vjp(fn, x)[1](c)[0], axis_name="i")(
            jnp.asarray(xs), jnp.asarray(cts)
        )
        np.testing.assert_allclose(
            np.vdot(cts, np.asarray(jt)), np.vdot(np.asarray(jct), ts), rtol=1e-10
        )


def test_values_recorded_from_jax() -> None:
    """Gradients through collectives, as JAX 0.10.2 gives them."""
    x = jnp.arange(3.0)
    g = fad.vmap(fad.grad(lambda v: lax.psum(v, "i")), axis_name="i")(x)
    np.testing.assert_array_equal(g, [3.0, 3.0, 3.0])
    g = fad.vmap(fad.grad(lambda v: lax.psum(v**2, "i")), axis_name="i")(x)
    np.testing.assert_array_equal(g, [0.0, 6.0, 12.0])
    g = fad.vmap(
        fad.grad(lambda v: jnp.sum(lax.all_gather(v, "i") * jnp.arange(3.0))), axis_name="i"
    )(x)
    np.testing.assert_array_equal(g, [0.0, 3.0, 6.0])
    g = fad.vmap(fad.grad(lambda v: lax.ppermute(v, "i", SHIFT) * 2.0), axis_name="i")(x)
    np.testing.assert_array_equal(g, [2.0, 2.0, 2.0])
    p, t = fad.vmap(
        lambda v: fad.jvp(lambda u: lax.psum(u**2, "i"), (v,), (fad.tangent(jnp.ones(())),)),
        axis_name="i",
    )(x)
    np.testing.assert_array_equal(p, [5.0, 5.0, 5.0])
    np.testing.assert_array_equal(t, [6.0, 6.0, 6.0])
    np.testing.assert_array_equal(
        fad.vmap(lambda v: lax.psum(2.0, "i"), axis_name="i")(x), [6.0, 6.0, 6.0]
    )
    np.testing.assert_array_equal(
        fad.vmap(lambda v: v + lax.axis_index("i"), axis_name="i")(jnp.zeros(3)), [0.0, 1.0, 2.0]
    )


def test_nested_named_axes() -> None:
    xs = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    both = fad.vmap(fad.vmap(lambda v: lax.psum(v, ("i", "j")), axis_name="j"), axis_name="i")
    np.testing.assert_array_equal(both(jnp.asarray(xs)), np.full((2, 3), xs.sum()))
    outer = fad.vmap(fad.vmap(lambda v: lax.psum(v, "i"), axis_name="j"), axis_name="i")
    np.testing.assert_array_equal(outer(jnp.asarray(xs)), np.broadcast_to(xs.sum(0), (2, 3)))
    inner = fad.vmap(fad.vmap(lambda v: lax.psum(v, "j"), axis_name="j"), axis_name="i")
    np.testing.assert_array_equal(
        inner(jnp.asarray(xs)), np.broadcast_to(xs.sum(1, keepdims=True), (2, 3))
    )
    gathered = fad.vmap(fad.vmap(lambda v: lax.all_gather(v, "i"), axis_name="j"), axis_name="i")
    np.testing.assert_array_equal(
        gathered(jnp.asarray(xs)), np.broadcast_to(xs.T[None, :, :], (2, 3, 2))
    )


def test_collectives_inside_jit_and_cond_under_vmap() -> None:
    x = jnp.arange(3.0)
    np.testing.assert_array_equal(
        fad.vmap(fad.jit(lambda v: lax.psum(v, "i")), axis_name="i")(x), [3.0, 3.0, 3.0]
    )
    np.testing.assert_array_equal(
        fad.vmap(
            lambda v: lax.cond(v > 0, lambda u: lax.psum(u, "i"), lambda u: u, v), axis_name="i"
        )(x),
        [0.0, 3.0, 3.0],
    )


def test_staged_collective_reads_the_axis_size_each_time() -> None:
    """all_gather staged with the named axis bound to two sizes (the same operand types and
    parameters) gathers each size: its abstract rule reads the axis in scope, so no cache of
    abstract evaluation may answer for it."""
    from fad._src.core import ShapedArray
    from fad._src.interpreters import batch
    from fad._src.interpreters.stage import stage

    for n in (2, 3):
        with batch.named_axis("i", n):
            program = stage(
                lambda v: [lax.all_gather(v, "i")], [ShapedArray((), np.dtype(np.float32))]
            )
        assert program.out_avals[0].shape == (n,)
    with pytest.raises(NameError, match="unbound axis name: i"):
        stage(lambda v: [lax.psum(v, "i")], [ShapedArray((), np.dtype(np.float32))])


def test_pytrees_and_errors() -> None:
    tree = {"a": jnp.arange(3.0), "b": jnp.ones((3, 2))}
    out = fad.vmap(lambda t: lax.psum(t, "i"), axis_name="i")(tree)
    np.testing.assert_array_equal(out["a"], [3.0, 3.0, 3.0])
    np.testing.assert_array_equal(out["b"], np.full((3, 2), 3.0))
    with pytest.raises(NameError, match="unbound axis name: i"):
        lax.psum(jnp.ones(2), "i")
    with pytest.raises(NameError, match="unbound axis name: k"):
        fad.vmap(lambda v: lax.psum(v, "k"), axis_name="i")(jnp.ones(2))
    with pytest.raises(ValueError, match="axis size"):
        fad.vmap(lambda v: lax.psum_scatter(v, "i"), axis_name="i")(jnp.ones((3, 2)))
    with pytest.raises(ValueError, match="twice"):
        fad.vmap(lambda v: lax.ppermute(v, "i", [(0, 1), (1, 1)]), axis_name="i")(jnp.ones(3))
