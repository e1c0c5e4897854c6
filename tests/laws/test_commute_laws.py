"""Law 7: transformations commute where they should: vmap o jvp = jvp o vmap,
jit o grad = grad o jit, and vmap o grad = the per-example gradients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import strategies as st

from . import LAWS, draw, law_test
from .checks import View, ad, assert_trees_close, eps_of, random_like, scalarize, stack, view, x64
from .strategies import Example, Spec, build, specs
from .test_jit_laws import JIT_FACTOR


@dataclass(frozen=True)
class BatchDraw:
    spec: Spec
    batch: int

    @property
    def prim(self) -> str:
        return self.spec.prim


def batch_draws(law: str, prim: str) -> st.SearchStrategy[BatchDraw]:
    return st.builds(BatchDraw, specs(prim, LAWS[law].needs), st.integers(1, 3))


NDArray = np.ndarray[Any, Any]


def batched_operands(
    ex: Example, v: View, batch: int
) -> tuple[list[list[NDArray]], tuple[NDArray, ...]]:
    """Per batch element, fresh inexact operands (the integer ones stay those of ``v``), and
    them stacked along a leading axis."""
    full = ex.numpy_args()
    pos = [i for i, a in enumerate(full) if np.issubdtype(a.dtype, np.inexact)]
    elems = []
    for k in range(batch):
        drawn = ex.numpy_args(ex.spec.seed + 1000 * k)
        elems.append([drawn[p] for p in pos])
    assert len(pos) == len(v.args)
    stacked = tuple(stack([e[i] for e in elems], 0) for i in range(len(pos)))
    return elems, stacked


@law_test("vmap_jvp")
def test_vmap_of_jvp_is_jvp_of_vmap(prim: str, data: Any) -> None:
    with x64():
        d = draw(data, prim, batch_draws("vmap_jvp", prim))
        ex = build(d.spec)
        v = view(ex).restricted()
        _, xs = batched_operands(ex, v, d.batch)
        rng = np.random.default_rng(d.spec.seed + 4)
        ts = tuple(random_like(rng, x) for x in xs)

        def jvp_of(p: tuple[Any, ...], t: tuple[Any, ...]) -> Any:
            return ad.jvp(v.fn, p, t)

        lhs = ad.vmap(jvp_of)(xs, ts)
        rhs = ad.jvp(ad.vmap(v.fn), xs, ts)
        assert_trees_close(lhs, rhs, factor=100, eps=eps_of([*xs, *v.out]), what=repr(d))


@pytest.mark.slow
@law_test("jit_grad")
def test_jit_of_grad_is_grad_of_jit(prim: str, data: Any) -> None:
    with x64():
        spec = draw(data, prim, specs(prim, LAWS["jit_grad"].needs))
        v = view(build(spec))
        h = scalarize(v, np.random.default_rng(spec.seed + 5))
        argnums = tuple(range(len(v.args)))
        lhs = ad.jit(ad.grad(h, argnums))(*v.args)
        rhs = ad.grad(ad.jit(h), argnums)(*v.args)
        assert_trees_close(tuple(lhs), tuple(rhs), factor=JIT_FACTOR, eps=eps_of(v.args),
                           what=repr(spec))  # fmt: skip


@law_test("vmap_grad")
def test_vmap_of_grad_is_per_example_grad(prim: str, data: Any) -> None:
    with x64():
        d = draw(data, prim, batch_draws("vmap_grad", prim))
        ex = build(d.spec)
        v = view(ex)
        elems, xs = batched_operands(ex, v, d.batch)
        g = ad.grad(scalarize(v, np.random.default_rng(d.spec.seed + 6)),
                     argnums=tuple(range(len(v.args))))  # fmt: skip
        lhs = ad.vmap(g)(*xs)
        per = [g(*e) for e in elems]
        rhs = tuple(stack([p[i] for p in per], 0) for i in range(len(xs)))
        assert_trees_close(tuple(lhs), rhs, factor=100, eps=eps_of(xs), what=repr(d))
