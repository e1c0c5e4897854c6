"""fad.scipy.linalg: scipy.linalg's API (JAX's semantics) on fad arrays.

Unlike ``fad.numpy.linalg.cholesky``, the factorizations here read only the
triangle ``lower`` names (scipy's convention) and do not symmetrize. Leading
axes are batch axes throughout.
"""

from fad._src.scipy.linalg import block_diag as block_diag
from fad._src.scipy.linalg import cho_factor as cho_factor
from fad._src.scipy.linalg import cho_solve as cho_solve
from fad._src.scipy.linalg import cholesky as cholesky
from fad._src.scipy.linalg import circulant as circulant
from fad._src.scipy.linalg import companion as companion
from fad._src.scipy.linalg import convolution_matrix as convolution_matrix
from fad._src.scipy.linalg import det as det
from fad._src.scipy.linalg import dft as dft
from fad._src.scipy.linalg import eigh as eigh
from fad._src.scipy.linalg import eigh_tridiagonal as eigh_tridiagonal
from fad._src.scipy.linalg import expm as expm
from fad._src.scipy.linalg import expm_frechet as expm_frechet
from fad._src.scipy.linalg import fiedler as fiedler
from fad._src.scipy.linalg import fiedler_companion as fiedler_companion
from fad._src.scipy.linalg import funm as funm
from fad._src.scipy.linalg import hadamard as hadamard
from fad._src.scipy.linalg import hankel as hankel
from fad._src.scipy.linalg import helmert as helmert
from fad._src.scipy.linalg import hessenberg as hessenberg
from fad._src.scipy.linalg import hilbert as hilbert
from fad._src.scipy.linalg import inv as inv
from fad._src.scipy.linalg import invhilbert as invhilbert
from fad._src.scipy.linalg import invpascal as invpascal
from fad._src.scipy.linalg import leslie as leslie
from fad._src.scipy.linalg import lu as lu
from fad._src.scipy.linalg import lu_factor as lu_factor
from fad._src.scipy.linalg import lu_solve as lu_solve
from fad._src.scipy.linalg import pascal as pascal
from fad._src.scipy.linalg import polar as polar
from fad._src.scipy.linalg import qr as qr
from fad._src.scipy.linalg import qr_multiply as qr_multiply
from fad._src.scipy.linalg import rsf2csf as rsf2csf
from fad._src.scipy.linalg import schur as schur
from fad._src.scipy.linalg import solve as solve
from fad._src.scipy.linalg import solve_sylvester as solve_sylvester
from fad._src.scipy.linalg import solve_triangular as solve_triangular
from fad._src.scipy.linalg import sqrtm as sqrtm
from fad._src.scipy.linalg import svd as svd
from fad._src.scipy.linalg import toeplitz as toeplitz

__all__ = [
    "block_diag", "cho_factor", "cho_solve", "cholesky", "circulant", "companion",
    "convolution_matrix", "det", "dft", "eigh", "eigh_tridiagonal", "expm", "expm_frechet",
    "fiedler", "fiedler_companion", "funm", "hadamard", "hankel", "helmert", "hessenberg",
    "hilbert", "inv", "invhilbert", "invpascal", "leslie", "lu", "lu_factor", "lu_solve", "pascal",
    "polar", "qr", "qr_multiply", "rsf2csf", "schur", "solve", "solve_sylvester",
    "solve_triangular", "sqrtm", "svd", "toeplitz",
]  # fmt: skip
