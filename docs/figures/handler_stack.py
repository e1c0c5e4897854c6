"""The handler stack while ``grad(f)`` traces: where one ``bind(sin, x)`` goes.

Usage: python docs/figures/handler_stack.py OUT.svg
"""

from __future__ import annotations

import sys

from _style import AUTOGRAD, FAD, JAX, NUMPY, save
from matplotlib import pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

# (name, what it does with sin(x), colour), top of the stack first.
FRAMES = [
    (
        "JVPHandler",
        "sin(x) → primal sin(x), tangent cos(x) · t\n(the tangent work is bound below)",
        FAD,
    ),
    (
        "StageHandler",
        "the partial evaluator (forward_known=True):\nknown operands run now (sin, cos),"
        " staged ones\nare recorded in the linear program",
        AUTOGRAD,
    ),
    ("EvalHandler", "runs numpy on concrete values\n(the bottom of every stack)", NUMPY),
]


def main(out: str) -> None:
    fig, ax = plt.subplots(figsize=(7.6, 4.3))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6.0)
    ax.axis("off")
    ax.text(0.2, 5.55, "user code:  jnp.sin(x)  →  bind(sin, x)", fontsize=11, family="monospace")
    ys = [4.0, 2.45, 0.9]
    for (name, what, colour), y in zip(FRAMES, ys, strict=True):
        ax.add_patch(
            FancyBboxPatch(
                (0.2, y), 3.2, 1.05, boxstyle="round,pad=0.04", fc=colour, ec="none", alpha=0.9
            )
        )
        ax.text(
            1.8, y + 0.52, name, ha="center", va="center", color="white", fontsize=11, weight="bold"
        )
        ax.text(3.75, y + 0.52, what, va="center", fontsize=9.2)
    arrow = dict(arrowstyle="-|>", mutation_scale=14, lw=1.6, color=JAX)
    ax.add_patch(FancyArrowPatch((1.0, 5.4), (1.0, 5.1), **arrow))
    for y_from, y_to in ((4.0, 3.55), (2.45, 2.0)):
        ax.add_patch(FancyArrowPatch((1.0, y_from - 0.02), (1.0, y_to - 0.02), **arrow))
    ax.text(1.15, 5.22, "the top handler gets it", fontsize=8.5, color=JAX)
    ax.text(1.15, 3.72, "its rule binds with the parent installed", fontsize=8.5, color=JAX)
    ax.text(1.15, 2.17, "one level further down", fontsize=8.5, color=JAX)
    ax.text(
        0.2,
        0.25,
        "A handler interprets only its own tracers; every other value is a constant to it.",
        fontsize=8.5,
        color=NUMPY,
        style="italic",
    )
    save(fig, out)


if __name__ == "__main__":
    main(sys.argv[1])
