"""The XLA runtime: compile StableHLO text with jaxlib and run it.

This is the only module of fad that imports jaxlib.  jaxlib's Python API is
private and changes between releases (fad pins ``jaxlib==0.10.2``), so
everything it offers is wrapped here behind a small typed interface:

* ``Backend``, ``get_backend``, ``default_backend``,
  ``devices``: PJRT clients ("cpu", or "cuda" when the CUDA PJRT plugin
  is installed and a GPU is visible), created lazily and cached.
* ``device_put`` / ``to_numpy``: host <-> device transfers.  Device
  values are jaxlib arrays, typed as the ``DeviceBuffer`` protocol.
* ``compile`` -> ``Executable``, whose ``Executable.execute``
  takes device buffers and returns device buffers.
* ``ensure_lapack_registered`` (LAPACK custom calls on CPU),
  ``enable_persistent_cache`` (opt-in on-disk executable cache),
  ``load_cuda_plugin``, ``legalize_chlo``.

jaxlib is imported on first use, not when this module is imported, so that
``import fad`` stays fast.

Typing seam: jaxlib's native module ``jaxlib._jax`` ships no stubs, so every
jaxlib object is held as ``Any`` *inside this module only*; the public
surface is typed with the ``Device`` and ``DeviceBuffer`` protocols
and the ``Aval`` dataclass.  ``jaxlib.mlir`` has stubs and is used typed.

Semantics worth knowing (verified against jaxlib 0.10.2):

* 64-bit types are always kept (``enable_x64=True`` on every transfer).
* Executables check only the *byte size* of their arguments, so an
  ``i32[4]`` is accepted where ``f32[4]`` is expected.  ``execute`` does
  not check avals (it is the hot path; fad's jit caches by aval);
  ``Executable.check_args`` does.
* jaxlib's array type has no ``shape``/``dtype``/``ndim``; on first use this
  module adds them as properties reading ``self.aval`` (only where absent, so
  a later ``import jax``, which installs the same properties, wins).
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import math
import os
import platform as _platform
import threading
import warnings
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from jaxlib.mlir import ir

__all__ = [
    "TESTED_JAXLIB_VERSION",
    "Aval",
    "AvalLike",
    "Backend",
    "CacheStats",
    "Device",
    "DeviceBuffer",
    "Executable",
    "block_until_ready",
    "buffer_sharding",
    "compile",
    "default_backend",
    "default_device",
    "device_put",
    "devices",
    "disable_persistent_cache",
    "distributed_initialized",
    "enable_persistent_cache",
    "ensure_lapack_registered",
    "find_cuda_plugin",
    "get_backend",
    "initialize_distributed",
    "is_device_buffer",
    "jaxlib_version",
    "legalize_chlo",
    "load_cuda_plugin",
    "addressable_shards",
    "cpu_backend_devices",
    "completes_inline",
    "cpu_async",
    "cpu_device_count",
    "device_put_sharded",
    "is_multi_device",
    "make_aval",
    "persistent_cache_stats",
    "process_index",
    "sharding_object",
    "shutdown_distributed",
    "tile_layout",
    "to_numpy",
]

logger = logging.getLogger(__name__)

#: The jaxlib release this module was written and tested against.
TESTED_JAXLIB_VERSION = "0.10.2"

DType = np.dtype[Any]
Shape = tuple[int, ...]


# --------------------------------------------------------------------------
# Avals
# --------------------------------------------------------------------------

_SHORT_KINDS = {"f": "f", "i": "i", "u": "u", "c": "c"}


def _short_dtype(dtype: DType) -> str:
    if dtype.kind == "b":
        return "bool"
    prefix = _SHORT_KINDS.get(dtype.kind)
    if prefix is not None and type(dtype).__module__.startswith("numpy"):
        return f"{prefix}{dtype.itemsize * 8}"
    return dtype.name  # bfloat16, float8_e4m3fn, int4, ... (ml_dtypes)


@dataclass(frozen=True, slots=True)
class Aval:
    """Shape and dtype of a device value, as jaxlib's transfer and result
    handlers need it (they read ``shape``, ``dtype``, ``weak_type`` and, on
    error paths, ``str_short()``)."""

    shape: Shape
    dtype: DType
    weak_type: bool = False

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def str_short(self, short_dtypes: bool = False, mesh_axis_types: bool = False) -> str:
        del short_dtypes, mesh_axis_types  # accepted for jaxlib's call sites
        return f"{_short_dtype(self.dtype)}[{','.join(map(str, self.shape))}]"

    def __str__(self) -> str:
        return self.str_short()


#: An ``Aval``, or a ``(shape, dtype)`` pair.
AvalLike = Aval | tuple[Sequence[int], npt.DTypeLike]

_aval_cache: dict[tuple[Shape, DType], Aval] = {}


def make_aval(shape: Sequence[int], dtype: npt.DTypeLike) -> Aval:
    """The (interned) non-weak ``Aval`` for ``shape`` and ``dtype``."""
    key = (tuple(int(d) for d in shape), np.dtype(dtype))
    aval = _aval_cache.get(key)
    if aval is None:
        aval = _aval_cache.setdefault(key, Aval(*key))
    return aval


def _as_aval(a: AvalLike) -> Aval:
    if isinstance(a, Aval):
        return a
    shape, dtype = a
    return make_aval(shape, dtype)


# --------------------------------------------------------------------------
# Public protocols for jaxlib objects
# --------------------------------------------------------------------------


class Device(Protocol):
    """A jaxlib device (opaque; only these attributes are relied upon)."""

    @property
    def id(self) -> int: ...

    @property
    def platform(self) -> str: ...

    @property
    def device_kind(self) -> str: ...

    @property
    def process_index(self) -> int: ...


class DeviceBuffer(Protocol):
    """A single-device array resident on a device (jaxlib's ``ArrayImpl``).

    Values are immutable; ``delete`` frees the memory early.  Execution
    and transfers are asynchronous: ``block_until_ready`` waits.
    """

    @property
    def aval(self) -> Aval: ...

    @property
    def shape(self) -> Shape: ...

    @property
    def dtype(self) -> DType: ...

    @property
    def ndim(self) -> int: ...

    def block_until_ready(self) -> DeviceBuffer: ...

    def is_ready(self) -> bool: ...

    def delete(self) -> None: ...

    def is_deleted(self) -> bool: ...


# --------------------------------------------------------------------------
# Lazy jaxlib import (the Any seam)
# --------------------------------------------------------------------------

_lock = threading.RLock()
_xc: Any = None  # jaxlib.xla_client once loaded
_ZERO_COPY: Any = None  # xc.HostBufferSemantics.ZERO_COPY


def _array_shape(self: Any) -> Shape:
    shape: Shape = self.aval.shape
    return shape


def _array_dtype(self: Any) -> DType:
    dtype: DType = self.aval.dtype
    return dtype


def _array_ndim(self: Any) -> int:
    return len(self.aval.shape)


def _xla() -> Any:
    """``jaxlib.xla_client``, imported on first use."""
    xc = _xc
    return xc if xc is not None else _load_jaxlib()


def _load_jaxlib() -> Any:
    global _xc, _ZERO_COPY
    with _lock:
        if _xc is not None:
            return _xc
        # Before jaxlib loads: hides XLA's "PjRt-IFRT device count" INFO lines.
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
        xc: Any = importlib.import_module("jaxlib.xla_client")
        version = jaxlib_version()
        if version != TESTED_JAXLIB_VERSION:
            warnings.warn(
                f"fad's XLA runtime was tested with jaxlib {TESTED_JAXLIB_VERSION}, "
                f"found {version}; jaxlib's private API may differ.",
                RuntimeWarning,
                stacklevel=3,
            )
        cls = xc.ArrayImpl
        for name, getter in (
            ("shape", _array_shape),
            ("dtype", _array_dtype),
            ("ndim", _array_ndim),
        ):
            if not hasattr(cls, name):
                setattr(cls, name, property(getter))
        _ZERO_COPY = xc.HostBufferSemantics.ZERO_COPY
        _xc = xc
        return xc


def jaxlib_version() -> str:
    """The installed jaxlib version (imports only ``jaxlib.version``)."""
    mod: Any = importlib.import_module("jaxlib.version")
    return str(mod.__version__)


def is_device_buffer(x: object) -> bool:
    """Whether ``x`` is a jaxlib device array (False if jaxlib isn't loaded)."""
    xc = _xc
    return xc is not None and isinstance(x, xc.ArrayImpl)


# --------------------------------------------------------------------------
# Backends and devices
# --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Backend:
    """A PJRT client for one platform.  Obtain with ``get_backend``."""

    name: str  # "cpu" or "cuda"
    _client: Any = field(repr=False)

    @property
    def platform(self) -> str:
        return str(self._client.platform)

    @property
    def platform_version(self) -> str:
        return str(self._client.platform_version)

    def devices(self) -> list[Device]:
        """Every device of the platform, over all processes of a distributed run."""
        devs: list[Device] = list(self._client.devices())
        return devs

    def local_devices(self) -> list[Device]:
        """The devices this process drives."""
        devs: list[Device] = list(self._client.local_devices())
        return devs


_BACKEND_ALIASES = {"cpu": "cpu", "host": "cpu", "cuda": "cuda", "gpu": "cuda"}
_backends: dict[str, Backend] = {}
_cuda_error: str | None = None  # why the CUDA backend is unavailable, once known
_default_device_cache: list[Any] = []


def _canonical_backend_name(name: str) -> str:
    canon = _BACKEND_ALIASES.get(name.lower())
    if canon is None:
        raise ValueError(f"unknown backend {name!r}; expected 'cpu' or 'cuda' ('gpu')")
    return canon


def default_backend() -> str:
    """``$FAD_PLATFORM`` if set, else "cuda" when a GPU is usable, else "cpu"."""
    env = os.environ.get("FAD_PLATFORM")
    if env:
        return _canonical_backend_name(env)
    return "cuda" if load_cuda_plugin() is not None else "cpu"


def get_backend(name: str | None = None) -> Backend:
    """The (cached) backend ``name``; the default backend if ``None``."""
    if name is None:
        b = _backends.get("default")
        if b is not None:
            return b
        with _lock:
            b = get_backend(default_backend())
            _backends["default"] = b
            return b
    canon = _canonical_backend_name(name)
    b = _backends.get(canon)
    if b is not None:
        return b
    if canon == "cuda":
        b = load_cuda_plugin(required=True)
        assert b is not None
        return b
    with _lock:
        b = _backends.get("cpu")
        if b is None:
            n = cpu_device_count()
            kwargs: dict[str, Any] = {} if not n else {"num_devices": n}
            dist = _distributed
            if dist is not None:
                kwargs.update(
                    distributed_client=dist.client, node_id=dist.process_id,
                    num_nodes=dist.num_processes, collectives=dist.collectives,
                )  # fmt: skip
            b = Backend("cpu", _xla().make_cpu_client(asynchronous=cpu_async(), **kwargs))
            _backends["cpu"] = b
        return b


@dataclass(frozen=True, eq=False)
class _Distributed:
    """This process's place in a multi-process run (jaxlib's distributed runtime)."""

    client: Any
    service: Any  # the coordination service, in process 0 only
    collectives: Any
    process_id: int
    num_processes: int


_distributed: _Distributed | None = None


def initialize_distributed(
    coordinator_address: str, num_processes: int, process_id: int, timeout_s: int = 60
) -> None:
    """Join a run of ``num_processes`` processes coordinated at ``coordinator_address``
    (process 0 serves it). Must come before the CPU backend starts: its client is then
    made over every process's devices, with gloo collectives between processes."""
    global _distributed
    with _lock:
        if _distributed is not None:
            raise RuntimeError("the distributed runtime is already initialized in this process")
        if "cpu" in _backends:
            raise RuntimeError(
                "initialize the distributed runtime before any computation: the CPU backend "
                "has already started in this process"
            )
        _xla()
        jax_ext: Any = importlib.import_module("jaxlib._jax")
        service = None
        if process_id == 0:
            service = jax_ext.get_distributed_runtime_service(
                coordinator_address, num_processes
            )
        client = jax_ext.get_distributed_runtime_client(
            coordinator_address, process_id, init_timeout=timeout_s
        )
        client.connect()
        collectives = jax_ext.make_gloo_tcp_collectives(distributed_client=client)
        _distributed = _Distributed(client, service, collectives, process_id, num_processes)


def shutdown_distributed() -> None:
    """Leave the multi-process run (waits for the others at the coordinator)."""
    global _distributed
    with _lock:
        dist = _distributed
        if dist is None:
            return
        dist.client.shutdown()
        if dist.service is not None:
            dist.service.shutdown()
        _distributed = None


def distributed_initialized() -> bool:
    return _distributed is not None


def _env_cpu_device_count() -> int | None:
    raw = os.environ.get("FAD_NUM_CPU_DEVICES", "").strip()
    return int(raw) if raw else None


#: How many devices the CPU client gets when it starts (``None``: jaxlib's default, one).
#: fad's configuration replaces this hook; the default reads ``$FAD_NUM_CPU_DEVICES``.
cpu_device_count: Callable[[], int | None] = _env_cpu_device_count


def _env_cpu_async() -> bool:
    raw = os.environ.get("FAD_CPU_ENABLE_ASYNC_DISPATCH", "").strip().lower()
    return raw in ("1", "true", "yes")  # what the configuration reads as true


#: Whether the CPU client dispatches one-device programs to a worker thread (jaxlib's
#: ``asynchronous``) or runs them on the calling thread. fad's configuration replaces this
#: hook; the default reads ``$FAD_CPU_ENABLE_ASYNC_DISPATCH``.
cpu_async: Callable[[], bool] = _env_cpu_async


def completes_inline(device: Device | None = None) -> bool:
    """Whether a one-device program on ``device`` (default: the default device) has finished
    when its ``execute`` call returns, given complete inputs: jaxlib's synchronous CPU client
    runs it on the calling thread (a program queued behind unfinished work still waits)."""
    dev = device if device is not None else default_device()
    return bool(dev.platform == "cpu") and not cpu_async()


def cpu_backend_devices() -> int | None:
    """The CPU client's device count if it has started, else ``None``."""
    b = _backends.get("cpu")
    return None if b is None else len(b.local_devices())


def devices(backend: str | Backend | None = None) -> list[Device]:
    """The devices of ``backend`` (default backend if ``None``), over all processes."""
    b = backend if isinstance(backend, Backend) else get_backend(backend)
    return b.devices()


def process_index(backend: str | Backend | None = None) -> int:
    """This process's index in a multi-process run."""
    b = backend if isinstance(backend, Backend) else get_backend(backend)
    return int(b._client.process_index())


def default_device() -> Any:
    """The first device of the default backend this process drives."""
    if not _default_device_cache:
        with _lock:
            if not _default_device_cache:
                _default_device_cache.append(get_backend().local_devices()[0])
    return _default_device_cache[0]


_shardings: dict[Any, Any] = {}
_device_lists: dict[Any, Any] = {}
_sharding_class: list[Any] = []


def _make_sharding_class(xc: Any) -> Any:
    replicated = xc.HloSharding.replicate()

    # The base class is jaxlib's, loaded at run time (the Any seam), so mypy cannot see it.
    class Sharding(xc.SingleDeviceSharding):  # type: ignore[misc]
        """Minimal single-device sharding: what ``batched_device_put`` and the
        result handlers read besides the native device list."""

        memory_kind = None

        def _to_xla_hlo_sharding(self, ndim: int) -> Any:
            del ndim
            return replicated

    return Sharding


def _sharding_for(device: Any) -> Any:
    sh = _shardings.get(device)
    if sh is None:
        with _lock:
            if not _sharding_class:
                _sharding_class.append(_make_sharding_class(_xla()))
            sh = _shardings.setdefault(device, _sharding_class[0](device))
    return sh


def _device_list_for(device: Any) -> Any:
    dl = _device_lists.get(device)
    if dl is None:
        dl = _device_lists.setdefault(device, _xla().DeviceList((device,)))
    return dl


# --------------------------------------------------------------------------
# Transfers
# --------------------------------------------------------------------------

_REJECTED_KINDS = frozenset("OUSMm")


def _is_immutable(arr: np.ndarray[Any, Any]) -> bool:
    """Read-only all the way down to memory nobody can write through.

    Only such arrays may be aliased by a device buffer (zero-copy on CPU);
    anything else is copied so later host mutation can't leak in.
    """
    if arr.flags.writeable:
        return False
    base: object = arr.base
    while isinstance(base, np.ndarray):
        if base.flags.writeable:
            return False
        base = base.base
    if base is None or isinstance(base, bytes):
        return True
    return isinstance(base, memoryview) and base.readonly


def device_put(x: npt.ArrayLike, device: Device | None = None) -> DeviceBuffer:
    """Copy a host array to ``device`` (default: first device of the default
    backend).  64-bit dtypes are kept.  A read-only ``x`` whose memory is not
    writable through any base may be aliased instead of copied (CPU)."""
    arr = x if type(x) is np.ndarray else np.asarray(x)
    dtype = arr.dtype
    if dtype.kind in _REJECTED_KINDS or dtype.fields is not None:
        raise TypeError(f"device_put: unsupported dtype {dtype}")
    xc = _xla()
    dev = device if device is not None else default_device()
    sh = _shardings.get(dev)
    if sh is None:
        sh = _sharding_for(dev)
    aval = _aval_cache.get((arr.shape, dtype))
    if aval is None:
        aval = make_aval(arr.shape, dtype)
    buf: DeviceBuffer = xc.batched_device_put(
        aval, sh, [arr], [dev], True, not _is_immutable(arr), _ZERO_COPY, True
    )
    return buf


# --------------------------------------------------------------------------
# Arrays over many devices
# --------------------------------------------------------------------------

_gspmd_shardings: dict[tuple[tuple[Any, ...], str, Hashable], Any] = {}


def sharding_object(devices: Sequence[Device], hlo_text: str, owner: Hashable = None) -> Any:
    """jaxlib's sharding of an array over ``devices`` (in logical order), cut as the HLO
    sharding ``hlo_text`` says. Cached (jaxlib keys its own caches on these objects), one
    object per ``owner``: the caller's own description of the layout, which it can then
    find again from an array's sharding object."""
    key = (tuple(devices), hlo_text, owner)
    sh = _gspmd_shardings.get(key)
    if sh is None:
        xc = _xla()
        hlo = xc.HloSharding.from_string(hlo_text)
        sh = _gspmd_shardings.setdefault(key, xc.GSPMDSharding(xc.DeviceList(key[0]), hlo))
    return sh


def _sharding_from_proto(devices: Sequence[Device], op_sharding: Any) -> Any:
    xc = _xla()
    return sharding_object(devices, str(xc.HloSharding.from_proto(op_sharding)))


def device_put_sharded(
    shape: Sequence[int],
    dtype: npt.DTypeLike,
    pieces: Sequence[np.ndarray[Any, Any]],
    devices: Sequence[Device],
    sharding: Any,
) -> DeviceBuffer:
    """One array over several devices: ``pieces[i]`` (a host array) goes to ``devices[i]``.

    ``sharding`` (from ``sharding_object``) says which piece of the whole each is.
    Pieces whose memory someone could write are copied (see ``device_put``).
    """
    xc = _xla()
    # Each piece is put on its own device, then the pieces are joined (jaxlib's batched put
    # of several devices fails on partially replicated layouts).
    parts = [device_put(p, d) for p, d in zip(pieces, devices, strict=True)]
    aval = make_aval(shape, dtype)
    buf: DeviceBuffer = xc.ArrayImpl(aval, sharding, parts, True, _skip_checks=True)
    return buf


def is_multi_device(buf: DeviceBuffer) -> bool:
    """Whether ``buf`` spans several devices (made by ``device_put_sharded`` or an
    SPMD program)."""
    native: Any = buf
    return len(native._sharding._internal_device_list) > 1


def buffer_sharding(buf: DeviceBuffer) -> Any:
    """jaxlib's sharding object of ``buf``."""
    native: Any = buf
    return native._sharding


def addressable_shards(buf: DeviceBuffer) -> list[tuple[Device, DeviceBuffer]]:
    """The (device, single-device buffer) pieces of ``buf`` this process holds."""
    native: Any = buf
    return [(a._sharding._device, a) for a in native._arrays]


def tile_layout(buf: DeviceBuffer) -> tuple[tuple[Device, ...], tuple[int, ...], tuple[int, ...]]:
    """(devices in logical order, tile dimensions, logical device of each tile) of a
    buffer over many devices; empty tiles mean replicated."""
    native: Any = buf
    sh = native._sharding
    devices = tuple(sh._internal_device_list)
    hlo = sh._hlo_sharding if hasattr(sh, "_hlo_sharding") else None
    if hlo is None or hlo.is_replicated() or not hlo.is_tiled():
        return devices, (), ()
    return devices, tuple(hlo.tile_assignment_dimensions()), tuple(hlo.tile_assignment_devices())


def to_numpy(buf: DeviceBuffer, dtype: DType | None = None) -> np.ndarray[Any, Any]:
    """The value of ``buf`` as a read-only numpy array (blocks until ready).

    Zero-copy on CPU: the result views the device buffer's memory and keeps
    it alive (also after ``buf.delete()``).  On GPU it is a host copy. ``dtype``
    is the buffer's, for pieces of a multi-device array (which carry no aval).
    """
    # Fast path (~1 us): the buffer protocol, which jaxlib implements for CPU
    # buffers of numpy's own dtypes.  Elsewhere (GPU buffers; bfloat16 and
    # other ml_dtypes) numpy silently makes a 0-d object array instead, so
    # the dtype is checked and jaxlib's general (~150 us) path taken.
    arr: np.ndarray[Any, Any] | None
    try:
        arr = np.asarray(buf)
    except Exception:
        arr = None
    if arr is None or arr.dtype != (buf.dtype if dtype is None else dtype):
        native: Any = buf  # a jaxlib array; this private method is not in DeviceBuffer
        arr, _ = native._single_device_array_to_np_array_did_copy()
        assert arr is not None
    if arr.flags.writeable:
        arr.flags.writeable = False
    return arr


def block_until_ready(bufs: Iterable[DeviceBuffer]) -> None:
    """Wait for all ``bufs`` (one native call)."""
    _xla().batched_block_until_ready(list(bufs))


# --------------------------------------------------------------------------
# LAPACK custom calls (CPU)
# --------------------------------------------------------------------------

_lapack_registered = threading.Event()


def ensure_lapack_registered() -> None:
    """Register jaxlib's LAPACK FFI custom-call targets (``lapack_spotrf_ffi``,
    ``lapack_dtrsm_ffi``, ...) with the CPU backend, once.

    Needs SciPy: jaxlib binds LAPACK through ``scipy.linalg.cython_lapack``.
    ``compile`` calls this itself for CPU modules mentioning ``@lapack_``.
    """
    if _lapack_registered.is_set():
        return
    with _lock:
        if _lapack_registered.is_set():
            return
        xc = _xla()
        get_backend("cpu")  # the CPU client installs the cpu custom-call handler
        lapack: Any = importlib.import_module("jaxlib.lapack")
        for name, target, api_version in lapack.registrations()["cpu"]:
            xc.register_custom_call_target(name, target, platform="cpu", api_version=api_version)
        try:
            lapack._lapack.initialize()
        except ImportError as err:  # pragma: no cover - scipy is a test dependency
            raise ImportError(
                "LAPACK custom calls need SciPy (jaxlib loads LAPACK from "
                "scipy.linalg.cython_lapack); install scipy"
            ) from err
        _lapack_registered.set()


# --------------------------------------------------------------------------
# MLIR helpers (donation marking, CHLO legalization)
# --------------------------------------------------------------------------

_mlir_ctx: list[ir.Context] = []


def _mlir_context() -> ir.Context:
    if _mlir_ctx:
        return _mlir_ctx[0]
    with _lock:
        if not _mlir_ctx:
            _xla()  # environment set-up happens before any jaxlib import
            from jaxlib.mlir import ir
            from jaxlib.mlir._mlir_libs import _jax_mlir_ext
            from jaxlib.mlir.dialects import chlo
            from jaxlib.mlir.dialects import stablehlo as hlo

            ctx = ir.Context()
            registry = ir.DialectRegistry()
            _jax_mlir_ext.register_dialects(registry)
            ctx.append_dialect_registry(registry)
            ctx.load_all_available_dialects()
            hlo.register_dialect(ctx)
            chlo.register_dialect(ctx)
            hlo.register_stablehlo_passes()
            _mlir_ctx.append(ctx)
        return _mlir_ctx[0]


def _main_func(module: ir.Module) -> ir.Operation:
    from jaxlib.mlir import ir

    for op in module.body.operations:
        o = op.operation
        if o.name == "func.func" and ir.StringAttr(o.attributes["sym_name"]).value == "main":
            return o
    raise ValueError("StableHLO module has no `func.func public @main`")


def _mark_donated(text: str, donated: Sequence[int]) -> str:
    """Add ``jax.buffer_donor = true`` to the listed arguments of ``@main``."""
    from jaxlib.mlir import ir

    ctx = _mlir_context()
    with ctx, ir.Location.unknown():
        module = ir.Module.parse(text)
        main = _main_func(module)
        n_args = len(ir.FunctionType(ir.TypeAttr(main.attributes["function_type"]).value).inputs)
        bad = [i for i in donated if not 0 <= i < n_args]
        if bad:
            raise ValueError(f"donated argument indices {bad} out of range for {n_args} args")
        if "arg_attrs" in main.attributes:
            old = [ir.DictAttr(a) for a in ir.ArrayAttr(main.attributes["arg_attrs"])]
        else:
            old = [ir.DictAttr.get({}) for _ in range(n_args)]
        new = []
        donor = ir.BoolAttr.get(True)
        for i, d in enumerate(old):
            entries = {d[j].name: d[j].attr for j in range(len(d))}
            if i in donated:
                entries["jax.buffer_donor"] = donor
            new.append(ir.DictAttr.get(entries))
        main.attributes["arg_attrs"] = ir.ArrayAttr.get(new)
        return str(module.operation.get_asm(enable_debug_info=False))


def legalize_chlo(text: str) -> str:
    """Rewrite CHLO ops (erf, lgamma, ...) into StableHLO; returns new text.

    Not needed for ``compile`` (XLA accepts CHLO), but required before
    serializing a portable StableHLO artifact.
    """
    from jaxlib.mlir import ir, passmanager

    ctx = _mlir_context()
    with ctx, ir.Location.unknown():
        module = ir.Module.parse(text)
        pm = passmanager.PassManager.parse("builtin.module(func.func(chlo-legalize-to-stablehlo))")
        pm.run(module.operation)
        return str(module.operation.get_asm(enable_debug_info=False))


# --------------------------------------------------------------------------
# Persistent compilation cache
# --------------------------------------------------------------------------


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    writes: int = 0
    errors: int = 0  # unreadable entries or failed writes (fell back to compiling)


_cache_dir: Path | None = None
_cache_stats = CacheStats()
_host_fingerprint_cache: list[str] = []


def enable_persistent_cache(path: str | os.PathLike[str]) -> None:
    """Store compiled executables under ``path`` and reuse them across runs.

    Off by default.  Entries are native code: only point this at a directory
    you trust (loading an executable may run arbitrary code).
    """
    global _cache_dir
    p = Path(path)
    p.mkdir(parents=True, exist_ok=True, mode=0o700)
    _cache_dir = p


def disable_persistent_cache() -> None:
    global _cache_dir
    _cache_dir = None


def persistent_cache_stats() -> CacheStats:
    """A snapshot of the hit/miss/write counters (process-wide)."""
    s = _cache_stats
    return CacheStats(s.hits, s.misses, s.writes, s.errors)


def _host_fingerprint() -> str:
    """Compiled CPU code targets the host's instruction set: key on it."""
    if not _host_fingerprint_cache:
        flags = ""
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith(("flags", "Features")):
                        flags = line
                        break
        except OSError:
            pass
        _host_fingerprint_cache.append(f"{_platform.machine()}|{flags}")
    return _host_fingerprint_cache[0]


def _cache_key(text: str, backend: Backend, device: Any, options: Any) -> str:
    h = hashlib.sha256()
    parts = [
        b"fad-xla-executable-v1",
        text.encode(),
        jaxlib_version().encode(),
        backend.platform.encode(),
        backend.platform_version.encode(),
        str(device.device_kind).encode(),
        options.SerializeAsString(),
        os.environ.get("XLA_FLAGS", "").encode(),
    ]
    if backend.platform == "cpu":
        parts.append(_host_fingerprint().encode())
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def _compile_cached(
    text: str, backend: Backend, device: Any, dl: Any, options: Any
) -> tuple[Any, bool]:
    client = backend._client
    cache_dir = _cache_dir
    if cache_dir is None:
        return client.compile_and_load(text, dl, options), False
    path = cache_dir / f"{_cache_key(text, backend, device, options)}.xlaexe"
    try:
        blob = path.read_bytes()
    except OSError:
        pass
    else:
        try:
            exe = client.deserialize_executable(blob, dl, options)
        except Exception as err:
            _cache_stats.errors += 1
            logger.warning("fad: ignoring unreadable compilation cache entry %s: %s", path, err)
        else:
            _cache_stats.hits += 1
            return exe, True
    _cache_stats.misses += 1
    exe = client.compile_and_load(text, dl, options)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_bytes(exe.serialize())
        os.replace(tmp, path)
        _cache_stats.writes += 1
    except OSError as err:
        _cache_stats.errors += 1
        logger.warning("fad: could not write compilation cache entry %s: %s", path, err)
        tmp.unlink(missing_ok=True)
    return exe, False


# --------------------------------------------------------------------------
# Compilation and execution
# --------------------------------------------------------------------------


def _aval_of_shape(shape: Any) -> Aval:
    if not shape.is_array():
        raise ValueError(f"unsupported entry parameter/result type {shape} (tuple or token)")
    return make_aval(tuple(shape.dimensions()), shape.numpy_dtype())


def _program_avals(exe: Any) -> tuple[list[Aval], list[Aval]]:
    """(parameter avals, result avals) of a compiled executable."""
    module = exe.hlo_modules()[0]
    program_shape = _xla().XlaComputation(module.as_serialized_hlo_module_proto()).program_shape()
    params = [_aval_of_shape(s) for s in program_shape.parameter_shapes()]
    result = program_shape.result_shape()
    shapes = result.tuple_shapes() if result.is_tuple() else [result]
    return params, [_aval_of_shape(s) for s in shapes]


def _fmt(avals: Sequence[Aval]) -> str:
    return "(" + ", ".join(a.str_short() for a in avals) + ")"


class Executable:
    """A compiled, loaded program for one device.  Build with ``compile``."""

    __slots__ = (
        "_exe",
        "backend",
        "device",
        "donated",
        "in_avals",
        "launch",
        "loaded_from_cache",
        "out_avals",
        "out_shardings",
        "result_handlers",
    )

    backend: Backend
    device: Device
    in_avals: tuple[Aval, ...]
    out_avals: tuple[Aval, ...]
    launch: Callable[[Sequence[DeviceBuffer]], Any]
    result_handlers: list[Any]
    donated: tuple[int, ...]
    loaded_from_cache: bool

    def __init__(
        self,
        exe: Any,
        backend: Backend,
        device: Device,
        in_avals: Sequence[Aval],
        out_avals: Sequence[Aval],
        donated: Sequence[int],
        loaded_from_cache: bool,
        out_shardings: Sequence[Any] | None = None,
    ) -> None:
        xc = _xla()
        shardings = out_shardings or [_sharding_for(device)] * len(out_avals)
        self._exe = exe
        # ``launch(args)`` starts a run; ``.consume_with_handlers(result_handlers)`` of what
        # it returns gives the output buffers. ``execute`` does both and explains failures;
        # callers that handle failures themselves (jit's hot path) call them directly.
        self.launch = exe.execute_sharded
        # Built once: they stamp fad's aval and sharding on every output.
        self.result_handlers = [
            xc.array_result_handler(a, sh, True, _skip_checks=True)
            for a, sh in zip(out_avals, shardings, strict=True)
        ]
        self.out_shardings = tuple(shardings)
        self.backend = backend
        self.device = device
        self.in_avals = tuple(in_avals)
        self.out_avals = tuple(out_avals)
        self.donated = tuple(donated)
        self.loaded_from_cache = loaded_from_cache

    def execute(self, args: Sequence[DeviceBuffer]) -> list[DeviceBuffer]:
        """Run on device buffers (e.g. from ``device_put`` or earlier
        outputs); returns the outputs without waiting for them.

        Arguments are checked by byte size only; see ``check_args``.
        Donated arguments are deleted.
        """
        try:
            outs: list[DeviceBuffer] = self.launch(args).consume_with_handlers(
                self.result_handlers
            )
        except Exception as err:
            self._diagnose(args, err)
            raise
        return outs

    def _diagnose(self, args: Sequence[DeviceBuffer], err: Exception) -> None:
        """Replace jaxlib's cryptic execution errors by clear ones, if we can."""
        if any(not is_device_buffer(a) for a in args):
            raise TypeError(
                "Executable.execute takes a sequence of device buffers "
                f"(see device_put); got {[type(a).__name__ for a in args]}"
            ) from err
        if len(args) != len(self.in_avals):
            raise TypeError(
                f"Executable.execute: expected {len(self.in_avals)} arguments, got {len(args)}"
            ) from err
        for i, a in enumerate(args):
            if a.is_deleted():
                raise ValueError(
                    f"Executable.execute: argument {i} has been deleted or donated"
                ) from err

    def check_args(self, args: Sequence[DeviceBuffer]) -> None:
        """Raise if ``args`` don't match ``in_avals`` (count, shape, dtype)
        or are deleted.  Cheap, but not free: not done by ``execute``."""
        if len(args) != len(self.in_avals):
            raise TypeError(f"expected {len(self.in_avals)} arguments, got {len(args)}")
        for i, (a, aval) in enumerate(zip(args, self.in_avals, strict=True)):
            if not is_device_buffer(a):
                raise TypeError(f"argument {i}: expected a device buffer, got {type(a).__name__}")
            if a.shape != aval.shape or a.dtype != aval.dtype:
                got = make_aval(a.shape, a.dtype).str_short()
                raise TypeError(f"argument {i}: expected {aval.str_short()}, got {got}")
            if a.is_deleted():
                raise ValueError(f"argument {i} has been deleted or donated")

    def serialize(self) -> bytes:
        """The native executable (what the persistent cache stores)."""
        return bytes(self._exe.serialize())

    def hlo_text(self) -> str:
        """The optimized HLO, for debugging."""
        return str(self._exe.hlo_modules()[0].to_string())

    def __repr__(self) -> str:
        return f"Executable({_fmt(self.in_avals)} -> {_fmt(self.out_avals)} on {self.device})"


def compile(
    text: str,
    backend: Backend | None = None,
    *,
    out_avals: Sequence[AvalLike] | None = None,
    donated: Sequence[int] = (),
    device: Device | None = None,
    devices: Sequence[Device] | None = None,
    out_shardings: Sequence[Any | None] | None = None,
    host_callbacks: Sequence[Callable[..., Any]] = (),
) -> Executable:
    """Compile StableHLO ``text`` (a module with ``func.func public @main``).

    ``out_avals`` are the avals stamped on the outputs (pass fad's, which may
    be weak-typed); they are checked against the compiled program's result
    shapes, and inferred from them when omitted.  ``donated`` lists argument
    indices whose buffers the executable may reuse for outputs (the inputs
    are deleted by ``Executable.execute``).  ``device`` defaults to the
    backend's first device.  CHLO ops are accepted.

    ``devices`` (more than one) compiles with XLA's SPMD partitioner for those devices in
    logical order; the module's ``mhlo.sharding`` attributes say how each argument is cut.
    ``out_shardings`` gives a result's sharding (from ``sharding_object``), or ``None``
    to take the one the partitioner chose. ``host_callbacks`` are the Python functions
    the module's ``xla_ffi_python_cpu_callback`` calls name by index (such a program is
    never written to the persistent cache).
    """
    if backend is None:
        backend = get_backend() if device is None else get_backend(device.platform)
    if device is None:
        device = backend.local_devices()[0]
    xc = _xla()
    if donated:
        donated = tuple(sorted(set(donated)))
        text = _mark_donated(text, donated)
    if backend.platform == "cpu" and "lapack_" in text:
        ensure_lapack_registered()
    options = xc.CompileOptions()
    spmd = devices is not None and len(devices) > 1
    if spmd:
        assert devices is not None
        device = devices[0]
        build = options.executable_build_options
        build.num_partitions = len(devices)
        build.num_replicas = 1
        build.use_spmd_partitioning = True
        build.device_assignment = xc.DeviceAssignment.create(
            np.array([[d.id for d in devices]])
        )
        build.allow_spmd_sharding_propagation_to_output = [
            s is None for s in (out_shardings or [None])
        ]
        dl = xc.DeviceList(tuple(devices))
    else:
        dl = _device_list_for(device)
    if host_callbacks:
        from jaxlib.mlir import ir

        with _mlir_context(), ir.Location.unknown():
            module = ir.Module.parse(text)
        exe = backend._client.compile_and_load(module, dl, options, list(host_callbacks))
        from_cache = False
    else:
        exe, from_cache = _compile_cached(text, backend, device, dl, options)
    in_avals, program_outs = _program_avals(exe)
    if out_avals is None:
        outs = program_outs
    else:
        outs = [_as_aval(a) for a in out_avals]
        # A partitioned program's shapes are per device: only the count can be compared.
        mismatch = len(outs) != len(program_outs) or (not spmd and any(
            a.shape != p.shape or a.dtype != p.dtype
            for a, p in zip(outs, program_outs, strict=False)
        ))
        if mismatch:
            raise ValueError(
                f"out_avals {_fmt(outs)} do not match the compiled program's "
                f"results {_fmt(program_outs)}"
            )
    shardings: list[Any] | None = None
    if spmd:
        assert devices is not None
        chosen = exe.get_output_shardings()
        given = list(out_shardings) if out_shardings is not None else [None] * len(outs)
        shardings = [
            g if g is not None else _sharding_from_proto(devices, chosen[i])
            for i, g in enumerate(given)
        ]
    return Executable(
        exe, backend, device, in_avals, outs, tuple(donated), from_cache, shardings
    )


# --------------------------------------------------------------------------
# CUDA PJRT plugin
# --------------------------------------------------------------------------

# Distributions that ship ``jax_plugins/xla_cuda1x/xla_cuda_plugin.so``.  They
# depend on neither jax nor jaxlib's Python code; the companion package
# ``jax_cuda1x_plugin`` imports ``jax._src`` and must NOT be imported.
_CUDA_PJRT_DISTRIBUTIONS = ("jax-cuda13-pjrt", "jax-cuda12-pjrt")
_CUDA_PLUGIN_FILE = "xla_cuda_plugin.so"

# CUDA libraries from the pip ``nvidia-*`` wheels ([with-cuda] extra): loaded
# by absolute path first so the plugin's dlopen-by-soname finds them.
# (module under the ``nvidia`` namespace package, library file names)
_NVIDIA_LIBRARIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("cuda_runtime", ("libcudart.so.12",)),
    ("cuda_nvrtc", ("libnvrtc.so.12",)),
    ("nvjitlink", ("libnvJitLink.so.12",)),
    ("cublas", ("libcublas.so.12", "libcublasLt.so.12")),
    ("nccl", ("libnccl.so.2",)),
    ("cuda_cupti", ("libcupti.so.12",)),
    ("cusparse", ("libcusparse.so.12",)),
    ("cusolver", ("libcusolver.so.11",)),
    ("cufft", ("libcufft.so.11",)),
    ("nvshmem", ("libnvshmem_host.so.3",)),
    ("cudnn", ("libcudnn.so.9",)),
    (
        "cu13",
        (
            "libcudart.so.13",
            "libnvrtc.so.13",
            "libnvJitLink.so.13",
            "libcublas.so.13",
            "libcublasLt.so.13",
            "libcupti.so.13",
            "libcusparse.so.12",
            "libcusolver.so.12",
            "libcufft.so.12",
        ),
    ),
)


def find_cuda_plugin() -> Path | None:
    """Path of the installed CUDA PJRT plugin library, or ``None``.

    Located through package metadata; no plugin package is imported.
    """
    import importlib.metadata

    for dist in _CUDA_PJRT_DISTRIBUTIONS:
        try:
            files = importlib.metadata.files(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
        for f in files or ():
            if f.name == _CUDA_PLUGIN_FILE:
                path = Path(str(f.locate())).resolve()
                if path.exists():
                    return path
    return None


def _preload_nvidia_libraries() -> None:
    import ctypes
    import importlib.util

    for module, libs in _NVIDIA_LIBRARIES:
        try:
            spec = importlib.util.find_spec(f"nvidia.{module}")
        except (ImportError, ValueError):
            continue
        if spec is None or not spec.submodule_search_locations:
            continue
        for loc in spec.submodule_search_locations:
            for lib in libs:
                path = Path(loc) / "lib" / lib
                if path.exists():
                    try:
                        ctypes.CDLL(str(path))
                    except OSError as err:
                        logger.debug("fad: could not preload %s: %s", path, err)


def load_cuda_plugin(*, required: bool = False) -> Backend | None:
    """Load the CUDA PJRT plugin and create (once) the "cuda" backend.

    Returns ``None`` when the plugin isn't installed or no GPU is usable;
    with ``required=True`` raises ``RuntimeError`` explaining why instead.
    GPU memory options come from the usual environment variables
    (``XLA_PYTHON_CLIENT_PREALLOCATE``, ``XLA_CLIENT_MEM_FRACTION``,
    ``XLA_PYTHON_CLIENT_ALLOCATOR``).  jax's own GPU custom calls
    (``cuda_plugin_extension``) are not registered: fad emits none.
    """
    global _cuda_error
    b = _backends.get("cuda")
    if b is not None:
        return b
    with _lock:
        b = _backends.get("cuda")
        if b is None and _cuda_error is None:
            try:
                b = _create_cuda_backend()
            except Exception as err:
                _cuda_error = f"{type(err).__name__}: {err}"
                logger.info("fad: CUDA backend unavailable: %s", _cuda_error)
            else:
                _backends["cuda"] = b
        if b is None and required:
            raise RuntimeError(f"fad: the CUDA backend is unavailable ({_cuda_error})")
        return b


def _create_cuda_backend() -> Backend:
    path = find_cuda_plugin()
    if path is None:
        raise FileNotFoundError(
            "no CUDA PJRT plugin installed (pip install 'jax-cuda12-plugin[with-cuda]"
            f"=={TESTED_JAXLIB_VERSION}', which provides jax-cuda12-pjrt)"
        )
    xc = _xla()
    _preload_nvidia_libraries()
    if not xc.pjrt_plugin_loaded("cuda"):
        xc.load_pjrt_plugin_dynamically("cuda", str(path))
    if not xc.pjrt_plugin_initialized("cuda"):
        xc.initialize_pjrt_plugin("cuda")
    client = xc.make_c_api_client("cuda", xc.generate_pjrt_gpu_plugin_options())
    if not client.local_devices():
        raise RuntimeError(f"CUDA plugin {path} reports no devices")
    return Backend("cuda", client)
