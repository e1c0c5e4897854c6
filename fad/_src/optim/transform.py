"""The building blocks: scalings by moment estimates, momentum, clipping, weight decay.

Each function returns a ``GradientTransformation`` whose arithmetic is optax 0.2.8's,
operation for operation (the order of the roundings is what makes the float32 numbers
agree): see tests/test_optim.py and tools/record_optax_reference.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, TypeAlias, TypeVar, cast

import numpy as np

from fad._src.core import Array
from fad._src.numpy import conversion as cv
from fad._src.numpy import creation, reductions, sorting, ufuncs
from fad._src.optim.base import (
    NO_PARAMS_MSG,
    EmptyState,
    GradientTransformation,
    Scalar,
    ScalarOrSchedule,
    Schedule,
    abs_sq,
    bias_correction,
    cast_tree,
    identity,
    init_empty_state,
    safe_increment,
    update_moment,
    update_moment_per_elem_norm,
    zero_count,
)
from fad._src.prims import elementwise as ew
from fad._src.tree_util import PyTree, tree_leaves, tree_map

T = TypeVar("T")


def check_scalar(name: str, value: Any) -> None:
    """Refuse a hyperparameter that is not a number or an array, naming it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.number, np.ndarray, Array)
    ):
        raise TypeError(f"{name} must be a number or an array, got {type(value).__name__}")


def check_scalar_or_schedule(name: str, value: Any) -> None:
    if not callable(value):
        check_scalar(name, value)


# ---------------------------------------------------------------------------
# States
# ---------------------------------------------------------------------------


class ScaleByAdamState(NamedTuple):
    count: Array  # type: ignore[assignment]  # int32: the number of updates so far
    mu: PyTree  # first moment, shaped like the parameters
    nu: PyTree  # second moment


class ScaleByRmsState(NamedTuple):
    nu: PyTree


class ScaleByRmsWithCountState(NamedTuple):
    count: Array  # type: ignore[assignment]  # optax's name, shadowing tuple.count
    nu: PyTree


class ScaleByRStdDevState(NamedTuple):
    mu: PyTree
    nu: PyTree


class ScaleByRStdDevWithCountState(NamedTuple):
    count: Array  # type: ignore[assignment]  # optax's name, shadowing tuple.count
    mu: PyTree
    nu: PyTree


class ScaleByRssState(NamedTuple):
    sum_of_squares: PyTree


class ScaleByLionState(NamedTuple):
    count: Array  # type: ignore[assignment]  # optax's name, shadowing tuple.count
    mu: PyTree


class TraceState(NamedTuple):
    trace: PyTree


class ScaleByScheduleState(NamedTuple):
    count: Array  # type: ignore[assignment]  # optax's name, shadowing tuple.count


class AddDecayedWeightsState(NamedTuple):
    """The step count a scheduled weight decay is evaluated at."""

    count: Array  # type: ignore[assignment]  # optax's name, shadowing tuple.count


LearningRateState: TypeAlias = EmptyState | ScaleByScheduleState
WeightDecayState: TypeAlias = EmptyState | AddDecayedWeightsState


# ---------------------------------------------------------------------------
# Scalings
# ---------------------------------------------------------------------------


def scale(step_size: Scalar) -> GradientTransformation[EmptyState]:
    """Multiply the updates by ``step_size``."""
    check_scalar("step_size", step_size)

    def update(updates: T, state: EmptyState, params: T | None = None, /) -> tuple[T, EmptyState]:
        out: T = tree_map(lambda g: step_size * g, updates)
        return out, state

    return GradientTransformation(init_empty_state, update)


def scale_by_schedule(step_size_fn: Schedule) -> GradientTransformation[ScaleByScheduleState]:
    """Multiply the updates by ``step_size_fn(count)``, the count before this update."""
    if not callable(step_size_fn):
        raise TypeError(
            f"step_size_fn must be a schedule (count -> value), got {type(step_size_fn).__name__}"
        )

    def init(params: PyTree, /) -> ScaleByScheduleState:
        return ScaleByScheduleState(zero_count())

    def update(
        updates: T, state: ScaleByScheduleState, params: T | None = None, /
    ) -> tuple[T, ScaleByScheduleState]:
        step = step_size_fn(state.count)
        out: T = tree_map(lambda g: cv.asarray(step, g.dtype) * g, updates)
        return out, ScaleByScheduleState(safe_increment(state.count))

    return GradientTransformation(init, update)


def scale_by_learning_rate(
    learning_rate: ScalarOrSchedule, *, flip_sign: bool = True
) -> GradientTransformation[LearningRateState]:
    """Scale by ``-learning_rate`` (``+`` without ``flip_sign``), a number or a schedule."""
    check_scalar_or_schedule("learning_rate", learning_rate)
    m = -1 if flip_sign else 1
    if callable(learning_rate):
        lr = learning_rate
        return cast(
            GradientTransformation[LearningRateState],
            scale_by_schedule(lambda count: m * lr(count)),
        )
    return cast(GradientTransformation[LearningRateState], scale(m * learning_rate))


def scale_by_adam(
    b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-8, eps_root: Scalar = 0.0,
    mu_dtype: Any = None, *, nesterov: bool = False,
) -> GradientTransformation[ScaleByAdamState]:  # fmt: skip
    """Adam's scaling: bias-corrected first moment over the root of the second, plus ``eps``.

    ``nesterov=True`` is NAdam's look-ahead first moment.
    """
    for name, v in (("b1", b1), ("b2", b2), ("eps", eps), ("eps_root", eps_root)):
        check_scalar(name, v)
    mu_dt = cv.dtype_arg(mu_dtype, "mu_dtype")

    def init(params: PyTree, /) -> ScaleByAdamState:
        mu = tree_map(lambda p: creation.zeros_like(p, dtype=mu_dt), params)
        nu = tree_map(creation.zeros_like, params)
        return ScaleByAdamState(zero_count(), mu, nu)

    def update(
        updates: T, state: ScaleByAdamState, params: T | None = None, /
    ) -> tuple[T, ScaleByAdamState]:
        mu = update_moment(updates, state.mu, b1, 1)
        nu = update_moment_per_elem_norm(updates, state.nu, b2, 2)
        count = safe_increment(state.count)
        if nesterov:
            mu_hat = tree_map(
                lambda m, g: b1 * m + (1 - b1) * g,
                bias_correction(mu, b1, safe_increment(count)),
                bias_correction(updates, b1, count),
            )
        else:
            mu_hat = bias_correction(mu, b1, count)
        nu_hat = bias_correction(nu, b2, count)
        out: T = tree_map(lambda m, v: m / (ufuncs.sqrt(v + eps_root) + eps), mu_hat, nu_hat)
        nu = tree_map(lambda n, old: cv.astype(n, old.dtype), nu, state.nu)
        return out, ScaleByAdamState(count, cast_tree(mu, mu_dt), nu)

    return GradientTransformation(init, update)


RmsState: TypeAlias = ScaleByRmsState | ScaleByRmsWithCountState


def scale_by_rms(
    decay: Scalar = 0.9, eps: Scalar = 1e-8, initial_scale: Scalar = 0.0,
    eps_in_sqrt: bool = True, bias_correction: bool = False,
) -> GradientTransformation[RmsState]:  # fmt: skip
    """Divide by the root of a moving average of squared updates (RMSProp)."""
    for name, v in (("decay", decay), ("eps", eps), ("initial_scale", initial_scale)):
        check_scalar(name, v)
    correct = bias_correction

    def init(params: PyTree, /) -> RmsState:
        nu = tree_map(lambda p: creation.full_like(p, initial_scale), params)
        return ScaleByRmsWithCountState(zero_count(), nu) if correct else ScaleByRmsState(nu)

    def update(updates: T, state: RmsState, params: T | None = None, /) -> tuple[T, RmsState]:
        nu = update_moment_per_elem_norm(updates, state.nu, decay, 2)
        if isinstance(state, ScaleByRmsWithCountState):
            count = safe_increment(state.count)
            nu_hat = _bias_correction(nu, decay, count)
        else:
            nu_hat = nu
        out: T = tree_map(lambda n, g: _inv_root(n, eps, eps_in_sqrt) * g, nu_hat, updates)
        if isinstance(state, ScaleByRmsWithCountState):
            return out, ScaleByRmsWithCountState(count, nu)
        return out, ScaleByRmsState(nu)

    return GradientTransformation(init, update)


_bias_correction = bias_correction  # scale_by_rms/scale_by_stddev shadow the name


def _inv_root(x: Array, eps: Scalar, eps_in_sqrt: bool) -> Array:
    if eps_in_sqrt:
        return ew.rsqrt(x + eps)
    return 1 / (ufuncs.sqrt(x) + eps)


StdDevState: TypeAlias = ScaleByRStdDevState | ScaleByRStdDevWithCountState


def scale_by_stddev(
    decay: Scalar = 0.9, eps: Scalar = 1e-8, initial_scale: Scalar = 0.0,
    eps_in_sqrt: bool = True, bias_correction: bool = False,
) -> GradientTransformation[StdDevState]:  # fmt: skip
    """Divide by a moving estimate of the updates' standard deviation (centred RMSProp)."""
    for name, v in (("decay", decay), ("eps", eps), ("initial_scale", initial_scale)):
        check_scalar(name, v)
    correct = bias_correction

    def init(params: PyTree, /) -> StdDevState:
        mu = tree_map(creation.zeros_like, params)
        nu = tree_map(lambda p: creation.full_like(p, initial_scale), params)
        if correct:
            return ScaleByRStdDevWithCountState(zero_count(), mu, nu)
        return ScaleByRStdDevState(mu, nu)

    def update(updates: T, state: StdDevState, params: T | None = None, /) -> tuple[T, StdDevState]:
        mu = update_moment(updates, state.mu, decay, 1)
        nu = update_moment_per_elem_norm(updates, state.nu, decay, 2)
        if isinstance(state, ScaleByRStdDevWithCountState):
            count = safe_increment(state.count)
            mu_hat = _bias_correction(mu, decay, count)
            nu_hat = _bias_correction(nu, decay, count)
        else:
            mu_hat, nu_hat = mu, nu
        out: T = tree_map(
            lambda m, n, g: _inv_root(n - abs_sq(m), eps, eps_in_sqrt) * g, mu_hat, nu_hat, updates
        )
        if isinstance(state, ScaleByRStdDevWithCountState):
            return out, ScaleByRStdDevWithCountState(count, mu, nu)
        return out, ScaleByRStdDevState(mu, nu)

    return GradientTransformation(init, update)


def scale_by_rss(
    initial_accumulator_value: Scalar = 0.1, eps: Scalar = 1e-7
) -> GradientTransformation[ScaleByRssState]:
    """Divide by the root of the running sum of squared updates (Adagrad)."""
    check_scalar("initial_accumulator_value", initial_accumulator_value)
    check_scalar("eps", eps)

    def init(params: PyTree, /) -> ScaleByRssState:
        return ScaleByRssState(
            tree_map(lambda p: creation.full_like(p, initial_accumulator_value), params)
        )

    def update(
        updates: T, state: ScaleByRssState, params: T | None = None, /
    ) -> tuple[T, ScaleByRssState]:
        sos = tree_map(lambda g, t: abs_sq(g) + t, updates, state.sum_of_squares)
        inv = tree_map(lambda t: sorting.where(t > 0, ew.rsqrt(t + eps), 0.0), sos)
        out: T = tree_map(lambda s, g: s * g, inv, updates)
        return out, ScaleByRssState(sos)

    return GradientTransformation(init, update)


def scale_by_lion(
    b1: Scalar = 0.9, b2: Scalar = 0.99, mu_dtype: Any = None
) -> GradientTransformation[ScaleByLionState]:
    """Lion's update: the sign of an interpolation of the gradient and its momentum."""
    check_scalar("b1", b1)
    check_scalar("b2", b2)
    mu_dt = cv.dtype_arg(mu_dtype, "mu_dtype")

    def init(params: PyTree, /) -> ScaleByLionState:
        return ScaleByLionState(
            zero_count(), tree_map(lambda p: creation.zeros_like(p, dtype=mu_dt), params)
        )

    def update(
        updates: T, state: ScaleByLionState, params: T | None = None, /
    ) -> tuple[T, ScaleByLionState]:
        out: T = tree_map(lambda g, m: ufuncs.sign((1.0 - b1) * g + b1 * m), updates, state.mu)
        mu = cast_tree(update_moment(updates, state.mu, b2, 1), mu_dt)
        return out, ScaleByLionState(safe_increment(state.count), mu)

    return GradientTransformation(init, update)


def trace(
    decay: Scalar, nesterov: bool = False, accumulator_dtype: Any = None
) -> GradientTransformation[TraceState]:
    """Momentum: ``trace = g + decay * trace``; Nesterov's applies it once more to ``g``."""
    check_scalar("decay", decay)
    acc_dt = cv.dtype_arg(accumulator_dtype, "accumulator_dtype")

    def init(params: PyTree, /) -> TraceState:
        return TraceState(tree_map(lambda p: creation.zeros_like(p, dtype=acc_dt), params))

    def update(updates: T, state: TraceState, params: T | None = None, /) -> tuple[T, TraceState]:
        new_trace = tree_map(lambda g, t: g + decay * t, updates, state.trace)
        out: T = tree_map(lambda g, t: g + decay * t, updates, new_trace) if nesterov else new_trace
        return out, TraceState(cast_tree(new_trace, acc_dt))

    return GradientTransformation(init, update)


# ---------------------------------------------------------------------------
# Clipping and weight decay
# ---------------------------------------------------------------------------


def clip(max_delta: Scalar) -> GradientTransformation[EmptyState]:
    """Clip every update element to ``[-max_delta, max_delta]``."""
    check_scalar("max_delta", max_delta)

    def update(updates: T, state: EmptyState, params: T | None = None, /) -> tuple[T, EmptyState]:
        out: T = tree_map(lambda g: ufuncs.clip(g, -max_delta, max_delta), updates)
        return out, state

    return GradientTransformation(init_empty_state, update)


def global_norm(updates: PyTree) -> Array:
    """The 2-norm of all the leaves together."""
    total: Scalar = 0
    for leaf in tree_leaves(updates):
        total = total + reductions.sum(abs_sq(cv.asarray(leaf)))
    return ufuncs.sqrt(cv.asarray(total))


def clip_by_global_norm(max_norm: Scalar) -> GradientTransformation[EmptyState]:
    """Rescale the updates so that their global norm is at most ``max_norm``."""
    check_scalar("max_norm", max_norm)

    def update(updates: T, state: EmptyState, params: T | None = None, /) -> tuple[T, EmptyState]:
        norm = global_norm(updates)
        small = norm < max_norm
        if small.ndim != 0:
            raise ValueError(f"max_norm must be a scalar, got shape {small.shape}")
        out: T = tree_map(
            lambda t: sorting.where(small, t, (t / cv.astype(norm, t.dtype)) * max_norm), updates
        )
        return out, state

    return GradientTransformation(init_empty_state, update)


Mask: TypeAlias = PyTree | Callable[[PyTree], PyTree]


def add_decayed_weights(
    weight_decay: ScalarOrSchedule = 0.0, mask: Mask | None = None
) -> GradientTransformation[WeightDecayState]:
    """Add ``weight_decay * params`` to the updates (decoupled weight decay).

    ``mask`` (a pytree of bools shaped like the parameters, or a function of the
    parameters that returns one) limits the decay to the leaves marked True.
    """
    check_scalar_or_schedule("weight_decay", weight_decay)

    def init(params: PyTree, /) -> WeightDecayState:
        return AddDecayedWeightsState(zero_count()) if callable(weight_decay) else EmptyState()

    def update(
        updates: T, state: WeightDecayState, params: T | None = None, /
    ) -> tuple[T, WeightDecayState]:
        if params is None:
            raise ValueError(NO_PARAMS_MSG)
        if isinstance(state, AddDecayedWeightsState):
            assert callable(weight_decay)
            s: Scalar = weight_decay(state.count)
            new_state: WeightDecayState = AddDecayedWeightsState(safe_increment(state.count))
        else:
            s, new_state = cast(Scalar, weight_decay), state
            if isinstance(s, (int, float)) and s == 0.0:
                return updates, new_state
        if mask is None:
            out: T = tree_map(lambda g, p: g + s * p, updates, params)
        else:
            marks = mask(params) if callable(mask) else mask
            out = tree_map(lambda g, p, on: g + s * p if on else g, updates, params, marks)
        return out, new_state

    return GradientTransformation(init, update)


def identity_or_trace(
    momentum: Scalar | None, nesterov: bool, accumulator_dtype: Any = None
) -> GradientTransformation[TraceState | EmptyState]:
    """``trace(momentum, ...)``, or the identity when ``momentum`` is None."""
    if momentum is None:
        return cast(GradientTransformation[TraceState | EmptyState], identity())
    return cast(
        GradientTransformation[TraceState | EmptyState],
        trace(momentum, nesterov, accumulator_dtype),
    )
