"""Window functions (``bartlett``, ``blackman``, ``hamming``, ``hanning``, ``kaiser``):
numpy's formulas on ``arange(M)``, in the default float dtype."""

from __future__ import annotations

import operator

import numpy as np

from fad._src import dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy.conversion import asarray, astype
from fad._src.numpy.creation import ones
from fad._src.numpy.mathfuncs import i0
from fad._src.numpy.ufuncs import abs, cos, sqrt
from fad._src.prims import structural as st


def _grid(M: int) -> tuple[int, Array | None]:
    """``M`` checked, and ``arange(M)`` when a formula is needed (``M > 1``)."""
    m = operator.index(M)
    if m <= 1:
        return m, None
    return m, st.iota(dtypes.default_float_dtype(), (m,), 0)


def _trivial(m: int) -> Array:
    return ones((max(m, 0),), dtypes.default_float_dtype())


def bartlett(M: int) -> Array:
    """The triangular (Bartlett) window of ``M`` points."""
    m, n = _grid(M)
    if n is None:
        return _trivial(m)
    return 1 - abs(2 * n / (m - 1) - 1)


def blackman(M: int) -> Array:
    """The Blackman window of ``M`` points."""
    m, n = _grid(M)
    if n is None:
        return _trivial(m)
    t = 2 * np.pi * n / (m - 1)
    return 0.42 - 0.5 * cos(t) + 0.08 * cos(2 * t)


def hamming(M: int) -> Array:
    """The Hamming window of ``M`` points."""
    m, n = _grid(M)
    if n is None:
        return _trivial(m)
    return 0.54 - 0.46 * cos(2 * np.pi * n / (m - 1))


def hanning(M: int) -> Array:
    """The Hann window of ``M`` points."""
    m, n = _grid(M)
    if n is None:
        return _trivial(m)
    return 0.5 - 0.5 * cos(2 * np.pi * n / (m - 1))


def kaiser(M: int, beta: ArrayLike) -> Array:
    """The Kaiser window of ``M`` points with shape parameter ``beta`` (differentiable in it)."""
    m, n = _grid(M)
    if n is None:
        return _trivial(m)
    b = astype(asarray(beta), n.dtype)
    alpha = (m - 1) / 2.0
    r = (n - alpha) / alpha
    return i0(b * sqrt(1 - r * r)) / i0(b)
