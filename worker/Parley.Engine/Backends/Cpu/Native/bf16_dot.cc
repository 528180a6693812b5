// bf16 weight rows times activations rounded to bf16, with AVX-512 BF16's VDPBF16PS: each instruction multiplies 16
// pairs of bf16 values and adds both products of a pair into one float32 lane, twice the work of a float32 fused
// multiply-add on the same registers and without widening the weights first. .NET exposes no intrinsic for it, so it
// lives here, built into libparley-cpu.so with the engine (Parley.Engine.csproj) and called through function pointers
// (BFloat16Dot.cs); every function is compiled for AVX-512 BF16 alone, and the managed caller uses them only after
// parley_bf16_supported() said the CPU has it.
//
// The tile is the managed TileDot's: ROWS weight rows x TOKENS tokens, ROWS·TOKENS float32 accumulators in registers
// over the whole reduction, 32 elements per step; the last length % 32 elements are read with a masked load, whose
// zeros add nothing. Accumulation is float32, as in VDPBF16PS itself (with denormal inputs read as zero).
// g++ 12's AVX-512 headers fill "undefined" registers by reading a variable they never set, which -Wall reports in
// every function that inlines them (GCC bug 105593); nothing here reads an uninitialised value of its own.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#include <stdint.h>

#define PARLEY_BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

namespace {

// One step of 32 elements from i: every row's weights once, every token's activations once, ROWS·TOKENS products.
// `mask` selects the elements of the last, partial step (masked-off lanes load as zero and add nothing).
template <int ROWS, int TOKENS, bool MASKED>
PARLEY_BF16 inline void step(__m512 (&sums)[ROWS][TOKENS], const uint16_t* w, int64_t w_stride, const uint16_t* x, int64_t x_stride,
                             int i, __mmask32 mask) {
  __m512bh weights[ROWS];
  for (int r = 0; r < ROWS; r++) {
    weights[r] = (__m512bh)(MASKED ? _mm512_maskz_loadu_epi16(mask, w + r * w_stride + i) : _mm512_loadu_si512(w + r * w_stride + i));
  }

  for (int t = 0; t < TOKENS; t++) {
    const __m512bh activations =
        (__m512bh)(MASKED ? _mm512_maskz_loadu_epi16(mask, x + t * x_stride + i) : _mm512_loadu_si512(x + t * x_stride + i));
    for (int r = 0; r < ROWS; r++) {
      sums[r][t] = _mm512_dpbf16_ps(sums[r][t], weights[r], activations);
    }
  }
}

template <int ROWS, int TOKENS>
PARLEY_BF16 void tile(const uint16_t* w, int64_t w_stride, const uint16_t* x, int64_t x_stride, int length, float* y,
                      int64_t y_stride, int accumulate) {
  __m512 sums[ROWS][TOKENS];
  for (int r = 0; r < ROWS; r++) {
    for (int t = 0; t < TOKENS; t++) {
      sums[r][t] = _mm512_setzero_ps();
    }
  }

  int i = 0;
  for (; i + 32 <= length; i += 32) {
    step<ROWS, TOKENS, false>(sums, w, w_stride, x, x_stride, i, 0);
  }

  if (i < length) {
    step<ROWS, TOKENS, true>(sums, w, w_stride, x, x_stride, i, (__mmask32)((1ull << (length - i)) - 1));
  }

  for (int t = 0; t < TOKENS; t++) {
    for (int r = 0; r < ROWS; r++) {
      const float total = _mm512_reduce_add_ps(sums[r][t]);
      float* out = y + t * y_stride + r;
      *out = accumulate ? *out + total : total;
    }
  }
}

template <int ROWS>
PARLEY_BF16 void tile_rows(int tokens, const uint16_t* w, int64_t w_stride, const uint16_t* x, int64_t x_stride, int length,
                           float* y, int64_t y_stride, int accumulate) {
  switch (tokens) {
    case 1: tile<ROWS, 1>(w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
    case 2: tile<ROWS, 2>(w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
    case 3: tile<ROWS, 3>(w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
    case 4: tile<ROWS, 4>(w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
    case 5: tile<ROWS, 5>(w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
    default: tile<ROWS, 6>(w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
  }
}

}  // namespace

extern "C" {

// 1 when the CPU executes every instruction below, else 0.
__attribute__((visibility("default"))) int parley_bf16_supported(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16");
}

// destination[i] = source[i] rounded to the nearest bf16, ties to even.
__attribute__((visibility("default"))) PARLEY_BF16 void parley_bf16_round(const float* source, uint16_t* destination, int64_t count) {
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) {
    _mm256_storeu_si256((__m256i*)(destination + i), (__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(source + i)));
  }

  if (i < count) {
    const __mmask16 mask = (__mmask16)((1u << (count - i)) - 1);
    const __m256i rounded = (__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, source + i));
    _mm256_mask_storeu_epi16(destination + i, mask, rounded);
  }
}

// y[t·y_stride + r] = (or +=) Σ_i w[r·w_stride + i]·x[t·x_stride + i] for rows r < rows (1 to 4) and tokens t < tokens
// (1 to 6). Strides are in elements.
__attribute__((visibility("default"))) PARLEY_BF16 void parley_bf16_tile(int rows, int tokens, const uint16_t* w, int64_t w_stride,
                                                                         const uint16_t* x, int64_t x_stride, int length, float* y,
                                                                         int64_t y_stride, int accumulate) {
  switch (rows) {
    case 1: tile_rows<1>(tokens, w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
    case 2: tile_rows<2>(tokens, w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
    case 3: tile_rows<3>(tokens, w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
    default: tile_rows<4>(tokens, w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
  }
}

// y[r] = (or +=) Σ_i w[r·w_stride + i]·x[i] for rows r < rows: one token's product, bound by reading the weights. One
// row after another reads them as a single sequential stream; tiles of 4 rows interleave four, which two Zen 4 cores
// read from memory at less than half the rate.
__attribute__((visibility("default"))) PARLEY_BF16 void parley_bf16_gemv(int rows, const uint16_t* w, int64_t w_stride, const uint16_t* x,
                                                                         int length, float* y, int accumulate) {
  for (int r = 0; r < rows; r++) {
    tile<1, 1>(w + r * w_stride, w_stride, x, 0, length, y + r, 0, accumulate);
  }
}

}  // extern "C"
