"""Dtypes, x64 canonicalization and the JAX type-promotion lattice.

Values carry a ``(dtype, weak_type)`` pair. Python scalars are *weakly typed*: they
adopt the dtype of whatever they are combined with (``int32_array + 1.0`` stays
float32), which is what keeps accidental float64 out of float32 programs. Promotion is
the least upper bound in a small lattice over concrete dtypes plus the three weak
categories ``i*``, ``f*`` and ``c*``; that lattice, unlike numpy's value-based rules,
is associative and independent of values.

With ``enable_x64`` off, 64-bit dtypes are *canonicalized* to their 32-bit versions.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any, Final, TypeAlias

import ml_dtypes
import numpy as np

from fad._src.config import config

__all__ = [
    "DType",
    "DTypeLike",
    "SUPPORTED_DTYPES",
    "check_python_int",
    "bfloat16",
    "bool_",
    "canonicalize_dtype",
    "check_user_dtype",
    "complex64",
    "complex128",
    "complex_dtype",
    "default_complex_dtype",
    "default_float_dtype",
    "default_int_dtype",
    "dtype_of_python_scalar",
    "finfo",
    "float0",
    "float16",
    "float32",
    "float64",
    "iinfo",
    "int8",
    "int16",
    "int32",
    "int64",
    "is_bool",
    "is_complex",
    "is_float",
    "is_inexact",
    "is_integer",
    "is_supported_dtype",
    "is_unsigned",
    "is_weakly_typed_python_scalar",
    "real_dtype",
    "result_type",
    "result_type_of_pair",
    "result_type_with_scalar",
    "to_inexact",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
]

DType: TypeAlias = np.dtype[Any]
"""The dtype type used throughout fad (numpy's generic dtype)."""

DTypeLike: TypeAlias = np.dtype[Any] | type[Any] | str
"""What user-facing ``dtype=`` arguments accept."""

# --------------------------------------------------------------------------- dtypes

float0: Final[DType] = np.dtype([("float0", np.void, 0)])
"""Zero-size dtype of tangents/cotangents of integer and bool values (as in JAX)."""

bool_: Final[DType] = np.dtype(np.bool_)
int8: Final[DType] = np.dtype(np.int8)
int16: Final[DType] = np.dtype(np.int16)
int32: Final[DType] = np.dtype(np.int32)
int64: Final[DType] = np.dtype(np.int64)
uint8: Final[DType] = np.dtype(np.uint8)
uint16: Final[DType] = np.dtype(np.uint16)
uint32: Final[DType] = np.dtype(np.uint32)
uint64: Final[DType] = np.dtype(np.uint64)
bfloat16: Final[DType] = np.dtype(ml_dtypes.bfloat16)
float16: Final[DType] = np.dtype(np.float16)
float32: Final[DType] = np.dtype(np.float32)
float64: Final[DType] = np.dtype(np.float64)
complex64: Final[DType] = np.dtype(np.complex64)
complex128: Final[DType] = np.dtype(np.complex128)

# 64-bit dtype -> the dtype used in its place while x64 is disabled.
_NARROW_X32: Final[dict[DType, DType]] = {
    int64: int32,
    uint64: uint32,
    float64: float32,
    complex128: complex64,
}

_FLOATS: Final = frozenset({bfloat16, float16, float32, float64})
_COMPLEXES: Final = frozenset({complex64, complex128})
_SIGNED: Final = frozenset({int8, int16, int32, int64})
_UNSIGNED: Final = frozenset({uint8, uint16, uint32, uint64})

SUPPORTED_DTYPES: Final[frozenset[DType]] = frozenset(
    {bool_} | _SIGNED | _UNSIGNED | _FLOATS | _COMPLEXES
)
"""Dtypes that arrays may have (``float0`` is separate: it only appears on tangents)."""


def canonicalize_dtype(dt: DTypeLike) -> DType:
    """Map 64-bit dtypes to 32-bit ones unless x64 is enabled; identity otherwise."""
    d = dt if isinstance(dt, np.dtype) else np.dtype(dt)
    if config.x64_enabled:
        return d
    return _NARROW_X32.get(d, d)


def default_int_dtype() -> DType:
    """Dtype of Python ints and of ``int``-requested arrays: int32, or int64 under x64."""
    return int64 if config.x64_enabled else int32


def default_float_dtype() -> DType:
    """Dtype of Python floats: float32, or float64 under x64."""
    return float64 if config.x64_enabled else float32


def default_complex_dtype() -> DType:
    """Dtype of Python complex numbers: complex64, or complex128 under x64."""
    return complex128 if config.x64_enabled else complex64


# ------------------------------------------------------------------------ predicates


def is_bool(dt: DType) -> bool:
    """True for the bool dtype."""
    return dt.kind == "b"


def is_unsigned(dt: DType) -> bool:
    """True for unsigned integer dtypes."""
    return dt.kind == "u"


def is_integer(dt: DType) -> bool:
    """True for signed and unsigned integer dtypes (bool excluded)."""
    return dt.kind in ("i", "u")


def is_float(dt: DType) -> bool:
    """True for real floating dtypes, including bfloat16 (whose numpy kind is 'V')."""
    return dt.kind == "f" or dt == bfloat16


def is_complex(dt: DType) -> bool:
    """True for complex dtypes."""
    return dt.kind == "c"


def is_inexact(dt: DType) -> bool:
    """True for floating and complex dtypes: the ones that are differentiable."""
    return dt.kind in ("f", "c") or dt == bfloat16


def is_supported_dtype(dt: DType) -> bool:
    """True if arrays may have this dtype."""
    return dt in SUPPORTED_DTYPES


def real_dtype(dt: DType) -> DType:
    """Dtype of the real/imaginary part: c64 -> f32, c128 -> f64; non-complex unchanged."""
    if dt == complex64:
        return float32
    if dt == complex128:
        return float64
    return dt


def complex_dtype(dt: DType) -> DType:
    """Complex dtype holding values of ``dt``: f64 -> c128, other floats -> c64.

    Complex dtypes are returned unchanged; integers and bool map to the default complex.
    """
    if is_complex(dt):
        return dt
    if dt == float64:
        return complex128
    if is_float(dt):
        return complex64
    return default_complex_dtype()


def finfo(dt: DType) -> np.finfo[Any]:
    """Floating-point limits; unlike ``np.finfo`` this also understands bfloat16."""
    return ml_dtypes.finfo(dt)


def iinfo(dt: DType) -> np.iinfo[Any]:
    """Integer limits (``np.iinfo``), also accepting bool as the range [0, 1]."""
    if is_bool(dt):
        raise TypeError("iinfo does not support bool; its range is [False, True]")
    return np.iinfo(dt)


# ------------------------------------------------------------------ python scalars

_WEAK_SCALAR_TYPES: Final = (int, float, complex)


def is_weakly_typed_python_scalar(x: object) -> bool:
    """True for Python ``int``/``float``/``complex`` (not ``bool``, not numpy scalars)."""
    return (
        isinstance(x, _WEAK_SCALAR_TYPES)
        and not isinstance(x, bool)
        # np.float64 and np.complex128 subclass float/complex but are strongly typed.
        and not isinstance(x, np.generic)
    )


def check_python_int(x: int) -> None:
    """A Python int is a weakly typed value of the default int dtype (int32, or int64 with
    x64), as in JAX: one outside its range is an OverflowError, not a silent float."""
    info = np.iinfo(default_int_dtype())
    if not info.min <= x <= info.max:
        raise OverflowError(f"Python int {x} too large to convert to {info.dtype.name}")


def dtype_of_python_scalar(x: object) -> tuple[DType, bool]:
    """``(dtype, weak_type)`` of a scalar: weak default dtype for int/float/complex.

    ``bool`` is strongly typed (bool promotes like the bottom of the lattice anyway).
    numpy scalars are accepted too, as strongly typed canonical dtypes, because
    ``np.float64`` is a ``float`` subclass and must not be mistaken for a weak float.
    """
    if isinstance(x, bool):
        return bool_, False
    if isinstance(x, np.generic):
        return canonicalize_dtype(x.dtype), False
    if isinstance(x, int):
        if not -(2**31) <= x < 2**31:
            check_python_int(x)
        return default_int_dtype(), True
    if isinstance(x, float):
        return default_float_dtype(), True
    if isinstance(x, complex):
        return default_complex_dtype(), True
    raise TypeError(f"expected a Python scalar (bool, int, float, complex), got {type(x)!r}")


# ----------------------------------------------------------------- the lattice

# Nodes are strings: a dtype name, or one of the weak categories below.
_WEAK_INT: Final = "i*"
_WEAK_FLOAT: Final = "f*"
_WEAK_COMPLEX: Final = "c*"
_WEAK_NODES: Final = frozenset({_WEAK_INT, _WEAK_FLOAT, _WEAK_COMPLEX})

_NODE_OF_DTYPE: Final[dict[DType, str]] = {
    bool_: "b1",
    uint8: "u8",
    uint16: "u16",
    uint32: "u32",
    uint64: "u64",
    int8: "i8",
    int16: "i16",
    int32: "i32",
    int64: "i64",
    bfloat16: "bf16",
    float16: "f16",
    float32: "f32",
    float64: "f64",
    complex64: "c64",
    complex128: "c128",
}
_DTYPE_OF_NODE: Final[dict[str, DType]] = {n: d for d, n in _NODE_OF_DTYPE.items()}

# Edges from lower to higher (JAX's lattice).
_EDGES: Final[dict[str, tuple[str, ...]]] = {
    "b1": (_WEAK_INT,),
    _WEAK_INT: ("u8", "i8"),
    "u8": ("u16", "i16"),
    "u16": ("u32", "i32"),
    "u32": ("u64", "i64"),
    "u64": (_WEAK_FLOAT,),
    "i8": ("i16",),
    "i16": ("i32",),
    "i32": ("i64",),
    "i64": (_WEAK_FLOAT,),
    _WEAK_FLOAT: ("bf16", "f16", _WEAK_COMPLEX),
    "bf16": ("f32",),
    "f16": ("f32",),
    "f32": ("f64", "c64"),
    "f64": ("c128",),
    _WEAK_COMPLEX: ("c64",),
    "c64": ("c128",),
    "c128": (),
}


def _upper_bounds(edges: dict[str, tuple[str, ...]]) -> dict[str, frozenset[str]]:
    """Reflexive-transitive closure: node -> every node at or above it."""
    out: dict[str, frozenset[str]] = {}

    def visit(n: str) -> frozenset[str]:
        if n not in out:
            acc = {n}
            for m in edges[n]:
                acc |= visit(m)
            out[n] = frozenset(acc)
        return out[n]

    for n in edges:
        visit(n)
    return out


_UPPER: Final = _upper_bounds(_EDGES)


def _compute_lub_table(upper: dict[str, frozenset[str]]) -> dict[tuple[str, str], str]:
    """Pairwise least upper bounds; fails at import if the graph is not a lattice."""
    table: dict[tuple[str, str], str] = {}
    for a in upper:
        for b in upper:
            common = upper[a] & upper[b]
            least = [n for n in common if upper[n] == common]
            if len(least) != 1:  # pragma: no cover - guards edits to _EDGES
                raise AssertionError(f"promotion graph is not a lattice at {a}, {b}")
            table[a, b] = least[0]
    return table


_LUB: Final = _compute_lub_table(_UPPER)


def _lub(nodes: Iterable[str]) -> str:
    it = iter(nodes)
    acc = next(it)
    for n in it:
        acc = _LUB[acc, n]
    return acc


def _check_promotable(dt: object) -> DType:
    try:
        # Any object may arrive here; np.dtype validates it, and the TypeError is caught.
        d = dt if isinstance(dt, np.dtype) else np.dtype(dt)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"result_type expects numpy dtypes, got {dt!r}") from None
    if d not in _NODE_OF_DTYPE:
        raise TypeError(f"dtype {d} does not take part in type promotion")
    return d


def _weak_node(dt: DType) -> str:
    """Lattice node of a weakly typed value: its weak category (bool stays bool)."""
    if is_bool(dt):
        return "b1"
    if is_integer(dt):
        return _WEAK_INT
    if is_float(dt):
        return _WEAK_FLOAT
    return _WEAK_COMPLEX


def _node_dtype(node: str) -> DType:
    if node == _WEAK_INT:
        return default_int_dtype()
    if node == _WEAK_FLOAT:
        return default_float_dtype()
    if node == _WEAK_COMPLEX:
        return default_complex_dtype()
    return _DTYPE_OF_NODE[node]


def _result_type_uncached(args: tuple[tuple[DType, bool], ...]) -> tuple[DType, bool]:
    if not args:
        raise TypeError("result_type requires at least one (dtype, weak_type) argument")
    dts: list[DType] = []
    weaks: list[bool] = []
    for arg in args:
        if not (isinstance(arg, tuple) and len(arg) == 2):
            raise TypeError(f"result_type expects (dtype, weak_type) pairs, got {arg!r}")
        dts.append(_check_promotable(arg[0]))
        weaks.append(bool(arg[1]))

    if len(dts) == 1:
        # A lone value keeps its dtype (even a non-default weak one such as weak f16).
        out, weak = dts[0], weaks[0]
    elif len(set(dts)) == 1 and not all(weaks):
        out, weak = dts[0], False
    elif all(weaks):
        # Join the strong counterparts and re-apply weakness (as JAX does), so that a
        # non-default weak dtype such as weak f16 + weak f16 stays f16.
        node = _lub(_NODE_OF_DTYPE[d] for d in dts)
        out, weak = _node_dtype(node), True
    else:
        pairs = zip(dts, weaks, strict=True)
        node = _lub(_weak_node(d) if w else _NODE_OF_DTYPE[d] for d, w in pairs)
        out, weak = _node_dtype(node), node in _WEAK_NODES
    out = canonicalize_dtype(out)
    return out, weak and not is_bool(out)


_CACHE_LIMIT: Final = 4096
_result_cache: dict[tuple[tuple[tuple[DType, bool], ...], bool], tuple[DType, bool]] = {}


def result_type(*args: tuple[DType, bool]) -> tuple[DType, bool]:
    """Promote ``(dtype, weak_type)`` pairs to their common ``(dtype, weak_type)``.

    The least upper bound in JAX's promotion lattice, where a weak input counts as its
    weak category ``i*``/``f*``/``c*``. A weak-category result becomes the default dtype
    of that kind, weakly typed; the result is canonicalized for the x64 setting. As in
    JAX, a single argument keeps its dtype, and all-weak arguments are joined by their
    strong dtypes and then marked weak (these agree with the plain lattice whenever
    weak values have default dtypes). Bool is never weak.
    """
    key = (args, config.x64_enabled)
    try:
        return _result_cache[key]
    except KeyError:
        pass
    except TypeError:  # unhashable argument: let validation explain
        return _result_type_uncached(args)
    out = _result_type_uncached(args)
    if len(_result_cache) >= _CACHE_LIMIT:
        _result_cache.clear()
    _result_cache[key] = out
    return out


# Two-operand promotion, cached under flat keys: the eager fast path of binary ``fad.numpy``
# functions (``x + 1``, ``x * y``). Each entry is what ``result_type`` (then ``to_inexact``
# for functions defined on floats) says; only successful promotions are cached, so errors
# are raised, with their messages, by ``result_type`` itself.
_pair_cache: dict[tuple[DType, bool, DType, bool, bool, bool], tuple[DType, bool]] = {}
_scalar_cache: dict[tuple[DType, bool, type, bool, bool], tuple[DType, bool]] = {}


def result_type_of_pair(
    dt1: DType, weak1: bool, dt2: DType, weak2: bool, inexact: bool = False
) -> tuple[DType, bool]:
    """``result_type((dt1, weak1), (dt2, weak2))``, made inexact if asked; cached."""
    key = (dt1, weak1, dt2, weak2, inexact, config.x64_enabled)
    try:
        return _pair_cache[key]
    except KeyError:
        pass
    out = result_type((dt1, weak1), (dt2, weak2))
    if inexact:
        out = to_inexact(*out)
    if len(_pair_cache) >= _CACHE_LIMIT:
        _pair_cache.clear()
    _pair_cache[key] = out
    return out


def result_type_with_scalar(
    dt: DType, weak: bool, scalar_type: type, inexact: bool = False
) -> tuple[DType, bool]:
    """The promotion of ``(dt, weak)`` with a Python scalar of type ``scalar_type``.

    ``scalar_type`` is exactly ``bool``, ``int``, ``float`` or ``complex``; the result is
    ``result_type((dt, weak), dtype_of_python_scalar(s))`` for any ``s`` of that type
    (promotion is commutative, so the scalar's side does not matter), made inexact if asked.
    """
    key = (dt, weak, scalar_type, inexact, config.x64_enabled)
    try:
        return _scalar_cache[key]
    except KeyError:
        pass
    out = result_type((dt, weak), dtype_of_python_scalar(scalar_type()))
    if inexact:
        out = to_inexact(*out)
    if len(_scalar_cache) >= _CACHE_LIMIT:
        _scalar_cache.clear()
    _scalar_cache[key] = out
    return out


def to_inexact(dt: DType, weak: bool) -> tuple[DType, bool]:
    """Promote an integer/bool ``(dtype, weak)`` to the default float; inexact unchanged.

    Used by operations only defined on inexact values (``sin(1)`` is a weak float32).
    Weakness is kept for weak ints; bool is never weak.
    """
    if is_inexact(dt):
        return dt, weak
    return default_float_dtype(), weak and not is_bool(dt)


# ---------------------------------------------------------------- user dtypes

_PYTHON_TYPE_DEFAULTS: Final = {
    bool: lambda: bool_,
    int: default_int_dtype,
    float: default_float_dtype,
    complex: default_complex_dtype,
}


def check_user_dtype(dt: object, name: str) -> DType:
    """Validate a user-supplied ``dtype=`` argument of function ``name``.

    Accepts dtypes, scalar types (``np.float32``, ``float``, ``int``, ``bool``,
    ``complex``) and strings (``'float32'``). Python builtin types map to the default
    dtypes silently; an explicitly 64-bit dtype requested while x64 is off is
    canonicalized with a ``UserWarning`` (as JAX does), since it silently loses precision.
    """
    if isinstance(dt, type) and dt in _PYTHON_TYPE_DEFAULTS:
        return _PYTHON_TYPE_DEFAULTS[dt]()
    if dt is None:
        raise TypeError(f"{name}: invalid dtype None")
    try:
        # Any object may arrive here; np.dtype validates it, and the error is caught.
        requested = dt if isinstance(dt, np.dtype) else np.dtype(dt)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise TypeError(f"{name}: invalid dtype {dt!r}") from None
    if requested not in SUPPORTED_DTYPES:
        raise TypeError(
            f"{name}: unsupported dtype {dt!r}; fad supports bool, integer, floating "
            "and complex dtypes"
        )
    used = canonicalize_dtype(requested)
    if used != requested:
        warnings.warn(
            f"{name}: explicitly requested dtype {requested} is not available because "
            f"enable_x64 is off; using {used} instead. Set config.update('enable_x64', "
            "True) or the FAD_ENABLE_X64=1 environment variable to use 64-bit dtypes.",
            UserWarning,
            stacklevel=3,
        )
    return used
