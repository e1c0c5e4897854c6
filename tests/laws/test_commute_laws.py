"""Law 7: transformations commute where they should: vmap o jvp = jvp o vmap,
jit o grad = grad o jit, and vmap o grad = the per-example gradients."""

from __future__ import annotations

from typing import Any

import pytest

from . import LAWS, check_example, draw, law_test
from .checks import x64
from .strategies import build, specs
from .test_vmap_laws import batch_draws, batch_of


@law_test("vmap_jvp")
def test_vmap_of_jvp_is_jvp_of_vmap(prim: str, data: Any) -> None:
    with x64():
        d = draw(data, prim, batch_draws("vmap_jvp", prim))
        ex = build(d.spec)
        check_example(ex, ["vmap_jvp"], batch=batch_of(ex, d.batch))


@pytest.mark.slow
@law_test("jit_grad")
def test_jit_of_grad_is_grad_of_jit(prim: str, data: Any) -> None:
    with x64():
        ex = build(draw(data, prim, specs(prim, LAWS["jit_grad"].needs)))
        check_example(ex, ["jit_grad"])


@law_test("vmap_grad")
def test_vmap_of_grad_is_per_example_grad(prim: str, data: Any) -> None:
    with x64():
        d = draw(data, prim, batch_draws("vmap_grad", prim))
        ex = build(d.spec)
        check_example(ex, ["vmap_grad"], batch=batch_of(ex, d.batch))
