"""Arrays and programs over several devices: meshes, shardings, device_put, sharded jit.

The suite runs with four CPU devices (tests/conftest.py sets ``FAD_NUM_CPU_DEVICES``).
Every sharded result is compared with the same computation on one device.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp
from fad.sharding import Mesh, NamedSharding, SingleDeviceSharding
from fad.sharding import PartitionSpec as P

pytestmark = pytest.mark.skipif(
    fad.device_count("cpu") < 4, reason="needs FAD_NUM_CPU_DEVICES=4 (set by conftest)"
)


def mesh_2x2() -> Mesh:
    return Mesh(np.array(fad.devices("cpu")[:4]).reshape(2, 2), ("x", "y"))


def mesh_4() -> Mesh:
    return Mesh(np.array(fad.devices("cpu")[:4]), ("data",))


# -- devices and configuration ---------------------------------------------------


def test_device_queries() -> None:
    assert fad.device_count("cpu") == 4
    assert fad.local_device_count("cpu") == 4
    assert [d.id for d in fad.local_devices("cpu")] == [0, 1, 2, 3]
    assert fad.process_index() == 0
    assert fad.process_count() == 1


def test_num_cpu_devices_is_fixed_once_the_backend_runs() -> None:
    fad.config.update("num_cpu_devices", 4)  # the same count: accepted
    with pytest.raises(RuntimeError, match="before the CPU backend starts"):
        fad.config.update("num_cpu_devices", 8)
    with pytest.raises(TypeError, match="positive int"):
        fad.config.update("num_cpu_devices", True)
    assert fad.config.read("num_cpu_devices") == 4


def test_cpu_dispatch_mode_is_fixed_once_the_backend_runs() -> None:
    """Synchronous by default; the mode is the CPU client's, so it is fixed once that runs."""
    assert fad.config.read("cpu_enable_async_dispatch") is False
    fad.config.update("cpu_enable_async_dispatch", False)  # the same mode: accepted
    with pytest.raises(RuntimeError, match="before the CPU backend starts"):
        fad.config.update("jax_cpu_enable_async_dispatch", True)
    with pytest.raises(TypeError, match="expects a bool"):
        fad.config.update("cpu_enable_async_dispatch", 1)
    assert fad.config.read("cpu_enable_async_dispatch") is False


def test_asynchronous_dispatch_gives_the_same_results() -> None:
    """With the CPU client in JAX's asynchronous mode (a fresh process), jitted calls,
    sharded ones included, return what the synchronous default returns here."""
    code = (
        "import json, numpy as np, fad, fad.numpy as jnp\n"
        "fad.config.update('cpu_enable_async_dispatch', True)\n"
        "f = fad.jit(lambda x: (jnp.tanh(x) @ x.T, x.sum()))\n"
        "x = jnp.arange(12.0).reshape(3, 4) / 10\n"
        "a, s = fad.block_until_ready(f(x))\n"
        "assert not (a._computed or s._computed)  # queued work: waited for, not assumed\n"
        "mesh = fad.sharding.Mesh(np.array(fad.devices()), ('i',))\n"
        "y = fad.device_put(x, fad.sharding.NamedSharding(mesh, fad.sharding.PartitionSpec('i')))\n"
        "b = fad.jit(lambda v: jnp.sin(v) * 2)(y)\n"
        "print(json.dumps(np.concatenate([np.ravel(a), [float(s)], np.ravel(b)]).tolist()))\n"
    )
    env = {**os.environ, "FAD_NUM_CPU_DEVICES": "3", "TF_CPP_MIN_LOG_LEVEL": "2"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, check=True, timeout=120
    ).stdout
    got = np.array(json.loads(out))
    x = np.arange(12.0, dtype=np.float32).reshape(3, 4) / 10
    want = np.concatenate([np.ravel(np.tanh(x) @ x.T), [x.sum()], np.ravel(np.sin(x) * 2)])
    np.testing.assert_allclose(got, want, rtol=1e-5)


# -- meshes and shardings ----------------------------------------------------------


def test_mesh_and_spec_validation() -> None:
    devs = fad.devices("cpu")[:4]
    with pytest.raises(ValueError, match="axis_names"):
        Mesh(np.array(devs).reshape(2, 2), ("x",))
    with pytest.raises(ValueError, match="distinct"):
        Mesh(np.array(devs).reshape(2, 2), ("x", "x"))
    with pytest.raises(TypeError, match="PartitionSpec entries"):
        P(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not in the mesh"):
        NamedSharding(mesh_2x2(), P("z"))
    with pytest.raises(ValueError, match="twice"):
        NamedSharding(mesh_2x2(), P("x", "x"))
    with pytest.raises(TypeError, match="PartitionSpec"):
        NamedSharding(mesh_2x2(), ("x",))  # type: ignore[arg-type]
    assert mesh_2x2().shape == {"x": 2, "y": 2}


@pytest.mark.parametrize(
    ("spec", "text"),
    [
        (P(), "{replicated}"),
        (P("x", "y"), "{devices=[2,2]0,1,2,3}"),
        (P("y", "x"), "{devices=[2,2]0,2,1,3}"),
        (P("x"), "{devices=[2,1,2]0,1,2,3 last_tile_dim_replicate}"),
        (P(None, "y"), "{devices=[1,2,2]0,2,1,3 last_tile_dim_replicate}"),
        (P(("x", "y")), "{devices=[4,1]0,1,2,3}"),
        (P(("y", "x")), "{devices=[4,1]0,2,1,3}"),
    ],
)
def test_hlo_sharding_text(spec: P, text: str) -> None:
    assert NamedSharding(mesh_2x2(), spec).hlo_text(2) == text


@pytest.mark.parametrize(
    "spec", [P(), P("x"), P("x", "y"), P("y", "x"), P(None, "y"), P(("x", "y"))]
)
@pytest.mark.parametrize("shape", [(8, 6), (5, 3)])
def test_device_put_pieces(spec: P, shape: tuple[int, int]) -> None:
    mesh = mesh_2x2()
    value = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    sharding = NamedSharding(mesh, spec)
    x = fad.device_put(jnp.asarray(value), sharding)
    np.testing.assert_array_equal(np.asarray(x), value)
    shards = x.addressable_shards
    assert len(shards) == 4
    # Each device holds exactly the slice of the whole that the mesh coordinates say.
    coords = {d: c for c, d in np.ndenumerate(mesh.devices)}
    for s in shards:
        cx, cy = coords[s.device]
        expect: list[Any] = []
        for dim in range(2):
            axes = spec.axes(dim)
            parts, pos = 1, 0
            for a in axes:
                size = mesh.shape[a]
                pos = pos * size + (cx if a == "x" else cy)
                parts *= size
            n = shape[dim]
            step = -(-n // parts)
            expect.append(slice(min(pos * step, n), min((pos + 1) * step, n)))
        np.testing.assert_array_equal(np.asarray(s.data), value[tuple(expect)])
        np.testing.assert_array_equal(np.asarray(s.data), value[s.index])
    assert x.is_fully_replicated == (spec == P())
    assert x.sharding == sharding


def test_device_put_copies_the_callers_data() -> None:
    value = np.arange(8.0, dtype=np.float32)
    x = fad.device_put(value, NamedSharding(mesh_4(), P("data")))
    value[0] = 100.0
    assert float(np.asarray(x)[0]) == 0.0


def test_single_device_sharding() -> None:
    dev = fad.devices("cpu")[2]
    x = fad.device_put(jnp.arange(3.0), SingleDeviceSharding(dev))
    assert x.sharding == SingleDeviceSharding(dev)
    assert x.is_fully_replicated
    assert [s.device for s in x.addressable_shards] == [dev]
    host_only = jnp.arange(3.0)
    assert host_only.sharding.device_set == {fad.devices("cpu")[0]}


# -- jit over several devices -------------------------------------------------------


def _mlp_loss(params: dict[str, Any], x: Any, y: Any) -> Any:
    h = jnp.tanh(x @ params["w1"] + params["b1"])
    out = h @ params["w2"] + params["b2"]
    return jnp.mean((out - y) ** 2)


def _sgd_step(params: dict[str, Any], x: Any, y: Any) -> tuple[dict[str, Any], Any]:
    loss, g = fad.value_and_grad(_mlp_loss)(params, x, y)
    return fad.tree.map(lambda p, d: p - 0.1 * d, params, g), loss


def test_data_parallel_mlp_matches_one_device() -> None:
    rng = np.random.default_rng(0)
    params = {
        "w1": jnp.asarray(rng.normal(size=(5, 16)).astype(np.float32) * 0.5),
        "b1": jnp.zeros(16),
        "w2": jnp.asarray(rng.normal(size=(16, 2)).astype(np.float32) * 0.5),
        "b2": jnp.zeros(2),
    }
    x = jnp.asarray(rng.normal(size=(32, 5)).astype(np.float32))
    y = jnp.asarray(rng.normal(size=(32, 2)).astype(np.float32))
    mesh = mesh_4()
    replicated = NamedSharding(mesh, P())
    batch = NamedSharding(mesh, P("data"))
    step = fad.jit(
        _sgd_step,
        in_shardings=(replicated, batch, batch),
        out_shardings=(replicated, replicated),
    )
    single = fad.jit(_sgd_step)
    p_sharded, p_single = params, params
    xs, ys = fad.device_put(x, batch), fad.device_put(y, batch)
    for _ in range(5):
        p_sharded, loss_sharded = step(p_sharded, xs, ys)
        p_single, loss_single = single(p_single, x, y)
        np.testing.assert_allclose(loss_sharded, loss_single, rtol=1e-5, atol=1e-6)
    for k in params:
        np.testing.assert_allclose(p_sharded[k], p_single[k], rtol=1e-5, atol=1e-6)
        assert p_sharded[k].sharding.is_fully_replicated
        assert p_sharded[k].sharding.num_devices == 4
    assert loss_sharded.sharding.num_devices == 4


def test_out_shardings_are_applied() -> None:
    mesh = mesh_2x2()
    want = NamedSharding(mesh, P("y", "x"))
    f = fad.jit(lambda a: jnp.sin(a) * 2.0, out_shardings=want)
    a = jnp.arange(24.0).reshape(4, 6)
    out = f(a)
    assert out.sharding.hlo_text(2) == want.hlo_text(2)
    np.testing.assert_allclose(out, fad.jit(lambda a: jnp.sin(a) * 2.0)(a), rtol=1e-6)
    for s in out.addressable_shards:
        np.testing.assert_allclose(s.data, np.asarray(out)[s.index])


def test_sharded_arguments_keep_their_sharding_without_in_shardings() -> None:
    mesh = mesh_2x2()
    a = fad.device_put(jnp.arange(24.0).reshape(8, 3), NamedSharding(mesh, P("x")))
    w = jnp.array([1.0, -2.0, 0.5])
    f = fad.jit(lambda a, w: (jnp.sum(jnp.tanh(a * w)), a * 2.0))
    total, doubled = f(a, w)
    ref_total, ref_doubled = fad.jit(lambda a, w: (jnp.sum(jnp.tanh(a * w)), a * 2.0))(
        jnp.asarray(np.asarray(a)), w
    )
    np.testing.assert_allclose(total, ref_total, rtol=1e-6)
    np.testing.assert_allclose(doubled, ref_doubled)
    assert doubled.sharding.num_devices == 4


def test_grad_through_sharded_jit_and_on_sharded_inputs() -> None:
    def loss(a: fad.Array, w: fad.Array) -> fad.Array:
        return jnp.sum(jnp.tanh(a @ w) ** 2)

    mesh = mesh_4()
    a = jnp.asarray(np.random.default_rng(1).normal(size=(8, 3)).astype(np.float32))
    w = jnp.array([0.3, -0.2, 0.1])
    ref = fad.grad(loss, argnums=(0, 1))(a, w)
    sharded = fad.jit(
        fad.grad(loss, argnums=(0, 1)),
        in_shardings=(NamedSharding(mesh, P("data")), NamedSharding(mesh, P())),
    )(a, w)
    eager_on_sharded = fad.grad(fad.jit(loss), argnums=(0, 1))(
        fad.device_put(a, NamedSharding(mesh, P("data"))), w
    )
    for got in (sharded, eager_on_sharded):
        for g, r in zip(got, ref, strict=True):
            np.testing.assert_allclose(g, r, rtol=1e-5, atol=1e-6)


def test_shardings_must_agree_on_devices() -> None:
    devs = fad.devices("cpu")
    m1 = Mesh(np.array(devs[:2]), ("a",))
    m2 = Mesh(np.array(devs[2:4]), ("a",))
    f = fad.jit(
        lambda u, v: u + v, in_shardings=(NamedSharding(m1, P("a")), NamedSharding(m2, P("a")))
    )
    with pytest.raises(ValueError, match="same devices"):
        f(jnp.ones(4), jnp.ones(4))
    with pytest.raises(TypeError, match="Sharding objects"):
        fad.jit(lambda u: u, in_shardings=P("a"))(jnp.ones(4))


# -- with_sharding_constraint --------------------------------------------------------


def test_sharding_constraint_eager_jit_grad_vmap() -> None:
    mesh = mesh_2x2()
    want = NamedSharding(mesh, P("x", "y"))

    def f(a: fad.Array) -> fad.Array:
        b = fad.lax.with_sharding_constraint(a * 2.0, want)
        return jnp.sin(b) * b

    def plain(a: fad.Array) -> fad.Array:
        return jnp.sin(a * 2.0) * (a * 2.0)

    a = jnp.asarray(np.random.default_rng(5).normal(size=(4, 6)).astype(np.float32))
    eager = fad.lax.with_sharding_constraint(a, want)
    assert eager.sharding == want
    np.testing.assert_array_equal(eager, a)
    np.testing.assert_allclose(fad.jit(f)(a), plain(a), rtol=1e-6)
    g = fad.jit(fad.grad(lambda a: jnp.sum(f(a))))(a)
    np.testing.assert_allclose(g, fad.grad(lambda a: jnp.sum(plain(a)))(a), rtol=1e-5)
    _, t = fad.jvp(f, (a,), (fad.tangent(jnp.ones_like(a)),))
    _, t_ref = fad.jvp(plain, (a,), (fad.tangent(jnp.ones_like(a)),))
    np.testing.assert_allclose(np.asarray(t), np.asarray(t_ref), rtol=1e-5)
    batched = fad.jit(fad.vmap(f))(jnp.stack([a, 2 * a]))
    np.testing.assert_allclose(batched, np.stack([plain(a), plain(2 * a)]), rtol=1e-5)
    with pytest.raises(TypeError, match="NamedSharding or SingleDeviceSharding"):
        fad.lax.with_sharding_constraint(a, P("x"))


def test_shardings_flow_through_control_flow_and_vmap() -> None:
    mesh = mesh_4()
    batch = NamedSharding(mesh, P("data"))

    def body(x: fad.Array) -> fad.Array:
        def step(c: fad.Array, row: fad.Array) -> tuple[fad.Array, fad.Array]:
            return c + jnp.sin(row), c * 2.0

        carry, ys = fad.lax.scan(step, jnp.zeros(x.shape[1]), x)
        return fad.lax.cond(jnp.sum(carry) > 0, lambda: ys * 2.0, lambda: ys - 1.0)

    x = jnp.asarray(np.random.default_rng(6).normal(size=(8, 3)).astype(np.float32))
    want = body(x)
    np.testing.assert_allclose(fad.jit(body, in_shardings=batch)(x), want, rtol=1e-5)
    g = fad.jit(fad.grad(lambda x: jnp.sum(body(x) ** 2)), in_shardings=batch)(x)
    np.testing.assert_allclose(g, fad.grad(lambda x: jnp.sum(body(x) ** 2))(x), rtol=1e-4)
    xs = fad.device_put(jnp.stack([x, -x, 2 * x, x * 0.5]), NamedSharding(mesh, P("data")))
    batched = fad.jit(fad.vmap(body))(xs)
    np.testing.assert_allclose(
        batched, np.stack([body(v) for v in (x, -x, 2 * x, x * 0.5)]), rtol=1e-5
    )


def test_mesh_device_ids_and_shard_shape() -> None:
    mesh = mesh_2x2()
    np.testing.assert_array_equal(mesh.device_ids, [[0, 1], [2, 3]])
    assert NamedSharding(mesh, P("x", "y")).shard_shape((5, 6)) == (3, 3)
    assert NamedSharding(mesh, P("x")).shard_shape((4, 6)) == (2, 6)
    assert NamedSharding(mesh, P()).shard_shape((4, 6)) == (4, 6)
    assert Mesh(np.array(fad.devices("cpu")[:4]).reshape(2, 2), ("x", "y")) == mesh
    assert hash(Mesh(np.array(fad.devices("cpu")[:4]).reshape(2, 2), ("x", "y"))) == hash(mesh)
    assert Mesh(np.array(fad.devices("cpu")[:4]).reshape(2, 2), ("y", "x")) != mesh
