// bf16 weight rows times activations rounded to bf16, with the weights widened to float32 and float32 fused
// multiply-adds. A bf16 is the upper half of a float32, so 32 weights loaded as 16 32-bit lanes widen in two
// operations: a shift left by 16 gives those at even positions, a mask of the upper half those at odd positions. The
// activations arrive rounded to bf16, held as float32 and split the same way (parley_bf16_round_split: per 32, the 16
// at even positions, then the 16 at odd ones), so the products are those of VDPBF16PS (bf16_dot.cc) summed in
// another order. Widening 16 weights to float32 in order instead (a zero-extension and a shift, as VCVTPH2PS does
// for f16) costs twice the operations: the tiles ran 15-20% slower on an Emerald Rapids core. This is
// the faster path on CPUs whose VDPBF16PS runs at half their float32 multiply-add rate (Intel Sapphire and Emerald
// Rapids: one every two cycles, against two multiply-adds a cycle), and the only native bf16 path on AVX-512 CPUs
// without AVX-512 BF16. BFloat16WidenedDot.cs calls it once parley_bf16_widened_supported() said the CPU can.
#include <immintrin.h>
#include <stdint.h>

#include "cpu_features.h"

extern "C" __attribute__((visibility("default"))) int parley_bf16_widened_supported(void) {
  return parley::has_avx512_f_bw_vl();
}

// Everything below runs only where parley_bf16_widened_supported() is 1.
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl")
// As in bf16_dot.cc: g++ 12's AVX-512 headers trip -Wuninitialized on their own "undefined" registers (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "bf16_round.h"
#include "dot_tile.h"

namespace {

// 16 values at the even and 16 at the odd positions of 32, as float32.
struct Split {
  __m512 even;
  __m512 odd;
};

// 32 bf16 weights and 32 split activations a step. The activations past the end of a row are zeros
// (parley_bf16_round_split pads them), so the last step masks the weights only.
struct BFloat16Widened {
  using Activation = float;
  using Weights = Split;
  using Sum = __m512;
  using Mask = __mmask32;
  static constexpr int kStep = 32;

  static Split widen(__m512i pairs) {
    return {_mm512_castsi512_ps(_mm512_slli_epi32(pairs, 16)), _mm512_castsi512_ps(_mm512_and_si512(pairs, _mm512_set1_epi32((int)0xFFFF0000u)))};
  }
  static __m512 zero() { return _mm512_setzero_ps(); }
  static Split load_weights(const uint16_t* p) { return widen(_mm512_loadu_si512(p)); }
  static Split load_weights(const uint16_t* p, __mmask32 mask) { return widen(_mm512_maskz_loadu_epi16(mask, p)); }
  static Split load_activations(const float* p) { return {_mm512_loadu_ps(p), _mm512_loadu_ps(p + 16)}; }
  static Split load_activations(const float* p, __mmask32) { return load_activations(p); }
  static __m512 multiply_add(__m512 sum, Split weights, Split activations) {
    return _mm512_fmadd_ps(weights.odd, activations.odd, _mm512_fmadd_ps(weights.even, activations.even, sum));
  }
  static float sum(__m512 lanes) { return _mm512_reduce_add_ps(lanes); }
};


}  // namespace

extern "C" {

// Each of `tokens` rows of `length` float32 values (source row t at source + t·length) rounded to the nearest bf16
// (ties to even), as float32, into destination row t at destination + t·stride, stride = length rounded up to 32:
// per 32 values, the 16 at even positions then the 16 at odd ones, zeros past the end of the row.
__attribute__((visibility("default"))) void parley_bf16_round_split(const float* source, float* destination, int64_t length, int64_t tokens) {
  const int64_t stride = (length + 31) / 32 * 32;
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  for (int64_t t = 0; t < tokens; t++) {
    const float* in = source + t * length;
    float* out = destination + t * stride;
    for (int64_t i = 0; i < length; i += 32) {
      const int64_t left = length - i;
      const __mmask16 low = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
      const __mmask16 high = left >= 32 ? (__mmask16)0xFFFF : left <= 16 ? (__mmask16)0 : (__mmask16)((1u << (left - 16)) - 1);
      const __m512i first = parley::round_to_bfloat16(_mm512_maskz_loadu_epi32(low, in + i));
      const __m512i second = parley::round_to_bfloat16(_mm512_maskz_loadu_epi32(high, in + i + 16));
      _mm512_storeu_si512(out + i, _mm512_permutex2var_epi32(first, even, second));
      _mm512_storeu_si512(out + i + 16, _mm512_permutex2var_epi32(first, odd, second));
    }
  }
}

__attribute__((visibility("default"))) void parley_bf16_widened_tile(int rows, int tokens, const uint16_t* w, int64_t w_stride, const float* x,
                                                                     int64_t x_stride, int length, float* y, int64_t y_stride, int accumulate,
                                                                     const void* prefetch, int64_t prefetch_bytes, float* partial, int phase) {
  parley::tile_any<BFloat16Widened>(rows, tokens, w, w_stride, x, x_stride, length, y, y_stride, accumulate, parley::Ahead{(const char*)prefetch, prefetch_bytes},
                   parley::Partial{partial, phase});
}

__attribute__((visibility("default"))) void parley_bf16_widened_gemv(int rows, const uint16_t* w, int64_t w_stride, const float* x, int length,
                                                                     float* y, int accumulate) {
  parley::gemv<BFloat16Widened>(rows, w, w_stride, x, length, y, accumulate);
}

}  // extern "C"

#pragma GCC pop_options
