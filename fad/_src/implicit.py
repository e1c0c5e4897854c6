"""Implicit differentiation: ``lax.custom_root`` and ``lax.custom_linear_solve``.

Both return what a user-supplied solver computes and differentiate the *equation* it
solves instead of the solver's iterations (which may be a ``while_loop``, with no
reverse mode, or converge too loosely to differentiate):

- ``custom_root(f, x0, solve, tangent_solve)``: ``x* = solve(f, x0)`` with ``f(x*) = 0``;
  by the implicit function theorem ``dx* = -(∂f/∂x)⁻¹ (∂f/∂θ dθ)`` for the values ``θ``
  that ``f`` closes over, the inverse applied by ``tangent_solve(g, y)`` (``g`` linear).
  ``f`` is staged once so its closed-over values become explicit arguments of a
  ``custom_jvp`` identity, whose rule is that formula.
- ``custom_linear_solve(matvec, b, solve, transpose_solve)``: the
  ``custom_linear_solve`` primitive (``prims/control_flow/linear_solve.py``), with the
  transpose of ``matvec`` derived by ``linear_transpose``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fad._src import core
from fad._src import tree_util as tu
from fad._src.api import jvp, linear_transpose
from fad._src.core import Array
from fad._src.custom_derivatives import custom_jvp
from fad._src.interpreters.programs import flat_arrays as _flat_arrays
from fad._src.interpreters.programs import not_array_leaf, trace_to_program
from fad._src.ir import ClosedProgram
from fad._src.prims import elementwise as ew
from fad._src.prims.control_flow.linear_solve import linear_solve_p
from fad._src.typing import Tangent, tangent


def _stop(tree: Any) -> Any:
    return tu.tree_map(lambda x: ew.stop_gradient(x) if isinstance(x, Array) else x, tree)


def _flat(tree: Any, what: str) -> tuple[list[Array], tu.PyTreeDef]:
    return _flat_arrays(tree, not_array_leaf(what))


def _stage(
    fn: Callable[..., Any], tree: tu.PyTreeDef, avals: list[core.ShapedArray], what: str
) -> tuple[ClosedProgram, list[Array], tu.PyTreeDef]:
    """``fn`` of one pytree (of ``tree``'s structure) staged over its flat leaves."""
    return trace_to_program(lambda *leaves: fn(tu.tree_unflatten(tree, list(leaves))), avals, what)


def custom_root(
    f: Callable[[Any], Any], initial_guess: Any, solve: Callable[[Callable[[Any], Any], Any], Any],
    tangent_solve: Callable[[Callable[[Any], Any], Any], Any], has_aux: bool = False,
) -> Any:  # fmt: skip
    """``jax.lax.custom_root``: the root ``solve(f, initial_guess)`` of ``f``, differentiated
    implicitly in the values ``f`` closes over (``solve`` itself is not differentiated).

    ``tangent_solve(g, y)`` solves the linear system ``g(x) = y`` for ``x`` (``g`` is ``f``
    linearized at the root; for a scalar, ``lambda g, y: y / g(1.0)``). With ``has_aux``
    ``solve`` returns ``(root, aux)`` and ``aux`` is returned without derivatives.
    """
    guess, tree = _flat(initial_guess, "custom_root initial_guess")
    avals = [g.aval.strip_weak_type() for g in guess]
    f_prog, consts, out_tree = _stage(f, tree, avals, "custom_root f")
    if out_tree != tree or [a.shape for a in f_prog.out_avals] != [a.shape for a in avals]:
        raise TypeError(
            "custom_root: f must return a value of initial_guess's structure and shapes, got "
            f"{out_tree} with {[a.str_short() for a in f_prog.out_avals]}"
        )
    result = solve(f, initial_guess)
    root, aux = result if has_aux else (result, None)
    root_flat, root_tree = _flat(_stop(root), "custom_root solution")
    if root_tree != tree:
        raise TypeError(f"custom_root: solve must return {tree}, got {root_tree}")

    def f_flat(c: list[Array], x: list[Array]) -> list[Array]:
        return f_prog(*c, *x)

    def implicit(c: list[Array], x: list[Array]) -> list[Array]:
        return x

    rooted = custom_jvp(implicit)

    @rooted.defjvp
    def _root_jvp(primals: tuple[Any, ...], tangents: Any) -> tuple[Any, Tangent[Any]]:
        (c, x0), (dc, _) = primals, tangents
        # The root through ``rooted`` again, so that an outer derivative sees x*(c) too.
        x = rooted(c, x0)
        # -(df/dx)^{-1} (df/dc dc): the closed-over values' effect on f, undone along x.
        rhs: Any = jvp(lambda cc: f_flat(cc, x), (c,), (dc,))[1]

        def along_x(v: Any) -> Any:
            out: Any = jvp(lambda xx: f_flat(c, xx), (x,), (tangent(tu.tree_leaves(v)),))[1]
            return tu.tree_unflatten(tree, list(out))

        sol = tangent_solve(along_x, tu.tree_unflatten(tree, list(rhs)))
        dx = [ew.neg(s) for s in _flat(sol, "custom_root tangent_solve result")[0]]
        return x, tangent(dx)

    out = tu.tree_unflatten(tree, rooted(list(consts), root_flat))
    return (out, _stop(aux)) if has_aux else out


def custom_linear_solve(
    matvec: Callable[[Any], Any], b: Any, solve: Callable[[Callable[[Any], Any], Any], Any],
    transpose_solve: Callable[[Callable[[Any], Any], Any], Any] | None = None,
    symmetric: bool = False,
) -> Any:  # fmt: skip
    """``jax.lax.custom_linear_solve``: ``x = solve(matvec, b)`` for the linear operator
    ``matvec``, differentiated through ``A x = b`` (``dx = solve(db - dA x)``) and
    transposed by ``transpose_solve(vecmat, ct)`` (``solve`` again if ``symmetric``), so
    reverse mode works when ``solve`` is an iterative loop."""
    flat_b, tree = _flat(b, "custom_linear_solve b")
    avals = [x.aval.strip_weak_type() for x in flat_b]
    if symmetric:
        transpose_solve = solve
    mv_prog, mv_consts, mv_tree = _stage(matvec, tree, avals, "custom_linear_solve matvec")
    if mv_tree != tree:
        raise TypeError(f"custom_linear_solve: matvec must return {tree}, got {mv_tree}")
    example = tu.tree_unflatten(tree, [core.zeros(a) for a in avals])

    def vecmat(y: Any) -> Any:
        return linear_transpose(matvec, example)(y)[0]

    vm_prog, vm_consts, _ = _stage(vecmat, tree, avals, "custom_linear_solve vecmat")
    s_prog, s_consts, s_tree = _stage(
        lambda y: solve(matvec, y), tree, avals, "custom_linear_solve solve"
    )
    if s_tree != tree:
        raise TypeError(f"custom_linear_solve: solve must return {tree}, got {s_tree}")
    ts_prog: ClosedProgram | None = None
    ts_consts: list[Array] = []
    if transpose_solve is not None:
        ts = transpose_solve
        ts_prog, ts_consts, _ = _stage(
            lambda y: ts(vecmat, y), tree, avals, "custom_linear_solve transpose_solve"
        )
    counts = (len(mv_consts), len(vm_consts), len(s_consts), len(ts_consts))
    outs = linear_solve_p.bindn(
        *mv_consts, *vm_consts, *s_consts, *ts_consts, *flat_b,
        programs=(mv_prog, vm_prog, s_prog, ts_prog), counts=counts,
    )  # fmt: skip
    return tu.tree_unflatten(tree, list(outs))
