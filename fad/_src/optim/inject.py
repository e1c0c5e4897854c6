"""``inject_hyperparams``: an optimizer's numeric hyperparameters moved into its state.

Once in the state, a learning rate can be read, set between steps, scheduled, batched
with ``vmap`` or differentiated (meta-learning) like any other array.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any, Generic, NamedTuple, ParamSpec, TypeVar

import numpy as np

from fad._src.core import Array
from fad._src.numpy import conversion as cv
from fad._src.optim.base import GradientTransformation, highest_dtype, safe_increment, zero_count
from fad._src.tree_util import PyTree

P = ParamSpec("P")
S = TypeVar("S")
T = TypeVar("T")


class InjectHyperparamsState(NamedTuple, Generic[S]):
    count: Array  # type: ignore[assignment]  # int32, the schedules' step (optax's name)
    hyperparams: dict[str, Array]  # this step's values (settable between steps)
    inner_state: S


def _as_hyperparam(x: Any, dtype: Any) -> Any:
    """Floats become arrays of the parameters' dtype; strongly typed arrays stay as they are."""
    if isinstance(x, Array) and not x.weak_type:
        return x
    current = x.dtype if hasattr(x, "dtype") else np.dtype(type(x))
    if np.issubdtype(current, np.floating):
        return cv.asarray(x, dtype)
    return x


def inject_hyperparams(
    inner_factory: Callable[P, GradientTransformation[S]],
    static_args: str | Iterable[str] = (),
    hyperparam_dtype: Any = None,
) -> Callable[P, GradientTransformation[InjectHyperparamsState[S]]]:
    """Wrap an optimizer factory so that its numeric hyperparameters live in the state.

    Each numeric argument is stored in ``state.hyperparams`` (floats as arrays of the
    parameters' dtype, or ``hyperparam_dtype``); each callable argument is a schedule,
    evaluated at the state's count before every update. Booleans, ``None`` and the
    names in ``static_args`` are passed through unchanged. Every update rebuilds the
    inner optimizer from the state's values, so changing ``state.hyperparams`` between
    steps (``state._replace(hyperparams=...)``) takes effect.
    """
    static = {static_args} if isinstance(static_args, str) else set(static_args)
    signature = inspect.signature(inner_factory)
    if not static <= set(signature.parameters):
        raise ValueError(
            f"static_args: {sorted(static - set(signature.parameters))} are not parameters "
            f"of {getattr(inner_factory, '__name__', inner_factory)!r}"
        )
    # Called with keyword values of the hyperparameters' runtime types, not P's.
    factory: Callable[..., GradientTransformation[S]] = inner_factory
    hp_dtype = None if hyperparam_dtype is None else cv.dtype_arg(hyperparam_dtype)

    def wrapped(*args: P.args, **kwargs: P.kwargs) -> GradientTransformation[
        InjectHyperparamsState[S]
    ]:  # fmt: skip
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        schedules: dict[str, Callable[[Array], Any]] = {}
        numeric: dict[str, Any] = {}
        other: dict[str, Any] = {}
        for name, value in bound.arguments.items():
            if name in static or isinstance(value, (bool, np.bool_)):
                other[name] = value
            elif callable(value):
                schedules[name] = value
            elif isinstance(value, (int, float, np.number, np.ndarray, Array)):
                numeric[name] = value
            else:
                other[name] = value

        def values(count: Array, stored: dict[str, Any], dtype: Any) -> dict[str, Any]:
            out = {k: _as_hyperparam(v, dtype) for k, v in stored.items()}
            out.update({k: _as_hyperparam(f(count), dtype) for k, f in schedules.items()})
            return out

        def init(params: PyTree, /) -> InjectHyperparamsState[S]:
            count = zero_count()
            dtype = hp_dtype if hp_dtype is not None else highest_dtype(params)
            hparams = {k: cv.asarray(v) for k, v in values(count, numeric, dtype).items()}
            inner = factory(**other, **hparams)
            return InjectHyperparamsState(count, hparams, inner.init(params))

        def update(
            updates: T, state: InjectHyperparamsState[S], params: T | None = None, /
        ) -> tuple[T, InjectHyperparamsState[S]]:
            dtype = (
                hp_dtype
                if hp_dtype is not None
                else highest_dtype(updates if params is None else params)
            )
            hparams = values(state.count, state.hyperparams, dtype)
            inner = factory(**other, **hparams)
            updates, inner_state = inner.update(updates, state.inner_state, params)
            new = InjectHyperparamsState(safe_increment(state.count), hparams, inner_state)
            return updates, new

        return GradientTransformation(init, update)

    return wrapped
