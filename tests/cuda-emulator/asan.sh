#!/usr/bin/env bash
# Runs a command on an AddressSanitizer build of the emulated CUDA: the driver, cuBLAS and every kernel the command
# compiles are instrumented, and each device allocation sits between poisoned guard zones, so a kernel or a GEMM that
# reads or writes outside its buffers (or past a __shared__ array) stops the command with AddressSanitizer's report.
#
#   tests/cuda-emulator/asan.sh artifacts/gpu-check/Parley.Gpu.Tests parity --model 'llama bf16'
#   tests/cuda-emulator/asan.sh dotnet worker/Parley.Worker/bin/Debug/net10.0/parley-worker.dll --model demo --device cuda
#
# First a canary: two deliberate off-by-one kernels must each be reported, or the run fails (a sanitizer that sees
# nothing proves nothing). Exit status: the command's; 1 when AddressSanitizer reported anything or the canary was
# not caught.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -gt 0 ] || { echo "usage: tests/cuda-emulator/asan.sh COMMAND [ARGS...]" >&2; exit 64; }

sanitize="-fsanitize=address -fno-omit-frame-pointer"
variables="$(bash "$here/build.sh" --cxxflags "$sanitize")" || exit 1
while IFS= read -r line; do export "${line?}"; done <<< "$variables"
built="$(dirname "$CUDA_DRIVER_LIB")"
runtime="$(${CXX:-g++} -print-file-name=libasan.so)"
[ -f "$runtime" ] || { echo "asan.sh: libasan.so not found beside ${CXX:-g++}" >&2; exit 1; }

# Kernels compiled by the emulated NVRTC get the same instrumentation, in a cache of their own; the backend's PTX cache
# (under XDG_CACHE_HOME) is kept apart too, since its entries name the compiled kernel objects.
export PARLEY_EMU_CXXFLAGS="$sanitize"
export XDG_CACHE_HOME="$built/xdg-cache"
export PARLEY_EMU_DEVICE_MEMORY=${PARLEY_EMU_DEVICE_MEMORY:-$((2 << 30))}
# .NET handles SIGSEGV itself (null references) and runs on its own alternate signal stacks: AddressSanitizer must not
# take those over. No leak check (the runtime's own allocations are not ours) and no fake stacks for the fibers.
export ASAN_OPTIONS="detect_leaks=0:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_abort=0:allow_user_segv_handler=1:use_sigaltstack=0:detect_stack_use_after_return=0:halt_on_error=1:exitcode=1"

canary="$built/asan_canary"
if [ ! -x "$canary" ]; then
  # shellcheck disable=SC2086
  ${CXX:-g++} -std=c++17 -O1 $sanitize -o "$canary.tmp" "$here/asan_canary.cpp" -L"$built" -l:libcuda-emu.so -l:libnvrtc-emu.so \
    -Wl,-rpath,"$built" && mv -f "$canary.tmp" "$canary" || exit 1
fi
for mode in device shared; do
  report="$("$canary" "$mode" 2>&1)"
  if [[ "$report" != *"ERROR: AddressSanitizer"* ]]; then
    echo "asan.sh: the canary's out-of-bounds $mode access was not reported; this run could not have seen one either"
    echo "$report" | tail -n 20
    exit 1
  fi
  echo "canary ($mode): $(grep -m1 -o 'ERROR: AddressSanitizer: [a-z-]*' <<< "$report") reported, as it must be"
done

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
LD_PRELOAD="$runtime" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if grep -q "ERROR: AddressSanitizer" "$log"; then
  echo "asan.sh: AddressSanitizer reported an invalid access (above)"
  exit 1
fi
echo "asan.sh: no invalid access reported (exit $status)"
exit "$status"
