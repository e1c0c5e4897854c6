"""Looped vs vmapped matrix-Jacobian (MJP) and Jacobian-matrix (JMP) products, eager mode.

The autodiff cookbook's example: ``predict(W, b, inputs)`` (a logistic unit) differentiated
with respect to ``W``, with 128 covectors (MJP, through ``vjp``) or 128 vectors (JMP,
through ``jvp``). The loop applies the pullback/pushforward once per row; the vmapped
version applies it once to the whole batch. Prints the best-of-N time of each and the
speedup; run as ``python -m benchmarks.vmap_jacobians`` (or as a script).

BLAS is limited to one thread unless ``OPENBLAS_NUM_THREADS`` is already set: on a small,
shared machine a multi-threaded matmul's time is dominated by thread scheduling, which
would make the one large batched product (not the loop's many small ones) noisy.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import timeit
from collections.abc import Callable

import numpy as np

import fad.numpy as jnp
from fad import Array, jvp, vjp, vmap

Fn = Callable[[Array], Array]


def sigmoid(x: Array) -> Array:
    return 0.5 * (jnp.tanh(x / 2) + 1)


def predict(W: Array, b: Array, inputs: Array) -> Array:
    return sigmoid(jnp.dot(inputs, W) + b)


def loop_mjp(f: Fn, x: Array, M: Array) -> Array:
    _, vjp_fun = vjp(f, x)
    return jnp.vstack([vjp_fun(mi) for mi in M])


def vmap_mjp(f: Fn, x: Array, M: Array) -> Array:
    _, vjp_fun = vjp(f, x)
    outs: Array = vmap(vjp_fun)(M)[0]
    return outs


def loop_jmp(f: Fn, W: Array, M: Array) -> Array:
    return jnp.vstack([jvp(f, (W,), (mi,))[1] for mi in M])


def vmap_jmp(f: Fn, W: Array, M: Array) -> Array:
    def _jvp(s: Array) -> Array:
        out: Array = jvp(f, (W,), (s,))[1]
        return out

    out: Array = vmap(_jvp)(M)
    return out


def _best_pair_ms(
    loop: Callable[[], object], vmapped: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Best-of-``repeat`` milliseconds of each, timed alternately so both see the same load."""
    loop()
    vmapped()  # warm-up (imports, caches)
    t_loop, t_vmap = float("inf"), float("inf")
    for _ in range(repeat):
        t_loop = min(t_loop, timeit.timeit(loop, number=1))
        t_vmap = min(t_vmap, timeit.timeit(vmapped, number=5) / 5)
    return t_loop * 1e3, t_vmap * 1e3


def bench(n_inputs: int, n_features: int, n_rows: int = 128, repeat: int = 15) -> list[float]:
    """Print and return the loop and vmap milliseconds for MJP and JMP."""
    rng = np.random.default_rng(0)
    W = jnp.asarray(rng.standard_normal(n_features).astype(np.float32))
    b = jnp.asarray(np.float32(rng.standard_normal()))
    inputs = jnp.asarray(rng.standard_normal((n_inputs, n_features)).astype(np.float32))

    def f(w: Array) -> Array:
        return predict(w, b, inputs)

    U = jnp.asarray(rng.standard_normal((n_rows, n_inputs)).astype(np.float32))
    V = jnp.asarray(rng.standard_normal((n_rows, n_features)).astype(np.float32))
    np.testing.assert_allclose(
        np.asarray(loop_mjp(f, W, U)), np.asarray(vmap_mjp(f, W, U)), rtol=1e-4, atol=1e-6
    )
    np.testing.assert_allclose(
        np.asarray(loop_jmp(f, W, V)), np.asarray(vmap_jmp(f, W, V)), rtol=1e-4, atol=1e-6
    )
    t_lm, t_vm = _best_pair_ms(lambda: loop_mjp(f, W, U), lambda: vmap_mjp(f, W, U), repeat)
    t_lj, t_vj = _best_pair_ms(lambda: loop_jmp(f, W, V), lambda: vmap_jmp(f, W, V), repeat)
    case = f"inputs ({n_inputs},{n_features}), {n_rows} rows"
    print(f"{case}:")
    print(f"  MJP  loop {t_lm:8.2f} ms   vmap {t_vm:7.3f} ms   speedup {t_lm / t_vm:6.1f}x")
    print(f"  JMP  loop {t_lj:8.2f} ms   vmap {t_vj:7.3f} ms   speedup {t_lj / t_vj:6.1f}x")
    return [t_lm, t_vm, t_lj, t_vj]


def main() -> None:
    bench(4, 3)  # the cookbook's sizes: W (3,), inputs (4, 3)
    bench(100, 300)


if __name__ == "__main__":
    main()
