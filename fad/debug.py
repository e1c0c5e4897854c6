"""Seeing values inside transformed code (JAX's ``jax.debug``): ``print`` and ``callback``
run when the code runs, also inside ``jit``, per element under ``vmap`` and on primal values
under ``grad``."""

from fad._src.callbacks import debug_callback as callback
from fad._src.callbacks import debug_print as print

__all__ = ["callback", "print"]
