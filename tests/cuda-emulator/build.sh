#!/usr/bin/env bash
# Builds the emulated CUDA libraries (driver, NVRTC, cuBLAS) with g++ into a folder keyed by the sources' hash and
# prints the three assignments that make Parley use them, e.g.
#   eval "$(tests/cuda-emulator/build.sh)" && parley-worker --model demo --device cuda
# Options: --out DIR (default: .cache/cuda-emulator/<hash> under the repository), --cxxflags "..." (extra flags for the
# libraries, e.g. -fsanitize=address).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cxx="${CXX:-g++}"
extra=""
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --cxxflags) extra="$2"; shift 2 ;;
    *) echo "usage: build.sh [--out DIR] [--cxxflags FLAGS]" >&2; exit 2 ;;
  esac
done
command -v "$cxx" > /dev/null || { echo "build.sh: $cxx not found; install g++ (Debian: build-essential)" >&2; exit 1; }
hash=$(cat "$here"/*.h "$here"/*.cpp "$here/build.sh" <(echo "$cxx $extra") | sha256sum | cut -c1-16)
out="${out:-$root/.cache/cuda-emulator/$hash}"
if [ ! -f "$out/libcuda-emu.so" ] || [ ! -f "$out/libnvrtc-emu.so" ] || [ ! -f "$out/libcublas-emu.so" ]; then
  mkdir -p "$out"
  staging="$(mktemp -d "$out/.build.XXXXXX")"
  # -Wno-maybe-uninitialized: g++ 12 reports its own <regex> as uninitialized under -fsanitize=address.
  flags="-std=c++17 -O2 -fPIC -shared -Wall -Wextra -Werror -Wno-unused-parameter -Wno-maybe-uninitialized $extra"
  cp "$here/emu_device.h" "$here/emu_abi.h" "$staging/"
  # shellcheck disable=SC2086
  "$cxx" $flags -o "$staging/libcuda-emu.so" "$here/driver.cpp" -ldl -Wl,-soname,libcuda-emu.so
  # shellcheck disable=SC2086
  "$cxx" $flags -o "$staging/libnvrtc-emu.so" "$here/nvrtc.cpp" -ldl
  # The GEMMs go through the emulated driver's streams: load the same driver object, found beside this one.
  # shellcheck disable=SC2086
  "$cxx" $flags -o "$staging/libcublas-emu.so" "$here/cublas.cpp" -L"$staging" -l:libcuda-emu.so -Wl,-rpath,'$ORIGIN'
  # Renames are atomic: a test process building at the same moment sees each file whole or not at all, and NVRTC's
  # headers arrive before the libraries that read them.
  for file in emu_device.h emu_abi.h libcuda-emu.so libcublas-emu.so libnvrtc-emu.so; do mv -f "$staging/$file" "$out/$file"; done
  rm -rf "$staging"
fi
echo "CUDA_DRIVER_LIB=$out/libcuda-emu.so"
echo "NVRTC_LIB=$out/libnvrtc-emu.so"
echo "CUBLAS_LIB=$out/libcublas-emu.so"
