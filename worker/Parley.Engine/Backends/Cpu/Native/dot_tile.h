// The register tile shared by the native products (bf16_dot.cc, f16_dot.cc), over a Kind that says how weights and
// activations load and multiply: ROWS weight rows x TOKENS tokens, ROWS·TOKENS float32 accumulators held in registers
// over the whole reduction, Kind::kStep elements per step, the last partial step read with masked loads (whose zero
// lanes add nothing). Each file includes this under its own `#pragma GCC target`, so the tiles are compiled for the
// instructions of their kind only and run only after the caller checked the CPU has them.
#pragma once

#include <stdint.h>

namespace parley {

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

// y[t·y_stride + r] = (or +=) Σ_i w[r·w_stride + i]·x[t·x_stride + i] for r < ROWS, t < TOKENS.
template <typename Kind, int ROWS, int TOKENS>
void tile(const uint16_t* w, int64_t w_stride, const typename Kind::Activation* x, int64_t x_stride, int length, float* y, int64_t y_stride,
          int accumulate) {
  typename Kind::Sum sums[ROWS][TOKENS];
  for (int r = 0; r < ROWS; r++) {
    for (int t = 0; t < TOKENS; t++) {
      sums[r][t] = Kind::zero();
    }
  }

  int i = 0;
  for (; i + Kind::kStep <= length; i += Kind::kStep) {
    step<Kind, ROWS, TOKENS, false>(sums, w, w_stride, x, x_stride, i, 0);
  }

  if (i < length) {
    step<Kind, ROWS, TOKENS, true>(sums, w, w_stride, x, x_stride, i, (typename Kind::Mask)((1ull << (length - i)) - 1));
  }

  for (int t = 0; t < TOKENS; t++) {
    for (int r = 0; r < ROWS; r++) {
      const float total = Kind::sum(sums[r][t]);
      float* out = y + t * y_stride + r;
      *out = accumulate ? *out + total : total;
    }
  }
}

template <typename Kind, int ROWS>
void tile_rows(int tokens, const uint16_t* w, int64_t w_stride, const typename Kind::Activation* x, int64_t x_stride, int length, float* y,
               int64_t y_stride, int accumulate) {
  switch (tokens) {
    case 1: tile<Kind, ROWS, 1>(w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
    case 2: tile<Kind, ROWS, 2>(w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
    case 3: tile<Kind, ROWS, 3>(w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
    case 4: tile<Kind, ROWS, 4>(w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
    case 5: tile<Kind, ROWS, 5>(w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
    default: tile<Kind, ROWS, 6>(w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
  }
}

// A tile of 1 to 4 rows by 1 to 6 tokens; the managed caller checks both ranges.
template <typename Kind>
void tile_any(int rows, int tokens, const uint16_t* w, int64_t w_stride, const typename Kind::Activation* x, int64_t x_stride, int length,
              float* y, int64_t y_stride, int accumulate) {
  switch (rows) {
    case 1: tile_rows<Kind, 1>(tokens, w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
    case 2: tile_rows<Kind, 2>(tokens, w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
    case 3: tile_rows<Kind, 3>(tokens, w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
    default: tile_rows<Kind, 4>(tokens, w, w_stride, x, x_stride, length, y, y_stride, accumulate); break;
  }
}

// y[r] = (or +=) Σ_i w[r·w_stride + i]·x[i] for rows r < rows: one token's product, bound by reading the weights. One
// row after another reads them as a single sequential stream; tiles of 4 rows interleave four, which two Zen 4 cores
// read from memory at less than half the rate.
template <typename Kind>
void gemv(int rows, const uint16_t* w, int64_t w_stride, const typename Kind::Activation* x, int length, float* y, int accumulate) {
  for (int r = 0; r < rows; r++) {
    tile<Kind, 1, 1>(w + r * w_stride, w_stride, x, 0, length, y + r, 0, accumulate);
  }
}

}  // namespace parley
