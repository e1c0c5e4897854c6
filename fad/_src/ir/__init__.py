"""fad's IR: immutable, typed SSA programs, and the passes over them that need no
interpreter.

``program`` holds the types, their printed form and evaluation; ``typecheck`` the
checker; ``passes`` dead-code elimination, dependency analysis, splitting by
dependency and the per-program cache every derived program lives in. The names below
are the IR's face; the passes are imported from ``fad._src.ir.passes``.
"""

from fad._src.ir.program import Atom as Atom
from fad._src.ir.program import ClosedProgram as ClosedProgram
from fad._src.ir.program import Env as Env
from fad._src.ir.program import Eqn as Eqn
from fad._src.ir.program import Literal as Literal
from fad._src.ir.program import Program as Program
from fad._src.ir.program import Var as Var
from fad._src.ir.program import bind_eqn as bind_eqn
from fad._src.ir.program import eval_program as eval_program
from fad._src.ir.program import literal_value as literal_value
from fad._src.ir.program import pretty_print as pretty_print
from fad._src.ir.program import walk as walk
from fad._src.ir.typecheck import ProgramTypeError as ProgramTypeError
from fad._src.ir.typecheck import typecheck as typecheck
