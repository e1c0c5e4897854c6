"""``custom_jvp`` and ``custom_vjp``: user-written derivative rules that every
transformation honours.

A ``custom_jvp`` function binds ``custom_jvp_call``, which carries the staged
primal program and the user's rule. Evaluated, staged or lowered, it is the
primal program; the JVP handler calls the rule instead (on the parent level, so
reverse mode partially evaluates it like any other code); ``vmap`` batches both.

A ``custom_vjp`` function binds ``custom_vjp_call``. Its JVP rule runs the
user's ``fwd`` on the primals and emits ``custom_vjp_lin`` on the residuals and
tangents: a primitive linear in the tangents whose transpose calls the user's
``bwd`` on the cotangents. ``custom_vjp_lin`` has no evaluation, JVP or lowering
(a ``bwd`` alone does not give Jacobian-vector products, JAX's rule too), so only
reverse mode, which stages and transposes it, can use it: forward mode gets the
custom_vjp error where the JVP rule binds it (under ``jit``, compiling the staged
primitive fails for want of a lowering). ``vmap`` batches ``fwd`` and ``bwd`` as well
as the primal program.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import (
    TYPE_CHECKING,
    Any,
    Generic,
    Literal,
    TypeAlias,
    TypeVar,
    TypeVarTuple,
    final,
    overload,
)

import numpy as np

from fad._src import core, dtypes
from fad._src import tree_util as tu
from fad._src.core import Array, ShapedArray
from fad._src.interpreters import batch as batching
from fad._src.interpreters import jvp as jvp_mod
from fad._src.interpreters import transpose as transpose_mod
from fad._src.interpreters.batch import BDim
from fad._src.interpreters.jvp import MaybeZero, Zero, tangent_aval
from fad._src.interpreters.programs import (
    batch_fun,
    batch_program,
    check_operands,
    fix_weak,
    flat_arrays,
    not_array_leaf,
    trace_to_program,
)
from fad._src.ir import ClosedProgram
from fad._src.prims import elementwise as ew
from fad._src.typing import Cotangent, Tangent
from fad._src.xla import lowering

__all__ = [
    "SymbolicZero",
    "custom_jvp",
    "custom_jvp_call_p",
    "custom_vjp",
    "custom_vjp_call_p",
    "custom_vjp_lin_p",
]

Ts = TypeVarTuple("Ts")
R = TypeVar("R")
Res = TypeVar("Res")
A = TypeVar("A")
A2 = TypeVar("A2")
A3 = TypeVar("A3")

# The static types of the rules (see "Static types" in the custom_jvp and custom_vjp
# docstrings). A JVP rule maps the tuple of arguments and its tangent to the output and
# its tangent; the rule of a function with ``nondiff_argnums`` takes those arguments
# first, typed loosely (``Any``; the primals ``tuple[Any, ...]``): which arguments they
# are is a run-time value, so the types cannot split them off ``*Ts``.
JvpRule: TypeAlias = Callable[[tuple[*Ts], Tangent[tuple[*Ts]]], tuple[R, Tangent[R]]]
_JvpRule1: TypeAlias = Callable[[Any, tuple[Any, ...], Tangent[Any]], tuple[R, Tangent[R]]]
_JvpRule2: TypeAlias = Callable[[Any, Any, tuple[Any, ...], Tangent[Any]], tuple[R, Tangent[R]]]
_JvpRule3: TypeAlias = Callable[
    [Any, Any, Any, tuple[Any, ...], Tangent[Any]], tuple[R, Tangent[R]]
]

custom_jvp_call_p = core.new_primitive("custom_jvp_call", multiple_results=True)
custom_vjp_call_p = core.new_primitive("custom_vjp_call", multiple_results=True)
custom_vjp_lin_p = core.new_primitive("custom_vjp_lin", multiple_results=True)


@final
class SymbolicZero:
    """A zero tangent (or cotangent) that carries no data, only its shape and dtype.

    Rules defined with ``symbolic_zeros=True`` receive these for inputs that have no
    tangent, and may return them for outputs whose tangent is zero.
    """

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray) -> None:
        self.aval = aval

    @property
    def shape(self) -> tuple[int, ...]:
        return self.aval.shape

    @property
    def dtype(self) -> np.dtype[Any]:
        return self.aval.dtype

    def __repr__(self) -> str:
        return f"SymbolicZero({self.aval.str_short()})"


# ---------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------


def _name(fun: Any) -> str:
    return getattr(fun, "__name__", type(fun).__name__)


def _resolve_args(fun: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                  what: str) -> tuple[Any, ...]:  # fmt: skip
    """Keyword arguments turned positional (the rules take positional arguments)."""
    if not kwargs:
        return args
    try:
        bound = inspect.signature(fun).bind(*args, **kwargs)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{what}: cannot bind the arguments to the function: {err}") from None
    bound.apply_defaults()
    if bound.kwargs:
        raise TypeError(
            f"{what}: keyword-only arguments ({', '.join(bound.kwargs)}) are not supported; "
            "pass every argument positionally"
        )
    return tuple(bound.args)


def _nondiff(nums: Sequence[int], nargs: int, what: str) -> tuple[int, ...]:
    out = []
    for n in nums:
        if not isinstance(n, int) or isinstance(n, bool) or not -nargs <= n < nargs:
            raise ValueError(
                f"{what}: nondiff_argnums entry {n!r} is out of range for a call with {nargs} "
                "positional arguments"
            )
        out.append(n % nargs)
    return tuple(sorted(set(out)))


def _flat_arrays(tree: Any, what: str) -> tuple[list[Array], tu.PyTreeDef]:
    return flat_arrays(tree, not_array_leaf(what, "; use nondiff_argnums for other arguments"))


def _argnames_to_nums(
    fun: Callable[..., Any], names: Sequence[str], nums: Sequence[int], what: str
) -> tuple[int, ...]:
    """The positions of the parameters ``names`` of ``fun`` (``nondiff_argnames``)."""
    names = (names,) if isinstance(names, str) else tuple(names)
    if not names:
        return ()
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError) as err:
        raise TypeError(f"{what}: nondiff_argnames needs a function with a signature") from err
    positional = [
        p.name for p in params
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]  # fmt: skip
    out = []
    for n in names:
        if n not in positional:
            raise ValueError(f"{what}: nondiff_argnames entry {n!r} is not a positional parameter")
        i = positional.index(n)
        if i not in nums:
            out.append(i)
    return tuple(sorted(out))


class _Split:
    """The positional arguments of a call, split into static (nondiff) and dynamic ones."""

    def __init__(self, args: tuple[Any, ...], nondiff: tuple[int, ...]) -> None:
        self.n = len(args)
        self.nondiff = nondiff
        self.static = [args[i] for i in nondiff]
        self.dyn = tuple(a for i, a in enumerate(args) if i not in nondiff)

    def merge(self, dyn: Sequence[Any]) -> list[Any]:
        it_s, it_d = iter(self.static), iter(dyn)
        return [next(it_s) if i in self.nondiff else next(it_d) for i in range(self.n)]


_Traced = tuple[_Split, list[Array], tu.PyTreeDef, ClosedProgram, list[Array], tu.PyTreeDef]


def _trace_call(
    fun: Callable[..., Any], nondiff_argnums: Sequence[int], args: tuple[Any, ...],
    kwargs: dict[str, Any], what: str,
) -> _Traced:  # fmt: skip
    """Bind a call of a custom-derivative function and stage it on its differentiable
    arguments: (split arguments, flat operands, their tree, program, hoisted consts, out tree).
    """
    full = _resolve_args(fun, args, kwargs, what)
    split = _Split(full, _nondiff(nondiff_argnums, len(full), what))
    flat, in_tree = _flat_arrays(split.dyn, f"{what}: the differentiable arguments")

    def fun_flat(*xs: Array) -> Any:
        return fun(*split.merge(tu.tree_unflatten(in_tree, list(xs))))

    call, consts, out_tree = trace_to_program(fun_flat, [x.aval for x in flat], what)
    return split, flat, in_tree, call, consts, out_tree


def _zero_tangent(aval: ShapedArray, symbolic: bool) -> Any:
    t_aval = tangent_aval(aval)
    if symbolic:
        return SymbolicZero(t_aval)
    if dtypes.is_inexact(aval.dtype):
        return core.zeros(t_aval.strip_weak_type())
    return np.zeros(aval.shape, dtypes.float0)


def _is_zero_leaf(x: Any) -> bool:
    return (
        x is None
        or isinstance(x, SymbolicZero)
        or (isinstance(x, np.ndarray) and x.dtype == dtypes.float0)
    )


def _as_tangent(x: Any, like: ShapedArray, what: str) -> MaybeZero:
    """A rule's (co)tangent leaf, checked against its primal's type: zeros stay symbolic."""
    if _is_zero_leaf(x):
        if isinstance(x, (SymbolicZero, np.ndarray)) and x.shape != like.shape:
            raise ValueError(f"{what} has shape {x.shape}, expected {like.shape}")
        return Zero(tangent_aval(like))
    a = x if isinstance(x, Array) else core.asarray(x)
    if a.shape != like.shape:
        raise ValueError(
            f"{what} has shape {a.shape}, but the corresponding primal has shape {like.shape} "
            f"(expected {tangent_aval(like).str_short()}, got {a.aval.str_short()})"
        )
    if not dtypes.is_inexact(like.dtype):
        return Zero(tangent_aval(like))
    if a.dtype != like.dtype:
        if a.aval.weak_type or not dtypes.is_inexact(a.dtype):
            return ew.convert_element_type(a, like.dtype)
        raise TypeError(
            f"{what} has dtype {a.dtype.name}, but the corresponding primal has dtype "
            f"{like.dtype.name}"
        )
    return a


def _instantiate(t: MaybeZero) -> Array:
    return core.zeros(t.aval.strip_weak_type()) if isinstance(t, Zero) else t


def _vmap_flat(
    fn: Callable[..., Sequence[Array]], args: Sequence[Array], dims: Sequence[BDim], size: int
) -> list[Array]:
    """``fn`` mapped over the batch axes ``dims`` of ``args``; every result batched at 0."""
    return [batching.bdim_at_front(v, d, size) for v, d in batch_fun(fn, args, dims, size)]


def _closure_error(kind: str) -> TypeError:
    return TypeError(
        f"Detected differentiation of a {kind} function with respect to a closed-over value. "
        f"That isn't supported because the custom rule only says how to differentiate the "
        f"{kind} function with respect to its explicit arguments. Pass the closed-over value "
        "into the function as an argument, and adapt the rule."
    )


def _call_abstract(*avals: ShapedArray, call: ClosedProgram, **_: Any) -> list[ShapedArray]:
    check_operands(avals, call, "custom derivative call")
    return call.out_avals


def _call_impl(*args: Array, call: ClosedProgram, **_: Any) -> list[Array]:
    return fix_weak(call(*args), call.out_avals)


def _call_lowering(ctx: lowering.LoweringContext, *args: lowering.Value, call: ClosedProgram,
                   **_: Any) -> list[lowering.Value]:  # fmt: skip
    return ctx.call(call, args)


class _CustomFunction(Generic[*Ts, R]):
    """The call of ``custom_jvp``/``custom_vjp`` (each defines ``_call``): typed as
    ``fun``'s positional call."""

    if TYPE_CHECKING:
        # Statically a positional call; at run time keywords are bound to ``fun``'s
        # parameters as well (the rules receive positional arguments).
        def __call__(self, *args: *Ts) -> R: ...
    else:

        def __call__(self, *args: Any, **kwargs: Any) -> R:
            return self._call(args, kwargs)


# ---------------------------------------------------------------------------
# custom_jvp
# ---------------------------------------------------------------------------

# The flat form of a JVP rule: (primals, tangents) -> (primal outputs, tangent outputs).
JvpFlat = Callable[[Sequence[Array], Sequence[MaybeZero]], tuple[list[Array], list[MaybeZero]]]


class custom_jvp(_CustomFunction[*Ts, R]):
    """A function with a custom JVP rule, used under every transformation.

    Wrap a function whose automatic derivative is wrong or unstable (``log(1 + exp(x))``
    overflows for large ``x``) and give it its derivative. The rule is used by ``jvp``
    directly, by reverse mode transposed (so it must be linear in the tangents, as JVPs
    are), and by ``vmap``, ``jit`` and higher derivatives, which differentiate the rule.

    Set the rule with ``f.defjvp(rule)`` (usable as a decorator), where
    ``rule(primals, tangents) -> (primal_out, tangent_out)`` receives the arguments as a
    tuple and their tangents as a ``Tangent`` of that tuple, or with
    ``f.defjvps(*partials)``, one ``partial(tangent, primal_out, *primals)`` per argument.

    Static types: ``custom_jvp(fun)`` for ``fun: (*Ts) -> R`` is a ``custom_jvp[*Ts, R]``,
    called with the positional arguments ``*Ts`` (keywords work at run time, but the type
    describes positional calls). A rule is a
    ``(tuple[*Ts], Tangent[tuple[*Ts]]) -> tuple[R, Tangent[R]]``: it splits the tangents
    with ``fad.unpack`` and marks its tangent output with ``fad.tangent`` (or builds it by
    tangent arithmetic), so a rule that returns a bare array as the output tangent is
    rejected. With ``nondiff_argnums`` (one to three of them) the rule takes those
    arguments first; they are typed ``Any``, the primals ``tuple[Any, ...]`` and the
    tangents ``Tangent[Any]``, since which arguments are static is a run-time value; the
    result is still checked. Which form applies is not checked either: a two-parameter
    rule for a function with ``nondiff_argnums`` type-checks, and fails when called. With
    ``symbolic_zeros=True`` the tangents are typed ``Any`` (they may be
    ``SymbolicZero``, or None in the output).

    Args:
        fun: The function. Its own body gives the primal value; only its derivative is
            replaced.
        nondiff_argnums: Positions of arguments that are not differentiated (Python
            values such as a callable or a tolerance, or arrays held fixed). They are
            passed to the rule first, as they are, and get no tangent.

    Raises:
        TypeError: If ``fun`` or the rule is not callable.
        AttributeError: If the function is differentiated before ``defjvp``.

    Example:
        >>> @fad.custom_jvp
        ... def softplus(x: fad.Array) -> fad.Array:
        ...     return jnp.log1p(jnp.exp(x))
        >>> @softplus.defjvp
        ... def softplus_jvp(primals, tangents):
        ...     (x,), (t,) = primals, fad.unpack(tangents)
        ...     return softplus(x), t * (1.0 / (1.0 + jnp.exp(-x)))
        >>> fad.grad(softplus)(jnp.array(100.0))  # the naive gradient is nan
        Array(1., dtype=float32)
    """

    def __init__(
        self, fun: Callable[[*Ts], R], nondiff_argnums: Sequence[int] = (),
        nondiff_argnames: Sequence[str] = (),
    ) -> None:  # fmt: skip
        if not callable(fun):
            raise TypeError(f"custom_jvp expects a callable, got {type(fun).__name__}")
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums) + _argnames_to_nums(
            fun, nondiff_argnames, nondiff_argnums, "custom_jvp"
        )
        self.jvp: Callable[..., Any] | None = None
        self.symbolic_zeros = False
        functools.update_wrapper(self, fun)

    @overload
    def defjvp(
        self, jvp: JvpRule[*Ts, R], symbolic_zeros: Literal[False] = False
    ) -> JvpRule[*Ts, R]: ...
    @overload
    def defjvp(self, jvp: _JvpRule1[R], symbolic_zeros: Literal[False] = False) -> _JvpRule1[R]: ...
    @overload
    def defjvp(self, jvp: _JvpRule2[R], symbolic_zeros: Literal[False] = False) -> _JvpRule2[R]: ...
    @overload
    def defjvp(self, jvp: _JvpRule3[R], symbolic_zeros: Literal[False] = False) -> _JvpRule3[R]: ...
    @overload
    def defjvp(
        self, jvp: Callable[..., tuple[R, Any]], symbolic_zeros: Literal[True]
    ) -> Callable[..., tuple[R, Any]]: ...
    def defjvp(self, jvp: Callable[..., Any], symbolic_zeros: bool = False) -> Callable[..., Any]:
        """Set the rule; returns it, so this works as a decorator.

        With ``symbolic_zeros=True`` inputs without a tangent get a ``SymbolicZero``
        instead of an array of zeros, and the rule may return ``SymbolicZero`` s (or None).
        """
        if not callable(jvp):
            raise TypeError(f"defjvp expects a callable, got {type(jvp).__name__}")
        self.jvp = jvp
        self.symbolic_zeros = symbolic_zeros
        return jvp

    @overload
    def defjvps(
        self: custom_jvp[A, R], jvp0: Callable[[Tangent[A], R, A], Tangent[R]] | None, /
    ) -> None: ...
    @overload
    def defjvps(
        self: custom_jvp[A, A2, R],
        jvp0: Callable[[Tangent[A], R, A, A2], Tangent[R]] | None,
        jvp1: Callable[[Tangent[A2], R, A, A2], Tangent[R]] | None,
        /,
    ) -> None: ...
    @overload
    def defjvps(
        self: custom_jvp[A, A2, A3, R],
        jvp0: Callable[[Tangent[A], R, A, A2, A3], Tangent[R]] | None,
        jvp1: Callable[[Tangent[A2], R, A, A2, A3], Tangent[R]] | None,
        jvp2: Callable[[Tangent[A3], R, A, A2, A3], Tangent[R]] | None,
        /,
    ) -> None: ...
    @overload
    def defjvps(self, *jvps: Callable[[Tangent[Any], R, *Ts], Tangent[R]] | None) -> None: ...
    def defjvps(self, *jvps: Callable[..., Any] | None) -> None:
        """One rule per argument, ``jvp_i(tangent_i, primal_out, *primals)``; None for an
        argument with no contribution. Arguments without a tangent cost nothing.

        Typed per argument for one to three arguments (``jvp_i`` takes a ``Tangent`` of
        argument ``i`` and returns a ``Tangent[R]``); beyond that the input tangent is a
        ``Tangent[Any]``.
        """
        if self.nondiff_argnums:
            raise TypeError("defjvps does not support nondiff_argnums; use defjvp")
        fun: Callable[..., Any] = self

        def jvp(primals: tuple[Any, ...], tangents: tuple[Any, ...]) -> tuple[Any, Any]:
            if len(jvps) != len(primals):
                raise TypeError(
                    f"defjvps: {len(jvps)} rules given for a function called with "
                    f"{len(primals)} arguments"
                )
            out = fun(*primals)
            total: Any = None
            for rule, t in zip(jvps, tangents, strict=True):
                if rule is None or all(_is_zero_leaf(x) for x in tu.tree_leaves(t)):
                    continue
                part = rule(t, out, *primals)
                total = part if total is None else tu.tree_map(lambda a, b: a + b, total, part)
            if total is None:
                total = tu.tree_map(lambda o: SymbolicZero(tangent_aval(core.get_aval(o))), out)
            return out, total

        self.defjvp(jvp, symbolic_zeros=True)

    def _call(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> R:
        name = _name(self.fun)
        rule = self.jvp
        if rule is None:
            raise AttributeError(f"No JVP defined for custom_jvp function {name} using defjvp.")
        try:
            split, flat, in_tree, call, consts, out_tree = _trace_call(
                self.fun, self.nondiff_argnums, args, kwargs, f"custom_jvp function {name}"
            )
        except core.ConcretizationError:
            # ``fun`` branches on its arguments' values. Where those are concrete (eagerly,
            # or the primals under ``jvp``/``grad``), do as JAX does: run ``fun`` or the rule
            # on them without staging ``fun`` at all.
            out = self._call_concrete(args, kwargs, rule, name)
            if out is _NOT_CONCRETE:
                raise
            result_concrete: R = out
            return result_concrete
        flat_rule = _jvp_rule(rule, self.symbolic_zeros, split, in_tree, out_tree, call, name)
        outs = custom_jvp_call_p.bindn(
            *consts, *flat, call=call, jvp=flat_rule, num_consts=len(consts),
            symbolic_zeros=self.symbolic_zeros,
        )  # fmt: skip
        result: R = tu.tree_unflatten(out_tree, outs)
        return result

    def _call_concrete(
        self, args: tuple[Any, ...], kwargs: dict[str, Any], rule: Callable[..., Any], name: str
    ) -> Any:
        """The call where the arguments (or, under the JVP handler on top, their primals)
        are concrete: ``fun`` itself eagerly, else the rule on the primals and tangents,
        run under that handler (which passes values it does not own through)."""
        what = f"custom_jvp function {name}"
        full = _resolve_args(self.fun, args, kwargs, what)
        split = _Split(full, _nondiff(self.nondiff_argnums, len(full), what))
        flat, in_tree = _flat_arrays(split.dyn, f"{what}: the differentiable arguments")
        if core.is_eager():
            return (
                _NOT_CONCRETE if any(isinstance(x, core.Tracer) for x in flat) else self.fun(*full)
            )
        h = core.current_handler()
        if not isinstance(h, jvp_mod.JVPHandler):
            return _NOT_CONCRETE
        pairs = [h.unwrap(x) for x in flat]
        if not all(type(p) is Array for p, _ in pairs):
            return _NOT_CONCRETE
        if all(isinstance(t, Zero) for _, t in pairs):
            # No tangent of this handler's: it passes everything ``fun`` binds through.
            return self.fun(*full)
        primals = [p for p, _ in pairs]
        t_leaves = [
            _zero_tangent(p.aval, self.symbolic_zeros) if isinstance(t, Zero) else t
            for p, t in pairs
        ]
        res = rule(
            *split.static,
            tuple(tu.tree_unflatten(in_tree, primals)),
            tuple(tu.tree_unflatten(in_tree, t_leaves)),
        )
        if not (isinstance(res, (tuple, list)) and len(res) == 2):
            raise TypeError(
                f"Custom JVP rule of {name} must return a pair (primal_out, tangent_out), got "
                f"{type(res).__name__}"
            )
        p_flat, p_tree = tu.tree_flatten(res[0])
        t_flat, t_tree = tu.tree_flatten(res[1], is_leaf=_is_zero_leaf)
        if p_tree != t_tree:
            raise TypeError(
                f"Custom JVP rule of {name} must produce primal and tangent outputs with one "
                f"structure, but got primal output {p_tree} and tangent output {t_tree}"
            )
        outs = []
        for i, (p, t) in enumerate(zip(p_flat, t_flat, strict=True)):
            arr = p if isinstance(p, Array) else core.asarray(p)
            if isinstance(arr, jvp_mod.JVPTracer) and arr._handler is h:
                raise _closure_error("custom_jvp")
            tan = _as_tangent(t, arr.aval, f"Custom JVP rule of {name}: tangent output {i}")
            outs.append(h.wrap(arr, tan))
        return tu.tree_unflatten(p_tree, outs)


# What ``_call_concrete`` returns where the arguments are not concrete.
_NOT_CONCRETE = object()


def _jvp_rule(
    rule: Callable[..., Any], symbolic: bool, split: _Split, in_tree: tu.PyTreeDef,
    out_tree: tu.PyTreeDef, call: ClosedProgram, name: str,
) -> JvpFlat:  # fmt: skip
    out_avals = call.out_avals

    def flat_rule(
        primals: Sequence[Array], tangents: Sequence[MaybeZero]
    ) -> tuple[list[Array], list[MaybeZero]]:
        t_leaves = [
            _zero_tangent(p.aval, symbolic) if isinstance(t, Zero) else t
            for p, t in zip(primals, tangents, strict=True)
        ]
        p_args = tu.tree_unflatten(in_tree, list(primals))
        t_args = tu.tree_unflatten(in_tree, t_leaves)
        res = rule(*split.static, tuple(p_args), tuple(t_args))
        if not (isinstance(res, (tuple, list)) and len(res) == 2):
            raise TypeError(
                f"Custom JVP rule of {name} must return a pair (primal_out, tangent_out), got "
                f"{type(res).__name__}"
            )
        p_out, t_out = res
        p_flat, p_tree = tu.tree_flatten(p_out)
        t_flat, t_tree = tu.tree_flatten(t_out, is_leaf=_is_zero_leaf)
        if p_tree != out_tree or t_tree != out_tree:
            raise TypeError(
                f"Custom JVP rule of {name} must produce primal and tangent outputs with the "
                f"structure of the function's output, {out_tree}, but got primal output "
                f"{p_tree} and tangent output {t_tree}"
            )
        outs: list[Array] = []
        for i, (p, a) in enumerate(zip(p_flat, out_avals, strict=True)):
            arr = p if isinstance(p, Array) else core.asarray(p)
            if arr.shape != a.shape or arr.dtype != a.dtype:
                raise TypeError(
                    f"Custom JVP rule of {name}: primal output {i} has type "
                    f"{arr.aval.str_short()}, but the function returns {a.str_short()}"
                )
            outs.append(arr)
        t_outs = [
            _as_tangent(t, a, f"Custom JVP rule of {name}: tangent output {i}")
            for i, (t, a) in enumerate(zip(t_flat, out_avals, strict=True))
        ]
        return outs, t_outs

    return flat_rule


def _custom_jvp_call_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, call: ClosedProgram,
    jvp: JvpFlat, num_consts: int, symbolic_zeros: bool,
) -> tuple[list[Array], list[MaybeZero]]:  # fmt: skip
    if any(not isinstance(t, Zero) for t in tangents[:num_consts]):
        raise _closure_error("custom_jvp")
    return jvp(primals[num_consts:], tangents[num_consts:])


def _batched_jvp_rule(
    rule: JvpFlat, lane_avals: Sequence[ShapedArray], batched: Sequence[bool],
    out_avals: Sequence[ShapedArray], size: int,
) -> JvpFlat:  # fmt: skip
    """The rule of a batched ``custom_jvp_call``: the user's rule, mapped over the lanes."""
    n, n_out = len(lane_avals), len(out_avals)
    out_inexact = [dtypes.is_inexact(a.dtype) for a in out_avals]

    def flat_rule(
        primals: Sequence[Array], tangents: Sequence[MaybeZero]
    ) -> tuple[list[Array], list[MaybeZero]]:
        nz = [not isinstance(t, Zero) for t in tangents]

        def lane(*xs: Array) -> list[Array]:
            it = iter(xs[n:])
            tans: list[MaybeZero] = [
                next(it) if m else Zero(tangent_aval(a))
                for a, m in zip(lane_avals, nz, strict=True)
            ]
            outs, touts = rule(list(xs[:n]), tans)
            return [*outs, *(_instantiate(t) for t, m in zip(touts, out_inexact, strict=True) if m)]

        dims = [0 if b else None for b in batched]
        args = [*primals, *(t for t in tangents if not isinstance(t, Zero))]
        res = _vmap_flat(
            lane, args, [*dims, *(d for d, m in zip(dims, nz, strict=True) if m)], size
        )
        outs = res[:n_out]
        it = iter(res[n_out:])
        return outs, [
            next(it) if m else Zero(tangent_aval(o.aval))
            for o, m in zip(outs, out_inexact, strict=True)
        ]

    return flat_rule


def _custom_jvp_call_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, call: ClosedProgram, jvp: JvpFlat,
    num_consts: int, symbolic_zeros: bool,
) -> tuple[list[Array], list[BDim]]:  # fmt: skip
    size = batching.batch_size(vals, dims)
    moved = [
        v if d is None else batching.moveaxis(v, d, 0) for v, d in zip(vals, dims, strict=True)
    ]
    batched = tuple(d is not None for d in dims)
    n_out = len(call.out_avals)
    b = batch_program(call, batched, size, (True,) * n_out)
    rule = _batched_jvp_rule(
        jvp, call.in_avals[num_consts:], batched[num_consts:], call.out_avals, size
    )
    outs = custom_jvp_call_p.bindn(
        *moved, call=b.program, jvp=rule, num_consts=num_consts, symbolic_zeros=symbolic_zeros
    )
    return outs, [0] * n_out


core.def_abstract(custom_jvp_call_p, _call_abstract)
core.def_array_impl(custom_jvp_call_p, _call_impl)
jvp_mod.def_jvp_rule(custom_jvp_call_p, _custom_jvp_call_jvp)
batching.def_batch(custom_jvp_call_p, _custom_jvp_call_batch)
lowering.def_rule(custom_jvp_call_p, _call_lowering)


# ---------------------------------------------------------------------------
# custom_vjp
# ---------------------------------------------------------------------------

# fwd: primal arguments -> (outputs, residual leaves, residual structure).
FwdFlat = Callable[[Sequence[Array]], tuple[list[Array], list[Array], tu.PyTreeDef]]
# bwd: (residual structure, residual leaves, output cotangents) -> argument cotangents.
BwdFlat = Callable[[tu.PyTreeDef, Sequence[Array], Sequence[MaybeZero]], list[MaybeZero]]


class custom_vjp(_CustomFunction[*Ts, R]):
    """A function with a custom VJP, used by reverse mode under every transformation.

    ``f.defvjp(fwd, bwd)``: ``fwd(*args) -> (out, residuals)`` runs on the forward
    pass; ``bwd(*nondiff_args, residuals, out_cotangent)`` returns a tuple with one
    cotangent per (differentiable) argument, None meaning zero. Forward mode is not
    available, as in JAX: a VJP alone does not give JVPs.

    Static types: ``custom_vjp(fun)`` for ``fun: (*Ts) -> R`` is a ``custom_vjp[*Ts, R]``,
    called with the positional arguments ``*Ts`` (keywords work at run time only).
    ``fwd`` is a ``(*Ts) -> tuple[R, Res]`` for any residual type ``Res``, and ``bwd`` a
    ``(Res, Cotangent[R]) -> Cotangent[tuple[*Ts]]``: it reads the output cotangent as a
    ``Cotangent`` and returns the cotangent of the tuple of arguments, built with
    ``fad.pack`` or ``fad.cotangent((...))``. A zero is an array of zeros or, for an
    argument that gets no gradient, ``None`` (``fad.pack(None, ct)`` is the cotangent of
    any ``tuple[X, Y]`` whose ``Y`` part is ``ct``'s point). With ``nondiff_argnums`` (one
    to three of them) ``bwd`` takes those arguments first, typed ``Any``, and returns a
    ``Cotangent[Any]`` (its tuple holds the differentiable arguments only, which the types
    cannot pick out); ``fwd`` keeps its precise type, since it takes every argument. With
    ``symbolic_zeros=True``, ``bwd`` is typed loosely (the cotangent may be a
    ``SymbolicZero``).
    """

    def __init__(self, fun: Callable[[*Ts], R], nondiff_argnums: Sequence[int] = ()) -> None:
        if not callable(fun):
            raise TypeError(f"custom_vjp expects a callable, got {type(fun).__name__}")
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd: Callable[..., Any] | None = None
        self.bwd: Callable[..., Any] | None = None
        self.symbolic_zeros = False
        functools.update_wrapper(self, fun)

    @overload
    def defvjp(
        self,
        fwd: Callable[[*Ts], tuple[R, Res]],
        bwd: Callable[[Res, Cotangent[R]], Cotangent[tuple[*Ts]]],
        symbolic_zeros: Literal[False] = False,
    ) -> None: ...
    @overload
    def defvjp(
        self,
        fwd: Callable[[*Ts], tuple[R, Res]],
        bwd: Callable[[Any, Res, Cotangent[R]], Cotangent[Any]],
        symbolic_zeros: Literal[False] = False,
    ) -> None: ...
    @overload
    def defvjp(
        self,
        fwd: Callable[[*Ts], tuple[R, Res]],
        bwd: Callable[[Any, Any, Res, Cotangent[R]], Cotangent[Any]],
        symbolic_zeros: Literal[False] = False,
    ) -> None: ...
    @overload
    def defvjp(
        self,
        fwd: Callable[[*Ts], tuple[R, Res]],
        bwd: Callable[[Any, Any, Any, Res, Cotangent[R]], Cotangent[Any]],
        symbolic_zeros: Literal[False] = False,
    ) -> None: ...
    @overload
    def defvjp(
        self,
        fwd: Callable[[*Ts], tuple[R, Any]],
        bwd: Callable[..., Any],
        symbolic_zeros: Literal[True],
    ) -> None: ...
    def defvjp(
        self, fwd: Callable[..., Any], bwd: Callable[..., Any], symbolic_zeros: bool = False
    ) -> None:
        """Set the rules. With ``symbolic_zeros=True``, ``bwd`` receives a
        ``SymbolicZero`` for outputs whose cotangent is zero."""
        for fn, nm in ((fwd, "fwd"), (bwd, "bwd")):
            if not callable(fn):
                raise TypeError(f"defvjp: {nm} must be callable, got {type(fn).__name__}")
        self.fwd, self.bwd, self.symbolic_zeros = fwd, bwd, symbolic_zeros

    def _call(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> R:
        name = _name(self.fun)
        fwd, bwd = self.fwd, self.bwd
        if fwd is None or bwd is None:
            raise AttributeError(f"No VJP defined for custom_vjp function {name} using defvjp.")
        split, flat, in_tree, call, consts, out_tree = _trace_call(
            self.fun, self.nondiff_argnums, args, kwargs, f"custom_vjp function {name}"
        )
        fwd_flat = _fwd_rule(fwd, split, in_tree, out_tree, call.out_avals, name)
        bwd_flat = _bwd_rule(
            bwd, self.symbolic_zeros, split, in_tree, out_tree, [x.aval for x in flat],
            call.out_avals, name,
        )  # fmt: skip
        outs = custom_vjp_call_p.bindn(
            *consts, *flat, call=call, fwd=fwd_flat, bwd=bwd_flat, num_consts=len(consts)
        )
        result: R = tu.tree_unflatten(out_tree, outs)
        return result


def _fwd_rule(
    fwd: Callable[..., Any], split: _Split, in_tree: tu.PyTreeDef, out_tree: tu.PyTreeDef,
    out_avals: Sequence[ShapedArray], name: str,
) -> FwdFlat:  # fmt: skip
    def flat_fwd(primals: Sequence[Array]) -> tuple[list[Array], list[Array], tu.PyTreeDef]:
        res = fwd(*split.merge(tu.tree_unflatten(in_tree, list(primals))))
        if not (isinstance(res, (tuple, list)) and len(res) == 2):
            raise TypeError(
                f"Custom VJP fwd rule of {name} must return a pair (output, residuals), got "
                f"{type(res).__name__}"
            )
        out, residuals = res
        o_flat, o_tree = tu.tree_flatten(out)
        if o_tree != out_tree:
            raise TypeError(
                f"Custom VJP fwd rule of {name} must return as its first element the output of "
                f"the function, with structure {out_tree}, but got {o_tree}"
            )
        outs = []
        for i, (o, a) in enumerate(zip(o_flat, out_avals, strict=True)):
            arr = o if isinstance(o, Array) else core.asarray(o)
            if arr.shape != a.shape or arr.dtype != a.dtype:
                raise TypeError(
                    f"Custom VJP fwd rule of {name}: output {i} has type {arr.aval.str_short()}, "
                    f"but the function returns {a.str_short()}"
                )
            outs.append(arr)
        r_flat, r_tree = _flat_arrays(residuals, f"Custom VJP fwd rule of {name}: residuals")
        return outs, r_flat, r_tree

    return flat_fwd


def _bwd_rule(
    bwd: Callable[..., Any], symbolic: bool, split: _Split, in_tree: tu.PyTreeDef,
    out_tree: tu.PyTreeDef, in_avals: Sequence[ShapedArray], out_avals: Sequence[ShapedArray],
    name: str,
) -> BwdFlat:  # fmt: skip
    arg_trees = in_tree.children()

    def flat_bwd(
        res_tree: tu.PyTreeDef, res: Sequence[Array], cts: Sequence[MaybeZero]
    ) -> list[MaybeZero]:
        ct_leaves = [
            _zero_tangent(a, symbolic) if isinstance(c, Zero) else c
            for c, a in zip(cts, out_avals, strict=True)
        ]
        got = bwd(*split.static, tu.tree_unflatten(res_tree, list(res)),
                  tu.tree_unflatten(out_tree, ct_leaves))  # fmt: skip
        expected = f"{in_tree}"
        if not isinstance(got, (tuple, list)) or len(got) != len(arg_trees):
            got_tree = tu.tree_structure(got, is_leaf=_is_zero_leaf)
            raise TypeError(
                f"Custom VJP bwd rule of {name} must produce an output with the same container "
                "(pytree) structure as the tuple of (differentiable) arguments of the function, "
                f"a tuple of length {len(arg_trees)}: expected {expected}, but got {got_tree}"
            )
        leaves: list[Any] = []
        for i, (g, td) in enumerate(zip(got, arg_trees, strict=True)):
            if g is None:
                leaves.extend([None] * td.num_leaves)
                continue
            g_flat, g_tree = tu.tree_flatten(g, is_leaf=_is_zero_leaf)
            if g_tree != td:
                raise TypeError(
                    f"Custom VJP bwd rule of {name} must produce an output with the same "
                    f"structure as the arguments: expected {expected}, but entry {i} of the "
                    f"output has structure {g_tree} where the argument has {td}"
                )
            leaves.extend(g_flat)
        return [
            _as_tangent(g, a, f"Custom VJP bwd rule of {name}: cotangent of argument leaf {i}")
            for i, (g, a) in enumerate(zip(leaves, in_avals, strict=True))
        ]

    return flat_bwd


_FORWARD_MODE = (
    "can't apply forward-mode autodiff (jvp) to a custom_vjp function: its rule (fwd, bwd) "
    "gives vector-Jacobian products only. Use reverse mode (grad, vjp, jacrev), or define "
    "the function with custom_jvp, which supports both modes."
)


def _custom_vjp_call_jvp(
    primals: Sequence[Array], tangents: Sequence[MaybeZero], *, call: ClosedProgram,
    fwd: FwdFlat, bwd: BwdFlat, num_consts: int,
) -> tuple[list[Array], list[MaybeZero]]:  # fmt: skip
    if any(not isinstance(t, Zero) for t in tangents[:num_consts]):
        raise _closure_error("custom_vjp")
    args, t_args = primals[num_consts:], tangents[num_consts:]
    outs, res, res_tree = fwd(args)
    in_nz = tuple(not isinstance(t, Zero) for t in t_args)
    out_avals = tuple(a.strip_weak_type() for a in call.out_avals)
    inexact = [dtypes.is_inexact(a.dtype) for a in out_avals]
    if not any(inexact):
        return outs, [Zero(tangent_aval(o.aval)) for o in outs]
    try:
        lin = custom_vjp_lin_p.bindn(
            *res, *(t for t in t_args if not isinstance(t, Zero)), bwd=bwd, res_tree=res_tree,
            num_res=len(res), in_nz=in_nz, in_avals=tuple(a.aval for a in args),
            out_avals=out_avals,
        )  # fmt: skip
    except NotImplementedError as err:
        # A handler below wanted the tangents now (evaluated, or differentiated again):
        # forward mode, which custom_vjp_lin has no rule for.
        raise TypeError(_FORWARD_MODE) from err
    it = iter(lin)
    return outs, [
        next(it) if m else Zero(tangent_aval(o.aval)) for o, m in zip(outs, inexact, strict=True)
    ]


def _custom_vjp_call_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, call: ClosedProgram, fwd: FwdFlat,
    bwd: BwdFlat, num_consts: int,
) -> tuple[list[Array], list[BDim]]:  # fmt: skip
    size = batching.batch_size(vals, dims)
    # Every argument batched, so that each lane's cotangents come back per lane (the
    # broadcast of an unbatched argument sums them when it is transposed).
    moved = [batching.bdim_at_front(v, d, size) for v, d in zip(vals, dims, strict=True)]
    n_out = len(call.out_avals)
    b = batch_program(call, (True,) * len(vals), size, (True,) * n_out)
    lane_in = call.in_avals[num_consts:]
    res_tree_cell: list[tu.PyTreeDef] = []

    def fwd_b(primals: Sequence[Array]) -> tuple[list[Array], list[Array], tu.PyTreeDef]:
        def lane(*xs: Array) -> list[Array]:
            outs, res, res_tree = fwd(xs)
            res_tree_cell.append(res_tree)
            return [*outs, *res]

        got = _vmap_flat(lane, primals, [0] * len(primals), size)
        return got[:n_out], got[n_out:], res_tree_cell[-1]

    bwd_b = _batched_bwd(bwd, lane_in, call.out_avals, size)
    outs = custom_vjp_call_p.bindn(
        *moved, call=b.program, fwd=fwd_b, bwd=bwd_b, num_consts=num_consts
    )
    return outs, [0] * n_out


def _batched_bwd(
    bwd: BwdFlat, lane_in: Sequence[ShapedArray], lane_out: Sequence[ShapedArray], size: int,
    res_dims: Sequence[BDim] | None = None,
) -> BwdFlat:  # fmt: skip
    """``bwd`` mapped over lanes: residuals at ``res_dims`` (default 0), cotangents at 0."""
    in_inexact = [dtypes.is_inexact(a.dtype) for a in lane_in]
    out_inexact = [dtypes.is_inexact(a.dtype) for a in lane_out]

    def flat_bwd(
        res_tree: tu.PyTreeDef, res: Sequence[Array], cts: Sequence[MaybeZero]
    ) -> list[MaybeZero]:
        n_res = len(res)

        def lane(*xs: Array) -> list[Array]:
            it = iter(xs[n_res:])
            lane_cts: list[MaybeZero] = [
                next(it) if m else Zero(tangent_aval(a))
                for a, m in zip(lane_out, out_inexact, strict=True)
            ]
            got = bwd(res_tree, xs[:n_res], lane_cts)
            return [_instantiate(g) for g, m in zip(got, in_inexact, strict=True) if m]

        full = [
            (_instantiate(c) if isinstance(c, Zero) else c)
            for c, m in zip(cts, out_inexact, strict=True)
            if m
        ]
        dims = list(res_dims) if res_dims is not None else [0] * n_res
        got = _vmap_flat(lane, [*res, *full], [*dims, *[0] * len(full)], size)
        it = iter(got)
        return [
            next(it) if m else Zero(ShapedArray((size, *a.shape), dtypes.float0))
            for a, m in zip(lane_in, in_inexact, strict=True)
        ]

    return flat_bwd


core.def_abstract(custom_vjp_call_p, _call_abstract)
core.def_array_impl(custom_vjp_call_p, _call_impl)
jvp_mod.def_jvp_rule(custom_vjp_call_p, _custom_vjp_call_jvp)
batching.def_batch(custom_vjp_call_p, _custom_vjp_call_batch)
lowering.def_rule(custom_vjp_call_p, _call_lowering)


def _lin_abstract(
    *avals: ShapedArray, out_avals: tuple[ShapedArray, ...], **_: Any
) -> list[ShapedArray]:
    return [a for a in out_avals if dtypes.is_inexact(a.dtype)]


def _lin_transpose(
    cts: Sequence[MaybeZero], *args: Any, bwd: BwdFlat, res_tree: tu.PyTreeDef, num_res: int,
    in_nz: tuple[bool, ...], in_avals: tuple[ShapedArray, ...], out_avals: tuple[ShapedArray, ...],
) -> list[MaybeZero | None]:  # fmt: skip
    res = args[:num_res]
    if any(transpose_mod.is_undefined(r) for r in res):
        raise transpose_mod.NonlinearError("custom_vjp residuals cannot be linear")
    it = iter(cts)
    full: list[MaybeZero] = [
        next(it) if dtypes.is_inexact(a.dtype) else Zero(tangent_aval(a)) for a in out_avals
    ]
    arg_cts = bwd(res_tree, res, full)
    return [*([None] * num_res), *(c for c, m in zip(arg_cts, in_nz, strict=True) if m)]


def _lin_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, bwd: BwdFlat, res_tree: tu.PyTreeDef,
    num_res: int, in_nz: tuple[bool, ...], in_avals: tuple[ShapedArray, ...],
    out_avals: tuple[ShapedArray, ...],
) -> tuple[list[Array], list[BDim]]:  # fmt: skip
    size = batching.batch_size(vals, dims)
    res = [
        v if d is None else batching.moveaxis(v, d, 0)
        for v, d in zip(vals[:num_res], dims[:num_res], strict=True)
    ]
    res_dims: list[BDim] = [None if d is None else 0 for d in dims[:num_res]]
    ts = [
        batching.bdim_at_front(v, d, size)
        for v, d in zip(vals[num_res:], dims[num_res:], strict=True)
    ]
    new_bwd = _batched_bwd(bwd, in_avals, out_avals, size, res_dims)
    outs = custom_vjp_lin_p.bindn(
        *res, *ts, bwd=new_bwd, res_tree=res_tree, num_res=num_res, in_nz=in_nz,
        in_avals=tuple(ShapedArray((size, *a.shape), a.dtype, a.weak_type) for a in in_avals),
        out_avals=tuple(ShapedArray((size, *a.shape), a.dtype, a.weak_type) for a in out_avals),
    )  # fmt: skip
    return outs, [0] * len(outs)


core.def_abstract(custom_vjp_lin_p, _lin_abstract)
transpose_mod.def_transpose(custom_vjp_lin_p, _lin_transpose)
batching.def_batch(custom_vjp_lin_p, _lin_batch)
# Only reverse mode transposes it away; staged forward mode would reach the compiler.
lowering.def_no_lowering(custom_vjp_lin_p, _FORWARD_MODE)


# ---------------------------------------------------------------------------
# custom_gradient
# ---------------------------------------------------------------------------


def custom_gradient(fun: Callable[..., tuple[Any, Callable[[Any], Any]]]) -> Callable[..., Any]:
    """``jax.custom_gradient``: ``fun(*args)`` returns ``(out, vjp)``; the result computes
    ``out`` and, in reverse mode, uses ``vjp(out_cotangent)`` (one cotangent per argument,
    a tuple, or a single value for a one-argument function) as its derivative.

    A ``custom_vjp`` whose forward pass saves the arguments and whose backward pass runs
    ``fun`` again for its ``vjp``, so the ``vjp`` may close over anything ``fun`` computed.

    Args:
        fun: A function returning its value and the function that maps the output's
            cotangent to the arguments' cotangents.

    Returns:
        The function with that derivative (forward mode through it is an error, as for
        ``custom_vjp``).

    Raises:
        TypeError: ``fun`` is not callable.

    Examples:
        >>> @fad.custom_gradient
        ... def clipped_square(x):
        ...     return x**2, lambda ct: jnp.clip(2.0 * x * ct, -1.0, 1.0)
        >>> fad.grad(clipped_square)(3.0)
        Array(1., dtype=float32)
    """
    if not callable(fun):
        raise TypeError(f"custom_gradient expects a callable, got {type(fun).__name__}")

    def primal(*args: Any) -> Any:
        return _pair(fun(*args))[0]

    def fwd(*args: Any) -> tuple[Any, tuple[Any, ...]]:
        return _pair(fun(*args))[0], args

    def bwd(args: tuple[Any, ...], ct: Any) -> Any:
        cts = _pair(fun(*args))[1](ct)
        if len(args) == 1 and not (isinstance(cts, tuple) and len(cts) == 1):
            cts = (cts,)
        if not isinstance(cts, (tuple, list)) or len(cts) != len(args):
            raise TypeError(
                f"custom_gradient: the vjp of {_name(fun)} must return one cotangent per "
                f"argument ({len(args)}), got {cts!r}"
            )
        return tuple(cts)

    wrapped: custom_vjp[*tuple[Any, ...], Any] = custom_vjp(primal)
    wrapped.defvjp(fwd, bwd)
    functools.update_wrapper(wrapped, fun)
    return wrapped


def _pair(res: Any) -> tuple[Any, Callable[[Any], Any]]:
    if not (isinstance(res, tuple) and len(res) == 2 and callable(res[1])):
        raise TypeError(
            "custom_gradient: the function must return a pair (output, vjp function), got "
            f"{type(res).__name__}"
        )
    return res[0], res[1]
