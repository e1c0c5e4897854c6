"""The user-facing transformations, composed from the interpreters.

Forward mode runs the JVP handler. Reverse mode is never a tape: ``vjp`` stages
the JVP's tangent part with a partial evaluator (known primal work runs now)
and transposes the resulting linear program. ``jacfwd``/``jacrev`` push or pull
a whole basis at once with ``vmap``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar, TypeVarTuple, cast, overload

import numpy as np

from fad._src import core, dtypes
from fad._src import tree_util as tu
from fad._src.core import Array, ArrayLike, ShapedArray
from fad._src.interpreters import batch as batching
from fad._src.interpreters.batch import BatchHandler, BatchTracer
from fad._src.interpreters.jvp import JVPHandler, JVPTracer, MaybeZero, Zero, tangent_aval
from fad._src.interpreters.stage import StageHandler, StageTracer
from fad._src.interpreters.transpose import backward_pass
from fad._src.ir import ClosedProgram
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st
from fad._src.typing import Linear, LinearTranspose, Tangent

# Static types of the signatures below (see fad/_src/typing.py for the design).
Ts = TypeVarTuple("Ts")
P = ParamSpec("P")
A = TypeVar("A")
A2 = TypeVar("A2")
A3 = TypeVar("A3")
B = TypeVar("B")
R = TypeVar("R")
X = TypeVar("X")

# ---------------------------------------------------------------------------
# Argument handling
# ---------------------------------------------------------------------------


def _leaf_to_array(x: Any, what: str) -> Array:
    if isinstance(x, Array):
        return x
    if core.is_arraylike(x):
        return core.asarray(x)
    raise TypeError(
        f"{what} must be an array or a scalar (or a pytree of them), got {type(x).__name__}: {x!r}"
    )


def _flatten_args(tree: Any, what: str) -> tuple[list[Array], tu.PyTreeDef]:
    leaves, treedef = tu.tree_flatten(tree)
    return [_leaf_to_array(x, f"{what} leaf {i}") for i, x in enumerate(leaves)], treedef


def _check_callable(fun: Any, name: str) -> None:
    if not callable(fun):
        raise TypeError(
            f"{name} expects a callable as its first argument, got {type(fun).__name__}"
        )


def _normalize_argnums(argnums: int | Sequence[int], nargs: int, name: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums:
        raise ValueError(f"{name}: argnums must not be empty")
    out = []
    for a in nums:
        if not isinstance(a, int):
            raise TypeError(f"{name}: argnums must be ints, got {a!r}")
        if not -nargs <= a < nargs:
            raise ValueError(
                f"{name}: argnums {argnums} out of range for a function called with {nargs} "
                "positional arguments"
            )
        out.append(a % nargs)
    return tuple(out)


def _partial_args(
    fun: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], argnums: tuple[int, ...]
) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    """``fun`` as a function of ``args[argnums]`` only, the rest fixed."""

    def f(*dyn: Any) -> Any:
        full = list(args)
        for i, v in zip(argnums, dyn, strict=True):
            full[i] = v
        return fun(*full, **kwargs)

    return f, tuple(args[i] for i in argnums)


def _diff_args(
    fun: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
    argnums: int | Sequence[int], name: str, check: Callable[[tuple[Any, ...]], None],
) -> tuple[Callable[..., Any], tuple[Any, ...], list[Array], tu.PyTreeDef]:  # fmt: skip
    """The call's differentiated arguments (``argnums``), checked by ``check``: ``fun`` of
    them alone, their values, their flat leaves and the tree of those leaves."""
    f, dyn = _partial_args(fun, args, kwargs, _normalize_argnums(argnums, len(args), name))
    check(dyn)
    flat, in_tree = _flatten_args(dyn, f"{name} argument")
    return f, dyn, flat, in_tree


def _float0_zeros(aval: ShapedArray) -> Any:
    return np.zeros(aval.shape, dtypes.float0)


def _zeros_tangent(aval: ShapedArray) -> Any:
    if dtypes.is_inexact(aval.dtype):
        return core.zeros(aval)
    return _float0_zeros(aval)


# ---------------------------------------------------------------------------
# Forward mode
# ---------------------------------------------------------------------------


def _check_tangent(p: Array, t: Any, i: int, what: str, name: str | None = None) -> MaybeZero:
    """A tangent must match its primal's shape, and its dtype (float0 for integers).

    ``name`` says which argument the primal is, for the error messages.
    """
    pa = p.aval
    prefix = f"{what} {i}" if name is None else f"{what} {i} (for {name})"
    if isinstance(t, (np.ndarray, Array)) and t.dtype == dtypes.float0:
        if t.shape != pa.shape:
            raise ValueError(
                f"{prefix}: float0 tangent of shape {t.shape} for primal of shape {pa.shape}"
            )
        return Zero(pa)
    ta = _leaf_to_array(t, prefix)
    if ta.shape != pa.shape:
        raise ValueError(
            f"{prefix}: tangent shape {ta.shape} does not match primal shape {pa.shape} "
            f"(primal {pa.str_short()}, tangent {ta.aval.str_short()})"
        )
    if not dtypes.is_inexact(pa.dtype):
        raise TypeError(
            f"{prefix}: the primal has integer/bool dtype {pa.dtype.name}, so its tangent must "
            f"have dtype float0 (e.g. numpy.zeros(shape, fad.dtypes.float0)), got {ta.dtype.name}"
        )
    if ta.dtype != pa.dtype:
        raise TypeError(
            f"{prefix}: primal and tangent dtypes must match: primal {pa.dtype.name}, "
            f"tangent {ta.dtype.name}"
        )
    return ta


@overload
def jvp(
    fun: Callable[[*Ts], B],
    primals: tuple[*Ts],
    tangents: Tangent[tuple[*Ts]],
    has_aux: Literal[False] = False,
) -> tuple[B, Tangent[B]]: ...
@overload
def jvp(
    fun: Callable[[A], B],
    primals: tuple[A],
    tangents: tuple[Tangent[A]],
    has_aux: Literal[False] = False,
) -> tuple[B, Tangent[B]]: ...
@overload
def jvp(
    fun: Callable[[A, A2], B],
    primals: tuple[A, A2],
    tangents: tuple[Tangent[A], Tangent[A2]],
    has_aux: Literal[False] = False,
) -> tuple[B, Tangent[B]]: ...
@overload
def jvp(
    fun: Callable[[A, A2, A3], B],
    primals: tuple[A, A2, A3],
    tangents: tuple[Tangent[A], Tangent[A2], Tangent[A3]],
    has_aux: Literal[False] = False,
) -> tuple[B, Tangent[B]]: ...
@overload
def jvp(
    fun: Callable[[*Ts], tuple[B, X]],
    primals: tuple[*Ts],
    tangents: Tangent[tuple[*Ts]],
    has_aux: Literal[True],
) -> tuple[B, Tangent[B], X]: ...
@overload
def jvp(
    fun: Callable[[A], tuple[B, X]],
    primals: tuple[A],
    tangents: tuple[Tangent[A]],
    has_aux: Literal[True],
) -> tuple[B, Tangent[B], X]: ...
@overload
def jvp(
    fun: Callable[[A, A2], tuple[B, X]],
    primals: tuple[A, A2],
    tangents: tuple[Tangent[A], Tangent[A2]],
    has_aux: Literal[True],
) -> tuple[B, Tangent[B], X]: ...
@overload
def jvp(
    fun: Callable[[A, A2, A3], tuple[B, X]],
    primals: tuple[A, A2, A3],
    tangents: tuple[Tangent[A], Tangent[A2], Tangent[A3]],
    has_aux: Literal[True],
) -> tuple[B, Tangent[B], X]: ...
def jvp(
    fun: Callable[..., Any], primals: Sequence[Any], tangents: Any, has_aux: bool = False
) -> Any:
    """Evaluate ``fun`` at ``primals`` and push ``tangents`` forward: ``(out, tangent_out)``.

    Forward mode: ``tangent_out`` is the Jacobian of ``fun`` at ``primals`` applied to
    ``tangents``, computed alongside ``out`` at a small multiple of the cost of ``fun``.

    Args:
        fun: The function to differentiate. Its positional arguments and its result are
            arrays, scalars or pytrees of them.
        primals: A tuple or list with one value (a pytree) per positional argument.
        tangents: A tuple or list with the structure of ``primals``. Each leaf has its
            primal's shape and dtype (``fad.float0`` for integer and boolean primals).
        has_aux: ``fun`` returns ``(output, aux)``; ``aux`` is returned, not differentiated.

    Returns:
        ``(out, tangent_out)``, or ``(out, tangent_out, aux)`` with ``has_aux``;
        ``tangent_out`` has the structure, shapes and dtypes of ``out``.

    Raises:
        TypeError: ``fun`` is not callable, ``primals`` or ``tangents`` is not a tuple or
            list, or a tangent's dtype does not match its primal's.
        ValueError: ``primals`` and ``tangents`` differ in length, tree structure or a
            leaf's shape.

    Examples:
        >>> y, y_dot = fad.jvp(jnp.sin, (0.0,), (2.0,))
        >>> print(y, y_dot)
        0.0 2.0
    """
    _check_callable(fun, "jvp")
    for name, v in (("primals", primals), ("tangents", tangents)):
        if not isinstance(v, (tuple, list)):
            raise TypeError(
                f"jvp: {name} must be a tuple or list with one entry per positional argument, "
                f"got {type(v).__name__}"
            )
    if len(primals) != len(tangents):
        raise ValueError(
            "jvp: primals and tangents must have the same length, got "
            f"{len(primals)} and {len(tangents)}"
        )
    flat_p, tree_p = _flatten_args(tuple(primals), "jvp primal")
    flat_t, tree_t = tu.tree_flatten(tuple(tangents))
    if tree_p != tree_t:
        raise ValueError(
            f"jvp: primal and tangent arguments must have the same tree structure; primals have "
            f"{tree_p} but tangents have {tree_t}"
        )
    names = _leaf_names(fun, tuple(primals), {})
    tans = [
        _check_tangent(p, t, i, "jvp tangent", names[i] if i < len(names) else None)
        for i, (p, t) in enumerate(zip(flat_p, flat_t, strict=True))
    ]
    out, out_t, aux = _jvp_flat(fun, flat_p, tans, tree_p, has_aux)
    return (out, out_t, aux) if has_aux else (out, out_t)


def _jvp_flat(
    fun: Callable[..., Any], primals: list[Array], tangents: list[MaybeZero], in_tree: tu.PyTreeDef,
    has_aux: bool,
) -> tuple[Any, Any, Any]:  # fmt: skip
    handler = JVPHandler()
    with core.installed(handler):
        ins = [
            p if isinstance(t, Zero) else JVPTracer(handler, p, t)
            for p, t in zip(primals, tangents, strict=True)
        ]
        result = fun(*tu.tree_unflatten(in_tree, ins))
    out, aux = _split_aux(result, has_aux, "jvp")
    flat_out, out_tree = _flatten_args(out, "jvp output")
    pairs = [handler.unwrap(o) for o in flat_out]
    out_p = [p for p, _ in pairs]
    out_t = [_zeros_tangent(p.aval) if isinstance(t, Zero) else t for p, t in pairs]
    if has_aux:
        aux = tu.tree_map(lambda x: handler.unwrap(x)[0] if isinstance(x, Array) else x, aux)
    return tu.tree_unflatten(out_tree, out_p), tu.tree_unflatten(out_tree, out_t), aux


def _split_aux(result: Any, has_aux: bool, name: str) -> tuple[Any, Any]:
    if not has_aux:
        return result, None
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise TypeError(
            f"{name} with has_aux=True expects the function to return a pair (output, aux), "
            f"got {type(result).__name__}"
        )
    return result[0], result[1]


# ---------------------------------------------------------------------------
# Linearization and reverse mode
# ---------------------------------------------------------------------------


class _Linearized:
    """The result of partially evaluating a JVP: primal outputs and a linear program."""

    __slots__ = (
        "aux",
        "in_avals",
        "in_mask",
        "in_tree",
        "out_avals",
        "out_primals",
        "out_tree",
        "program",
    )

    def __init__(
        self, out_primals: list[Array], program: ClosedProgram, in_avals: list[ShapedArray],
        in_mask: list[bool], in_tree: tu.PyTreeDef, out_tree: tu.PyTreeDef, aux: Any,
    ) -> None:  # fmt: skip
        self.out_primals = out_primals
        self.program = program
        self.in_avals = in_avals
        self.in_mask = in_mask
        self.in_tree = in_tree
        self.out_tree = out_tree
        self.out_avals = [p.aval for p in out_primals]
        self.aux = aux


def _linearize(fun: Callable[..., Any], primals: list[Array], in_tree: tu.PyTreeDef, has_aux: bool,
               name: str) -> _Linearized:  # fmt: skip
    stage = StageHandler(forward_known=True)
    jvp_h = JVPHandler()
    mask = [dtypes.is_inexact(p.dtype) for p in primals]
    with core.installed(stage):
        tan_in = [
            stage.new_arg(tangent_aval(p.aval)) for p, m in zip(primals, mask, strict=True) if m
        ]
        it = iter(tan_in)
        with core.installed(jvp_h):
            ins = [
                JVPTracer(jvp_h, p, next(it)) if m else p
                for p, m in zip(primals, mask, strict=True)
            ]
            result = fun(*tu.tree_unflatten(in_tree, ins))
        out, aux = _split_aux(result, has_aux, name)
        flat_out, out_tree = _flatten_args(out, f"{name} output")
        pairs = [jvp_h.unwrap(o) for o in flat_out]
        out_t = [core.zeros(p.aval) if isinstance(t, Zero) else t for p, t in pairs]
        for p, _ in pairs:
            if isinstance(p, StageTracer) and p._handler is stage:
                raise core.EscapedTracerError(f"{name}: a primal output depends on a tangent")
    if has_aux:
        aux = tu.tree_map(lambda x: jvp_h.unwrap(x)[0] if isinstance(x, Array) else x, aux)
    program = stage.build(tan_in, out_t)
    return _Linearized(
        [p for p, _ in pairs], program, [p.aval for p in primals], mask, in_tree, out_tree, aux
    )


def _cotangent_leaves(lin: _Linearized, ct: Any, name: str) -> list[MaybeZero]:
    flat, tree = tu.tree_flatten(ct)
    if tree != lin.out_tree:
        raise ValueError(
            f"{name}: the cotangent must have the structure of the primal output, {lin.out_tree}; "
            f"got {tree}"
        )
    out: list[MaybeZero] = []
    for i, (c, aval) in enumerate(zip(flat, lin.out_avals, strict=True)):
        if isinstance(c, np.ndarray) and c.dtype == dtypes.float0:
            out.append(Zero(aval))
            continue
        a = _leaf_to_array(c, f"{name} cotangent {i}")
        if a.shape != aval.shape:
            raise ValueError(
                f"{name}: cotangent {i} has shape {a.shape}, but the primal output has shape "
                f"{aval.shape} "
                f"(expected {aval.str_short()}, got {a.aval.str_short()})"
            )
        if dtypes.is_inexact(aval.dtype) and a.dtype != aval.dtype:
            if (
                a.aval.weak_type
                or dtypes.result_type((a.dtype, False), (aval.dtype, False))[0] == aval.dtype
            ):
                a = ew.full(a.shape, 0, aval.dtype) if a.size == 0 else _convert(a, aval)
            else:
                raise TypeError(
                    f"{name}: cotangent {i} has dtype {a.dtype.name}, but the primal output has "
                    f"dtype {aval.dtype.name}"
                )
        out.append(a)
    return out


def _convert(a: Array, aval: ShapedArray) -> Array:
    return ew.convert_element_type(a, aval.dtype)


def _pullback(lin: _Linearized, name: str) -> Callable[[Any], Any]:
    def pullback(ct: Any) -> Any:
        cts = _cotangent_leaves(lin, ct, name)
        in_cts = backward_pass(lin.program.program, lin.program.consts, cts)
        it = iter(in_cts)
        flat = []
        for aval, m in zip(lin.in_avals, lin.in_mask, strict=True):
            if m:
                c = next(it)
                flat.append(core.zeros(aval) if isinstance(c, Zero) else c)
            else:
                flat.append(_float0_zeros(aval))
        return tu.tree_unflatten(lin.in_tree, flat)

    return pullback


@overload
def vjp(
    fun: Callable[[*Ts], B], *primals: *Ts, has_aux: Literal[False] = False
) -> tuple[B, LinearTranspose[B, tuple[*Ts]]]: ...
@overload
def vjp(
    fun: Callable[[*Ts], tuple[B, X]], *primals: *Ts, has_aux: Literal[True]
) -> tuple[B, LinearTranspose[B, tuple[*Ts]], X]: ...
def vjp(fun: Callable[..., Any], *primals: object, has_aux: bool = False) -> Any:
    """Evaluate ``fun`` at ``primals`` and return its pullback: ``(out, pullback)``.

    Reverse mode. ``pullback(ct)`` maps a cotangent of the output (the structure, shapes and
    dtypes of ``out``) to a tuple with one cotangent per positional argument. It is derived
    by transposing the linearized JVP of ``fun``, so calling it runs only linear operations
    on the residuals saved now.

    Args:
        fun: The function to differentiate. Its positional arguments and its result are
            arrays, scalars or pytrees of them.
        *primals: The positional arguments at which to evaluate ``fun``.
        has_aux: ``fun`` returns ``(output, aux)``; ``aux`` is returned, not differentiated.

    Returns:
        ``(out, pullback)``, or ``(out, pullback, aux)`` with ``has_aux``.

    Raises:
        TypeError: ``fun`` is not callable, or a primal is not an array, a scalar or a
            pytree of them. ``pullback`` raises it for a cotangent of the wrong dtype.
        ValueError: ``pullback`` was given a cotangent whose structure or shapes differ
            from ``out``'s.

    Examples:
        >>> y, pullback = fad.vjp(lambda x: x * x, 3.0)
        >>> pullback(1.0)
        (Array(6., dtype=float32),)
    """
    _check_callable(fun, "vjp")
    flat, in_tree = _flatten_args(primals, "vjp primal")
    lin = _linearize(fun, flat, in_tree, has_aux, "vjp")
    out = tu.tree_unflatten(lin.out_tree, lin.out_primals)
    pullback = _pullback(lin, "vjp")
    return (out, pullback, lin.aux) if has_aux else (out, pullback)


@overload
def linearize(
    fun: Callable[[A], B], primal: A, /, *, has_aux: Literal[False] = False
) -> tuple[B, Linear[A, B]]: ...
@overload
def linearize(
    fun: Callable[[A, A2, *Ts], B],
    primal: A,
    primal2: A2,
    /,
    *primals: *Ts,
    has_aux: Literal[False] = False,
) -> tuple[B, Linear[tuple[A, A2, *Ts], B]]: ...
@overload
def linearize(
    fun: Callable[[A], tuple[B, X]], primal: A, /, *, has_aux: Literal[True]
) -> tuple[B, Linear[A, B], X]: ...
@overload
def linearize(
    fun: Callable[[A, A2, *Ts], tuple[B, X]],
    primal: A,
    primal2: A2,
    /,
    *primals: *Ts,
    has_aux: Literal[True],
) -> tuple[B, Linear[tuple[A, A2, *Ts], B], X]: ...
def linearize(fun: Callable[..., Any], *primals: object, has_aux: bool = False) -> Any:
    """Linearize ``fun`` at ``primals``: ``(out, f_jvp)`` where ``f_jvp(*tangents)`` is the JVP.

    The nonlinear work runs once, now; ``f_jvp`` runs only the staged linear program (with
    the residuals it needs as constants), so applying it to many tangents is cheaper than
    calling :func:`jvp` each time.

    Args:
        fun: The function to linearize. Its positional arguments and its result are arrays,
            scalars or pytrees of them.
        *primals: The point: one value per positional argument of ``fun``.
        has_aux: ``fun`` returns ``(output, aux)``; ``aux`` is returned, not differentiated.

    Returns:
        ``(out, f_jvp)``, or ``(out, f_jvp, aux)`` with ``has_aux``. ``f_jvp`` takes one
        tangent per primal and returns the output tangent.

    Raises:
        TypeError: ``fun`` is not callable, or a primal is not an array, a scalar or a
            pytree of them.
        ValueError: ``f_jvp`` was given tangents whose structure or shapes differ from the
            primals'.

    Examples:
        >>> y, f_jvp = fad.linearize(jnp.sin, 0.0)
        >>> f_jvp(3.0)
        Array(3., dtype=float32)
    """
    _check_callable(fun, "linearize")
    flat, in_tree = _flatten_args(primals, "linearize primal")
    lin = _linearize(fun, flat, in_tree, has_aux, "linearize")
    out = tu.tree_unflatten(lin.out_tree, lin.out_primals)

    def f_jvp(*tangents: Any) -> Any:
        # One tangent per primal (as jax), or, for several primals, their tangents packed
        # into one tuple (the typed form: a ``Linear[tuple[...], B]`` takes one argument).
        flat_t, tree_t = tu.tree_flatten(tangents)
        if tree_t != in_tree and len(primals) > 1 and len(tangents) == 1:
            packed = tangents[0]
            if isinstance(packed, (tuple, list)):
                flat_p, tree_p = tu.tree_flatten(tuple(packed))
                if tree_p == in_tree:
                    flat_t, tree_t = flat_p, tree_p
        if tree_t != in_tree:
            raise ValueError(
                "linearized function: tangents must have the structure of the primals, "
                f"{in_tree}; got {tree_t}"
            )
        checked = [_check_tangent(p, t, i, "linearized function tangent")
                   for i, (p, t) in enumerate(zip(flat, flat_t, strict=True))]  # fmt: skip
        args = [core.zeros(t.aval) if isinstance(t, Zero) else t
                for t, m in zip(checked, lin.in_mask, strict=True) if m]  # fmt: skip
        outs = lin.program(*args)
        return tu.tree_unflatten(lin.out_tree, outs)

    return (out, f_jvp, lin.aux) if has_aux else (out, f_jvp)


@overload
def linear_transpose(fun: Linear[A, B], primal: A, /) -> LinearTranspose[B, tuple[A]]: ...
@overload
def linear_transpose(fun: Callable[[*Ts], B], *primals: *Ts) -> LinearTranspose[B, tuple[*Ts]]: ...
def linear_transpose(fun: Callable[..., Any], *primals: object) -> Callable[[Any], Any]:
    """The transpose of a linear ``fun``, traced at the shapes and dtypes of ``primals``.

    For ``fun(x) = A x`` the result computes ``u ↦ A.T @ u``: it maps a cotangent of the output
    to the tuple of cotangents of the inputs. Only the shapes and dtypes of ``primals``
    matter, not their values.

    Args:
        fun: A function that is linear in all its positional arguments.
        *primals: Example arguments (arrays or pytrees of floating-point arrays) that fix
            the shapes and dtypes.

    Returns:
        The transposed function, taking one cotangent with the structure of ``fun``'s output.

    Raises:
        TypeError: ``fun`` is not callable, or a primal does not have a floating-point dtype.

    Examples:
        >>> A = jnp.array([[1.0, 2.0], [3.0, 4.0]])
        >>> f_t = fad.linear_transpose(lambda x: A @ x, jnp.zeros(2))
        >>> f_t(jnp.array([1.0, 0.0]))
        (Array([1., 2.], dtype=float32),)
    """
    _check_callable(fun, "linear_transpose")
    flat, in_tree = _flatten_args(primals, "linear_transpose primal")
    for i, p in enumerate(flat):
        if not dtypes.is_inexact(p.dtype):
            raise TypeError(f"linear_transpose: argument {i} has non-float dtype {p.dtype.name}")
    stage = StageHandler(forward_known=True)
    with core.installed(stage):
        ins = [stage.new_arg(p.aval.strip_weak_type()) for p in flat]
        out = fun(*tu.tree_unflatten(in_tree, ins))
        flat_out, out_tree = _flatten_args(out, "linear_transpose output")
    program = stage.build(ins, flat_out)
    out_avals = [o.aval for o in flat_out]
    lin = _Linearized([core.zeros(a) for a in out_avals], program, [p.aval for p in flat],
                      [True] * len(flat), in_tree, out_tree, None)  # fmt: skip
    pullback = _pullback(lin, "linear_transpose")

    def transposed(ct: Any) -> Any:
        return pullback(ct)

    return transposed


# Untyped views of jvp and vjp, for the internal callers that pass ``has_aux`` on as a bool.
_jvp_any: Callable[..., Any] = jvp
_vjp_any: Callable[..., Any] = vjp


def _check_grad_inputs(args: Sequence[Any], holomorphic: bool, allow_int: bool, name: str) -> None:
    for i, leaf in enumerate(tu.tree_leaves(args)):
        dt = _leaf_to_array(leaf, f"{name} argument").dtype
        if holomorphic and not dtypes.is_complex(dt):
            raise TypeError(
                f"{name} with holomorphic=True requires inputs with complex dtype, but input "
                f"leaf {i} "
                f"has dtype {dt.name}"
            )
        if not dtypes.is_inexact(dt) and not allow_int:
            raise TypeError(
                f"{name} requires real- or complex-valued inputs (input dtype that is a "
                "sub-dtype of "
                f"np.inexact), but got {dt.name} for input leaf {i}. If you want to use "
                "integer-valued inputs, set allow_int=True."
            )


@overload
def value_and_grad(
    fun: Callable[Concatenate[A, P], ArrayLike],
    argnums: Literal[0] = 0,
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> Callable[Concatenate[A, P], tuple[Array, A]]: ...
@overload
def value_and_grad(
    fun: Callable[Concatenate[A, P], tuple[ArrayLike, X]],
    argnums: Literal[0] = 0,
    *,
    has_aux: Literal[True],
    holomorphic: bool = False,
    allow_int: bool = False,
) -> Callable[Concatenate[A, P], tuple[tuple[Array, X], A]]: ...
@overload
def value_and_grad(
    fun: Callable[Concatenate[A, A2, P], ArrayLike],
    argnums: tuple[Literal[0], Literal[1]],
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> Callable[Concatenate[A, A2, P], tuple[Array, tuple[A, A2]]]: ...
@overload
def value_and_grad(
    fun: Callable[P, Any],
    argnums: int | Sequence[int],
    has_aux: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> Callable[P, Any]: ...
def value_and_grad(
    fun: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
    holomorphic: bool = False, allow_int: bool = False,
) -> Callable[..., Any]:  # fmt: skip
    """A function returning ``fun``'s value and its gradient with respect to ``argnums``.

    Like :func:`grad`, but the new function returns ``(value, gradient)``, from one forward
    and one backward pass.

    Args:
        fun: A function with a real scalar output (complex with ``holomorphic``).
        argnums: The positional argument(s) to differentiate with respect to: an int (one
            gradient) or a sequence of ints (a tuple of gradients).
        has_aux: ``fun`` returns ``(output, aux)``; the value is then ``(output, aux)``.
        holomorphic: ``fun`` is holomorphic with complex inputs and output: return the
            complex derivative.
        allow_int: Accept integer and boolean inputs; their gradients are ``float0`` zeros.

    Returns:
        A function with ``fun``'s arguments returning ``(value, gradient)``.

    Raises:
        TypeError: ``fun`` is not callable; or, when called, the output is not a real
            scalar, an input is an integer without ``allow_int``, or ``holomorphic`` is
            set with real inputs or output.
        ValueError: When called, ``argnums`` is out of range for the arguments given.

    Examples:
        >>> fad.value_and_grad(lambda x: x ** 2)(3.0)
        (Array(9., dtype=float32), Array(6., dtype=float32))
    """
    _check_callable(fun, "value_and_grad")

    @functools.wraps(fun)
    def value_and_grad_f(*args: Any, **kwargs: Any) -> Any:
        f, _, flat, in_tree = _diff_args(
            fun, args, kwargs, argnums, "grad",
            lambda dyn: _check_grad_inputs(dyn, holomorphic, allow_int, "grad"),
        )  # fmt: skip
        lin = _linearize(f, flat, in_tree, has_aux, "grad")
        if len(lin.out_primals) != 1 or lin.out_avals[0].shape != ():
            shapes = [a.shape for a in lin.out_avals]
            raise TypeError(
                "Gradient only defined for scalar-output functions. Output "
                + (
                    f"had shape: {shapes[0]}."
                    if len(shapes) == 1
                    else f"was a pytree with shapes {shapes}."
                )
            )
        ans = lin.out_primals[0]
        dt = ans.dtype
        if holomorphic:
            if not dtypes.is_complex(dt):
                raise TypeError(
                    f"grad with holomorphic=True requires a complex output, got {dt.name}"
                )
        elif not dtypes.is_float(dt):
            raise TypeError(
                "grad requires real-valued outputs (output dtype that is a sub-dtype of "
                "np.floating), "
                f"but got {dt.name}. For holomorphic differentiation, pass holomorphic=True. For "
                "differentiation of non-holomorphic functions involving complex outputs, use "
                "jax-style "
                "vjp directly."
            )
        ct = tu.tree_unflatten(lin.out_tree, [ew.full((), 1, dt)])
        grads = _pullback(lin, "grad")(ct)
        g = grads[0] if isinstance(argnums, int) else tuple(grads)
        out = tu.tree_unflatten(lin.out_tree, lin.out_primals)
        return ((out, lin.aux), g) if has_aux else (out, g)

    return value_and_grad_f


@overload
def grad(
    fun: Callable[Concatenate[A, P], ArrayLike],
    argnums: Literal[0] = 0,
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> Callable[Concatenate[A, P], A]: ...
@overload
def grad(
    fun: Callable[Concatenate[A, P], tuple[ArrayLike, X]],
    argnums: Literal[0] = 0,
    *,
    has_aux: Literal[True],
    holomorphic: bool = False,
    allow_int: bool = False,
) -> Callable[Concatenate[A, P], tuple[A, X]]: ...
@overload
def grad(
    fun: Callable[Concatenate[A, A2, P], ArrayLike],
    argnums: tuple[Literal[0], Literal[1]],
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> Callable[Concatenate[A, A2, P], tuple[A, A2]]: ...
@overload
def grad(
    fun: Callable[P, Any],
    argnums: int | Sequence[int],
    has_aux: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> Callable[P, Any]: ...
def grad(
    fun: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
    holomorphic: bool = False, allow_int: bool = False,
) -> Callable[..., Any]:  # fmt: skip
    """The gradient of a scalar-valued ``fun`` with respect to the arguments ``argnums``.

    The gradient is reverse mode: the pullback of the output cotangent ``1``. It has the
    structure of the differentiated argument (a pytree for a pytree argument), and is
    typed as that argument (for ``argnums=0`` and ``argnums=(0, 1)``; other ``argnums``
    give ``Any``), so ``w - lr * grad(loss)(w)`` type-checks.

    Args:
        fun: A function with a real scalar output (complex with ``holomorphic``).
        argnums: The positional argument(s) to differentiate with respect to: an int (one
            gradient) or a sequence of ints (a tuple of gradients).
        has_aux: ``fun`` returns ``(output, aux)``; the new function returns
            ``(gradient, aux)``.
        holomorphic: ``fun`` is holomorphic with complex inputs and output: return the
            complex derivative.
        allow_int: Accept integer and boolean inputs; their gradients are ``float0`` zeros.

    Returns:
        A function with ``fun``'s arguments returning the gradient.

    Raises:
        TypeError: ``fun`` is not callable; or, when called, the output is not a real
            scalar, an input is an integer without ``allow_int``, or ``holomorphic`` is
            set with real inputs or output.
        ValueError: When called, ``argnums`` is out of range for the arguments given.

    Examples:
        >>> fad.grad(lambda x: x ** 3)(2.0)
        Array(12., dtype=float32)
        >>> fad.grad(lambda x, y: x * y, argnums=(0, 1))(2.0, 5.0)
        (Array(5., dtype=float32), Array(2., dtype=float32))
    """
    _check_callable(fun, "grad")
    vg = value_and_grad(fun, argnums, has_aux, holomorphic, allow_int)

    @functools.wraps(fun)
    def grad_f(*args: Any, **kwargs: Any) -> Any:
        if has_aux:
            (_, aux), g = vg(*args, **kwargs)
            return g, aux
        _, g = vg(*args, **kwargs)
        return g

    return grad_f


# ---------------------------------------------------------------------------
# vmap
# ---------------------------------------------------------------------------


def _leaf_names(
    fun: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> list[str]:
    """A readable name for each flattened leaf of ``(args, kwargs)``, for error messages."""
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        params = []
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names: list[str] = []

    def add(arg: Any, name: str) -> None:
        n = len(tu.tree_leaves(arg))
        paths = _paths(arg, "")
        if paths is not None and len(paths) == n:
            names.extend(f"{name}{p}" if p else name for p in paths)
        else:  # a custom node: fall back to leaf numbers
            names.extend([name] if n == 1 else [f"leaf {j} of {name}" for j in range(n)])

    for k, a in enumerate(args):
        ok = k < len(params) and params[k].kind in positional
        add(a, f"argument {params[k].name}" if ok else f"argument args[{k}]")
    for key in sorted(kwargs):
        add(kwargs[key], f"keyword argument {key}")
    return names


def _paths(x: Any, prefix: str) -> list[str] | None:
    """``['a'][0]``-style paths of the leaves of plain dicts, lists and tuples, in flatten
    order; None when ``x`` holds anything else that is not a leaf."""
    if x is None:
        return []
    if type(x) is dict or isinstance(x, (list, tuple)):
        try:
            items = [(k, x[k]) for k in sorted(x)] if type(x) is dict else list(enumerate(x))
        except TypeError:
            return None
        out: list[str] = []
        for k, v in items:
            sub = _paths(v, f"{prefix}[{k!r}]")
            if sub is None:
                return None
            out.extend(sub)
        return out
    return [prefix] if core.is_arraylike(x) else None


def _check_axes_spec(spec: Any, what: str) -> None:
    """in_axes/out_axes leaves must be ints or None (checked when ``vmap`` is called)."""
    for leaf in tu.tree_leaves(spec, is_leaf=lambda x: x is None):
        if leaf is not None and (not isinstance(leaf, int) or isinstance(leaf, bool)):
            raise TypeError(
                f"vmap {what} must be an int, None, or a (nested) container of those, "
                f"got {spec!r} (the entry {leaf!r} is a {type(leaf).__name__})"
            )


def _axis_of(ax: int | None, x: Array, name: str) -> int | None:
    if ax is None:
        return None
    if not -x.ndim <= ax < x.ndim:
        raise ValueError(
            f"vmap was requested to map {name} along axis {ax}, which implies that its rank "
            f"should be at least {ax + 1 if ax >= 0 else -ax}, but is only {x.ndim} "
            f"(its shape is {x.shape})"
        )
    return ax % x.ndim


def vmap(
    fun: Callable[P, R], in_axes: Any = 0, out_axes: Any = 0, axis_size: int | None = None,
    axis_name: Any = None,
) -> Callable[P, R]:  # fmt: skip
    """Vectorize ``fun`` over a batch axis of its arguments and results.

    ``in_axes`` is an int, None, or a tuple with one entry (a prefix tree) per positional
    argument; keyword arguments are always mapped over their axis 0, as in JAX. Negative
    axes count from the end. ``axis_size`` is needed only when no argument is mapped.

    Statically the batched function has ``fun``'s signature, which is exact for array
    arguments and results; the extra batch axis is not visible in the types (shapes are
    not part of ``fad.Array``'s type).

    Args:
        fun: The function to batch; it is written for one example.
        in_axes: The batch axis of each argument (``None``: not batched, the same value
            for every example).
        out_axes: Where the batch axis goes in each output (a prefix tree of the output);
            ``None`` for an output that does not depend on the batch.
        axis_size: The batch size, when no argument is batched.
        axis_name: A name for the batch axis (accepted for JAX compatibility).

    Returns:
        The batched function.

    Raises:
        TypeError: ``fun`` is not callable, or ``in_axes``/``out_axes``/``axis_size`` are
            not of the accepted forms.
        ValueError: When called: ``in_axes`` does not match the arguments, a batch axis is
            out of range, the batched arguments disagree on the batch size, nothing is
            batched and no ``axis_size`` is given, or an output with ``out_axes=None``
            depends on the batch.

    Examples:
        >>> fad.vmap(jnp.dot, in_axes=(0, None))(jnp.ones((4, 3)), jnp.arange(3.0))
        Array([3., 3., 3., 3.], dtype=float32)
    """
    _check_callable(fun, "vmap")
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)
    if not (in_axes is None or isinstance(in_axes, (int, tuple))) or isinstance(in_axes, bool):
        raise TypeError(
            "vmap in_axes must be an int, None, or a tuple of entries corresponding to the "
            f"positional arguments passed to the function, but got {in_axes!r}"
        )
    _check_axes_spec(in_axes, "in_axes")
    _check_axes_spec(out_axes, "out_axes")
    if axis_size is not None and (not isinstance(axis_size, int) or axis_size < 0):
        raise TypeError(f"vmap axis_size must be a non-negative int or None, got {axis_size!r}")

    @functools.wraps(fun)
    def batched(*args: Any, **kwargs: Any) -> Any:
        if isinstance(in_axes, tuple) and len(in_axes) != len(args):
            raise ValueError(
                "vmap in_axes must be an int, None, or a tuple of entries corresponding to the "
                "positional arguments passed to the function, but got "
                f"len(in_axes)={len(in_axes)}, len(args)={len(args)}"
            )
        axes = tu.prefix_broadcast(in_axes, args, "vmap in_axes")
        axes += [0] * len(tu.tree_leaves(kwargs))
        flat, in_tree = _flatten_args((args, kwargs), "vmap argument")
        names: list[str] | None = None
        dims: list[int | None] = []
        for ax, x in zip(axes, flat, strict=True):
            if ax is not None and not -x.ndim <= ax < x.ndim:
                names = names or _leaf_names(fun, args, kwargs)
                _axis_of(ax, x, names[len(dims)])
            dims.append(None if ax is None else ax % x.ndim)
        sizes = {x.shape[d] for x, d in zip(flat, dims, strict=True) if d is not None}
        if axis_size is not None:
            sizes.add(axis_size)
        if len(sizes) > 1:
            names = names or _leaf_names(fun, args, kwargs)
            detail = "; ".join(
                f"{names[i]} of type {x.aval.str_short()} has size {x.shape[d]} along axis {d}"
                for i, (x, d) in enumerate(zip(flat, dims, strict=True))
                if d is not None
            )
            extra = f"; and axis_size={axis_size} was given" if axis_size is not None else ""
            raise ValueError(f"vmap got inconsistent sizes for the mapped axis: {detail}{extra}")
        if not sizes:
            raise ValueError(
                "vmap must have at least one non-None value in in_axes, or be given axis_size"
            )
        (size,) = sizes
        return _vmap_flat(fun, flat, dims, in_tree, size, out_axes, axis_name)

    return batched


def _vmap_flat(
    fun: Callable[..., Any], flat: list[Array], dims: list[int | None], in_tree: tu.PyTreeDef,
    size: int, out_axes: Any, axis_name: Any,
) -> Any:  # fmt: skip
    handler = BatchHandler(size, axis_name)
    with core.installed(handler):
        ins = [x if d is None else BatchTracer(handler, x, d)
               for x, d in zip(flat, dims, strict=True)]  # fmt: skip
        args, kwargs = tu.tree_unflatten(in_tree, ins)
        out = fun(*args, **kwargs)
    flat_out, out_tree = _flatten_args(out, "vmap output")
    o_axes = tu.prefix_broadcast(out_axes, out, "vmap out_axes")
    results = []
    for i, (o, ax) in enumerate(zip(flat_out, o_axes, strict=True)):
        val, bdim = handler.unwrap(o)
        if ax is None:
            if bdim is not None:
                raise ValueError(
                    f"vmap has mapped output but out_axes is None: output leaf {i} varies along "
                    f"the mapped axis (batched value of type {val.aval.str_short()}, mapped "
                    f"axis {bdim} of size {size}); give an int out_axes for it"
                )
            results.append(val)
            continue
        nd = val.ndim + (1 if bdim is None else 0)
        if not -nd <= ax < nd:
            raise ValueError(
                f"vmap out_axes {ax} is out of range for output leaf {i}: with the mapped axis "
                f"of size {size} added it has rank {nd}, so out_axes must be in [{-nd}, {nd})"
            )
        results.append(batching.bdim_to(val, bdim, size, ax % nd))
    return tu.tree_unflatten(out_tree, results)


# ---------------------------------------------------------------------------
# Jacobians and Hessians
# ---------------------------------------------------------------------------


def _std_basis(flat: list[Array]) -> tuple[list[Array], int]:
    """One stacked basis leaf per input leaf: the identity on the flattened inputs."""
    sizes = [x.size for x in flat]
    n = sum(sizes)
    dt = dtypes.result_type(*[(x.dtype, False) for x in flat])[0] if flat else np.dtype(np.float32)
    eye = np.eye(n, dtype=dt)
    out, start = [], 0
    for x, s in zip(flat, sizes, strict=True):
        out.append(Array(eye[:, start : start + s].reshape((n, *x.shape)).astype(x.dtype)))
        start += s
    return out, n


def _check_jac_inputs(dyn: Sequence[Any], holomorphic: bool, name: str) -> None:
    for i, leaf in enumerate(tu.tree_leaves(dyn)):
        dt = _leaf_to_array(leaf, f"{name} argument").dtype
        if holomorphic and not dtypes.is_complex(dt):
            raise TypeError(
                f"{name} with holomorphic=True requires complex inputs, got {dt.name} for leaf {i}"
            )
        if not holomorphic and not dtypes.is_float(dt):
            raise TypeError(
                f"{name} requires real-valued inputs (input dtype that is a sub-dtype of "
                "np.floating), "
                f"but got {dt.name} for input leaf {i}. For holomorphic differentiation, pass "
                "holomorphic=True."
            )


def jacfwd(
    fun: Callable[P, Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
    holomorphic: bool = False,
) -> Callable[P, Any]:  # fmt: skip
    """The Jacobian by forward mode: ``vmap`` of ``jvp`` over the input basis.

    One JVP per input element, batched; efficient when there are fewer inputs than outputs.
    The result has shape ``out.shape + in.shape`` (per pair of output and input leaves).

    Args:
        fun: The function to differentiate.
        argnums: The positional argument(s) to differentiate with respect to.
        has_aux: ``fun`` returns ``(output, aux)``; the new function returns
            ``(jacobian, aux)``.
        holomorphic: ``fun`` is holomorphic with complex inputs: return the complex Jacobian.

    Returns:
        A function with ``fun``'s arguments returning the Jacobian.

    Raises:
        TypeError: ``fun`` is not callable; or, when called, an input is not real-valued
            (complex without ``holomorphic``, or integer).

    Examples:
        >>> fad.jacfwd(lambda x: x ** 2)(jnp.array([1.0, 2.0]))
        Array([[2., 0.],
               [0., 4.]], dtype=float32)
    """
    _check_callable(fun, "jacfwd")

    def jacfun(*args: Any, **kwargs: Any) -> Any:
        f, _, flat, in_tree = _diff_args(
            fun, args, kwargs, argnums, "jacfwd",
            lambda dyn: _check_jac_inputs(dyn, holomorphic, "jacfwd"),
        )  # fmt: skip
        basis, n = _std_basis(flat)

        def push(*tangents: Array) -> Any:
            primals = tuple(tu.tree_unflatten(in_tree, flat))
            tans = tuple(tu.tree_unflatten(in_tree, list(tangents)))
            res = _jvp_any(f, primals, tans, has_aux=has_aux)
            return (res[1], res[0], res[2]) if has_aux else (res[1], res[0])

        res = vmap(push, out_axes=(-1, None, None) if has_aux else (-1, None))(*basis)
        jac_flat_tree = res[0]
        jac = _reshape_jacobian(
            jac_flat_tree, flat, in_tree, isinstance(argnums, int), n, last=True
        )
        return (jac, res[2]) if has_aux else jac

    return functools.wraps(fun)(jacfun)


def jacrev(
    fun: Callable[P, Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
    holomorphic: bool = False, allow_int: bool = False,
) -> Callable[P, Any]:  # fmt: skip
    """The Jacobian by reverse mode: ``vmap`` of the pullback over the output basis.

    One VJP per output element, batched; efficient when there are fewer outputs than inputs.
    The result has shape ``out.shape + in.shape`` (per pair of output and input leaves).

    Args:
        fun: The function to differentiate.
        argnums: The positional argument(s) to differentiate with respect to.
        has_aux: ``fun`` returns ``(output, aux)``; the new function returns
            ``(jacobian, aux)``.
        holomorphic: ``fun`` is holomorphic with complex inputs: return the complex Jacobian.
        allow_int: Accepted for JAX compatibility.

    Returns:
        A function with ``fun``'s arguments returning the Jacobian.

    Raises:
        TypeError: ``fun`` is not callable; or, when called, an input is not real-valued
            (complex without ``holomorphic``, or integer).

    Examples:
        >>> fad.jacrev(lambda x: jnp.sum(x ** 2))(jnp.array([1.0, 2.0]))
        Array([2., 4.], dtype=float32)
    """
    _check_callable(fun, "jacrev")

    def jacfun(*args: Any, **kwargs: Any) -> Any:
        f, dyn, flat_in, in_tree = _diff_args(
            fun, args, kwargs, argnums, "jacrev",
            lambda dyn: _check_jac_inputs(dyn, holomorphic, "jacrev"),
        )  # fmt: skip
        res = _vjp_any(f, *dyn, has_aux=has_aux)
        y, pullback = res[0], res[1]
        flat_out, out_tree = _flatten_args(y, "jacrev output")
        basis, _ = _std_basis(flat_out)
        cts = vmap(lambda *c: pullback(tu.tree_unflatten(out_tree, list(c))))(*basis)
        # cts: per input leaf (inside the argnums tuple), shape (m, *in_shape).
        flat_cts = tu.tree_leaves(cts)
        per_out: list[list[Array]] = [[] for _ in flat_out]
        for c, x in zip(flat_cts, flat_in, strict=True):
            start = 0
            for k, o in enumerate(flat_out):
                piece = st.slice_in_dim(c, start, start + o.size, axis=0)
                per_out[k].append(st.reshape(piece, (*o.shape, *x.shape)))
                start += o.size
        leaves = []
        for k in range(len(flat_out)):
            t = tu.tree_unflatten(in_tree, per_out[k])
            leaves.append(t[0] if isinstance(argnums, int) else tuple(t))
        jac = tu.tree_unflatten(out_tree, leaves)
        return (jac, res[2]) if has_aux else jac

    return functools.wraps(fun)(jacfun)


def _reshape_jacobian(
    jac_tree: Any, flat_in: list[Array], in_tree: tu.PyTreeDef, single: bool, n: int, last: bool
) -> Any:
    """Split the basis axis of each output leaf into one block per input leaf."""
    flat_out, out_tree = tu.tree_flatten(jac_tree)
    leaves = []
    for o in flat_out:
        out_shape = o.shape[:-1]
        pieces, start = [], 0
        for x in flat_in:
            piece = st.slice_in_dim(o, start, start + x.size, axis=o.ndim - 1)
            pieces.append(st.reshape(piece, (*out_shape, *x.shape)))
            start += x.size
        t = tu.tree_unflatten(in_tree, pieces)
        leaves.append(t[0] if single else tuple(t))
    return tu.tree_unflatten(out_tree, leaves)


def hessian(fun: Callable[P, Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
            holomorphic: bool = False) -> Callable[P, Any]:  # fmt: skip
    """Dense Hessian, forward-over-reverse: ``jacfwd(jacrev(fun))``.

    For a scalar ``fun`` of an array of shape ``s`` the result has shape ``s + s``. To apply
    the Hessian to a vector, prefer ``jvp(grad(fun), (x,), (v,))``, which never builds it.

    Args:
        fun: A scalar-valued function.
        argnums: The positional argument(s) to differentiate with respect to.
        has_aux: ``fun`` returns ``(output, aux)``; the new function returns
            ``(hessian, aux)``.
        holomorphic: ``fun`` is holomorphic with complex inputs.

    Returns:
        A function with ``fun``'s arguments returning the Hessian.

    Raises:
        TypeError: As :func:`jacfwd` and :func:`jacrev`.

    Examples:
        >>> fad.hessian(lambda x: jnp.sum(x ** 3))(jnp.array([1.0, 2.0]))
        Array([[ 6.,  0.],
               [ 0., 12.]], dtype=float32)
    """
    return jacfwd(jacrev(fun, argnums, has_aux, holomorphic), argnums, has_aux, holomorphic)


# ---------------------------------------------------------------------------
# Staging for inspection
# ---------------------------------------------------------------------------


def make_jaxpr(
    fun: Callable[P, Any], static_argnums: int | Sequence[int] = ()
) -> Callable[P, ClosedProgram]:
    """``make_jaxpr(f)(*args)`` traces ``f`` at the avals of ``args`` and returns the program.

    The program is what ``jit`` would compile for these argument shapes and dtypes; it
    prints as typed equations, one per primitive. Transformed functions can be traced too,
    for example ``make_jaxpr(grad(f))``.

    Args:
        fun: The function to trace.
        static_argnums: Positional arguments passed through as Python values, not traced.

    Returns:
        A function taking ``fun``'s arguments and returning a ``ClosedProgram`` (printable;
        callable with arrays of the traced shapes).

    Raises:
        TypeError: ``fun`` is not callable.
        fad.ConcretizationError: When called, ``fun`` needs the value of a traced argument.

    Examples:
        >>> print(fad.make_jaxpr(lambda x: jnp.sin(x) * 2.0)(1.0))
        { lambda  ; a:f32[]. let
            b:f32[] = sin a
            c:f32[] = mul b 2.0
          in (c) }
    """
    _check_callable(fun, "make_jaxpr")
    statics = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    def traced(*args: Any) -> ClosedProgram:
        dyn_nums = tuple(i for i in range(len(args)) if i not in statics)
        f, dyn = _partial_args(fun, args, {}, dyn_nums)
        flat, in_tree = _flatten_args(dyn, "make_jaxpr argument")
        handler = StageHandler(forward_known=False)
        with core.installed(handler):
            ins = [handler.new_arg(x.aval) for x in flat]
            out = f(*tu.tree_unflatten(in_tree, ins))
            flat_out, _ = _flatten_args(out, "make_jaxpr output")
        return handler.build(ins, flat_out)

    return cast("Callable[P, ClosedProgram]", traced)
