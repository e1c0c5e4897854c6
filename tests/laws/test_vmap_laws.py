"""Law 5: vmap equals a Python loop over the batch, for random in_axes and out_axes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st

from fad._src import core
from fad._src import tree_util as tu

from . import LAWS, draw, law_test
from .checks import ad, assert_close, eps_of, stack, x64
from .strategies import Spec, build, specs


@dataclass(frozen=True)
class VmapDraw:
    """A spec, the batch size, and raw axes: an operand's ``in_axes[i]`` (None: unmapped)
    and an output leaf's ``out_axes[j % len]`` are reduced modulo its batched rank; a
    negative raw axis stays negative (counted from the end)."""

    spec: Spec
    batch: int
    in_axes: tuple[int | None, ...]
    out_axes: tuple[int, ...]

    @property
    def prim(self) -> str:
        return self.spec.prim


def _axis(raw: int, ndim: int) -> int:
    """``raw`` as an axis of a rank-``ndim`` array, keeping its sign."""
    ax = raw % ndim
    return ax - ndim if raw < 0 else ax


def vmap_draws(prim: str) -> st.SearchStrategy[VmapDraw]:
    raw = st.integers(-4, 4)
    return st.builds(
        VmapDraw,
        specs(prim, LAWS["vmap_loop"].needs),
        st.integers(1, 3),
        st.lists(st.one_of(st.none(), raw), min_size=4, max_size=4).map(tuple),
        st.lists(raw, min_size=1, max_size=3).map(tuple),
    )


@law_test("vmap_loop")
def test_vmap_equals_a_loop(prim: str, data: Any) -> None:
    with x64():
        d = draw(data, prim, vmap_draws(prim))
        ex = build(d.spec)
        single = ex.numpy_args()
        n = len(single)
        in_axes: list[int | None] = [
            None if d.in_axes[i % 4] is None else _axis(int(d.in_axes[i % 4] or 0), a.ndim + 1)
            for i, a in enumerate(single)
        ]
        if n and all(a is None for a in in_axes):
            in_axes[0] = 0  # at least one operand is mapped
        # Each batch element draws fresh operands of the same shapes (another seed).
        per_elem = [ex.numpy_args(d.spec.seed + 1000 * k) for k in range(d.batch)]
        batched = [
            core.asarray(single[i] if ax is None else stack([e[i] for e in per_elem], ax))
            for i, ax in enumerate(in_axes)
        ]

        def slice_k(k: int) -> list[Any]:
            return [core.asarray(single[i] if ax is None else per_elem[k][i])
                    for i, ax in enumerate(in_axes)]  # fmt: skip

        loop = [tu.tree_leaves(ex.fn(*slice_k(k))) for k in range(d.batch)]
        out_axes = [_axis(d.out_axes[j % len(d.out_axes)], np.ndim(o) + 1)
                    for j, o in enumerate(loop[0])]  # fmt: skip
        out_tree = tu.tree_structure(ex.fn(*slice_k(0)))
        vm = ad.vmap(ex.fn, in_axes=tuple(in_axes), out_axes=tu.tree_unflatten(out_tree, out_axes),
                      axis_size=None if n else d.batch)  # fmt: skip
        got = tu.tree_leaves(vm(*batched))
        assert len(got) == len(loop[0])
        eps = eps_of([*batched, *loop[0]])
        for j, (g, ax) in enumerate(zip(got, out_axes, strict=True)):
            want = stack([leaves[j] for leaves in loop], ax)
            what = f"{d!r}: output {j}, in_axes={in_axes}, out_axes={out_axes}"
            assert_close(g, want, factor=100, eps=eps, what=what)
