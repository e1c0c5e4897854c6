"""The algebraic laws of fad's transformations, checked as hypothesis properties over every
registered primitive.

This module is the registry the law tests and the coverage report share: the laws (in
the order of the issue, with sub-laws as separate columns), what examples each law needs
(:class:`strategies.Filter`), and why a primitive is exempt from a law. A primitive is
exempt when the strategies have no example the law can use (e.g. only integer operands
for a derivative law) or when it is listed in :data:`EXEMPT` with a written reason.

Each law test is decorated with :func:`law_test`, which parametrizes it over the covered
primitives and draws one value per hypothesis example from a primitive-dependent
strategy (through ``st.data()``). Failing draws are kept as explicit regression examples:
``@example(data=Replay(<the printed draw>))`` under ``@law_test``; the replayed value
belongs to one primitive and is rejected for the others.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from hypothesis import given, note, reject, settings
from hypothesis import strategies as st

from fad._src import core

from .strategies import Filter, has_examples

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


@dataclass(frozen=True)
class Law:
    """One column of the coverage table.

    ``weight`` scales the profile's ``max_examples`` for this law's test (jit laws compile
    once per example, so they draw fewer); ``needs`` says which examples apply.
    """

    key: str
    number: str
    title: str
    needs: Filter
    no_example_reason: str
    weight: float = 1.0


# A primitive without any example is a gap, not an exemption: the coverage test fails.
NO_EXAMPLE = "no example: add one to tests/primitive_cases.py or tests/laws/strategies.py"
_DIFF = "integer or bool operands only: tangents are float0, there is nothing to differentiate"
_DIFF_F = Filter(differentiable=True)
_DIFF_W = Filter(differentiable=True, wide=True)

LAWS: dict[str, Law] = {law.key: law for law in [
    Law("jvp_fd", "1", "jvp agrees with central finite differences (float64)",
        Filter(wide=True, fd=True),
        "gradient-stopping: its JVP is zero by definition while finite differences see the "
        "identity (the zero tangent is checked by laws 2-4)"),
    Law("jvp_linear", "2", "jvp is linear in the tangent", _DIFF_F, _DIFF),
    Law("transpose_adjoint", "3", "transpose of the linearized map is its adjoint", _DIFF_F, _DIFF),
    Law("vjp_transpose", "4a", "vjp = transpose o linearize", _DIFF_F, _DIFF),
    Law("grad_vjp_one", "4b", "grad of a scalar = vjp of 1", _DIFF_F, _DIFF),
    Law("vmap_loop", "5", "vmap = loop over the batch (random in_axes/out_axes)", Filter(),
        NO_EXAMPLE),
    Law("jit_eager", "6", "jit = eager evaluation", Filter(), NO_EXAMPLE, weight=0.25),
    Law("vmap_jvp", "7a", "vmap o jvp = jvp o vmap", _DIFF_F, _DIFF),
    Law("jit_grad", "7b", "jit o grad = grad o jit", _DIFF_F, _DIFF, weight=0.25),
    Law("vmap_grad", "7c", "vmap o grad = per-example grad", _DIFF_F, _DIFF),
    Law("hessian_symmetric", "8a", "hessian of a real scalar function is symmetric", _DIFF_W,
        _DIFF),
    Law("hvp_modes", "8b", "fwd-over-rev = rev-over-fwd = rev-over-rev HVP", _DIFF_W, _DIFF,
        weight=0.5),
    Law("chain_rule", "9", "chain rule on random compositions of 2-4 primitives", _DIFF_W, _DIFF,
        weight=0.5),
]}  # fmt: skip

_FWD_CUSTOM_VJP = (
    "forward mode through a custom_vjp function is an error by design (as in JAX): only "
    "reverse mode may use its bwd rule"
)
_INTERNAL_LIN = (
    "internal: the tangent half of a custom_vjp function, staged by linearize and only ever "
    "transposed; evaluating, lowering or forward-differentiating it is an error by design "
    "(its transpose and batching are checked in tests/test_custom_derivatives.py)"
)

_NAMED_AXIS = (
    "a collective means something only over a named axis (vmap's axis_name, a shard_map mesh "
    "axis), which these laws' drivers do not bind; its laws (vmap = loop formula, jvp vs "
    "finite differences, adjoint transpose) are in tests/test_collectives.py and "
    "tests/test_shard_map.py"
)
_CALLBACK = (
    "calls a user's Python function, which has no derivative (pure_callback refuses JVP as in "
    "JAX; debug_callback sees primals); tests/test_callbacks.py"
)
_LAYOUT = (
    "the identity on values (a layout hint for XLA over several devices); eager, jit, jvp, "
    "grad and vmap are compared with the unconstrained function in tests/test_sharding.py"
)
_COLLECTIVES = (
    "psum", "pmax", "pmin", "all_gather", "psum_scatter", "all_to_all", "ppermute", "axis_index",
    "shard_map",
)
_NO_DERIVATIVE = (
    "no derivative rule (as in JAX): the Schur and Hessenberg factors are unique only up to "
    "rotations within 2x2 blocks and the signs of the reflectors"
)

# (law, primitive) -> why the law does not apply although the strategies may have
# examples the law could use.
EXEMPT: dict[tuple[str, str], str] = {
    **{(law, "custom_vjp_call"): _FWD_CUSTOM_VJP
       for law in ("jvp_fd", "jvp_linear", "vmap_jvp", "hvp_modes", "chain_rule")},
    **{(law, "custom_vjp_lin"): _INTERNAL_LIN for law in LAWS},
    **{(law, p): _NAMED_AXIS for law in LAWS for p in _COLLECTIVES},
    **{(law, "sharding_constraint"): _LAYOUT for law in LAWS},
    **{(law, p): _CALLBACK for law in LAWS for p in ("pure_callback", "debug_callback")},
    **{(law, prim): _NO_DERIVATIVE for law in LAWS if law not in ("vmap_loop", "jit_eager")
       for prim in ("hessenberg", "schur")},
}  # fmt: skip

def primitives() -> list[str]:
    return sorted(core.all_primitives)


def exemption(law: str, prim: str) -> str | None:
    """Why ``prim`` is exempt from ``law``, or None when the law's test covers it."""
    if (law, prim) in EXEMPT:
        return EXEMPT[(law, prim)]
    if not has_examples(prim, Filter()):
        return NO_EXAMPLE
    spec = LAWS[law]
    if not has_examples(prim, spec.needs):
        return spec.no_example_reason
    return None


def covered(law: str) -> list[str]:
    return [p for p in primitives() if exemption(law, p) is None]


# Law key -> the test function that checks it (filled in by law_test at import).
IMPLEMENTED: dict[str, Callable[..., Any]] = {}


def examples_for(law: Law) -> int:
    """The number of examples per primitive under the loaded hypothesis profile."""
    return max(1, math.ceil(settings().max_examples * law.weight))


def law_test(key: str) -> Callable[[F], F]:
    """Parametrize a ``test(prim, data)`` over the primitives ``key`` covers, under hypothesis.

    Explicit ``@example(data=Replay(...))`` decorators go below this one.
    """
    law = LAWS[key]

    def deco(fn: F) -> F:
        wrapped = given(data=st.data())(fn)
        wrapped = settings(max_examples=examples_for(law))(wrapped)
        out: F = pytest.mark.parametrize("prim", covered(key))(wrapped)
        assert key not in IMPLEMENTED, f"two tests claim law {key}"
        IMPLEMENTED[key] = out
        return out

    return deco


@dataclass(frozen=True)
class Replay:
    """Stands in for ``st.data()`` in an explicit ``@example``: its draw is ``value``.

    ``value`` is a draw printed by a failing run (a ``Spec`` or a law's draw record,
    each with a ``prim`` attribute).
    """

    value: Any


def draw(data: Any, prim: str, strategy: st.SearchStrategy[T], label: str = "draw") -> T:
    """Draw from ``strategy``, or replay a regression example (rejected for other primitives)."""
    if isinstance(data, Replay):
        if data.value.prim != prim:
            reject()
        out: T = data.value
        return out
    drawn: T = data.draw(strategy, label=label)
    note(f"replay with @example(data=Replay({drawn!r}))")
    return drawn
