"""How an array is laid out over devices: meshes, partition specs and shardings.

These are plain values (JAX's names and meanings). Each sharding knows two things the
rest of fad needs: the HLO sharding text that tells XLA's SPMD partitioner how a
program argument or result is split (``hlo_text``), and which slice of the whole array
each device holds (``devices_indices_map``). Nothing here talks to a device; jit turns
shardings into jaxlib's objects.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, final

import numpy as np

__all__ = [
    "Device",
    "GSPMDSharding",
    "Mesh",
    "NamedSharding",
    "PartitionSpec",
    "Shard",
    "Sharding",
    "SingleDeviceSharding",
    "tile_indices",
]

Index = tuple[slice, ...]
T = TypeVar("T")


class Device(Protocol):
    """A PJRT device (jaxlib's): what a sharding places data on."""

    @property
    def id(self) -> int: ...

    @property
    def platform(self) -> str: ...

    @property
    def device_kind(self) -> str: ...

    @property
    def process_index(self) -> int: ...


class PartitionSpec(tuple[Any, ...]):
    """For each array dimension, the mesh axis (or axes, or ``None``) it is split over.

    Trailing dimensions not listed are replicated. ``PartitionSpec('data', None)`` splits
    dimension 0 over the mesh axis ``'data'``; ``PartitionSpec(('x', 'y'))`` splits it over
    both axes, ``'x'`` major.
    """

    def __new__(cls, *parts: str | tuple[str, ...] | None) -> PartitionSpec:
        for p in parts:
            ok = p is None or isinstance(p, str) or (
                isinstance(p, tuple) and all(isinstance(a, str) for a in p)
            )
            if not ok:
                raise TypeError(
                    f"PartitionSpec entries must be a mesh axis name, a tuple of names or "
                    f"None; got {p!r}"
                )
        return super().__new__(cls, parts)

    def __repr__(self) -> str:
        return f"PartitionSpec{tuple.__repr__(self)}"

    def axes(self, dim: int) -> tuple[str, ...]:
        """The mesh axes dimension ``dim`` is split over (major first)."""
        if dim >= len(self):
            return ()
        p = self[dim]
        return () if p is None else (p,) if isinstance(p, str) else tuple(p)


class Mesh:
    """Devices arranged in a named, n-dimensional grid.

    Args:
        devices: An array (or nested sequence) of devices; its shape is the mesh shape.
        axis_names: One name per mesh dimension.
    """

    __slots__ = ("_identity", "axis_names", "devices")

    devices: np.ndarray[Any, Any]
    axis_names: tuple[str, ...]

    def __init__(self, devices: Any, axis_names: str | Sequence[str]) -> None:
        arr = np.empty(np.shape(np.asarray(devices, dtype=object)), dtype=object)
        arr[...] = np.asarray(devices, dtype=object)
        names = (axis_names,) if isinstance(axis_names, str) else tuple(axis_names)
        if arr.ndim != len(names):
            raise ValueError(
                f"Mesh: devices has {arr.ndim} dimensions but {len(names)} axis_names were "
                f"given ({names})"
            )
        if len(set(names)) != len(names) or not all(isinstance(n, str) for n in names):
            raise ValueError(f"Mesh: axis_names must be distinct strings, got {names}")
        ids = [d.id for d in arr.flat]
        if len(set(ids)) != len(ids):
            raise ValueError("Mesh: a device appears twice")
        arr.flags.writeable = False
        self.devices = arr
        self.axis_names = names
        # What equality and hashing compare, made once: a sharded jit call hashes its
        # shardings (and so their mesh) on every call.
        self._identity: Hashable = (names, arr.shape, tuple(ids))

    @property
    def shape(self) -> dict[str, int]:
        """Axis name → size."""
        return dict(zip(self.axis_names, self.devices.shape, strict=True))

    @property
    def size(self) -> int:
        return int(self.devices.size)

    @property
    def device_ids(self) -> np.ndarray[Any, Any]:
        ids: np.ndarray[Any, Any] = np.vectorize(lambda d: d.id, otypes=[int])(self.devices)
        return ids

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mesh) and self._identity == other._identity

    def __hash__(self) -> int:
        return hash(self._identity)

    def __repr__(self) -> str:
        return f"Mesh({', '.join(f'{n!r}: {s}' for n, s in self.shape.items())})"


def tile_indices(
    shape: Sequence[int], tile_dims: Sequence[int], tile_devices: Sequence[int]
) -> dict[int, Index]:
    """Logical device id → the slice of an array of ``shape`` it holds.

    ``tile_dims`` has one entry per array dimension (how many pieces it is cut into),
    optionally followed by one replication dimension; ``tile_devices`` lists the logical
    device of each tile in row-major order (XLA's tile assignment). Pieces are
    ``ceil(n / k)`` long, the last one shorter, as XLA cuts them.
    """
    ndim = len(shape)
    grid = np.asarray(tile_devices, dtype=np.int64).reshape(tuple(tile_dims))
    out: dict[int, Index] = {}
    for pos, dev in np.ndenumerate(grid):
        idx = []
        for d in range(ndim):
            k = tile_dims[d]
            n = shape[d]
            if k == 1:
                idx.append(slice(None))
            else:
                step = -(-n // k)
                idx.append(slice(min(pos[d] * step, n), min((pos[d] + 1) * step, n)))
        out[int(dev)] = tuple(idx)
    return out


class Sharding:
    """Where the pieces of an array live. Subclasses say how the array is cut."""

    __slots__ = ()

    @property
    def device_assignment(self) -> tuple[Device, ...]:
        """The devices in logical order: the order XLA numbers them in programs."""
        raise NotImplementedError

    @property
    def device_set(self) -> set[Device]:
        return set(self.device_assignment)

    @property
    def num_devices(self) -> int:
        return len(self.device_assignment)

    def tiling(self, ndim: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(tile dimensions, logical device of each tile), XLA's tile assignment for an
        array of rank ``ndim``; a trailing extra dimension lists replicas."""
        raise NotImplementedError

    def hlo_text(self, ndim: int) -> str:
        """The ``mhlo.sharding`` attribute text for an array of rank ``ndim``."""
        dims, devs = self.tiling(ndim)
        if math.prod(dims[:ndim]) == 1:
            return "{replicated}"
        listed = ",".join(str(d) for d in devs)
        shape = ",".join(str(d) for d in dims)
        last = " last_tile_dim_replicate" if len(dims) > ndim else ""
        return f"{{devices=[{shape}]{listed}{last}}}"

    def is_fully_replicated_for(self, ndim: int) -> bool:
        return math.prod(self.tiling(ndim)[0][:ndim]) == 1

    @property
    def is_fully_replicated(self) -> bool:
        """Whether every device holds the whole array (judged at the spec's own rank)."""
        raise NotImplementedError

    def devices_indices_map(self, shape: Sequence[int]) -> dict[Device, Index]:
        """Each device → the slice of an array of ``shape`` it holds."""
        dims, devs = self.tiling(len(shape))
        order = self.device_assignment
        return {order[i]: idx for i, idx in tile_indices(shape, dims, devs).items()}

    def shard_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """The shape of the largest piece."""
        dims, _ = self.tiling(len(shape))
        return tuple(-(-n // k) for n, k in zip(shape, dims, strict=False))


@final
class SingleDeviceSharding(Sharding):
    """The whole array on one device."""

    __slots__ = ("device",)

    def __init__(self, device: Device) -> None:
        self.device = device

    @property
    def device_assignment(self) -> tuple[Device, ...]:
        return (self.device,)

    def tiling(self, ndim: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return (1,) * ndim, (0,)

    @property
    def is_fully_replicated(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SingleDeviceSharding) and other.device == self.device

    def __hash__(self) -> int:
        return hash(("single", self.device))

    def __repr__(self) -> str:
        return f"SingleDeviceSharding({self.device})"


@final
class NamedSharding(Sharding):
    """An array split over the named axes of a mesh, as ``spec`` says.

    Args:
        mesh: The devices and their axis names.
        spec: For each array dimension, the mesh axes it is split over.
    """

    __slots__ = ("mesh", "spec")

    def __init__(self, mesh: Mesh, spec: PartitionSpec) -> None:
        if not isinstance(mesh, Mesh):
            raise TypeError(f"NamedSharding: mesh must be a Mesh, got {type(mesh).__name__}")
        if not isinstance(spec, PartitionSpec):
            raise TypeError(
                f"NamedSharding: spec must be a PartitionSpec, got {type(spec).__name__}"
            )
        used: list[str] = []
        for d in range(len(spec)):
            for a in spec.axes(d):
                if a not in mesh.axis_names:
                    raise ValueError(
                        f"NamedSharding: {spec} names axis {a!r}, not in the mesh's "
                        f"axes {mesh.axis_names}"
                    )
                if a in used:
                    raise ValueError(f"NamedSharding: {spec} uses mesh axis {a!r} twice")
                used.append(a)
        self.mesh = mesh
        self.spec = spec

    @property
    def device_assignment(self) -> tuple[Device, ...]:
        return tuple(self.mesh.devices.flat)

    def tiling(self, ndim: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        if len(self.spec) > ndim:
            raise ValueError(
                f"{self.spec} has {len(self.spec)} entries, more than the array's rank {ndim}"
            )
        mesh_shape = self.mesh.shape
        names = self.mesh.axis_names
        per_dim = [self.spec.axes(d) for d in range(ndim)]
        used = [a for axes in per_dim for a in axes]
        rest = [a for a in names if a not in used]
        dims = [math.prod(mesh_shape[a] for a in axes) for axes in per_dim]
        ids = np.arange(self.mesh.size).reshape(self.mesh.devices.shape)
        perm = [names.index(a) for a in used + rest]
        devs = ids.transpose(perm).reshape(-1)
        replicas = math.prod(mesh_shape[a] for a in rest)
        if replicas > 1:
            dims.append(replicas)
        return tuple(dims), tuple(int(d) for d in devs)

    @property
    def is_fully_replicated(self) -> bool:
        sizes = self.mesh.shape
        return all(sizes[a] == 1 for d in range(len(self.spec)) for a in self.spec.axes(d))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, NamedSharding) and other.mesh == self.mesh
            and tuple(other.spec) == tuple(self.spec)
        )

    def __hash__(self) -> int:
        return hash((self.mesh, tuple(self.spec)))

    def __repr__(self) -> str:
        return f"NamedSharding(mesh={self.mesh!r}, spec={self.spec!r})"


@final
class GSPMDSharding(Sharding):
    """A layout XLA chose (a result whose sharding was left to the partitioner).

    ``tile_dims`` and ``tile_devices`` are XLA's tile assignment; ``()`` means replicated.
    ``replicate_last``: the last tile dimension lists replicas, not pieces.
    """

    __slots__ = ("_devices", "_dims", "_replicate_last", "_tile_devices")

    def __init__(
        self,
        devices: Sequence[Device],
        tile_dims: Sequence[int] = (),
        tile_devices: Sequence[int] = (),
        replicate_last: bool = False,
    ) -> None:
        self._devices = tuple(devices)
        self._dims = tuple(tile_dims)
        self._tile_devices = tuple(tile_devices)
        self._replicate_last = replicate_last

    @property
    def device_assignment(self) -> tuple[Device, ...]:
        return self._devices

    def tiling(self, ndim: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        n = len(self._devices)
        if not self._dims:
            return (1,) * ndim + ((n,) if n > 1 else ()), tuple(range(n))
        return self._dims, self._tile_devices

    @property
    def is_fully_replicated(self) -> bool:
        pieces = self._dims[:-1] if self._replicate_last else self._dims
        return math.prod(pieces) == 1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GSPMDSharding) and other._key() == self._key()

    def _key(self) -> Hashable:
        return (self._devices, self._dims, self._tile_devices, self._replicate_last)

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"GSPMDSharding(tiles={list(self._dims)}, devices={len(self._devices)})"


@dataclass(frozen=True)
class Shard(Generic[T]):
    """One device's piece of an array: where it is, which slice of the whole, its data."""

    device: Any
    index: Index
    data: T
