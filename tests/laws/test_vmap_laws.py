"""Law 5: vmap equals a Python loop over the batch, for random in_axes and out_axes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from . import LAWS, check_example, draw, law_test
from .checks import x64
from .strategies import Example, Spec, build, specs


@dataclass(frozen=True)
class BatchDraw:
    """A spec and the batch size; the batch elements draw fresh operands of the spec's
    shapes (seeds ``spec.seed + 1000 k``), the axes come from the spec's seed."""

    spec: Spec
    batch: int

    @property
    def prim(self) -> str:
        return self.spec.prim


def batch_draws(law: str, prim: str) -> st.SearchStrategy[BatchDraw]:
    return st.builds(BatchDraw, specs(prim, LAWS[law].needs), st.integers(1, 3))


def batch_of(ex: Example, n: int) -> list[tuple[Any, ...]]:
    return [ex.args(ex.spec.seed + 1000 * k) for k in range(n)]


@law_test("vmap_loop")
def test_vmap_equals_a_loop(prim: str, data: Any) -> None:
    with x64():
        d = draw(data, prim, batch_draws("vmap_loop", prim))
        ex = build(d.spec)
        check_example(ex, ["vmap_loop"], batch=batch_of(ex, d.batch))
