"""Multi-process runs on jaxlib's distributed runtime (JAX's ``jax.distributed``)."""

from fad._src.distributed import initialize as initialize
from fad._src.distributed import is_initialized as is_initialized
from fad._src.distributed import shutdown as shutdown

__all__ = ["initialize", "is_initialized", "shutdown"]
