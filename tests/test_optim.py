"""fad.optim against optax 0.2.8's recorded numbers, and through jit, vmap and grad.

The truth is ``tests/data/optax_reference.json``, written by
``tools/record_optax_reference.py`` (which runs optax; fad never imports it): for each
optimizer, the parameters after each of ten steps on a small float32 regression, and
for each schedule its values at counts 0..24. The cases below are built from fad.optim
under the same names and with the same arguments as the script's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp
import fad.optim as optim
from fad import Array
from fad.test_util import check_grads

REF = json.loads((Path(__file__).parent / "data" / "optax_reference.json").read_text("utf-8"))
Params = dict[str, Array]

# float32 through ten steps; fad's gradients and XLA's may differ in the last ulp.
RTOL, ATOL = 2e-5, 2e-6


def schedules() -> dict[str, Callable[[Any], Array]]:
    return {
        "constant": optim.constant_schedule(0.3),
        "exponential": optim.exponential_decay(0.5, transition_steps=4, decay_rate=0.7),
        "exponential_staircase": optim.exponential_decay(
            0.5, transition_steps=4, decay_rate=0.7, staircase=True
        ),
        "exponential_begin_end": optim.exponential_decay(
            0.5, transition_steps=3, decay_rate=0.5, transition_begin=5, end_value=0.05
        ),
        "exponential_growth": optim.exponential_decay(
            0.1, transition_steps=5, decay_rate=1.5, end_value=0.4
        ),
        "polynomial": optim.polynomial_schedule(
            0.5, 0.05, power=2, transition_steps=10, transition_begin=3
        ),
        "linear": optim.linear_schedule(0.0, 1.0, transition_steps=8),
        "cosine": optim.cosine_decay_schedule(0.4, decay_steps=20),
        "cosine_alpha_exponent": optim.cosine_decay_schedule(
            0.4, decay_steps=15, alpha=0.1, exponent=2.0
        ),
        "warmup_cosine": optim.warmup_cosine_decay_schedule(
            0.0, peak_value=0.5, warmup_steps=5, decay_steps=20, end_value=0.01
        ),
        "piecewise": optim.piecewise_constant_schedule(0.8, {3: 0.5, 7: 0.1, 12: 2.0}),
        "join": optim.join_schedules(
            [optim.constant_schedule(0.2), optim.cosine_decay_schedule(0.2, 10),
             optim.constant_schedule(0.01)],
            [4, 14],
        ),
    }  # fmt: skip


def optimizers() -> dict[str, optim.GradientTransformation[Any]]:
    s = schedules()
    mask = {"w": True, "b": False}
    return {
        "sgd": optim.sgd(0.1),
        "sgd_momentum": optim.sgd(0.1, momentum=0.9),
        "sgd_nesterov": optim.sgd(0.1, momentum=0.9, nesterov=True),
        "sgd_schedule": optim.sgd(s["exponential"], momentum=0.5),
        "adam": optim.adam(0.05),
        "adam_nesterov": optim.adam(0.05, b1=0.8, b2=0.99, nesterov=True),
        "adam_eps_root": optim.adam(0.05, eps=1e-3, eps_root=1e-6),
        "adam_warmup_cosine": optim.adam(s["warmup_cosine"]),
        "adam_piecewise": optim.adam(s["piecewise"]),
        "adamw": optim.adamw(0.05, weight_decay=0.1),
        "adamw_mask": optim.adamw(0.05, weight_decay=0.1, mask=mask),
        "adamw_callable_mask": optim.adamw(
            0.05, weight_decay=0.2, mask=lambda p: {k: k == "w" for k in p}
        ),
        "rmsprop": optim.rmsprop(0.01),
        "rmsprop_centered": optim.rmsprop(0.01, decay=0.8, centered=True),
        "rmsprop_momentum": optim.rmsprop(0.01, momentum=0.9, nesterov=True),
        "rmsprop_bias_correction": optim.rmsprop(
            0.01, eps=1e-4, eps_in_sqrt=False, bias_correction=True, initial_scale=0.1
        ),
        "rmsprop_centered_bias_correction": optim.rmsprop(
            0.01, eps=0.1, centered=True, bias_correction=True, momentum=0.5
        ),
        "adagrad": optim.adagrad(0.1),
        "adagrad_zero_init": optim.adagrad(0.2, initial_accumulator_value=0.0, eps=1e-5),
        "lion": optim.lion(0.01),
        "lion_no_decay": optim.lion(0.02, b1=0.8, b2=0.9, weight_decay=0.0),
        "chain_clip_sgd": optim.chain(optim.clip(0.05), optim.sgd(0.5)),
        "chain_global_norm_adam": optim.chain(optim.clip_by_global_norm(0.1), optim.adam(0.05)),
        "chain_global_norm_unclipped": optim.chain(
            optim.clip_by_global_norm(100.0), optim.sgd(0.1)
        ),
        "chain_decay_scale": optim.chain(optim.add_decayed_weights(0.1), optim.scale(-0.1)),
        "chain_decay_schedule": optim.chain(
            optim.add_decayed_weights(s["cosine"]), optim.scale(-0.1)
        ),
        "chain_scale_by_adam": optim.chain(
            optim.scale_by_adam(b1=0.5), optim.scale_by_schedule(s["cosine_alpha_exponent"]),
            optim.scale(-1.0),
        ),
        "inject_adam": optim.inject_hyperparams(optim.adam)(learning_rate=0.05),
        "inject_adam_schedule": optim.inject_hyperparams(optim.adam)(
            learning_rate=s["warmup_cosine"], b1=0.8
        ),
        "inject_sgd_momentum": optim.inject_hyperparams(optim.sgd)(
            learning_rate=0.1, momentum=0.9
        ),
        "inject_static_nesterov": optim.inject_hyperparams(optim.sgd, static_args="nesterov")(
            learning_rate=s["exponential_staircase"], momentum=0.8, nesterov=True
        ),
    }  # fmt: skip


PROBLEM = {k: np.asarray(v, np.float32) for k, v in REF["problem"].items()}
X, Y = jnp.asarray(PROBLEM["x"]), jnp.asarray(PROBLEM["y"])


def loss(params: Params, x: Array, y: Array) -> Array:
    pred = jnp.tanh(x @ params["w"] + params["b"])
    return jnp.mean((pred - y) ** 2)


def initial_params() -> Params:
    return {"w": jnp.asarray(PROBLEM["w"]), "b": jnp.asarray(PROBLEM["b"])}


def make_step(opt: optim.GradientTransformation[Any]) -> Callable[[Params, Any], Any]:
    def step(params: Params, state: Any) -> tuple[Params, Any]:
        updates, state = opt.update(fad.grad(loss)(params, X, Y), state, params)
        return optim.apply_updates(params, updates), state

    return step


def run(opt: optim.GradientTransformation[Any], jit: bool) -> tuple[list[Params], Any]:
    step = make_step(opt)
    if jit:
        step = fad.jit(step)
    params = initial_params()
    state = opt.init(params)
    trajectory = []
    for _ in range(REF["steps"]):
        params, state = step(params, state)
        trajectory.append(params)
    return trajectory, state


def assert_trajectory(name: str, trajectory: list[Params]) -> None:
    want = REF["optimizers"][name]["params"]
    for i, (got, ref) in enumerate(zip(trajectory, want, strict=True)):
        for k in ("w", "b"):
            assert got[k].dtype == np.float32
            np.testing.assert_allclose(
                np.asarray(got[k]), np.asarray(ref[k], np.float32), rtol=RTOL, atol=ATOL,
                err_msg=f"{name}: parameter {k!r} after step {i + 1}",
            )  # fmt: skip


def test_cases_match_the_recording() -> None:
    assert set(optimizers()) == set(REF["optimizers"])
    assert set(schedules()) == set(REF["schedules"])
    assert REF["optax_version"] == "0.2.8"


@pytest.mark.parametrize("name", sorted(REF["optimizers"]))
def test_optimizer_matches_optax(name: str) -> None:
    trajectory, state = run(optimizers()[name], jit=False)
    assert_trajectory(name, trajectory)
    if "hyperparams" in REF["optimizers"][name]:
        got = {k: float(v) for k, v in state.hyperparams.items()}
        assert got == pytest.approx(REF["optimizers"][name]["hyperparams"], rel=1e-6)


@pytest.mark.parametrize(
    "name", ["sgd_nesterov", "adam_warmup_cosine", "adamw_mask", "rmsprop_bias_correction",
             "rmsprop_centered_bias_correction", "adagrad", "lion", "chain_clip_sgd",
             "chain_global_norm_adam", "chain_decay_schedule", "chain_scale_by_adam",
             "inject_adam_schedule"],
)  # fmt: skip
def test_optimizer_matches_optax_under_jit(name: str) -> None:
    trajectory, _ = run(optimizers()[name], jit=True)
    assert_trajectory(name, trajectory)


@pytest.mark.parametrize("name", sorted(REF["schedules"]))
def test_schedule_matches_optax(name: str) -> None:
    sched = schedules()[name]
    counts = REF["counts"]
    want = np.asarray(REF["schedules"][name], np.float32)
    eager = [float(sched(jnp.asarray(c, jnp.int32))) for c in counts]
    np.testing.assert_allclose(eager, want, rtol=1e-6, atol=1e-8)
    python_ints = [float(sched(c)) for c in counts]
    np.testing.assert_allclose(python_ints, want, rtol=1e-6, atol=1e-8)
    # XLA's cos and numpy's differ in the last ulp; near the cosine's end that ulp of
    # 1 + cos(...) is large relative to the value, so compare to the schedule's scale.
    batched = fad.jit(fad.vmap(sched))(jnp.asarray(counts, jnp.int32))
    np.testing.assert_allclose(np.asarray(batched), want, rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------------------
# Transformations: vmap, grad through an update (meta-learning), immutability
# ---------------------------------------------------------------------------


def test_vmap_over_a_batch_of_problems_equals_the_loop() -> None:
    opt = optim.adamw(0.05, weight_decay=0.1)
    step = make_step(opt)
    scales = jnp.asarray([0.5, 1.0, 2.0])

    def init_and_step(c: Array) -> Params:
        params = {k: c * v for k, v in initial_params().items()}
        state = opt.init(params)
        for _ in range(3):
            params, state = step(params, state)
        return params

    batched = fad.vmap(init_and_step)(scales)
    for i, c in enumerate([0.5, 1.0, 2.0]):
        looped = init_and_step(jnp.asarray(c))
        for k in ("w", "b"):
            np.testing.assert_allclose(
                np.asarray(batched[k][i]), np.asarray(looped[k]), rtol=1e-5, atol=1e-6
            )


def test_vmap_over_learning_rates_with_inject_hyperparams() -> None:
    opt = optim.inject_hyperparams(optim.sgd)(learning_rate=0.1, momentum=0.9)
    params = initial_params()
    grads = fad.grad(loss)(params, X, Y)

    def step_with(lr: Array) -> Params:
        state = opt.init(params)
        state = state._replace(hyperparams={**state.hyperparams, "learning_rate": lr})
        updates, _ = opt.update(grads, state, params)
        return optim.apply_updates(params, updates)

    lrs = jnp.asarray([0.01, 0.1, 1.0])
    batched = fad.jit(fad.vmap(step_with))(lrs)
    for i, lr in enumerate([0.01, 0.1, 1.0]):
        for k in ("w", "b"):
            want = np.asarray(params[k]) - np.float32(lr) * np.asarray(grads[k])
            np.testing.assert_allclose(np.asarray(batched[k][i]), want, rtol=1e-6, atol=1e-7)


def loss_after_adam_steps(lr: Array) -> Array:
    """The loss after two Adam steps taken with learning rate ``lr``."""
    opt = optim.adam(lr)
    params = initial_params()
    state = opt.init(params)
    step = make_step(opt)
    for _ in range(2):
        params, state = step(params, state)
    return loss(params, X, Y)


def test_grad_through_updates_wrt_the_learning_rate() -> None:
    lr = jnp.asarray(0.05)
    check_grads(loss_after_adam_steps, (lr,), order=1, modes=("rev", "fwd"), eps=1e-3, rtol=2e-2)
    g = fad.grad(loss_after_adam_steps)(lr)
    g_jit = fad.jit(fad.grad(loss_after_adam_steps))(lr)
    np.testing.assert_allclose(np.asarray(g_jit), np.asarray(g), rtol=1e-4)
    # Central differences in float64 arithmetic on the float32 losses, as an independent check.
    h = 1e-3
    fd = (float(loss_after_adam_steps(jnp.asarray(0.05 + h)))
          - float(loss_after_adam_steps(jnp.asarray(0.05 - h)))) / (2 * h)  # fmt: skip
    np.testing.assert_allclose(float(g), fd, rtol=2e-2)


@pytest.mark.parametrize("factory", ["sgd", "rmsprop", "adagrad"])
def test_grad_through_inject_hyperparams(factory: str) -> None:
    opt = optim.inject_hyperparams(getattr(optim, factory))(learning_rate=0.1)
    params = initial_params()

    def meta_loss(lr: Array) -> Array:
        state = opt.init(params)
        state = state._replace(hyperparams={**state.hyperparams, "learning_rate": lr})
        updates, _ = opt.update(fad.grad(loss)(params, X, Y), state, params)
        return loss(optim.apply_updates(params, updates), X, Y)

    check_grads(meta_loss, (jnp.asarray(0.1),), order=1, modes=("rev",), eps=1e-3, rtol=2e-2)


def test_updates_keep_the_pytree_type_and_never_mutate() -> None:
    opt = optim.chain(optim.clip_by_global_norm(1.0), optim.adam(0.1))
    params = initial_params()
    state = opt.init(params)
    before = [np.asarray(leaf).copy() for leaf in fad.tree.leaves((params, state))]
    updates, new_state = opt.update(fad.grad(loss)(params, X, Y), state, params)
    new_params = optim.apply_updates(params, updates)
    after = [np.asarray(leaf) for leaf in fad.tree.leaves((params, state))]
    for b, a in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)
    assert type(new_params) is dict and set(new_params) == {"w", "b"}
    assert isinstance(new_state[1][0], optim.ScaleByAdamState)
    assert int(new_state[1][0].count) == 1
    assert fad.tree.structure(new_state) == fad.tree.structure(state)


def test_apply_updates_keeps_parameter_dtypes() -> None:
    params = {"a": jnp.ones(2, jnp.bfloat16), "n": jnp.asarray([1, 2], jnp.int32)}
    out = optim.apply_updates(params, {"a": jnp.full(2, 0.5), "n": jnp.asarray([1, 1])})
    assert out["a"].dtype == jnp.bfloat16 and out["n"].dtype == np.int32
    np.testing.assert_array_equal(np.asarray(out["n"]), [2, 3])


def test_count_saturates_instead_of_wrapping() -> None:
    opt = optim.scale_by_adam()
    params = {"w": jnp.ones(2)}
    state = opt.init(params)._replace(count=jnp.asarray(np.iinfo(np.int32).max, jnp.int32))
    _, state = opt.update(params, state, params)
    assert int(state.count) == np.iinfo(np.int32).max


def test_clip_by_global_norm_rescales_to_the_bound() -> None:
    g = {"a": jnp.asarray([3.0, 0.0]), "b": jnp.asarray([4.0])}
    opt = optim.clip_by_global_norm(1.0)
    out, _ = opt.update(g, opt.init(g))
    assert float(optim.global_norm(out)) == pytest.approx(1.0, rel=1e-6)
    np.testing.assert_allclose(np.asarray(out["a"]), [0.6, 0.0], rtol=1e-6)


# ---------------------------------------------------------------------------
# Errors at the boundary
# ---------------------------------------------------------------------------


def test_bad_arguments_are_refused_by_name() -> None:
    with pytest.raises(TypeError, match="learning_rate"):
        optim.sgd("fast")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="b1"):
        optim.adam(0.1, b1=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argument 1 must be a GradientTransformation"):
        optim.chain(optim.scale(1.0), "adam")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="decay_steps must be positive"):
        optim.cosine_decay_schedule(0.1, 0)
    with pytest.raises(ValueError, match="non-negative"):
        optim.piecewise_constant_schedule(0.1, {3: -1.0})
    with pytest.raises(ValueError, match="one boundary fewer"):
        optim.join_schedules([optim.constant_schedule(1.0)], [3])
    with pytest.raises(TypeError, match="transition_steps must be an int"):
        optim.exponential_decay(0.1, 2.5, 0.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="static_args"):
        optim.inject_hyperparams(optim.sgd, static_args="speed")


def test_update_errors_name_what_is_wrong() -> None:
    params = initial_params()
    opt = optim.adamw(0.1)
    state = opt.init(params)
    grads = fad.grad(loss)(params, X, Y)
    with pytest.raises(ValueError, match="params"):
        opt.update(grads, state)
    with pytest.raises(ValueError, match="state: chain of 3"):
        opt.update(grads, state[:2], params)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tree structures do not match"):
        opt.update({"w": grads["w"]}, state, params)
