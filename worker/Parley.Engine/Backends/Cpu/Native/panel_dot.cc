// f16 and bf16 weights in panels of 16 rows (WeightPanels.cs: each panel stored column by column, the 16 rows'
// weights of one input side by side) times float32 activations (for bf16, rounded to bf16). A column widens to float32
// (f16: one VCVTPH2PS; bf16: a zero-extension and a shift) and multiplies every token of the tile, up to 16, each
// token's activation broadcast from memory into its fused multiply-add: one widening for up to 16 multiply-adds, where
// a tile over row-major weights (dot_tile.h) widens each weight vector for at most 6. The sums are the outputs
// themselves (lane i, row i), stored without a reduction.
//
// Every output is one float32 sum, input after input from the first, whatever the tile's tokens or rows: a token's
// outputs are bit for bit those of the same token alone. Called through WeightPanels.cs once parley_f16_supported()
// (f16_dot.cc) said the CPU has the instructions.
#include <immintrin.h>
#include <stdint.h>

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl")
// As in bf16_dot.cc: g++ 12's AVX-512 headers trip -Wuninitialized on their own "undefined" registers (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "bf16_round.h"
#include "dot_tile.h"

namespace {

constexpr int kLanes = 16;
constexpr int kMaxTokens = 16;

// One full panel's column of 16 weights widened to float32, or the first `lanes` of a last panel of fewer rows
// (`lanes` weights a column).
struct Float16 {
  static __m512 widen(__m256i halves) { return _mm512_cvtph_ps(halves); }
};

struct BFloat16 {
  static __m512 widen(__m256i halves) { return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(halves), 16)); }
};

template <typename Kind, bool FULL>
inline __m512 column(const uint16_t* panel, int lanes, int64_t k, __mmask16 mask) {
  return Kind::widen(FULL ? _mm256_loadu_si256((const __m256i*)(panel + k * kLanes)) : _mm256_maskz_loadu_epi16(mask, panel + k * lanes));
}

// PANELS consecutive panels (of `lanes` rows each; below 16 only for a single, last panel) times TOKENS tokens, their
// activations interleaved (Float16Panels.Interleave: the tokens' activations of input k side by side, so that one
// pointer reaches them all; 16 pointers, one a token, left g++ shuttling them between vector and general registers):
// y[t·y_stride + p·16 + i] = (or +=) Σ_k w[p][k][i]·x[k·TOKENS + t] for the lanes i in `stored`.
template <typename Kind, int PANELS, int TOKENS, bool FULL>
void panels(const uint16_t* w, int lanes, int length, const float* x, float* y, int64_t y_stride, int accumulate,
            __mmask16 stored, parley::Ahead ahead) {
  static_assert(PANELS * TOKENS + PANELS <= 32, "the sums and the widened columns fit the 32 vector registers");
  const __mmask16 loaded = (__mmask16)((1u << lanes) - 1);
  const int64_t panel_elements = (int64_t)lanes * length;
  __m512 sums[PANELS][TOKENS];
  for (int p = 0; p < PANELS; p++) {
    for (int t = 0; t < TOKENS; t++) {
      sums[p][t] = _mm512_setzero_ps();
    }
  }

  // Each input's column times every token, the sums in input order.
  auto step = [&](int64_t k) {
    __m512 columns[PANELS];
    for (int p = 0; p < PANELS; p++) {
      columns[p] = column<Kind, FULL>(w + p * panel_elements, lanes, k, loaded);
    }

    for (int t = 0; t < TOKENS; t++) {
      const __m512 activation = _mm512_set1_ps(x[k * TOKENS + t]);
      for (int p = 0; p < PANELS; p++) {
        sums[p][t] = _mm512_fmadd_ps(columns[p], activation, sums[p][t]);
      }
    }
  };

  // Two columns of a full panel fill a cache line: the requests go out once per pair of columns, for the next block's
  // share spread evenly over them, else for this panel's own weights kPrefetchBytes ahead (the panels after it).
  const char* next = ahead.next;
  const char* const next_end = next + ahead.bytes;
  const int64_t pairs = length / 2 > 0 ? length / 2 : 1;
  const int64_t next_per_pair = ahead.bytes > 0 ? (ahead.bytes + pairs * parley::kCacheLine - 1) / (pairs * parley::kCacheLine) * parley::kCacheLine : 0;
  int64_t k = 0;
  for (; k + 2 <= length; k += 2) {
    if (ahead.bytes > 0) {
      for (const char* stop = next + next_per_pair; next < stop && next < next_end; next += parley::kCacheLine) {
        _mm_prefetch(next, _MM_HINT_T1);
      }
    } else {
      for (int p = 0; p < PANELS; p++) {
        _mm_prefetch((const char*)(w + p * panel_elements + k * lanes) + parley::kPrefetchBytes, _MM_HINT_T1);
      }
    }

    step(k);
    step(k + 1);
  }

  if (k < length) {
    step(k);
  }

  for (int t = 0; t < TOKENS; t++) {
    for (int p = 0; p < PANELS; p++) {
      float* out = y + t * y_stride + p * kLanes;
      const __m512 total = accumulate ? _mm512_add_ps(sums[p][t], _mm512_maskz_loadu_ps(stored, out)) : sums[p][t];
      _mm512_mask_storeu_ps(out, stored, total);
    }
  }
}

template <typename Kind, int TOKENS>
void panel_tokens(const uint16_t* w, int lanes, int length, const float* x, float* y, int64_t y_stride, int accumulate,
                  __mmask16 stored, parley::Ahead ahead) {
  if (lanes == kLanes) {
    panels<Kind, 1, TOKENS, true>(w, lanes, length, x, y, y_stride, accumulate, stored, ahead);
  } else {
    panels<Kind, 1, TOKENS, false>(w, lanes, length, x, y, y_stride, accumulate, stored, ahead);
  }
}

template <typename Kind, int TOKENS>
void panel_pair(const uint16_t* w, int, int length, const float* x, float* y, int64_t y_stride, int accumulate, __mmask16, parley::Ahead ahead) {
  panels<Kind, 2, TOKENS, true>(w, kLanes, length, x, y, y_stride, accumulate, 0xFFFF, ahead);
}

using PanelTile = void (*)(const uint16_t*, int, int, const float*, float*, int64_t, int, __mmask16, parley::Ahead);

// A few tokens hold too few sums to hide the multiply-adds' latency (4 cycles, two a cycle: 8 chains): up to
// kMaxPairedTokens tokens, two full panels go together, each sum still a chain over the inputs in order.
constexpr int kMaxPairedTokens = 8;

template <typename Kind>
struct Tiles {
  static constexpr PanelTile kByTokens[kMaxTokens] = {
      panel_tokens<Kind, 1>,  panel_tokens<Kind, 2>,  panel_tokens<Kind, 3>,  panel_tokens<Kind, 4>,  panel_tokens<Kind, 5>,  panel_tokens<Kind, 6>,
      panel_tokens<Kind, 7>,  panel_tokens<Kind, 8>,  panel_tokens<Kind, 9>,  panel_tokens<Kind, 10>, panel_tokens<Kind, 11>, panel_tokens<Kind, 12>,
      panel_tokens<Kind, 13>, panel_tokens<Kind, 14>, panel_tokens<Kind, 15>, panel_tokens<Kind, 16>,
  };
  static constexpr PanelTile kPairsByTokens[kMaxPairedTokens] = {
      panel_pair<Kind, 1>, panel_pair<Kind, 2>, panel_pair<Kind, 3>, panel_pair<Kind, 4>,
      panel_pair<Kind, 5>, panel_pair<Kind, 6>, panel_pair<Kind, 7>, panel_pair<Kind, 8>,
  };
};

// `panel_count` 1, or 2 (full panels, every lane stored, at most kMaxPairedTokens tokens; the managed caller checks).
template <typename Kind>
void tile(int panel_count, int lanes, int tokens, const uint16_t* panel, int length, const float* x, float* y, int64_t y_stride, int accumulate,
          uint32_t stored, const void* prefetch, int64_t prefetch_bytes) {
  const PanelTile call = panel_count == 2 ? Tiles<Kind>::kPairsByTokens[tokens - 1] : Tiles<Kind>::kByTokens[tokens - 1];
  call(panel, lanes, length, x, y, y_stride, accumulate, (__mmask16)stored, parley::Ahead{(const char*)prefetch, prefetch_bytes});
}

// One token times `panel_count` full panels, two at a time: one token's sums are a chain of dependent multiply-adds
// per panel, and two chains keep the multiply-adds' latency hidden behind the weights' reads.
template <typename Kind>
void gemv(int panel_count, const uint16_t* w, int length, const float* x, float* y, int accumulate) {
  const int64_t panel_elements = (int64_t)kLanes * length;
  int p = 0;
  for (; p + 2 <= panel_count; p += 2) {
    panels<Kind, 2, 1, true>(w + p * panel_elements, kLanes, length, x, y + p * kLanes, 0, accumulate, 0xFFFF, parley::Ahead{nullptr, 0});
  }

  if (p < panel_count) {
    panels<Kind, 1, 1, true>(w + p * panel_elements, kLanes, length, x, y + p * kLanes, 0, accumulate, 0xFFFF, parley::Ahead{nullptr, 0});
  }
}

}  // namespace

extern "C" {

// `panel_count` (1, or 2 full ones) panels of `lanes` (1 to 16) rows times `tokens` (1 to 16) tokens, their
// activations interleaved, storing the lanes set in `stored`; the managed caller checks the ranges.
__attribute__((visibility("default"))) void parley_f16_panel_tile(int panel_count, int lanes, int tokens, const uint16_t* panel, int length,
                                                                  const float* x, float* y, int64_t y_stride, int accumulate, uint32_t stored,
                                                                  const void* prefetch, int64_t prefetch_bytes) {
  tile<Float16>(panel_count, lanes, tokens, panel, length, x, y, y_stride, accumulate, stored, prefetch, prefetch_bytes);
}

__attribute__((visibility("default"))) void parley_bf16_panel_tile(int panel_count, int lanes, int tokens, const uint16_t* panel, int length,
                                                                   const float* x, float* y, int64_t y_stride, int accumulate, uint32_t stored,
                                                                   const void* prefetch, int64_t prefetch_bytes) {
  tile<BFloat16>(panel_count, lanes, tokens, panel, length, x, y, y_stride, accumulate, stored, prefetch, prefetch_bytes);
}

__attribute__((visibility("default"))) void parley_f16_panel_gemv(int panel_count, const uint16_t* w, int length, const float* x, float* y,
                                                                  int accumulate) {
  gemv<Float16>(panel_count, w, length, x, y, accumulate);
}

__attribute__((visibility("default"))) void parley_bf16_panel_gemv(int panel_count, const uint16_t* w, int length, const float* x, float* y,
                                                                   int accumulate) {
  gemv<BFloat16>(panel_count, w, length, x, y, accumulate);
}

// Inputs [k_begin, k_end) of one token tile's `tokens` (1 to 16) rows of activations, x[t·length + k], written
// interleaved, destination[k·tokens + t], and rounded to bf16 (kept as float32) where `round` is set. One gather a
// column, rather than a scalar write a value: interleaving Qwen2-0.5B's 16-sequence step one value at a time took
// 10 ms of its 80.
__attribute__((visibility("default"))) void parley_panel_interleave(const float* x, float* destination, int length, int tokens, int k_begin,
                                                                    int k_end, int round) {
  const __mmask16 mask = (__mmask16)((1u << tokens) - 1);
  const __m512i rows = _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0), _mm512_set1_epi32(length));
  for (int64_t k = k_begin; k < k_end; k++) {
    const __m512 column = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mask, rows, x + k, 4);
    _mm512_mask_storeu_ps(destination + k * tokens, mask,
                          round ? _mm512_castsi512_ps(parley::round_to_bfloat16(_mm512_castps_si512(column))) : column);
  }
}

}  // extern "C"

#pragma GCC pop_options
