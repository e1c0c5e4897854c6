"""``make_jaxpr``: the program ``jit`` would compile, for inspection."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, cast

from fad._src import core
from fad._src import tree_util as tu
from fad._src.api.arguments import check_callable, flatten_args, partial_args
from fad._src.interpreters.stage import StageHandler
from fad._src.ir import ClosedProgram

P = ParamSpec("P")


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
    check_callable(fun, "make_jaxpr")
    statics = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    def traced(*args: Any) -> ClosedProgram:
        dyn_nums = tuple(i for i in range(len(args)) if i not in statics)
        f, dyn = partial_args(fun, args, {}, dyn_nums)
        flat, in_tree = flatten_args(dyn, "make_jaxpr argument")
        handler = StageHandler(forward_known=False)
        with core.installed(handler):
            ins = [handler.new_arg(x.aval) for x in flat]
            out = f(*tu.tree_unflatten(in_tree, ins))
            flat_out, _ = flatten_args(out, "make_jaxpr output")
        return handler.build(ins, flat_out)

    return cast("Callable[P, ClosedProgram]", traced)
