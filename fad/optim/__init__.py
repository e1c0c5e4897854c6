"""fad.optim: optax's optimizers as immutable gradient transformations composed with ``chain``.

Names, defaults and float32 numbers follow optax 0.2.8. A transformation is a pair of
pure functions; the training step is ordinary fad code, so it runs under ``jit``,
``vmap`` and ``grad``::

    opt = fad.optim.adam(1e-2)
    state = opt.init(params)
    updates, state = opt.update(fad.grad(loss)(params), state, params)
    params = fad.optim.apply_updates(params, updates)
"""

from fad._src.optim.alias import AdagradState as AdagradState
from fad._src.optim.alias import AdamState as AdamState
from fad._src.optim.alias import AdamWState as AdamWState
from fad._src.optim.alias import LionState as LionState
from fad._src.optim.alias import RmspropState as RmspropState
from fad._src.optim.alias import SgdState as SgdState
from fad._src.optim.alias import adagrad as adagrad
from fad._src.optim.alias import adam as adam
from fad._src.optim.alias import adamw as adamw
from fad._src.optim.alias import lion as lion
from fad._src.optim.alias import rmsprop as rmsprop
from fad._src.optim.alias import sgd as sgd
from fad._src.optim.base import EmptyState as EmptyState
from fad._src.optim.base import GradientTransformation as GradientTransformation
from fad._src.optim.base import InitFn as InitFn
from fad._src.optim.base import ScalarOrSchedule as ScalarOrSchedule
from fad._src.optim.base import Schedule as Schedule
from fad._src.optim.base import UpdateFn as UpdateFn
from fad._src.optim.base import apply_updates as apply_updates
from fad._src.optim.base import chain as chain
from fad._src.optim.base import identity as identity
from fad._src.optim.inject import InjectHyperparamsState as InjectHyperparamsState
from fad._src.optim.inject import inject_hyperparams as inject_hyperparams
from fad._src.optim.schedules import constant_schedule as constant_schedule
from fad._src.optim.schedules import cosine_decay_schedule as cosine_decay_schedule
from fad._src.optim.schedules import exponential_decay as exponential_decay
from fad._src.optim.schedules import join_schedules as join_schedules
from fad._src.optim.schedules import linear_schedule as linear_schedule
from fad._src.optim.schedules import piecewise_constant_schedule as piecewise_constant_schedule
from fad._src.optim.schedules import polynomial_schedule as polynomial_schedule
from fad._src.optim.schedules import warmup_cosine_decay_schedule as warmup_cosine_decay_schedule
from fad._src.optim.transform import AddDecayedWeightsState as AddDecayedWeightsState
from fad._src.optim.transform import ScaleByAdamState as ScaleByAdamState
from fad._src.optim.transform import ScaleByLionState as ScaleByLionState
from fad._src.optim.transform import ScaleByRmsState as ScaleByRmsState
from fad._src.optim.transform import ScaleByRmsWithCountState as ScaleByRmsWithCountState
from fad._src.optim.transform import ScaleByRssState as ScaleByRssState
from fad._src.optim.transform import ScaleByRStdDevState as ScaleByRStdDevState
from fad._src.optim.transform import ScaleByRStdDevWithCountState as ScaleByRStdDevWithCountState
from fad._src.optim.transform import ScaleByScheduleState as ScaleByScheduleState
from fad._src.optim.transform import TraceState as TraceState
from fad._src.optim.transform import add_decayed_weights as add_decayed_weights
from fad._src.optim.transform import clip as clip
from fad._src.optim.transform import clip_by_global_norm as clip_by_global_norm
from fad._src.optim.transform import global_norm as global_norm
from fad._src.optim.transform import scale as scale
from fad._src.optim.transform import scale_by_adam as scale_by_adam
from fad._src.optim.transform import scale_by_learning_rate as scale_by_learning_rate
from fad._src.optim.transform import scale_by_lion as scale_by_lion
from fad._src.optim.transform import scale_by_rms as scale_by_rms
from fad._src.optim.transform import scale_by_rss as scale_by_rss
from fad._src.optim.transform import scale_by_schedule as scale_by_schedule
from fad._src.optim.transform import scale_by_stddev as scale_by_stddev
from fad._src.optim.transform import trace as trace

__all__ = [
    "AdagradState", "AdamState", "AdamWState", "AddDecayedWeightsState", "EmptyState",
    "GradientTransformation", "InitFn", "InjectHyperparamsState", "LionState", "RmspropState",
    "ScalarOrSchedule", "ScaleByAdamState", "ScaleByLionState", "ScaleByRStdDevState",
    "ScaleByRStdDevWithCountState", "ScaleByRmsState", "ScaleByRmsWithCountState",
    "ScaleByRssState", "ScaleByScheduleState", "Schedule", "SgdState", "TraceState",
    "UpdateFn", "adagrad", "adam", "adamw", "add_decayed_weights", "apply_updates", "chain",
    "clip", "clip_by_global_norm", "constant_schedule", "cosine_decay_schedule",
    "exponential_decay", "global_norm", "identity", "inject_hyperparams", "join_schedules",
    "linear_schedule", "lion", "piecewise_constant_schedule", "polynomial_schedule", "rmsprop",
    "scale", "scale_by_adam", "scale_by_learning_rate", "scale_by_lion", "scale_by_rms",
    "scale_by_rss", "scale_by_schedule", "scale_by_stddev", "sgd", "trace",
    "warmup_cosine_decay_schedule",
]  # fmt: skip
