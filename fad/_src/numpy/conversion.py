"""Arrays in: ``asarray``, ``astype``, JAX's dtype promotion and numpy broadcasting.

Every function of ``fad.numpy`` starts here: its arguments become ``Array``s, promoted
to one dtype by JAX's lattice (Python scalars are weak) and broadcast to one shape.
``stack`` lives here too, because ``asarray`` stacks sequences that hold arrays.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any, overload

import numpy as np

from fad._src import core, dtypes
from fad._src.core import Array, ArrayLike, DType
from fad._src.prims import _util
from fad._src.prims import elementwise as ew
from fad._src.prims import structural as st
from fad._src.typing import LinearArray

Axis = int | Sequence[int] | None


def dtype_arg(dtype: Any, name: str = "dtype") -> DType | None:
    """A user's ``dtype`` argument, checked and canonicalized (``None`` stays ``None``)."""
    return None if dtype is None else dtypes.check_user_dtype(dtype, name)


def no_out(out: Any, name: str) -> None:
    """JAX's functions take ``out=None`` only: arrays are immutable."""
    if out is not None:
        raise NotImplementedError(f"{name}: out= is not supported (fad arrays are immutable)")


def asarray(
    a: Any,
    dtype: Any = None,
    order: str | None = None,
    *,
    copy: bool | None = None,
    device: Any = None,
    out_sharding: Any = None,
) -> Array:
    """Convert to a ``fad.Array`` (no copy when ``a`` already is one of the right dtype;
    Arrays are immutable, so ``copy`` and ``order`` change nothing observable)."""
    if order not in (None, "C", "K", "A"):
        raise NotImplementedError(f"asarray: only C order is supported, got order={order!r}")
    dt = dtype_arg(dtype)
    if isinstance(a, Array):
        return a if dt is None else astype(a, dt)
    if isinstance(a, (list, tuple)) and _contains_array(a):
        return (
            stack([asarray(x) for x in a]).astype(dt)
            if dt is not None
            else stack([asarray(x) for x in a])
        )
    if isinstance(a, (list, tuple)):
        if dt is None:
            return core.asarray(_from_nested_python(a))
        return core.asarray(np.asarray(a), dt)
    if dt is None:
        return core.asarray(a)
    if isinstance(a, (bool, int, float, complex)):
        return Array(np.asarray(a, dt))
    return core.asarray(a, dt)


def from_dlpack(x: Any, /, *, device: Any = None, copy: bool | None = None) -> Array:
    """An ``Array`` from any object that exports DLPack (numpy, torch, ...).

    Into fad is always a copy: the producer keeps its memory and can still write it, and a
    fad Array must never change, so ``copy=False`` is refused. (Out of fad, ``__dlpack__``
    is zero-copy.) A fad Array comes back as itself. Dtypes are canonicalized as by
    ``asarray`` (float64 becomes float32 unless x64 is enabled).
    """
    if isinstance(x, Array):
        return x
    if not hasattr(x, "__dlpack__"):
        raise TypeError(
            f"from_dlpack: x must implement the DLPack protocol (__dlpack__), "
            f"got {type(x).__name__}"
        )
    if copy is False:
        raise BufferError(
            "from_dlpack: copy=False cannot be honoured: a fad Array is immutable and the "
            "producer can still write the memory it exports, so importing always copies"
        )
    if device is not None and str(getattr(device, "platform", device)).lower() != "cpu":
        raise ValueError(f"from_dlpack: device must be None or the CPU, got {device!r}")
    view = np.from_dlpack(x)  # zero-copy view of the producer's memory ...
    return core.asarray(view)  # ... copied here, once, into fad's own


def _contains_array(seq: Sequence[Any]) -> bool:
    return builtins.any(
        isinstance(x, Array) or (isinstance(x, (list, tuple)) and _contains_array(x)) for x in seq
    )


def _from_nested_python(a: Sequence[Any]) -> np.ndarray[Any, Any]:
    """JAX's defaults for nested Python lists: float lists become float32, ints int32."""
    v = np.asarray(a)
    if v.dtype == np.float64 or v.dtype == np.int64 or v.dtype == np.complex128:
        return v.astype(dtypes.canonicalize_dtype(v.dtype))
    return v


def _lift(x: ArrayLike, dt: DType, weak: bool) -> Array:
    """``x`` as an Array of dtype ``dt``; Python scalars are created there directly."""
    if isinstance(x, Array):
        if x.dtype == dt:
            return x
        return ew.convert_element_type(x, dt, weak)
    if isinstance(x, (bool, int, float, complex)):
        return core.scalar_array(x, dt, weak)
    return ew.convert_element_type(core.asarray(x), dt, weak)


def dtype_and_weak(x: ArrayLike) -> tuple[DType, bool]:
    """The dtype and weak type that promotion sees for an array or a Python scalar."""
    if isinstance(x, Array):
        a = x.aval
        return a.dtype, a.weak_type
    if isinstance(x, (bool, int, float, complex)):
        return dtypes.dtype_of_python_scalar(x)
    if isinstance(x, (np.ndarray, np.generic)):
        return dtypes.canonicalize_dtype(np.asarray(x).dtype), False
    raise TypeError(f"expected an array or a scalar, got {type(x).__name__}: {x!r}")


def result_type(*args: Any) -> DType:
    pairs = [
        dtype_and_weak(a)
        if not isinstance(a, (np.dtype, type, str))
        else (dtypes.check_user_dtype(a, "result_type"), False)
        for a in args
    ]
    return dtypes.result_type(*pairs)[0]


def issubdtype(arg1: Any, arg2: Any) -> bool:
    """numpy's ``issubdtype`` (``jnp.floating`` and the other abstract types included)."""
    return bool(np.issubdtype(arg1, arg2))


# Python scalars by exact type: ``np.float64`` subclasses ``float`` but is strongly typed,
# so subclasses take the general path.
PY_SCALARS = frozenset({bool, int, float, complex})


def _operand_type(x: Array) -> tuple[DType, bool, tuple[int, ...]] | None:
    """Dtype, weak type and shape of an operand: a host array's own, a tracer's aval
    (built once), ``None`` for a device-resident value (the general path reads it)."""
    if type(x) is Array:
        v = x._host
        return None if v is None else (v.dtype, x._weak_type, v.shape)
    aval = x.aval
    return aval.dtype, aval.weak_type, aval.shape


def promote_pair(
    x: ArrayLike, y: ArrayLike, inexact: bool, keep_scalar: bool = False
) -> list[Array] | None:
    """``promote`` (``promote_inexact`` if ``inexact``) of two operands, for the cases code
    hits on every operator: two Arrays (concrete or tracers), or one and a Python scalar.

    It must agree with the general path exactly (it skips only its generic
    bookkeeping, and reads each operand's type once): the same dtype and weak type from
    the cached lattice, the same primitives bound in the same order (a
    ``convert_element_type`` of an Array whose dtype changes, then a ``broadcast_in_dim``
    of the operand whose shape does), the scalar made by the same ``np.asarray(y, dtype)``.
    ``None`` means: take the general path.

    With ``keep_scalar``, a Python scalar or a 0-d operand is left 0-d when no handler is
    installed (no one sees the ``broadcast_in_dim`` skipped): for callers that bind a
    primitive whose numpy implementation is a ufunc, which broadcasts it to the very same
    values.
    """
    if isinstance(x, Array):
        tx = _operand_type(x)
        if tx is None:
            return None
        dx, wx, sx = tx
        if isinstance(y, Array):
            ty = _operand_type(y)
            if ty is None:
                return None
            dy, wy, sy = ty
            dt, weak = dtypes.result_type_of_pair(dx, wx, dy, wy, inexact)
            a = x if dx == dt else ew.convert_element_type(x, dt, weak)
            b = y if dy == dt else ew.convert_element_type(y, dt, weak)
            if sx == sy:
                return [a, b]
            if not sy:
                return [a, b] if keep_scalar and core.is_eager() else [a, _broadcast(b, sx)]
            if not sx:
                return [a, b] if keep_scalar and core.is_eager() else [_broadcast(a, sy), b]
            return broadcast_arrays(a, b)
        if type(y) in PY_SCALARS:
            if type(y) is int and not -(2**31) <= y < 2**31:
                dtypes.check_python_int(y)
            dt, weak = dtypes.result_type_with_scalar(dx, wx, type(y), inexact)
            a = x if dx == dt else ew.convert_element_type(x, dt, weak)
            if not sx or (keep_scalar and core.is_eager()):
                return [a, core.scalar_array(y, dt, weak)]
            return [a, _broadcast_scalar(y, dt, weak, sx)]
        return None
    if isinstance(y, Array) and type(x) in PY_SCALARS:
        ty = _operand_type(y)
        if ty is None:
            return None
        dy, wy, sy = ty
        if type(x) is int and not -(2**31) <= x < 2**31:
            dtypes.check_python_int(x)
        dt, weak = dtypes.result_type_with_scalar(dy, wy, type(x), inexact)
        b = y if dy == dt else ew.convert_element_type(y, dt, weak)
        if not sy or (keep_scalar and core.is_eager()):
            return [core.scalar_array(x, dt, weak), b]
        return [_broadcast_scalar(x, dt, weak, sy), b]
    return None


def _broadcast_scalar(x: Any, dt: DType, weak: bool, shape: tuple[int, ...]) -> Array:
    """A Python scalar in dtype ``dt`` broadcast to ``shape``: made at once where
    primitives on constants run at once (``ew.filled``), else bound as a broadcast."""
    out = ew.filled(shape, x, dt, weak)
    if out is None:
        out = _broadcast(core.scalar_array(x, dt, weak), shape)
    return out


def _broadcast(scalar: Array, shape: tuple[int, ...]) -> Array:
    """A 0-d operand broadcast to the other's ``shape``: the one primitive
    ``broadcast_arrays`` binds for it, without its general shape checks."""
    return core.broadcast_in_dim_p.bind1(scalar, shape=shape, broadcast_dimensions=())


def promote(name: str, *args: ArrayLike) -> list[Array]:
    """JAX's promotion: a common dtype by the lattice, then numpy broadcasting."""
    if len(args) == 2:
        fast = promote_pair(args[0], args[1], False)
        if fast is not None:
            return fast
    for a in args:
        if not core.is_arraylike(a):
            if isinstance(a, (list, tuple)):
                continue
            raise TypeError(f"{name}: expected array-like arguments, got {type(a).__name__}: {a!r}")
    args = tuple(asarray(a) if isinstance(a, (list, tuple)) else a for a in args)
    pairs = [dtype_and_weak(a) for a in args]
    dt, weak = dtypes.result_type(*pairs)
    arrs = [_lift(a, dt, weak) for a in args]
    return broadcast_arrays(*arrs)


def promote_inexact(name: str, *args: ArrayLike) -> list[Array]:
    """Promote, then lift integers and bools to the default float (``sin(1)`` is a float)."""
    if len(args) == 2:
        fast = promote_pair(args[0], args[1], True)
        if fast is not None:
            return fast
    pairs = [dtype_and_weak(a) for a in args]
    dt, weak = dtypes.to_inexact(*dtypes.result_type(*pairs))
    arrs = [_lift(a, dt, weak) for a in args]
    return broadcast_arrays(*arrs)


def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...]:
    try:
        return tuple(np.broadcast_shapes(*(tuple(s) for s in shapes)))
    except ValueError:
        raise ValueError(
            f"operands could not be broadcast together with shapes {' '.join(map(str, shapes))}"
        ) from None


def broadcast_arrays(*args: ArrayLike) -> list[Array]:
    arrs = [asarray(a) for a in args]
    shapes = [a.shape for a in arrs]
    if builtins.all(s == shapes[0] for s in shapes):
        return arrs
    shape = broadcast_shapes(*shapes)
    return [st.broadcast_to(a, shape) for a in arrs]


def broadcast_to(
    array: ArrayLike, shape: int | Sequence[int], *, out_sharding: Any = None
) -> Array:
    """``array`` broadcast to ``shape`` (numpy's rules)."""
    shape_t = (shape,) if isinstance(shape, int) else tuple(shape)
    return st.broadcast_to(asarray(array), shape_t)


def astype(x: ArrayLike, dtype: Any, /, *, copy: bool = False, device: Any = None) -> Array:
    """``x`` converted to ``dtype``."""
    dt = dtypes.check_user_dtype(dtype, "astype")
    a = asarray(x)
    if a.dtype == dt:
        return ew.convert_element_type(a, dt, weak_type=False)
    return ew.convert_element_type(a, dt)


def promote_no_broadcast(name: str, arrays: Sequence[ArrayLike]) -> list[Array]:
    """``promote`` without the broadcasting: one common dtype, shapes unchanged."""
    pairs = [dtype_and_weak(a if not isinstance(a, (list, tuple)) else asarray(a)) for a in arrays]
    dt, weak = dtypes.result_type(*pairs)
    return [_lift(asarray(a) if isinstance(a, (list, tuple)) else a, dt, weak) for a in arrays]


def as_inexact(arrays: Sequence[Array]) -> list[Array]:
    """Integer and bool arrays as the default float (inexact ones unchanged)."""
    return [
        a if dtypes.is_inexact(a.dtype) else astype(a, dtypes.default_float_dtype()) for a in arrays
    ]


@overload
def stack(
    arrays: Sequence[LinearArray], axis: int = 0, out: None = None, dtype: Any = None
) -> LinearArray: ...
@overload
def stack(
    arrays: Sequence[ArrayLike], axis: int = 0, out: None = None, dtype: Any = None
) -> Array: ...
def stack(  # type: ignore[misc]
    arrays: Sequence[ArrayLike], axis: int = 0, out: None = None, dtype: Any = None
) -> Array:
    """Join arrays of one shape along a new axis."""
    no_out(out, "stack")
    if not len(arrays):
        raise ValueError("need at least one array to stack")
    arrs = promote_no_broadcast("stack", arrays)
    shapes = {a.shape for a in arrs}
    if len(shapes) != 1:
        raise ValueError(
            f"all input arrays must have the same shape, got {[a.shape for a in arrs]}"
        )
    ax = _util.canonical_axis(axis, arrs[0].ndim + 1)
    res = st.concatenate([st.expand_dims(a, [ax]) for a in arrs], ax)
    return astype(res, dtype) if dtype is not None else res
