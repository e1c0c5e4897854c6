"""Schedules: functions from the step count to a hyperparameter value (optax 0.2.8's).

Each is built from fad.numpy operations on the count, so a schedule works on a Python
int, on the int32 count a transformation keeps, and on a tracer under ``jit``/``vmap``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias

from fad._src.core import Array
from fad._src.numpy import conversion as cv
from fad._src.numpy import sorting, ufuncs
from fad._src.optim.base import Scalar, Schedule
from fad._src.optim.transform import check_scalar

ScheduleFn: TypeAlias = Callable[[Scalar], Array]


def _steps(name: str, value: Any) -> int:
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an int, got {type(value).__name__}") from None


def constant_schedule(value: Scalar) -> ScheduleFn:
    """``value`` at every step."""
    check_scalar("value", value)
    return lambda count: cv.asarray(value)


def polynomial_schedule(
    init_value: Scalar, end_value: Scalar, power: Scalar, transition_steps: int,
    transition_begin: int = 0,
) -> ScheduleFn:  # fmt: skip
    """From ``init_value`` to ``end_value`` along ``(1 - t/T)**power`` over ``transition_steps``.

    A non-positive ``transition_steps`` gives the constant ``init_value``; a negative
    ``transition_begin`` counts as 0 (both as in optax).
    """
    for name, v in (("init_value", init_value), ("end_value", end_value), ("power", power)):
        check_scalar(name, v)
    steps = _steps("transition_steps", transition_steps)
    begin = max(_steps("transition_begin", transition_begin), 0)
    if steps <= 0:
        return constant_schedule(init_value)

    def schedule(count: Scalar) -> Array:
        t = ufuncs.clip(cv.asarray(count) - begin, 0, steps)
        frac = 1 - t / steps
        return cv.asarray((init_value - end_value) * (frac**power) + end_value)

    return schedule


def linear_schedule(
    init_value: Scalar, end_value: Scalar, transition_steps: int, transition_begin: int = 0
) -> ScheduleFn:
    """From ``init_value`` to ``end_value`` linearly over ``transition_steps``."""
    return polynomial_schedule(init_value, end_value, 1, transition_steps, transition_begin)


def exponential_decay(
    init_value: Scalar, transition_steps: int, decay_rate: float, transition_begin: int = 0,
    staircase: bool = False, end_value: Scalar | None = None,
) -> ScheduleFn:  # fmt: skip
    """``init_value * decay_rate ** ((count - transition_begin) / transition_steps)``.

    ``staircase`` floors the exponent; ``end_value`` bounds the value (from below when
    decaying, from above when ``decay_rate > 1``). Before ``transition_begin`` the value
    is ``init_value``. A non-positive ``transition_steps`` or a zero ``decay_rate`` gives
    the constant ``init_value``, as in optax.
    """
    check_scalar("init_value", init_value)
    check_scalar("decay_rate", decay_rate)
    steps = _steps("transition_steps", transition_steps)
    begin = max(_steps("transition_begin", transition_begin), 0)
    if steps <= 0 or decay_rate == 0:
        return constant_schedule(init_value)
    if end_value is not None:
        check_scalar("end_value", end_value)
    bound = ufuncs.maximum if decay_rate < 1.0 else ufuncs.minimum

    def schedule(count: Scalar) -> Array:
        elapsed = cv.asarray(count) - begin
        p = elapsed / steps
        if staircase:
            p = ufuncs.floor(p)
        value = sorting.where(elapsed <= 0, init_value, init_value * ufuncs.power(decay_rate, p))
        return value if end_value is None else bound(value, end_value)

    return schedule


def cosine_decay_schedule(
    init_value: Scalar, decay_steps: int, alpha: Scalar = 0.0, exponent: Scalar = 1.0
) -> ScheduleFn:
    """Half a cosine from ``init_value`` down to ``alpha * init_value`` over ``decay_steps``."""
    check_scalar("init_value", init_value)
    check_scalar("alpha", alpha)
    check_scalar("exponent", exponent)
    steps = _steps("decay_steps", decay_steps)
    if steps <= 0:
        raise ValueError(f"decay_steps must be positive, got {steps}")

    def schedule(count: Scalar) -> Array:
        c = float(count) if isinstance(count, int) else count
        t = ufuncs.minimum(c, float(steps))
        cosine = 0.5 * (1 + ufuncs.cos(math.pi * t / float(steps)))
        return cv.asarray(init_value * ((1 - alpha) * cosine**exponent + alpha))

    return schedule


def warmup_cosine_decay_schedule(
    init_value: Scalar, peak_value: Scalar, warmup_steps: int, decay_steps: int,
    end_value: Scalar = 0.0, exponent: Scalar = 1.0,
) -> ScheduleFn:  # fmt: skip
    """Linear warmup from ``init_value`` to ``peak_value``, then cosine decay to ``end_value``.

    ``decay_steps`` counts the whole schedule, warmup included (as in optax).
    """
    check_scalar("peak_value", peak_value)
    check_scalar("end_value", end_value)
    alpha = 0.0 if peak_value == 0.0 else end_value / peak_value
    warmup = _steps("warmup_steps", warmup_steps)
    return join_schedules(
        [
            linear_schedule(init_value, peak_value, warmup),
            cosine_decay_schedule(peak_value, _steps("decay_steps", decay_steps) - warmup,
                                  alpha, exponent),
        ],
        [warmup],
    )  # fmt: skip


def piecewise_constant_schedule(
    init_value: Scalar, boundaries_and_scales: Mapping[int, float] | None = None
) -> ScheduleFn:
    """``init_value`` times every ``scale`` whose boundary the count has reached."""
    check_scalar("init_value", init_value)
    items = sorted((boundaries_and_scales or {}).items())
    for boundary, factor in items:
        _steps("boundaries_and_scales key", boundary)
        check_scalar("boundaries_and_scales value", factor)
        if factor < 0:
            raise ValueError(
                f"boundaries_and_scales: scales must be non-negative, got {factor} at {boundary}"
            )

    def schedule(count: Scalar) -> Array:
        v = cv.asarray(init_value)
        for boundary, factor in items:
            below = ufuncs.maximum(0.0, ufuncs.sign(boundary - cv.asarray(count)))
            v = v * below + (1 - below) * factor * v
        return v

    return schedule


def join_schedules(schedules: Sequence[Schedule], boundaries: Sequence[int]) -> ScheduleFn:
    """``schedules[i]`` from ``boundaries[i-1]`` on, each counting from its own boundary."""
    if len(schedules) == 0 or len(boundaries) != len(schedules) - 1:
        raise ValueError(
            f"boundaries: join_schedules needs one boundary fewer than schedules, got "
            f"{len(schedules)} schedules and {len(boundaries)} boundaries"
        )
    bounds = [_steps("boundaries", b) for b in boundaries]

    def schedule(count: Scalar) -> Array:
        step = cv.asarray(count)
        out = cv.asarray(schedules[0](step))
        for boundary, later in zip(bounds, schedules[1:], strict=True):
            out = sorting.where(step < boundary, out, later(step - boundary))
        return out

    return schedule
