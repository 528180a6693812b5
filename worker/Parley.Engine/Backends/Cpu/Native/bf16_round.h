// Rounding float32 to bf16 in AVX-512 registers, shared by the kernels that read activations rounded to bf16 as
// float32 (bf16_widened_dot.cc, panel_dot.cc). Each file includes this under its own `#pragma GCC target`.
#pragma once

#include <immintrin.h>

namespace parley {

// 16 float32 values rounded to the nearest bf16 (ties to even) and kept as float32; NaN stays NaN (quieted).
inline __m512i round_to_bfloat16(__m512i bits) {
  const __m512i odd = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
  const __m512i rounded = _mm512_add_epi32(bits, _mm512_add_epi32(_mm512_set1_epi32(0x7FFF), odd));
  const __mmask16 nan = _mm512_cmpgt_epu32_mask(_mm512_and_si512(bits, _mm512_set1_epi32(0x7FFFFFFF)), _mm512_set1_epi32(0x7F800000));
  const __m512i kept = _mm512_mask_or_epi32(rounded, nan, bits, _mm512_set1_epi32(0x00400000));
  return _mm512_and_si512(kept, _mm512_set1_epi32((int)0xFFFF0000u));
}

}  // namespace parley
