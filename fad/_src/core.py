"""The heart of fad: abstract values, arrays, primitives and the handler stack.

Applying a primitive is an *effect*. ``bind`` hands it to the handler on top of
the stack (a ``ContextVar``, so threads and tasks each see their own stack); the
handler runs its rule with its parent installed as the current handler, so every
primitive the rule applies goes one level down. The bottom of the stack is the
eager evaluator, which runs each primitive's numpy implementation.

Handlers are immutable values and their identity tells their tracers apart: a
handler interprets only its own tracers and treats every other value as a
constant, which is what keeps nested and closed-over differentiation from
confusing perturbations.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, cast, final

import numpy as np
from typing_extensions import CapsuleType

from fad._src import dtypes
from fad._src.config import config
from fad._src.sharding import Shard, Sharding

# A device buffer (a jaxlib array). The core only stores it; the XLA runtime, which
# creates it, installs ``fetch_host`` to read it back. Documented ``Any`` seam.
DeviceBuffer = Any

DType = np.dtype[Any]
Shape = tuple[int, ...]
# Primitive parameters are hashable Python values (ints, tuples, dtypes, programs);
# their types differ per primitive, so the mapping is one of fad's documented ``Any`` seams.
Params = Mapping[str, Any]


# ---------------------------------------------------------------------------
# Abstract values
# ---------------------------------------------------------------------------


@final
class ShapedArray:
    """The abstract value of an array: shape, dtype and whether the type is weak.

    A weak type comes from a Python scalar and yields to the other operand in
    promotion (``f32_array * 2.0`` stays float32).
    """

    __slots__ = ("dtype", "shape", "weak_type")
    shape: Shape
    dtype: DType
    weak_type: bool

    def __init__(self, shape: Shape, dtype: DType, weak_type: bool = False) -> None:
        # The slots' own setters (bound below the class): an aval is made for every traced
        # operation, and these are cheaper than ``object.__setattr__``.
        _set_shape(self, shape)
        _set_dtype(self, dtype)
        _set_weak_type(self, weak_type)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("ShapedArray is immutable")

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)  # Python ints: np.prod costs microseconds

    def strip_weak_type(self) -> ShapedArray:
        return ShapedArray(self.shape, self.dtype, False) if self.weak_type else self

    def update(
        self, shape: Shape | None = None, dtype: DType | None = None, weak_type: bool | None = None
    ) -> ShapedArray:
        return ShapedArray(
            self.shape if shape is None else shape,
            self.dtype if dtype is None else dtype,
            self.weak_type if weak_type is None else weak_type,
        )

    def str_short(self) -> str:
        """``f32[3,4]`` style, as printed in programs and error messages."""
        return f"{_short_dtype_name(self.dtype)}[{','.join(map(str, self.shape))}]"

    def __repr__(self) -> str:
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapedArray({self.str_short()}{weak})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ShapedArray)
            and self.shape == other.shape
            and self.dtype == other.dtype
            and self.weak_type == other.weak_type
        )

    def __hash__(self) -> int:
        return hash((self.shape, self.dtype, self.weak_type))


_set_shape = vars(ShapedArray)["shape"].__set__
_set_dtype = vars(ShapedArray)["dtype"].__set__
_set_weak_type = vars(ShapedArray)["weak_type"].__set__


_SHORT_NAMES = {
    "float16": "f16", "bfloat16": "bf16", "float32": "f32", "float64": "f64",
    "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    "uint8": "u8", "uint16": "u16", "uint32": "u32", "uint64": "u64",
    "complex64": "c64", "complex128": "c128", "bool": "bool",
}  # fmt: skip


def _short_dtype_name(dt: DType) -> str:
    if dt == dtypes.float0:
        return "float0"
    return _SHORT_NAMES.get(dt.name, dt.name)


# ---------------------------------------------------------------------------
# Arrays and tracers
# ---------------------------------------------------------------------------


class Array:
    """fad's immutable array.

    A concrete ``Array`` wraps a read-only numpy array; ``Tracer`` subclasses stand
    for values a handler is interpreting. Every operator and method is built from
    ``fad.numpy`` functions, so every transformation sees it.
    """

    __slots__ = ("_buffer", "_computed", "_host", "_weak_type")
    __array_priority__ = 100
    _weak_type: bool
    # The device buffer this value came from (set by ``jit``), so that passing it
    # back into a compiled function needs no new upload.
    _buffer: DeviceBuffer | None
    # Whether ``_buffer`` is known to hold its final value, so waiting on it is needless:
    # an upload waited for, or the output of a program that ran to the end on the calling
    # thread (``jit``). Set wherever ``_buffer`` is, and read only where it is set.
    _computed: bool
    # The numpy value. For a ``jit`` output it is fetched from ``_buffer`` on first
    # use (a zero-copy view on CPU), so a compiled call returns without waiting
    # for the device and a loop feeding outputs back never touches the host.
    _host: np.ndarray[Any, Any] | None

    @property
    def _value(self) -> np.ndarray[Any, Any]:
        v = self._host
        if v is None:
            v = self._host = fetch_host(self._buffer)
        return v

    def __init__(
        self, value: np.ndarray[Any, Any], weak_type: bool = False,
        buffer: DeviceBuffer | None = None,
    ) -> None:  # fmt: skip
        if value.flags.writeable:
            value = value.view()
            value.flags.writeable = False
        self._host = value
        self._weak_type = weak_type
        self._buffer = buffer
        # A buffer given here holds ``value`` already (``device_put`` read it back).
        self._computed = buffer is not None
        if value.dtype in FLUSHED and holds_subnormals(value):
            self.__class__ = SubnormalArray

    # -- abstract value ---------------------------------------------------
    @property
    def aval(self) -> ShapedArray:
        v: Any = self._host
        if v is None:
            v = self._buffer
        key = (v.shape, v.dtype, self._weak_type)
        a = _avals.get(key)
        if a is None:
            if len(_avals) >= 4096:  # bounded: a program's own types, not every one ever
                _avals.clear()
            a = _avals[key] = ShapedArray(*key)
        return a

    # ``shape``/``dtype``/``weak_type`` read the value directly rather than building an
    # ``aval`` (they are on every eager call's path); ``Tracer`` derives them from its aval.
    @property
    def shape(self) -> Shape:
        v: Any = self._host
        if v is None:
            v = self._buffer
        shape: Shape = v.shape
        return shape

    @property
    def dtype(self) -> DType:
        v: Any = self._host
        if v is None:
            v = self._buffer
        dtype: DType = v.dtype
        return dtype

    @property
    def weak_type(self) -> bool:
        return self._weak_type

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)  # Python ints: np.prod costs microseconds

    def __len__(self) -> int:
        shape = self.shape
        if not shape:
            raise TypeError("len() of unsized object (a 0-d array)")
        return shape[0]

    def __iter__(self) -> Iterator[Array]:
        if not self.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))

    # -- conversion to Python / numpy (concrete values only) ---------------
    def concrete_value(self) -> np.ndarray[Any, Any]:
        """The numpy value, or a ConcretizationError for an abstract tracer."""
        return self._value

    def __array__(
        self, dtype: DType | None = None, copy: bool | None = None
    ) -> np.ndarray[Any, Any]:
        v = self.concrete_value()
        if dtype is not None and dtype != v.dtype:
            return v.astype(dtype)
        if copy:
            return v.copy()
        return _read_only(self, v)

    # -- DLPack (export) ----------------------------------------------------
    # Out of fad is zero-copy: a consumer that speaks DLPack 1.0 (numpy >= 2.1 does) is
    # handed our memory flagged read-only, so it cannot write into an immutable Array. A
    # consumer of the older protocol cannot be told that, so it gets a private copy. A jit
    # output's host value is a view of its jaxlib buffer, so it too leaves zero-copy;
    # jaxlib's own exporter is not used because its capsule cannot carry the flag.
    def __dlpack__(
        self, *, stream: Any = None, max_version: tuple[int, int] | None = None,
        dl_device: tuple[int, int] | None = None, copy: bool | None = None,
    ) -> CapsuleType:  # fmt: skip
        v: Any = self.concrete_value()
        if copy is not True and max_version is not None and tuple(max_version) >= (1, 0):
            if v.flags.writeable:  # eager results are frozen lazily (wrap_fresh)
                v = v.view()
                v.flags.writeable = False
            view: CapsuleType = v.__dlpack__(
                stream=stream, max_version=max_version, dl_device=dl_device, copy=copy
            )
            return view
        if copy is False:
            raise BufferError(
                "fad.Array.__dlpack__: copy=False with a DLPack consumer older than 1.0, "
                "which cannot be told the memory is read-only; a fad Array is immutable, so "
                "it is exported zero-copy only to DLPack >= 1.0 consumers (numpy >= 2.1)"
            )
        fresh: Any = np.array(v)  # the consumer's own copy, which it may write
        capsule: CapsuleType
        if max_version is None:
            capsule = fresh.__dlpack__(stream=stream, dl_device=dl_device)
        else:
            capsule = fresh.__dlpack__(stream=stream, max_version=max_version, dl_device=dl_device)
        return capsule

    def __dlpack_device__(self) -> tuple[int, int]:
        """``(kDLCPU, 0)``: fad's values live in host memory (jit's CPU buffers included)."""
        dev: tuple[int, int] = self.concrete_value().__dlpack_device__()
        return dev

    def __bool__(self) -> bool:
        return bool(self.concrete_value())

    def __float__(self) -> float:
        return float(self.concrete_value())

    def __int__(self) -> int:
        return int(self.concrete_value())

    def __complex__(self) -> complex:
        return complex(self.concrete_value())

    def __index__(self) -> int:
        v = self.concrete_value()
        if not np.issubdtype(v.dtype, np.integer):
            raise TypeError(f"only integer arrays can be used as an index, got {v.dtype}")
        return operator.index(v)

    def item(self) -> Any:
        return self.concrete_value().item()

    def tolist(self) -> Any:
        return self.concrete_value().tolist()

    def __hash__(self) -> int:
        raise TypeError("fad.Array is unhashable (it compares elementwise)")

    # Pickled and deep-copied by value: the host value and the weak type (a device buffer
    # is not picklable, and is fetched to the host first).
    def __reduce__(self) -> tuple[Callable[..., Array], tuple[Any, ...]]:
        v = self.concrete_value()
        return _rebuild_array, (np.array(v), self._weak_type)

    # -- printing ------------------------------------------------------------
    def __repr__(self) -> str:
        v = self.concrete_value()
        body = np.array2string(v, separator=", ", prefix="Array(")
        return f"Array({body}, dtype={v.dtype.name})"

    def __str__(self) -> str:
        return str(self.concrete_value())

    def __format__(self, spec: str) -> str:
        v = self.concrete_value()
        return format(v.item(), spec) if v.ndim == 0 else format(str(v), spec)

    # -- the user surface -----------------------------------------------------
    # Operators and numpy-style methods are installed by the numpy layer
    # (``fad._src.numpy.array_methods``), which is built on this module; the core
    # declares their types only, so it imports nothing above it.
    if TYPE_CHECKING:
        # -- operators -----------------------------------------------------------
        def __neg__(self) -> Array: ...

        def __pos__(self) -> Array: ...

        def __abs__(self) -> Array: ...

        def __invert__(self) -> Array: ...

        def __add__(self, other: ArrayLike) -> Array: ...

        def __radd__(self, other: ArrayLike) -> Array: ...

        def __sub__(self, other: ArrayLike) -> Array: ...

        def __rsub__(self, other: ArrayLike) -> Array: ...

        def __mul__(self, other: ArrayLike) -> Array: ...

        def __rmul__(self, other: ArrayLike) -> Array: ...

        def __truediv__(self, other: ArrayLike) -> Array: ...

        def __rtruediv__(self, other: ArrayLike) -> Array: ...

        def __floordiv__(self, other: ArrayLike) -> Array: ...

        def __rfloordiv__(self, other: ArrayLike) -> Array: ...

        def __mod__(self, other: ArrayLike) -> Array: ...

        def __rmod__(self, other: ArrayLike) -> Array: ...

        def __pow__(self, other: ArrayLike) -> Array: ...

        def __rpow__(self, other: ArrayLike) -> Array: ...

        def __divmod__(self, other: ArrayLike) -> tuple[Array, Array]: ...

        def __rdivmod__(self, other: ArrayLike) -> tuple[Array, Array]: ...

        def __round__(self, ndigits: int | None = None) -> Array: ...

        def __matmul__(self, other: ArrayLike) -> Array: ...

        def __rmatmul__(self, other: ArrayLike) -> Array: ...

        def __and__(self, other: ArrayLike) -> Array: ...

        def __rand__(self, other: ArrayLike) -> Array: ...

        def __or__(self, other: ArrayLike) -> Array: ...

        def __ror__(self, other: ArrayLike) -> Array: ...

        def __xor__(self, other: ArrayLike) -> Array: ...

        def __rxor__(self, other: ArrayLike) -> Array: ...

        def __lshift__(self, other: ArrayLike) -> Array: ...

        def __rshift__(self, other: ArrayLike) -> Array: ...

        def __lt__(self, other: ArrayLike) -> Array: ...

        def __le__(self, other: ArrayLike) -> Array: ...

        def __gt__(self, other: ArrayLike) -> Array: ...

        def __ge__(self, other: ArrayLike) -> Array: ...

        # Elementwise, as in numpy: the result is an array, not object.__eq__'s bool, and only
        # array-likes compare (so the override narrows both types; mypy needs the ignore).
        def __eq__(self, other: ArrayLike) -> Array: ...  # type: ignore[override]

        def __ne__(self, other: ArrayLike) -> Array: ...  # type: ignore[override]

        def __getitem__(self, idx: Any) -> Array: ...

        # -- numpy-style methods -----------------------------------------------------
        @property
        def T(self) -> Array: ...

        @property
        def mT(self) -> Array: ...

        @property
        def real(self) -> Array: ...

        @property
        def imag(self) -> Array: ...

        @property
        def at(self) -> IndexUpdateHelper: ...

        def conj(self) -> Array: ...

        def conjugate(self) -> Array: ...

        def astype(self, dtype: Any) -> Array: ...

        def reshape(self, *shape: Any, order: str = "C") -> Array: ...

        def transpose(self, *axes: Any) -> Array: ...

        def swapaxes(self, a: int, b: int) -> Array: ...

        def ravel(self) -> Array: ...

        def flatten(self) -> Array: ...

        def squeeze(self, axis: int | Sequence[int] | None = None) -> Array: ...

        def sum(self, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Array: ...

        def prod(self, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Array: ...

        def mean(self, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Array: ...

        def var(self, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Array: ...

        def std(self, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Array: ...

        def max(self, axis: Any = None, keepdims: bool = False) -> Array: ...

        def min(self, axis: Any = None, keepdims: bool = False) -> Array: ...

        def argmax(self, axis: int | None = None, keepdims: bool = False) -> Array: ...

        def argmin(self, axis: int | None = None, keepdims: bool = False) -> Array: ...

        def all(self, axis: Any = None, keepdims: bool = False) -> Array: ...

        def any(self, axis: Any = None, keepdims: bool = False) -> Array: ...

        def cumsum(self, axis: int | None = None, dtype: Any = None) -> Array: ...

        def cumprod(self, axis: int | None = None, dtype: Any = None) -> Array: ...

        def dot(self, other: ArrayLike) -> Array: ...

        def clip(self, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Array: ...

        def round(self, decimals: int = 0) -> Array: ...

        def trace(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Array: ...

        def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Array: ...

        def sort(self, axis: int = -1) -> Array: ...

        def argsort(self, axis: int = -1) -> Array: ...

        def take(self, indices: ArrayLike, axis: int | None = None) -> Array: ...

    def block_until_ready(self) -> Array:
        if self._host is None and self._buffer is not None and not self._computed:
            self._buffer.block_until_ready()
        return self

    def is_deleted(self) -> bool:
        """Whether the device buffer behind this array was donated to a jitted call."""
        buf: Any = getattr(self, "_buffer", None)
        return buf is not None and bool(buf.is_deleted())

    @property
    def sharding(self) -> Sharding:
        """How this array is laid out over devices (one device unless it was sharded)."""
        return sharding_of(self)

    @property
    def addressable_shards(self) -> list[Shard[Array]]:
        """This process's pieces: each with its ``device``, ``index`` (slices of the whole)
        and ``data``."""
        return shards_of(self)

    @property
    def is_fully_replicated(self) -> bool:
        """Whether every device holds the whole array."""
        return sharding_of(self).is_fully_replicated_for(len(self.shape))


# The abstract values of concrete arrays, one per type: a ``ShapedArray`` is immutable, and
# looking one up costs less than making one (every traced operation reads its operands').
_avals: dict[tuple[Shape, DType, bool], ShapedArray] = {}


# ---------------------------------------------------------------------------
# Subnormal numbers
# ---------------------------------------------------------------------------
# XLA's CPU runtime computes with denormals-are-zero and flush-to-zero: its kernels read a
# subnormal operand as a zero of its sign, and flush subnormal results. numpy computes
# them exactly, so ``log``, ``sign``, ``floor``, comparisons, divisions and products of a
# subnormal differ from ``jit``. An Array built from outside data (numpy arrays, Python
# floats, device buffers) that holds subnormal numbers is a ``SubnormalArray``: the lean
# eager paths, which take ``type(x) is Array`` only, pass it to ``_eval_general``, which
# evaluates the primitive through XLA itself (``eval_compiled``). Checking happens once,
# when the Array is built; arrays made by eager primitives are not checked (see
# docs/design.md: a product of normal numbers that underflows is kept subnormal eagerly).

# The dtypes XLA flushes, each with its smallest normal magnitude (of its real part).
# float16 is absent: XLA's CPU kernels compute it in float32, where its subnormals are normal.
FLUSHED: dict[np.dtype[Any], float] = {
    np.dtype(dt): float(dtypes.finfo(np.dtype(dtypes.real_dtype(np.dtype(dt)))).tiny)
    for dt in (np.float32, np.float64, dtypes.bfloat16, np.complex64, np.complex128)
}


# No flushed dtype has subnormals of magnitude ``TINY`` or more: only a nonzero Python float
# below it (or a complex) may become a subnormal number where it is converted.
TINY = max(FLUSHED.values())


def holds_subnormals(v: np.ndarray[Any, Any] | np.generic) -> bool:
    """Whether ``v`` (of a dtype in ``FLUSHED``) holds a nonzero value below the normal range
    (in either part of a complex value)."""
    tiny = FLUSHED[v.dtype]
    if v.ndim == 0:  # (scalars: in Python, a tenth of the numpy calls' time)
        z = complex(v)
        return 0 < abs(z.real) < tiny or 0 < abs(z.imag) < tiny
    if v.dtype.kind == "c":
        return holds_subnormals(v.real) or holds_subnormals(v.imag)
    least = _LEAST_NORMAL_EXPONENT.get(v.dtype)
    if least is not None and v.size <= 4096:
        # One libm pass (slower per element than numpy's own loops, so for small arrays):
        # ``frexp`` gives zeros, infinities and NaNs the exponent 0.
        return bool(np.minimum.reduce(np.frexp(v)[1], None, initial=0) < least)
    a = np.abs(v)
    return bool(np.any((a < tiny) & (a > 0)))


# ``frexp``'s exponent of each float dtype's smallest normal number (``x = m 2^e``, with
# ``0.5 <= |m| < 1``): a nonzero number with a smaller one is subnormal.
_LEAST_NORMAL_EXPONENT = {np.dtype(np.float32): -125, np.dtype(np.float64): -1021}


class SubnormalArray(Array):
    """A concrete Array whose value holds subnormal numbers: eager primitives on it are
    evaluated through XLA, so that they agree with ``jit`` (see ``eval_compiled``)."""

    __slots__ = ()


def _no_compiler(prim: Primitive, args: Sequence[Array], params: Params) -> Any:
    raise RuntimeError("fad's jit is not loaded (import fad)")


# Evaluate one primitive on concrete operands through XLA (compiled once per primitive,
# parameters and operand types); installed by ``jit``, which the core cannot import.
eval_compiled: Callable[[Primitive, Sequence[Array], Params], Any] = _no_compiler


def may_be_subnormal(x: object) -> bool:
    """Whether a Python scalar may be a subnormal number in the dtype it is converted to."""
    return type(x) is complex or (type(x) is float and -TINY < x < TINY and x != 0)


def scalar_array(x: object, dt: DType, weak: bool) -> Array:
    """A new 0-d Array of a Python scalar in dtype ``dt`` (no one else holds it: no freezing
    view), a ``SubnormalArray`` if the value is subnormal there."""
    out = wrap_fresh(np.asarray(x, dt), weak)
    # (``may_be_subnormal``, inline: this is on promotion's path)
    if type(x) is complex or (type(x) is float and -TINY < x < TINY and x != 0):
        return flag_subnormals(out)
    return out


def flag_subnormals(x: Array) -> Array:
    """``x`` itself, as a ``SubnormalArray`` when its value holds subnormal numbers (for
    values from outside eager evaluation: XLA's results, Python scalars)."""
    if type(x) is Array:
        v = x._value
        if v.dtype in FLUSHED and holds_subnormals(v):
            x.__class__ = SubnormalArray
    return x


def _rebuild_array(value: np.ndarray[Any, Any], weak_type: bool) -> Array:
    """Unpickle an ``Array`` (``value`` is the unpickler's own, fresh array)."""
    value.flags.writeable = False
    return Array(value, weak_type)


def _read_only(a: Array, v: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """``a``'s host value ``v`` as a read-only array no one can make writable again.

    numpy lets ``setflags(write=True)`` succeed on an array that owns its memory, and on a
    view when some array on its base chain is writable (or its base is a foreign, writable
    buffer). So an owner is frozen and handed out through a read-only view, and a value
    whose base chain could be unlocked (a view of writable memory, a device buffer's host
    view) is replaced by a frozen private copy once.
    """
    if v.base is None:
        if v.flags.writeable:
            v.flags.writeable = False
        out = v.view()
        out.flags.writeable = False
        return out
    if v.flags.writeable or _unlockable(v):
        v = v.copy()
        v.flags.writeable = False
        a._host = v
        out = v.view()
        out.flags.writeable = False
        return out
    return v


def _unlockable(v: np.ndarray[Any, Any]) -> bool:
    """Whether numpy would let a view ``v`` be made writable (numpy's ``_IsWriteable``)."""
    b: Any = v.base
    while isinstance(b, np.ndarray):
        if b.flags.writeable:
            return True
        if b.base is None or b.flags.owndata:
            return False
        b = b.base
    if isinstance(b, memoryview):  # a buffer exported by another object (a jit output's)
        return not b.readonly
    return True  # some other foreign buffer: assume writable


class IndexUpdateRef(Protocol):
    """``x.at[idx]``: functional updates of the indexed elements (JAX's ``.at``)."""

    def get(self) -> Array: ...
    def set(self, values: Any) -> Array: ...
    def add(self, values: Any) -> Array: ...
    def subtract(self, values: Any) -> Array: ...
    def multiply(self, values: Any) -> Array: ...
    def mul(self, values: Any) -> Array: ...
    def divide(self, values: Any) -> Array: ...
    def min(self, values: Any) -> Array: ...
    def max(self, values: Any) -> Array: ...
    def apply(
        self, func: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False,
        mode: str | None = None,
    ) -> Array: ...  # fmt: skip


class IndexUpdateHelper(Protocol):
    """What ``Array.at`` returns; the numpy layer implements it."""

    def __getitem__(self, index: Any) -> IndexUpdateRef: ...


# What fad.numpy functions accept wherever they take an array.
ArrayLike = Array | np.ndarray[Any, Any] | np.generic | bool | int | float | complex


class Tracer(Array):
    """A value a handler is interpreting; it remembers the handler that made it."""

    __slots__ = ("_handler",)
    _handler: Handler

    def __init__(self, handler: Handler) -> None:  # no concrete numpy value
        self._handler = handler

    @property
    def aval(self) -> ShapedArray:
        raise NotImplementedError

    @property
    def shape(self) -> Shape:
        return self.aval.shape

    @property
    def dtype(self) -> DType:
        return self.aval.dtype

    @property
    def weak_type(self) -> bool:
        return self.aval.weak_type

    def concrete_value(self) -> np.ndarray[Any, Any]:
        if not handler_is_active(self._handler):
            raise escaped_tracer(self)
        return self._handler.concrete_value(self)

    def __reduce__(self) -> NoReturn:
        # A traced value has no value of its own to pickle.
        self.concrete_value()
        raise ConcretizationError(f"cannot pickle the traced value {self!r}")

    def __array__(
        self, dtype: DType | None = None, copy: bool | None = None
    ) -> np.ndarray[Any, Any]:
        # A numpy function applied to a tracer would compute on its primal and drop the
        # transformation (a silently zero gradient), so conversion to numpy is refused.
        raise TracerArrayConversionError(
            f"The numpy.ndarray conversion method __array__() was called on the traced value "
            f"{self!r}. A numpy function (`np.sin`, `np.asarray`, ...) cannot see a "
            "transformation and would silently drop it; use the `fad.numpy` function instead "
            "(`import fad.numpy as jnp; jnp.sin(x)`)."
        )

    def __dlpack__(self, **kwargs: Any) -> NoReturn:
        # As __array__: the consumer would get the primal and lose the transformation.
        raise TracerArrayConversionError(
            f"__dlpack__ was called on the traced value {self!r}: a traced value has no "
            "memory to share, and exporting its primal would silently drop the "
            "transformation. Export the result outside the transformed function."
        )

    def __dlpack_device__(self) -> NoReturn:
        self.__dlpack__()

    def __repr__(self) -> str:
        return f"{type(self).__name__}<{self.aval.str_short()}>"

    def __str__(self) -> str:
        return repr(self)

    def __format__(self, spec: str) -> str:
        return repr(self)


class ConcretizationError(TypeError):
    """A Python-level decision (``if``, ``float()``, ...) was asked of an abstract value."""


class TracerArrayConversionError(TypeError):
    """A tracer was handed to numpy (``np.asarray(tracer)``, ``np.sin(tracer)``)."""


class EscapedTracerError(RuntimeError):
    """A tracer was used outside the transformation that made it."""


def escaped_tracer(t: Tracer) -> EscapedTracerError:
    return EscapedTracerError(
        f"Encountered a tracer {t!r} of {type(t._handler).__name__} outside the transformation "
        "that created it. A traced value leaked (for example it was stored in a global or "
        "returned through a side channel) and was used after its transformation finished. "
        "Return values from transformed functions instead of storing them."
    )


# ---------------------------------------------------------------------------
# Primitives
# ---------------------------------------------------------------------------


@final
@dataclass(frozen=True, eq=False, repr=False, slots=True)
class Primitive:
    """A named operation; its rules live in each transformation's rule table.

    ``multiple_results`` primitives return a list. ``weak_from`` is the index of the
    first operand that decides whether the result is weakly typed (``select_n`` skips
    its predicate). A primitive compares by identity and is immutable: only
    ``def_impl`` sets its numpy implementation, once. fad's own primitives are made with
    ``new_primitive``, which lists them for the completeness tests.
    """

    name: str
    multiple_results: bool = False
    weak_from: int = 0
    impl: Impl | None = field(default=None, init=False)

    def __repr__(self) -> str:
        return self.name

    def bind(self, *args: Array, **params: Any) -> Any:
        return bind(self, args, params)

    def bind1(self, *args: Array, **params: Any) -> Array:
        """Bind a single-result primitive (typed as returning one Array)."""
        out: Array = bind(self, args, params)
        return out

    def bindn(self, *args: Array, **params: Any) -> list[Array]:
        """Bind a multiple-result primitive (typed as returning a list)."""
        out: list[Array] = bind(self, args, params)
        return out


# Every primitive made by ``new_primitive`` (fad's own), for the rule-completeness tests.
all_primitives: dict[str, Primitive] = {}


def new_primitive(name: str, multiple_results: bool = False, weak_from: int = 0) -> Primitive:
    if name in all_primitives:
        raise ValueError(f"primitive {name!r} already exists")
    p = Primitive(name, multiple_results, weak_from)
    all_primitives[name] = p
    return p


# Primitives run for their effect on the world (printing, calling back to the host): a
# staged program keeps them though no output needs them.
effectful: set[Primitive] = set()


# ---------------------------------------------------------------------------
# Rule tables of the core, and how primitives register into them
# ---------------------------------------------------------------------------
# Every rule (here and in the interpreters' and the lowering's tables) takes a primitive's
# operands positionally and its parameters as keywords. Both differ per primitive, so
# each rule protocol ends in a ``*``-parameter and ``**params``, both ``Any``: mypy's
# spelling of "any further parameters" (the documented ``Any`` seam). A rule declares its
# own primitive's operands and parameters; the protocol checks what the convention fixes
# (the leading arguments of the interpreters' rules, and the result).

# What a numpy implementation returns: one value, or a list for multiple results.
NumpyResult = np.ndarray[Any, Any] | np.generic | Sequence[np.ndarray[Any, Any]]


class Impl(Protocol):
    """Eager evaluation: numpy operands (and params) -> numpy result(s)."""

    def __call__(self, *operands: Any, **params: Any) -> NumpyResult: ...


class LeanImpl(Protocol):
    """An ``Impl`` as the lean eager paths call it (see ``_dtype_accepted``): with
    ``out=...``, an array back."""

    def __call__(self, *operands: np.ndarray[Any, Any], out: Any) -> np.ndarray[Any, Any]: ...


class ArrayImpl(Protocol):
    """Eager evaluation on fad Arrays, for primitives without a numpy ``impl``."""

    def __call__(self, *operands: Any, **params: Any) -> Array | Sequence[Array]: ...


class AbstractRule(Protocol):
    """Abstract evaluation: operand avals (and params) -> output aval(s)."""

    def __call__(self, *avals: Any, **params: Any) -> ShapedArray | Sequence[ShapedArray]: ...


abstract_rules: dict[Primitive, AbstractRule] = {}


def def_impl(prim: Primitive, impl: Impl) -> None:
    """Give ``prim`` its numpy implementation (once: a primitive's meaning does not change)."""
    if prim.impl is not None:
        raise ValueError(f"primitive {prim.name!r} already has an implementation")
    object.__setattr__(prim, "impl", impl)


# Implementations for one dtype of a primitive that has a numpy ``impl`` (complex kernels
# that follow XLA's formulas where numpy's follow C99): the eager paths look them up by
# ``(primitive, dtype)`` where they check the dtype anyway, so other dtypes pay nothing.
dtype_impls: dict[tuple[Primitive, np.dtype[Any]], Impl] = {}


def def_dtype_impl(prim: Primitive, dtype: Any, impl: Impl) -> None:
    """Give ``prim`` (which has its numpy ``impl``) another implementation for ``dtype``."""
    if prim.impl is None:
        raise ValueError(f"primitive {prim.name!r} has no implementation to specialize")
    dtype_impls[(prim, np.dtype(dtype))] = impl


# Primitives whose abstract rule reads more than its operands and parameters (the collectives
# read the sizes of the named axes in scope): no cache keeps what their rule says.
contextual: set[Primitive] = set()


def def_abstract(prim: Primitive, rule: AbstractRule, *, reads_context: bool = False) -> None:
    """Register ``prim``'s abstract rule; ``reads_context``: it reads state beyond its
    operands and parameters, so its answers must not be cached."""
    abstract_rules[prim] = rule
    if reads_context:
        contextual.add(prim)
    else:
        contextual.discard(prim)


def cacheable(prim: Primitive, params: Params) -> bool:
    """Whether what ``prim``'s abstract rule says of some operand types with ``params`` may
    be kept: its rule reads nothing else, and every parameter is plain (a number, string,
    dtype or tuple of them; a program would keep its constants alive)."""
    return prim not in contextual and _plain(params.values())


def abstract_eval(
    prim: Primitive, avals: Sequence[ShapedArray], params: Params
) -> list[ShapedArray]:
    """The output avals of ``prim`` applied to ``avals``, always as a list."""
    out = abstract_rules[prim](*avals, **params)
    if prim.multiple_results:
        return list(cast("Sequence[ShapedArray]", out))
    return [cast(ShapedArray, out)]


# ---------------------------------------------------------------------------
# The handler stack
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Handler:
    """Base of every interpreter, built-in or user-written.

    Subclasses override ``process``. It is called with this handler's parent as
    the current handler, so ``prim.bind(...)`` inside it re-emits to the parent;
    ``forward`` is that default. A handler recognises its own tracers by identity
    (``owns``), so two handlers never share a perturbation.
    """

    def process(self, prim: Primitive, args: Sequence[Array], params: Params) -> Any:
        return self.forward(prim, args, params)

    def forward(self, prim: Primitive, args: Sequence[Array], params: Params) -> Any:
        """Re-emit the primitive unchanged to the parent handler."""
        return bind(prim, tuple(args), params)

    def concrete_value(self, tracer: Tracer) -> np.ndarray[Any, Any]:
        raise ConcretizationError(
            f"Abstract tracer value encountered where a concrete value is expected: {tracer!r} "
            f"(under {type(self).__name__}). Python control flow such as `if`, `while`, `bool()`, "
            "`float()` or `int()` needs a concrete value; under `jit` mark the argument with "
            "`static_argnums`/`static_argnames`, or use `fad.lax.cond`/`fad.lax.select`."
        )

    def owns(self, x: Array) -> bool:
        return isinstance(x, Tracer) and x._handler is self

    def passes_concrete(self) -> bool:
        """Whether ``process`` re-emits, unchanged, every primitive whose operands are all
        concrete ``Array`` s (so none is this handler's tracer). When every handler on the
        stack says so, ``bind`` runs such a primitive at once instead of passing it down one
        level at a time: the primal work of each JVP rule under ``grad`` is most of its
        primitives. Asked once, when the handler is installed; ``False`` unless a handler
        declares it (a handler that counts or records every primitive must not)."""
        return False


@final
class Frame:
    """One level of the stack: a handler and the frame below it (never changed once made;
    a plain class, as every ``jvp``, ``grad`` and ``vmap`` call makes one or two)."""

    __slots__ = ("handler", "parent", "passes_concrete")

    def __init__(self, handler: Handler, parent: Frame | None) -> None:
        self.handler = handler
        self.parent = parent
        # Every handler from here down passes primitives on concrete operands through.
        self.passes_concrete: bool = parent is None or (
            parent.passes_concrete and handler.passes_concrete()
        )


class EvalHandler(Handler):
    """The bottom of the stack: evaluate with numpy."""

    def process(self, prim: Primitive, args: Sequence[Array], params: Params) -> Any:
        return eval_primitive(prim, args, params)

    def forward(self, prim: Primitive, args: Sequence[Array], params: Params) -> Any:
        raise RuntimeError("the evaluation handler is the bottom of the stack")


_EVAL = EvalHandler()
_BOTTOM = Frame(_EVAL, None)
_current: ContextVar[Frame] = ContextVar("fad_handler_stack", default=_BOTTOM)


# Eager implementations that take and return fad Arrays rather than numpy values, for
# primitives without a numpy ``impl``: ``jit``'s compiled call keeps device buffers and
# weak types this way. Consulted only when ``prim.impl`` is None (off the hot path).
array_impls: dict[Primitive, ArrayImpl] = {}


def def_array_impl(prim: Primitive, impl: ArrayImpl) -> None:
    """Give ``prim`` an eager implementation on fad Arrays (it has no numpy one)."""
    array_impls[prim] = impl


def eval_primitive(prim: Primitive, args: Sequence[Array], params: Params) -> Any:
    """Run ``prim`` on concrete arrays with its numpy implementation (the eager hot path).

    Primitives of one or two host arrays (most of eager numpy code) take lean paths; they
    compute exactly what ``_eval_general`` does for them.
    """
    impl = prim.impl
    if impl is None or prim.multiple_results or prim.weak_from:
        return _eval_general(prim, args, params)
    n = len(args)
    if params:
        # One or two operands with parameters (broadcasts, reshapes, sums; dots): weak only
        # if every operand is and the first's dtype is kept.
        if "weak_type" in params:
            return _eval_general(prim, args, params)
        r: Array
        if n == 1:
            x = args[0]
            if type(x) is Array:
                vx = x._host
                if vx is not None:
                    out = impl(vx, **params)
                    if type(out) is not np.ndarray:
                        out = np.asarray(out)
                    r = _new_object(Array)
                    r._host = out
                    r._weak_type = x._weak_type and out.dtype == vx.dtype
                    r._buffer = None
                    return r
        elif n == 2:
            x, y = args
            if type(x) is Array and type(y) is Array:
                vx, vy = x._host, y._host
                if vx is not None and vy is not None:
                    if vx.shape != vy.shape or vx.dtype != vy.dtype:
                        _check_types(prim, args, params)
                    out = impl(vx, vy, **params)
                    if type(out) is not np.ndarray:
                        out = np.asarray(out)
                    r = _new_object(Array)
                    r._host = out
                    r._weak_type = x._weak_type and y._weak_type and out.dtype == vx.dtype
                    r._buffer = None
                    return r
    else:
        if n == 2:
            x, y = args
            if type(x) is Array and type(y) is Array:
                vx, vy = x._host, y._host
                if vx is not None and vy is not None:
                    if vx.shape != vy.shape or vx.dtype != vy.dtype:
                        # numpy would broadcast or promote; the primitive's typing rule
                        # decides (and raises what ``jit`` raises).
                        _check_types(prim, args, params)
                    return eval_on_host2(prim, vx, x._weak_type, vy, y._weak_type)
        elif n == 1:
            x = args[0]
            if type(x) is Array:
                vx = x._host
                if vx is not None:
                    return eval_on_host1(prim, vx, x._weak_type)
    return _eval_general(prim, args, params)


# ``eval_primitive``'s lean path, on host values: also for callers that hold numpy values
# already (``fad.numpy``'s eager ``sin(x)`` and ``x + 1``). Those must check ``is_eager()``
# first: these bind nothing, so a handler would not see the primitive. ``prim`` has a
# numpy ``impl`` and no parameters, and is not ``multiple_results`` nor ``weak_from``.


# The implementation for each (primitive, dtype) pair whose abstract rule has accepted
# that dtype: numpy would compute ``exp`` of integers, the primitive refuses them (as
# ``jit`` does), and the lean paths check each pair once. The entry is ``prim.impl`` or
# the pair's ``dtype_impls`` entry, so that lookup costs what the check does, and it is
# called with ``out=...``: a numpy ufunc then returns an array, never a numpy scalar for
# 0-d operands, which the caller would have to convert (numpy >= 2.3); another function
# is wrapped to take ``out`` and convert its result.
_dtype_accepted: dict[tuple[Primitive, np.dtype[Any]], LeanImpl] = {}


def _array_result(impl: Impl) -> LeanImpl:
    """``impl`` called as the lean paths call a numpy ufunc: ``out=...``, an array back."""

    def f(*args: np.ndarray[Any, Any], out: Any = None) -> np.ndarray[Any, Any]:
        r = impl(*args)
        return r if type(r) is np.ndarray else np.asarray(r)

    return f


def _accept_dtype(prim: Primitive, x: np.ndarray[Any, Any], n: int) -> LeanImpl:
    """The implementation of ``prim`` for ``x``'s dtype, to call with ``out=...``, once its
    rule accepts ``n`` operands like ``x`` (``n = 0``: operands of mixed dtypes, checked by
    the caller, nothing recorded)."""
    impl = dtype_impls.get((prim, x.dtype), prim.impl)
    assert impl is not None  # (callers know ``prim.impl`` is set)
    lean = cast(LeanImpl, impl) if type(impl) is np.ufunc else _array_result(impl)
    if n:
        rule = abstract_rules.get(prim)
        if rule is not None:
            aval = ShapedArray(x.shape, x.dtype, False)
            rule(*([aval] * n))
        _dtype_accepted[(prim, x.dtype)] = lean
    return lean


def host_impl2(prim: Primitive, x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> LeanImpl:
    """The implementation ``eval_on_host2`` calls for ``prim`` on ``x`` and ``y`` (their
    dtype checked by the abstract rule first), for a caller that keeps it (to call with
    ``out=...``, as ``_dtype_accepted`` says)."""
    try:
        return _dtype_accepted[prim, x.dtype]
    except KeyError:
        return _accept_dtype(prim, x, 2 if x.dtype == y.dtype else 0)


def eval_on_host1(prim: Primitive, x: np.ndarray[Any, Any], x_weak: bool) -> Array:
    """``eval_primitive`` of a unary ``prim`` on a concrete array (host value ``x``)."""
    try:
        impl = _dtype_accepted[prim, x.dtype]
    except KeyError:
        impl = _accept_dtype(prim, x, 1)
    out = impl(x, out=...)
    r: Array = _new_object(Array)
    r._host = out
    # Weak only if the operand is weak and the dtype is preserved.
    r._weak_type = x_weak and out.dtype == x.dtype
    r._buffer = None
    return r


def eval_on_host2(
    prim: Primitive, x: np.ndarray[Any, Any], x_weak: bool, y: np.ndarray[Any, Any], y_weak: bool
) -> Array:
    """``eval_primitive`` of a binary ``prim`` on two concrete arrays (host values)."""
    try:
        impl = _dtype_accepted[prim, x.dtype]
    except KeyError:
        impl = _accept_dtype(prim, x, 2 if x.dtype == y.dtype else 0)
    out = impl(x, y, out=...)
    r: Array = _new_object(Array)
    r._host = out
    # Weak only if both operands are weak and the dtype is preserved.
    r._weak_type = x_weak and y_weak and out.dtype == x.dtype
    r._buffer = None
    return r


def _eval_general(prim: Primitive, args: Sequence[Array], params: Params) -> Any:
    impl = prim.impl
    if impl is None:
        # A primitive that runs on fad Arrays (a compiled call): device-resident inputs stay
        # on the device, so no host value is read here.
        for a in args:
            if type(a) is not Array and type(a) is not SubnormalArray:
                _check_concrete(prim, a)
        array_impl = array_impls.get(prim)
        if array_impl is not None:
            return array_impl(*args, **params)
        raise NotImplementedError(f"primitive {prim.name} has no eager implementation")
    vals = []
    weak = True
    for a in args:
        if type(a) is not Array:
            if type(a) is SubnormalArray:
                return _eval_subnormal(prim, args, params)
            _check_concrete(prim, a)
        v = a._host
        vals.append(v if v is not None else a._value)
        weak = weak and a._weak_type
    if len(vals) > 1:
        v0 = vals[0]
        for v in vals[1:]:
            if v.shape != v0.shape or v.dtype != v0.dtype:
                _check_types(prim, args, params)
                break
    weak_args = args
    if prim.weak_from:
        weak_args = args[prim.weak_from :]
        weak = all(a._weak_type for a in weak_args)
    if vals and dtype_impls:
        impl = dtype_impls.get((prim, vals[-1].dtype), impl)
    out = impl(*vals, **params)
    if prim.multiple_results:
        return [wrap_fresh(o, False) for o in cast("Sequence[np.ndarray[Any, Any]]", out)]
    # Weak types survive only ops whose inputs were all weak (and dtype-preserving),
    # unless the primitive says so itself (``convert_element_type``).
    if "weak_type" in params:
        return wrap_fresh(out, params["weak_type"])
    if weak and weak_args:
        out = np.asarray(out)
        return wrap_fresh(out, out.dtype == weak_args[0]._value.dtype)
    return wrap_fresh(out, False)


def _eval_subnormal(prim: Primitive, args: Sequence[Array], params: Params) -> Any:
    """``prim`` on operands some of which hold subnormal numbers, as XLA computes it (the
    truth ``jit`` gives); results that hold subnormals (XLA passes some through: ``neg``,
    data movement) are ``SubnormalArray`` s in turn."""
    for a in args:
        if not (type(a) is Array or type(a) is SubnormalArray):
            _check_concrete(prim, a)
    shape = max((a.shape for a in args), key=len)
    if isinstance(prim.impl, np.ufunc) and any(a.shape != shape for a in args):
        # An eager 0-d scalar that ``fad.numpy`` left for the ufunc to broadcast.
        args = [a if a.shape == shape else Array(np.broadcast_to(a._value, shape), a.weak_type)
                for a in args]  # fmt: skip
    out = eval_compiled(prim, args, params)
    if prim.multiple_results:
        return [flag_subnormals(o) for o in out]
    return flag_subnormals(out)


# The operand types and parameters that ``_check_types`` has seen a rule accept, with the
# rule and the x64 flag (which dtype rules read): an eager ``dot`` or broadcast meets the
# same few again and again, and running the abstract rule is most of its dispatch.
_types_accepted: set[tuple[Any, ...]] = set()


def _check_types(prim: Primitive, args: Sequence[Array], params: Params) -> None:
    """Type-check operands of differing shapes or dtypes with ``prim``'s abstract rule.

    Eager evaluation runs numpy, which broadcasts and promotes where the primitive does
    not; the abstract rule raises the TypeError that staging (``jit``) would raise.
    """
    rule = abstract_rules.get(prim)
    if rule is None:
        return
    key: tuple[Any, ...] | None = (
        prim, rule, config.x64_enabled, *[(a.shape, a.dtype, a.weak_type) for a in args],
        *params.items(),
    )  # fmt: skip
    try:
        if key in _types_accepted:
            return
    except TypeError:  # an unhashable parameter: check every time
        key = None
    rule(*(a.aval for a in args), **params)
    if key is not None and cacheable(prim, params):
        if len(_types_accepted) >= 4096:  # bounded: a program's own types, not every one ever
            _types_accepted.clear()
        _types_accepted.add(key)


_PLAIN = frozenset({int, bool, float, str, type(None)})


def _plain(values: Iterable[Any]) -> bool:
    for v in values:
        t = type(v)
        if not (t in _PLAIN or isinstance(v, np.dtype) or (t is tuple and _plain(v))):
            return False
    return True


def _check_concrete(prim: Primitive, a: object) -> None:
    """Raise for an operand of the bottom handler that is not a concrete ``Array``."""
    if isinstance(a, Tracer):
        raise escaped_tracer(a)
    raise TypeError(f"{prim.name} expects fad Arrays, got {type(a).__name__}")


_new_object = object.__new__


def wrap_fresh(out: Any, weak: bool) -> Array:
    """Wrap a fresh numpy result (or a numpy scalar) without copying.

    The result is private to fad (numpy ops never write to their inputs), so it is
    frozen lazily, when ``__array__`` hands it out, instead of on this hot path
    (``Array(...)`` freezes a view at once, for values that callers may still hold).
    """
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    a: Array = _new_object(Array)
    a._host = out
    a._weak_type = weak
    a._buffer = None
    return a


def bind(prim: Primitive, args: tuple[Array, ...], params: Params) -> Any:
    """Apply ``prim``: hand it to the current handler, with its parent installed."""
    frame = _current.get()
    parent = frame.parent
    if parent is None:
        return eval_primitive(prim, args, params)
    if frame.passes_concrete and prim.impl is not None:  # (a numpy impl binds nothing)
        for a in args:
            if type(a) is not Array:
                break
        else:  # concrete operands, which every handler below passes through
            return eval_primitive(prim, args, params)
    token = _current.set(parent)
    try:
        return frame.handler.process(prim, args, params)
    finally:
        _current.reset(token)


def bind_unary(prim: Primitive, x: Array) -> Array:
    """``bind`` of a single-result primitive of one operand and no parameters (the
    elementwise functions and the numpy layer's short paths call it), which runs at once
    without a call below this one where ``eval_on_host1`` would (``x`` a host array whose
    dtype ``prim`` has accepted, and no handler that stops concrete operands): the
    primitives of JVP rules and their transposes mostly run this way under ``grad``.
    An operand that is not an Array goes to the handler at once, as ``bind`` would send
    it."""
    frame = _current.get()
    if type(x) is Array:
        vx = x._host
        if vx is not None and frame.passes_concrete:
            impl = _dtype_accepted.get((prim, vx.dtype))
            if impl is not None:  # (``eval_on_host1``, inline)
                out = impl(vx, out=...)
                r: Array = _new_object(Array)
                r._host = out
                r._weak_type = x._weak_type and out.dtype == vx.dtype
                r._buffer = None
                return r
    elif frame.parent is not None:  # (``bind``'s handler call, inline: a traced operand)
        token = _current.set(frame.parent)
        try:
            out0: Array = frame.handler.process(prim, (x,), {})
            return out0
        finally:
            _current.reset(token)
    out1: Array = bind(prim, (x,), {})
    return out1


def bind_binary(prim: Primitive, x: Array, y: Array) -> Array:
    """``bind_unary`` for a primitive of two operands (of one dtype and shape, for the
    lean path: as ``eval_on_host2``)."""
    frame = _current.get()
    if type(x) is Array and type(y) is Array:
        vx, vy = x._host, y._host
        if (
            vx is not None and vy is not None and vx.dtype is vy.dtype and vx.shape == vy.shape
            and frame.passes_concrete
        ):  # fmt: skip
            impl = _dtype_accepted.get((prim, vx.dtype))
            if impl is not None:  # (``eval_on_host2``, inline)
                out = impl(vx, vy, out=...)
                r: Array = _new_object(Array)
                r._host = out
                r._weak_type = x._weak_type and y._weak_type and out.dtype == vx.dtype
                r._buffer = None
                return r
    elif frame.parent is not None:  # (``bind``'s handler call, inline: a traced operand)
        token = _current.set(frame.parent)
        try:
            out0: Array = frame.handler.process(prim, (x, y), {})
            return out0
        finally:
            _current.reset(token)
    out2: Array = bind(prim, (x, y), {})
    return out2


class installed:
    """Context manager that pushes ``handler`` on top of the current stack (and each of
    ``more`` above it, in order: ``grad`` installs its two handlers in one step)."""

    __slots__ = ("_handlers", "_token")

    def __init__(self, handler: Handler, *more: Handler) -> None:
        self._handlers = (handler, *more)

    def __enter__(self) -> Handler:
        frame = _current.get()
        for h in self._handlers:
            f: Frame | None = frame
            while f is not None:
                if f.handler is h:
                    raise ValueError(f"handler {h!r} is already installed")
                f = f.parent
            frame = Frame(h, frame)
        self._token = _current.set(frame)
        return self._handlers[0]

    def __exit__(self, *exc: object) -> None:
        _current.reset(self._token)


def push_new(*handlers: Handler) -> Token[Frame]:
    """``installed``'s entry for handlers the caller has just made, which cannot be
    installed already (nothing to check), without the context manager: ``grad`` and
    ``jvp`` install theirs on every call. Undo with ``pop(token)`` in a ``finally``."""
    frame = _current.get()
    for h in handlers:
        frame = Frame(h, frame)
    return _current.set(frame)


pop: Callable[[Token[Frame]], None] = _current.reset


def is_eager() -> bool:
    """Whether no handler is installed: primitives bound now run at once on numpy, and no
    one sees which primitives were bound, only the values they make."""
    return _current.get().parent is None


def passes_concrete() -> bool:
    """Whether a primitive bound now on concrete operands runs at once (no handler, or
    only handlers that pass such primitives through: see ``Handler.passes_concrete``), so
    that a value made of constants alone may be made directly."""
    return _current.get().passes_concrete


def current_handler() -> Handler:
    return _current.get().handler


def handler_is_active(handler: Handler) -> bool:
    """Whether ``handler`` is on the current stack (at or below the top)."""
    f: Frame | None = _current.get()
    while f is not None:
        if f.handler is handler:
            return True
        f = f.parent
    return False


# ---------------------------------------------------------------------------
# Conversions at the API boundary
# ---------------------------------------------------------------------------


def is_arraylike(x: object) -> bool:
    return isinstance(x, (Array, np.ndarray, np.generic, bool, int, float, complex))


def asarray(x: ArrayLike | Sequence[Any], dtype: DType | None = None) -> Array:
    """Turn a concrete array-like into an ``Array`` with JAX's dtype defaults.

    Sequences holding arrays and conversions of an ``Array`` to another dtype are
    the numpy layer's (``fad.numpy.asarray``): they apply primitives.
    """
    if isinstance(x, Array):
        if dtype is None or x.dtype == dtype:
            return x
        raise TypeError(f"core.asarray cannot convert an Array to {dtype}; use astype")
    if isinstance(x, (bool, int, float, complex)) and dtype is None:
        dt, weak = dtypes.dtype_of_python_scalar(x)
        out = wrap_fresh(_python_scalar(x, dt), weak)  # a new array no one else holds
        if isinstance(x, complex) or (-TINY < x < TINY and x != 0):  # (``may_be_subnormal``)
            return flag_subnormals(out)
        return out
    if dtype is not None:
        if isinstance(x, (np.ndarray, np.generic)):
            _check_numeric(np.asarray(x).dtype)
        return Array(np.array(x, dtype=dtypes.canonicalize_dtype(dtype)))
    if isinstance(x, (np.ndarray, np.generic)):
        v = np.asarray(x)
        _check_numeric(v.dtype)
        dt = dtypes.canonicalize_dtype(v.dtype)
        # Copy a caller's array, always: even a read-only one may be a view of writable
        # memory, or be made writable again, and mutating it must not change ours.
        return Array(v.astype(dt, copy=True))
    if isinstance(x, (list, tuple)):
        if _holds_array(x):
            raise TypeError("a sequence holding fad Arrays needs fad.numpy.asarray (it stacks)")
        v = np.asarray(x)
        _check_numeric(v.dtype)
        return Array(v.astype(dtypes.canonicalize_dtype(v.dtype), copy=False))
    raise TypeError(f"cannot convert {type(x).__name__} to a fad Array: {x!r}")


def _check_numeric(dt: DType) -> None:
    """Refuse strings, objects, dates and structured values: only numbers make Arrays."""
    if dt.kind not in "biufc" and dt != dtypes.bfloat16 and dt != dtypes.float0:
        raise TypeError(
            f"a value of dtype {dt} is not a valid fad array type: only arrays of numeric "
            "types (bool, integers, floats, complex) are supported"
        )


def _holds_array(seq: Sequence[Any]) -> bool:
    return any(
        isinstance(e, Array) or (isinstance(e, (list, tuple)) and _holds_array(e)) for e in seq
    )


def _python_scalar(x: bool | int | float | complex, dt: DType) -> np.ndarray[Any, Any]:
    if isinstance(x, int) and not isinstance(x, bool):
        info = np.iinfo(dt)
        if not info.min <= x <= info.max:
            raise OverflowError(f"Python int {x} too large to convert to {dt.name}")
    return np.asarray(x, dtype=dt)


def get_aval(x: ArrayLike) -> ShapedArray:
    if isinstance(x, Array):
        return x.aval
    return asarray(x).aval


def zeros(aval: ShapedArray) -> Array:
    """A concrete zero of ``aval``'s shape and dtype (handlers treat it as a constant).

    One zero broadcast to the shape: no memory per element, and staged it lowers to a
    splat constant rather than a large array the compiled program must read.
    """
    z = np.zeros((), aval.dtype)
    z.flags.writeable = False  # so the broadcast view's base chain cannot be unlocked
    return Array(np.broadcast_to(z, aval.shape))


# ---------------------------------------------------------------------------
# The primitives the interpreters themselves emit
# ---------------------------------------------------------------------------
# Adding tangents (``add_any``) and moving or broadcasting batch axes are done by the
# interpreters, which sit below the primitive families; so these three primitives are
# declared here. Their rules are registered in their families' blocks like everyone
# else's (``prims/elementwise.py``, ``prims/structural.py``).

add_any_p = new_primitive("add_any")
transpose_p = new_primitive("transpose")
broadcast_in_dim_p = new_primitive("broadcast_in_dim")


def add_any(x: Array, y: Array) -> Array:
    return add_any_p.bind1(x, y)


def _no_runtime(buffer: DeviceBuffer) -> np.ndarray[Any, Any]:
    raise ValueError("array has neither a host value nor a device buffer")


# How a device buffer's host value is read; the XLA runtime installs its reader when it
# loads (only the runtime creates buffers, so it has always loaded when one exists).
fetch_host: Callable[[DeviceBuffer], np.ndarray[Any, Any]] = _no_runtime


def _no_placement(x: Array) -> Any:
    raise RuntimeError("fad's device placement is not loaded (import fad)")


# Where an array lives and its per-device pieces; installed by fad's placement module,
# which knows devices (the core does not).
sharding_of: Callable[[Array], Sharding] = _no_placement
shards_of: Callable[[Array], list[Shard[Array]]] = _no_placement


__all__ = [
    "Array", "ArrayLike", "ConcretizationError", "EscapedTracerError", "Frame",
    "Handler", "Primitive", "ShapedArray", "Tracer", "bind", "installed",
]  # fmt: skip
