"""Law 6: jit equals eager evaluation (XLA's kernels against the numpy implementations)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example

from fad._src import tree_util as tu
from fad._src.core import Array

from . import LAWS, Replay, draw, law_test
from .checks import ad, assert_close, x64
from .strategies import Spec, build, specs

# XLA's and numpy's transcendental functions and LAPACK paths differ by some ulps.
JIT_FACTOR = 2000.0


@pytest.mark.slow
@law_test("jit_eager")
# float32 operands with a float64 preferred type: numpy multiplied in float32, XLA in float64.
@example(data=Replay(Spec(prim="dot_general", variant="case:dot_general_preferred_f64",
                          dtype="float32", shapes=(), params=(), seed=0)))  # fmt: skip
def test_jit_equals_eager(prim: str, data: Any) -> None:
    """Same output structure, shapes, dtypes and weak types; equal values (close for
    inexact ones)."""
    with x64():
        spec = draw(data, prim, specs(prim, LAWS["jit_eager"].needs))
        ex = build(spec)
        args = ex.args()
        want, want_tree = tu.tree_flatten(ex.fn(*args))
        got, got_tree = tu.tree_flatten(ad.jit(ex.fn)(*args))
        assert got_tree == want_tree, spec
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert isinstance(g, Array) and isinstance(w, Array)
            assert g.weak_type == w.weak_type, f"{spec!r}: output {i} weak type"
            assert_close(g, w, factor=JIT_FACTOR, what=f"{spec!r}: output {i}")
