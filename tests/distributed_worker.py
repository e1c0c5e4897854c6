"""One process of the two-process test in tests/test_distributed.py (run, not imported).

Usage: python distributed_worker.py PROCESS_ID COORDINATOR_ADDRESS. Prints one JSON line:
the gradient, computed by a program jitted over the mesh of both processes' devices.
"""

from __future__ import annotations

import json
import sys

import numpy as np

import fad
import fad.numpy as jnp
from fad.sharding import Mesh, NamedSharding
from fad.sharding import PartitionSpec as P


def loss(w: fad.Array, x: fad.Array, y: fad.Array) -> fad.Array:
    return jnp.mean((jnp.tanh(x @ w) - y) ** 2)


def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    w = rng.normal(size=(3,)).astype(np.float32)
    x = rng.normal(size=(8, 3)).astype(np.float32)
    y = rng.normal(size=(8,)).astype(np.float32)
    return w, x, y


def main() -> None:
    pid, address = int(sys.argv[1]), sys.argv[2]
    fad.distributed.initialize(address, num_processes=2, process_id=pid)
    mesh = Mesh(np.array(fad.devices()), ("data",))
    batch, replicated = NamedSharding(mesh, P("data")), NamedSharding(mesh, P())
    w, x, y = data()
    rows = slice(4 * pid, 4 * pid + 4)  # this process's half of the batch
    xs = fad.make_array_from_process_local_data(batch, x[rows])
    ys = fad.make_array_from_process_local_data(batch, y[rows])
    ws = fad.make_array_from_process_local_data(replicated, w)
    step = fad.jit(
        fad.value_and_grad(loss),
        in_shardings=(replicated, batch, batch),
        out_shardings=replicated,
    )
    value, grad = step(ws, xs, ys)
    report = {
        "process_index": fad.process_index(),
        "process_count": fad.process_count(),
        "device_count": fad.device_count(),
        "local_device_count": fad.local_device_count(),
        "global_shape": list(xs.shape),
        "local_shards": len(xs.addressable_shards),
        "value": float(value),
        "grad": np.asarray(grad).tolist(),
    }
    print(json.dumps(report), flush=True)
    fad.distributed.shutdown()


if __name__ == "__main__":
    main()
