#!/usr/bin/env bash
# All tests, on a fresh machine with the .NET 10 SDK, Node.js and npm. First the Debian packages the tests need, each
# installed only when missing (with sudo when not root):
#   chromium       the chat page's browser test (Playwright drives it and never downloads a browser)
#   g++            builds the emulated CUDA of tests/cuda-emulator that the CUDA backend's tests run on, and the CPU
#                  backend's native products (libparley-cpu.so, built by the build below)
#   libnvrtc11.2   NVRTC, to compile every CUDA kernel for compute_80 and compute_90 (no GPU needed); from bookworm's
#                  non-free component, which this adds as an apt source with Debian's own keyring
# then `dotnet test Operator.sln`, the GPU check's script on the emulated CUDA (tests/gpu/check.sh --emulated), and a
# subset of the CUDA parity checks under AddressSanitizer (tests/cuda-emulator/asan.sh), and one round of the CPU block
# model (tests/cpu-block-model/run.sh). The last line is the summary: "N passed, N failed, N skipped", the three
# scripts counting one test each. Exit status 0 only when everything passed.
#   ./test.sh                 everything
#   ./test.sh --no-install    skip the package step (the machine already has them, or you do not have root)
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() { as_root apt-get update -qq > /dev/null && as_root apt-get install -y -qq --no-install-recommends "$@" > /dev/null; }

install_packages() {
  command -v chromium > /dev/null || apt_install chromium || { echo "could not install chromium (the browser test needs it)"; return 1; }
  command -v g++ > /dev/null || apt_install g++ || { echo "could not install g++ (the emulated CUDA needs it)"; return 1; }
  # The loader's cache is read into a variable: under pipefail, `ldconfig -p | grep -q` can fail by SIGPIPE on a match.
  local cache; cache="$(ldconfig -p 2>/dev/null || true)"
  if [[ "$cache" != *libnvrtc.so* ]]; then
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: non-free\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      | as_root tee /etc/apt/sources.list.d/debian-non-free.sources > /dev/null
    apt_install libnvrtc11.2 || { echo "could not install libnvrtc11.2 (the CUDA kernel compile tests need it)"; return 1; }
  fi
}

if [ "${1:-}" != "--no-install" ]; then
  install_packages || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
fi

dotnet build Operator.sln -c Debug 2>&1 | tail -n 3
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "build failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

dotnet test Operator.sln --no-build 2>&1 | tee test.log
rc=${PIPESTATUS[0]}
passed=0
failed=0

# Each script's output goes to a file: its own "N passed" line is not this run's summary.
script_test() {
  local name="$1" log="$2"; shift 2
  echo "== $name"
  if "$@" > "$log" 2>&1; then
    passed=$((passed + 1)); grep -E '^(== |parity exit|CUDA backend on|tiny |canary|asan\.sh|block model|[0-9]+ passed)' "$log"
  else
    failed=$((failed + 1)); rc=1
    grep -E -A 12 'ERROR: AddressSanitizer' "$log" | head -n 40; tail -n 40 "$log"; echo "$name failed (full output: $log)"
  fi
}

# The GPU check's script on the emulated CUDA, so the first real GPU meets a script known to work; it publishes the
# check's binary that the AddressSanitizer run then uses (every check of one bf16, one f32 and one act-order GPTQ model).
script_test "the GPU check on the emulated CUDA (tests/gpu/check.sh --emulated)" gpu-check.log bash tests/gpu/check.sh --emulated
script_test "the CUDA kernels under AddressSanitizer (tests/cuda-emulator/asan.sh)" asan.log \
  bash tests/cuda-emulator/asan.sh artifacts/gpu-check/Parley.Gpu.Tests parity --model 'llama bf16' --model 'qwen3 f32 tied' --model 'qwen2 gptq act-order'

# The C++ model of the CPU products' order for 16 tokens, one round: it keeps building against the engine's tile.
script_test "the CPU block model (tests/cpu-block-model/run.sh 1)" block-model.log bash tests/cpu-block-model/run.sh 1

grep -E '^(Passed|Failed)!' test.log \
  | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' \
  | awk -v p="$passed" -v f="$failed" '{f+=$1; p+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped\n", p, f, s}'
exit "$rc"
