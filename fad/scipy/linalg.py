"""fad.scipy.linalg: scipy.linalg's API (JAX's semantics) on fad arrays.

Unlike ``fad.numpy.linalg.cholesky``, the factorizations here read only the
triangle ``lower`` names (scipy's convention) and do not symmetrize. Leading
axes are batch axes throughout.
"""

from fad._src.scipy.linalg import cho_factor as cho_factor
from fad._src.scipy.linalg import cho_solve as cho_solve
from fad._src.scipy.linalg import cholesky as cholesky
from fad._src.scipy.linalg import det as det
from fad._src.scipy.linalg import eigh as eigh
from fad._src.scipy.linalg import inv as inv
from fad._src.scipy.linalg import lu as lu
from fad._src.scipy.linalg import lu_factor as lu_factor
from fad._src.scipy.linalg import lu_solve as lu_solve
from fad._src.scipy.linalg import qr as qr
from fad._src.scipy.linalg import solve as solve
from fad._src.scipy.linalg import solve_triangular as solve_triangular
from fad._src.scipy.linalg import svd as svd

__all__ = [
    "cho_factor", "cho_solve", "cholesky", "det", "eigh", "inv", "lu", "lu_factor", "lu_solve",
    "qr", "solve", "solve_triangular", "svd",
]  # fmt: skip
