"""Primitive families; importing this package registers every primitive's rules."""

from fad._src.prims import bits as bits
from fad._src.prims import collectives as collectives
from fad._src.prims import control_flow as control_flow
from fad._src.prims import elementwise as elementwise
from fad._src.prims import fft as fft
from fad._src.prims import indexing as indexing
from fad._src.prims import lapack as lapack
from fad._src.prims import linalg as linalg
from fad._src.prims import reductions as reductions
from fad._src.prims import sorting as sorting
from fad._src.prims import structural as structural
