"""Structured control flow: ``cond`` (n-way branching), ``while`` and ``scan``.

Each primitive carries its sub-programs (``ClosedProgram`` s) as parameters, and
values the user functions close over that belong to an enclosing transformation
are hoisted into explicit operands, so every handler sees them.

Differentiation follows the design of ``xla_call``: a JVP rule binds the primitive
once, on the JVP of its programs; the partial evaluator of reverse mode splits such a
primitive by dependency into a *known* one, run at once, which also outputs the
residuals the rest needs (stacked per iteration for ``scan``, padded to one signature
across branches for ``cond``), and a staged rest that is linear in the tangents. So
transposition never re-runs the forward pass: the transpose of a tangent ``scan`` is
a ``scan`` running the other way over the stored residuals. ``while`` has no
transpose (its trip count is not known ahead), and says so.

One module per primitive (``branches``: cond/switch, ``while_loops``: while/fori,
``scans``: scan/map, ``linear_solve``: custom_linear_solve), ``common`` for what they
share, ``functions`` for ``select``/``stop_gradient``; the names below are what ``fad.lax`` exports.
"""

from fad._src.prims.control_flow.branches import cond as cond
from fad._src.prims.control_flow.branches import cond_p as cond_p
from fad._src.prims.control_flow.branches import switch as switch
from fad._src.prims.control_flow.functions import select as select
from fad._src.prims.control_flow.functions import stop_gradient as stop_gradient
from fad._src.prims.control_flow.linear_solve import linear_solve_p as linear_solve_p
from fad._src.prims.control_flow.scans import map as map
from fad._src.prims.control_flow.scans import scan as scan
from fad._src.prims.control_flow.scans import scan_p as scan_p
from fad._src.prims.control_flow.while_loops import fori_loop as fori_loop
from fad._src.prims.control_flow.while_loops import while_loop as while_loop
from fad._src.prims.control_flow.while_loops import while_p as while_p

__all__ = [
    "cond",
    "cond_p",
    "fori_loop",
    "linear_solve_p",
    "map",
    "scan",
    "scan_p",
    "select",
    "stop_gradient",
    "switch",
    "while_loop",
    "while_p",
]
