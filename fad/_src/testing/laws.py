"""The algebraic laws of fad's transformations, each a check of one function at one point.

Every law takes a ``Subject`` (the function, its arguments
and the arguments it varies) and a ``Context`` (the seed of its random directions,
tolerance overrides, extra argument tuples for the batching laws) and raises a
``LawError`` naming itself when it does not hold.
``LAWS`` lists them; ``fad.testing.check_laws`` runs them.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from fad._src import api, core, dtypes, jit
from fad._src import tree_util as tu
from fad._src.core import Array
from fad._src.numpy import reductions, ufuncs
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st_

from .edge import with_edges
from .numerics import (
    LawError,
    NDArray,
    Tolerance,
    assert_close,
    dtype_of,
    eps_of,
    fd_step,
    fd_tolerance,
    inexact,
    least_precise,
    pairing,
    random_like,
)
from .subject import Subject, as_array, cast_like

# The laws drive fad's transformations on functions and operand lists assembled at run
# time, which the precise static signatures of the public API (fad._src.typing) cannot
# describe: they call it through this untyped handle (the one seam of this package).
ad: Any = api
jit_: Any = jit.jit

# Unit roundoffs the two sides of an identity may differ by, per law. XLA's and numpy's
# transcendental functions and LAPACK paths differ by some ulps (the jit laws); second
# derivatives accumulate more rounding than first ones.
FACTORS: dict[str, float] = {
    "jvp_linear": 200.0, "transpose_adjoint": 100.0, "vjp_transpose": 50.0,
    "grad_vjp_one": 10.0, "vmap_loop": 100.0, "jit_eager": 2000.0, "jit_edge": 2000.0,
    "vmap_jvp": 100.0, "jit_grad": 2000.0, "vmap_grad": 100.0, "hessian_symmetric": 1000.0,
    "hvp_modes": 1000.0,
    # A custom rule and AD of its primal compute the same derivative by other formulas.
    "custom_vs_ad": 1000.0,
}  # fmt: skip


@dataclass(frozen=True)
class Context:
    """What a law may choose: ``seed`` fixes its random directions and axes; ``rtol``/``atol``
    override its default tolerance; ``holomorphic`` says the tangent map is complex-linear;
    ``batch`` holds argument tuples for the batching laws; ``edge_rounds`` is how many
    edge-value variants of the arguments the edge law tries."""

    seed: int = 0
    rtol: float | None = None
    atol: float | None = None
    holomorphic: bool = False
    batch: tuple[tuple[Any, ...], ...] | None = None
    edge_rounds: int = 4

    def rng(self, salt: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, salt])

    def tol(self, law: str, leaves: Sequence[Any]) -> Tolerance:
        return Tolerance.of(FACTORS[law], leaves, self.rtol, self.atol)

    def batch_for(self, s: Subject) -> list[tuple[Any, ...]]:
        """The batch elements: ``batch`` if given, else two copies of the arguments with
        every inexact element scaled by ``1 + 0.01 N(0, 1)`` (sign and zeros kept, so a
        positive domain stays positive)."""
        if self.batch is not None:
            return [tuple(b) for b in self.batch]
        rng = self.rng(100)

        def perturb(x: Any) -> Any:
            a = as_array(x)
            if not inexact(a):
                return a
            v = np.asarray(a)
            noise = 1 + 0.01 * rng.standard_normal(v.shape)
            return cast_like(v * noise, a)

        return [tuple(tu.tree_map(perturb, a) for a in s.args) for _ in range(2)]


Check = Callable[[Subject, Context], None]


@dataclass(frozen=True)
class Law:
    """A law: its key, what it states, whether it differentiates (then a failure is traced
    to the argument it fails in) and whether it needs an inexact leaf to vary."""

    key: str
    title: str
    differentiable: bool
    check: Check
    needs_inexact: bool = True


def _quiet(f: Callable[[], Any]) -> Any:
    """Run ``f`` without numpy's floating-point warnings (edge values overflow on purpose)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return f()


# ---------------------------------------------------------------------------
# Forward mode
# ---------------------------------------------------------------------------


def jvp_fd(s: Subject, c: Context) -> None:
    """``jvp(f, x, v)`` equals ``(f(x + h v) - f(x - h v)) / 2h`` elementwise; integer
    outputs get float0 tangents."""
    rng = c.rng(1)
    xs = s.xs
    ts = [random_like(rng, x) for x in xs]
    _, tangents = ad.jvp(s.fn, xs, ts)
    low = least_precise([*xs, *s.out])
    step = fd_step(low)
    default = fd_tolerance(low)
    tol = Tolerance(default if c.rtol is None else c.rtol, default if c.atol is None else c.atol)
    hi = s.fn(*(cast_like(np.asarray(x) + step * t, x) for x, t in zip(xs, ts, strict=True)))
    lo = s.fn(*(cast_like(np.asarray(x) - step * t, x) for x, t in zip(xs, ts, strict=True)))
    for k, (o, t) in enumerate(zip(s.out, tangents, strict=True)):
        what = f"{s.out_name(k)}: jvp along a random tangent vs central differences (step {step:g})"
        if not inexact(o):
            if dtype_of(t) != dtypes.float0:
                raise LawError("jvp_fd", f"{what}: integer output has a {dtype_of(t)} tangent, "
                                         "expected float0")  # fmt: skip
            continue
        if dtype_of(t) != dtype_of(o):
            raise LawError("jvp_fd", f"{what}: tangent dtype {dtype_of(t)} != {dtype_of(o)}")
        wide = np.complex128 if dtypes.is_complex(dtype_of(o)) else np.float64
        fd = (np.asarray(hi[k]).astype(wide) - np.asarray(lo[k]).astype(wide)) / (2 * step)
        assert_close(np.asarray(t).astype(wide), fd, tol, law="jvp_fd", what=what,
                     elementwise=True)  # fmt: skip


def jvp_linear(s: Subject, c: Context) -> None:
    """``jvp(a u + b v) = a jvp(u) + b jvp(v)``: complex ``a, b`` where the map is
    complex-linear (``holomorphic``), real ones otherwise."""
    rng = c.rng(2)
    xs = s.xs
    complex_ok = c.holomorphic and all(np.iscomplexobj(np.zeros((), dtype_of(x))) for x in xs)
    a, b = rng.uniform(-2, 2, 2) + (1j * rng.uniform(-2, 2, 2) if complex_ok else 0)
    t1 = [random_like(rng, x) for x in xs]
    t2 = [random_like(rng, x) for x in xs]
    mix = [np.asarray((a * p + b * q).astype(p.dtype)) for p, q in zip(t1, t2, strict=True)]
    _, j1 = ad.jvp(s.fn, xs, t1)
    _, j2 = ad.jvp(s.fn, xs, t2)
    _, j3 = ad.jvp(s.fn, xs, mix)
    tol = c.tol("jvp_linear", [*xs, *s.out])
    for k, (o, y1, y2, y3) in enumerate(zip(s.out, j1, j2, j3, strict=True)):
        what = f"{s.out_name(k)}: jvp(a u + b v) vs a jvp(u) + b jvp(v), a={a:.3g}, b={b:.3g}"
        if dtype_of(y3) == dtypes.float0:
            if not dtype_of(y1) == dtype_of(y2) == dtypes.float0:
                raise LawError("jvp_linear", f"{what}: float0 and non-float0 tangents mixed")
            continue
        p1, p2 = np.asarray(y1, np.complex128), np.asarray(y2, np.complex128)
        mixed = a * p1 + b * p2
        odt = dtype_of(o)
        want = (mixed if dtypes.is_complex(odt) else mixed.real).astype(odt)
        scale = float(np.max(np.abs(a * p1) + np.abs(b * p2), initial=0.0))
        assert_close(y3, want, tol, law="jvp_linear", what=what, scale=scale)


# ---------------------------------------------------------------------------
# Reverse mode
# ---------------------------------------------------------------------------


def transpose_adjoint(s: Subject, c: Context) -> None:
    """``<L v, u> = <v, L^T u>`` for ``L = linearize(f, x)``, ``L^T = linear_transpose(L)``,
    under the bilinear pairing ``sum(a * b)``: its real part always, all of it where ``L`` is
    complex-linear between complex spaces."""
    rng = c.rng(3)
    fn, xs = s.inexact_fn(), s.xs
    out, f_lin = ad.linearize(fn, *xs)
    tangents = [random_like(rng, x) for x in xs]
    lv = f_lin(*tangents)
    cts = tuple(random_like(rng, o) for o in out)
    ltu = ad.linear_transpose(f_lin, *xs)(cts)
    for k, (x, ct) in enumerate(zip(xs, ltu, strict=True)):
        if (tuple(np.shape(ct)), dtype_of(ct)) != (tuple(x.shape), dtype_of(x)):
            raise LawError("transpose_adjoint", f"{s.name(k)}: the transpose gives a "
                           f"{dtype_of(ct)}{list(np.shape(ct))} cotangent for a "
                           f"{dtype_of(x)}{list(x.shape)} argument")  # fmt: skip
    lhs, s1 = pairing(lv, cts)
    rhs, s2 = pairing(tangents, ltu)
    e = FACTORS["transpose_adjoint"] * eps_of([*xs, *out])
    bound = (e if c.atol is None else c.atol) + (e if c.rtol is None else c.rtol) * (s1 + s2)
    msg = f"<L v, u> = {lhs:.6g} but <v, L^T u> = {rhs:.6g} (bound {bound:.3g})"
    holo = c.holomorphic and all(np.iscomplexobj(np.zeros((), dtype_of(x))) for x in (*xs, *out))
    if abs(lhs.real - rhs.real) > bound or (holo and abs(lhs - rhs) > bound):
        raise LawError("transpose_adjoint", msg)


def vjp_transpose(s: Subject, c: Context) -> None:
    """``vjp(f, x)[1](u) = linear_transpose(linearize(f, x)[1])(u)``."""
    rng = c.rng(4)
    fn, xs = s.inexact_fn(), s.xs
    out, pullback = ad.vjp(fn, *xs)
    _, f_lin = ad.linearize(fn, *xs)
    cts = tuple(random_like(rng, o) for o in out)
    got = pullback(cts)
    want = ad.linear_transpose(f_lin, *xs)(cts)
    _trees_close(s, tuple(got), tuple(want), c.tol("vjp_transpose", [*xs, *out]),
                 "vjp_transpose", "vjp vs transpose of linearize")  # fmt: skip


def scalarize(s: Subject, rng: np.random.Generator) -> Callable[..., Array]:
    """``h(*xs) = sum_k Re(sum(w_k * out_k))``: a real scalar function of the varied leaves
    with fixed random weights (integer outputs enter through a float conversion, so they
    contribute nothing to derivatives)."""
    weights = [random_like(rng, o) if inexact(o) else rng.standard_normal(o.shape)
               for o in s.out]  # fmt: skip
    fn = s.fn

    def h(*xs: Array) -> Array:
        total: Array | None = None
        for o, w in zip(fn(*xs), weights, strict=True):
            if not inexact(o):
                o = ew.convert_element_type(o, np.dtype(np.float32))
            wd = core.asarray(w.astype(np.result_type(dtype_of(o), w.dtype)))
            term = reductions.sum(ufuncs.real(o * wd))
            total = term if total is None else total + term
        return reductions.sum(core.asarray(np.zeros((), np.float32))) if total is None else total

    return h


def grad_vjp_one(s: Subject, c: Context) -> None:
    """For a real scalar ``h``, ``grad(h)(x) = vjp(h, x)[1](1)``."""
    h = scalarize(s, c.rng(5))
    xs = s.xs
    value, g = ad.value_and_grad(h, argnums=tuple(range(len(xs))))(*xs)
    out, pullback = ad.vjp(h, *xs)
    if np.shape(value) != () or dtypes.is_complex(dtype_of(value)):
        raise LawError("grad_vjp_one", f"grad's value has shape {np.shape(value)}, dtype "
                                       f"{dtype_of(value)}: expected a real scalar")  # fmt: skip
    want = pullback(np.ones((), dtype_of(out)))
    tol = c.tol("grad_vjp_one", [*xs, value])
    assert_close(value, out, tol, law="grad_vjp_one", what="value_and_grad's value vs vjp's")
    _trees_close(s, tuple(g), tuple(want), tol, "grad_vjp_one", "grad vs vjp of 1")


def _trees_close(s: Subject, got: tuple[Any, ...], want: tuple[Any, ...], tol: Tolerance,
                 law: str, what: str) -> None:  # fmt: skip
    """One cotangent per varied leaf; compared relative to the largest of them."""
    if len(got) != len(want):
        raise LawError(law, f"{what}: {len(got)} results, expected {len(want)}")
    scale = max((float(np.max(np.abs(np.asarray(w, np.complex128)), initial=0.0))
                 for w in want if inexact(w)), default=0.0)  # fmt: skip
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        assert_close(g, w, tol, law=law, what=f"{what}, {s.name(k)}", scale=scale)


# ---------------------------------------------------------------------------
# Batching
# ---------------------------------------------------------------------------


def _stack(xs: Sequence[Any], axis: int) -> NDArray:
    return np.stack([np.asarray(x) for x in xs], axis=axis)


def _axis(raw: int, ndim: int) -> int:
    """``raw`` as an axis of a rank-``ndim`` array, keeping its sign."""
    ax = raw % ndim
    return ax - ndim if raw < 0 else ax


def vmap_loop(s: Subject, c: Context) -> None:
    """``vmap(f, in_axes, out_axes)`` equals a Python loop over the batch, for random
    ``in_axes`` (None: unmapped) and ``out_axes``."""
    rng = c.rng(6)
    elems = c.batch_for(s)
    n = len(s.args)
    in_axes: list[int | None] = []
    for i in range(n):
        ranks = [x.ndim for x in s.leaves[i] if isinstance(x, Array)]
        raw = int(rng.integers(-4, 5))
        mapped = bool(rng.random() < 0.75) and 0 < len(ranks) == len(s.leaves[i])
        in_axes.append(_axis(raw, min(ranks) + 1) if mapped else None)
    if n and all(a is None for a in in_axes):
        in_axes[0] = 0
    flat = [[tu.tree_flatten(e[i])[0] for i in range(n)] for e in elems]

    def element(k: int) -> list[Any]:
        return [s.args[i] if in_axes[i] is None else elems[k][i] for i in range(n)]

    batched = []
    for i, ax in enumerate(in_axes):
        if ax is None:
            batched.append(s.args[i])
        else:
            leaves = [as_array(_stack([f[i][j] for f in flat], ax))
                      for j in range(len(s.leaves[i]))]  # fmt: skip
            batched.append(tu.tree_unflatten(s.trees[i], leaves))
    loop = [tu.tree_leaves(s.f(*element(k))) for k in range(len(elems))]
    out_axes = [_axis(int(rng.integers(-4, 5)), np.ndim(o) + 1) for o in loop[0]]
    out_tree = tu.tree_structure(s.f(*element(0)))
    vm = ad.vmap(s.f, in_axes=tuple(in_axes), out_axes=tu.tree_unflatten(out_tree, out_axes),
                 axis_size=None if n else len(elems))  # fmt: skip
    got = tu.tree_leaves(vm(*batched))
    if len(got) != len(loop[0]):
        raise LawError("vmap_loop", f"{len(got)} outputs, the loop gives {len(loop[0])}")
    tol = c.tol("vmap_loop", [*tu.tree_leaves(batched), *loop[0]])
    for j, (g, ax) in enumerate(zip(got, out_axes, strict=True)):
        want = _stack([leaves[j] for leaves in loop], ax)
        assert_close(g, want, tol, law="vmap_loop",
                     what=f"{s.out_name(j)}, in_axes={in_axes}, out_axes={out_axes}")  # fmt: skip


def _batched_xs(s: Subject, c: Context) -> tuple[list[tuple[Array, ...]], tuple[NDArray, ...]]:
    """Per batch element its varied leaves, and them stacked along a leading axis."""
    per = [s.xs_at(e) for e in c.batch_for(s)]
    return per, tuple(_stack([p[k] for p in per], 0) for k in range(len(s.slots)))


def vmap_jvp(s: Subject, c: Context) -> None:
    """``vmap(jvp(f)) = jvp(vmap(f))``."""
    fn = s.inexact_fn()
    _, xs = _batched_xs(s, c)
    rng = c.rng(7)
    ts = tuple(random_like(rng, x) for x in xs)
    lhs = ad.vmap(lambda p, t: ad.jvp(fn, p, t))(xs, ts)
    rhs = ad.jvp(ad.vmap(fn), xs, ts)
    tol = c.tol("vmap_jvp", [*xs, *s.out])
    for name, a, b in (("primal", lhs[0], rhs[0]), ("tangent", lhs[1], rhs[1])):
        for k, (g, w) in enumerate(zip(a, b, strict=True)):
            assert_close(g, w, tol, law="vmap_jvp", what=f"{name} of inexact output {k}")


def jit_grad(s: Subject, c: Context) -> None:
    """``jit(grad(h)) = grad(jit(h))`` for the real scalar ``h`` made from ``f``."""
    h = scalarize(s, c.rng(8))
    xs = s.xs
    argnums = tuple(range(len(xs)))
    lhs = jit_(ad.grad(h, argnums))(*xs)
    rhs = ad.grad(jit_(h), argnums)(*xs)
    _trees_close(s, tuple(lhs), tuple(rhs), c.tol("jit_grad", xs), "jit_grad",
                 "jit(grad) vs grad(jit)")  # fmt: skip


def vmap_grad(s: Subject, c: Context) -> None:
    """``vmap(grad(h))`` equals the per-example gradients."""
    per, xs = _batched_xs(s, c)
    g = ad.grad(scalarize(s, c.rng(9)), argnums=tuple(range(len(xs))))
    lhs = ad.vmap(g)(*xs)
    each = [g(*p) for p in per]
    rhs = tuple(_stack([e[k] for e in each], 0) for k in range(len(xs)))
    _trees_close(s, tuple(lhs), rhs, c.tol("vmap_grad", xs), "vmap_grad",
                 "vmap(grad) vs per-example grad")  # fmt: skip


# ---------------------------------------------------------------------------
# Staging
# ---------------------------------------------------------------------------


def _outputs_agree(law: str, got: Any, want: Any, tol: Tolerance, edge: bool,
                   where: str) -> None:  # fmt: skip
    g_leaves, g_tree = tu.tree_flatten(got)
    w_leaves, w_tree = tu.tree_flatten(want)
    if g_tree != w_tree:
        raise LawError(law, f"{where}output structure {g_tree} != {w_tree}")
    for k, (g, w) in enumerate(zip(g_leaves, w_leaves, strict=True)):
        g, w = as_array(g), as_array(w)
        what = f"{where}{'the output' if len(w_leaves) == 1 else f'output leaf {k}'}"
        if g.weak_type != w.weak_type:
            raise LawError(law, f"{what}: weak type {g.weak_type} under jit, {w.weak_type} eager")
        assert_close(g, w, tol, law=law, what=what, elementwise=edge)


def jit_eager(s: Subject, c: Context) -> None:
    """``jit(f)(x)`` equals ``f(x)``: the same output structure, shapes, dtypes and weak
    types, and values (close for inexact ones)."""
    want = s.f(*s.args)
    got = s.compiled(*s.args)
    tol = c.tol("jit_eager", tu.tree_leaves(want))
    _outputs_agree("jit_eager", got, want, tol, False, "")


def jit_edge(s: Subject, c: Context) -> None:
    """``jit(f)`` equals ``f`` where the varied arguments hold edge values (signed zeros,
    infinities, NaN, subnormals, extremes, integer minimum and maximum, zero divisors):
    NaN where eager gives NaN, the same infinities, equal integers, and inexact values
    within ``rtol`` element by element."""
    rng = c.rng(10)
    compiled = s.compiled
    for r in range(c.edge_rounds):
        leaves = [list(ls) for ls in s.leaves]
        for i in sorted(set(s.argnums)):
            leaves[i] = [with_edges(x, rng) for x in leaves[i]]
        args = [tu.tree_unflatten(t, ls) for t, ls in zip(s.trees, leaves, strict=True)]
        shown = ", ".join(repr(np.asarray(x).tolist()) for i in sorted(set(s.argnums))
                          for x in leaves[i])  # fmt: skip
        where = f"at edge values ({shown}): "
        try:
            want = _quiet(functools.partial(s.f, *args))
        except Exception as e:
            try:
                _quiet(functools.partial(compiled, *args))
            except Exception:
                continue  # both refuse these values: they agree
            raise LawError("jit_edge", f"{where}eager raised {type(e).__name__}: {e}; jit "
                                       "returned a value") from e  # fmt: skip
        got = _quiet(functools.partial(compiled, *args))
        tol = c.tol("jit_edge", tu.tree_leaves(want))
        _outputs_agree("jit_edge", got, want, tol, True, f"round {r} {where}")


# ---------------------------------------------------------------------------
# Second order
# ---------------------------------------------------------------------------


def realified(s: Subject, rng: np.random.Generator) -> tuple[Callable[[Array], Array], Array]:
    """``(h, z0)``: the scalar function (``scalarize``) of one real vector ``z`` holding
    every varied leaf's entries (real and imaginary parts of complex ones), and ``z`` at the
    arguments: complex functions are covered through their realification."""
    xs = s.xs
    real_dts = [np.dtype(dtypes.real_dtype(x.dtype)) if dtypes.is_complex(x.dtype) else x.dtype
                for x in xs]  # fmt: skip
    zdt = np.result_type(*real_dts)
    parts = []
    for x in xs:
        a = np.asarray(x).ravel()
        parts += [a.real, a.imag] if np.iscomplexobj(a) else [a]
    z0 = core.asarray(np.concatenate(parts).astype(zdt))
    g = scalarize(s, rng)

    def piece(z: Array, start: int, n: int, dt: np.dtype[Any]) -> Array:
        p = st_.slice_(z, (start,), (start + n,))
        return p if p.dtype == dt else ew.convert_element_type(p, dt)

    def h(z: Array) -> Array:
        ys, off = [], 0
        for x, rdt in zip(xs, real_dts, strict=True):
            n = int(np.prod(x.shape, dtype=np.int64))
            if dtypes.is_complex(x.dtype):
                flat = ew.complex_(piece(z, off, n, rdt), piece(z, off + n, n, rdt))
                off += 2 * n
            else:
                flat = piece(z, off, n, rdt)
                off += n
            ys.append(st_.reshape(flat, x.shape))
        return g(*ys)

    return h, z0


def hessian_symmetric(s: Subject, c: Context) -> None:
    """The Hessian of a real scalar function is symmetric (and finite)."""
    h, z0 = realified(s, c.rng(11))
    hess = np.asarray(ad.hessian(h)(z0))
    n = z0.shape[0]
    if hess.shape != (n, n) or not np.all(np.isfinite(hess)):
        raise LawError(
            "hessian_symmetric",
            f"Hessian of shape {hess.shape} (expected {(n, n)}), finite: {np.isfinite(hess).all()}",
        )
    tol = c.tol("hessian_symmetric", [z0, h(z0)])
    assert_close(hess, hess.T, tol, law="hessian_symmetric", what="H vs H^T")


@dataclass(frozen=True)
class _Hvp:
    """What the two HVP laws share (computed once per check): the scalar function ``h`` of
    ``z``, the point, the direction, the gradient function and the fwd-over-rev HVP."""

    h: Callable[[Array], Array]
    z0: Array
    vec: Array
    grad_h: Callable[[Array], Array]
    fwd_rev: Array
    h0: Array


def _hvp(s: Subject, c: Context) -> _Hvp:
    key = ("hvp", c.seed)
    if key not in s.memo:
        h, z0 = realified(s, c.rng(11))
        vec = core.asarray(c.rng(12).standard_normal(z0.shape).astype(z0.dtype))
        grad_h = ad.grad(h)
        s.memo[key] = _Hvp(h, z0, vec, grad_h, ad.jvp(grad_h, (z0,), (vec,))[1], h(z0))
    out: _Hvp = s.memo[key]
    return out


def hvp_modes(s: Subject, c: Context) -> None:
    """Hessian-vector products by forward-over-reverse, reverse-over-forward and
    reverse-over-reverse all equal ``hessian(h) @ v``."""
    p = _hvp(s, c)
    h, z0, vec, grad_h, fwd_rev = p.h, p.z0, p.vec, p.grad_h, p.fwd_rev
    rev_fwd = ad.grad(lambda z: ad.jvp(h, (z,), (vec,))[1])(z0)
    rev_rev = ad.grad(lambda z: reductions.sum(grad_h(z) * vec))(z0)
    hv = np.asarray(ad.hessian(h)(z0)) @ np.asarray(vec)
    tol = c.tol("hvp_modes", [z0, p.h0])
    scale = float(np.max(np.abs(hv), initial=0.0))
    for name, got in (("fwd-over-rev", fwd_rev), ("rev-over-fwd", rev_fwd),
                      ("rev-over-rev", rev_rev)):  # fmt: skip
        assert_close(got, hv.astype(z0.dtype), tol, law="hvp_modes", scale=scale,
                     what=f"{name} HVP vs hessian @ v")  # fmt: skip


def hvp_fd(s: Subject, c: Context) -> None:
    """The forward-over-reverse HVP equals central differences of the gradient."""
    p = _hvp(s, c)
    z0, vec, grad_h, fwd_rev = p.z0, p.vec, p.grad_h, p.fwd_rev
    low = least_precise([z0, p.h0])
    step = fd_step(low)
    z, dz = np.asarray(z0), np.asarray(vec)
    g_hi = np.asarray(grad_h(core.asarray((z + step * dz).astype(z.dtype))))
    g_lo = np.asarray(grad_h(core.asarray((z - step * dz).astype(z.dtype))))
    fd = (g_hi.astype(np.float64) - g_lo.astype(np.float64)) / (2 * step)
    default = fd_tolerance(low)
    tol = Tolerance(default if c.rtol is None else c.rtol, default if c.atol is None else c.atol)
    assert_close(np.asarray(fwd_rev, np.float64), fd, tol, law="hvp_fd", elementwise=True,
                 what="fwd-over-rev HVP vs central differences of the gradient")  # fmt: skip


LAWS: dict[str, Law] = {law.key: law for law in [
    Law("jvp_fd", "jvp agrees with central finite differences", True, jvp_fd, False),
    Law("jvp_linear", "jvp is linear in the tangent", True, jvp_linear),
    Law("transpose_adjoint", "transpose of the linearized map is its adjoint", True,
        transpose_adjoint),
    Law("vjp_transpose", "vjp = transpose o linearize", True, vjp_transpose),
    Law("grad_vjp_one", "grad of a scalar = vjp of 1", True, grad_vjp_one),
    Law("vmap_loop", "vmap = loop over the batch (random in_axes/out_axes)", False, vmap_loop,
        False),
    Law("jit_eager", "jit = eager evaluation", False, jit_eager, False),
    Law("jit_edge", "jit = eager evaluation on edge values (+-0, +-inf, NaN, extremes, "
                    "integer min/max, out-of-range casts, division by zero)", False, jit_edge,
        False),
    Law("vmap_jvp", "vmap o jvp = jvp o vmap", True, vmap_jvp),
    Law("jit_grad", "jit o grad = grad o jit", True, jit_grad),
    Law("vmap_grad", "vmap o grad = per-example grad", True, vmap_grad),
    Law("hessian_symmetric", "hessian of a real scalar function is symmetric", True,
        hessian_symmetric),
    Law("hvp_modes", "fwd-over-rev = rev-over-fwd = rev-over-rev HVP", True, hvp_modes),
    Law("hvp_fd", "HVP agrees with central differences of the gradient", True, hvp_fd),
]}  # fmt: skip
