"""Law 6: jit equals eager evaluation (XLA's kernels against the numpy implementations), on
in-domain operands and on edge values (6e), in one test: both laws share the compiled call."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import example

from . import EDGE_HELD, LAWS, Replay, applicable, check_example, draw, law_test
from .checks import x64
from .strategies import Spec, build, specs


@pytest.mark.slow
@law_test("jit_eager", "jit_edge")
# float32 operands with a float64 preferred type: numpy multiplied in float32, XLA in float64.
@example(data=Replay(Spec(prim="dot_general", variant="case:dot_general_preferred_f64",
                          dtype="float32", shapes=(), params=(), seed=0)))  # fmt: skip
# pow(-inf, 0.5) of 0-d float32 operands: numpy's scalar path gave nan, XLA gives inf.
@example(data=Replay(Spec(prim="pow", variant="case:pow_0d", dtype="float32", shapes=(),
                          params=(), seed=11344)))  # fmt: skip
def test_jit_equals_eager(prim: str, data: Any) -> None:
    """Same output structure, shapes, dtypes and weak types; equal values (close for
    inexact ones), also where the operands hold edge values. Integer operands that index
    (listed in ``EDGE_HELD``) keep their drawn values."""
    with x64():
        ex = build(draw(data, prim, specs(prim, LAWS["jit_eager"].needs)))
        operands = ex.numpy_args()
        held = prim in EDGE_HELD
        argnums = [i for i, a in enumerate(operands)
                   if not (held and not np.issubdtype(a.dtype, np.inexact))]  # fmt: skip
        check_example(ex, applicable(prim, "jit_eager", "jit_edge"), argnums=argnums)
