"""Host-side utilities with numpy's behaviour: dtype queries (``can_cast``,
``promote_types``, ``isdtype``), printing (``array_str``, ``array_repr`` and the print
options), reading host data (``load``, ``frombuffer``, ``fromstring``, ``fromiter``),
``einsum_path`` and ``iterable``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from fad._src import dtypes
from fad._src.core import Array, ArrayLike
from fad._src.numpy.conversion import asarray

get_printoptions = np.get_printoptions
printoptions = np.printoptions
set_printoptions = np.set_printoptions
iterable = np.iterable


def can_cast(from_: Any, to: Any, casting: str = "safe") -> bool:
    """numpy's casting rules between dtypes (arrays are taken by their dtype)."""
    src = from_.dtype if isinstance(from_, Array) else from_
    return bool(np.can_cast(np.dtype(src), np.dtype(to), casting=casting))  # type: ignore[arg-type]


def promote_types(a: Any, b: Any) -> np.dtype[Any]:
    """The dtype JAX's promotion lattice gives two (strongly typed) dtypes."""
    dt, _ = dtypes.result_type((np.dtype(a), False), (np.dtype(b), False))
    return dt


_KINDS: dict[str, Callable[[np.dtype[Any]], bool]] = {
    "bool": lambda d: d == np.bool_,
    "signed integer": lambda d: d.kind == "i",
    "unsigned integer": lambda d: d.kind == "u",
    "integral": lambda d: d.kind in "iu",
    "real floating": lambda d: d.kind == "f" or d.name == "bfloat16",
    "complex floating": lambda d: d.kind == "c",
    "numeric": lambda d: d.kind in "iufc" or d.name == "bfloat16",
}


def isdtype(dtype: Any, kind: str | Any | tuple[Any, ...]) -> bool:
    """Array-API ``isdtype``: whether ``dtype`` is of ``kind`` (a name or a dtype, or a tuple)."""
    d = np.dtype(dtype)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    for k in kinds:
        if isinstance(k, str):
            if k not in _KINDS:
                raise ValueError(f"isdtype: unknown kind {k!r}; expected one of {list(_KINDS)}")
            if _KINDS[k](d):
                return True
        elif d == np.dtype(k):
            return True
    return False


def array_str(
    a: ArrayLike, max_line_width: int | None = None, precision: int | None = None,
    suppress_small: bool | None = None,
) -> str:  # fmt: skip
    """numpy's ``array_str`` of the values."""
    return np.array_str(np.asarray(asarray(a)), max_line_width, precision, suppress_small)


def array_repr(
    arr: ArrayLike, max_line_width: int | None = None, precision: int | None = None,
    suppress_small: bool | None = None,
) -> str:  # fmt: skip
    """numpy's ``array_repr`` of the values, naming fad's ``Array``."""
    text = np.array_repr(np.asarray(asarray(arr)), max_line_width, precision, suppress_small)
    return "Array" + text[len("array") :]


def load(file: Any, *args: Any, **kwargs: Any) -> Any:
    """``numpy.load``, with arrays converted to fad Arrays (archives are returned as numpy's)."""
    out = np.load(file, *args, **kwargs)
    return asarray(out) if isinstance(out, np.ndarray) else out


def frombuffer(buffer: Any, dtype: Any = float, count: int = -1, offset: int = 0) -> Array:
    """An array from the bytes of ``buffer``."""
    return asarray(np.frombuffer(buffer, dtype=dtype, count=count, offset=offset))


def fromstring(string: str, dtype: Any = float, count: int = -1, *, sep: str) -> Array:
    """An array from numbers in a text string separated by ``sep``."""
    return asarray(np.fromstring(string, dtype=dtype, count=count, sep=sep))


def fromiter(iter: Iterable[Any], dtype: Any, count: int = -1, *, like: None = None) -> Array:
    """An array from the values of an iterable."""
    return asarray(np.fromiter(iter, dtype=dtype, count=count))


def einsum_path(
    subscripts: str, /, *operands: ArrayLike, optimize: bool | str | list[Any] = "auto"
) -> tuple[list[Any], Any]:
    """numpy's contraction order for ``einsum`` on operands of these shapes."""
    shapes = [np.empty(np.shape(o) if not isinstance(o, Array) else o.shape, np.float32)
              for o in operands]  # fmt: skip
    opt: Any = "greedy" if optimize in (True, "auto") else optimize
    path, text = np.einsum_path(subscripts, *shapes, optimize=opt)
    return list(path), text


save = np.save
savez = np.savez


def fromfile(*args: Any, **kwargs: Any) -> Array:
    """``numpy.fromfile``, as an Array."""
    return asarray(np.fromfile(*args, **kwargs))
