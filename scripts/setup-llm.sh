#!/usr/bin/env bash
# Installs llama-cpp-python (it compiles llama.cpp: ~16 CPU-minutes) and the SmolLM2 GGUF
# package into a cached virtualenv; prints its path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# llama.cpp is built for a fixed x86-64 level (AVX2, FMA, F16C), not for the build machine
# (GGML_NATIVE): a native build on a CPU that reports AMX crashed with a general protection fault
# in libggml-cpu's AMX kernels as soon as a prompt filled a batch (a VM that advertises AMX
# without enabling it), and a native build cached on one CPU may not run on the next one.
if [ "$(uname -m)" = x86_64 ]; then
  export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
fi
exec "$here/cached-venv.sh" llm "$here/llm-requirements.txt"
