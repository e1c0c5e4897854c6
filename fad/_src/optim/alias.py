"""The optimizers, each a ``chain`` of building blocks exactly as optax 0.2.8 composes it."""

from __future__ import annotations

from typing import Any, TypeAlias, cast

from fad._src.optim.base import EmptyState, GradientTransformation, Scalar, ScalarOrSchedule, chain
from fad._src.optim.transform import (
    LearningRateState,
    Mask,
    RmsState,
    ScaleByAdamState,
    ScaleByLionState,
    ScaleByRssState,
    StdDevState,
    TraceState,
    WeightDecayState,
    add_decayed_weights,
    identity_or_trace,
    scale_by_adam,
    scale_by_learning_rate,
    scale_by_lion,
    scale_by_rms,
    scale_by_rss,
    scale_by_stddev,
)

SgdState: TypeAlias = tuple[TraceState | EmptyState, LearningRateState]
AdamState: TypeAlias = tuple[ScaleByAdamState, LearningRateState]
AdamWState: TypeAlias = tuple[ScaleByAdamState, WeightDecayState, LearningRateState]
RmspropState: TypeAlias = tuple[RmsState | StdDevState, LearningRateState, TraceState | EmptyState]
AdagradState: TypeAlias = tuple[ScaleByRssState, LearningRateState]
LionState: TypeAlias = tuple[ScaleByLionState, WeightDecayState, LearningRateState]


def sgd(
    learning_rate: ScalarOrSchedule, momentum: Scalar | None = None, nesterov: bool = False,
    accumulator_dtype: Any = None,
) -> GradientTransformation[SgdState]:  # fmt: skip
    """Stochastic gradient descent, with optional (Nesterov) momentum."""
    return chain(
        identity_or_trace(momentum, nesterov, accumulator_dtype),
        scale_by_learning_rate(learning_rate),
    )


def adam(
    learning_rate: ScalarOrSchedule, b1: Scalar = 0.9, b2: Scalar = 0.999,
    eps: Scalar = 1e-8, eps_root: Scalar = 0.0, mu_dtype: Any = None, *,
    nesterov: bool = False,
) -> GradientTransformation[AdamState]:  # fmt: skip
    """Adam (Kingma & Ba); ``nesterov=True`` gives NAdam."""
    return chain(
        scale_by_adam(b1, b2, eps, eps_root, mu_dtype, nesterov=nesterov),
        scale_by_learning_rate(learning_rate),
    )


def adamw(
    learning_rate: ScalarOrSchedule, b1: Scalar = 0.9, b2: Scalar = 0.999,
    eps: Scalar = 1e-8, eps_root: Scalar = 0.0, mu_dtype: Any = None,
    weight_decay: ScalarOrSchedule = 1e-4, mask: Mask | None = None, *, nesterov: bool = False,
) -> GradientTransformation[AdamWState]:  # fmt: skip
    """Adam with decoupled weight decay, added after the Adam scaling (Loshchilov & Hutter)."""
    return chain(
        scale_by_adam(b1, b2, eps, eps_root, mu_dtype, nesterov=nesterov),
        add_decayed_weights(weight_decay, mask),
        scale_by_learning_rate(learning_rate),
    )


def rmsprop(
    learning_rate: ScalarOrSchedule, decay: Scalar = 0.9, eps: Scalar = 1e-8,
    initial_scale: Scalar = 0.0, eps_in_sqrt: bool = True, centered: bool = False,
    momentum: Scalar | None = None, nesterov: bool = False, bias_correction: bool = False,
) -> GradientTransformation[RmspropState]:  # fmt: skip
    """RMSProp; ``centered`` divides by the standard deviation instead of the RMS.

    As in optax, momentum is applied after the learning rate.
    """
    args = (decay, eps, initial_scale, eps_in_sqrt, bias_correction)
    scaling = cast(
        GradientTransformation[RmsState | StdDevState],
        scale_by_stddev(*args) if centered else scale_by_rms(*args),
    )
    return chain(
        scaling, scale_by_learning_rate(learning_rate), identity_or_trace(momentum, nesterov)
    )


def adagrad(
    learning_rate: ScalarOrSchedule, initial_accumulator_value: Scalar = 0.1,
    eps: Scalar = 1e-7,
) -> GradientTransformation[AdagradState]:  # fmt: skip
    """Adagrad: per-coordinate steps shrinking with the sum of squared gradients."""
    return chain(
        scale_by_rss(initial_accumulator_value, eps), scale_by_learning_rate(learning_rate)
    )


def lion(
    learning_rate: ScalarOrSchedule, b1: Scalar = 0.9, b2: Scalar = 0.99,
    mu_dtype: Any = None, weight_decay: ScalarOrSchedule = 1e-3, mask: Mask | None = None,
) -> GradientTransformation[LionState]:  # fmt: skip
    """Lion (Chen et al.): sign updates from interpolated momentum, with decoupled decay."""
    return chain(
        scale_by_lion(b1, b2, mu_dtype),
        add_decayed_weights(weight_decay, mask),
        scale_by_learning_rate(learning_rate),
    )
