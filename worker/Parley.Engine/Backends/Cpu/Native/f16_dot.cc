// f16 weight rows times float32 activations: AVX-512F widens 16 halves to float32 in one instruction (VCVTPH2PS),
// which .NET does not expose (its managed widening takes four operations and crowds the tile's registers, so the
// managed f16 tiles widen whole blocks into scratch first). Exact widening and float32 fused multiply-adds: the same
// arithmetic as the managed kernels, in another summation order. Called through Float16Dot.cs once
// parley_f16_supported() said the CPU has the instructions.
#include <immintrin.h>
#include <stdint.h>

#include "cpu_features.h"

extern "C" __attribute__((visibility("default"))) int parley_f16_supported(void) {
  return parley::has_avx512_f_bw_vl();
}

// Everything below runs only where parley_f16_supported() is 1.
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl")
// As in bf16_dot.cc: g++ 12's AVX-512 headers trip -Wuninitialized on their own "undefined" registers (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "dot_tile.h"

namespace {

// 16 f16 weights widened to float32 and 16 float32 activations a step.
struct Float16 {
  using Activation = float;
  using Weights = __m512;
  using Sum = __m512;
  using Mask = __mmask16;
  static constexpr int kStep = 16;

  static __m512 zero() { return _mm512_setzero_ps(); }
  static __m512 load_weights(const uint16_t* p) { return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i*)p)); }
  static __m512 load_weights(const uint16_t* p, __mmask16 mask) { return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(mask, p)); }
  static __m512 load_activations(const float* p) { return _mm512_loadu_ps(p); }
  static __m512 load_activations(const float* p, __mmask16 mask) { return _mm512_maskz_loadu_ps(mask, p); }
  static __m512 multiply_add(__m512 sum, __m512 weights, __m512 activations) { return _mm512_fmadd_ps(weights, activations, sum); }
  static float sum(__m512 lanes) { return _mm512_reduce_add_ps(lanes); }
};

}  // namespace

extern "C" {

__attribute__((visibility("default"))) void parley_f16_tile(int rows, int tokens, const uint16_t* w, int64_t w_stride, const float* x,
                                                            int64_t x_stride, int length, float* y, int64_t y_stride, int accumulate,
                                                            const void* prefetch, int64_t prefetch_bytes, float* partial, int phase) {
  parley::tile_any<Float16>(rows, tokens, w, w_stride, x, x_stride, length, y, y_stride, accumulate, parley::Ahead{(const char*)prefetch, prefetch_bytes},
                   parley::Partial{partial, phase});
}

__attribute__((visibility("default"))) void parley_f16_gemv(int rows, const uint16_t* w, int64_t w_stride, const float* x, int length,
                                                            float* y, int accumulate) {
  parley::gemv<Float16>(rows, w, w_stride, x, length, y, accumulate);
}

}  // extern "C"

#pragma GCC pop_options
