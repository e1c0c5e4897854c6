"""Global configuration flags.

The options are global, process-wide switches (like ``jax.config``): they change how
dtypes are canonicalized and how PRNG keys are split, so every module reads them
from the single ``config`` object defined here.

The x64 flag is read on hot paths (every dtype canonicalization), so it is kept in a
plain attribute, ``Config.x64_enabled``, which is cheaper to read than a property.
Always change it through ``Config.update`` (or ``Config.enable_x64_scope``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Final, Literal, overload

import numpy as np

__all__ = ["Config", "config"]

_TRUE_STRINGS: Final = frozenset({"1", "true", "yes"})

# Option name -> default value when no environment variable is set.
_DEFAULTS: Final[dict[str, bool]] = {
    "enable_x64": False,
    "threefry_partitionable": False,
    "cpu_enable_async_dispatch": False,
}
# Options holding a count; ``None`` leaves the choice to jaxlib.
_COUNTS: Final = ("num_cpu_devices",)


def _env_flag(option: str, default: bool) -> bool:
    """Read ``FAD_<OPTION>``, falling back to ``JAX_<OPTION>`` so JAX habits carry over."""
    for prefix in ("FAD_", "JAX_"):
        raw = os.environ.get(prefix + option.upper())
        if raw is not None and raw.strip() != "":
            return raw.strip().lower() in _TRUE_STRINGS
    return default


def _env_count(option: str) -> int | None:
    for prefix in ("FAD_", "JAX_"):
        raw = os.environ.get(prefix + option.upper(), "").strip()
        if raw:
            try:
                n = int(raw)
            except ValueError:
                n = 0
            if n < 1:
                raise ValueError(f"${prefix}{option.upper()} must be a positive int, got {raw!r}")
            return n
    return None


class Config:
    """Holder of the global options; use the module-level ``config`` singleton."""

    __slots__ = (
        "_checks", "_threefry_partitionable", "cpu_enable_async_dispatch", "num_cpu_devices",
        "trace_state", "x64_enabled",
    )  # fmt: skip

    x64_enabled: bool
    """Current value of ``enable_x64``. Plain attribute for cheap reads; do not assign."""
    trace_state: tuple[bool, bool]
    """Every option that changes what tracing a function produces, as one value for
    trace caches to key on (``jit``'s): ``(enable_x64, threefry_partitionable)``."""

    def __init__(self) -> None:
        self.x64_enabled = _env_flag("enable_x64", _DEFAULTS["enable_x64"])
        self._threefry_partitionable = _env_flag(
            "threefry_partitionable", _DEFAULTS["threefry_partitionable"]
        )
        self.trace_state = (self.x64_enabled, self._threefry_partitionable)
        self.num_cpu_devices: int | None = _env_count("num_cpu_devices")
        """How many CPU devices jaxlib's CPU client makes when it starts (``None``: one)."""
        self.cpu_enable_async_dispatch = _env_flag(
            "cpu_enable_async_dispatch", _DEFAULTS["cpu_enable_async_dispatch"]
        )
        """Whether the CPU client runs a one-device program on a worker thread (returning
        before it is done, as JAX does) rather than on the calling thread. Off: a small
        call then costs no hand-over between threads (see ``docs/jit.md``)."""
        self._checks: dict[str, Callable[[object], None]] = {}

    @staticmethod
    def known_options() -> tuple[str, ...]:
        """Names accepted by ``update`` (a ``jax_`` prefix is also accepted)."""
        return (*_DEFAULTS, *_COUNTS)

    def add_check(self, name: str, check: Callable[[object], None]) -> None:
        """Run ``check(value)`` before option ``name`` changes (it raises to refuse): the
        layer that owns a resource says when an option can no longer change."""
        self._checks[self._normalize_name(name)] = check

    @staticmethod
    def _normalize_name(name: object) -> str:
        if not isinstance(name, str):
            raise TypeError(f"config option name must be a str, got {type(name).__name__}")
        key = name.removeprefix("jax_")
        if key not in _DEFAULTS and key not in _COUNTS:
            known = ", ".join(repr(k) for k in (*_DEFAULTS, *_COUNTS))
            raise ValueError(f"unknown config option {name!r}; known options: {known}")
        return key

    def update(self, name: str, value: bool | int) -> None:
        """Set option ``name`` to ``value``.

        Raises ``ValueError`` for an unknown option and ``TypeError`` for a non-bool value
        of a switch (ints such as ``1`` are rejected on purpose: silent truthiness hides
        typos) or a non-int count.
        """
        key = self._normalize_name(name)
        if key in _COUNTS:
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise TypeError(f"config option {name!r} expects a positive int, got {value!r}")
            check = self._checks.get(key)
            if check is not None:
                check(int(value))
            self.num_cpu_devices = int(value)
            return
        raw: object = value  # callers may ignore the annotation; check at runtime
        if isinstance(raw, bool):
            flag = raw
        elif isinstance(raw, np.bool_):  # a common accident; harmless to accept
            flag = bool(raw)
        else:
            raise TypeError(
                f"config option {name!r} expects a bool, got {type(raw).__name__}: {raw!r}"
            )
        check = self._checks.get(key)
        if check is not None:
            check(flag)
        if key == "enable_x64":
            self.x64_enabled = flag
        elif key == "cpu_enable_async_dispatch":
            self.cpu_enable_async_dispatch = flag
        else:
            self._threefry_partitionable = flag
        self.trace_state = (self.x64_enabled, self._threefry_partitionable)

    @overload
    def read(  # type: ignore[overload-overlap]
        self, name: Literal["num_cpu_devices", "jax_num_cpu_devices"]
    ) -> int | None: ...

    @overload
    def read(self, name: str) -> bool: ...

    def read(self, name: str) -> bool | int | None:
        """Current value of option ``name`` (same name rules as ``update``)."""
        key = self._normalize_name(name)
        if key in _COUNTS:
            return self.num_cpu_devices
        if key == "enable_x64":
            return self.x64_enabled
        if key == "cpu_enable_async_dispatch":
            return self.cpu_enable_async_dispatch
        return self._threefry_partitionable

    @property
    def enable_x64(self) -> bool:
        """Whether 64-bit dtypes are kept (otherwise canonicalized to 32-bit)."""
        return self.x64_enabled

    @property
    def threefry_partitionable(self) -> bool:
        """Whether PRNG splitting uses the partitionable threefry scheme."""
        return self._threefry_partitionable

    @contextlib.contextmanager
    def enable_x64_scope(self, enabled: bool) -> Iterator[None]:
        """Temporarily set ``enable_x64``; the previous value is restored on exit.

        The option is process-global, so this is not thread-safe: do not toggle it while
        other threads are tracing.
        """
        previous = self.x64_enabled
        self.update("enable_x64", enabled)
        try:
            yield
        finally:
            self.update("enable_x64", previous)

    def __repr__(self) -> str:
        return (
            f"Config(enable_x64={self.x64_enabled}, "
            f"threefry_partitionable={self._threefry_partitionable}, "
            f"cpu_enable_async_dispatch={self.cpu_enable_async_dispatch})"
        )


config: Final[Config] = Config()
"""The process-wide configuration singleton."""
