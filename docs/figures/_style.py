"""Shared look of the docs figures (a helper module, not a figure: its name starts with _)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

FAD, JAX, AUTOGRAD, NUMPY = "#3f51b5", "#e65100", "#2e7d32", "#757575"

plt.rcParams.update(
    {
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "none",  # text stays text: it scales and can be searched
        "svg.hashsalt": "fad-docs",  # stable ids, so a rebuild gives the same file
        "figure.dpi": 100,
    }
)


def save(fig: plt.Figure, out: str) -> None:
    fig.savefig(out, bbox_inches="tight", metadata={"Date": None} if out.endswith(".svg") else None)
    plt.close(fig)
