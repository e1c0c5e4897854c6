"""The handler stack: user handlers, nesting, tags, escapes and thread isolation."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import fad
import fad.numpy as jnp
from docs.examples.handlers import CountingHandler, PrintingHandler, count_gradient_primitives


def test_counting_handler_counts_eager_primitives_exactly() -> None:
    h = CountingHandler()
    with fad.installed(h):
        jnp.sin(jnp.ones(3)) * jnp.ones(3)
    # ones() is a broadcast of a scalar; sin and mul are one primitive each.
    assert h.counts == Counter({"broadcast_in_dim": 2, "sin": 1, "mul": 1})


def test_counting_handler_under_jvp_sees_primal_and_tangent_work() -> None:
    h = CountingHandler()
    x = jnp.asarray(0.5)
    with fad.installed(h):
        _, t = fad.jvp(jnp.sin, (x,), (fad.tangent(jnp.asarray(1.0)),))
    # The JVP handler above the counter emits sin (primal), cos and mul (tangent).
    assert h.counts == Counter({"sin": 1, "cos": 1, "mul": 1})
    np.testing.assert_allclose(fad.primal_of(t), np.cos(0.5), rtol=1e-6)


def test_counting_handler_under_grad_sees_forward_and_transpose() -> None:
    h = CountingHandler()
    with fad.installed(h):
        g = fad.grad(jnp.sin)(jnp.asarray(0.5))
    # sin and cos run now (known work); the staged mul is transposed into one mul.
    assert h.counts == Counter({"sin": 1, "cos": 1, "mul": 1})
    np.testing.assert_allclose(np.asarray(g), np.cos(0.5), rtol=1e-6)


def test_docs_example_gradient_counts() -> None:
    counts = count_gradient_primitives()
    assert counts["tanh"] == 1
    assert counts["reduce_sum"] == 1


def test_printing_handler_lines() -> None:
    p = PrintingHandler()
    with fad.installed(p):
        jnp.sum(jnp.tanh(jnp.arange(3.0)))
    assert p.lines[-2:] == ["tanh(f32[3]) -> f32[3]", "reduce_sum(f32[3]) -> f32[]"]


def test_handler_cannot_be_installed_twice() -> None:
    h = CountingHandler()
    with fad.installed(h), pytest.raises(ValueError, match="already installed"), fad.installed(h):
        pass


@dataclass(frozen=True, eq=False)
class _Tagging(fad.Handler):
    """Logs ``tag:primitive`` before forwarding it, so a shared log shows the stack order."""

    tag: str
    log: list[str]

    def process(self, prim: fad.Primitive, args: Sequence[fad.Array], params: fad.Params) -> Any:
        self.log.append(f"{self.tag}:{prim.name}")
        return self.forward(prim, args, params)


def test_handlers_installed_in_one_step_stack_as_nested_installs() -> None:
    one_step: list[str] = []
    below = _Tagging("below", one_step)
    with fad.installed(below, _Tagging("above", one_step)):
        jnp.exp(jnp.zeros(()))
    nested: list[str] = []
    with fad.installed(_Tagging("below", nested)), fad.installed(_Tagging("above", nested)):
        jnp.exp(jnp.zeros(()))
    # Each handler is installed above the one before it: the last sees a primitive first.
    assert one_step == nested == ["above:exp", "below:exp"]
    with pytest.raises(ValueError, match="already installed"), fad.installed(below, below):
        pass


def test_nested_handlers_forward_in_stack_order() -> None:
    outer, inner = PrintingHandler(), PrintingHandler()
    with fad.installed(outer), fad.installed(inner):
        jnp.exp(jnp.zeros(()))
    assert inner.lines == outer.lines


def test_perturbation_confusion_nested_jvp() -> None:
    def f(x: Any) -> Any:
        def g(y: Any) -> Any:
            return x + y

        return x * fad.primal_of(fad.jvp(g, (1.0,), (fad.tangent(1.0),))[1])

    _, t = fad.jvp(f, (1.0,), (fad.tangent(1.0),))
    assert float(fad.primal_of(t)) == 1.0


def test_escaped_tracer_is_reported() -> None:
    leaked: list[fad.Array] = []

    def f(x: fad.Array) -> fad.Array:
        leaked.append(x)
        return x * 2

    fad.grad(f)(jnp.asarray(1.0))
    with pytest.raises(fad.EscapedTracerError, match="outside the transformation"):
        jnp.sin(leaked[0])


def test_handler_stack_is_per_thread() -> None:
    h = CountingHandler()
    seen: list[int] = []

    def worker() -> None:
        jnp.sin(jnp.ones(2))
        seen.append(1)

    with fad.installed(h):
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    assert seen == [1]
    assert h.counts == Counter()


def test_concretization_error_under_staging() -> None:
    def f(x: fad.Array) -> fad.Array:
        return x if x > 0 else -x

    with pytest.raises(fad.ConcretizationError, match="concrete value"):
        fad.make_jaxpr(f)(jnp.asarray(1.0))
    # Under grad the function runs on concrete values, so Python control flow works.
    assert float(fad.grad(f)(jnp.asarray(-2.0))) == -1.0
