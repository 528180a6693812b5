#!/usr/bin/env bash
# Builds block_model.cc against the engine's widened bf16 tile (the same source and flags as libparley-cpu.so,
# Parley.Engine.csproj) into artifacts/cpu-block-model and runs it: bash tests/cpu-block-model/run.sh [rounds]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/artifacts/cpu-block-model"
mkdir -p "$out"
cxx="${CXX:-g++}"
"$cxx" -std=c++17 -O3 -Wall -Wextra -Werror -c "$root/worker/Parley.Engine/Backends/Cpu/Native/bf16_widened_dot.cc" -o "$out/bf16_widened_dot.o"
"$cxx" -std=c++17 -O3 -Wall -Wextra -Werror -pthread "$root/tests/cpu-block-model/block_model.cc" "$out/bf16_widened_dot.o" -o "$out/block_model"
"$out/block_model" "$@"
