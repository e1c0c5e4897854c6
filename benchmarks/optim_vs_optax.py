"""fad.optim against optax (when optax and JAX are importable in this environment).

A jitted Adam update (``update`` + ``apply_updates``) of the parameters of a
784-512-512-10 MLP (about 670k float32 values in six leaves), given the gradients:
first call (trace + lower + compile) and steady state (each step's outputs fed to the
next, as in training), best of five runs of 50 steps.

optax is never a dependency of fad: run this with an interpreter that has both, e.g.
``PYTHONPATH=. /path/to/venv-with-optax/bin/python benchmarks/optim_vs_optax.py``.
Without optax only fad's row is printed.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import numpy as np

import fad
import fad.optim

SIZES = (784, 512, 512, 10)


def _wait(tree: Any) -> None:
    for leaf in tree:
        np.asarray(leaf)


def _bench(optimizer: Any, apply_updates: Any, jit: Any, put: Any) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    params = [
        put(rng.standard_normal(shape).astype(np.float32))
        for m, n in itertools.pairwise(SIZES)
        for shape in ((m, n), (n,))
    ]
    grads = [put(0.01 * np.asarray(p)) for p in params]
    state = optimizer.init(params)

    @jit
    def step(params: Any, state: Any, grads: Any) -> Any:
        updates, state = optimizer.update(grads, state, params)
        return apply_updates(params, updates), state

    t0 = time.perf_counter()
    params, state = step(params, state, grads)
    _wait(params)
    first = time.perf_counter() - t0
    best = float("inf")
    for _ in range(5):  # a training loop: each step's outputs are the next step's inputs
        start = time.perf_counter()
        for _ in range(50):
            params, state = step(params, state, grads)
        _wait(params)
        best = min(best, (time.perf_counter() - start) / 50)
    return first, best


def main() -> None:
    rows = {"fad.optim": _bench(fad.optim.adam(1e-3), fad.optim.apply_updates, fad.jit,
                                fad.device_put)}  # fmt: skip
    try:
        import jax
        import optax
    except ImportError:
        print("optax not installed: fad only")
    else:
        rows["optax"] = _bench(optax.adam(1e-3), optax.apply_updates, jax.jit, jax.device_put)
    print(f"{'jitted Adam step, 670k params':32} {'first call (s)':>15} {'step (ms)':>10}")
    for name, (first, step) in rows.items():
        print(f"{name:32} {first:15.3f} {step * 1e3:10.3f}")


if __name__ == "__main__":
    main()
