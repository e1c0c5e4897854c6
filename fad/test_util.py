"""Numerical derivative checks (``jax.test_util`` names).

``check_grads`` compares fad's forward and reverse modes with central finite
differences, up to a given order. Forward mode is compared directly: the JVP
along a random tangent ``v`` must match ``(f(x + eps v) - f(x - eps v)) / 2eps``.
Reverse mode is compared through the pairing that defines a transpose: for a
random output cotangent ``u``, ``<v, vjp(u)>`` must equal ``<jvp_num(v), u>``.

For complex values the pairing is ``Re(sum(a * b))`` without conjugation. That is
the pairing under which fad's (and JAX's) transposes are adjoints, also for maps
that are only real-linear (``real``, ``conj``, ``abs``); for holomorphic maps
its imaginary part agrees too.

Only inexact leaves are perturbed. Integer and bool leaves are held fixed and
take ``float0`` tangents and cotangents, as the transformations require.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fad._src import core, dtypes
from fad._src import tree_util as tu
from fad._src.api import jvp, vjp
from fad._src.typing import cotangent, tangent

__all__ = ["check_grads", "check_jvp", "check_vjp", "default_eps", "default_tolerance"]

# A step of about the cube root of the machine epsilon balances the central
# difference's truncation error (O(eps^2)) against its rounding error (O(ulp / eps)).
_EPS: dict[np.dtype[Any], float] = {
    dtypes.bfloat16: 1e-1,
    dtypes.float16: 3e-2,
    dtypes.float32: 1e-3,
    dtypes.complex64: 1e-3,
    dtypes.float64: 1e-5,
    dtypes.complex128: 1e-5,
}
# Used for both atol and rtol; comfortably above the finite-difference error at _EPS.
_TOL: dict[np.dtype[Any], float] = {
    dtypes.bfloat16: 2e-1,
    dtypes.float16: 5e-2,
    dtypes.float32: 5e-3,
    dtypes.complex64: 5e-3,
    dtypes.float64: 1e-6,
    dtypes.complex128: 1e-6,
}
_PRECISION_ORDER = (dtypes.bfloat16, dtypes.float16, dtypes.float32, dtypes.complex64,
                    dtypes.float64, dtypes.complex128)  # fmt: skip

Fun = Callable[..., Any]


def default_eps(dtype: Any) -> float:
    """The finite-difference step used for values of ``dtype``.

    Args:
        dtype: A floating-point or complex dtype.

    Returns:
        About the cube root of the dtype's machine epsilon.

    Examples:
        >>> fad.test_util.default_eps(jnp.float32)
        0.001
    """
    return _EPS.get(np.dtype(dtype), _EPS[dtypes.float32])


def default_tolerance(dtype: Any) -> float:
    """The default ``atol`` and ``rtol`` of gradient checks on values of ``dtype``.

    Args:
        dtype: A floating-point or complex dtype.

    Returns:
        The tolerance, comfortably above the finite-difference error at
        ``default_eps``.

    Examples:
        >>> fad.test_util.default_tolerance(jnp.float32)
        0.005
    """
    return _TOL.get(np.dtype(dtype), _TOL[dtypes.float32])


# ---------------------------------------------------------------------------
# Leaves
# ---------------------------------------------------------------------------


def _dtype(x: Any) -> np.dtype[Any]:
    if isinstance(x, np.ndarray) and x.dtype == dtypes.float0:
        return dtypes.float0
    return core.get_aval(x).dtype


def _inexact(x: Any) -> bool:
    return dtypes.is_inexact(_dtype(x))


def _shape(x: Any) -> tuple[int, ...]:
    if isinstance(x, np.ndarray):
        return tuple(int(n) for n in x.shape)
    return core.get_aval(x).shape


def _numpy(x: Any) -> np.ndarray[Any, Any]:
    if isinstance(x, np.ndarray):
        return x
    return np.asarray(core.asarray(x))


def _float0(shape: tuple[int, ...]) -> np.ndarray[Any, Any]:
    return np.zeros(shape, dtypes.float0)


def _random_like(rng: np.random.Generator, x: Any) -> Any:
    """A random tangent (or cotangent) for leaf ``x``: normal values, float0 for non-inexact."""
    shape, dt = _shape(x), _dtype(x)
    if not dtypes.is_inexact(dt):
        return _float0(shape)
    v = rng.standard_normal(shape)
    if dtypes.is_complex(dt):
        v = v + 1j * rng.standard_normal(shape)
    return core.asarray(np.asarray(v).astype(dt))


def _shift(x: Any, t: Any, step: float) -> Any:
    """``x + step * t`` in ``x``'s dtype, keeping ``x``'s weak type."""
    aval = core.get_aval(x)
    val = (_numpy(x) + step * _numpy(t)).astype(aval.dtype)
    return core.Array(np.asarray(val), aval.weak_type)


def _least_precise(leaves: Sequence[Any]) -> np.dtype[Any]:
    dts = {_dtype(x) for x in leaves if _inexact(x)}
    for dt in _PRECISION_ORDER:
        if dt in dts:
            return dt
    return dtypes.float32


def _resolve(
    leaves: Sequence[Any], atol: float | None, rtol: float | None, eps: float | None
) -> tuple[float, float, float]:
    dt = _least_precise(leaves)
    tol = default_tolerance(dt)
    return (tol if atol is None else atol, tol if rtol is None else rtol,
            default_eps(dt) if eps is None else eps)  # fmt: skip


def _prefix(err_msg: str) -> str:
    return f"{err_msg}: " if err_msg else ""


def _numerical_jvp(
    f: Fun, flat: list[Any], tree: tu.PyTreeDef, tangents: list[Any], eps: float
) -> list[np.ndarray[Any, Any] | None]:
    """Central differences of ``f``'s output leaves along ``tangents`` (None: non-inexact leaf)."""
    plus = [_shift(x, t, eps) if _inexact(x) else x for x, t in zip(flat, tangents, strict=True)]
    minus = [_shift(x, t, -eps) if _inexact(x) else x for x, t in zip(flat, tangents, strict=True)]
    hi = tu.tree_leaves(f(*tu.tree_unflatten(tree, plus)))
    lo = tu.tree_leaves(f(*tu.tree_unflatten(tree, minus)))
    out: list[np.ndarray[Any, Any] | None] = []
    for a, b in zip(hi, lo, strict=True):
        if not _inexact(a):
            out.append(None)
            continue
        wide = np.complex128 if dtypes.is_complex(_dtype(a)) else np.float64
        out.append((_numpy(a).astype(wide) - _numpy(b).astype(wide)) / (2 * eps))
    return out


def _assert_close(actual: Any, expected: Any, atol: float, rtol: float, what: str) -> None:
    if _dtype(actual) == dtypes.float0 or np.asarray(expected).dtype == dtypes.float0:
        if _dtype(actual) != np.asarray(expected).dtype or _shape(actual) != np.shape(expected):
            raise AssertionError(f"{what}: got {actual!r}, expected {expected!r}")
        return
    a = np.asarray(_numpy(actual), dtype=np.complex128)
    e = np.asarray(expected, dtype=np.complex128)
    if a.shape != e.shape:
        raise AssertionError(f"{what}: shape {a.shape} != expected shape {e.shape}")
    err = np.abs(a - e)
    bound = atol + rtol * np.abs(e)
    bad = ~(err <= bound)
    if bad.any():
        worst = int(np.argmax(np.where(bad, err - bound, -np.inf)))
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {a.size} elements differ beyond atol={atol:g}, "
            f"rtol={rtol:g}; worst at flat index {worst}: got {_real_if_real(a).flat[worst]}, "
            f"expected {_real_if_real(e).flat[worst]} (|diff| {err.flat[worst]:.3g}).\n"
            f"got:\n{_real_if_real(a)}\nexpected:\n{_real_if_real(e)}"
        )


def _real_if_real(x: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    return x.real if not np.iscomplexobj(x) or not x.imag.any() else x


def _pair(w: Any, b: Any, atol: float, rtol: float) -> tuple[float, float]:
    """``Re(sum(w * b))`` and its error bound when each ``b`` is within ``atol + rtol |b|``."""
    x = np.asarray(_numpy(w), dtype=np.complex128)
    y = np.asarray(_numpy(b), dtype=np.complex128)
    bound = np.sum(np.abs(x) * (atol + rtol * np.abs(y)))
    return float(np.sum(x * y).real), float(bound)


# ---------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------


def check_jvp(
    f: Fun, f_jvp: Fun, args: Sequence[Any], atol: float | None = None, rtol: float | None = None,
    eps: float | None = None, err_msg: str = "", seed: int = 0,
) -> None:  # fmt: skip
    """Check ``f_jvp(primals, tangents) -> (out, tangent_out)`` against differences of ``f``.

    The primal output must equal ``f(*args)``; the tangent of every inexact output
    must match the finite difference along one random tangent; the tangent of an
    integer or bool output must be ``float0``.

    Args:
        f: The function.
        f_jvp: Its claimed JVP, called as ``f_jvp(args, tangents)`` (for example
            ``functools.partial(fad.jvp, f)``).
        args: The point, one value per positional argument.
        atol: Absolute tolerance (default: ``default_tolerance`` of the least precise
            dtype).
        rtol: Relative tolerance (same default).
        eps: The finite-difference step (default: ``default_eps``).
        err_msg: Prefix for the failure message.
        seed: Seed of the random tangent.

    Raises:
        AssertionError: The JVP disagrees with the finite differences.

    Examples:
        >>> import functools
        >>> f = lambda x: jnp.sin(x) * x
        >>> fad.test_util.check_jvp(f, functools.partial(fad.jvp, f), (jnp.arange(3.0),))
    """
    args = tuple(args)
    flat, tree = tu.tree_flatten(args)
    rng = np.random.default_rng(seed)
    tangents = [_random_like(rng, x) for x in flat]
    out, t_out = f_jvp(args, tangent(tu.tree_unflatten(tree, tangents)))
    expected = tu.tree_leaves(f(*args))
    out_leaves, out_tree = tu.tree_flatten(out)
    t_leaves, t_tree = tu.tree_flatten(t_out)
    pre = _prefix(err_msg)
    if t_tree != out_tree:
        raise AssertionError(
            f"{pre}tangent output structure {t_tree} != primal output structure {out_tree}"
        )
    a_tol, r_tol, step = _resolve([*flat, *out_leaves], atol, rtol, eps)
    num = _numerical_jvp(f, flat, tree, tangents, step)
    for i, (o, e, t, n) in enumerate(zip(out_leaves, expected, t_leaves, num, strict=True)):
        _assert_close(o, _numpy(e), a_tol, r_tol, f"{pre}primal output {i} of the JVP")
        if n is None:
            if _dtype(t) != dtypes.float0 or _shape(t) != _shape(o):
                raise AssertionError(
                    f"{pre}output {i} has dtype {_dtype(o).name}, so its tangent must be float0 "
                    f"of shape "
                    f"{_shape(o)}, got {_dtype(t).name} of shape {_shape(t)}"
                )
            continue
        if _dtype(t) != _dtype(o) or _shape(t) != _shape(o):
            raise AssertionError(
                f"{pre}tangent output {i} is {_dtype(t).name}{list(_shape(t))}, but its primal is "
                f"{_dtype(o).name}{list(_shape(o))}"
            )
        _assert_close(t, n, a_tol, r_tol, f"{pre}tangent output {i} vs. central differences")


def check_vjp(
    f: Fun, f_vjp: Fun, args: Sequence[Any], atol: float | None = None, rtol: float | None = None,
    eps: float | None = None, err_msg: str = "", seed: int = 0,
) -> None:  # fmt: skip
    """Check ``f_vjp(*args) -> (out, pullback)`` against central differences of ``f``.

    For a random tangent ``v`` and cotangent ``u``, ``Re <v, pullback(u)>`` must equal
    ``Re <(f(x + eps v) - f(x - eps v)) / 2eps, u>``; cotangents must have the
    structure, shapes and dtypes of the primals (``float0`` for integer ones).

    Args:
        f: The function.
        f_vjp: Its claimed VJP, called as ``f_vjp(*args)`` (for example
            ``functools.partial(fad.vjp, f)``).
        args: The point, one value per positional argument.
        atol: Absolute tolerance (default: ``default_tolerance`` of the least precise
            dtype).
        rtol: Relative tolerance (same default).
        eps: The finite-difference step (default: ``default_eps``).
        err_msg: Prefix for the failure message.
        seed: Seed of the random tangent and cotangent.

    Raises:
        AssertionError: The pullback disagrees with the finite differences, or returns
            cotangents of the wrong structure, shape or dtype.

    Examples:
        >>> import functools
        >>> f = lambda x: jnp.sum(jnp.tanh(x) ** 2)
        >>> fad.test_util.check_vjp(f, functools.partial(fad.vjp, f), (jnp.arange(3.0),))
    """
    args = tuple(args)
    flat, tree = tu.tree_flatten(args)
    rng = np.random.default_rng(seed)
    out, pullback = f_vjp(*args)
    out_leaves, out_tree = tu.tree_flatten(out)
    pre = _prefix(err_msg)
    a_tol, r_tol, step = _resolve([*flat, *out_leaves], atol, rtol, eps)
    expected = tu.tree_leaves(f(*args))
    for i, (o, e) in enumerate(zip(out_leaves, expected, strict=True)):
        _assert_close(o, _numpy(e), a_tol, r_tol, f"{pre}primal output {i} of the VJP")
    cts_out = [_random_like(rng, o) for o in out_leaves]
    cts_in = pullback(cotangent(tu.tree_unflatten(out_tree, cts_out)))
    ct_leaves, ct_tree = tu.tree_flatten(tuple(cts_in) if isinstance(cts_in, list) else cts_in)
    if ct_tree != tree:
        raise AssertionError(f"{pre}cotangent structure {ct_tree} != argument structure {tree}")
    for i, (x, c) in enumerate(zip(flat, ct_leaves, strict=True)):
        want = _dtype(x) if _inexact(x) else dtypes.float0
        if _dtype(c) != want or _shape(c) != _shape(x):
            raise AssertionError(
                f"{pre}cotangent of argument leaf {i} is {_dtype(c).name}{list(_shape(c))}, "
                "expected "
                f"{want.name}{list(_shape(x))}"
            )
    tangents = [_random_like(rng, x) for x in flat]
    # Elementwise errors within atol + rtol |value| bound the error of each pairing.
    lhs = rhs = bound = 0.0
    for x, v, c in zip(flat, tangents, ct_leaves, strict=True):
        if _inexact(x):
            s, b = _pair(v, c, a_tol, r_tol)
            lhs, bound = lhs + s, bound + b
    for n, u in zip(_numerical_jvp(f, flat, tree, tangents, step), cts_out, strict=True):
        if n is not None:
            s, b = _pair(u, n, a_tol, r_tol)
            rhs, bound = rhs + s, bound + b
    if not abs(lhs - rhs) <= bound:
        raise AssertionError(
            f"{pre}VJP is not the transpose of the numerical JVP: <v, vjp(u)> = {lhs!r} but "
            f"<jvp_num(v), u> = {rhs!r} (|diff| {abs(lhs - rhs):.3g} exceeds {bound:.3g}, the "
            "bound "
            f"from atol={a_tol:g}, rtol={r_tol:g} per element)"
        )


def check_grads(
    f: Fun, args: Sequence[Any], order: int, modes: Sequence[str] = ("fwd", "rev"),
    atol: float | None = None, rtol: float | None = None, eps: float | None = None,
) -> None:  # fmt: skip
    """Check ``f``'s derivatives at ``args`` up to ``order`` in forward and/or reverse mode.

    Order ``k`` checks the JVP (``"fwd"``) or VJP (``"rev"``) of the functions
    checked at order ``k - 1``, which for ``order=2`` covers JVP-of-JVP,
    VJP-of-VJP and both mixed compositions. Raises ``AssertionError`` naming the
    composition and output that disagree.

    Args:
        f: The function to check.
        args: The point, one value per positional argument.
        order: The highest derivative order to check.
        modes: ``"fwd"``, ``"rev"`` or both.
        atol: Absolute tolerance (default: ``default_tolerance`` of the least precise
            dtype).
        rtol: Relative tolerance (same default).
        eps: The finite-difference step (default: ``default_eps``).

    Raises:
        AssertionError: A derivative disagrees with the finite differences.

    Examples:
        >>> fad.test_util.check_grads(lambda x: jnp.sin(x) * x, (jnp.arange(3.0),), order=2)
    """
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        raise ValueError(f"check_grads: order must be a positive int, got {order!r}")
    bad = [m for m in modes if m not in ("fwd", "rev")]
    if isinstance(modes, str) or bad or not modes:
        raise ValueError(
            f"check_grads: modes must be a non-empty sequence of 'fwd'/'rev', got {modes!r}"
        )
    if not callable(f):
        raise TypeError(f"check_grads expects a callable, got {type(f).__name__}")

    def go(fun: Fun, fargs: tuple[Any, ...], k: int, label: str) -> None:
        if "fwd" in modes:
            msg = f"JVP of {label}" if label else "JVP"
            check_jvp(fun, lambda p, t: jvp(fun, p, t), fargs, atol, rtol, eps, msg)
            if k > 1:

                def fun_jvp(primals: Any, tangents: Any) -> Any:
                    return jvp(fun, primals, tangent(tangents))

                tangents = tu.tree_map(lambda x: x if _inexact(x) else _float0(_shape(x)), fargs)
                go(fun_jvp, (fargs, tangents), k - 1, msg)
        if "rev" in modes:
            msg = f"VJP of {label}" if label else "VJP"
            check_vjp(fun, lambda *a: vjp(fun, *a), fargs, atol, rtol, eps, msg)
            if k > 1:

                def fun_vjp(*primals: Any) -> Any:
                    out, pullback = vjp(fun, *primals)
                    ct = tu.tree_map(lambda o: o if _inexact(o) else _float0(_shape(o)), out)
                    return pullback(ct)

                go(fun_vjp, fargs, k - 1, msg)

    go(f, tuple(args), order, "")
