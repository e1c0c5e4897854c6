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

The laws themselves are ``fad.testing``'s (one implementation, used both ways): each test
builds an example of its primitive and hands it to :func:`check_example`, which calls
``fad.testing.check_laws`` on it. A test may check several laws that share their work
(``@law_test("jit_eager", "jit_edge")`` compiles once for both).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from hypothesis import given, note, reject, settings
from hypothesis import strategies as st

import fad
from fad._src import core
from fad._src.testing.laws import LAWS as LIBRARY_LAWS

from .strategies import Example, Filter, has_examples

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


@dataclass(frozen=True)
class Law:
    """One column of the coverage table: a law of ``fad.testing`` (``key``) and how the
    suite applies it to primitives.

    ``weight`` scales the profile's ``max_examples`` for this law's test (jit laws compile
    once per example, so they draw fewer); ``needs`` says which examples apply.
    """

    key: str
    number: str
    needs: Filter
    no_example_reason: str
    weight: float = 1.0

    @property
    def title(self) -> str:
        return LIBRARY_LAWS[self.key].title if self.key in LIBRARY_LAWS else _CHAIN_TITLE


# A primitive without any example is a gap, not an exemption: the coverage test fails.
NO_EXAMPLE = "no example: add one to tests/primitive_cases.py or tests/laws/strategies.py"
_DIFF = "integer or bool operands only: tangents are float0, there is nothing to differentiate"
_DIFF_F = Filter(differentiable=True)
_DIFF_W = Filter(differentiable=True, wide=True)

_CHAIN_TITLE = "chain rule on random compositions of 2-4 primitives"
_DIFF_FD = Filter(differentiable=True, wide=True, fd=True)
_STOP = ("gradient-stopping (its differentiable examples pass through stop_gradient): the JVP "
         "is zero by definition while finite differences see the identity (the zero tangent "
         "is checked by laws 2-4)")

LAWS: dict[str, Law] = {law.key: law for law in [
    Law("jvp_fd", "1", Filter(wide=True, fd=True), _STOP),
    Law("jvp_linear", "2", _DIFF_F, _DIFF),
    Law("transpose_adjoint", "3", _DIFF_F, _DIFF),
    Law("vjp_transpose", "4a", _DIFF_F, _DIFF),
    Law("grad_vjp_one", "4b", _DIFF_F, _DIFF),
    Law("vmap_loop", "5", Filter(), NO_EXAMPLE),
    Law("jit_eager", "6", Filter(), NO_EXAMPLE, weight=0.25),
    Law("jit_edge", "6e", Filter(), NO_EXAMPLE, weight=0.25),
    Law("vmap_jvp", "7a", _DIFF_F, _DIFF),
    Law("jit_grad", "7b", _DIFF_F, _DIFF, weight=0.25),
    Law("vmap_grad", "7c", _DIFF_F, _DIFF),
    Law("hessian_symmetric", "8a", _DIFF_W, _DIFF),
    Law("hvp_modes", "8b", _DIFF_W, _DIFF, weight=0.5),
    Law("hvp_fd", "8c", _DIFF_FD, _STOP, weight=0.5),
    Law("chain_rule", "9", _DIFF_W, _DIFF, weight=0.5),
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
_GARBAGE_IN = (
    "a factorization (or a solve) of a matrix with infinite or NaN entries has no defined "
    "result: LAPACK "
    "(eager) and XLA's kernels fill in different NaN patterns and may not agree on which "
    "entries stay finite"
)

# (law, primitive) -> why the law does not apply although the strategies may have
# examples the law could use.
EXEMPT: dict[tuple[str, str], str] = {
    **{(law, "custom_vjp_call"): _FWD_CUSTOM_VJP
       for law in ("jvp_fd", "jvp_linear", "vmap_jvp", "hvp_modes", "hvp_fd", "chain_rule")},
    **{(law, "custom_vjp_lin"): _INTERNAL_LIN for law in LAWS},
    **{(law, p): _NAMED_AXIS for law in LAWS for p in _COLLECTIVES},
    **{(law, "sharding_constraint"): _LAYOUT for law in LAWS},
    **{(law, p): _CALLBACK for law in LAWS for p in ("pure_callback", "debug_callback")},
    **{(law, prim): _NO_DERIVATIVE for law in LAWS if law not in ("vmap_loop", "jit_eager")
       for prim in ("hessenberg", "schur")},
    **{("jit_edge", p): _GARBAGE_IN
       for p in ("cholesky", "eigh", "lu", "qr", "svd", "eig", "schur", "hessenberg",
                 "custom_linear_solve")},
}  # fmt: skip

# Primitives whose integer operands are indices, case numbers or counts that XLA leaves
# undefined out of range: the edge-value law (6e) keeps those at their drawn values and
# puts edge values into the other operands only.
EDGE_HELD: dict[str, str] = {
    "lu_pivots_to_permutation": "pivots outside [0, n) do not describe a permutation; XLA "
                                "leaves the result undefined",
    "select_n": "a case number outside [0, n) selects no case; XLA leaves the result undefined",
    "while": "the integer operand of the while_int case is a trip count: INT_MAX iterations "
             "would run for minutes, eagerly and compiled alike",
}


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
        if spec.needs.differentiable and not has_examples(prim, Filter(differentiable=True)):
            return _DIFF
        return spec.no_example_reason
    return None


def covered(law: str) -> list[str]:
    return [p for p in primitives() if exemption(law, p) is None]


# Law key -> the test function that checks it (filled in by law_test at import).
IMPLEMENTED: dict[str, Callable[..., Any]] = {}


def law_test(*keys: str) -> Callable[[F], F]:
    """Parametrize a ``test(prim, data)`` over the primitives any of ``keys`` covers, under
    hypothesis (with the largest weight of them); :func:`applicable` says which of the laws
    apply to the primitive at hand.

    Explicit ``@example(data=Replay(...))`` decorators go below this one.
    """
    weight = max(LAWS[k].weight for k in keys)
    prims = [p for p in primitives() if any(exemption(k, p) is None for k in keys)]

    def deco(fn: F) -> F:
        wrapped = given(data=st.data())(fn)
        wrapped = settings(max_examples=max(1, math.ceil(settings().max_examples * weight)))(
            wrapped)  # fmt: skip
        out: F = pytest.mark.parametrize("prim", prims)(wrapped)
        for key in keys:
            assert key not in IMPLEMENTED, f"two tests claim law {key}"
            IMPLEMENTED[key] = out
        return out

    return deco


def applicable(prim: str, *keys: str) -> tuple[str, ...]:
    """Those of ``keys`` that cover ``prim``."""
    return tuple(k for k in keys if exemption(k, prim) is None)


def check_example(ex: Example, laws: Sequence[str], **options: Any) -> None:
    """``fad.testing.check_laws`` on the example's function and operands (the example's
    seed seeds the laws; its holomorphy says whether complex scalars apply)."""
    options.setdefault("seed", ex.spec.seed)
    options.setdefault("holomorphic", ex.holomorphic)
    fad.testing.check_laws(ex.fn, *ex.args(), laws=laws, **options)


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
