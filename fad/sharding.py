"""Laying arrays out over devices: ``Mesh``, ``PartitionSpec`` and the shardings (JAX's
``jax.sharding``). Pass a sharding to ``fad.device_put`` or to ``jit``'s ``in_shardings``
and ``out_shardings``; XLA's SPMD partitioner splits the program to match."""

from fad._src.sharding import GSPMDSharding as GSPMDSharding
from fad._src.sharding import Mesh as Mesh
from fad._src.sharding import NamedSharding as NamedSharding
from fad._src.sharding import PartitionSpec as PartitionSpec
from fad._src.sharding import Shard as Shard
from fad._src.sharding import Sharding as Sharding
from fad._src.sharding import SingleDeviceSharding as SingleDeviceSharding

__all__ = [
    "GSPMDSharding",
    "Mesh",
    "NamedSharding",
    "PartitionSpec",
    "Shard",
    "Sharding",
    "SingleDeviceSharding",
]
