"""fad.random: bit-compatibility with JAX, keys as values, and the transformations.

The truth for values is ``tests/data/random_reference.json``: outputs of JAX 0.10.2
(``jax.random`` on CPU, x86-64) for the same keys and calls under both threefry
schemes, with floats stored as bit patterns and compared exactly. The kernels behind
the floats (``fma``, XLA's float32 ``erf``/``erf_inv``) are also checked against exact
rational arithmetic and scipy; the transformations against loops and closed forms.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np
import pytest
import scipy.special as sps

import fad
import fad.numpy as jnp
from fad import random
from fad._src import tree_util
from fad._src.core import Array
from fad._src.prims import bits as bitops
from fad._src.prims import elementwise as ew
from fad._src.prims import xla_kernels

NDArray = np.ndarray[Any, Any]

_REFERENCE = json.loads(
    (Path(__file__).parent / "data" / "random_reference.json").read_text(encoding="utf-8")
)
CASES: list[dict[str, Any]] = _REFERENCE["cases"]


@pytest.fixture(autouse=True)
def _restore_config() -> Iterator[None]:
    x64 = fad.config.read("enable_x64")
    part = fad.config.read("threefry_partitionable")
    yield
    fad.config.update("enable_x64", x64)
    fad.config.update("threefry_partitionable", part)


# ---------------------------------------------------------------------------
# Replaying the recorded JAX calls
# ---------------------------------------------------------------------------


def _np_dtype(name: str) -> np.dtype[Any]:
    return np.dtype(ml_dtypes.bfloat16) if name == "bfloat16" else np.dtype(name)


def _dec(v: Any) -> Any:
    if isinstance(v, dict) and "array" in v:
        return np.asarray(v["array"], dtype=_np_dtype(v["dtype"]))
    if isinstance(v, dict) and "scalar" in v:
        return _np_dtype(v["dtype"]).type(v["scalar"])
    return v


def _kwargs(d: dict[str, Any]) -> dict[str, Any]:
    shapes = ("shape", "num")
    return {k: tuple(v) if k in shapes and isinstance(v, list) else _dec(v) for k, v in d.items()}


def _replay(case: dict[str, Any]) -> dict[str, Any]:
    seed = _dec(case["key"]["seed"])
    k = random.key(seed) if case["key"]["kind"] == "key" else random.PRNGKey(seed)
    call, args, kwargs = case["call"], [_dec(a) for a in case["args"]], _kwargs(case["kwargs"])
    if call == "key_data":
        return {"key": random.key_data(k)}
    if call == "cookbook":
        key = k
        key, W_key, b_key = random.split(key, 3)
        W = random.normal(W_key, (3,))
        b = random.normal(b_key, ())
        key, subkey = random.split(key)
        vec = random.normal(subkey, W.shape)
        return {
            "W": W, "b": b, "vec": vec, "key": random.key_data(key),
            "subkey": random.key_data(subkey),
        }  # fmt: skip
    if call in ("split", "fold_in"):
        return {"key": random.key_data(getattr(random, call)(k, *args, **kwargs))}
    if call == "randint":
        args[0] = tuple(args[0])
    return {"out": getattr(random, call)(k, *args, **kwargs)}


def _bits_of(x: NDArray) -> NDArray:
    """The stored form: floats as unsigned bit patterns (complex: real, imag pairs)."""
    dt = x.dtype
    if dt.kind in "fcV":
        size = dt.itemsize // 2 if dt.kind == "c" else dt.itemsize
        return np.ascontiguousarray(x).view(np.dtype(f"u{size}")).ravel()
    return x.ravel()


# Outputs that pass through ``log``: eager float32 log is numpy's, a few ulps from XLA's.
_CLOSE_ONLY = frozenset({"gumbel"})


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_matches_jax_reference(case: dict[str, Any]) -> None:
    fad.config.update("enable_x64", case["x64"])
    fad.config.update("threefry_partitionable", case["partitionable"])
    got = _replay(case)
    assert sorted(got) == sorted(case["expect"])
    for name, want in case["expect"].items():
        g = np.asarray(got[name])
        assert g.dtype == _np_dtype(want["dtype"]), (name, g.dtype, want["dtype"])
        assert list(g.shape) == want["shape"], (name, g.shape)
        if case["call"] in _CLOSE_ONLY:
            want_bits = np.asarray(want["bits"], np.uint64).astype(np.dtype(f"u{g.dtype.itemsize}"))
            np.testing.assert_allclose(g, want_bits.view(g.dtype), rtol=1e-5, err_msg=name)
        else:
            got_bits = [int(v) for v in _bits_of(g).tolist()]
            bad = [i for i, (a, b) in enumerate(zip(got_bits, want["bits"], strict=True)) if a != b]
            assert not bad, f"{name}: {len(bad)} of {len(got_bits)} differ, first at {bad[:5]}"


def test_reference_covers_both_schemes_and_the_required_calls() -> None:
    calls = {c["call"] for c in CASES}
    assert {"split", "fold_in", "bits", "uniform", "normal", "bernoulli", "randint", "choice",
            "permutation", "categorical", "truncated_normal", "cookbook"} <= calls  # fmt: skip
    assert {c["partitionable"] for c in CASES if c["call"] == "normal"} == {False, True}
    assert any(c["x64"] and c["kwargs"].get("dtype") == "float64" for c in CASES)
    assert len(JIT_CASES) == len(_JIT_IDS)


def test_cookbook_split_values_are_the_documented_ones() -> None:
    """``split(key(0), 3)`` and the cookbook's W under the classic scheme, spelled out."""
    keys = random.split(random.key(0), 3)
    np.testing.assert_array_equal(
        random.key_data(keys),
        np.array([[2467461003, 428148500], [3186719485, 3840466878], [2562233961, 1946702221]],
                 np.uint32),
    )  # fmt: skip
    assert np.asarray(random.normal(keys[1], (3,))).dtype == np.float32


# ---------------------------------------------------------------------------
# Keys are values
# ---------------------------------------------------------------------------


def test_same_key_same_bits_and_keys_are_immutable() -> None:
    k = random.key(3)
    a = random.normal(k, (5,))
    b = random.normal(k, (5,))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(random.key_data(k), [0, 3])


def test_typed_and_raw_keys_agree() -> None:
    typed, raw = random.key(17), random.PRNGKey(17)
    assert isinstance(raw, Array) and raw.dtype == np.uint32 and raw.shape == (2,)
    np.testing.assert_array_equal(random.key_data(typed), raw)
    np.testing.assert_array_equal(random.uniform(typed, (4,)), random.uniform(raw, (4,)))
    split_raw = random.split(raw, 3)
    assert isinstance(split_raw, Array) and split_raw.shape == (3, 2)
    np.testing.assert_array_equal(random.key_data(random.split(typed, 3)), split_raw)


def test_typed_key_array_behaves_like_an_array_of_keys() -> None:
    keys = random.split(random.key(0), (2, 3))
    assert keys.shape == (2, 3) and keys.ndim == 2 and keys.size == 6 and len(keys) == 2
    assert str(keys.dtype) == "key<fry>" and keys.dtype == random.key_dtype
    assert repr(random.key(0)) == "Array((), dtype=key<fry>) overlaying:\n[0 0]"
    row = keys[1]
    assert isinstance(row, random.PRNGKeyArray) and row.shape == (3,)
    np.testing.assert_array_equal(random.key_data(keys[1, 2]), random.key_data(keys)[1, 2])
    np.testing.assert_array_equal(random.key_data(keys[..., 0]), random.key_data(keys)[:, 0])
    assert keys.reshape(6).shape == (6,) and keys.ravel().shape == (6,)
    a, b = random.split(random.key(1))
    assert bool(a == a) and not bool(a == b) and bool(a != b)
    np.testing.assert_array_equal(keys == keys, np.ones((2, 3), bool))
    wrapped = random.wrap_key_data(random.key_data(keys))
    assert isinstance(wrapped, random.PRNGKeyArray)
    np.testing.assert_array_equal(wrapped == keys, np.ones((2, 3), bool))
    assert random.key_impl(keys) == "threefry2x32"
    with pytest.raises(TypeError):
        len(random.key(0))


def test_typed_key_is_a_pytree_node_with_uint32_data() -> None:
    k = random.split(random.key(5), 4)
    leaves, treedef = tree_util.tree_flatten({"k": k})
    assert len(leaves) == 1 and leaves[0].dtype == np.uint32 and leaves[0].shape == (4, 2)
    back = tree_util.tree_unflatten(treedef, leaves)["k"]
    assert isinstance(back, random.PRNGKeyArray) and back.shape == (4,)


def test_split_keys_differ_and_fold_in_differs() -> None:
    keys = np.asarray(random.key_data(random.split(random.key(0), 8)))
    assert len({tuple(r) for r in keys.tolist()}) == 8
    folded = {tuple(np.asarray(random.key_data(random.fold_in(random.key(0), i))).tolist())
              for i in range(8)}  # fmt: skip
    assert len(folded) == 8


# ---------------------------------------------------------------------------
# Seeds
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "x32", "x64"),
    [
        (5, [0, 5], [0, 5]),
        (-1, [0, 2**32 - 1], [2**32 - 1, 2**32 - 1]),
        (2**32 + 5, [0, 5], [1, 5]),
        (-(2**63), [0, 0], [2**31, 0]),
    ],
)
def test_seed_words(seed: int, x32: list[int], x64: list[int]) -> None:
    """A seed is its int64 two's complement, split high/low; x64 off keeps the low word."""
    np.testing.assert_array_equal(random.key_data(random.key(seed)), x32)
    fad.config.update("enable_x64", True)
    np.testing.assert_array_equal(random.key_data(random.key(seed)), x64)


def test_seed_and_key_errors() -> None:
    with pytest.raises(OverflowError):
        random.key(2**63)
    with pytest.raises(TypeError, match="integer"):
        random.key(1.5)
    with pytest.raises(TypeError, match="scalar seed"):
        random.key(np.arange(3))
    with pytest.raises(TypeError, match="scalar seed"):
        random.key(random.key(0))
    with pytest.raises(OverflowError, match="uint32"):
        random.fold_in(random.key(0), -1)
    with pytest.raises(TypeError, match="integer"):
        random.fold_in(random.key(0), 1.5)
    with pytest.raises(ValueError, match="single key"):
        random.normal(random.split(random.key(0)), (2,))
    with pytest.raises(TypeError, match="uint32 array of shape"):
        random.normal(np.zeros(2, np.int32), (2,))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="PRNG key"):
        random.uniform("key", (2,))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="sequence of ints"):
        random.normal(random.key(0), 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="broadcast"):
        random.uniform(random.key(0), (3,), minval=np.zeros(4, np.float32))
    with pytest.raises(ValueError, match="float dtype"):
        random.uniform(random.key(0), (3,), dtype=np.int32)
    with pytest.raises(ValueError, match="unsigned"):
        random.bits(random.key(0), (3,), np.int32)
    with pytest.raises(ValueError, match="replace=False"):
        random.choice(random.key(0), 3, (4,), replace=False)


# ---------------------------------------------------------------------------
# Distributions (sanity, independent of JAX)
# ---------------------------------------------------------------------------


def test_sample_statistics() -> None:
    k1, k2, k3, k4 = random.split(random.key(2024), 4)
    n = np.asarray(random.normal(k1, (20000,)))
    assert abs(n.mean()) < 0.03 and abs(n.std() - 1) < 0.03
    u = np.asarray(random.uniform(k2, (20000,), minval=-2.0, maxval=3.0))
    assert u.min() >= -2 and u.max() < 3 and abs(u.mean() - 0.5) < 0.05
    r = np.asarray(random.randint(k3, (20000,), 3, 9))
    assert set(np.unique(r).tolist()) == set(range(3, 9))
    t = np.asarray(random.truncated_normal(k4, -0.5, 1.5, (5000,)))
    assert t.min() > -0.5 and t.max() < 1.5
    p = np.asarray(random.permutation(k1, 50))
    assert sorted(p.tolist()) == list(range(50))
    c = np.asarray(random.choice(k2, 20, (20,), replace=False))
    assert sorted(c.tolist()) == list(range(20))


# ---------------------------------------------------------------------------
# Transformations
# ---------------------------------------------------------------------------


def test_vmap_over_typed_keys_matches_a_loop() -> None:
    keys = random.split(random.key(0), 4)

    def f(k: random.PRNGKeyArray) -> Array:
        a, b = random.split(k)
        return random.normal(a, (3,)) + random.uniform(b, (), minval=1.0, maxval=2.0)

    batched = fad.vmap(f)(keys)
    looped = np.stack([np.asarray(f(k)) for k in keys])
    np.testing.assert_array_equal(batched, looped)


def test_vmap_returns_keys_and_maps_raw_keys() -> None:
    keys = random.split(random.key(1), 3)
    out = fad.vmap(lambda k: random.fold_in(k, 7))(keys)
    assert isinstance(out, random.PRNGKeyArray) and out.shape == (3,)
    for i in range(3):
        np.testing.assert_array_equal(
            random.key_data(out[i]), random.key_data(random.fold_in(keys[i], 7))
        )
    raw = random.key_data(keys)
    got = fad.vmap(lambda k: random.bits(k, (2,)))(raw)
    np.testing.assert_array_equal(got, np.stack([np.asarray(random.bits(r, (2,))) for r in raw]))


def test_vmap_over_seeds_and_fold_in_data() -> None:
    seeds = jnp.arange(4)
    keys = fad.vmap(random.key)(seeds)
    np.testing.assert_array_equal(random.key_data(keys), [[0, s] for s in range(4)])
    data = jnp.arange(3)
    folded = fad.vmap(lambda d: random.key_data(random.fold_in(random.key(9), d)))(data)
    want = [np.asarray(random.key_data(random.fold_in(random.key(9), i))) for i in range(3)]
    np.testing.assert_array_equal(folded, np.stack(want))


def test_partitionable_scheme_under_vmap() -> None:
    fad.config.update("threefry_partitionable", True)
    keys = random.split(random.key(0), 3)
    got = fad.vmap(lambda k: random.randint(k, (4,), 0, 100))(keys)
    np.testing.assert_array_equal(got, np.stack([np.asarray(random.randint(k, (4,), 0, 100))
                                                 for k in keys]))  # fmt: skip


def test_grad_of_uniform_in_its_bounds() -> None:
    k = random.key(4)
    f = np.asarray(random.uniform(k, (6,)))  # the unit draw behind the scaled one

    def total(lo: Array, hi: Array) -> Array:
        return jnp.sum(random.uniform(k, (6,), minval=lo, maxval=hi))

    g_lo, g_hi = fad.grad(total, argnums=(0, 1))(jnp.asarray(-2.0), jnp.asarray(5.0))
    np.testing.assert_allclose(g_lo, np.sum(1 - f), rtol=1e-6)
    np.testing.assert_allclose(g_hi, np.sum(f), rtol=1e-6)


def test_grad_of_reparameterized_normal() -> None:
    k = random.key(8)
    z = np.asarray(random.normal(k, (5,)))

    def loss(mu: Array, sigma: Array) -> Array:
        return jnp.sum(random.normal(k, (5,)) * sigma + mu)

    g_mu, g_sigma = fad.grad(loss, argnums=(0, 1))(jnp.asarray(0.5), jnp.asarray(2.0))
    assert float(g_mu) == 5.0
    np.testing.assert_allclose(g_sigma, z.sum(), rtol=1e-6)


def test_grad_of_truncated_normal_matches_finite_differences() -> None:
    k = random.key(12)

    def f(lo: Array) -> Array:
        return jnp.sum(random.truncated_normal(k, lo, 1.0, (4,), dtype=np.float64))

    fad.config.update("enable_x64", True)
    x = 0.3
    g = float(fad.grad(f)(jnp.asarray(x)))
    h = 1e-6
    fd = (float(f(jnp.asarray(x + h))) - float(f(jnp.asarray(x - h)))) / (2 * h)
    np.testing.assert_allclose(g, fd, rtol=1e-4)


def test_staged_program_gives_the_eager_bits() -> None:
    """Built from primitives only: the staged program replays to the same bits."""

    def f(k: random.KeyData) -> Array:
        return random.normal(k, (4,))

    raw = random.PRNGKey(21)
    program = fad.make_jaxpr(f)(raw)
    names = {e.prim.name for e in program.program.eqns}
    assert {"xor", "shift_left", "bitcast_convert_type", "erf_inv"} <= names
    np.testing.assert_array_equal(program(raw)[0], f(raw))


# ---------------------------------------------------------------------------
# The bit-level kernels
# ---------------------------------------------------------------------------


def test_bitcast_convert_type_matches_numpy_views() -> None:
    x = np.array([1.0, -2.5, np.inf], np.float32)
    as_u32 = bitops.bitcast_convert_type(Array(x), np.uint32)
    np.testing.assert_array_equal(as_u32, x.view(np.uint32))
    wide = np.arange(6, dtype=np.uint32).reshape(2, 3) * 0x01020304
    narrow = bitops.bitcast_convert_type(Array(wide), np.uint8)
    assert narrow.shape == (2, 3, 4)
    np.testing.assert_array_equal(narrow, wide.reshape(2, 3, 1).view(np.uint8))
    np.testing.assert_array_equal(bitops.bitcast_convert_type(narrow, np.uint32), wide)
    assert bitops.bitcast_convert_type(Array(np.array(1.0, np.float32)), np.int32).shape == ()
    with pytest.raises(TypeError, match="trailing axis of size 4"):
        bitops.bitcast_convert_type(Array(np.zeros(3, np.uint8)), np.uint32)
    with pytest.raises(TypeError, match="integer or real float"):
        bitops.bitcast_convert_type(Array(np.zeros(3, np.bool_)), np.uint8)


def _exact_fma(a: float, b: float, c: float, dt: type[np.floating[Any]]) -> float:
    """Round the exact rational a*b + c to ``dt`` (nearest, ties to even)."""
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    lo = dt(float(exact))  # within one ulp; pick the nearest neighbour exactly
    cands = [np.nextafter(lo, dt(-np.inf)), lo, np.nextafter(lo, dt(np.inf))]
    dists = [abs(Fraction(float(v)) - exact) for v in cands]
    best = min(dists)
    winners = [v for v, d in zip(cands, dists, strict=True) if d == best]
    if len(winners) > 1:
        uint = np.dtype(f"u{np.dtype(dt).itemsize}")
        winners = [v for v in winners if int(np.asarray(v).view(uint)) % 2 == 0]
    return float(winners[0])


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_fma_rounds_once(dt: type[np.floating[Any]]) -> None:
    rng = np.random.default_rng(0)
    n = 400
    a = (rng.standard_normal(n) * np.exp(rng.uniform(-5, 5, n))).astype(dt)
    b = (rng.standard_normal(n) * np.exp(rng.uniform(-5, 5, n))).astype(dt)
    c = (rng.standard_normal(n) * np.exp(rng.uniform(-5, 5, n))).astype(dt)
    c[: n // 2] = -(a[: n // 2].astype(np.float64) * b[: n // 2]).astype(dt)  # cancellation
    # Products landing exactly halfway between two floats of ``dt``.
    a[:8], b[:8], c[:8] = dt(1 + 2.0**-12), dt(1 + 2.0**-12), dt(2.0**-60)
    if dt is np.float64:
        a[:8], b[:8] = dt(1 + 2.0**-27), dt(1 + 2.0**-26)
    if dt is np.float32:
        fad.config.update("enable_x64", False)
    else:
        fad.config.update("enable_x64", True)
    got = np.asarray(bitops.fma(Array(a), Array(b), Array(c)))
    triples = zip(a.tolist(), b.tolist(), c.tolist(), strict=True)
    want = np.array([_exact_fma(x, y, z, dt) for x, y, z in triples], dt)
    np.testing.assert_array_equal(got, want)


def test_fma_float64_past_the_split_and_overflow_range() -> None:
    """float64 ``fma`` where the emulation's splitting overflows: factors past ``2^995`` and
    products past the largest float whose sum is finite round once, as exact arithmetic
    (and ``jit``) says; a product that underflows to zero keeps its sign; an infinite
    addend wins over a finite product."""
    fad.config.update("enable_x64", True)
    big = float(np.finfo(np.float64).max)
    finite = [(-big, -1.97625222398759, -big), (big, 1.5, -big), (2.0**1000, 2.0**20, -1e307),
              (3.0, 2.0**1020, -(2.0**1021)), (1e300, 3e8, -1.5e308), (-(2.0**996), 3.0, 1.0)]
    a, b, c = (np.array(v, np.float64) for v in zip(*finite, strict=True))
    got = np.asarray(bitops.fma(Array(a), Array(b), Array(c)))
    want = np.array([_exact_fma(x, y, z, np.float64) for x, y, z in finite])
    np.testing.assert_array_equal(got, want)
    edge = [(1e-200, -1e-200, 0.0), (1e-200, 1e-200, -0.0), (big, 2.0, -np.inf),
            (-big, 4.0, np.inf)]
    a, b, c = (np.array(v, np.float64) for v in zip(*edge, strict=True))
    got = np.asarray(bitops.fma(Array(a), Array(b), Array(c)))
    np.testing.assert_array_equal(got, [-0.0, 0.0, -np.inf, np.inf])
    assert list(np.signbit(got[:2])) == [True, False]
    compiled = fad.jit(bitops.fma)
    for rows in (finite, edge):
        x, y, z = (Array(np.array(v, np.float64)) for v in zip(*rows, strict=True))
        want = np.asarray(bitops.fma(x, y, z))
        np.testing.assert_array_equal(np.asarray(compiled(x, y, z)), want)


def test_fma_derivatives() -> None:
    a, b, c = jnp.asarray(1.5), jnp.asarray(-2.0), jnp.asarray(0.25)
    grads = fad.grad(lambda a, b, c: bitops.fma(a, b, c), argnums=(0, 1, 2))(a, b, c)
    assert [float(g) for g in grads] == [-2.0, 1.5, 1.0]


def _float32_ulps(a: NDArray, b: NDArray) -> NDArray:
    return np.abs(a.view(np.int32).astype(np.int64) - b.view(np.int32).astype(np.int64))


def test_float32_erf_kernels_are_close_to_the_true_functions() -> None:
    """The XLA-compatible kernels stay within a few ulps of scipy's correctly computed values."""
    rng = np.random.default_rng(1)
    x = rng.uniform(-0.999, 0.999, 20000).astype(np.float32)
    inv = np.asarray(ew.erf_inv(Array(x)))
    assert _float32_ulps(inv, sps.erfinv(x.astype(np.float64)).astype(np.float32)).max() <= 16
    z = rng.uniform(-5, 5, 20000).astype(np.float32)
    e = np.asarray(ew.erf(Array(z)))
    assert _float32_ulps(e, sps.erf(z.astype(np.float64)).astype(np.float32)).max() <= 8
    edge = np.asarray(ew.erf_inv(Array(np.array([-1.0, 0.0, 1.0], np.float32))))
    np.testing.assert_array_equal(edge, [-np.inf, 0.0, np.inf])
    y = rng.uniform(1e-3, 50, 20000).astype(np.float32)
    log = xla_kernels.xla_log_f32(y)
    assert _float32_ulps(log, np.log(y.astype(np.float64)).astype(np.float32)).max() <= 4
    t = rng.uniform(-0.99, 3, 20000).astype(np.float32)
    log1p = xla_kernels.xla_log1p_f32(t)
    assert _float32_ulps(log1p, np.log1p(t.astype(np.float64)).astype(np.float32)).max() <= 4
    special = xla_kernels.xla_log_f32(np.array([0.0, -1.0, np.inf], np.float32))
    assert (
        math.isinf(special[0]) and special[0] < 0 and np.isnan(special[1]) and special[2] == np.inf
    )


# ---------------------------------------------------------------------------
# Under jit
# ---------------------------------------------------------------------------

# A few cases per sampler (compiling each takes seconds); eager mode covers them all.
_JIT_IDS = frozenset({
    "split[0,3]/classic", "fold_in[0,1]/part", "bits[uint8,[7]]/classic",
    "uniform[f32,-3.0,7.0]/part", "normal[f32,[4096]]/classic", "normal[c64]/part",
    "normal[f64]/classic/x64", "truncated_normal[-0.25,0.75,[]]/classic",
    "randint[array bounds]/part", "permutation[2d axis1]/classic", "categorical[2d]/part",
})  # fmt: skip
JIT_CASES = [c for c in CASES if c["id"] in _JIT_IDS]


@pytest.mark.parametrize("case", JIT_CASES, ids=[c["id"] for c in JIT_CASES])
def test_jit_matches_jax_reference(case: dict[str, Any]) -> None:
    """Compiled, with the key (and truncated_normal's bounds) as arguments, the bits are JAX's.

    Constant bounds would let XLA fold ``erf`` at compile time with its own arithmetic.
    """
    fad.config.update("enable_x64", case["x64"])
    fad.config.update("threefry_partitionable", case["partitionable"])
    call, args, kwargs = case["call"], [_dec(a) for a in case["args"]], _kwargs(case["kwargs"])
    if call == "randint":
        args[0] = tuple(args[0])
    fn = getattr(random, call)

    def run(data: Array, *dynamic: Any) -> Any:
        out = fn(random.wrap_key_data(data), *dynamic, *args, **kwargs)
        return random.key_data(out) if call in ("split", "fold_in") else out

    data = random.key_data(random.key(_dec(case["key"]["seed"])))
    if call == "truncated_normal":
        lo, hi = (jnp.asarray(v) for v in args[:2])
        args = args[2:]
        got = np.asarray(fad.jit(run)(data, lo, hi))
    else:
        got = np.asarray(fad.jit(run)(data))
    (want,) = case["expect"].values()
    assert list(got.shape) == want["shape"] and got.dtype == _np_dtype(want["dtype"])
    assert [int(v) for v in _bits_of(got).tolist()] == want["bits"]


def test_jit_retraces_when_the_threefry_scheme_changes() -> None:
    """The scheme is part of jit's cache key, as enable_x64 is: a jitted sampler gives the
    eager result under each scheme, not the first trace's."""
    draw = fad.jit(lambda k: random.split(k, 4))
    key = random.PRNGKey(0)
    for scheme in (False, True, False):
        fad.config.update("threefry_partitionable", scheme)
        eager = random.key_data(random.split(key, 4))
        np.testing.assert_array_equal(np.asarray(random.key_data(draw(key))), np.asarray(eager))
