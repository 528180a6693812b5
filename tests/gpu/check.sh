#!/usr/bin/env bash
# The GPU check: CUDA-vs-CPU parity on tiny models of every architecture and dtype, then the benchmark, on a machine
# with an NVIDIA GPU. The GPU machine has no .NET, so the check is published self-contained first:
#
#   tests/gpu/check.sh publish      (anywhere with the .NET 10 SDK) -> artifacts/gpu-check/
#   tests/gpu/check.sh run          (on the GPU machine, from a copy of the repository or of artifacts/gpu-check/)
#   tests/gpu/check.sh              both, when one machine has the SDK and the GPU
#
# NVRTC and cuBLAS are found on the usual paths, or in PyTorch's nvidia-* wheels when those are installed.
# Finishes in well under 8 minutes: parity takes seconds, the benchmark writes and runs two random 1.5B/8B checkpoints.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$(dirname "$0")/../.."
out=artifacts/gpu-check

publish() {
  dotnet publish tests/Parley.Gpu.Tests -c Release -r linux-x64 --self-contained true -o "$out" -p:DebugType=none 2>&1 | tail -n 2
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "publish failed"; exit 1; }
}

# PyTorch ships NVRTC and cuBLAS as wheels outside the loader's path; point Parley at them when the system has none.
find_wheel_library() {
  python3 - "$1" 2>/dev/null <<'PY'
import glob, os, site, sys
roots = site.getsitepackages() + [site.getusersitepackages()]
for root in roots:
    for path in sorted(glob.glob(os.path.join(root, "nvidia", "*", "lib", sys.argv[1] + "*")), reverse=True):
        print(path); sys.exit(0)
PY
}

run() {
  command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  if ! ldconfig -p | grep -q 'libnvrtc\.so'; then export NVRTC_LIB="${NVRTC_LIB:-$(find_wheel_library libnvrtc.so)}"; fi
  if ! ldconfig -p | grep -q 'libcublas\.so'; then export CUBLAS_LIB="${CUBLAS_LIB:-$(find_wheel_library libcublas.so)}"; fi
  local binary="$out/Parley.Gpu.Tests"
  [ -x "$binary" ] || binary="$here/Parley.Gpu.Tests"   # a copied artifacts/gpu-check/ with this script inside
  echo "== parity"
  timeout 180 "$binary" parity; parity=$?
  echo "== benchmark"
  timeout 270 "$binary" bench "$@"; bench=$?
  echo "parity exit $parity, benchmark exit $bench"
  [ "$parity" -eq 0 ] && [ "$bench" -eq 0 ]
}

case "${1:-all}" in
  publish) publish ;;
  run) shift; run "$@" ;;
  all) publish && cp tests/gpu/check.sh "$out/" && run ;;
  *) echo "usage: tests/gpu/check.sh [publish | run [--all]]"; exit 64 ;;
esac
