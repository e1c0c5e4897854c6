"""Reverse mode as transpose ∘ partial evaluation ∘ JVP, for f(x) = sin(x) · x.

Usage: python docs/figures/reverse_mode.py OUT.svg
"""

from __future__ import annotations

import sys

from _style import AUTOGRAD, FAD, JAX, NUMPY, save
from matplotlib import pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

STAGES = [
    (
        "1. JVP",
        FAD,
        "x, t  ↦  f(x), f\N{PRIME}(x)·t\n\ny = sin(x) · x\nẏ = cos(x)·t·x + sin(x)·t",
    ),
    (
        "2. partial evaluation",
        AUTOGRAD,
        "x known, t unknown:\nrun sin(x), cos(x) now\n"
        "record the rest\n\nt ↦ c₁·t + c₂·t\n(c₁ = cos(x)·x, c₂ = sin(x))",
    ),
    (
        "3. transpose",
        JAX,
        "run the linear program\nbackwards:\n\nȳ ↦ c₁·ȳ + c₂·ȳ\n\n= the gradient",
    ),
]


def main(out: str) -> None:
    fig, ax = plt.subplots(figsize=(8.4, 3.5))
    ax.set_xlim(0, 12)
    ax.set_ylim(0, 4.6)
    ax.axis("off")
    xs = [0.1, 4.1, 8.1]
    for (title, colour, body), x in zip(STAGES, xs, strict=True):
        ax.add_patch(
            FancyBboxPatch(
                (x, 0.35), 3.5, 3.3, boxstyle="round,pad=0.05", fc="white", ec=colour, lw=2
            )
        )
        ax.add_patch(
            FancyBboxPatch(
                (x, 3.2), 3.5, 0.45, boxstyle="round,pad=0.05", fc=colour, ec=colour, lw=2
            )
        )
        ax.text(x + 1.75, 3.42, title, ha="center", va="center", color="white", weight="bold")
        ax.text(x + 1.75, 1.85, body, ha="center", va="center", fontsize=9.2)
    arrow = dict(arrowstyle="-|>", mutation_scale=16, lw=1.8, color=NUMPY)
    for x in (3.7, 7.7):
        ax.add_patch(FancyArrowPatch((x, 2.0), (x + 0.35, 2.0), **arrow))
    ax.text(
        6.0,
        4.25,
        "vjp(f, x) = transpose(partial_eval(jvp(f)), x)   ·   no primitive has a hand-written VJP",
        ha="center",
        fontsize=9.5,
        style="italic",
    )
    save(fig, out)


if __name__ == "__main__":
    main(sys.argv[1])
