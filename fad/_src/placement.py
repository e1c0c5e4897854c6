"""Arrays on many devices: putting pieces on devices, reading shards back, SPMD programs.

A fad ``Array`` whose buffer spans several devices is one jaxlib array made of
single-device pieces; XLA's SPMD partitioner compiles programs over such arrays (see
``jit``). This module turns fad's sharding values (``fad._src.sharding``) into jaxlib's,
cuts host values into pieces, assembles pieces back into one host value, and says which
sharding an array has. Arrays on one device never come here: ``sharded_arrays_exist``
stays false until the first multi-device array, so single-device calls pay nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fad._src import core
from fad._src.core import Array
from fad._src.interpreters import batch, transpose
from fad._src.interpreters.batch import BDim
from fad._src.sharding import (
    GSPMDSharding,
    NamedSharding,
    PartitionSpec,
    Shard,
    Sharding,
    SingleDeviceSharding,
    tile_indices,
)
from fad._src.xla import lowering, runtime
from fad._src.xla.lowering import LoweringContext, Value

__all__ = [
    "assemble",
    "put",
    "runtime_sharding",
    "sharding_of",
    "sharding_constraint_p",
    "shards_of",
]

#: False until an array spans several devices: the single-device paths skip every check.
sharded_arrays_exist = False

# id of jaxlib's sharding object → (that object, the fad sharding it was made for), to
# give the latter back on ``Array.sharding``. Each fad sharding gets its own jaxlib object
# (equal layouts from different meshes stay apart). Bounded by the number of distinct
# shardings a program uses.
_fad_of: dict[int, tuple[Any, Sharding]] = {}


def runtime_sharding(sharding: Sharding, ndim: int) -> Any:
    """jaxlib's object for ``sharding`` applied to an array of rank ``ndim``."""
    rs = runtime.sharding_object(sharding.device_assignment, sharding.hlo_text(ndim), sharding)
    _fad_of.setdefault(id(rs), (rs, sharding))
    return rs


def put(value: np.ndarray[Any, Any], sharding: Sharding) -> runtime.DeviceBuffer:
    """Cut ``value`` into the pieces ``sharding`` assigns and send each to its device."""
    global sharded_arrays_exist
    if value.flags.writeable:  # pieces are views: freeze what they view
        value = value.copy()
        value.flags.writeable = False
    if isinstance(sharding, SingleDeviceSharding):
        return runtime.device_put(value, sharding.device)
    indices = sharding.devices_indices_map(value.shape)
    devices = _addressable(sharding)
    pieces = [value[indices[d]] for d in devices]
    rs = runtime_sharding(sharding, value.ndim)
    buf = runtime.device_put_sharded(value.shape, value.dtype, pieces, devices, rs)
    sharded_arrays_exist = True
    return buf


def _addressable(sharding: Sharding) -> list[Any]:
    """The devices of ``sharding`` this process drives (all of them in one process)."""
    here = runtime.process_index()
    return [d for d in sharding.device_assignment if d.process_index == here]


def from_process_local_data(
    sharding: Sharding, local: np.ndarray[Any, Any], global_shape: tuple[int, ...] | None
) -> runtime.DeviceBuffer:
    """The buffer of a global array of which this process holds ``local``: the block of
    the whole that its devices' pieces tile (the rest lives in the other processes)."""
    global sharded_arrays_exist
    if local.flags.writeable:
        local = local.copy()
        local.flags.writeable = False
    devices = _addressable(sharding)
    if global_shape is None:
        # Each dimension holds as many local blocks of the local data's size as the whole
        # has pieces along it over the pieces this process holds.
        dims, _ = sharding.tiling(local.ndim)
        grid = sharding.devices_indices_map(tuple(dims[: local.ndim]))
        shape = []
        for d in range(local.ndim):
            all_starts = {idx[d].start or 0 for idx in grid.values()}
            here = {grid[dev][d].start or 0 for dev in devices}
            shape.append(local.shape[d] * len(all_starts) // len(here))
        global_shape = tuple(shape)
    indices = sharding.devices_indices_map(global_shape)
    origin = [
        min(indices[dev][d].indices(global_shape[d])[0] for dev in devices)
        for d in range(local.ndim)
    ]
    pieces = []
    for dev in devices:
        idx = tuple(
            slice(s.indices(n)[0] - o, s.indices(n)[1] - o)
            for s, n, o in zip(indices[dev], global_shape, origin, strict=True)
        )
        pieces.append(local[idx])
    rs = runtime_sharding(sharding, local.ndim)
    buf = runtime.device_put_sharded(global_shape, local.dtype, pieces, devices, rs)
    sharded_arrays_exist = True
    return buf


def mark_sharded() -> None:
    """Record that a multi-device array exists (an SPMD program returned one)."""
    global sharded_arrays_exist
    sharded_arrays_exist = True


def _layout(buf: runtime.DeviceBuffer) -> Sharding:
    native: Any = buf
    known = _fad_of.get(id(native._sharding))
    if known is not None and known[0] is native._sharding:
        return known[1]
    devices, dims, tiles = runtime.tile_layout(buf)
    ndim = len(buf.shape)
    return GSPMDSharding(devices, dims, tiles, replicate_last=len(dims) > ndim)


def assemble(buf: runtime.DeviceBuffer) -> np.ndarray[Any, Any]:
    """The whole host value of a buffer spanning several devices."""
    devices, dims, tiles = runtime.tile_layout(buf)
    shards = runtime.addressable_shards(buf)
    if not dims:  # replicated: any piece is the whole
        return runtime.to_numpy(shards[0][1], buf.dtype)
    position = {d: i for i, d in enumerate(devices)}
    index = tile_indices(buf.shape, dims, tiles)
    held = {_key(index[position[d]]) for d, _ in shards}
    if len(held) < len({_key(i) for i in index.values()}):
        raise ValueError(
            "this array is split over devices of other processes, so this process cannot "
            "read all of it; read .addressable_shards, or gather it first (e.g. jit with "
            "replicated out_shardings)"
        )
    out = np.empty(buf.shape, buf.dtype)
    for device, piece in shards:
        out[index[position[device]]] = runtime.to_numpy(piece, buf.dtype)
    out.flags.writeable = False
    return out


def _key(index: tuple[slice, ...]) -> tuple[tuple[int | None, int | None], ...]:
    return tuple((s.start, s.stop) for s in index)


def sharding_of(x: Array) -> Sharding:
    """Where ``x`` lives: the default device for a value only on the host."""
    buf = x._buffer
    if buf is None:
        return SingleDeviceSharding(runtime.default_device())
    if sharded_arrays_exist and runtime.is_multi_device(buf):
        return _layout(buf)
    return SingleDeviceSharding(runtime.addressable_shards(buf)[0][0])


def shards_of(x: Array) -> list[Shard[Array]]:
    """The pieces of ``x`` held by this process, in device order."""
    buf = x._buffer
    full = tuple(slice(None) for _ in x.shape)
    if buf is None or not (sharded_arrays_exist and runtime.is_multi_device(buf)):
        return [Shard(sharding_of(x).device_assignment[0], full, x)]
    sh = _layout(buf)
    indices = sh.devices_indices_map(x.shape)
    out = []
    for device, piece in runtime.addressable_shards(buf):
        value = runtime.to_numpy(piece, x.dtype)
        out.append(Shard(device, indices[device], Array(value, x._weak_type)))
    return out


core.sharding_of = sharding_of
core.shards_of = shards_of


# ---------------------------------------------------------------------------
# sharding_constraint: a value's layout, fixed inside a program
# ---------------------------------------------------------------------------

sharding_constraint_p = core.new_primitive("sharding_constraint")


def _constraint_eager(x: Array, *, sharding: Sharding) -> Array:
    value = x._value
    if sharding.num_devices > 1:
        buf = put(value, sharding)
    else:
        buf = runtime.device_put(value, sharding.device_assignment[0])
    out: Array = Array.__new__(Array)
    out._host = None
    out._weak_type = x._weak_type
    out._buffer = buf
    out._computed = False
    return out


def _constraint_batch(
    vals: Sequence[Array], dims: Sequence[BDim], *, sharding: Sharding
) -> tuple[Array, BDim]:
    (x,), (d,) = vals, dims
    assert d is not None
    if isinstance(sharding, NamedSharding):
        # The batch axis is not split: the per-element layout keeps its spec around it.
        parts = list(sharding.spec) + [None] * (x.ndim - 1 - len(sharding.spec))
        parts.insert(d, None)
        sharding = NamedSharding(sharding.mesh, PartitionSpec(*parts))
    return sharding_constraint_p.bind1(x, sharding=sharding), d


def _constraint_lower(ctx: LoweringContext, x: Value, *, sharding: Sharding) -> Value:
    text = sharding.hlo_text(len(x.shape))
    attrs = f'call_target_name = "Sharding", mhlo.sharding = "{text}"'
    return ctx.op1("stablehlo.custom_call", [x], ctx.out_aval, attrs)


core.def_abstract(sharding_constraint_p, lambda x, *, sharding: x)
core.def_array_impl(sharding_constraint_p, _constraint_eager)
transpose.deflinear(
    sharding_constraint_p,
    lambda ct, x, *, sharding: [sharding_constraint_p.bind1(ct, sharding=sharding)],
)
batch.def_batch(sharding_constraint_p, _constraint_batch)
lowering.def_rule(sharding_constraint_p, _constraint_lower)
