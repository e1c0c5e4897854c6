"""Reverse mode, derived: ``vjp = transpose ∘ partial-eval ∘ jvp``.

``linearize_flat`` installs a partial evaluator, then a JVP handler above it, with
tangent inputs that are staged variables and primal inputs that are known values:
every JVP rule's primal work runs now and its tangent work is recorded, with the
primal values it needs as the program's constants (the residuals). That program is
the linear map: ``linearize`` returns it, ``vjp``, ``grad`` and ``value_and_grad``
transpose it (``backward_pass``). There is no tape and no hand-written VJP.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar, TypeVarTuple, overload

import numpy as np

from fad._src import core, dtypes
from fad._src import tree_util as tu
from fad._src.api.arguments import (
    check_callable,
    check_tangent,
    diff_args,
    flatten_args,
    float0_zeros,
    leaf_to_array,
    split_aux,
    unflatten_args,
)
from fad._src.core import Array, ArrayLike, ShapedArray
from fad._src.interpreters.jvp import JVPHandler, JVPTracer, MaybeZero, Zero
from fad._src.interpreters.stage import StageHandler, StageTracer
from fad._src.interpreters.transpose import (
    TransposePlan,
    backward_pass,
    backward_pass_linearized,
)
from fad._src.ir import ClosedProgram
from fad._src.prims import elementwise as ew
from fad._src.typing import ArrayFunction, Linear, Pullback

# Static types of the signatures below (see fad/_src/typing.py for the design).
Ts = TypeVarTuple("Ts")
P = ParamSpec("P")
A = TypeVar("A")
A2 = TypeVar("A2")
A3 = TypeVar("A3")
B = TypeVar("B")
X = TypeVar("X")


class Linearized:
    """The result of partially evaluating a JVP: primal outputs and a linear program."""

    __slots__ = (
        "_static",
        "aux",
        "in_avals",
        "in_mask",
        "in_tree",
        "out_avals",
        "out_primals",
        "out_tree",
        "plan",
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
        # How to transpose ``program``, made by the first pullback and kept for the others.
        self.plan: TransposePlan | None = None
        self._static: Linearized | None = None

    def static(self) -> Linearized:
        """This linearization without its values (the program's constants, the primal
        outputs, the aux): the static part of a pullback seen as a pytree."""
        if self._static is None:
            new = self.with_consts(())
            new.out_primals, new.aux = [], None
            new._static = new
            self._static = new
        return self._static

    def with_consts(self, consts: Sequence[Array]) -> Linearized:
        """The same linear program over other constant values (residuals)."""
        new: Linearized = object.__new__(Linearized)
        for slot in Linearized.__slots__:
            setattr(new, slot, getattr(self, slot))
        new.program = ClosedProgram(self.program.program, tuple(consts))
        new._static = self._static
        return new


def _trace_linear(
    fun: Callable[..., Any], primals: list[Array], in_tree: tu.PyTreeDef, has_aux: bool,
    name: str,
) -> tuple[
    StageHandler, list[StageTracer], list[Array], list[Array], tu.PyTreeDef, Any,
    list[ShapedArray], list[bool],
]:  # fmt: skip
    """Run ``fun`` at the flat ``primals`` under a JVP handler over a partial evaluator (see
    the module): the handler holding the linear equations, the tangent inputs, the primal
    and tangent outputs, the output tree, the aux, and the inputs' avals and which of them
    are differentiable."""
    stage = StageHandler(forward_known=True)
    jvp_h = JVPHandler()
    in_avals: list[ShapedArray] = []
    mask: list[bool] = []
    tan_in: list[StageTracer] = []
    ins: list[Array] = []
    for p in primals:  # one pass (this is every grad call's fixed cost)
        a = p.aval
        in_avals.append(a)
        m = a.dtype.kind in "fc" or dtypes.is_inexact(a.dtype)
        mask.append(m)
        if m:
            t = stage.new_arg(a)
            tan_in.append(t)
            ins.append(JVPTracer(jvp_h, p, t))
        else:
            ins.append(p)
    token = core.push_new(stage, jvp_h)
    try:
        result = fun(*unflatten_args(in_tree, ins))
    finally:
        core.pop(token)
    out, aux = split_aux(result, has_aux, name) if has_aux else (result, None)
    flat_out, out_tree = flatten_args(out, "output", name)
    out_p: list[Array] = []
    out_t: list[Array] = []
    for o in flat_out:  # ``jvp_h.unwrap``, with zeros for a symbolic zero tangent
        if type(o) is JVPTracer and o._handler is jvp_h:
            p, tan = o.primal, o.tangent
            out_t.append(core.zeros(p.aval) if type(tan) is Zero else tan)
        else:
            p = o
            out_t.append(core.zeros(p.aval))
        if type(p) is StageTracer and p._handler is stage:
            raise core.EscapedTracerError(f"{name}: a primal output depends on a tangent")
        out_p.append(p)
    if has_aux:
        aux = tu.tree_map(lambda x: jvp_h.unwrap(x)[0] if isinstance(x, Array) else x, aux)
    return stage, tan_in, out_p, out_t, out_tree, aux, in_avals, mask


def linearize_flat(
    fun: Callable[..., Any], primals: list[Array], in_tree: tu.PyTreeDef, has_aux: bool,
    name: str,
) -> Linearized:  # fmt: skip
    """Partially evaluate the JVP of ``fun`` at the flat ``primals`` (see the module)."""
    stage, tan_in, out_p, out_t, out_tree, aux, in_avals, mask = _trace_linear(
        fun, primals, in_tree, has_aux, name
    )
    program = stage.build(tan_in, out_t)
    return Linearized(out_p, program, in_avals, mask, in_tree, out_tree, aux)


def _cotangent_leaves(lin: Linearized, ct: Any, name: str) -> list[MaybeZero]:
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
        a = leaf_to_array(c, f"{name} cotangent {i}")
        a_aval = a.aval  # once: a pullback in a loop (a Jacobian row by row) checks each call
        if a_aval.shape != aval.shape:
            raise ValueError(
                f"{name}: cotangent {i} has shape {a_aval.shape}, but the primal output has shape "
                f"{aval.shape} "
                f"(expected {aval.str_short()}, got {a_aval.str_short()})"
            )
        if a_aval.dtype != aval.dtype and dtypes.is_inexact(aval.dtype):
            # As JAX: only a weakly typed float (a Python scalar) adapts to the output's
            # dtype; a float16 or integer cotangent for a float32 output is an error.
            if a_aval.weak_type and dtypes.is_inexact(a.dtype):
                a = ew.full(a.shape, 0, aval.dtype) if a.size == 0 else _convert(a, aval)
            else:
                raise ValueError(
                    f"{name}: cotangent {i} has dtype {a.dtype.name}, but the primal output has "
                    f"dtype {aval.dtype.name} (expected {aval.str_short()}, got "
                    f"{a_aval.str_short()})"
                )
        out.append(a)
    return out


def _convert(a: Array, aval: ShapedArray) -> Array:
    return ew.convert_element_type(a, aval.dtype)


def _backward(lin: Linearized, cts: list[MaybeZero]) -> Any:
    """The input cotangents (a pytree like the primals) of the flat output cotangents."""
    if lin.plan is None:
        lin.plan = TransposePlan(lin.program.program)
    in_cts = backward_pass(lin.program.program, lin.program.consts, cts, lin.plan)
    return _input_cotangents(in_cts, lin.in_avals, lin.in_mask, lin.in_tree)


def _input_cotangents(
    in_cts: list[MaybeZero], in_avals: list[ShapedArray], mask: list[bool], in_tree: tu.PyTreeDef
) -> Any:
    """The cotangents of the differentiable inputs, with zeros for symbolic ones and float0
    zeros for the others, as a pytree like the primals."""
    it = iter(in_cts)
    flat = []
    for aval, m in zip(in_avals, mask, strict=True):
        if m:
            c = next(it)
            flat.append(core.zeros(aval) if type(c) is Zero else c)
        else:
            flat.append(float0_zeros(aval))
    return unflatten_args(in_tree, flat)


class _Pullback:
    """The pullback of ``vjp``: a pytree whose leaves are the residuals (as JAX's
    ``Partial``), so it can be returned from ``jit`` or passed through ``tree.map``."""

    __slots__ = ("lin", "name")

    def __init__(self, lin: Linearized, name: str) -> None:
        self.lin, self.name = lin, name

    def __call__(self, ct: Any) -> Any:
        return _backward(self.lin, _cotangent_leaves(self.lin, ct, self.name))


tu.register_node(
    _Pullback,
    lambda p: (p.lin.program.consts, (p.lin.static(), p.name)),
    lambda aux, consts: _Pullback(aux[0].with_consts(consts), aux[1]),
)


# The typed face of a pullback is a pytree too, of the one pullback it wraps.
tu.register_node(Pullback, lambda p: ((p._fn,), None), lambda aux, fns: Pullback(fns[0]))


def _pullback(lin: Linearized, name: str) -> Callable[[Any], Any]:
    return _Pullback(lin, name)


@overload
def vjp(
    fun: Callable[[*Ts], B], *primals: *Ts, has_aux: Literal[False] = False
) -> tuple[B, Pullback[B, tuple[*Ts]]]: ...
@overload
def vjp(
    fun: Callable[[*Ts], tuple[B, X]], *primals: *Ts, has_aux: Literal[True]
) -> tuple[B, Pullback[B, tuple[*Ts]], X]: ...
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
    check_callable(fun, "vjp")
    flat, in_tree = flatten_args(primals, "vjp primal")
    lin = linearize_flat(fun, flat, in_tree, has_aux, "vjp")
    out = tu.tree_unflatten(lin.out_tree, lin.out_primals)
    pullback: Pullback[Any, Any] = Pullback(_pullback(lin, "vjp"))
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
    calling ``jvp`` each time.

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
    check_callable(fun, "linearize")
    flat, in_tree = flatten_args(primals, "linearize primal")
    lin = linearize_flat(fun, flat, in_tree, has_aux, "linearize")
    out = tu.tree_unflatten(lin.out_tree, lin.out_primals)

    f_jvp = _LinearizedFunction(lin, flat, len(primals))
    return (out, f_jvp, lin.aux) if has_aux else (out, f_jvp)


class _LinearizedFunction:
    """The JVP function of ``linearize``: a pytree whose leaves are the residuals and the
    primals (as JAX's ``Partial``), so it can be returned from ``jit``."""

    __slots__ = ("lin", "n_primals", "primals")

    def __init__(self, lin: Linearized, primals: list[Array], n_primals: int) -> None:
        self.lin, self.primals, self.n_primals = lin, primals, n_primals

    def __call__(self, *tangents: Any) -> Any:
        lin, flat, in_tree = self.lin, self.primals, self.lin.in_tree
        # One tangent per primal (as jax), or, for several primals, their tangents packed
        # into one tuple (the typed form: a ``Linear[tuple[...], B]`` takes one argument).
        flat_t, tree_t = tu.tree_flatten(tangents)
        if tree_t != in_tree and self.n_primals > 1 and len(tangents) == 1:
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
        checked = [check_tangent(p, t, i, "linearized function tangent")
                   for i, (p, t) in enumerate(zip(flat, flat_t, strict=True))]  # fmt: skip
        args = [core.zeros(t.aval) if isinstance(t, Zero) else t
                for t, m in zip(checked, lin.in_mask, strict=True) if m]  # fmt: skip
        outs = lin.program(*args)
        return tu.tree_unflatten(lin.out_tree, outs)


def _flatten_linearized(f: _LinearizedFunction) -> tuple[list[Array], Any]:
    consts = list(f.lin.program.consts)
    return [*consts, *f.primals], (f.lin.static(), len(consts), f.n_primals)


def _unflatten_linearized(aux: Any, leaves: tuple[Any, ...]) -> _LinearizedFunction:
    static, n_consts, n_primals = aux
    return _LinearizedFunction(
        static.with_consts(leaves[:n_consts]), list(leaves[n_consts:]), n_primals
    )


tu.register_node(_LinearizedFunction, _flatten_linearized, _unflatten_linearized)


@overload
def linear_transpose(fun: Linear[A, B], primal: A, /) -> Pullback[B, tuple[A]]: ...
@overload
def linear_transpose(fun: Callable[[*Ts], B], *primals: *Ts) -> Pullback[B, tuple[*Ts]]: ...
def linear_transpose(fun: Callable[..., Any], *primals: object) -> Pullback[Any, Any]:
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
    check_callable(fun, "linear_transpose")
    flat, in_tree = flatten_args(primals, "linear_transpose primal")
    for i, p in enumerate(flat):
        if not dtypes.is_inexact(p.dtype):
            raise TypeError(f"linear_transpose: argument {i} has non-float dtype {p.dtype.name}")
    stage = StageHandler(forward_known=True)
    with core.installed(stage):
        ins = [stage.new_arg(p.aval.strip_weak_type()) for p in flat]
        out = fun(*tu.tree_unflatten(in_tree, ins))
        flat_out, out_tree = flatten_args(out, "linear_transpose output")
    program = stage.build(ins, flat_out)
    out_avals = [o.aval for o in flat_out]
    lin = Linearized([core.zeros(a) for a in out_avals], program, [p.aval for p in flat],
                      [True] * len(flat), in_tree, out_tree, None)  # fmt: skip
    return Pullback(_pullback(lin, "linear_transpose"))


def _check_grad_inputs(flat: list[Array], holomorphic: bool, allow_int: bool, name: str) -> None:
    """Check the flat differentiated inputs' dtypes (after ``flatten_args``)."""
    for i, leaf in enumerate(flat):
        dt = leaf.dtype
        if dt.kind == "f" and not holomorphic:  # (the common case: nothing to check)
            continue
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
    fun: Callable[[Array], ArrayLike],
    argnums: Literal[0] = 0,
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[[ArrayLike], tuple[Array, Array]]: ...
@overload
def value_and_grad(
    fun: Callable[Concatenate[A, P], ArrayLike],
    argnums: Literal[0] = 0,
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, P], tuple[Array, A]]: ...
@overload
def value_and_grad(
    fun: Callable[Concatenate[A, A2, P], ArrayLike],
    argnums: Literal[1],
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, P], tuple[Array, A2]]: ...
@overload
def value_and_grad(
    fun: Callable[Concatenate[A, A2, A3, P], ArrayLike],
    argnums: Literal[2],
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, A3, P], tuple[Array, A3]]: ...
@overload
def value_and_grad(
    fun: Callable[Concatenate[A, A2, P], ArrayLike],
    argnums: tuple[Literal[0], Literal[1]],
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, P], tuple[Array, tuple[A, A2]]]: ...
@overload
def value_and_grad(
    fun: Callable[Concatenate[A, A2, A3, P], ArrayLike],
    argnums: tuple[Literal[1], Literal[2]],
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, A3, P], tuple[Array, tuple[A2, A3]]]: ...
@overload
def value_and_grad(
    fun: Callable[Concatenate[A, A2, A3, P], ArrayLike],
    argnums: tuple[Literal[0], Literal[1], Literal[2]],
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, A3, P], tuple[Array, tuple[A, A2, A3]]]: ...
@overload
def value_and_grad(
    fun: Callable[Concatenate[A, P], tuple[ArrayLike, X]],
    argnums: Literal[0] = 0,
    *,
    has_aux: Literal[True],
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, P], tuple[tuple[Array, X], A]]: ...
@overload
def value_and_grad(
    fun: Callable[Concatenate[A, A2, P], tuple[ArrayLike, X]],
    argnums: Literal[1],
    has_aux: Literal[True],
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, P], tuple[tuple[Array, X], A2]]: ...
@overload
def value_and_grad(
    fun: Callable[Concatenate[A, A2, A3, P], tuple[ArrayLike, X]],
    argnums: Literal[2],
    has_aux: Literal[True],
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, A3, P], tuple[tuple[Array, X], A3]]: ...
@overload
def value_and_grad(
    fun: Callable[Concatenate[A, A2, P], tuple[ArrayLike, X]],
    argnums: tuple[Literal[0], Literal[1]],
    has_aux: Literal[True],
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, P], tuple[tuple[Array, X], tuple[A, A2]]]: ...
@overload
def value_and_grad(
    fun: Callable[Concatenate[A, A2, A3, P], tuple[ArrayLike, X]],
    argnums: tuple[Literal[1], Literal[2]],
    has_aux: Literal[True],
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, A3, P], tuple[tuple[Array, X], tuple[A2, A3]]]: ...
@overload
def value_and_grad(
    fun: Callable[Concatenate[A, A2, A3, P], tuple[ArrayLike, X]],
    argnums: tuple[Literal[0], Literal[1], Literal[2]],
    has_aux: Literal[True],
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, A3, P], tuple[tuple[Array, X], tuple[A, A2, A3]]]: ...
@overload
def value_and_grad(
    fun: Callable[P, Any],
    argnums: int | Sequence[int],
    has_aux: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[P, Any]: ...
def value_and_grad(
    fun: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
    holomorphic: bool = False, allow_int: bool = False,
) -> Callable[..., Any]:  # fmt: skip
    """A function returning ``fun``'s value and its gradient with respect to ``argnums``.

    Like ``grad``, but the new function returns ``(value, gradient)``, from one forward
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
    check_callable(fun, "value_and_grad")

    @functools.wraps(fun)
    def value_and_grad_f(*args: Any, **kwargs: Any) -> Any:
        out_p, out_tree, aux, g = _value_and_grad(
            fun, args, kwargs, argnums, has_aux, holomorphic, allow_int
        )
        out = unflatten_args(out_tree, out_p)
        return ((out, aux), g) if has_aux else (out, g)

    return value_and_grad_f


def _value_and_grad(
    fun: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
    argnums: int | Sequence[int], has_aux: bool, holomorphic: bool, allow_int: bool,
) -> tuple[list[Array], tu.PyTreeDef, Any, Any]:  # fmt: skip
    """``grad`` and ``value_and_grad`` of one call: the flat output, its tree, the aux and
    the gradient. The linear equations are transposed once, at once, as they were recorded:
    no program is made, pruned or planned (``backward_pass_linearized``)."""
    f, _, flat, in_tree = diff_args(fun, args, kwargs, argnums, "grad")
    _check_grad_inputs(flat, holomorphic, allow_int, "grad")
    stage, tan_in, out_p, out_t, out_tree, aux, in_avals, mask = _trace_linear(
        f, flat, in_tree, has_aux, "grad"
    )
    if len(out_p) != 1 or out_p[0].shape != ():
        shapes = [p.shape for p in out_p]
        raise TypeError(
            "Gradient only defined for scalar-output functions. Output "
            + (f"had shape: {shapes[0]}." if len(shapes) == 1 else
               f"was a pytree with shapes {shapes}.")
        )  # fmt: skip
    dt = out_p[0].dtype
    if holomorphic or dt.kind != "f":  # (a real float output needs no further check)
        _check_grad_output(dt, holomorphic)
    eqns, values, invars, outvars = stage.recorded(tan_in, out_t)
    # The output cotangent is ours (a scalar one of the output's dtype), so it skips the
    # checks a user's cotangent gets.
    in_cts = backward_pass_linearized(eqns, values, invars, outvars, [_one(dt)])
    grads = _input_cotangents(in_cts, in_avals, mask, in_tree)
    return out_p, out_tree, aux, grads[0] if isinstance(argnums, int) else tuple(grads)


def _check_grad_output(dt: np.dtype[Any], holomorphic: bool) -> None:
    """Refuse an output dtype ``grad`` has no gradient for (complex unless ``holomorphic``,
    real with it, integer or bool)."""
    if holomorphic:
        if not dtypes.is_complex(dt):
            raise TypeError(f"grad with holomorphic=True requires a complex output, got {dt.name}")
    elif dtypes.is_complex(dt):
        raise TypeError(
            "grad requires real-valued outputs (output dtype that is a sub-dtype of "
            f"np.floating), but got {dt.name}. For holomorphic differentiation, pass "
            "holomorphic=True. For differentiation of non-holomorphic functions involving "
            "complex outputs, use fad.vjp directly."
        )
    elif not dtypes.is_float(dt):
        # Integer and bool outputs have no gradient; holomorphic=True does not apply.
        raise TypeError(
            "grad requires real-valued outputs (output dtype that is a sub-dtype of "
            f"np.floating), but got {dt.name}. For differentiation of functions with "
            "integer outputs, use fad.vjp directly, or cast the output to a float dtype "
            "(allow_int=True is about integer inputs, not outputs)."
        )


# The scalar one of each dtype, read-only: the value of every ``grad`` 's output cotangent.
# Each call gets its own Array of it, which ``grad`` of the identity returns to the caller
# (who may donate it to ``jit``, which deletes that Array).
_ONES: dict[np.dtype[Any], np.ndarray[Any, Any]] = {}


def _one(dt: np.dtype[Any]) -> Array:
    one = _ONES.get(dt)
    if one is None:
        one = _ONES[dt] = np.asarray(1, dt)
        one.flags.writeable = False
    return core.wrap_fresh(one, False)


@overload
def grad(
    fun: Callable[[Array], ArrayLike],
    argnums: Literal[0] = 0,
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[[ArrayLike], Array]: ...
@overload
def grad(
    fun: Callable[Concatenate[A, P], ArrayLike],
    argnums: Literal[0] = 0,
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, P], A]: ...
@overload
def grad(
    fun: Callable[Concatenate[A, A2, P], ArrayLike],
    argnums: Literal[1],
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, P], A2]: ...
@overload
def grad(
    fun: Callable[Concatenate[A, A2, A3, P], ArrayLike],
    argnums: Literal[2],
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, A3, P], A3]: ...
@overload
def grad(
    fun: Callable[Concatenate[A, A2, P], ArrayLike],
    argnums: tuple[Literal[0], Literal[1]],
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, P], tuple[A, A2]]: ...
@overload
def grad(
    fun: Callable[Concatenate[A, A2, A3, P], ArrayLike],
    argnums: tuple[Literal[1], Literal[2]],
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, A3, P], tuple[A2, A3]]: ...
@overload
def grad(
    fun: Callable[Concatenate[A, A2, A3, P], ArrayLike],
    argnums: tuple[Literal[0], Literal[1], Literal[2]],
    has_aux: Literal[False] = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, A3, P], tuple[A, A2, A3]]: ...
@overload
def grad(
    fun: Callable[Concatenate[A, P], tuple[ArrayLike, X]],
    argnums: Literal[0] = 0,
    *,
    has_aux: Literal[True],
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, P], tuple[A, X]]: ...
@overload
def grad(
    fun: Callable[Concatenate[A, A2, P], tuple[ArrayLike, X]],
    argnums: Literal[1],
    has_aux: Literal[True],
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, P], tuple[A2, X]]: ...
@overload
def grad(
    fun: Callable[Concatenate[A, A2, A3, P], tuple[ArrayLike, X]],
    argnums: Literal[2],
    has_aux: Literal[True],
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, A3, P], tuple[A3, X]]: ...
@overload
def grad(
    fun: Callable[Concatenate[A, A2, P], tuple[ArrayLike, X]],
    argnums: tuple[Literal[0], Literal[1]],
    has_aux: Literal[True],
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, P], tuple[tuple[A, A2], X]]: ...
@overload
def grad(
    fun: Callable[Concatenate[A, A2, A3, P], tuple[ArrayLike, X]],
    argnums: tuple[Literal[1], Literal[2]],
    has_aux: Literal[True],
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, A3, P], tuple[tuple[A2, A3], X]]: ...
@overload
def grad(
    fun: Callable[Concatenate[A, A2, A3, P], tuple[ArrayLike, X]],
    argnums: tuple[Literal[0], Literal[1], Literal[2]],
    has_aux: Literal[True],
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[Concatenate[A, A2, A3, P], tuple[tuple[A, A2, A3], X]]: ...
@overload
def grad(
    fun: Callable[P, Any],
    argnums: int | Sequence[int],
    has_aux: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> ArrayFunction[P, Any]: ...
def grad(
    fun: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False,
    holomorphic: bool = False, allow_int: bool = False,
) -> Callable[..., Any]:  # fmt: skip
    """The gradient of a scalar-valued ``fun`` with respect to the arguments ``argnums``.

    The gradient is reverse mode: the pullback of the output cotangent ``1``. It has the
    structure of the differentiated argument (a pytree for a pytree argument), and is
    typed as that argument, so ``w - lr * grad(loss)(w)`` type-checks: for a literal
    ``argnums`` among 0, 1, 2, ``(0, 1)``, ``(1, 2)`` and ``(0, 1, 2)``, with or without
    ``has_aux`` (other ``argnums`` give ``Any``). For a function of an ``Array`` first
    argument (a lambda included) it is an ``Array``, and any array-like value is accepted.

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
    check_callable(fun, "grad")

    @functools.wraps(fun)
    def grad_f(*args: Any, **kwargs: Any) -> Any:
        _, _, aux, g = _value_and_grad(fun, args, kwargs, argnums, has_aux, holomorphic, allow_int)
        return (g, aux) if has_aux else g

    return grad_f
