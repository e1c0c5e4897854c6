"""Train a small MLP with fad.optim.adam under jit, on data it makes itself.

Shown on the page docs/training.md (which runs it) and plotted by
docs/figures/training_loss.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import fad
import fad.numpy as jnp
import fad.optim as optim
from fad import Array

# The model's parameters: one (weights, bias) pair per layer. Any pytree works.
Params = list[tuple[Array, Array]]


def make_data(key: fad.random.PRNGKeyArray, n: int = 256) -> tuple[Array, Array]:
    """Noisy samples of sin(3x) on [-2, 2], as an (n, 1) input and an (n, 1) target."""
    kx, kn = fad.random.split(key)
    x = fad.random.uniform(kx, (n, 1), minval=-2.0, maxval=2.0)
    y = jnp.sin(3.0 * x) + 0.1 * fad.random.normal(kn, (n, 1))
    return x, y


def init_mlp(key: fad.random.PRNGKeyArray, sizes: Sequence[int]) -> Params:
    """Weights scaled by 1/sqrt(fan-in), zero biases."""
    keys = fad.random.split(key, len(sizes) - 1)
    return [
        (fad.random.normal(k, (m, n)) / jnp.sqrt(float(m)), jnp.zeros(n))
        for k, m, n in zip(keys, sizes[:-1], sizes[1:], strict=True)
    ]


def mlp(params: Params, x: Array) -> Array:
    for w, b in params[:-1]:
        x = jnp.tanh(x @ w + b)
    w, b = params[-1]
    return x @ w + b


def loss_fn(params: Params, x: Array, y: Array) -> Array:
    return jnp.mean((mlp(params, x) - y) ** 2)


optimizer = optim.adam(learning_rate=1e-2)


@fad.jit
def train_step(
    params: Params, state: optim.AdamState, x: Array, y: Array
) -> tuple[Params, optim.AdamState, Array]:
    """One Adam step: the loss's gradient, the optimizer's update, the new parameters."""
    loss, grads = fad.value_and_grad(loss_fn)(params, x, y)
    updates, state = optimizer.update(grads, state, params)
    return optim.apply_updates(params, updates), state, loss


def train(steps: int = 400, seed: int = 0) -> tuple[Params, list[float], Array, Array]:
    """Train from scratch; return the parameters, the loss at every step and the data."""
    data_key, init_key = fad.random.split(fad.random.key(seed))
    x, y = make_data(data_key)
    params = init_mlp(init_key, [1, 32, 32, 1])
    state = optimizer.init(params)
    losses = []
    for _ in range(steps):
        params, state, loss = train_step(params, state, x, y)
        losses.append(float(loss))
    return params, losses, x, y
