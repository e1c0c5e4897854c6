"""fad's jit against JAX's (when JAX is importable in this environment).

1. Steady-state call overhead of a jitted ``x + 1`` on a float32 scalar.
2. An MLP training step (784-512-512-10, tanh, softmax cross-entropy, batch 128,
   float32, grad + SGD update): first call (trace + lower + compile) and steady state.
3. ``grad`` of ``sum(tanh(A @ B))`` for 1024x1024 float32 A, B, jitted.

JAX is never a dependency of fad: run this with an interpreter that has both, e.g.
``PYTHONPATH=. /path/to/venv-with-jax/bin/python benchmarks/mlp_vs_jax.py``. Without
JAX only fad's column is printed. Times are the best of several repeats.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

import fad
import fad.numpy as fnp

SIZES = (784, 512, 512, 10)
BATCH = 128


def _best(fn: Callable[[], Any], number: int, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            out = fn()
        _block(out)
        best = min(best, (time.perf_counter() - start) / number)
    return best


def _block(out: Any) -> None:
    leaves = out if isinstance(out, (list, tuple)) else [out]
    for leaf in leaves:
        if isinstance(leaf, (list, tuple)):
            _block(leaf)
        elif hasattr(leaf, "block_until_ready"):
            leaf.block_until_ready()


def _init(rng: np.random.Generator) -> list[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
    return [
        ((rng.standard_normal((m, n)) / np.sqrt(m)).astype(np.float32), np.zeros(n, np.float32))
        for m, n in itertools.pairwise(SIZES)
    ]


def _make_step(
    np_mod: Any, grad: Callable[..., Any], jit: Callable[..., Any], logsumexp: Any
) -> Any:
    def loss(params: Any, x: Any, y: Any) -> Any:
        h = x
        for w, b in params[:-1]:
            h = np_mod.tanh(h @ w + b)
        w, b = params[-1]
        logits = h @ w + b
        logp = logits - logsumexp(logits, axis=1, keepdims=True)
        return -np_mod.mean(np_mod.sum(logp * y, axis=1))

    def step(params: Any, x: Any, y: Any) -> Any:
        g = grad(loss)(params, x, y)
        return [(w - 0.01 * gw, b - 0.01 * gb) for (w, b), (gw, gb) in zip(params, g, strict=True)]

    return jit(step)


def _bench(
    name: str, np_mod: Any, grad: Any, jit: Any, logsumexp: Any, put: Any
) -> dict[str, float]:
    rng = np.random.default_rng(0)
    params = [(put(w), put(b)) for w, b in _init(rng)]
    x = put(rng.standard_normal((BATCH, SIZES[0])).astype(np.float32))
    y = put(np.eye(SIZES[-1], dtype=np.float32)[rng.integers(0, SIZES[-1], BATCH)])
    out: dict[str, float] = {}

    add_one = jit(lambda v: v + 1.0)
    s = put(np.float32(1.0))
    _block(add_one(s))
    out["x + 1 call (us)"] = _best(lambda: add_one(s), number=2000) * 1e6

    step = _make_step(np_mod, grad, jit, logsumexp)
    t0 = time.perf_counter()
    _block(step(params, x, y))
    out["MLP first call (s)"] = time.perf_counter() - t0
    out["MLP step (ms)"] = _best(lambda: step(params, x, y), number=20) * 1e3

    a = put(rng.standard_normal((1024, 1024)).astype(np.float32) / 32)
    bm = put(rng.standard_normal((1024, 1024)).astype(np.float32) / 32)
    g = jit(grad(lambda a, b: np_mod.sum(np_mod.tanh(a @ b))))
    _block(g(a, bm))
    out["grad sum(tanh(A@B)) (ms)"] = _best(lambda: g(a, bm), number=5) * 1e3
    print(f"  {name} done", flush=True)
    return out


def _jax() -> tuple[ModuleType, ModuleType, Any] | None:
    try:
        import jax
        import jax.numpy as jnp
        from jax.scipy.special import logsumexp
    except ImportError:
        return None
    return jax, jnp, logsumexp


def main() -> None:
    from fad.scipy.special import logsumexp as fad_logsumexp

    results = {"fad": _bench("fad", fnp, fad.grad, fad.jit, fad_logsumexp, fad.device_put)}
    found = _jax()
    if found is not None:
        jax, jnp, jax_logsumexp = found
        results["jax"] = _bench("jax", jnp, jax.grad, jax.jit, jax_logsumexp, jax.device_put)
    else:
        print("jax not installed: printing fad only")
    names = list(results)
    print(
        f"{'':28s}"
        + "".join(f"{n:>12s}" for n in names)
        + ("   fad/jax" if "jax" in results else "")
    )
    for metric in results["fad"]:
        row = f"{metric:28s}" + "".join(f"{results[n][metric]:12.3f}" for n in names)
        if "jax" in results:
            row += f"   {results['fad'][metric] / results['jax'][metric]:7.2f}x"
        print(row)


if __name__ == "__main__":
    main()
