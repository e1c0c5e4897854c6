"""fad.optim keeps the parameters' pytree type through update and apply_updates, and
types each optimizer's state."""

# ruff: noqa: E501  (the expected revealed types are long, and must stay on their line)

from __future__ import annotations

from typing import NamedTuple, reveal_type

import numpy as np

import fad
import fad.numpy as jnp
import fad.optim as optim
from fad import Array


class Params(NamedTuple):
    w: Array
    b: Array


def loss(p: Params, x: Array) -> Array:
    return jnp.sum((x @ p.w + p.b) ** 2)


x = jnp.ones((4, 3))
params = Params(jnp.full((3, 2), 0.1, jnp.float32), jnp.zeros(2))
opt = optim.adam(1e-2)
reveal_type(opt)  # N: Revealed type is "fad._src.optim.base.GradientTransformation[tuple[tuple[fad._src.core.Array, Any, Any, fallback=fad._src.optim.transform.ScaleByAdamState], tuple[(), fallback=fad._src.optim.base.EmptyState] | tuple[fad._src.core.Array, fallback=fad._src.optim.transform.ScaleByScheduleState]]]"
state = opt.init(params)


@fad.jit
def step(p: Params, s: optim.AdamState) -> tuple[Params, optim.AdamState]:
    grads = fad.grad(loss)(p, x)
    updates, s = opt.update(grads, s, p)
    reveal_type(updates)  # N: Revealed type is "tuple[fad._src.core.Array, fad._src.core.Array, fallback=pass_optim.Params]"
    return optim.apply_updates(p, updates), s


for _ in range(3):
    params, state = step(params, state)
reveal_type(params)  # N: Revealed type is "tuple[fad._src.core.Array, fad._src.core.Array, fallback=pass_optim.Params]"
assert int(state[0].count) == 3
assert float(loss(params, x)) < float(loss(Params(jnp.full((3, 2), 0.1), jnp.zeros(2)), x))

# chain types its state as the tuple of its parts' states.
clipped = optim.chain(optim.clip_by_global_norm(1.0), optim.sgd(0.1, momentum=0.9))
reveal_type(clipped.init(params))  # N: Revealed type is "tuple[tuple[(), fallback=fad._src.optim.base.EmptyState], tuple[tuple[Any, fallback=fad._src.optim.transform.TraceState] | tuple[(), fallback=fad._src.optim.base.EmptyState], tuple[(), fallback=fad._src.optim.base.EmptyState] | tuple[fad._src.core.Array, fallback=fad._src.optim.transform.ScaleByScheduleState]]]"

# A plain dict of arrays works the same way.
d = {"w": jnp.ones(3)}
upd, _s = optim.sgd(0.5).update({"w": jnp.ones(3)}, optim.sgd(0.5).init(d))
reveal_type(upd)  # N: Revealed type is "dict[str, fad._src.core.Array]"
np.testing.assert_allclose(np.asarray(optim.apply_updates(d, upd)["w"]), [0.5, 0.5, 0.5])

# inject_hyperparams keeps the factory's signature and wraps its state.
injected = optim.inject_hyperparams(optim.sgd)(learning_rate=optim.exponential_decay(0.1, 5, 0.5))
istate = injected.init(d)
reveal_type(istate.hyperparams)  # N: Revealed type is "dict[str, fad._src.core.Array]"
reveal_type(istate.inner_state)  # N: Revealed type is "tuple[tuple[Any, fallback=fad._src.optim.transform.TraceState] | tuple[(), fallback=fad._src.optim.base.EmptyState], tuple[(), fallback=fad._src.optim.base.EmptyState] | tuple[fad._src.core.Array, fallback=fad._src.optim.transform.ScaleByScheduleState]]"
