// The CPU checks behind each kernel file's parley_*_supported(), which the managed side calls before any of the
// file's AVX-512 code runs; compiled for the baseline instruction set, outside the files' target pragmas.
#pragma once

namespace parley {

// AVX-512 F, BW and VL: 512-bit float32 arithmetic, 16-bit masked loads, and the 256-bit forms of both.
inline bool has_avx512_f_bw_vl() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
}

}  // namespace parley
