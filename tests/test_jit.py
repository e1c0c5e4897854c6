"""jit: lowering of every primitive, caching, composition with the other transformations,
error messages, donation, StableHLO text, devices and the persistent compilation cache.

Truths: the same function run eagerly (numpy implementations), numpy itself for edge
semantics (NaN ordering, out-of-range indices), closed-form derivatives and finite
differences, and the Autodiff Cookbook's printed numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from primitive_cases import CASES, Case

import fad
import fad.numpy as jnp
import fad.tree_util as jtu
from fad import grad, hessian, jacfwd, jacrev, jit, vmap
from fad._src import core, dtypes
from fad._src import jit as jit_mod
from fad._src.core import Array
from fad._src.prims import elementwise as ew
from fad._src.prims import indexing as ix
from fad._src.prims import reductions as red
from fad._src.prims import sorting
from fad._src.prims import structural as st
from fad._src.xla import runtime
from fad.test_util import check_grads

NDArray = np.ndarray[Any, Any]

# These tests check runtime behaviour (jit against eager), not the typed tangent API
# (Tangent/Cotangent markers, checked by the typing tests), so the transformations
# that take tangents or cotangents are used through untyped aliases.
jvp: Any = fad.jvp
vjp: Any = fad.vjp
linearize: Any = fad.linearize
linear_transpose: Any = fad.linear_transpose


def _tols(dt: np.dtype[Any]) -> tuple[float, float]:
    """(rtol, atol): XLA's and numpy's transcendental functions differ by a few ulps."""
    if dt in (np.float64, np.complex128):
        return 1e-11, 1e-12
    return 3e-5, 3e-6


def assert_same(got: Any, want: Any) -> None:
    """Same structure, shapes, dtypes and weak types; equal values (close for inexact)."""
    g_leaves, g_tree = jtu.tree_flatten(got)
    w_leaves, w_tree = jtu.tree_flatten(want)
    assert g_tree == w_tree
    for g, w in zip(g_leaves, w_leaves, strict=True):
        g_a, w_a = np.asarray(g), np.asarray(w)
        assert g_a.shape == w_a.shape and g_a.dtype == w_a.dtype, (g_a, w_a)
        if isinstance(g, Array) and isinstance(w, Array):
            assert g.weak_type == w.weak_type
        if dtypes.is_inexact(g_a.dtype):
            rtol, atol = _tols(g_a.dtype)
            np.testing.assert_allclose(g_a, w_a, rtol=rtol, atol=atol)
        else:
            np.testing.assert_array_equal(g_a, w_a)


# ---------------------------------------------------------------------------
# Every primitive: jit equals eager
# ---------------------------------------------------------------------------


def _cases_by_dtype() -> dict[str, list[tuple[Case, np.dtype[Any]]]]:
    groups: dict[str, list[tuple[Case, np.dtype[Any]]]] = {}
    for case in CASES:
        for dt in case.dtypes:
            groups.setdefault(np.dtype(dt).name, []).append((case, np.dtype(dt)))
    return groups


_GROUPS = _cases_by_dtype()


# The 64-bit groups repeat the 32-bit ones with other XLA kernels; they cost the most
# compile time, so they are marked slow (still run by default).
_SLOW_GROUPS = {"float64", "complex128"}


@pytest.mark.parametrize(
    "dtype_name",
    [pytest.param(n, marks=pytest.mark.slow) if n in _SLOW_GROUPS else n for n in sorted(_GROUPS)],
)
def test_every_primitive_case_jit_matches_eager(dtype_name: str) -> None:
    """All cases of one dtype in one jitted function (one compile), each output compared
    with the eager result of its case."""
    items = _GROUPS[dtype_name]
    with fad.config.enable_x64_scope(np.dtype(dtype_name).itemsize * 8 >= 64):
        argss = [case.args(dt, seed=1) for case, dt in items]
        flat = [a for args in argss for a in args]

        def all_cases(*xs: Array) -> list[Any]:
            outs, start = [], 0
            for (case, _), args in zip(items, argss, strict=True):
                outs.append(case.fn(*xs[start : start + len(args)]))
                start += len(args)
            return outs

        got = jit(all_cases)(*flat)
        failures = []
        for (case, _), g, args in zip(items, got, argss, strict=True):
            try:
                assert_same(g, case.fn(*args))
            except AssertionError as err:
                failures.append(f"{case.name}: {err}")
        assert not failures, "\n".join(failures)


def test_every_primitive_has_a_lowering_rule() -> None:
    """Except the declared exemptions (``custom_vjp_lin`` is only ever transposed)."""
    from test_rule_coverage import EXEMPT

    from fad._src.xla.lowering import lowering_rules

    missing = sorted(
        n
        for n, p in core.all_primitives.items()
        if p not in lowering_rules and (n, "lowering") not in EXEMPT
    )
    assert not missing, f"primitives without a StableHLO lowering: {missing}"


# ---------------------------------------------------------------------------
# Edge semantics, against numpy
# ---------------------------------------------------------------------------


def _a(x: Any, dt: Any = None) -> Array:
    return core.asarray(np.asarray(x, dt))


def test_sort_nan_signed_zero_and_stability() -> None:
    x = np.array([3.0, np.nan, -0.0, 1.0, 0.0, -np.inf, np.nan, 1.0], np.float32)
    payload = np.arange(8, dtype=np.int32)

    def f(k: Array, v: Array) -> list[Array]:
        return sorting.sort([k, v], 0)

    got = jit(f)(_a(x), _a(payload))
    order = np.argsort(x, kind="stable")
    np.testing.assert_array_equal(np.asarray(got[0]), x[order])
    np.testing.assert_array_equal(np.asarray(got[1]), payload[order])
    assert_same(got, f(_a(x), _a(payload)))


def test_sort_complex_lexicographic_and_two_keys() -> None:
    z = np.array([1 + 2j, 1 - 1j, -3 + 0j, 1 + 2j, 0.5j], np.complex64)
    got = jit(lambda v: sorting.sort([v], 0))(_a(z))
    np.testing.assert_array_equal(np.asarray(got[0]), np.sort(z))
    k1 = np.array([1, 0, 1, 0, 1], np.int32)
    k2 = np.array([5.0, 2.0, 1.0, 2.0, 3.0], np.float32)
    got2 = jit(lambda a, b: sorting.sort([a, b], 0, num_keys=2))(_a(k1), _a(k2))
    order = np.lexsort((k2, k1))
    np.testing.assert_array_equal(np.asarray(got2[0]), k1[order])
    np.testing.assert_array_equal(np.asarray(got2[1]), k2[order])


@pytest.mark.parametrize("fn", [red.argmax, red.argmin])
def test_argreduce_first_index_and_nan(fn: Callable[..., Array]) -> None:
    rows = np.array(
        [[1, 5, 5, 0], [np.nan, 2, np.nan, 9], [2, 2, 2, 2], [-np.inf, -np.inf, 0, 3]], np.float32
    )
    npfn = np.argmax if fn is red.argmax else np.argmin
    got = jit(lambda x: fn(x, 1, np.int32))(_a(rows))
    np.testing.assert_array_equal(np.asarray(got), npfn(rows, axis=1))
    ints = np.array([[3, 7, 7], [1, 1, 0]], np.int32)
    got_i = jit(lambda x: fn(x, 1, np.int32))(_a(ints))
    np.testing.assert_array_equal(np.asarray(got_i), npfn(ints, axis=1))
    bools = np.array([[False, True, True], [False, False, False]])
    got_b = jit(lambda x: fn(x, 1, np.int32))(_a(bools))
    np.testing.assert_array_equal(np.asarray(got_b), npfn(bools, axis=1))


@pytest.mark.parametrize("mode", ["clip", "fill"])
def test_gather_out_of_range(mode: str) -> None:
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    idx = np.array([[0, 1], [2, 3], [-1, 0], [3, 1], [1, 9], [2, -5]], np.int32)
    got = jit(lambda a, i: ix.gather(a, i, mode))(_a(x), _a(idx))
    rows = np.clip(idx[:, 0], 0, 2)
    cols = np.clip(idx[:, 1], 0, 3)
    want = x[rows, cols]
    if mode == "fill":
        ok = (idx[:, 0] >= 0) & (idx[:, 0] < 3) & (idx[:, 1] >= 0) & (idx[:, 1] < 4)
        want = np.where(ok, want, 0)
    np.testing.assert_array_equal(np.asarray(got), want)
    # Leading-axis slices (k < rank), unsigned indices.
    idx1 = np.array([[2], [0], [7]], np.uint32)
    got1 = jit(lambda a, i: ix.gather(a, i, mode))(_a(x), _a(idx1))
    assert_same(got1, ix.gather(_a(x), _a(idx1), mode))


@pytest.mark.parametrize("kind", ["set", "add", "mul", "min", "max"])
def test_scatter_kinds_drop_out_of_range(kind: str) -> None:
    x = np.arange(1, 7, dtype=np.float32).reshape(2, 3)
    idx = np.array([[0, 1], [1, 2], [5, 0], [-1, 1], [0, 0]], np.int32)
    upd = np.array([10.0, -2.0, 7.0, 8.0, 0.5], np.float32)
    got = jit(lambda a, i, u: ix.scatter(a, i, u, kind))(_a(x), _a(idx), _a(upd))
    assert_same(got, ix.scatter(_a(x), _a(idx), _a(upd), kind))
    dup = np.array([[0, 1], [0, 1], [1, 0]], np.int32)  # duplicates accumulate
    if kind != "set":
        u2 = np.array([2.0, 3.0, 4.0], np.float32)
        got2 = jit(lambda a, i, u: ix.scatter(a, i, u, kind))(_a(x), _a(dup), _a(u2))
        assert_same(got2, ix.scatter(_a(x), _a(dup), _a(u2), kind))


def test_dynamic_slices_clamp() -> None:
    x = np.arange(20, dtype=np.float32).reshape(4, 5)

    def f(a: Array, i: Array, j: Array) -> Array:
        return ix.dynamic_slice(a, [i, j], (2, 3))

    def g(a: Array, u: Array, i: Array, j: Array) -> Array:
        return ix.dynamic_update_slice(a, u, [i, j])

    u = np.full((2, 2), -1.0, np.float32)
    for i, j in [(0, 0), (3, 4), (-2, 1), (1, 9)]:
        ai, aj = _a(i, np.int32), _a(j, np.int8)  # mixed index dtypes
        assert_same(jit(f)(_a(x), ai, aj), f(_a(x), ai, aj))
        assert_same(jit(g)(_a(x), _a(u), ai, aj), g(_a(x), _a(u), ai, aj))


def _convert_to(to: Any) -> Callable[[Array], Array]:
    return lambda a: ew.convert_element_type(a, np.dtype(to))


def test_conversions() -> None:
    z = _a(np.array([1.5 - 2j, 0j, -0.0 + 3j], np.complex64))
    for to in ("float32", "int32", "bool"):
        assert_same(jit(_convert_to(to))(z), _convert_to(to)(z))
    x = _a(np.array([-1.7, -0.0, 0.0, 0.3, 2.9], np.float32))
    for to in ("int32", "bool", "complex64"):
        assert_same(jit(_convert_to(to))(x), _convert_to(to)(x))
    pos = _a(np.array([0.0, 1.2, 254.9], np.float32))
    assert_same(jit(_convert_to("uint8"))(pos), _convert_to("uint8")(pos))


def test_select_n_integer_predicate_and_reductions() -> None:
    which = np.array([0, 2, 1, 2, 0], np.int32)
    cases = [np.full(5, v, np.float32) for v in (10.0, 20.0, 30.0)]
    got = jit(ew.select_n)(_a(which), *map(_a, cases))
    np.testing.assert_array_equal(np.asarray(got), np.choose(which, cases))
    ints = np.array([[3, -7, 2], [0, 5, 5]], np.int32)
    for fn in (red.reduce_max, red.reduce_min, st.reduce_sum, red.reduce_prod):
        for axes in ((0,), (1,), (0, 1)):
            h = jit(fn, static_argnums=1)
            assert_same(h(_a(ints), axes), fn(_a(ints), axes))
    b = np.array([[True, False, True], [True, True, True]])
    for fn in (red.reduce_and, red.reduce_or, red.reduce_max, red.reduce_min):
        assert_same(jit(fn, static_argnums=1)(_a(b), (1,)), fn(_a(b), (1,)))


def test_pad_negative_and_interior() -> None:
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    pv = _a(-1.0, np.float32)
    for config in [((1, 2, 0), (0, 0, 1)), ((-1, 1, 1), (2, -2, 0)), ((0, 0, 0), (-1, -1, 2))]:
        assert_same(jit(st.pad, static_argnums=2)(_a(x), pv, config), st.pad(_a(x), pv, config))


def test_constants_are_exact_and_large_ones_are_hoisted() -> None:
    special = np.array([np.nan, -0.0, np.inf, -np.inf, 1e-45, 3.4e38], np.float32)
    big = np.linspace(-1, 1, 1000).astype(np.float32)
    small = core.asarray(special)
    large = core.asarray(big)
    f = jit(lambda x: (small, x + large[:6], jnp.sum(large)))
    lowered = f.lower(jnp.zeros(6)).as_text()
    assert "0000C07F" in lowered  # the NaN's bit pattern, embedded exactly
    assert "%c0" in lowered  # the 4 KB constant is a parameter, not text
    a, b, c = f(jnp.zeros(6))
    np.testing.assert_array_equal(np.asarray(a).view(np.uint32), special.view(np.uint32))
    np.testing.assert_array_equal(np.asarray(b), big[:6])
    np.testing.assert_allclose(float(c), float(np.sum(big, dtype=np.float32)), atol=1e-4)


# ---------------------------------------------------------------------------
# The Autodiff Cookbook's functions
# ---------------------------------------------------------------------------


def _sigmoid(x: Array) -> Array:
    return 0.5 * (jnp.tanh(x / 2) + 1)


def _predict(W: Array, b: Array, inputs: Array) -> Array:
    return _sigmoid(jnp.dot(inputs, W) + b)


INPUTS = jnp.array(
    [[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.30], [0.74, -2.49, 1.39]]
)
TARGETS = jnp.array([True, True, False, True])


def _loss(W: Array, b: Array) -> Array:
    preds = _predict(W, b, INPUTS)
    label_probs = preds * TARGETS + (1 - preds) * (1 - TARGETS)
    return -jnp.sum(jnp.log(label_probs))


W0 = jnp.array([0.25, -0.5, 1.2])
B0 = jnp.array(-0.3)


def test_cookbook_loss_and_gradients() -> None:
    assert_same(jit(_loss)(W0, B0), _loss(W0, B0))
    assert_same(jit(_predict)(W0, B0, INPUTS), _predict(W0, B0, INPUTS))
    want = grad(_loss, (0, 1))(W0, B0)
    assert_same(jit(grad(_loss, (0, 1)))(W0, B0), want)
    assert_same(grad(jit(_loss), (0, 1))(W0, B0), want)
    assert_same(jit(fad.value_and_grad(_loss))(W0, B0), fad.value_and_grad(_loss)(W0, B0))
    loss2 = lambda p: _loss(p["W"], p["b"])  # noqa: E731
    assert_same(grad(jit(loss2))({"W": W0, "b": B0}), grad(loss2)({"W": W0, "b": B0}))
    f = lambda W: _predict(W, B0, INPUTS)  # noqa: E731
    assert_same(jacfwd(jit(f))(W0), jacfwd(f)(W0))
    assert_same(jacrev(jit(f))(W0), jacrev(f)(W0))
    assert_same(jit(hessian(f))(W0), hessian(f)(W0))
    assert_same(hessian(jit(f))(W0), hessian(f)(W0))
    check_grads(jit(_loss), (W0, B0), order=1)


def test_cookbook_jit_of_a_pullback_with_python_control_flow() -> None:
    def f(x: Any) -> Any:
        try:
            if x < 3:
                return 2 * x**3
            raise ValueError
        except ValueError:
            return jnp.pi * x

    _, f_vjp = vjp(f, 4.0)
    out = jit(f_vjp)(1.0)
    assert isinstance(out, tuple) and len(out) == 1
    np.testing.assert_allclose(float(out[0]), 3.1415927, rtol=1e-7)
    assert out[0].dtype == np.float32
    _, f_vjp2 = vjp(f, 2.0)
    np.testing.assert_allclose(float(jit(f_vjp2)(1.0)[0]), 6 * 2.0**2, rtol=1e-6)


# ---------------------------------------------------------------------------
# Composition with the other transformations
# ---------------------------------------------------------------------------


def _f(x: Array, y: Array) -> Array:
    return jnp.sum(jnp.sin(x) * y + jnp.exp(x * 0.5))


X = jnp.array([0.3, -1.2, 2.0])
Y = jnp.array([1.5, 0.25, -0.7])


def test_grad_of_jit_and_jit_of_grad_match_closed_form() -> None:
    want_x = np.cos(np.asarray(X)) * np.asarray(Y) + 0.5 * np.exp(0.5 * np.asarray(X))
    want_y = np.sin(np.asarray(X))
    for g in (grad(jit(_f), (0, 1)), jit(grad(_f, (0, 1))), jit(grad(jit(_f), (0, 1)))):
        gx, gy = g(X, Y)
        np.testing.assert_allclose(np.asarray(gx), want_x, rtol=1e-6)
        np.testing.assert_allclose(np.asarray(gy), want_y, rtol=1e-6)


def test_higher_order_through_jit() -> None:
    d3 = grad(grad(grad(jit(jnp.sin))))
    np.testing.assert_allclose(np.asarray(d3(0.7)), -math.cos(0.7), rtol=1e-6)
    d2 = jit(grad(jit(grad(jit(jnp.tanh)))))
    t = math.tanh(0.4)
    np.testing.assert_allclose(np.asarray(d2(0.4)), -2 * t * (1 - t * t), rtol=1e-6)


def test_jvp_and_linearize_of_jit() -> None:
    tx, ty = jnp.array([1.0, 0.5, -2.0]), jnp.array([0.1, 0.2, 0.3])
    assert_same(jvp(jit(_f), (X, Y), (tx, ty)), jvp(_f, (X, Y), (tx, ty)))
    assert_same(jit(lambda *a: jvp(_f, a[:2], a[2:]))(X, Y, tx, ty), jvp(_f, (X, Y), (tx, ty)))
    out, f_lin = linearize(jit(_f), X, Y)
    assert_same(out, _f(X, Y))
    assert_same(f_lin(tx, ty), jvp(_f, (X, Y), (tx, ty))[1])
    # The linearized program holds only the tangent half of the call: the primal half ran.
    program = fad.make_jaxpr(f_lin)(tx, ty)
    names = [e.params.get("name") for e in program.program.eqns if e.prim is jit_mod.xla_call_p]
    assert names == ["jvp_tangent__f"]
    assert_same(jit(f_lin)(tx, ty), f_lin(tx, ty))


def test_vmap_of_jit_and_jit_of_vmap() -> None:
    xs = jnp.array(np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32))
    want = vmap(_f, (0, None))(xs, Y)
    assert_same(vmap(jit(_f), (0, None))(xs, Y), want)
    assert_same(jit(vmap(_f, (0, None)))(xs, Y), want)
    assert_same(vmap(jit(_f), (1, None))(xs.T, Y), want)
    assert_same(vmap(grad(jit(_f)), (0, None))(xs, Y), vmap(grad(_f), (0, None))(xs, Y))
    assert_same(jit(vmap(grad(jit(_f)), (0, None)))(xs, Y), vmap(grad(_f), (0, None))(xs, Y))
    # Unbatched outputs stay unbatched inside the call.
    both = jit(lambda x, y: (x * 2, y + 1))
    a, b = vmap(both, (0, None), (0, None))(xs, Y)
    assert_same(a, xs * 2)
    assert_same(b, Y + 1)


def test_nested_jit_and_closures_over_outer_tracers() -> None:
    inner = jit(lambda x: jnp.sin(x) * 3)
    outer = jit(lambda x: inner(x) + inner(x * 2))
    assert_same(outer(X), jnp.sin(X) * 3 + jnp.sin(X * 2) * 3)
    (call,) = fad.make_jaxpr(outer)(X).program.eqns  # outer is one call, holding two
    assert sum(e.prim is jit_mod.xla_call_p for e in call.params["program"].program.eqns) == 2

    # The inner function closes over the outer variable being differentiated.
    def h(x: Any) -> Any:
        return jit(lambda y: x * y + jnp.sin(x))(3.0)

    np.testing.assert_allclose(float(grad(h)(0.5)), 3.0 + math.cos(0.5), rtol=1e-6)
    np.testing.assert_allclose(float(jit(grad(h))(0.5)), 3.0 + math.cos(0.5), rtol=1e-6)
    batched = vmap(h)(jnp.array([0.0, 1.0]))
    np.testing.assert_allclose(np.asarray(batched), [0.0, 3.0 + math.sin(1.0)], rtol=1e-6)


def test_linear_transpose_and_integer_inputs_through_jit() -> None:
    lin = jit(lambda v: jnp.cumsum(v) * 2.0)
    t = linear_transpose(lin, X)
    (ct,) = t(jnp.ones(3))
    np.testing.assert_allclose(np.asarray(ct), [6.0, 4.0, 2.0])

    def h(x: Array, n: Array | int) -> Array:
        return jnp.sum(x**2) * n

    g: Any = grad(jit(h), allow_int=True, argnums=(0, 1))
    gx, gn = g(X, 3)
    np.testing.assert_allclose(np.asarray(gx), 6 * np.asarray(X), rtol=1e-6)
    assert gn.dtype == fad.float0


def test_derived_programs_are_cached() -> None:
    g = grad(jit(lambda x: jnp.sum(jnp.cos(x) ** 2)))
    g(X)
    before = jit_mod.stats.compiles
    for _ in range(3):
        g(X + 1.0)
    assert jit_mod.stats.compiles == before


def test_float0_outputs() -> None:
    def f(n: Any) -> Any:
        return jvp(lambda k: k * 2, (n,), (np.zeros((), fad.float0),))

    out, tan = jit(f)(3)
    assert int(out) == 6
    assert isinstance(tan, np.ndarray) and tan.dtype == fad.float0


# ---------------------------------------------------------------------------
# Caching
# ---------------------------------------------------------------------------


def test_trace_and_compile_caching() -> None:
    traces: list[tuple[int, ...]] = []

    def f(x: Any, y: Any) -> Any:
        traces.append(np.shape(x))
        return x * y + 1

    jf = jit(f)
    x3 = jnp.ones(3)
    jf(x3, 2.0)
    compiles = jit_mod.stats.compiles
    jf(x3 + 1, 5.0)
    jf(jnp.zeros(3), 7.0)
    assert len(traces) == 1 and jit_mod.stats.compiles == compiles
    jf(jnp.ones(4), 2.0)  # new shape
    assert len(traces) == 2
    jf(x3, np.float32(2.0))  # a strong f32 instead of a weak Python float
    assert len(traces) == 3
    jf(x3.astype(jnp.int32), 2.0)  # new dtype
    assert len(traces) == 4
    jf(x=x3, y=2.0)  # keyword arguments are a different call structure
    assert len(traces) == 5
    jf(x3, 2.0)
    assert len(traces) == 5 and jf._cache_size() == 5


def test_static_arguments_keyed_by_value() -> None:
    traces: list[Any] = []

    def f(x: Any, n: int, mode: str = "a") -> Any:
        traces.append((n, mode))
        for _ in range(n):
            x = x * 2 if mode == "a" else x + 1
        return x

    jf = jit(f, static_argnums=1, static_argnames="mode")
    assert float(jf(1.0, 3)) == 8.0
    assert float(jf(2.0, 3)) == 16.0
    assert len(traces) == 1
    assert float(jf(1.0, 2)) == 4.0
    assert float(jf(1.0, 2, mode="b")) == 3.0
    assert float(jf(1.0, n=2, mode="b")) == 3.0  # a static passed by name
    assert traces == [(3, "a"), (2, "a"), (2, "b"), (2, "b")]
    jg = jit(f, static_argnames=("n",))  # the name makes position 1 static too
    assert float(jg(1.0, 3)) == 8.0


def test_x64_flag_is_part_of_the_key() -> None:
    jf = jit(lambda x: x * 2)
    assert jf(1.0).dtype == np.float32
    with fad.config.enable_x64_scope(True):
        assert jf(1.0).dtype == np.float64
        assert jf(np.float64(1.0)).dtype == np.float64
    assert jf(1.0).dtype == np.float32


def test_outputs_keep_buffers_and_inputs_are_not_uploaded_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    jf = jit(lambda x: x * 2.0 + 1.0)
    out = jf(jnp.arange(4.0))
    assert out._buffer is not None
    buf: Any = out._buffer
    assert np.shares_memory(np.asarray(out), runtime.to_numpy(buf))
    calls: list[int] = []
    real = runtime.device_put

    def counting(*a: Any, **k: Any) -> Any:
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(runtime, "device_put", counting)
    for _ in range(3):
        out = jf(out)
    assert calls == []
    np.testing.assert_array_equal(
        np.asarray(out), (((np.arange(4.0) * 2 + 1) * 2 + 1) * 2 + 1) * 2 + 1
    )


def test_python_scalars_keep_their_bits_and_can_be_donated() -> None:
    add = jit(lambda x, y: x + y)
    assert math.copysign(1.0, float(add(-0.0, -0.0))) == -1.0
    assert math.copysign(1.0, float(add(0.0, -0.0))) == 1.0
    assert int(add(True, 1)) == 2
    scale = jit(lambda x, y: x * y, donate_argnums=0)
    for _ in range(3):  # the same value, donated and not, in one call
        assert float(scale(0.5, 0.5)) == 0.25


def test_weak_types_follow_eager() -> None:
    for f in (lambda x: x * 2, lambda x: x + np.float32(1), lambda x: jnp.sin(x)):
        for arg in (1.5, np.float32(1.5), jnp.array([1.0, 2.0])):
            assert_same(jit(f)(arg), f(core.asarray(arg)))


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def test_python_control_flow_on_a_traced_value() -> None:
    def f(x: Any, params: Any) -> Any:
        if params["scale"] > 0:  # the line the message must show
            return x * params["scale"]
        return x

    with pytest.raises(TypeError) as info:
        jit(f)(1.0, {"scale": jnp.array(2.0)})
    msg = str(info.value)
    assert isinstance(info.value, fad.ConcretizationError)
    assert "argument params['scale']" in msg
    assert "argument x" not in msg
    assert 'if params["scale"] > 0:' in msg and "test_jit.py" in msg
    assert "static_argnums" in msg and "fad.lax.cond" in msg
    assert "bool()" in msg
    with pytest.raises(fad.ConcretizationError, match=r"float\(\)"):
        jit(lambda x: float(x))(1.0)
    # A static argument is concrete while tracing.
    g = lambda x, scale: x * scale if scale > 0 else x  # noqa: E731
    assert float(jit(g, static_argnums=1)(1.0, 2.0)) == 2.0


def test_static_dict_must_be_hashable() -> None:
    with pytest.raises(ValueError, match="static argument params must be hashable"):
        jit(lambda x, params: x, static_argnums=1)(1.0, {"a": 1})


def test_escaped_tracer_is_detected() -> None:
    leaked: list[Array] = []

    def f(x: Any) -> Any:
        leaked.append(x * 2)
        return x + 1

    jit(f)(1.0)
    with pytest.raises(fad.EscapedTracerError, match="outside the transformation"):
        leaked[0] + 1
    with pytest.raises(fad.EscapedTracerError):
        float(leaked[0])
    with pytest.raises(fad.EscapedTracerError):
        jit(lambda y: y + leaked[0])(1.0)


def test_argument_and_output_type_errors() -> None:
    with pytest.raises(TypeError, match=r"argument s is a str .*static_argnums"):
        jit(lambda x, s: x)(1.0, "hello")
    with pytest.raises(TypeError, match="returned a str"):
        jit(lambda x: (x, "nope"))(1.0)
    with pytest.raises(TypeError, match="callable"):
        jit(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="static_argnums"):
        jit(lambda x, n: x, static_argnums=1)(1.0)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="both static and donated"):
        jit(lambda x: x, static_argnums=0, donate_argnums=0)
    with pytest.raises(ValueError, match="unknown backend"):
        jit(lambda x: x, backend="tpu9")


# ---------------------------------------------------------------------------
# Donation, text, devices, persistent cache
# ---------------------------------------------------------------------------


def test_donation_deletes_the_input() -> None:
    step = jit(lambda p, g: p - 0.1 * g, donate_argnums=0)
    p = jit(lambda x: x * 1.0)(jnp.ones(1000))  # a device-resident array
    g = jnp.full(1000, 2.0)
    new = step(p, g)
    np.testing.assert_allclose(np.asarray(new), 0.8, rtol=1e-6)
    assert p.is_deleted() and not g.is_deleted() and not new.is_deleted()
    with pytest.raises(jit_mod.DonatedArgumentError, match="argument p was donated"):
        step(p, g)
    newer = step(new, g)  # outputs can be donated in turn
    assert new.is_deleted()
    np.testing.assert_allclose(np.asarray(newer), 0.6, rtol=1e-6)


def test_a_donated_host_array_is_consumed_too() -> None:
    """An array made on the host and donated reports is_deleted() and refuses eager use,
    as a device-resident one does (JAX deletes every donated array)."""
    double = jit(lambda x: x * 2, donate_argnums=0)
    x = jnp.asarray(np.arange(4.0, dtype=np.float32))
    np.testing.assert_array_equal(np.asarray(double(x)), [0.0, 2.0, 4.0, 6.0])
    assert x.is_deleted()
    with pytest.raises(jit_mod.DonatedArgumentError, match="was donated"):
        _ = x + 1


def test_one_array_for_two_donated_arguments_is_refused() -> None:
    add = jit(lambda a, b: a + b, donate_argnums=(0, 1))
    z = jnp.ones(3)
    with pytest.raises(ValueError, match="donated once"):
        add(z, z)
    assert not z.is_deleted()
    np.testing.assert_array_equal(np.asarray(add(z, jnp.ones(3))), [2.0, 2.0, 2.0])


def test_lower_as_text_and_compile() -> None:
    f = jit(lambda x, y: jnp.sin(x) @ y)
    lowered = f.lower(jnp.ones((2, 3)), jnp.ones(3))
    text = lowered.as_text()
    assert "func.func public @main" in text
    assert '"stablehlo.sine"' in text and '"stablehlo.dot_general"' in text
    assert "tensor<2x3xf32>" in text
    compiled = lowered.compile()
    assert "HloModule" in compiled.as_text() or "ENTRY" in compiled.as_text()
    assert_same(compiled(jnp.ones((2, 3)), jnp.ones(3)), jnp.sin(jnp.ones((2, 3))) @ jnp.ones(3))
    with pytest.raises(TypeError, match="another signature"):
        compiled(jnp.ones((3, 3)), jnp.ones(3))


def test_devices_and_device_put() -> None:
    devs = fad.devices()
    assert devs and fad.default_backend() in ("cpu", "cuda")
    assert fad.devices("cpu")[0].platform == "cpu"
    x = fad.device_put({"a": jnp.arange(3.0), "b": 2.0})
    assert x["a"]._buffer is not None and x["b"].weak_type
    out = jit(lambda t: t["a"] * t["b"], backend="cpu")(x)
    np.testing.assert_array_equal(np.asarray(out), [0.0, 2.0, 4.0])


@pytest.mark.skipif(runtime.load_cuda_plugin() is None, reason="no usable CUDA GPU")
def test_gpu_backend() -> None:  # pragma: no cover - needs a GPU
    f = jit(_loss, backend="cuda")
    assert_same(f(W0, B0), _loss(W0, B0))
    assert_same(grad(jit(_loss, backend="cuda"))(W0, B0), grad(_loss)(W0, B0))
    on_gpu = fad.device_put(W0, fad.devices("cuda")[0])
    assert_same(jit(_loss, backend="cpu")(on_gpu, B0), _loss(W0, B0))


def test_persistent_compilation_cache(tmp_path: Path) -> None:
    fad.enable_compilation_cache(tmp_path)
    try:
        before = runtime.persistent_cache_stats()
        f = lambda x: jnp.tanh(x) * 3.25 - 1.0  # noqa: E731
        jit(f)(jnp.ones(7))
        mid = runtime.persistent_cache_stats()
        assert mid.writes == before.writes + 1 and any(tmp_path.iterdir())
        out = jit(f)(jnp.ones(7))  # a new jit object: traced again, loaded from disk
        after = runtime.persistent_cache_stats()
        assert after.hits == mid.hits + 1
        np.testing.assert_allclose(np.asarray(out), np.tanh(1.0) * 3.25 - 1.0, rtol=1e-6)
    finally:
        fad.disable_compilation_cache()


def test_static_arguments_of_equal_value_and_other_type_trace_again() -> None:
    """``2``, ``2.0`` and ``True`` compare equal but trace different programs (JAX keys
    static arguments on their type too), inside tuples as well."""
    f = fad.jit(lambda v: jnp.full((2,), v), static_argnums=0)
    assert [f(2).dtype, f(2.0).dtype, f(True).dtype, f(2).dtype] == [
        np.dtype(np.int32), np.dtype(np.float32), np.dtype(np.bool_), np.dtype(np.int32)
    ]
    g = fad.jit(lambda t: jnp.full((2,), t[0]), static_argnames="t")
    assert [g(t=(1,)).dtype, g(t=(1.0,)).dtype] == [np.dtype(np.int32), np.dtype(np.float32)]


def test_donating_a_scalar_never_deletes_a_buffer_other_arrays_share() -> None:
    """Equal host scalars share one uploaded buffer, which each array remembers; donating
    one of them uploads its own copy, so the others (and later calls) stay usable."""
    f = jit(lambda v: v * 2.0)
    a, b = jnp.asarray(3.0), jnp.asarray(3.0)
    assert float(f(a)) == float(f(b)) == 6.0  # both now hold the shared buffer
    g = jit(lambda v: v + 1.0, donate_argnums=0)
    assert float(g(a)) == 4.0
    assert a.is_deleted() and not b.is_deleted()
    assert float(f(b)) == 6.0 and float(f(3.0)) == 6.0


def test_donating_an_array_fad_made_from_a_shared_constant_leaves_the_others() -> None:
    """``grad`` of the identity returns its output cotangent, and ``ones`` where constants
    run at once comes from a small cache of values: each is the caller's own Array, so
    donating one deletes only it."""
    double = jit(lambda v: v * 2, donate_argnums=0)
    g = fad.grad(lambda x: x)(1.0)
    assert float(double(g)) == 2.0 and g.is_deleted()
    assert float(fad.grad(lambda x: x)(5.0)) == 1.0
    ones = jnp.ones(3)
    np.testing.assert_array_equal(np.asarray(double(ones)), [2.0, 2.0, 2.0])
    assert ones.is_deleted()
    np.testing.assert_array_equal(np.asarray(jnp.ones(3) + 0), [1.0, 1.0, 1.0])


def test_block_until_ready_waits_on_every_device_array_of_a_pytree() -> None:
    """``fad.block_until_ready`` returns its argument itself, after waiting on each leaf
    that has a device buffer; host arrays, tracers' absence and other leaves are fine."""
    waited: list[object] = []

    class Buf:
        def block_until_ready(self) -> None:
            waited.append(self)

    dev = jit(lambda v: (v + 1.0, {"k": v * 2.0}))(jnp.ones(3))
    tree = (dev, [jnp.ones(2), "label", None], 3)
    assert fad.block_until_ready(tree) is tree
    np.testing.assert_array_equal(np.asarray(dev[1]["k"]), np.full(3, 2.0))
    one = jnp.ones(2)
    fake = Array.__new__(Array)
    fake._host, fake._weak_type, fake._buffer, fake._computed = None, False, Buf(), False
    done = Array.__new__(Array)
    done._host, done._weak_type, done._buffer, done._computed = None, False, Buf(), True
    assert fad.block_until_ready([one, fake, done]) == [one, fake, done]
    assert waited == [fake._buffer]  # host-backed and known-complete arrays need no wait
    sub = core.SubnormalArray.__new__(core.SubnormalArray)
    sub._host, sub._weak_type, sub._buffer, sub._computed = None, False, Buf(), False
    assert fad.block_until_ready({"s": sub})["s"] is sub
    assert waited == [fake._buffer, sub._buffer]


def test_outputs_of_a_run_on_the_calling_thread_need_no_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The synchronous CPU client runs a one-device program to the end inside the call when
    its inputs are complete: its outputs are known complete, and ``block_until_ready``
    does not ask their buffers. A run with an input not known complete may be queued, and
    so may every later run on the device: their outputs are waited for."""
    monkeypatch.setattr(jit_mod, "_maybe_queued", False)
    f = jit(lambda v: (v * 2.0, v + 1.0))
    g = jit(lambda v: v * 2.0)
    x = jnp.arange(3.0)
    a, b = f(x)
    y = g(x)
    assert a._computed and b._computed and y._computed
    for out in (a, y):
        np.testing.assert_array_equal(np.asarray(out), np.arange(3.0) * 2)
    waited: list[object] = []

    class Buf:
        def block_until_ready(self) -> None:
            waited.append(self)

    y2 = g(x)
    y2._buffer = Buf()
    assert y2.block_until_ready() is y2 and fad.block_until_ready(y2) is y2
    assert waited == []
    # An input that may be unfinished (here: said to be) makes this run and later ones
    # unknown; they are waited for, and give the same values.
    pending = g(x)
    pending._computed = False
    z = g(pending)
    w1, w2 = f(x)
    assert not (z._computed or w1._computed or w2._computed or g(x)._computed)
    np.testing.assert_array_equal(np.asarray(fad.block_until_ready(z)), np.arange(3.0) * 4)
    np.testing.assert_array_equal(np.asarray(w2), np.arange(3.0) + 1)
