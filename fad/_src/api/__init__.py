"""The user-facing transformations, composed from the interpreters.

Forward mode (``forward``) runs the JVP handler. Reverse mode (``reverse``) is never a
tape: ``vjp`` stages the JVP's tangent part with a partial evaluator (known primal
work runs now) and transposes the resulting linear program. ``vmap`` (``batching``)
runs the batch handler; ``jacfwd``/``jacrev`` (``jacobians``) push or pull a whole
basis at once with it. ``make_jaxpr`` (``staging``) shows the staged program.
``arguments`` holds the argument handling they share. The names below are ``fad``'s.
"""

from fad._src.api.batching import vmap as vmap
from fad._src.api.forward import jvp as jvp
from fad._src.api.jacobians import hessian as hessian
from fad._src.api.jacobians import jacfwd as jacfwd
from fad._src.api.jacobians import jacrev as jacrev
from fad._src.api.reverse import grad as grad
from fad._src.api.reverse import linear_transpose as linear_transpose
from fad._src.api.reverse import linearize as linearize
from fad._src.api.reverse import value_and_grad as value_and_grad
from fad._src.api.reverse import vjp as vjp
from fad._src.api.staging import make_jaxpr as make_jaxpr
