"""The figure of docs/training.md: the MLP's training loss, and its fit to the data.

Usage: python docs/figures/training_loss.py OUT.svg
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import fad.numpy as jnp  # noqa: E402
from docs.examples.training import mlp, train  # noqa: E402


def main(out: str) -> None:
    params, losses, x, y = train()
    grid = jnp.linspace(-2.0, 2.0, 200)[:, None]
    plt.rcParams["svg.hashsalt"] = "fad-training"  # stable element ids: reproducible output
    fig, (ax_loss, ax_fit) = plt.subplots(1, 2, figsize=(9, 3.4), layout="constrained")
    ax_loss.semilogy(np.arange(1, len(losses) + 1), losses)
    ax_loss.set(xlabel="step", ylabel="mean squared error", title="Training loss (Adam, jit)")
    ax_loss.grid(True, which="both", alpha=0.3)
    ax_fit.scatter(np.asarray(x[:, 0]), np.asarray(y[:, 0]), s=6, alpha=0.5, label="data")
    ax_fit.plot(np.asarray(grid[:, 0]), np.asarray(mlp(params, grid)[:, 0]), color="C3",
                label="MLP after training")  # fmt: skip
    ax_fit.plot(np.asarray(grid[:, 0]), np.sin(3 * np.asarray(grid[:, 0])), "k--", lw=1,
                label="sin(3x)")  # fmt: skip
    ax_fit.set(xlabel="x", ylabel="y", title="Fit")
    ax_fit.legend(loc="lower right", fontsize="small")
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: python {sys.argv[0]} OUT.svg")
    main(sys.argv[1])
