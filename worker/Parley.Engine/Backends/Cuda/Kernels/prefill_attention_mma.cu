// Causal prefill attention on tensor cores (tensor_core.cuh), FlashAttention-2 style (Dao, 2023), for 16-bit KV caches
// and head_dim a multiple of 16 up to MAX_HEAD_DIM; other shapes run prefill_attention.cu. A block takes a tile of up
// to 16 consecutive tokens of one sequence (the same tiles as prefill_attention) and up to WARPS query heads of one kv
// head's group, one head per warp (blockIdx.z picks which WARPS of the group), so each KV block of the paged cache
// (prefix-cached or just written) is staged in shared memory once for all of them: K as it is stored, V transposed.
// Per KV block a warp computes S = Q·Kᵀ (16 tokens × 16 positions, head_dim / 16 × 2 mma steps), masks what a token
// may not see, updates its online softmax (Milakov & Gimelshein, 2018) row by row, and adds P·V (head_dim / 8 mma
// steps), with P passed from the S accumulators to the A fragments in registers. Queries and P are rounded to the
// cache's dtype for the multiply; sums stay in f32.
//
// Bytes per call (tiles of 16 tokens; sequence s with T_s new tokens and context C_s; Hkv, Hq heads; D head_dim; e cache
// bytes): reads, per tile and kv head, the K and V of the context the tile sees, Σ_s ceil(T_s / 16) · C_s · 2 · Hkv · D · e
// in all, and q's T·Hq·D·4; writes T·Hq·D·(output bytes). prefill_attention.cu reads the same K/V per query head, group
// times more. For a 1,000-token prompt the K/V traffic is ~63 · 500 positions · 2·Hkv·D·e (Qwen2-1.5B: 16 MB a layer, from
// L2 mostly), and the work 4·T²/2·Hq·D FLOPs (1.6 GFLOP a layer) on tensor cores: well under the GEMMs' share of TTFT.
// grid: (tiles, Hkv, ceil(group / WARPS)); block: WARPS × 32
// q [T, Hq, D] f32; caches [blocks, Hkv, BLOCK_SIZE, D] (dtype: f16 or bf16); block_tables [sequences, max_blocks];
// seq_of_token [T]; positions [T]; tiles [n, 2] = (first token, token count); out [T, Hq, D] (out_dtype)
#define WARPS 4
#define TILE 16
#define MAX_HEAD_DIM 128
#define STAGE_ROUND 8
// Words of one staged row: K's MAX_HEAD_DIM halves plus 4 words of padding, Vᵀ's BLOCK_SIZE halves plus 4, so the lanes
// of a fragment load fall in 32 different banks.
#define K_WORDS (MAX_HEAD_DIM / 2 + 4)
#define V_WORDS (BLOCK_SIZE / 2 + 4)

// The most of a row's scores over the 4 lanes that hold them (a lane group's t = 0..3), and their sum.
__device__ __forceinline__ float quad_max(float v)
{
    v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, 1));
    return fmaxf(v, __shfl_xor_sync(0xffffffffu, v, 2));
}

__device__ __forceinline__ float quad_sum(float v)
{
    v += __shfl_xor_sync(0xffffffffu, v, 1);
    return v + __shfl_xor_sync(0xffffffffu, v, 2);
}

__device__ __forceinline__ u16 to_half(float v, int dtype) { return dtype == DTYPE_BF16 ? float_to_bf16(v) : float_to_f16(v); }

extern "C" __global__ void __launch_bounds__(WARPS * 32) prefill_attention_mma(const float* q, const u16* k_cache, const u16* v_cache,
    int dtype, const int* block_tables, int max_blocks, const int* seq_of_token, const int* positions, const int* tiles,
    int q_heads, int kv_heads, int head_dim, float scale, void* out, int out_dtype)
{
    __shared__ unsigned keys[BLOCK_SIZE][K_WORDS];       // [position][d pairs]: B of S = Q·Kᵀ, column by column
    __shared__ unsigned values[MAX_HEAD_DIM][V_WORDS];   // [d][position pairs]: B of O = P·V, column by column
    int first = tiles[2 * blockIdx.x], count = tiles[2 * blockIdx.x + 1];
    int kv_head = blockIdx.y, group = q_heads / kv_heads, member = blockIdx.z * WARPS + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31, g = lane >> 2, t = lane & 3, steps = head_dim / 16;
    bool has_head = member < group;   // uniform across the warp
    int head = kv_head * group + (has_head ? member : 0);
    const int* table = block_tables + (i64)seq_of_token[first] * max_blocks;
    int context = positions[first + count - 1] + 1;

    // Rows g and g + 8 of the tile: this lane's two tokens. A row past the tile sees nothing and is not stored.
    int row_position[2];
    float m[2], l[2];
    unsigned qa[MAX_HEAD_DIM / 16][4];
    float o[MAX_HEAD_DIM / 8][4];
#pragma unroll
    for (int r = 0; r < 2; r++)
    {
        row_position[r] = g + 8 * r < count ? positions[first + g + 8 * r] : -1;
        m[r] = NEG_INF;
        l[r] = 0.f;
    }
#pragma unroll
    for (int kc = 0; kc < MAX_HEAD_DIM / 16; kc++)
#pragma unroll
        for (int i = 0; i < 4; i++)
        {
            int r = i & 1, d = 16 * kc + 2 * t + 8 * (i >> 1);
            const float* query = q + ((i64)(first + g + 8 * r) * q_heads + head) * head_dim;
            bool valid = kc < steps && row_position[r] >= 0;
            qa[kc][i] = valid ? mma_pack(to_half(query[d] * scale, dtype), to_half(query[d + 1] * scale, dtype)) : 0u;
        }
#pragma unroll
    for (int ni = 0; ni < MAX_HEAD_DIM / 8; ni++)
#pragma unroll
        for (int i = 0; i < 4; i++) o[ni][i] = 0.f;
    int last_position = max(row_position[0], row_position[1]);
    last_position = max(last_position, __shfl_xor_sync(0xffffffffu, last_position, 4));
    last_position = max(last_position, __shfl_xor_sync(0xffffffffu, last_position, 8));
    last_position = max(last_position, __shfl_xor_sync(0xffffffffu, last_position, 16));   // the warp's last token

    for (int start = 0; start < context; start += BLOCK_SIZE)
    {
        int n = min(BLOCK_SIZE, context - start);
        i64 base = ((i64)table[start / BLOCK_SIZE] * kv_heads + kv_head) * BLOCK_SIZE * head_dim;
        __syncthreads();
        // Positions past n are zeros: their scores are masked, and P·V must not meet stale values there. Each thread has
        // STAGE_ROUND words of K and of V in flight before it stores any: one load then its store per word waited a
        // memory latency each time, which made most of this kernel's time on an H200 (420 µs a layer for 1,000 tokens).
        const unsigned *k_words = (const unsigned*)(k_cache + base), *v_words = (const unsigned*)(v_cache + base);
        int words = BLOCK_SIZE * (head_dim / 2);
        for (int chunk = 0; chunk < words; chunk += STAGE_ROUND * blockDim.x)
        {
            unsigned k2[STAGE_ROUND], v2[STAGE_ROUND];
#pragma unroll
            for (int r = 0; r < STAGE_ROUND; r++)
            {
                int index = chunk + r * blockDim.x + threadIdx.x;
                bool live = index < words && index / (head_dim / 2) < n;
                k2[r] = live ? k_words[index] : 0u;
                v2[r] = live ? v_words[index] : 0u;
            }
#pragma unroll
            for (int r = 0; r < STAGE_ROUND; r++)
            {
                int index = chunk + r * blockDim.x + threadIdx.x, slot = index / (head_dim / 2), pair = index % (head_dim / 2);
                if (index >= words) continue;
                keys[slot][pair] = k2[r];
                ((u16*)values[2 * pair])[slot] = (u16)v2[r];
                ((u16*)values[2 * pair + 1])[slot] = (u16)(v2[r] >> 16);
            }
        }
        __syncthreads();
        if (!has_head || start > last_position) continue;

        float s[2][4];
#pragma unroll
        for (int ni = 0; ni < 2; ni++)
        {
#pragma unroll
            for (int i = 0; i < 4; i++) s[ni][i] = 0.f;
#pragma unroll
            for (int kc = 0; kc < MAX_HEAD_DIM / 16; kc++)
            {
                if (kc >= steps) break;
                unsigned b[2] = { keys[8 * ni + g][8 * kc + t], keys[8 * ni + g][8 * kc + t + 4] };
                mma_16x8x16(s[ni], qa[kc], b, dtype);
            }
        }

        // Row r's scores are s[ni][2r], s[ni][2r + 1] at positions start + 8·ni + 2t (+1).
        unsigned pa[4];
#pragma unroll
        for (int r = 0; r < 2; r++)
        {
            float row_max = NEG_INF;
#pragma unroll
            for (int ni = 0; ni < 2; ni++)
#pragma unroll
                for (int e = 0; e < 2; e++)
                {
                    int p = start + 8 * ni + 2 * t + e;
                    if (p >= start + n || p > row_position[r]) s[ni][2 * r + e] = NEG_INF;
                    row_max = fmaxf(row_max, s[ni][2 * r + e]);
                }
            float m_new = fmaxf(m[r], quad_max(row_max));
            float shift = m_new == NEG_INF ? 0.f : m_new;   // a row that has seen nothing yet stays at zero
            float correction = expf(m[r] - shift), row_sum = 0.f;
#pragma unroll
            for (int ni = 0; ni < 2; ni++)
#pragma unroll
                for (int e = 0; e < 2; e++)
                {
                    s[ni][2 * r + e] = expf(s[ni][2 * r + e] - shift);
                    row_sum += s[ni][2 * r + e];
                }
            l[r] = l[r] * correction + quad_sum(row_sum);
            m[r] = m_new;
#pragma unroll
            for (int ni = 0; ni < MAX_HEAD_DIM / 8; ni++)
            {
                o[ni][2 * r] *= correction;
                o[ni][2 * r + 1] *= correction;
            }
            // P's A fragment: a[r] holds row g + 8r at k = 2t, 2t+1 (n-tile 0), a[r + 2] at k = 2t + 8, 2t + 9 (n-tile 1).
            pa[r] = mma_pack(to_half(s[0][2 * r], dtype), to_half(s[0][2 * r + 1], dtype));
            pa[r + 2] = mma_pack(to_half(s[1][2 * r], dtype), to_half(s[1][2 * r + 1], dtype));
        }

#pragma unroll
        for (int ni = 0; ni < MAX_HEAD_DIM / 8; ni++)
        {
            if (ni >= head_dim / 8) break;
            unsigned b[2] = { values[8 * ni + g][t], values[8 * ni + g][t + 4] };
            mma_16x8x16(o[ni], pa, b, dtype);
        }
    }

    if (!has_head) return;
#pragma unroll
    for (int r = 0; r < 2; r++)
    {
        if (row_position[r] < 0) continue;
        i64 row = ((i64)(first + g + 8 * r) * q_heads + head) * head_dim;
#pragma unroll
        for (int ni = 0; ni < MAX_HEAD_DIM / 8; ni++)
        {
            if (ni >= head_dim / 8) break;
            store(out, row + 8 * ni + 2 * t, o[ni][2 * r] / l[r], out_dtype);
            store(out, row + 8 * ni + 2 * t + 1, o[ni][2 * r + 1] / l[r], out_dtype);
        }
    }
}
