"""Laws 3 and 4: the transpose of the linearized map is its adjoint, vjp is transpose after
linearize, and grad of a scalar function is the vjp of 1."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import example
from hypothesis import strategies as st

from . import LAWS, Replay, draw, law_test
from .checks import (
    ad,
    assert_close,
    assert_trees_close,
    eps_of,
    pairing,
    random_like,
    scalarize,
    x64,
)
from .checks import view as view_of
from .strategies import Spec, build, specs


@dataclass(frozen=True)
class SubsetDraw:
    """A spec and the operands the linear map is taken in (bit ``i`` of ``mask``: operand
    ``i``); the other operands are constants."""

    spec: Spec
    mask: int

    @property
    def prim(self) -> str:
        return self.spec.prim


def subset_draws(law: str, prim: str) -> st.SearchStrategy[SubsetDraw]:
    return st.builds(SubsetDraw, specs(prim, LAWS[law].needs), st.integers(1, 15))


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
        spec = d.spec
        ex = build(spec)
        v = view_of(ex).restricted().subset(d.mask)
        rng = np.random.default_rng(spec.seed + 1)
        out, f_lin = ad.linearize(v.fn, *v.args)
        tangents = [random_like(rng, x) for x in v.args]
        lv = f_lin(*tangents)
        cts = tuple(random_like(rng, o) for o in out)
        ltu = ad.linear_transpose(f_lin, *v.args)(cts)
        assert len(ltu) == len(v.args)
        for x, c in zip(v.args, ltu, strict=True):
            assert (np.shape(c), np.asarray(c).dtype) == (x.shape, x.dtype), d
        lhs, s1 = pairing(lv, cts)
        rhs, s2 = pairing(tangents, ltu)
        tol = 100 * eps_of([*v.args, *out]) * (s1 + s2 + 1.0)
        msg = f"{d!r}: <Lv, u> = {lhs}, <v, L^T u> = {rhs}"
        assert abs(lhs.real - rhs.real) <= tol, msg
        if ex.holomorphic and all(np.iscomplexobj(x) for x in (*v.args, *out)):
            assert abs(lhs - rhs) <= tol, msg


@law_test("vjp_transpose")
def test_vjp_is_transpose_of_linearize(prim: str, data: Any) -> None:
    """Law 4a: ``vjp(f, x)[1](u) = linear_transpose(linearize(f, x)[1])(u)``."""
    with x64():
        d = draw(data, prim, subset_draws("vjp_transpose", prim))
        spec = d.spec
        v = view_of(build(spec)).restricted().subset(d.mask)
        rng = np.random.default_rng(spec.seed + 2)
        out, pullback = ad.vjp(v.fn, *v.args)
        _, f_lin = ad.linearize(v.fn, *v.args)
        cts = tuple(random_like(rng, o) for o in out)
        got = pullback(cts)
        want = ad.linear_transpose(f_lin, *v.args)(cts)
        assert_trees_close(tuple(got), tuple(want), factor=50, eps=eps_of([*v.args, *out]),
                           what=repr(d))  # fmt: skip


@law_test("grad_vjp_one")
def test_grad_is_vjp_of_one(prim: str, data: Any) -> None:
    """Law 4b: for a real scalar ``h``, ``grad(h)(x) = vjp(h, x)[1](1)``."""
    with x64():
        spec = draw(data, prim, specs(prim, LAWS["grad_vjp_one"].needs))
        v = view_of(build(spec))
        h = scalarize(v, np.random.default_rng(spec.seed + 3))
        argnums = tuple(range(len(v.args)))
        value, g = ad.value_and_grad(h, argnums=argnums)(*v.args)
        out, pullback = ad.vjp(h, *v.args)
        assert np.shape(value) == () and not np.iscomplexobj(value)
        want = pullback(np.ones((), np.asarray(out).dtype))
        eps = eps_of([*v.args, value])
        assert_close(value, out, factor=10, eps=eps, what=f"{spec!r}: value")
        assert_trees_close(tuple(g), tuple(want), factor=10, eps=eps, what=repr(spec))
