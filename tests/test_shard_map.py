"""shard_map over four CPU devices: every collective against vmap with the same axis name
(one member per device), gradients against the single-device computation, jit, and the
replication check.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_collectives import CASES, NAMES

import fad
import fad.numpy as jnp
from fad import lax
from fad.sharding import Mesh, NamedSharding
from fad.sharding import PartitionSpec as P

pytestmark = pytest.mark.skipif(
    fad.device_count("cpu") < 4, reason="needs FAD_NUM_CPU_DEVICES=4 (set by conftest)"
)


def mesh_of(n: int = 4, name: str = "i") -> Mesh:
    return Mesh(np.array(fad.devices("cpu")[:n]), (name,))


@pytest.mark.parametrize("name", NAMES)
def test_collective_in_shard_map_equals_vmap(name: str) -> None:
    """One member per device: shard_map over a 4-device axis computes what vmap does."""
    fn, _, shape = CASES[name]
    shape = tuple(4 if d == 3 else 2 * 4 if d == 6 else d for d in shape)  # N=3 -> 4 members
    if name == "ppermute_partial":
        perm = [(0, 2), (2, 1)]
        fn = lambda v: lax.ppermute(v, "i", perm)  # noqa: E731
    if name == "ppermute":
        fn = lambda v: lax.ppermute(v, "i", [(0, 1), (1, 2), (2, 3), (3, 0)])  # noqa: E731
    xs = np.random.default_rng(0).normal(size=(4, *shape)).astype(np.float32)
    want = fad.vmap(fn, axis_name="i")(jnp.asarray(xs))
    per_device = fad.shard_map(
        lambda b: fn(b[0])[None], mesh=mesh_of(), in_specs=P("i"), out_specs=P("i")
    )
    np.testing.assert_allclose(per_device(jnp.asarray(xs)), want, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(fad.jit(per_device)(jnp.asarray(xs)), want, rtol=1e-6, atol=1e-6)


def test_blocks_and_replicated_results() -> None:
    x = jnp.arange(8.0)
    total = fad.shard_map(
        lambda b: lax.psum(jnp.sum(b), "i"), mesh=mesh_of(), in_specs=P("i"), out_specs=P()
    )
    assert float(total(x)) == 28.0
    shifted = fad.shard_map(
        lambda b: b * 2.0 + lax.axis_index("i"), mesh=mesh_of(), in_specs=P("i"), out_specs=P("i")
    )
    np.testing.assert_array_equal(shifted(x), np.arange(8.0) * 2 + np.repeat(np.arange(4), 2))
    out = fad.jit(shifted)(x)
    assert out.sharding.num_devices == 4


def test_two_dimensional_mesh() -> None:
    mesh = Mesh(np.array(fad.devices("cpu")[:4]).reshape(2, 2), ("x", "y"))
    a = np.arange(24.0, dtype=np.float32).reshape(4, 6)
    rows = fad.shard_map(
        lambda b: lax.psum(b, "y"), mesh=mesh, in_specs=P("x", "y"), out_specs=P("x", None)
    )
    want = a.reshape(4, 2, 3).sum(1)  # blocks along y summed
    np.testing.assert_allclose(rows(jnp.asarray(a)), want)
    both = fad.shard_map(
        lambda b: lax.psum(jnp.sum(b), ("x", "y")), mesh=mesh, in_specs=P("x", "y"),
        out_specs=P(),
    )  # fmt: skip
    assert float(both(jnp.asarray(a))) == a.sum()


def _loss(w: fad.Array, x: fad.Array, y: fad.Array) -> fad.Array:
    return jnp.mean((jnp.tanh(x @ w) - y) ** 2)


def test_grad_through_shard_map_equals_single_device() -> None:
    rng = np.random.default_rng(3)
    w = jnp.asarray(rng.normal(size=(3, 2)).astype(np.float32))
    x = jnp.asarray(rng.normal(size=(8, 3)).astype(np.float32))
    y = jnp.asarray(rng.normal(size=(8, 2)).astype(np.float32))
    mesh = mesh_of(4, "data")

    def sharded_loss(w: fad.Array, x: fad.Array, y: fad.Array) -> fad.Array:
        def local(w: Any, xb: Any, yb: Any) -> Any:
            return lax.pmean(_loss(w, xb, yb), "data")

        out: fad.Array = fad.shard_map(
            local, mesh=mesh, in_specs=(P(), P("data"), P("data")), out_specs=P()
        )(w, x, y)
        return out

    np.testing.assert_allclose(sharded_loss(w, x, y), _loss(w, x, y), rtol=1e-6)
    want = fad.grad(_loss, argnums=(0, 1))(w, x, y)
    for got in (
        fad.grad(sharded_loss, argnums=(0, 1))(w, x, y),
        fad.jit(fad.grad(sharded_loss, argnums=(0, 1)))(w, x, y),
    ):
        for g, r in zip(got, want, strict=True):
            np.testing.assert_allclose(g, r, rtol=1e-5, atol=1e-6)
    # forward mode too
    t = jnp.ones_like(w)
    _, jt = fad.jvp(lambda w: sharded_loss(w, x, y), (w,), (fad.tangent(t),))
    _, jt_ref = fad.jvp(lambda w: _loss(w, x, y), (w,), (fad.tangent(t),))
    np.testing.assert_allclose(np.asarray(jt), np.asarray(jt_ref), rtol=1e-5)


def test_data_parallel_training_with_explicit_psum() -> None:
    rng = np.random.default_rng(4)
    w = jnp.asarray(rng.normal(size=(3, 2)).astype(np.float32))
    x = jnp.asarray(rng.normal(size=(8, 3)).astype(np.float32))
    y = jnp.asarray(rng.normal(size=(8, 2)).astype(np.float32))
    mesh = mesh_of(4, "data")

    def local_step(w: Any, xb: Any, yb: Any) -> Any:
        g = fad.grad(_loss)(w, xb, yb)
        return w - 0.5 * lax.pmean(g, "data")

    step = fad.jit(
        fad.shard_map(local_step, mesh=mesh, in_specs=(P(), P("data"), P("data")), out_specs=P())
    )
    ref = w
    for _ in range(5):
        w = step(w, x, y)
        ref = ref - 0.5 * fad.grad(_loss)(ref, x, y)
    np.testing.assert_allclose(w, ref, rtol=1e-5, atol=1e-6)


def test_vmap_of_shard_map() -> None:
    f = fad.shard_map(
        lambda b: lax.psum(jnp.sum(b), "i"), mesh=mesh_of(), in_specs=P("i"), out_specs=P()
    )
    xs = jnp.arange(24.0).reshape(3, 8)
    np.testing.assert_allclose(fad.vmap(f)(xs), np.arange(24.0).reshape(3, 8).sum(1))


def test_errors() -> None:
    mesh = mesh_of()
    unreduced = fad.shard_map(lambda b: jnp.sum(b), mesh=mesh, in_specs=P("i"), out_specs=P())
    with pytest.raises(ValueError, match="may differ across the mesh axes"):
        unreduced(jnp.arange(8.0))
    with pytest.raises(ValueError, match="do not divide evenly"):
        fad.shard_map(lambda b: b, mesh=mesh, in_specs=P("i"), out_specs=P("i"))(jnp.ones(6))
    with pytest.raises(TypeError, match="PartitionSpecs"):
        fad.shard_map(lambda b: b, mesh=mesh, in_specs="i", out_specs=P("i"))
    with pytest.raises(TypeError, match="Mesh"):
        fad.shard_map(lambda b: b, mesh="m", in_specs=P("i"), out_specs=P("i"))  # type: ignore[arg-type]
    sharded = fad.device_put(jnp.ones(8), NamedSharding(mesh, P("i")))
    np.testing.assert_array_equal(
        fad.shard_map(lambda b: b + 1.0, mesh=mesh, in_specs=P("i"), out_specs=P("i"))(sharded),
        np.full(8, 2.0),
    )
