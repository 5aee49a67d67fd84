#!/usr/bin/env bash
# GPU check: the GPU tests (CuPy backend, counter-based streams equal to the CPU's) and the GPU
# benchmark, in one run on a machine with a CUDA GPU. Usage: bash benchmarks/gpu_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
test -x "$PY" || { python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev,gpu]'; PY=.venv/bin/python; }
"$PY" -c "import cupy; cupy.cuda.runtime.getDeviceCount()" \
  || "$PY" -m pip install -q 'cupy-cuda12x>=13.0'
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
"$PY" -m pytest -q -m gpu -p no:cacheprovider tests/engine
"$PY" benchmarks/bench_gpu.py
