"""fad.scipy.optimize: ``minimize`` with BFGS, as in jax.scipy.optimize."""

from fad._src.scipy.optimize import OptimizeResults as OptimizeResults
from fad._src.scipy.optimize import minimize as minimize

__all__ = ["OptimizeResults", "minimize"]
