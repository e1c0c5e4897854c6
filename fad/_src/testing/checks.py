"""The user-facing checks: ``check_laws`` runs the laws on a function at a point,
``check_custom_jvp``/``check_custom_vjp`` hold a custom rule to its primal, and
``check_handler`` holds a forwarding handler to the identity."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVarTuple

import numpy as np

from fad._src import core, dtypes
from fad._src import tree_util as tu
from fad._src.custom_derivatives import custom_jvp, custom_vjp

from .laws import FACTORS, LAWS, Context, ad, jit_
from .numerics import (
    LawError,
    Tolerance,
    assert_close,
    dtype_of,
    fd_step,
    fd_tolerance,
    inexact,
    least_precise,
    pairing,
    random_like,
)
from .subject import Subject, as_array, cast_like

Ts = TypeVarTuple("Ts")


def _selected(laws: Iterable[str] | str | None, s: Subject) -> list[str]:
    if isinstance(laws, str):
        laws = (laws,)
    if laws is None:
        return [k for k, law in LAWS.items() if s.slots or not law.needs_inexact]
    keys = list(laws)
    for k in keys:
        if k not in LAWS:
            raise ValueError(f"laws: unknown law {k!r}; the laws are {', '.join(LAWS)}")
        if LAWS[k].needs_inexact and not s.slots:
            raise ValueError(f"laws: {k!r} differentiates, but no argument in argnums has an "
                             "inexact (floating or complex) leaf")  # fmt: skip
    return keys


def _run(key: str, s: Subject, c: Context) -> None:
    """Run one law; when a derivative law fails in several arguments at once, find the
    first argument it fails in alone and name it."""
    law = LAWS[key]
    try:
        law.check(s, c)
    except LawError as e:
        varied = sorted({i for i, _ in s.slots})
        if not law.differentiable or len(varied) < 2:
            raise
        for i in varied:
            try:
                law.check(s.only(i), c)
            except LawError as inner:
                raise LawError(key, f"in argument {i} (the others held fixed): "
                                    f"{inner.detail}") from e  # fmt: skip
        raise


def check_laws(
    f: Callable[[*Ts], Any],
    *args: *Ts,
    laws: Iterable[str] | str | None = None,
    argnums: Sequence[int] | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    seed: int = 0,
    holomorphic: bool = False,
    batch: Sequence[tuple[*Ts]] | None = None,
) -> None:
    """Check the algebraic laws of fad's transformations on ``f`` at ``args``.

    Args:
        f: The function: positional arguments that are pytrees of arrays (or numbers),
            a pytree of arrays out.
        *args: Where to check it.
        laws: The keys of the laws to check (see ``LAWS``); by default every law
            that applies (the derivative laws need an inexact leaf in ``argnums``).
        argnums: The arguments the laws vary (default: all); the inexact leaves of those
            are differentiated, integer and bool leaves are held fixed. The edge-value law
            puts edge values into these arguments only.
        rtol: Overrides every chosen law's relative tolerance.
        atol: Overrides every chosen law's absolute tolerance.
        seed: Seeds the random tangents, cotangents, weights, axes and edge values.
        holomorphic: ``f`` is complex-differentiable, so linearity and adjointness hold
            with complex scalars (else only over the reals).
        batch: Argument tuples like ``args``, stacked for the batching laws (default: two
            copies of ``args`` with each inexact element scaled by ``1 + 0.01 N(0, 1)``).

    Raises:
        AssertionError: A ``LawError`` naming the law, the argument (for derivative
            laws that fail in one argument alone) or output, and the worst mismatch.
        ValueError: An unknown law, or a derivative law and no inexact argument.

    The default tolerances come from the least precise inexact dtype involved (unit
    roundoff ``eps``): a law against central finite differences (``jvp_fd``, ``hvp_fd``)
    allows ``5e-3`` (float32) or ``1e-6`` (float64) relative and absolute error per
    element; the identities allow ``10`` to ``2000`` times ``eps`` relative to the largest
    compared value (more where XLA's kernels take part: the jit laws).

    Examples:
        >>> fad.testing.check_laws(jnp.sin, jnp.linspace(0.0, 1.0, 3), laws=["jvp_fd"])
    """
    s = Subject.of(f, args, argnums)
    c = Context(seed, rtol, atol, holomorphic,
                None if batch is None else tuple(tuple(b) for b in batch))  # fmt: skip
    for key in _selected(laws, s):
        _run(key, s, c)


# ---------------------------------------------------------------------------
# Custom rules
# ---------------------------------------------------------------------------


def _diff_argnums(n: int, nondiff: Sequence[int]) -> tuple[int, ...]:
    return tuple(i for i in range(n) if i not in set(nondiff))


def _against_primal_ad(law: str, got: Sequence[Any], want: Callable[[], Sequence[Any]],
                       tol: Tolerance, names: Callable[[int], str]) -> None:  # fmt: skip
    """The rule's results ``got`` against AD of the primal, where that is differentiable
    and finite (a custom rule often exists because the primal's own derivative is not)."""
    try:
        ref = list(want())
    except Exception:
        return
    leaves = [np.asarray(r) for r in ref if inexact(r)]
    if any(not np.all(np.isfinite(r)) for r in leaves):
        return
    scale = max((float(np.max(np.abs(r), initial=0.0)) for r in leaves), default=0.0)
    for k, (g, w) in enumerate(zip(got, ref, strict=True)):
        assert_close(g, w, tol, law=law, what=f"{names(k)}: the rule vs AD of the primal",
                     scale=scale)  # fmt: skip


def check_custom_jvp(
    f: custom_jvp[*Ts, Any],
    *args: *Ts,
    rtol: float | None = None,
    atol: float | None = None,
    seed: int = 0,
) -> None:
    """Check a ``fad.custom_jvp`` function's rule at ``args``.

    Laws: ``custom_primal`` (the rule's primal output is the function's),
    ``jvp_fd`` (the rule's tangent against central differences of the primal),
    ``custom_vs_ad`` (against fad's own JVP of the primal function, where that is
    defined and finite) and ``jvp_linear`` (the tangent is linear in the input tangent).
    Arguments in ``nondiff_argnums`` are held fixed.

    Args:
        f: The ``custom_jvp`` function, its rule defined.
        *args: Where to check it.
        rtol: Overrides the laws' relative tolerance.
        atol: Overrides the laws' absolute tolerance.
        seed: Seeds the random tangents.

    Raises:
        AssertionError: A ``LawError`` naming the law that fails.

    Examples:
        >>> @fad.custom_jvp
        ... def square(x):
        ...     return x * x
        >>> @square.defjvp
        ... def square_jvp(primals, tangents):
        ...     (x,), (t,) = primals, tangents
        ...     return x * x, 2.0 * x * t
        >>> fad.testing.check_custom_jvp(square, jnp.array([0.5, -1.0]))
    """
    if not isinstance(f, custom_jvp):
        raise TypeError(f"check_custom_jvp: expected a fad.custom_jvp function, "
                        f"got {type(f).__name__}")  # fmt: skip
    s = Subject.of(f, args, _diff_argnums(len(args), f.nondiff_argnums))
    c = Context(seed, rtol, atol)
    if not s.slots:
        raise ValueError("check_custom_jvp: no differentiable argument has an inexact leaf")
    rng = c.rng(20)
    ts = [random_like(rng, x) for x in s.xs]
    out, tangents = ad.jvp(s.fn, s.xs, ts)
    primal = Subject.of(f.fun, args, s.argnums)
    tol = Tolerance.of(FACTORS["grad_vjp_one"], [*s.xs, *out], rtol, atol)
    for k, (o, p) in enumerate(zip(out, primal.out, strict=True)):
        assert_close(o, p, tol, law="custom_primal", what=f"{s.out_name(k)}: the rule's "
                     "primal output vs the function's")  # fmt: skip
    _run("jvp_fd", s, c)
    ad_tol = Tolerance.of(FACTORS["custom_vs_ad"], [*s.xs, *out], rtol, atol)
    _against_primal_ad("custom_vs_ad", tangents, lambda: ad.jvp(primal.fn, primal.xs, ts)[1],
                       ad_tol, s.out_name)  # fmt: skip
    _run("jvp_linear", s, c)


def _call_fwd(f: custom_vjp[*Ts, Any], args: Sequence[Any]) -> tuple[Any, Any]:
    if f.fwd is None:
        raise ValueError("check_custom_vjp: the function has no rule: call defvjp first")
    got = f.fwd(*args)
    if not isinstance(got, tuple) or len(got) != 2:
        raise LawError("custom_residuals", "fwd must return a pair (output, residuals), got "
                                           f"{type(got).__name__}")  # fmt: skip
    return got[0], got[1]


def check_custom_vjp(
    f: custom_vjp[*Ts, Any],
    *args: *Ts,
    rtol: float | None = None,
    atol: float | None = None,
    seed: int = 0,
) -> None:
    """Check a ``fad.custom_vjp`` function's ``fwd``/``bwd`` pair at ``args``.

    Laws: ``custom_residuals`` (``fwd``'s output is the function's, its residuals are a
    pytree of arrays, and ``bwd`` returns one cotangent per differentiable argument with
    that argument's structure, shapes and dtypes, None meaning zero), ``vjp_fd``
    (``<u, J v>`` with ``J v`` from central differences of the primal equals
    ``<vjp(u), v>``), ``custom_vs_ad`` (against fad's own VJP of the primal function,
    where that is defined and finite) and ``vjp_linear`` (the cotangents are linear in
    the output cotangent).

    Args:
        f: The ``custom_vjp`` function, its ``fwd`` and ``bwd`` defined.
        *args: Where to check it.
        rtol: Overrides the laws' relative tolerance.
        atol: Overrides the laws' absolute tolerance.
        seed: Seeds the random tangents and cotangents.

    Raises:
        AssertionError: A ``LawError`` naming the law that fails.

    Examples:
        >>> @fad.custom_vjp
        ... def triple(x):
        ...     return 3.0 * x
        >>> triple.defvjp(lambda x: (3.0 * x, None), lambda res, ct: (3.0 * ct,))
        >>> fad.testing.check_custom_vjp(triple, jnp.ones(2))
    """
    if not isinstance(f, custom_vjp):
        raise TypeError(f"check_custom_vjp: expected a fad.custom_vjp function, "
                        f"got {type(f).__name__}")  # fmt: skip
    nondiff = tuple(f.nondiff_argnums)
    diff = _diff_argnums(len(args), nondiff)
    s = Subject.of(f, args, diff)
    if not s.slots:
        raise ValueError("check_custom_vjp: no differentiable argument has an inexact leaf")
    c = Context(seed, rtol, atol)
    rng = c.rng(30)
    tol = Tolerance.of(FACTORS["grad_vjp_one"], [*s.xs, *s.out], rtol, atol)

    # The residual contract, checked directly on fwd and bwd.
    primal = Subject.of(f.fun, args, diff)
    out, res = _call_fwd(f, args)
    out_leaves, out_tree = tu.tree_flatten(out)
    if out_tree != primal.out_tree:
        raise LawError("custom_residuals", f"fwd's output has structure {out_tree}, the "
                                           f"function's {primal.out_tree}")  # fmt: skip
    for k, (o, p) in enumerate(zip(out_leaves, primal.out, strict=True)):
        assert_close(as_array(o), p, tol, law="custom_residuals",
                     what=f"{s.out_name(k)}: fwd's output vs the function's")  # fmt: skip
    for k, r in enumerate(tu.tree_leaves(res)):
        try:
            as_array(r)
        except (TypeError, ValueError) as e:
            raise LawError("custom_residuals", f"residual leaf {k} is a {type(r).__name__}, "
                                               "not an array") from e  # fmt: skip
    cts = [random_like(rng, o) for o in s.out]
    statics = [args[i] for i in nondiff]
    bwd = f.bwd
    assert bwd is not None and s.out_tree is not None  # defvjp set both; f was called
    got = bwd(*statics, res, tu.tree_unflatten(s.out_tree, cts))
    if not isinstance(got, (tuple, list)) or len(got) != len(diff):
        raise LawError("custom_residuals", f"bwd must return a tuple of {len(diff)} "
                       f"cotangents (one per differentiable argument), got {got!r}")  # fmt: skip
    for i, g in zip(diff, got, strict=True):
        if g is None:
            continue
        g_leaves, g_tree = tu.tree_flatten(g)
        if g_tree != s.trees[i]:
            raise LawError("custom_residuals", f"bwd's cotangent for argument {i} has "
                           f"structure {g_tree}, the argument {s.trees[i]}")  # fmt: skip
        for j, (gl, x) in enumerate(zip(g_leaves, s.leaves[i], strict=True)):
            want = (tuple(x.shape), dtype_of(x) if inexact(x) else dtypes.float0)
            if (tuple(np.shape(gl)), dtype_of(gl)) != want and inexact(x):
                raise LawError("custom_residuals", f"bwd's cotangent for argument {i}, leaf "
                               f"{j}: {dtype_of(gl)}{list(np.shape(gl))}, expected "
                               f"{want[1]}{list(want[0])}")  # fmt: skip

    # The rule against finite differences of the primal, through the pairing.
    fn, xs = s.inexact_fn(), s.xs
    y, pullback = ad.vjp(fn, *xs)
    u = tuple(random_like(rng, o) for o in y)
    vs = [random_like(rng, x) for x in xs]
    bars = pullback(u)
    low = least_precise([*xs, *y])
    step = fd_step(low)
    hi = fn(*(cast_like(np.asarray(x) + step * v, x) for x, v in zip(xs, vs, strict=True)))
    lo = fn(*(cast_like(np.asarray(x) - step * v, x) for x, v in zip(xs, vs, strict=True)))
    jv = [(np.asarray(a).astype(np.complex128) - np.asarray(b).astype(np.complex128)) / (2 * step)
          for a, b in zip(hi, lo, strict=True)]  # fmt: skip
    lhs, s1 = pairing(jv, u)
    rhs, s2 = pairing(vs, bars)
    t = fd_tolerance(low)
    bound = (t if atol is None else atol) + (t if rtol is None else rtol) * (s1 + s2)
    if abs(lhs.real - rhs.real) > bound:
        raise LawError(
            "vjp_fd",
            f"<u, J v> = {lhs.real:.6g} with J v from central differences "
            f"of the primal, but <vjp(u), v> = {rhs.real:.6g} (bound {bound:.3g})",
        )

    # Against AD of the primal, then linearity in the output cotangent.
    pfn = primal.inexact_fn()
    ad_tol = Tolerance.of(FACTORS["custom_vs_ad"], [*xs, *y], rtol, atol)
    _against_primal_ad("custom_vs_ad", bars, lambda: ad.vjp(pfn, *xs)[1](u), ad_tol, s.name)
    a, b = c.rng(31).uniform(-2, 2, 2)
    u2 = tuple(random_like(rng, o) for o in y)
    mixed = pullback(tuple(np.asarray((a * p + b * q).astype(p.dtype))
                           for p, q in zip(u, u2, strict=True)))  # fmt: skip
    bars2 = pullback(u2)
    lin = Tolerance.of(FACTORS["jvp_linear"], [*xs, *y], rtol, atol)
    for k, (m, p, q) in enumerate(zip(mixed, bars, bars2, strict=True)):
        want = a * np.asarray(p, np.complex128) + b * np.asarray(q, np.complex128)
        want = (want if dtypes.is_complex(dtype_of(m)) else want.real).astype(dtype_of(m))
        assert_close(m, want, lin, law="vjp_linear", what=f"{s.name(k)}: vjp(a u + b w) vs "
                     f"a vjp(u) + b vjp(w), a={a:.3g}, b={b:.3g}")  # fmt: skip


# ---------------------------------------------------------------------------
# Handlers
# ---------------------------------------------------------------------------


def check_handler(
    handler: core.Handler,
    f: Callable[[*Ts], Any],
    *args: *Ts,
    rtol: float | None = None,
    atol: float | None = None,
    seed: int = 0,
) -> None:
    """Check that a forwarding ``handler`` changes neither values nor derivatives of ``f``.

    The law ``handler_identity``: installed under (outside) and above (inside) each of
    ``jvp``, ``vjp`` and ``jit``, and around plain evaluation, ``handler`` leaves every
    output, tangent and cotangent as it is without it.

    Args:
        handler: The handler, forwarding what it sees.
        f: A function of ``args``.
        *args: Where to check it.
        rtol: Overrides the relative tolerance.
        atol: Overrides the absolute tolerance.
        seed: Seeds the random tangents and cotangents.

    Raises:
        AssertionError: A ``LawError`` naming where the handler sits and what changed.

    Examples:
        >>> fad.testing.check_handler(fad.Handler(), jnp.sin, jnp.ones(2))
    """
    if not isinstance(handler, core.Handler):
        raise TypeError(f"check_handler: expected a fad.Handler, got {type(handler).__name__}")
    s = Subject.of(f, args)
    rng = np.random.default_rng([seed, 40])
    fn, xs = s.inexact_fn(), s.xs
    tol = Tolerance.of(FACTORS["grad_vjp_one"], [*xs, *s.out], rtol, atol)

    def inside(g: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*a: Any) -> Any:
            with core.installed(handler):
                return g(*a)

        return wrapped

    def outside(run: Callable[[], Any]) -> Any:
        with core.installed(handler):
            return run()

    def same(where: str, got: Any, want: Any) -> None:
        g_leaves, g_tree = tu.tree_flatten(got)
        w_leaves, w_tree = tu.tree_flatten(want)
        if g_tree != w_tree:
            raise LawError("handler_identity", f"{where}: structure {g_tree} != {w_tree}")
        for k, (g, w) in enumerate(zip(g_leaves, w_leaves, strict=True)):
            assert_close(g, w, tol, law="handler_identity", what=f"{where}, leaf {k}")

    plain = s.f(*s.args)
    same("evaluation with the handler installed", outside(lambda: s.f(*s.args)), plain)
    jitted = jit_(s.f)(*s.args)
    same("jit, handler outside", outside(lambda: jit_(s.f)(*s.args)), jitted)
    same("jit, handler inside", jit_(inside(s.f))(*s.args), jitted)
    if not xs:
        return
    ts = [random_like(rng, x) for x in xs]
    want_t = ad.jvp(fn, xs, ts)
    same("jvp, handler outside", outside(lambda: ad.jvp(fn, xs, ts)), want_t)
    same("jvp, handler inside", ad.jvp(inside(fn), xs, ts), want_t)
    out, pullback = ad.vjp(fn, *xs)
    u = tuple(random_like(rng, o) for o in out)
    want_c = pullback(u)
    same("vjp, handler outside", outside(lambda: ad.vjp(fn, *xs)[1](u)), want_c)
    same("vjp, handler inside", ad.vjp(inside(fn), *xs)[1](u), want_c)
