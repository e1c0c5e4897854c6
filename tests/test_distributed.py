"""Two processes on 127.0.0.1, two CPU devices each, form one mesh of four devices through
jaxlib's distributed runtime; a gradient jitted over that mesh equals the single-process one
in both processes. The processes stop by themselves (bounded time, a free port).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from distributed_worker import data, loss

import fad

WORKER = Path(__file__).with_name("distributed_worker.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_two_processes_one_mesh() -> None:
    address = f"127.0.0.1:{_free_port()}"
    env = {**os.environ, "FAD_NUM_CPU_DEVICES": "2", "TF_CPP_MIN_LOG_LEVEL": "2"}
    env["PYTHONPATH"] = os.pathsep.join([str(WORKER.parents[1]), env.get("PYTHONPATH", "")])
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), str(pid), address],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for pid in (0, 1)
    ]
    outputs = []
    try:
        for p in procs:
            out, err = p.communicate(timeout=240)
            assert p.returncode == 0, f"worker failed:\n{err[-3000:]}"
            outputs.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    w, x, y = data()
    want_value, want_grad = fad.value_and_grad(loss)(
        fad.numpy.asarray(w), fad.numpy.asarray(x), fad.numpy.asarray(y)
    )
    for pid, report in enumerate(outputs):
        assert report["process_index"] == pid
        assert report["process_count"] == 2
        assert report["device_count"] == 4
        assert report["local_device_count"] == 2
        assert report["global_shape"] == [8, 3]
        assert report["local_shards"] == 2
        np.testing.assert_allclose(report["value"], float(want_value), rtol=1e-5)
        np.testing.assert_allclose(report["grad"], np.asarray(want_grad), rtol=1e-5, atol=1e-6)


def test_initialize_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="process_id"):
        fad.distributed.initialize("127.0.0.1:1", num_processes=2, process_id=2)
    with pytest.raises(ValueError, match="num_processes"):
        fad.distributed.initialize("127.0.0.1:1", num_processes=0, process_id=0)
    with pytest.raises(ValueError, match="host:port"):
        fad.distributed.initialize("nowhere", num_processes=1, process_id=0)
    fad.devices("cpu")  # the CPU backend runs now in this process
    with pytest.raises(RuntimeError, match="before any computation"):
        fad.distributed.initialize("127.0.0.1:1", num_processes=1, process_id=0)
    assert not fad.distributed.is_initialized()
