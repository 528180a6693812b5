// bf16 weight rows times activations rounded to bf16, with AVX-512 BF16's VDPBF16PS: each instruction multiplies 16
// pairs of bf16 values and adds both products of a pair into one float32 lane, twice the work of a float32 fused
// multiply-add on the same registers and without widening the weights first. .NET exposes no intrinsic for it, so it
// lives here, built into libparley-cpu.so with the engine (Parley.Engine.csproj) and called through function pointers
// (BFloat16Dot.cs) once parley_bf16_supported() said the CPU has it. Accumulation is float32, as in VDPBF16PS itself
// (which reads denormal inputs as zero).
#include <immintrin.h>
#include <stdint.h>
#include <time.h>

#include "cpu_features.h"

extern "C" __attribute__((visibility("default"))) int parley_bf16_supported(void) {
  return parley::has_avx512_f_bw_vl() && __builtin_cpu_supports("avx512bf16");
}

// Everything below runs only where parley_bf16_supported() is 1.
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512bf16")
// g++ 12's AVX-512 headers fill "undefined" registers by reading a variable they never set, which -Wall reports in
// every function that inlines them (GCC bug 105593); nothing here reads an uninitialised value of its own.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "dot_tile.h"

namespace {

// 32 bf16 weights and 32 bf16 activations a step, pairs multiplied and added into 16 float32 lanes.
struct BFloat16 {
  using Activation = uint16_t;
  using Weights = __m512bh;
  using Sum = __m512;
  using Mask = __mmask32;
  static constexpr int kStep = 32;

  static __m512 zero() { return _mm512_setzero_ps(); }
  static __m512bh load_weights(const uint16_t* p) { return (__m512bh)_mm512_loadu_si512(p); }
  static __m512bh load_weights(const uint16_t* p, __mmask32 mask) { return (__m512bh)_mm512_maskz_loadu_epi16(mask, p); }
  static __m512bh load_activations(const uint16_t* p) { return load_weights(p); }
  static __m512bh load_activations(const uint16_t* p, __mmask32 mask) { return load_weights(p, mask); }
  static __m512 multiply_add(__m512 sum, __m512bh weights, __m512bh activations) { return _mm512_dpbf16_ps(sum, weights, activations); }
  static float sum(__m512 lanes) { return _mm512_reduce_add_ps(lanes); }
};

double seconds() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

struct DotChain {
  static constexpr double kFlops = 64;  // 16 lanes x 2 products x (multiply, add)
  static __m512bh operand() { return (__m512bh)_mm512_set1_epi16(0x3F80); }
  static __m512 step(__m512 sum, __m512bh ones) { return _mm512_dpbf16_ps(sum, ones, ones); }
};

struct FmaChain {
  static constexpr double kFlops = 32;  // 16 lanes x (multiply, add)
  static __m512 operand() { return _mm512_set1_ps(1.0f); }
  static __m512 step(__m512 sum, __m512 ones) { return _mm512_fmadd_ps(sum, ones, ones); }
};

// Floating-point operations a second of 12 independent chains of Chain::step (enough to cover either instruction's
// latency), the best of five short trials so that a preempted one does not decide.
template <typename Chain>
double chains_rate() {
  const auto operand = Chain::operand();
  constexpr int kChains = 12;
  constexpr int64_t kRounds = 20000;
  double best = 0;
  volatile float sink = 0;
  for (int trial = 0; trial < 5; trial++) {
    __m512 sums[kChains];
    for (int c = 0; c < kChains; c++) {
      sums[c] = _mm512_set1_ps((float)c);
    }

    const double start = seconds();
    for (int64_t round = 0; round < kRounds; round++) {
#pragma GCC unroll 12
      for (int c = 0; c < kChains; c++) {
        sums[c] = Chain::step(sums[c], operand);
      }
    }

    const double rate = Chain::kFlops * kChains * kRounds / (seconds() - start);
    best = rate > best ? rate : best;
    for (int c = 0; c < kChains; c++) {
      sink = sink + _mm512_reduce_add_ps(sums[c]);
    }
  }

  return best;
}

}  // namespace

extern "C" {

// VDPBF16PS's floating-point rate over that of float32 fused multiply-adds on this core, each instruction issued as
// fast as the core takes it: about 2 on AMD Zen 4 (one of either a cycle, VDPBF16PS doing twice the work), about 0.5
// on Intel Sapphire and Emerald Rapids (one VDPBF16PS every two cycles, two multiply-adds a cycle). The bf16 products
// take VDPBF16PS where this is above 1 and widen the weights to float32 elsewhere (bf16_widened_dot.cc). About 1 ms.
__attribute__((visibility("default"))) double parley_bf16_dot_speedup(void) {
  return chains_rate<DotChain>() / chains_rate<FmaChain>();
}

// destination[i] = source[i] rounded to the nearest bf16, ties to even.
__attribute__((visibility("default"))) void parley_bf16_round(const float* source, uint16_t* destination, int64_t count) {
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) {
    _mm256_storeu_si256((__m256i*)(destination + i), (__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(source + i)));
  }

  if (i < count) {
    const __mmask16 mask = (__mmask16)((1u << (count - i)) - 1);
    _mm256_mask_storeu_epi16(destination + i, mask, (__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, source + i)));
  }
}

__attribute__((visibility("default"))) void parley_bf16_tile(int rows, int tokens, const uint16_t* w, int64_t w_stride, const uint16_t* x,
                                                             int64_t x_stride, int length, float* y, int64_t y_stride, int accumulate,
                                                             const void* prefetch, int64_t prefetch_bytes, float* partial, int phase) {
  parley::tile_any<BFloat16>(rows, tokens, w, w_stride, x, x_stride, length, y, y_stride, accumulate, parley::Ahead{(const char*)prefetch, prefetch_bytes},
                   parley::Partial{partial, phase});
}

__attribute__((visibility("default"))) void parley_bf16_gemv(int rows, const uint16_t* w, int64_t w_stride, const uint16_t* x, int length,
                                                             float* y, int accumulate) {
  parley::gemv<BFloat16>(rows, w, w_stride, x, length, y, accumulate);
}

}  // extern "C"

#pragma GCC pop_options
