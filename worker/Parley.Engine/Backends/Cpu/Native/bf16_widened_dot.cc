// bf16 weight rows times activations rounded to bf16, with the weights widened to float32 (a bf16 is the upper half of
// a float32: one zero-extension and one shift) and float32 fused multiply-adds. The activations arrive already rounded
// to bf16 and held as float32, so the products are those of VDPBF16PS (bf16_dot.cc) summed in another order. This is
// the faster path on CPUs whose VDPBF16PS runs at half their float32 multiply-add rate (Intel Sapphire and Emerald
// Rapids: one every two cycles, against two multiply-adds a cycle), and the only native bf16 path on AVX-512 CPUs
// without AVX-512 BF16. BFloat16WidenedDot.cs calls it once parley_bf16_widened_supported() said the CPU can.
#include <immintrin.h>
#include <stdint.h>

extern "C" __attribute__((visibility("default"))) int parley_bf16_widened_supported(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
}

// Everything below runs only where parley_bf16_widened_supported() is 1.
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl")
// As in bf16_dot.cc: g++ 12's AVX-512 headers trip -Wuninitialized on their own "undefined" registers (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "dot_tile.h"

namespace {

// 16 bf16 weights widened to float32 and 16 float32 activations a step.
struct BFloat16Widened {
  using Activation = float;
  using Weights = __m512;
  using Sum = __m512;
  using Mask = __mmask16;
  static constexpr int kStep = 16;

  static __m512 widen(__m256i halves) { return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(halves), 16)); }
  static __m512 zero() { return _mm512_setzero_ps(); }
  static __m512 load_weights(const uint16_t* p) { return widen(_mm256_loadu_si256((const __m256i*)p)); }
  static __m512 load_weights(const uint16_t* p, __mmask16 mask) { return widen(_mm256_maskz_loadu_epi16(mask, p)); }
  static __m512 load_activations(const float* p) { return _mm512_loadu_ps(p); }
  static __m512 load_activations(const float* p, __mmask16 mask) { return _mm512_maskz_loadu_ps(mask, p); }
  static __m512 multiply_add(__m512 sum, __m512 weights, __m512 activations) { return _mm512_fmadd_ps(weights, activations, sum); }
  static float sum(__m512 lanes) { return _mm512_reduce_add_ps(lanes); }
};

// 16 float32 values rounded to the nearest bf16 (ties to even) and kept as float32; NaN stays NaN (quieted).
__m512i round_to_bfloat16(__m512i bits) {
  const __m512i odd = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
  const __m512i rounded = _mm512_add_epi32(bits, _mm512_add_epi32(_mm512_set1_epi32(0x7FFF), odd));
  const __mmask16 nan = _mm512_cmpgt_epu32_mask(_mm512_and_si512(bits, _mm512_set1_epi32(0x7FFFFFFF)), _mm512_set1_epi32(0x7F800000));
  const __m512i kept = _mm512_mask_or_epi32(rounded, nan, bits, _mm512_set1_epi32(0x00400000));
  return _mm512_and_si512(kept, _mm512_set1_epi32((int)0xFFFF0000u));
}

}  // namespace

extern "C" {

// destination[i] = source[i] rounded to the nearest bf16 (ties to even), as a float32; in place is allowed.
__attribute__((visibility("default"))) void parley_bf16_round_widened(const float* source, float* destination, int64_t count) {
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) {
    _mm512_storeu_si512(destination + i, round_to_bfloat16(_mm512_loadu_si512(source + i)));
  }

  if (i < count) {
    const __mmask16 mask = (__mmask16)((1u << (count - i)) - 1);
    _mm512_mask_storeu_epi32(destination + i, mask, round_to_bfloat16(_mm512_maskz_loadu_epi32(mask, source + i)));
  }
}

__attribute__((visibility("default"))) void parley_bf16_widened_tile(int rows, int tokens, const uint16_t* w, int64_t w_stride, const float* x,
                                                                     int64_t x_stride, int length, float* y, int64_t y_stride, int accumulate) {
  parley::tile_any<BFloat16Widened>(rows, tokens, w, w_stride, x, x_stride, length, y, y_stride, accumulate);
}

__attribute__((visibility("default"))) void parley_bf16_widened_gemv(int rows, const uint16_t* w, int64_t w_stride, const float* x, int length,
                                                                     float* y, int accumulate) {
  parley::gemv<BFloat16Widened>(rows, w, w_stride, x, length, y, accumulate);
}

}  // extern "C"

#pragma GCC pop_options
