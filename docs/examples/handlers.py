"""Two user-written handlers: a primitive counter and a printer.

A handler sees every primitive applied while it is installed. ``process`` runs
with the handler's parent installed, so ``self.forward`` (or any ``prim.bind``)
re-emits the primitive one level down the stack.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import fad
import fad.numpy as jnp


@dataclass(frozen=True, eq=False)
class CountingHandler(fad.Handler):
    """Counts applications of each primitive by name."""

    counts: Counter[str] = field(default_factory=Counter)

    def process(self, prim: fad.Primitive, args: Sequence[fad.Array], params: fad.Params) -> Any:
        self.counts[prim.name] += 1
        return self.forward(prim, args, params)


@dataclass(frozen=True, eq=False)
class PrintingHandler(fad.Handler):
    """Writes one line per primitive: name, operand shapes, result shapes."""

    lines: list[str] = field(default_factory=list)

    def process(self, prim: fad.Primitive, args: Sequence[fad.Array], params: fad.Params) -> Any:
        out = self.forward(prim, args, params)
        outs = out if prim.multiple_results else [out]
        ins = ", ".join(a.aval.str_short() for a in args)
        res = ", ".join(o.aval.str_short() for o in outs)
        self.lines.append(f"{prim.name}({ins}) -> {res}")
        return out


def loss(w: fad.Array) -> fad.Array:
    return jnp.sum(jnp.tanh(w) ** 2)


def count_gradient_primitives() -> Counter[str]:
    """Count what ``grad(loss)`` applies: its forward pass, linearization and transpose."""
    counter = CountingHandler()
    with fad.installed(counter):
        fad.grad(loss)(jnp.ones(3))
    return counter.counts


if __name__ == "__main__":
    printer = PrintingHandler()
    with fad.installed(printer):
        loss(jnp.arange(3.0))
    print("\n".join(printer.lines))
    print(dict(count_gradient_primitives()))
