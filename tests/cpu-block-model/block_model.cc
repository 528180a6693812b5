// A model of DenseLinear.MultiplyNative's order for 16 tokens, in C++ on the engine's own widened bf16 tile
// (parley_bf16_widened_tile from Native/bf16_widened_dot.cc, linked in by run.sh), to see where a 16-sequence decode
// step's time goes without the engine around it. Each of two threads multiplies 512 MiB of bf16 rows of 896 weights
// (Qwen2-0.5B's hidden size), in huge pages as the engine holds them, by 16 tokens, as the engine does: blocks of 144 rows (256 KiB, CpuLinear.TileBlockRows),
// token tiles of 6 + 5 + 5 outside, 4-row tiles inside. Three orders, alternating, several rounds:
//   l2         every block is the same 256 KiB, so the weights never leave L2: the arithmetic alone;
//   stream     the engine's order: the token tiles over a block already in L2 (every block but the first) each
//              prefetch their share of the next block between their steps; over the first block, the first token tile
//              asks for its own rows ahead of its reads and the two later ones share the next block;
//   own-ahead  no next-block prefetch: every tile only asks for its own rows ahead.
// For each it prints the best and worst of the rounds: the whole product's milliseconds and GFLOP/s, and the
// milliseconds each token tile's passes took (both threads added), which show whether the first token tile found its
// block in L2 and what prefetching the next block cost the tiles that did it.
//
//   bash tests/cpu-block-model/run.sh [rounds]
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

extern "C" {
int parley_bf16_widened_supported(void);
void parley_bf16_round_split(const float* source, float* destination, int64_t length, int64_t tokens);
void parley_bf16_widened_tile(int rows, int tokens, const uint16_t* w, int64_t w_stride, const float* x, int64_t x_stride, int length, float* y,
                              int64_t y_stride, int accumulate, const void* prefetch, int64_t prefetch_bytes, float* partial, int phase);
}

namespace {

constexpr int kLength = 896;
constexpr int kTokens = 16;
constexpr int kTokenTiles = 3;
constexpr int kTileRows = 4;
constexpr int kBlockRows = 256 * 1024 / (kLength * 2) / 8 * 8;
constexpr int64_t kBytesPerThread = 512ll << 20;
constexpr int64_t kRowsPerThread = kBytesPerThread / (kLength * 2) / kBlockRows * kBlockRows;
constexpr int64_t kCacheLine = 64;

enum class Order { InL2, Stream, OwnAhead };
const char* const kOrderNames[] = {"l2", "stream", "own-ahead"};

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

struct Timing {
  double total = 0;
  double passes[kTokenTiles] = {};
};

// One thread's product over its rows, in the order of DenseLinear.MultiplyNative (and Prefetch.Slice's shares).
void multiply(Order order, const uint16_t* weights, const float* x, float* y, Timing& timing) {
  const double start = now();
  for (int64_t begin = 0; begin < kRowsPerThread; begin += kBlockRows) {
    const uint16_t* block = order == Order::InL2 ? weights : weights + begin * kLength;
    const bool last = begin + kBlockRows >= kRowsPerThread;
    const char* next = (const char*)(block + (int64_t)kBlockRows * kLength);
    const int64_t next_bytes = order == Order::Stream && !last ? (int64_t)kBlockRows * kLength * 2 : 0;
    const int first_sharing = begin > 0 ? 0 : 1;  // the block before prefetched this one
    const int64_t steps = (int64_t)(kTokenTiles - first_sharing) * kBlockRows;
    for (int tile = 0, t = 0; tile < kTokenTiles; tile++) {
      const int count = kTokens / kTokenTiles + (tile < kTokens % kTokenTiles ? 1 : 0);
      const double pass_start = now();
      for (int r = 0; r < kBlockRows; r += kTileRows) {
        const int64_t step = (int64_t)(tile - first_sharing) * kBlockRows + r;
        const bool sharing = tile >= first_sharing && next_bytes > 0;
        const int64_t share_begin = sharing ? next_bytes * step / steps / kCacheLine * kCacheLine : 0;
        const int64_t share_end = sharing ? std::min(next_bytes, next_bytes * (step + kTileRows) / steps) : 0;
        parley_bf16_widened_tile(kTileRows, count, block + (int64_t)r * kLength, kLength, x + (int64_t)t * kLength, kLength, kLength, y + r + (int64_t)t * kBlockRows,
                                 kBlockRows, 0, share_end > share_begin ? next + share_begin : nullptr, share_end - share_begin, nullptr, 0);
      }

      timing.passes[tile] += now() - pass_start;
      t += count;
    }
  }

  timing.total = now() - start;
}

struct Summary {
  double best = 1e30, worst = 0;
  double best_passes[kTokenTiles], worst_passes[kTokenTiles];
};

}  // namespace

int main(int argc, char** argv) {
  // test.sh builds and runs this once per test run, so that it keeps building against the engine's tile; a CPU
  // without the instructions cannot run it, which is not a failure of the model.
  if (!parley_bf16_widened_supported()) {
    printf("block model: built; this CPU lacks AVX-512 (F, BW, VL), which the widened bf16 tile needs, so it did not run\n");
    return 0;
  }

  const int rounds = argc > 1 ? atoi(argv[1]) : 5;
  if (rounds < 1) {
    fprintf(stderr, "rounds must be at least 1, not '%s'\n", argv[1]);
    return 1;
  }

  std::vector<float> activations(kTokens * kLength);
  // On a cache line, as the engine holds them (AlignedScratch.cs), so that no 64-byte load straddles two lines.
  float* split = (float*)aligned_alloc(64, sizeof(float) * kTokens * kLength);
  for (size_t i = 0; i < activations.size(); i++) {
    activations[i] = (float)((int)(i * 7919 % 2001) - 1000) / 1000.0f;
  }

  parley_bf16_round_split(activations.data(), split, kLength, kTokens);
  uint16_t* weights[2];
  for (auto& w : weights) {
    // As the engine holds its weights (Models/HugePageMemory.cs): 2 MiB aligned, advised for huge pages before the
    // first touch. A failed advice leaves 4 KiB pages, slower to stream but the same arithmetic.
    w = (uint16_t*)aligned_alloc(2 << 20, kBytesPerThread);
    madvise(w, kBytesPerThread, MADV_HUGEPAGE);
    for (int64_t i = 0; i < kBytesPerThread / 2; i++) {
      w[i] = (uint16_t)(0x3C00 + i % 0x300);  // positive bf16 values from 2^-7 to just under 0.5
    }
  }

  Summary summaries[3];
  for (int round = 0; round < rounds; round++) {
    for (int o = 0; o < 3; o++) {
      Timing timings[2];
      auto run = [&](int thread) {
        std::vector<float> y((size_t)kTokens * kBlockRows);
        multiply((Order)o, weights[thread], split, y.data(), timings[thread]);
      };
      std::thread other(run, 1);
      run(0);
      other.join();
      const double total = std::max(timings[0].total, timings[1].total);
      Summary& s = summaries[o];
      for (int p = 0; p < kTokenTiles; p++) {
        const double pass = timings[0].passes[p] + timings[1].passes[p];
        if (total < s.best) s.best_passes[p] = pass;
        if (total > s.worst) s.worst_passes[p] = pass;
      }
      s.best = std::min(s.best, total);
      s.worst = std::max(s.worst, total);
    }
  }

  const double flops = 2.0 * 2 * kRowsPerThread * kLength * kTokens;
  printf("block model: 2 threads x %lld rows of %d bf16 weights (%.0f MiB each), %d tokens (6 + 5 + 5), blocks of %d rows; best / worst of %d rounds\n\n",
         (long long)kRowsPerThread, kLength, kBytesPerThread / 1048576.0, kTokens, kBlockRows, rounds);
  printf("| order | ms | GFLOP/s | token tile 0 ms | token tile 1 ms | token tile 2 ms |\n|---|---|---|---|---|---|\n");
  for (int o = 0; o < 3; o++) {
    const Summary& s = summaries[o];
    printf("| %s | %.1f / %.1f | %.0f / %.0f | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f |\n", kOrderNames[o], s.best * 1e3, s.worst * 1e3, flops / s.best / 1e9,
           flops / s.worst / 1e9, s.best_passes[0] * 1e3, s.worst_passes[0] * 1e3, s.best_passes[1] * 1e3, s.worst_passes[1] * 1e3, s.best_passes[2] * 1e3,
           s.worst_passes[2] * 1e3);
  }

  for (auto w : weights) {
    free(w);
  }

  free(split);

  return 0;
}
