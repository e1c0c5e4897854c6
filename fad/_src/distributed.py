"""Several processes as one set of devices: ``fad.distributed.initialize``.

Each process calls ``initialize`` before its first computation, with the same coordinator
address and process count and its own id; process 0 also serves the coordination service.
jaxlib's distributed runtime then joins the processes' CPU clients into one global device
set, with gloo collectives between processes, so a program jitted over a mesh of every
process's devices runs as one SPMD program (each process feeds and holds its own shards:
``fad.make_array_from_process_local_data``).
"""

from __future__ import annotations

from fad._src.xla import runtime

__all__ = ["initialize", "is_initialized", "shutdown"]


def initialize(
    coordinator_address: str,
    num_processes: int,
    process_id: int,
    *,
    initialization_timeout: int = 60,
) -> None:
    """Join a run of ``num_processes`` processes (call first thing in every process).

    Args:
        coordinator_address: ``"host:port"`` of the coordination service; process 0 serves
            it, the others connect to it.
        num_processes: How many processes take part.
        process_id: This process's index, from 0.
        initialization_timeout: Seconds to wait for every process to connect.

    Raises:
        ValueError: The process count or id is out of range.
        RuntimeError: Already initialized, or a computation already started the CPU backend.

    Examples:
        >>> fad.distributed.is_initialized()
        False
    """
    if not isinstance(num_processes, int) or num_processes < 1:
        raise ValueError(f"initialize: num_processes must be a positive int, got {num_processes!r}")
    if not isinstance(process_id, int) or not 0 <= process_id < num_processes:
        raise ValueError(
            f"initialize: process_id must be an int in [0, {num_processes}), got {process_id!r}"
        )
    if not isinstance(coordinator_address, str) or ":" not in coordinator_address:
        raise ValueError(
            f"initialize: coordinator_address must be 'host:port', got {coordinator_address!r}"
        )
    runtime.initialize_distributed(
        coordinator_address, num_processes, process_id, initialization_timeout
    )


def shutdown() -> None:
    """Leave the run: wait for the other processes at the coordinator, then disconnect.

    Examples:
        >>> fad.distributed.shutdown()  # nothing to do outside a distributed run
    """
    runtime.shutdown_distributed()


def is_initialized() -> bool:
    """Whether this process has joined a multi-process run.

    Returns:
        ``True`` after ``initialize``, until ``shutdown``.

    Examples:
        >>> fad.distributed.is_initialized()
        False
    """
    return runtime.distributed_initialized()
