"""jit dispatch overhead and eager vs jit on a long elementwise chain.

1. Per-call overhead of a jitted scalar function (``x * 2 + 1`` on a 0-d float32),
   fed its own output (device-resident, the common loop case) and fed a fresh
   Python float (one upload per call); bare ``runtime`` execution of the same
   executable is the floor.
2. A 1,000-op elementwise chain (sin/mul/add/tanh... on 1,000 float32) eagerly
   (one numpy call per op) vs jitted (one fused XLA executable); compile time too.

Prints microseconds per call. Timings are the best of several repeats.
"""

from __future__ import annotations

import time
import timeit
from collections.abc import Callable

import numpy as np

import fad
import fad.numpy as jnp
from fad._src import jit as jit_mod
from fad._src.xla import runtime


def _per_call_us(fn: Callable[[], object], number: int, repeat: int = 7) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def _chain(x: fad.Array) -> fad.Array:
    ops: list[Callable[[fad.Array], fad.Array]] = [
        jnp.sin,
        lambda v: v * 1.0001,
        lambda v: v + 0.5,
        jnp.tanh,
        lambda v: v - 0.25,
    ]
    for i in range(1000):
        x = ops[i % len(ops)](x)
    return x


def main() -> None:
    f = fad.jit(lambda x: x * 2.0 + 1.0)
    x = f(jnp.asarray(np.float32(0.5)))
    entry = next(iter(f._cache.values()))
    exe = entry.compiled.exe  # type: ignore[union-attr]
    buf = x._buffer
    cases: dict[str, Callable[[], object]] = {
        "floor": lambda: runtime.to_numpy(exe.execute([buf])[0]),
        "resident": lambda: f(x),
        "python": lambda: f(0.5),
    }
    # Interleaved repeats, best of each: the machine's load drifts between runs.
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(7):
        for name, fn in cases.items():
            best[name] = min(best[name], _per_call_us(fn, 5000, repeat=1))
    print(f"jit scalar call, device-resident input: {best['resident']:6.1f} us/call")
    print(f"jit scalar call, Python float input:    {best['python']:6.1f} us/call")
    print(f"runtime floor (execute + to_numpy):     {best['floor']:6.1f} us/call")
    print(
        f"fad dispatch overhead above the floor:  {best['resident'] - best['floor']:6.1f} us/call"
    )

    v = jnp.asarray(np.linspace(-1, 1, 1000, dtype=np.float32))
    t_eager = _per_call_us(lambda: _chain(v), 3, repeat=3)
    jc = fad.jit(_chain)
    before = jit_mod.stats.compiles
    t0 = time.perf_counter()
    out = jc(v)
    t_first = time.perf_counter() - t0
    assert jit_mod.stats.compiles == before + 1
    t_jit = _per_call_us(lambda: jc(v), 200)
    np.testing.assert_allclose(np.asarray(out), np.asarray(_chain(v)), rtol=2e-4, atol=2e-5)
    print(f"1,000-op elementwise chain on f32[1000]: eager {t_eager / 1e3:8.2f} ms/call")
    print(
        f"                                         jit   {t_jit / 1e3:8.3f} ms/call "
        f"({t_eager / t_jit:.0f}x faster); first call (trace+lower+compile) {t_first:.2f} s"
    )


if __name__ == "__main__":
    main()
