"""The derivative of softplus, naive versus with a custom JVP rule, in float32.

Usage: python docs/figures/softplus_derivative.py OUT.svg
"""

from __future__ import annotations

import sys

import numpy as np
from _style import FAD, JAX, save
from matplotlib import pyplot as plt

import fad
import fad.numpy as jnp


def naive(x: fad.Array) -> fad.Array:
    return jnp.log1p(jnp.exp(x))


@fad.custom_jvp
def stable(x: fad.Array) -> fad.Array:
    return jnp.log1p(jnp.exp(x))


@stable.defjvp
def _stable_jvp(
    primals: tuple[fad.Array], tangents: fad.Tangent[tuple[fad.Array]]
) -> tuple[fad.Array, fad.Tangent[fad.Array]]:
    (x,) = primals
    (t,) = fad.unpack(tangents)
    return stable(x), t * (1.0 / (1.0 + jnp.exp(-x)))


def main(out: str) -> None:
    xs = jnp.linspace(-10.0, 110.0, 601)
    with np.errstate(over="ignore", invalid="ignore"):  # the overflow is the point
        d_naive = np.asarray(fad.vmap(fad.grad(naive))(xs))
        d_stable = np.asarray(fad.vmap(fad.grad(stable))(xs))
    x = np.asarray(xs)
    fig, ax = plt.subplots(figsize=(7.0, 3.2))
    ax.plot(x, d_stable, color=FAD, lw=2.5, label="custom_jvp rule: 1 / (1 + exp(-x))")
    shown = np.where(np.isfinite(d_naive), d_naive, np.nan)
    ax.plot(x, shown, color=JAX, lw=1.5, ls="--", label="naive: grad of log1p(exp(x))")
    overflow = float(np.log(np.finfo(np.float32).max))
    ax.axvspan(overflow, x[-1], color=JAX, alpha=0.08)
    ax.text(
        overflow - 2,
        0.45,
        "from x = 88.7, exp(x) overflows float32\nand the naive gradient is nan",
        color=JAX,
        fontsize=9,
        ha="right",
    )
    ax.set_xlabel("x")
    ax.set_ylabel("d/dx softplus(x)")
    ax.set_ylim(-0.05, 1.15)
    ax.legend(loc="upper left", frameon=False)
    save(fig, out)


if __name__ == "__main__":
    main(sys.argv[1])
