"""Laws 3 and 4: the transpose of the linearized map is its adjoint, vjp is transpose after
linearize, and grad of a scalar function is the vjp of 1."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import example
from hypothesis import strategies as st

from . import LAWS, Replay, check_example, draw, law_test
from .checks import x64
from .strategies import Example, Spec, build, specs


@dataclass(frozen=True)
class SubsetDraw:
    """A spec and the operands the linear map is taken in (bit ``i`` of ``mask``: inexact
    operand ``i``); the other operands are constants."""

    spec: Spec
    mask: int

    @property
    def prim(self) -> str:
        return self.spec.prim


def subset_draws(law: str, prim: str) -> st.SearchStrategy[SubsetDraw]:
    return st.builds(SubsetDraw, specs(prim, LAWS[law].needs), st.integers(1, 15))


def argnums(ex: Example, mask: int) -> list[int]:
    """The positions of the inexact operands whose bit is set in ``mask`` (at least one)."""
    pos = [i for i, a in enumerate(ex.numpy_args()) if np.issubdtype(a.dtype, np.inexact)]
    return [p for k, p in enumerate(pos) if mask >> k & 1] or pos[:1]


@law_test("transpose_adjoint")
# A real-to-complex map is only real-linear: the complex pairing of its transpose is real.
@example(data=Replay(SubsetDraw(spec=Spec(prim="convert_element_type", variant="convert",
                                          dtype="float32", shapes=((),), params=("complex64",),
                                          seed=0), mask=1)))  # fmt: skip
# pad's transpose gave the padding value the whole cotangent when the operand was constant.
@example(data=Replay(SubsetDraw(spec=Spec(prim="pad", variant="case:pad", dtype="float64",
                                          shapes=(), params=(), seed=0), mask=2)))  # fmt: skip
def test_transpose_is_the_adjoint(prim: str, data: Any) -> None:
    """Law 3: ``<L v, u> = <v, L^T u>`` for ``L = linearize(f, x)`` and ``L^T =
    linear_transpose(L)``, under the bilinear pairing ``sum(a * b)`` (no conjugation, as in
    JAX): its real part always, all of it where ``L`` is complex-linear between complex
    spaces. ``L`` is taken in a random subset of the operands."""
    with x64():
        d = draw(data, prim, subset_draws("transpose_adjoint", prim))
        ex = build(d.spec)
        check_example(ex, ["transpose_adjoint"], argnums=argnums(ex, d.mask))


@law_test("vjp_transpose")
def test_vjp_is_transpose_of_linearize(prim: str, data: Any) -> None:
    """Law 4a: ``vjp(f, x)[1](u) = linear_transpose(linearize(f, x)[1])(u)``."""
    with x64():
        d = draw(data, prim, subset_draws("vjp_transpose", prim))
        ex = build(d.spec)
        check_example(ex, ["vjp_transpose"], argnums=argnums(ex, d.mask))


@law_test("grad_vjp_one")
def test_grad_is_vjp_of_one(prim: str, data: Any) -> None:
    """Law 4b: for a real scalar ``h``, ``grad(h)(x) = vjp(h, x)[1](1)``."""
    with x64():
        ex = build(draw(data, prim, specs(prim, LAWS["grad_vjp_one"].needs)))
        check_example(ex, ["grad_vjp_one"])
