"""fad.testing: the algebraic laws of fad's transformations, as checks of your own functions,
custom rules and handlers.

``check_laws(f, *args)`` checks that fad's transformations of ``f`` agree with each other
and with finite differences at ``args``; ``check_custom_jvp``/``check_custom_vjp`` hold a
custom rule to its primal function; ``check_handler`` holds a forwarding handler to the
identity. Each failure is a ``LawError`` (an ``AssertionError``) naming the law.
``fad.testing.strategies`` has hypothesis strategies for the arguments (hypothesis is
needed for that module only).
"""

from fad._src.testing.checks import check_custom_jvp as check_custom_jvp
from fad._src.testing.checks import check_custom_vjp as check_custom_vjp
from fad._src.testing.checks import check_handler as check_handler
from fad._src.testing.checks import check_laws as check_laws
from fad._src.testing.edge import edge_values as edge_values
from fad._src.testing.laws import LAWS as LAWS
from fad._src.testing.laws import Law as Law
from fad._src.testing.numerics import LawError as LawError
