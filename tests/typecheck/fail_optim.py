"""fad.optim refuses a state of another optimizer, a mismatched pytree type, and bad
hyperparameters, before anything runs."""

from __future__ import annotations

import fad.numpy as jnp
import fad.optim as optim
from fad import Array

params = {"w": jnp.ones(3)}
adam = optim.adam(1e-2)
sgd = optim.sgd(1e-2)
adam_state = adam.init(params)
sgd_state = sgd.init(params)

adam.update(params, sgd_state, params)  # E: arg-type
sgd.update(params, adam_state)  # E: arg-type
# Where the result's type is known, updates and parameters of another type are refused.
new_params: dict[str, Array] = optim.apply_updates(params, (jnp.ones(3),))  # E: arg-type
new_updates: dict[str, Array]
new_updates, adam_state = adam.update([jnp.ones(3)], adam_state, params)  # E: arg-type
optim.adam("fast")  # E: arg-type
optim.sgd(0.1, momentum="heavy")  # E: arg-type
optim.sgd(0.1, nesterov=0.9)  # E: arg-type
optim.sgd(0.1, momentum=0.5, learning_rate=0.2)  # E: misc
optim.chain(optim.scale(1.0), "adam")  # E: call-overload
optim.exponential_decay(0.1, transition_steps=2.5, decay_rate=0.5)  # E: arg-type
optim.inject_hyperparams(optim.adam)(learning_rat=0.1)  # E: call-arg
optim.inject_hyperparams(optim.adam)(learning_rate=0.1, b1="high")  # E: arg-type

# The updates keep the parameters' type: a dict does not come back as an Array.
updates, _ = adam.update(params, adam_state, params)
w: Array = updates  # E: assignment
wrong_state: tuple[optim.TraceState, optim.EmptyState] = sgd.init(params)  # E: assignment
