"""The same programs on a GPU through the CUDA PJRT plugin (skipped without a usable GPU):
each result is compared with the CPU's. Run by scripts/gpu-check.sh on a GPU machine."""

from __future__ import annotations

import numpy as np
import pytest

import fad
import fad.numpy as jnp
from fad._src.xla import runtime

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(runtime.load_cuda_plugin() is None, reason="no usable CUDA GPU"),
]


def _both(f: object, *args: fad.Array) -> tuple[np.ndarray, np.ndarray]:
    assert callable(f)
    on_gpu = fad.jit(f, backend="cuda")(*args)
    on_cpu = fad.jit(f, backend="cpu")(*args)
    return np.asarray(on_gpu), np.asarray(on_cpu)


def _spd(n: int, seed: int) -> fad.Array:
    a = np.random.default_rng(seed).normal(size=(n, n)).astype(np.float32)
    return jnp.asarray(a @ a.T + n * np.eye(n, dtype=np.float32))


@pytest.mark.parametrize(
    "name,f",
    [
        ("cholesky", lambda a: jnp.linalg.cholesky(a)),
        ("solve", lambda a: jnp.linalg.solve(a, jnp.ones(a.shape[0]))),
        ("eigh", lambda a: jnp.linalg.eigh(a)[0]),
        ("svd", lambda a: jnp.linalg.svd(a, compute_uv=False)),
        ("inv", lambda a: jnp.linalg.inv(a)),
        ("slogdet", lambda a: jnp.linalg.slogdet(a)[1]),
        ("grad_logdet", fad.grad(lambda a: jnp.linalg.slogdet(a)[1])),
    ],
)
def test_linear_algebra(name: str, f: object) -> None:
    gpu, cpu = _both(f, _spd(16, 0))
    np.testing.assert_allclose(gpu, cpu, rtol=2e-4, atol=2e-4, err_msg=name)


def test_mlp_training_step() -> None:
    rng = np.random.default_rng(1)
    w1 = jnp.asarray(rng.normal(size=(32, 64)).astype(np.float32) * 0.1)
    w2 = jnp.asarray(rng.normal(size=(64, 10)).astype(np.float32) * 0.1)
    x = jnp.asarray(rng.normal(size=(128, 32)).astype(np.float32))

    def step(w1: fad.Array, w2: fad.Array, x: fad.Array) -> fad.Array:
        def loss(w1: fad.Array, w2: fad.Array) -> fad.Array:
            return jnp.mean(jnp.tanh(x @ w1) @ w2)

        g1, _ = fad.grad(loss, argnums=(0, 1))(w1, w2)
        return w1 - 0.1 * g1

    gpu, cpu = _both(step, w1, w2, x)
    np.testing.assert_allclose(gpu, cpu, rtol=1e-4, atol=1e-5)
