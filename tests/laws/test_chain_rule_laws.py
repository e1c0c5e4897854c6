"""Law 9: the chain rule on random compositions of 2-4 primitives built by hypothesis.

A chain threads one inexact operand of each stage (the others keep the stage's drawn
values) through the stages. Between two stages a fixed linear *connector* maps the
previous stage's picked output ``y`` onto the next threaded operand:
``base + s * (M @ ravel(y) - M @ ravel(y0))``, with a random matrix ``M``, a scale ``s``
and ``y0`` the value of ``y`` at the chain's base point. At the base point every stage
therefore sees exactly its own in-domain operands, whatever the stages before it
compute, so every primitive can follow every other one. ``s`` also shrinks large stage
derivatives (``polygamma`` near 0), so that no stage sees a perturbation much larger
than the chain's input does and finite differences stay accurate.

Checked: the composite JVP equals central differences (float64); it equals the product
of the stages' own JVPs and the connectors' JVPs (the chain rule, forward); the composite
VJP equals the composition of the stages' VJPs in reverse order (the chain rule,
reverse); and the composite VJP is the transpose of the composite JVP.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import example
from hypothesis import strategies as st

import fad.numpy as jnp
from fad._src import core, dtypes
from fad._src.core import Array
from fad._src.prims import elementwise as ew
from fad._src.prims import linalg
from fad._src.prims import structural as st_
from fad._src.testing.numerics import eps_of, least_precise, pairing, random_like
from fad.test_util import check_jvp, default_eps, default_tolerance

from . import LAWS, Replay, covered, draw, law_test
from .checks import View, ad, assert_trees_close, view, x64
from .strategies import Spec, build, specs

NDArray = np.ndarray[Any, Any]

NEEDS = LAWS["chain_rule"].needs


@dataclass(frozen=True)
class ChainDraw:
    """The stages' specs (one of them applies ``prim``); for each stage, which inexact
    operand is threaded and which inexact output continues (raw ints, reduced modulo the
    counts)."""

    prim: str
    stages: tuple[Spec, ...]
    threads: tuple[int, ...]
    picks: tuple[int, ...]


@functools.cache
def _pool() -> tuple[str, ...]:
    return tuple(covered("chain_rule"))


@st.composite
def chain_draws(draw_: st.DrawFn, prim: str) -> ChainDraw:
    n = draw_(st.integers(2, 4))
    pos = draw_(st.integers(0, n - 1))
    others = [draw_(st.sampled_from(_pool()).flatmap(lambda p: specs(p, NEEDS)))
              for _ in range(n - 1)]  # fmt: skip
    stages = (*others[:pos], draw_(specs(prim, NEEDS)), *others[pos:])
    raw = st.integers(0, 3)
    threads = tuple(draw_(raw) for _ in range(n))
    picks = tuple(draw_(raw) for _ in range(n))
    return ChainDraw(prim, stages, threads, picks)


@dataclass(frozen=True)
class Stage:
    """One stage as a function of its threaded operand only, returning its inexact outputs
    (the picked one for an inner stage; all of them for the last)."""

    fn: Callable[[Array], tuple[Array, ...]]
    base: Array


def _stage(v: View, thread: int, outputs: Sequence[int]) -> Stage:
    t = thread % len(v.args)

    def fn(x: Array) -> tuple[Array, ...]:
        args = list(v.args)
        args[t] = x
        outs = v.fn(*args)
        return tuple(outs[i] for i in outputs)

    return Stage(fn, v.args[t])


Connector = Callable[[Any], Array]


def _connector(y0: Array | None, t_y: Any, target: Array,
               rng: np.random.Generator) -> tuple[Connector, NDArray]:  # fmt: skip
    """A linear map (plus constant) from the previous output to ``target``'s operand, equal to
    ``target`` at ``y0``; with no previous inexact output the operand is held constant.

    ``t_y``: the tangent of ``y`` along a probe direction of the chain's input. The scale
    keeps the probe's image at most 0.5 in every entry; also returns that image.
    """
    if y0 is None:
        return (lambda y: target), np.zeros(target.shape, target.dtype)
    ydt, tdt = y0.dtype, target.dtype
    n_in, n_out = int(np.size(y0)), int(np.size(target))
    mat = rng.standard_normal((n_out, n_in)) / np.sqrt(max(n_in, 1))
    scale: complex = 0.5
    if dtypes.is_complex(tdt):
        scale = 0.5 * np.exp(1j * rng.uniform(0, 2 * np.pi))
    # A complex output feeding a real operand enters through its real part.
    to_real = dtypes.is_complex(ydt) and not dtypes.is_complex(tdt)
    src_dt = np.dtype(dtypes.real_dtype(ydt)) if to_real else ydt
    m = core.asarray(mat.astype(src_dt))
    dn = (((1,), (0,)), ((), ()))

    def project(y: Array) -> Array:
        flat = st_.reshape(y, (n_in,))
        if flat.dtype != src_dt:
            flat = ew.real(flat)
        z = linalg.dot_general(m, flat, dn)
        if z.dtype != tdt:
            z = ew.convert_element_type(z, tdt)
        return st_.reshape(z, target.shape)

    z0 = np.asarray(project(y0))
    base = np.asarray(target)
    probe = np.asarray(project(core.asarray(np.asarray(t_y))))
    scale = scale / max(1.0, float(np.max(np.abs(probe), initial=0.0)))
    t_next = np.asarray((scale * probe).astype(tdt))

    def connect(y: Array) -> Array:
        out = jnp.asarray(base) + jnp.asarray(np.asarray(scale).astype(tdt)) * (project(y) - z0)
        return out if out.dtype == tdt else ew.convert_element_type(out, tdt)

    return connect, t_next


@dataclass(frozen=True)
class Chain:
    stages: tuple[Stage, ...]
    connectors: tuple[Connector, ...]  # connectors[k] feeds stage k + 1
    fd: bool

    def __call__(self, x: Array) -> tuple[Array, ...]:
        outs = self.stages[0].fn(x)
        for conn, stage in zip(self.connectors, self.stages[1:], strict=True):
            outs = stage.fn(conn(outs[0] if outs else None))
        return outs


def make_chain(d: ChainDraw) -> Chain:
    rng = np.random.default_rng(sum(s.seed for s in d.stages) + 9)
    examples = [build(s) for s in d.stages]
    views = [view(ex) for ex in examples]
    last = len(views) - 1
    stages: list[Stage] = []
    for k, v in enumerate(views):
        n_out = len(v.out)
        outputs = list(range(n_out)) if k == last else ([d.picks[k] % n_out] if n_out else [])
        stages.append(_stage(v, d.threads[k], outputs))
    connectors = []
    # A probe direction of unit size entries, pushed through the chain to set the scales.
    t = np.sign(random_like(rng, stages[0].base)).astype(stages[0].base.dtype)
    for k in range(last):
        outs, t_outs = ad.jvp(stages[k].fn, (stages[k].base,), (t,))
        conn, t = _connector(outs[0] if outs else None, t_outs[0] if outs else None,
                             stages[k + 1].base, rng)  # fmt: skip
        connectors.append(conn)
    return Chain(tuple(stages), tuple(connectors), all(ex.fd for ex in examples))


@pytest.mark.slow
@law_test("chain_rule")
# pad threaded through its padding value: its transpose ignored a constant operand.
@example(data=Replay(ChainDraw(
    prim="pad",
    stages=(Spec(prim="atan", variant="unary", dtype="float64", shapes=((),), params=(), seed=0),
            Spec(prim="pad", variant="case:pad", dtype="float64", shapes=(), params=(), seed=0)),
    threads=(0, 1), picks=(0, 0))))  # fmt: skip
# polygamma's large higher derivatives near 0, fed on through the connectors, broke finite
# differences until the connectors shrank large stage derivatives.
@example(data=Replay(ChainDraw(
    prim="log",
    stages=(Spec(prim="log", variant="case:log_0d", dtype="float64", shapes=(), params=(), seed=0),
            *[Spec(prim="polygamma", variant="case:polygamma", dtype="float64", shapes=(),
                   params=(), seed=0)] * 3),
    threads=(0, 0, 0, 0), picks=(0, 0, 0, 0))))  # fmt: skip
@example(data=Replay(ChainDraw(
    prim="div",
    stages=(Spec(prim="polygamma", variant="case:polygamma", dtype="float64", shapes=(),
                 params=(), seed=112),
            Spec(prim="div", variant="nary", dtype="float64", shapes=((), ()), params=(),
                 seed=0)),
    threads=(0, 1), picks=(0, 0))))  # fmt: skip
@example(data=Replay(ChainDraw(
    prim="abs",
    stages=(Spec(prim="polygamma", variant="case:polygamma", dtype="float64", shapes=(),
                 params=(), seed=0),
            Spec(prim="abs", variant="case:abs_0d", dtype="complex128", shapes=(), params=(),
                 seed=241)),
    threads=(0, 0), picks=(0, 0))))  # fmt: skip
# A float32 intermediate (convert to float32) sets the finite-difference tolerance.
@example(data=Replay(ChainDraw(
    prim="digamma",
    stages=(Spec(prim="convert_element_type", variant="case:convert_f64_f32", dtype="float64",
                 shapes=(), params=(), seed=0),
            Spec(prim="digamma", variant="unary", dtype="float64", shapes=((),), params=(),
                 seed=0)),
    threads=(0, 0), picks=(0, 0))))  # fmt: skip
def test_chain_rule_on_random_compositions(prim: str, data: Any) -> None:
    with x64():
        d = draw(data, prim, chain_draws(prim))
        chain = make_chain(d)
        x = chain.stages[0].base
        out = chain(x)
        rng = np.random.default_rng(d.stages[0].seed + 10)
        # Tolerances follow the least precise value anywhere in the chain.
        leaves: list[Any] = [x, *out]
        for s in chain.stages:
            leaves += [s.base, *s.fn(s.base)]
        eps = eps_of(leaves)
        low = least_precise(leaves)

        if chain.fd:
            tol = default_tolerance(low)
            check_jvp(chain, lambda p, t: ad.jvp(chain, p, t), [x], atol=tol, rtol=tol,
                      eps=default_eps(low), err_msg=repr(d), seed=d.stages[0].seed)  # fmt: skip

        # Forward: the composite tangent is the stages' tangents applied in turn.
        v = random_like(rng, x)
        _, t_total = ad.jvp(chain, (x,), (v,))
        y, t = chain.stages[0].fn(x), ad.jvp(chain.stages[0].fn, (x,), (v,))[1]
        for conn, stage in zip(chain.connectors, chain.stages[1:], strict=True):
            y_prev, t_prev = (y[0], t[0]) if y else (None, None)
            if y_prev is None:
                op, t_op = conn(None), np.zeros_like(np.asarray(stage.base))
            else:
                op, t_op = ad.jvp(conn, (y_prev,), (t_prev,))
            y, t = ad.jvp(stage.fn, (op,), (t_op,))
        assert_trees_close(tuple(t_total), tuple(t), factor=100, eps=eps,
                           what=f"{d!r}: forward chain rule")  # fmt: skip

        # Reverse: the composite cotangent is the stages' pullbacks applied in reverse.
        u = tuple(random_like(rng, o) for o in out)
        (ct_total,) = ad.vjp(chain, x)[1](u)
        ops = [x]
        ys: list[Array | None] = []
        for k, stage in enumerate(chain.stages):
            outs = stage.fn(ops[-1])
            if k < len(chain.connectors):
                ys.append(outs[0] if outs else None)
                ops.append(chain.connectors[k](ys[-1]))
        ct: Any = u
        for k in range(len(chain.stages) - 1, -1, -1):
            (ct_op,) = ad.vjp(chain.stages[k].fn, ops[k])[1](ct)
            if k == 0:
                ct = ct_op
                break
            y_prev = ys[k - 1]
            if y_prev is None:  # the chain was cut (no inexact output): nothing flows back
                ct = np.zeros(x.shape, x.dtype)
                break
            ct = ad.vjp(chain.connectors[k - 1], y_prev)[1](ct_op)
        assert_trees_close((ct_total,), (ct,), factor=100, eps=eps,
                           what=f"{d!r}: reverse chain rule")  # fmt: skip

        # The composite VJP is the transpose of the composite JVP.
        lhs, s1 = pairing(t_total, u)
        rhs, s2 = pairing([v], [ct_total])
        assert abs(lhs.real - rhs.real) <= 100 * eps * (s1 + s2 + 1.0), (
            f"{d!r}: <J v, u> = {lhs} but <v, J^T u> = {rhs}"
        )
