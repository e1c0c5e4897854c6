"""fad.testing.strategies: hypothesis strategies for fad's arguments (needs hypothesis)."""

from fad._src.testing.strategies import arrays as arrays
from fad._src.testing.strategies import broadcastable_shapes as broadcastable_shapes
from fad._src.testing.strategies import prng_keys as prng_keys
from fad._src.testing.strategies import pytrees as pytrees
from fad._src.testing.strategies import shapes as shapes
from fad._src.testing.strategies import spd_matrices as spd_matrices
from fad._src.testing.strategies import well_conditioned as well_conditioned
