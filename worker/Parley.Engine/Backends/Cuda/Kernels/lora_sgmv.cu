// LoRA over a batch that mixes adapters (Punica's approach, Chen et al., 2023): each token's adapter slot selects its
// A and B, so one launch serves every adapter of the step and tokens of the base model (slot -1) add nothing. Two
// steps, as Punica's shrink and expand: u = scale·A·x (r values per token), then y += Bᵀ·u. A table holds each slot's
// A (or Bᵀ) of this layer and projection, 0 where that adapter leaves the projection alone.
// a_table, b_table [slots] u64 device pointers to A [rank, in] and Bᵀ [rank, out] f32; ranks [slots] i32;
// scales [slots] f32; token_slots [T] i32; u [T, max_rank] f32.

// grid: (T, ceil(max_rank / warps)); block: a multiple of 32. One warp per (token, rank row): a dot product over in.
// x [T, in] (x_dtype)
extern "C" __global__ void lora_shrink(const void* x, int x_dtype, int in_features, const int* token_slots, const unsigned long long* a_table,
    const int* ranks, const float* scales, int max_rank, float* u)
{
    int t = blockIdx.x, lane = threadIdx.x & 31;
    int j = blockIdx.y * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (j >= max_rank) return;
    int slot = token_slots[t];
    const float* a = slot >= 0 ? (const float*)a_table[slot] : 0;
    // Uniform across the warp (one token, one row), so warp_sum sees every lane.
    bool active = a != 0 && j < ranks[slot];
    float sum = 0.f;
    if (active)
    {
        for (int i = lane; i < in_features; i += 32) sum += a[(i64)j * in_features + i] * load(x, (i64)t * in_features + i, x_dtype);
        sum = warp_sum(sum);
    }
    if (lane == 0) u[(i64)t * max_rank + j] = active ? scales[slot] * sum : 0.f;
}

// grid-stride over T × out. y [T, out] f32, added to.
extern "C" __global__ void lora_expand(const float* u, int max_rank, const int* token_slots, const unsigned long long* b_table, const int* ranks,
    int out_features, int tokens, float* y)
{
    i64 count = (i64)tokens * out_features;
    for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < count; i += (i64)gridDim.x * blockDim.x)
    {
        int t = (int)(i / out_features), o = (int)(i % out_features);
        int slot = token_slots[t];
        if (slot < 0) continue;
        const float* b = (const float*)b_table[slot];
        if (b == 0) continue;
        int rank = ranks[slot];
        float sum = 0.f;
        for (int j = 0; j < rank; j++) sum += u[(i64)t * max_rank + j] * b[(i64)j * out_features + o];
        y[i] += sum;
    }
}
