"""``convolve`` and ``correlate`` of 1-d arrays, as ``numpy``'s (and JAX's), over the
general convolution of ``fad._src.prims.convolution``."""

from __future__ import annotations

from typing import Any

from fad._src.core import Array, ArrayLike
from fad._src.numpy import manipulation, ufuncs
from fad._src.numpy.conversion import as_inexact, promote_no_broadcast
from fad._src.prims import convolution
from fad._src.prims import structural as st


def _conv1d(
    a: ArrayLike, v: ArrayLike, mode: str, op: str, preferred_element_type: Any
) -> Array:  # fmt: skip
    x, y = as_inexact(promote_no_broadcast(op, [a, v]))
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(
            f"{op}() only supports 1-dimensional inputs, got shapes {x.shape}, {y.shape}"
        )
    if x.shape[0] == 0 or y.shape[0] == 0:
        raise ValueError(f"{op}: inputs cannot be empty, got shapes {x.shape} and {y.shape}")
    reverse = False
    if op == "correlate":
        y = ufuncs.conjugate(y)
        if x.shape[0] < y.shape[0]:
            x, y, reverse = y, x, True
    else:
        if x.shape[0] < y.shape[0]:
            x, y = y, x
        y = manipulation.flip(y)
    n = y.shape[0]
    pads = {"valid": (0, 0), "same": (n // 2, n - n // 2 - 1), "full": (n - 1, n - 1)}
    if mode not in pads:
        raise ValueError(f"{op}: mode must be one of 'full', 'same', 'valid', got {mode!r}")
    out = convolution.conv_general_dilated(
        st.reshape(x, (1, 1, x.shape[0])), st.reshape(y, (1, 1, n)), (1,), [pads[mode]],
        preferred_element_type=preferred_element_type,
    )  # fmt: skip
    out = st.reshape(out, (out.shape[-1],))
    return manipulation.flip(out) if reverse else out


def convolve(
    a: ArrayLike, v: ArrayLike, mode: str = "full", *, precision: Any = None,
    preferred_element_type: Any = None,
) -> Array:  # fmt: skip
    """The discrete linear convolution of 1-d ``a`` and ``v`` (``numpy.convolve``)."""
    del precision
    return _conv1d(a, v, mode, "convolve", preferred_element_type)


def correlate(
    a: ArrayLike, v: ArrayLike, mode: str = "valid", *, precision: Any = None,
    preferred_element_type: Any = None,
) -> Array:  # fmt: skip
    """The cross-correlation ``c[k] = sum_n a[n + k] conj(v[n])`` (``numpy.correlate``)."""
    del precision
    return _conv1d(a, v, mode, "correlate", preferred_element_type)
