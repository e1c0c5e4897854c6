"""Record optax 0.2.8's numbers into tests/data/optax_reference.json for tests/test_optim.py.

fad never imports optax; this script runs in a separate environment that has it:

    /root/bench-venv/bin/python tools/record_optax_reference.py

Each optimizer case trains the same small problem (a one-layer tanh regression, float32)
for ten steps and records the parameters after every step's update; each schedule case
records the schedule's values at counts 0..24. The test builds the same cases from
fad.optim under the same names and compares.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax

STEPS = 10
COUNTS = list(range(25))
OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "optax_reference.json"


def problem() -> dict[str, Any]:
    rng = np.random.default_rng(19)
    return {
        "x": rng.normal(size=(8, 3)).astype(np.float32),
        "y": rng.normal(size=(8, 2)).astype(np.float32),
        "w": (0.5 * rng.normal(size=(3, 2))).astype(np.float32),
        "b": (0.1 * rng.normal(size=(2,))).astype(np.float32),
    }


def loss(params: dict[str, jax.Array], x: jax.Array, y: jax.Array) -> jax.Array:
    pred = jnp.tanh(x @ params["w"] + params["b"])
    return jnp.mean((pred - y) ** 2)


def schedules() -> dict[str, Any]:
    return {
        "constant": optax.constant_schedule(0.3),
        "exponential": optax.exponential_decay(0.5, transition_steps=4, decay_rate=0.7),
        "exponential_staircase": optax.exponential_decay(
            0.5, transition_steps=4, decay_rate=0.7, staircase=True
        ),
        "exponential_begin_end": optax.exponential_decay(
            0.5, transition_steps=3, decay_rate=0.5, transition_begin=5, end_value=0.05
        ),
        "exponential_growth": optax.exponential_decay(
            0.1, transition_steps=5, decay_rate=1.5, end_value=0.4
        ),
        "polynomial": optax.polynomial_schedule(
            0.5, 0.05, power=2, transition_steps=10, transition_begin=3
        ),
        "linear": optax.linear_schedule(0.0, 1.0, transition_steps=8),
        "cosine": optax.cosine_decay_schedule(0.4, decay_steps=20),
        "cosine_alpha_exponent": optax.cosine_decay_schedule(
            0.4, decay_steps=15, alpha=0.1, exponent=2.0
        ),
        "warmup_cosine": optax.warmup_cosine_decay_schedule(
            0.0, peak_value=0.5, warmup_steps=5, decay_steps=20, end_value=0.01
        ),
        "piecewise": optax.piecewise_constant_schedule(
            0.8, {3: 0.5, 7: 0.1, 12: 2.0}
        ),
        "join": optax.join_schedules(
            [optax.constant_schedule(0.2), optax.cosine_decay_schedule(0.2, 10),
             optax.constant_schedule(0.01)],
            [4, 14],
        ),
    }  # fmt: skip


def optimizers() -> dict[str, optax.GradientTransformation]:
    s = schedules()
    mask = {"w": True, "b": False}
    return {
        "sgd": optax.sgd(0.1),
        "sgd_momentum": optax.sgd(0.1, momentum=0.9),
        "sgd_nesterov": optax.sgd(0.1, momentum=0.9, nesterov=True),
        "sgd_schedule": optax.sgd(s["exponential"], momentum=0.5),
        "adam": optax.adam(0.05),
        "adam_nesterov": optax.adam(0.05, b1=0.8, b2=0.99, nesterov=True),
        "adam_eps_root": optax.adam(0.05, eps=1e-3, eps_root=1e-6),
        "adam_warmup_cosine": optax.adam(s["warmup_cosine"]),
        "adam_piecewise": optax.adam(s["piecewise"]),
        "adamw": optax.adamw(0.05, weight_decay=0.1),
        "adamw_mask": optax.adamw(0.05, weight_decay=0.1, mask=mask),
        "adamw_callable_mask": optax.adamw(
            0.05, weight_decay=0.2, mask=lambda p: {k: k == "w" for k in p}
        ),
        "rmsprop": optax.rmsprop(0.01),
        "rmsprop_centered": optax.rmsprop(0.01, decay=0.8, centered=True),
        "rmsprop_momentum": optax.rmsprop(0.01, momentum=0.9, nesterov=True),
        "rmsprop_bias_correction": optax.rmsprop(
            0.01, eps=1e-4, eps_in_sqrt=False, bias_correction=True, initial_scale=0.1
        ),
        "rmsprop_centered_bias_correction": optax.rmsprop(
            0.01, eps=0.1, centered=True, bias_correction=True, momentum=0.5
        ),
        "adagrad": optax.adagrad(0.1),
        "adagrad_zero_init": optax.adagrad(0.2, initial_accumulator_value=0.0, eps=1e-5),
        "lion": optax.lion(0.01),
        "lion_no_decay": optax.lion(0.02, b1=0.8, b2=0.9, weight_decay=0.0),
        "chain_clip_sgd": optax.chain(optax.clip(0.05), optax.sgd(0.5)),
        "chain_global_norm_adam": optax.chain(optax.clip_by_global_norm(0.1), optax.adam(0.05)),
        "chain_global_norm_unclipped": optax.chain(
            optax.clip_by_global_norm(100.0), optax.sgd(0.1)
        ),
        "chain_decay_scale": optax.chain(optax.add_decayed_weights(0.1), optax.scale(-0.1)),
        "chain_decay_schedule": optax.chain(
            optax.add_decayed_weights(s["cosine"]), optax.scale(-0.1)
        ),
        "chain_scale_by_adam": optax.chain(
            optax.scale_by_adam(b1=0.5), optax.scale_by_schedule(s["cosine_alpha_exponent"]),
            optax.scale(-1.0),
        ),
        "inject_adam": optax.inject_hyperparams(optax.adam)(learning_rate=0.05),
        "inject_adam_schedule": optax.inject_hyperparams(optax.adam)(
            learning_rate=s["warmup_cosine"], b1=0.8
        ),
        "inject_sgd_momentum": optax.inject_hyperparams(optax.sgd)(
            learning_rate=0.1, momentum=0.9
        ),
        "inject_static_nesterov": optax.inject_hyperparams(optax.sgd, static_args="nesterov")(
            learning_rate=s["exponential_staircase"], momentum=0.8, nesterov=True
        ),
    }  # fmt: skip


def tolist(tree: Any) -> Any:
    return jax.tree.map(lambda a: np.asarray(a).tolist(), tree)


def main() -> None:
    data = problem()
    x, y = jnp.asarray(data["x"]), jnp.asarray(data["y"])
    grad = jax.jit(jax.grad(loss))
    record: dict[str, Any] = {
        "optax_version": optax.__version__,
        "jax_version": jax.__version__,
        "steps": STEPS,
        "counts": COUNTS,
        "problem": {k: v.tolist() for k, v in data.items()},
        "schedules": {},
        "optimizers": {},
    }
    for name, sched in schedules().items():
        record["schedules"][name] = [float(sched(jnp.asarray(c, jnp.int32))) for c in COUNTS]
    for name, opt in optimizers().items():
        params = {"w": jnp.asarray(data["w"]), "b": jnp.asarray(data["b"])}
        state = opt.init(params)
        trajectory = []
        for _ in range(STEPS):
            updates, state = opt.update(grad(params, x, y), state, params)
            params = optax.apply_updates(params, updates)
            trajectory.append(tolist(params))
        entry: dict[str, Any] = {"params": trajectory}
        if isinstance(state, optax.InjectStatefulHyperparamsState):
            entry["hyperparams"] = {k: float(v) for k, v in state.hyperparams.items()}
        record["optimizers"][name] = entry
    OUT.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(record['optimizers'])} optimizers, "
          f"{len(record['schedules'])} schedules)")  # fmt: skip


if __name__ == "__main__":
    main()
