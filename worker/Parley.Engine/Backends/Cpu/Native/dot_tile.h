// The register tile shared by the native products (bf16_dot.cc, f16_dot.cc), over a Kind that says how weights and
// activations load and multiply: ROWS weight rows x TOKENS tokens, ROWS·TOKENS float32 accumulators held in registers
// over the whole reduction, Kind::kStep elements per step, the last partial step read with masked loads (whose zero
// lanes add nothing). Each file includes this under its own `#pragma GCC target`, so the tiles are compiled for the
// instructions of their kind only and run only after the caller checked the CPU has them.
#pragma once

#include <immintrin.h>
#include <stdint.h>

namespace parley {

// How far ahead of its reads a tile asks for its own weights (prefetcht1, into L2): whole tiles ahead, at least this
// many bytes. Rows lie end to end, so a tile's rows are followed by the next tile's: a single row (decode's Gemv) reads
// one sequential stream, and the request reaches across rows into the next ones. The hardware prefetcher alone left two
// Emerald Rapids cores reading a 1 GiB bf16 matrix row by row at 14-18 GB/s; with requests 4-8 KiB ahead, 20-26 GB/s
// (rows of 896 and 2,048 weights). Requests past the end of the weights are harmless: a prefetch never faults.
constexpr int64_t kPrefetchBytes = 4096;
constexpr int64_t kCacheLine = 64;

// What a tile brings into L2 while it computes: `bytes` from `next` (the caller's next block of rows, while this tile
// rereads rows already in L2), or, when bytes is 0, its own weights ahead of its reads. Spread over the tile's steps,
// the requests go out at the pace of the arithmetic rather than queueing behind one another.
struct Ahead {
  const char* next;
  int64_t bytes;
};

// The totals of four 16-lane sums, in order, each added in the order of _mm512_reduce_add_ps (lanes i, i+8 and
// i+4, i+12 first, then those two, then lanes 0+2 and 1+3 of what is left): a token's outputs are then bit for bit
// those of the same token alone (decode's Gemv, which reduces with _mm512_reduce_add_ps), whatever its tile. Four
// reductions at once take 14 operations where four _mm512_reduce_add_ps take 32.
static inline __m128 sum4(__m512 a, __m512 b, __m512 c, __m512 d) {
  const __m512 ab = _mm512_add_ps(_mm512_shuffle_f32x4(a, b, _MM_SHUFFLE(1, 0, 1, 0)), _mm512_shuffle_f32x4(a, b, _MM_SHUFFLE(3, 2, 3, 2)));
  const __m512 cd = _mm512_add_ps(_mm512_shuffle_f32x4(c, d, _MM_SHUFFLE(1, 0, 1, 0)), _mm512_shuffle_f32x4(c, d, _MM_SHUFFLE(3, 2, 3, 2)));
  const __m512 abcd = _mm512_add_ps(_mm512_shuffle_f32x4(ab, cd, _MM_SHUFFLE(2, 0, 2, 0)), _mm512_shuffle_f32x4(ab, cd, _MM_SHUFFLE(3, 1, 3, 1)));
  const __m512 halves = _mm512_add_ps(abcd, _mm512_permute_ps(abcd, _MM_SHUFFLE(1, 0, 3, 2)));
  const __m512 totals = _mm512_add_ps(halves, _mm512_permute_ps(halves, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm512_castps512_ps128(_mm512_permutexvar_ps(_mm512_set_epi32(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 8, 4, 0), totals));
}

template <typename Kind, int ROWS, int TOKENS, bool MASKED>
inline void step(typename Kind::Sum (&sums)[ROWS][TOKENS], const uint16_t* w, int64_t w_stride, const typename Kind::Activation* x,
                 int64_t x_stride, int i, typename Kind::Mask mask) {
  typename Kind::Weights weights[ROWS];
  for (int r = 0; r < ROWS; r++) {
    weights[r] = MASKED ? Kind::load_weights(w + r * w_stride + i, mask) : Kind::load_weights(w + r * w_stride + i);
  }

  for (int t = 0; t < TOKENS; t++) {
    const auto activations = MASKED ? Kind::load_activations(x + t * x_stride + i, mask) : Kind::load_activations(x + t * x_stride + i);
    for (int r = 0; r < ROWS; r++) {
      sums[r][t] = Kind::multiply_add(sums[r][t], weights[r], activations);
    }
  }
}

// A product over K in segments (a caller keeping each segment's activations in L1) carries its sums from one segment
// to the next in `partial`: kPartialSums floats a tile, its ROWS·TOKENS sums of 16 lanes, stored as they are, so the
// sums and their final reduction are bit for bit those of one pass over the whole row. With partial null, one pass.
constexpr int kContinues = 1;  // the sums start from those a previous segment left in partial, not from zero
constexpr int kFinishes = 2;   // the sums are reduced into y; else they are left in partial for the next segment
constexpr int kPartialSums = 4 * 6 * 16;

struct Partial {
  float* sums;
  int phase;
};

// y[t·y_stride + r] = (or +=) Σ_i w[r·w_stride + i]·x[t·x_stride + i] for r < ROWS, t < TOKENS.
template <typename Kind, int ROWS, int TOKENS>
void tile(const uint16_t* w, int64_t w_stride, const typename Kind::Activation* x, int64_t x_stride, int length, float* y, int64_t y_stride,
          int accumulate, Ahead ahead, Partial partial) {
  static_assert(sizeof(typename Kind::Sum) == 16 * sizeof(float), "partial sums are 16 float32 lanes");
  static_assert(ROWS * TOKENS * 16 <= kPartialSums, "a tile's partial sums fit the kPartialSums floats its caller gives it");
  typename Kind::Sum sums[ROWS][TOKENS];
  for (int r = 0; r < ROWS; r++) {
    for (int t = 0; t < TOKENS; t++) {
      sums[r][t] = partial.sums != nullptr && (partial.phase & kContinues) ? _mm512_loadu_ps(partial.sums + (r * TOKENS + t) * 16) : Kind::zero();
    }
  }

  const int64_t tile_elements = ROWS * w_stride > 0 ? ROWS * w_stride : 1;
  const int64_t own_ahead = (kPrefetchBytes / (int64_t)sizeof(uint16_t) + tile_elements - 1) / tile_elements * tile_elements;
  const char* next = ahead.next;
  const char* const next_end = next + ahead.bytes;
  const int64_t steps = (length + Kind::kStep - 1) / Kind::kStep;
  const int64_t next_per_step = ahead.bytes > 0 ? (ahead.bytes + steps * kCacheLine - 1) / (steps * kCacheLine) * kCacheLine : 0;
  int i = 0;
  for (; i + Kind::kStep <= length; i += Kind::kStep) {
    if (ahead.bytes > 0) {
      for (const char* stop = next + next_per_step; next < stop && next < next_end; next += kCacheLine) {
        _mm_prefetch(next, _MM_HINT_T1);
      }
    } else if ((i * (int64_t)sizeof(uint16_t)) % kCacheLine == 0) {
      for (int r = 0; r < ROWS; r++) {
        _mm_prefetch((const char*)(w + r * w_stride + i + own_ahead), _MM_HINT_T1);
      }
    }
    step<Kind, ROWS, TOKENS, false>(sums, w, w_stride, x, x_stride, i, 0);
  }

  if (i < length) {
    step<Kind, ROWS, TOKENS, true>(sums, w, w_stride, x, x_stride, i, (typename Kind::Mask)((1ull << (length - i)) - 1));
  }

  if (partial.sums != nullptr && !(partial.phase & kFinishes)) {
    for (int r = 0; r < ROWS; r++) {
      for (int t = 0; t < TOKENS; t++) {
        _mm512_storeu_ps(partial.sums + (r * TOKENS + t) * 16, sums[r][t]);
      }
    }

    return;
  }

  if (ROWS == 1) {
    for (int t = 0; t < TOKENS; t++) {
      const float total = Kind::sum(sums[0][t]);
      float* out = y + t * y_stride;
      *out = accumulate ? *out + total : total;
    }
    return;
  }

  // Rows four at a time; lanes past the last row sum zeros and are not stored.
  for (int t = 0; t < TOKENS; t++) {
    float* out = y + t * y_stride;
    for (int r = 0; r < ROWS; r += 4) {
      const __m512 zero = _mm512_setzero_ps();
      const __mmask8 stored = (__mmask8)((1u << (ROWS - r < 4 ? ROWS - r : 4)) - 1);
      __m128 totals = sum4(sums[r][t], r + 1 < ROWS ? sums[r + 1][t] : zero, r + 2 < ROWS ? sums[r + 2][t] : zero, r + 3 < ROWS ? sums[r + 3][t] : zero);
      if (accumulate) {
        totals = _mm_add_ps(totals, _mm_maskz_loadu_ps(stored, out + r));
      }
      _mm_mask_storeu_ps(out + r, stored, totals);
    }
  }
}

template <typename Kind, int ROWS>
void tile_rows(int tokens, const uint16_t* w, int64_t w_stride, const typename Kind::Activation* x, int64_t x_stride, int length, float* y,
               int64_t y_stride, int accumulate, Ahead ahead, Partial partial) {
  switch (tokens) {
    case 1: tile<Kind, ROWS, 1>(w, w_stride, x, x_stride, length, y, y_stride, accumulate, ahead, partial); break;
    case 2: tile<Kind, ROWS, 2>(w, w_stride, x, x_stride, length, y, y_stride, accumulate, ahead, partial); break;
    case 3: tile<Kind, ROWS, 3>(w, w_stride, x, x_stride, length, y, y_stride, accumulate, ahead, partial); break;
    case 4: tile<Kind, ROWS, 4>(w, w_stride, x, x_stride, length, y, y_stride, accumulate, ahead, partial); break;
    case 5: tile<Kind, ROWS, 5>(w, w_stride, x, x_stride, length, y, y_stride, accumulate, ahead, partial); break;
    default: tile<Kind, ROWS, 6>(w, w_stride, x, x_stride, length, y, y_stride, accumulate, ahead, partial); break;
  }
}

// A tile of 1 to 4 rows by 1 to 6 tokens; the managed caller checks both ranges.
template <typename Kind>
void tile_any(int rows, int tokens, const uint16_t* w, int64_t w_stride, const typename Kind::Activation* x, int64_t x_stride, int length,
              float* y, int64_t y_stride, int accumulate, Ahead ahead, Partial partial) {
  switch (rows) {
    case 1: tile_rows<Kind, 1>(tokens, w, w_stride, x, x_stride, length, y, y_stride, accumulate, ahead, partial); break;
    case 2: tile_rows<Kind, 2>(tokens, w, w_stride, x, x_stride, length, y, y_stride, accumulate, ahead, partial); break;
    case 3: tile_rows<Kind, 3>(tokens, w, w_stride, x, x_stride, length, y, y_stride, accumulate, ahead, partial); break;
    default: tile_rows<Kind, 4>(tokens, w, w_stride, x, x_stride, length, y, y_stride, accumulate, ahead, partial); break;
  }
}

// y[r] = (or +=) Σ_i w[r·w_stride + i]·x[i] for rows r < rows: one token's product, bound by reading the weights. One
// row after another reads them as a single sequential stream, each row asking for the next ones ahead of its reads
// (kPrefetchBytes); tiles of 4 rows interleave four, which two Zen 4 cores read from memory at less than half the rate.
template <typename Kind>
void gemv(int rows, const uint16_t* w, int64_t w_stride, const typename Kind::Activation* x, int length, float* y, int accumulate) {
  for (int r = 0; r < rows; r++) {
    tile<Kind, 1, 1>(w + r * w_stride, w_stride, x, 0, length, y + r, 0, accumulate, Ahead{nullptr, 0}, Partial{nullptr, 0});
  }
}

}  // namespace parley
