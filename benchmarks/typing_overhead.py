"""Run-time cost of the static tangent types: ``fad.tangent``, ``fad.cotangent``,
``fad.primal_of``, ``fad.pack`` and ``fad.unpack`` against a bare identity function.

The markers are identities (plus ``typing.cast``), so they should cost a Python call and
nothing else; the last line times a whole typed ``fad.jvp`` call for scale.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable

import fad
import fad.numpy as fnp


def _per_call_ns(
    fn: Callable[..., object], *args: object, number: int = 500_000, repeat: int = 7
) -> float:
    """The best time of ``fn(*args)``, called from a compiled statement (no lambda)."""
    names = [f"a{i}" for i in range(len(args))]
    stmt = f"fn({', '.join(names)})"
    env = {"fn": fn, **dict(zip(names, args, strict=True))}
    times = timeit.repeat(stmt, globals=env, number=number, repeat=repeat)
    return min(times) / number * 1e9


def _identity(x: object) -> object:
    return x


def main() -> None:
    x = fnp.ones(3)
    pair = (x, x)
    t_pair = fad.tangent(pair)
    t = fad.tangent(x)
    base = _per_call_ns(_identity, x)
    rows = [
        ("identity function (baseline)", base),
        ("fad.tangent(x)", _per_call_ns(fad.tangent, x)),
        ("fad.cotangent(x)", _per_call_ns(fad.cotangent, x)),
        ("fad.primal_of(t)", _per_call_ns(fad.primal_of, t)),
        ("fad.pack(t, t)", _per_call_ns(fad.pack, t, t)),
        ("fad.unpack(t_pair)", _per_call_ns(fad.unpack, t_pair)),
    ]
    for name, ns in rows:
        extra = f"   above the baseline: {ns - base:6.1f} ns" if name != rows[0][0] else ""
        print(f"{name:30s} {ns:7.1f} ns/call{extra}")
    jvp_us = _per_call_ns(fad.jvp, fnp.sin, (x,), (t,), number=2000) / 1e3
    print(f"{'fad.jvp(sin, (x,), (t,))':30s} {jvp_us:7.1f} us/call   (for scale)")


if __name__ == "__main__":
    main()
