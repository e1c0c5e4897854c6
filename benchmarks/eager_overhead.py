"""Eager per-op overhead: ``fad.numpy.sin`` on 100 float32 elements vs numpy (and JAX if present).

Prints microseconds per call and fad's overhead above numpy. JAX is never a dependency of
fad; it is timed only when it happens to be importable.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable

import numpy as np

import fad.numpy as fnp


def _per_call_us(fn: Callable[[], object], number: int = 20000, repeat: int = 7) -> float:
    times = timeit.repeat(fn, number=number, repeat=repeat)
    return min(times) / number * 1e6


def main() -> None:
    x_np = np.linspace(0.0, 1.0, 100, dtype=np.float32)
    x_fad = fnp.asarray(x_np)
    t_np = _per_call_us(lambda: np.sin(x_np))
    t_fad = _per_call_us(lambda: fnp.sin(x_fad))
    _row("numpy sin(100 x f32)", t_np, None)
    _row("fad   sin(100 x f32)", t_fad, t_fad - t_np)
    t_add = _per_call_us(lambda: x_fad + x_fad)
    t_add_np = _per_call_us(lambda: x_np + x_np)
    _row("fad   x + x", t_add, t_add - t_add_np)
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        print("jax not installed: skipping the JAX eager comparison")
        return
    x_jax = jax.device_put(x_np)
    jnp.sin(x_jax).block_until_ready()
    t_jax = _per_call_us(lambda: jnp.sin(x_jax).block_until_ready(), number=2000)
    _row("jax   sin(100 x f32)", t_jax, t_jax - t_np)
    ratio = (t_jax - t_np) / max(t_fad - t_np, 1e-9)
    print(f"JAX eager overhead / fad eager overhead: {ratio:.1f}x")


def _row(label: str, t: float, overhead: float | None) -> None:
    extra = "" if overhead is None else f"   overhead above numpy: {overhead:5.2f} us"
    print(f"{label:26s}{t:7.2f} us/op{extra}")


if __name__ == "__main__":
    main()
