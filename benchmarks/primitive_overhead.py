"""Per-primitive overhead of fad eagerly, under ``jvp`` and under ``grad`` (vs autograd).

Each op runs as a chain ``x = op(x)`` of K and of 2K steps on a 100-vector (dot: a 10x10
orthogonal matrix times a 10-vector); the time per op is the difference over K, so the
fixed cost of entering a transformation cancels and what is left is what one more
primitive costs. autograd is timed the same way when it is importable (it is never a
dependency of fad): ``PYTHONPATH=. /path/to/venv-with-autograd/bin/python
benchmarks/primitive_overhead.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

import fad
import fad.numpy as fnp

K = 100  # chain length; the marginal cost is t(2K) - t(K), divided by K
REPEAT = 7  # best of REPEAT timings (each of enough calls to take ~20 ms)
# Timings are CPU time of this process (``time.process_time``), not wall time, so that
# other processes on a busy machine disturb them less.


def _ops(np_: Any, asarray: Any) -> dict[str, tuple[Callable[[Any], Any], np.ndarray[Any, Any]]]:
    """Shape-preserving ops (constants in the library's own array type), each with the
    input its chain starts from."""
    rng = np.random.RandomState(0)
    x = rng.uniform(0.5, 1.0, 100).astype(np.float32)
    c = asarray(np.full(100, 1e-3, np.float32))
    m = asarray(np.full(100, 0.999, np.float32))
    q = asarray(np.linalg.qr(rng.randn(10, 10))[0].astype(np.float32))
    x2 = x.reshape(1, 100)
    return {
        "sin": (np_.sin, x),
        "add": (lambda v: v + c, x),
        "mul": (lambda v: v * m, x),
        "dot": (lambda v: np_.dot(q, v), x[:10]),
        "sum": (lambda v: np_.sum(v, axis=0, keepdims=True), x2),
    }


def _chain(op: Callable[[Any], Any], n: int, total: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def f(x: Any) -> Any:
        for _ in range(n):
            x = op(x)
        return total(x)

    return f


def _calls_for(fn: Callable[[], object]) -> int:
    """How many calls of ``fn`` take about 20 ms."""
    fn()
    number = 1
    while True:
        t0 = time.process_time()
        for _ in range(number):
            fn()
        if time.process_time() - t0 > 0.02:
            return number
        number *= 2


def _time_us(fn: Callable[[], object], number: int) -> float:
    t0 = time.process_time()
    for _ in range(number):
        fn()
    return (time.process_time() - t0) / number * 1e6


def _per_op_us(run: Callable[[int], Callable[[], object]]) -> float:
    """(t(2K) - t(K)) / K, each the best of REPEAT timings taken alternately."""
    short, long = run(K), run(2 * K)
    n_short, n_long = _calls_for(short), _calls_for(long)
    t_short = t_long = float("inf")
    for _ in range(REPEAT):
        t_short = min(t_short, _time_us(short, n_short))
        t_long = min(t_long, _time_us(long, n_long))
    return (t_long - t_short) / K


def _runners(
    op: Callable[[Any], Any], x: Any, v: Any, np_: ModuleType, grad: Any, jvp: Any
) -> list[Callable[[int], Callable[[], object]]]:
    """For each mode (eager, jvp, grad): chain length -> a call running the chain so."""

    def eager(n: int) -> Callable[[], object]:
        f = _chain(op, n, lambda y: y)
        return lambda: f(x)

    def forward(n: int) -> Callable[[], object]:
        f = _chain(op, n, lambda y: y)
        return lambda: jvp(f, x, v)

    def reverse(n: int) -> Callable[[], object]:
        g = grad(_chain(op, n, np_.sum))
        return lambda: g(x)

    return [eager, forward, reverse]


def _measure(np_: ModuleType, grad: Any, jvp: Any, asarray: Any) -> dict[str, list[float]]:
    rows = {}
    for name, (op, x0) in _ops(np_, asarray).items():
        x, v = asarray(x0), asarray(np.ones_like(x0))
        rows[name] = [_per_op_us(run) for run in _runners(op, x, v, np_, grad, jvp)]
    return rows


def main() -> None:
    modes = ("eager", "jvp", "grad")
    fad_rows = _measure(fnp, fad.grad, lambda f, x, v: fad.jvp(f, (x,), (v,)), fnp.asarray)
    try:
        import autograd
        import autograd.numpy as anp
    except ImportError:
        autograd = None
    ag_rows = None
    if autograd is not None:
        ag_jvp = autograd.make_jvp  # forward mode: make_jvp(f)(x)(v) -> (out, tangent)
        ag_rows = _measure(anp, autograd.grad, lambda f, x, v: ag_jvp(f)(x)(v), np.asarray)
    print(f"us per primitive (chain of {K} vs {2 * K} ops on float32[100]; dot: [10,10] @ [10])")
    head = "".join(f"{m:>10s}" + ("" if ag_rows is None else f"{'autograd':>10s}") for m in modes)
    print(f"{'op':8s}{head}")
    for name, row in fad_rows.items():
        cells = ""
        for i, t in enumerate(row):
            cells += f"{t:10.2f}"
            if ag_rows is not None:
                cells += f"{ag_rows[name][i]:10.2f}"
        print(f"{name:8s}{cells}")
    if ag_rows is None:
        print("autograd not installed: fad only")


if __name__ == "__main__":
    main()
