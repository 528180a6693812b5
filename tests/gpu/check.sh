#!/usr/bin/env bash
# The GPU check: CUDA-vs-CPU parity on tiny models of every architecture and dtype, then the benchmark, then each
# kernel alone (time, bytes per call, achieved GB/s beside the device's peak), on a machine with an NVIDIA GPU. The GPU machine has no .NET, so the check is published first (single file, compressed, trimmed,
# invariant globalization: no .NET and no libicu needed there, under 40 MB):
#
#   tests/gpu/check.sh publish      (anywhere with the .NET 10 SDK) -> artifacts/gpu-check/
#   tests/gpu/check.sh run          (on the GPU machine, from the repository or from a copy of artifacts/gpu-check/)
#   tests/gpu/check.sh              both, when one machine has the SDK and the GPU
#   tests/gpu/check.sh --emulated   both, on the emulated CUDA of tests/cuda-emulator (CI runs this: the script is tested;
#                                   parity --quick there, since dotnet test already runs every parity check on the emulator)
#
# NVRTC and cuBLAS are found on the loader's path, or in PyTorch's nvidia-* wheels (CUDA 12 or 13 names), whose lib
# folders also go on LD_LIBRARY_PATH so NVRTC finds its builtins library. Each part has its own time limit and prints
# every line when it is known, so a run cut short still reports what it reached. On an H200 the three parts took about a
# minute together; their limits are 150 + 240 + 60 s. Where Nsight Compute (ncu) is installed, a fourth part profiles
# one pass of each benchmark model kernel by kernel (6 passes, 60 s each at most).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$(dirname "$0")/../.."
out=artifacts/gpu-check
parity_seconds=${PARITY_SECONDS:-150}
bench_seconds=${BENCH_SECONDS:-240}
kernels_seconds=${KERNELS_SECONDS:-60}
profile_seconds=${PROFILE_SECONDS:-60}

publish() {
  # Trim and single-file analysis are silenced: Parley.Api (under the planner whose KV arithmetic the benchmark prints)
  # reflects over the ChatDeployment types and reads XML docs for the CRD schema, code the check never calls, and the
  # analyzers' warnings would fail the publish (warnings are errors).
  dotnet publish tests/Parley.Gpu.Tests -c Release -r linux-x64 --self-contained true -o "$out" -p:DebugType=none \
    -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true -p:PublishTrimmed=true -p:InvariantGlobalization=true \
    -p:SuppressTrimAnalysisWarnings=true -p:EnableTrimAnalyzer=false -p:EnableSingleFileAnalyzer=false -p:EnableAotAnalyzer=false 2>&1 | tail -n 2
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "publish failed"; exit 1; }
  cp tests/gpu/check.sh "$out/"
  echo "published $(du -sh "$out" | cut -f1) to $out"
}

# The loader's cache, read once into a variable: `ldconfig -p | grep -q` fails under pipefail when grep stops early.
has_system_library() { local cache; cache="$(ldconfig -p 2>/dev/null || true)"; [[ "$cache" == *"$1"* ]]; }

# The newest wheel copy of a library (libnvrtc.so.13 before .so.12), searched in every site-packages folder.
find_wheel_library() {
  python3 - "$1" 2>/dev/null <<'PY' || true
import glob, os, site, sys
roots = [p for p in site.getsitepackages() + [site.getusersitepackages()] if os.path.isdir(p)]
found = [path for root in roots for path in glob.glob(os.path.join(root, "nvidia", "*", "lib", sys.argv[1] + "*"))]
found = [path for path in found if not path.endswith(".alt.so") and "builtins" not in path]
print(sorted(found, reverse=True)[0] if found else "")
PY
}

use_wheels() {
  local name variable path
  for pair in libnvrtc.so:NVRTC_LIB libcublas.so:CUBLAS_LIB; do
    name="${pair%%:*}"; variable="${pair##*:}"
    if [ -z "${!variable:-}" ] && ! has_system_library "$name"; then
      path="$(find_wheel_library "$name")"
      if [ -n "$path" ]; then
        export "$variable=$path"
        export LD_LIBRARY_PATH="$(dirname "$path")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
        echo "$variable=$path"
      fi
    fi
  done
}

use_emulator() {
  local line
  while IFS= read -r line; do export "${line?}"; echo "$line"; done < <(bash tests/cuda-emulator/build.sh)
  export PARLEY_EMU_DEVICE_MEMORY=${PARLEY_EMU_DEVICE_MEMORY:-$((2 << 30))}
}

run() {
  local binary="$out/Parley.Gpu.Tests" bench_args=("$@") parity_args=() kernels_args=()
  [ -x "$binary" ] || binary="$here/Parley.Gpu.Tests"   # a copied artifacts/gpu-check/ with this script inside
  if [ "${EMULATED:-0}" = 1 ]; then
    use_emulator
    bench_args=(--tiny "$@")
    parity_args=(--quick)
    kernels_args=(--tiny)
  else
    command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
    use_wheels
  fi
  echo "== parity (limit ${parity_seconds} s)"
  timeout "$parity_seconds" "$binary" parity "${parity_args[@]}"; local parity=$?
  echo "== benchmark (limit ${bench_seconds} s)"
  timeout "$bench_seconds" "$binary" bench "${bench_args[@]}"; local bench=$?
  echo "== kernels (limit ${kernels_seconds} s)"
  timeout "$kernels_seconds" "$binary" kernels "${kernels_args[@]}"; local kernels=$?
  echo "parity exit $parity, benchmark exit $bench, kernels exit $kernels"
  [ "${EMULATED:-0}" = 1 ] || profile "$binary"
  [ "$parity" -eq 0 ] && [ "$bench" -eq 0 ] && [ "$kernels" -eq 0 ]
}

# Where each pass's time goes, kernel by kernel (cuBLAS's included): Nsight Compute times every kernel of one decode
# step at 1 and 64 sequences and of one 1,000-token prefill, per benchmark model. Optional: told and skipped without ncu.
profile() {
  local ncu model step
  ncu="$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu /usr/local/cuda/bin/ncu 2>/dev/null | head -n 1)"
  [ -n "$ncu" ] || { echo "== profile: ncu not found, skipped"; return 0; }
  echo "== profile (ncu, limit ${profile_seconds} s per pass)"
  for model in qwen2-1.5b llama-3-8b-gptq; do
    for step in decode1 decode64 prefill1000; do
      echo "-- $model $step"
      timeout "$profile_seconds" "$ncu" --profile-from-start off --clock-control none --metrics gpu__time_duration.sum \
        --print-summary per-kernel "$1" profile "$model" "$step" 2>&1 | grep -vE '^==PROF==|^ *-+ *-+' || true
    done
  done
}

case "${1:-all}" in
  publish) publish ;;
  run) shift; run "$@" ;;
  all) publish && run ;;
  --emulated) shift; publish && EMULATED=1 run "$@" ;;
  *) echo "usage: tests/gpu/check.sh [publish | run [--all] | --emulated]"; exit 64 ;;
esac
