#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: install the CUDA PJRT plugin matching the pinned jaxlib
# (never the jax package), run the GPU tests and one benchmark row, print one summary.
# One run answers; GPU time is short. Usage: bash scripts/gpu-check.sh
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp -d)
python3 -m venv .venv >/dev/null
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
jaxlib_version=$(.venv/bin/python -c "import jaxlib.version as v; print(v.__version__)")
# The plugin's Python package imports jax._src; fad loads only its .so (see runtime.py).
.venv/bin/python -m pip install --quiet "jax-cuda12-plugin[with-cuda]==${jaxlib_version}" \
    > "$log/install.txt" 2>&1
install_rc=$?
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader > "$log/gpu.txt" 2>&1
FAD_PLATFORM=cuda .venv/bin/python -c "import fad; print(fad.devices(), fad.default_backend())" \
    > "$log/devices.txt" 2>&1
devices_rc=$?
FAD_PLATFORM=cuda .venv/bin/python -m pytest -p no:cacheprovider -W ignore -m gpu -rs \
    tests/test_gpu.py tests/test_jit.py::test_gpu_backend \
    tests/test_xla_runtime.py::test_cuda_backend > "$log/tests.txt" 2>&1
tests_rc=$?
FAD_PLATFORM=cuda timeout 300 .venv/bin/python benchmarks/primitive_overhead.py \
    > "$log/bench.txt" 2>&1
bench_rc=$?
echo "== gpu-check summary"
echo "gpu:      $(head -n 1 "$log/gpu.txt")"
echo "plugin:   install rc=$install_rc (jax-cuda12-plugin==$jaxlib_version)"
echo "devices:  rc=$devices_rc $(tail -n 1 "$log/devices.txt")"
echo "tests:    rc=$tests_rc $(tail -n 1 "$log/tests.txt")"
echo "bench:    rc=$bench_rc"
tail -n 15 "$log/bench.txt"
if [ $tests_rc -ne 0 ]; then tail -n 60 "$log/tests.txt"; fi
exit $tests_rc
