// Decode attention (one query token per sequence) over the paged KV cache, split over the context as in
// flash-decoding (Dao et al., 2023): a long context at batch 1 would otherwise give a handful of blocks to a GPU of a
// hundred SMs. Block (split, kv head, token) takes an even share of the token's KV blocks and every query head of the
// kv head's grouped-query group (Ainslie et al., 2023): each KV block is staged once in shared memory and read there by
// all the group's heads, so K and V leave HBM once per group instead of once per query head. Each warp keeps an online
// softmax (Milakov & Gimelshein, 2018) for up to HEADS_PER_WARP heads; groups larger than one pass (GROUP_PASS heads)
// stream the split again per pass. With one split the result is written directly; otherwise each split writes its
// unnormalised sum, max and normaliser, and decode_attention_reduce merges the splits.
// A warp takes a staged KV block's 16 positions at once rather than one after another: lane (slot, half) scores one
// position against half the head, a shuffle joins the halves, and the block's max and sum cost one warp reduction each,
// so the running max rescales the accumulator once per KV block. One position at a time made every position wait on a
// five-shuffle reduction and two exponentials in a row (about 600 cycles per head and position on an H200, 43 µs for
// Qwen2-1.5B's layer at a 1,000-token context, where the bytes take a fraction of a microsecond).
//
// Bytes per call (T tokens, context C, Hkv kv heads, Hq query heads, D head_dim, e bytes per cache element, S splits):
// reads K and V once per kv head, 2·T·C·Hkv·D·e (Llama-3-8B at C = 1,000: 4.1 MB a layer in bf16), and q's T·Hq·D·4;
// writes T·Hq·D·(output bytes), or with S > 1 the partials T·Hq·S·(D + 2)·4, read once by the reduction. The
// partials are (D + 2)·4·S / (2·C·e/group) of the K/V bytes, a few per cent at long contexts, where splitting matters.
// Bound: HBM at 2·T·C·Hkv·D·e; the old kernel (a block per query head) asked for group × as many bytes, mostly from L2.
// grid: (S, Hkv, T); block: WARPS × 32
// q [T, Hq, D] f32; caches [blocks, Hkv, BLOCK_SIZE, D] (dtype); block_tables [sequences, max_blocks]; seq_of_token [T];
// positions [T]; out [T, Hq, D] (out_dtype); partial [T, Hq, S, D + 2] f32 (sum, then max and normaliser), S > 1 only
#define WARPS 4
#define MAX_HEAD_DIM 256
#define PER_LANE (MAX_HEAD_DIM / 32)
#define HEADS_PER_WARP 4
#define GROUP_PASS (WARPS * HEADS_PER_WARP)

// Loads 16-bit element pairs or f32 elements (one 32-bit word each) as floats.
__device__ __forceinline__ float low_half(unsigned word, int dtype) { return dtype == DTYPE_BF16 ? bf16_to_float((u16)word) : f16_to_float((u16)word); }
__device__ __forceinline__ float high_half(unsigned word, int dtype) { return dtype == DTYPE_BF16 ? bf16_to_float((u16)(word >> 16)) : f16_to_float((u16)(word >> 16)); }

// Stages n positions of one kv head's K and V (starting at element `base` of each cache) in shared memory as floats.
// Each thread issues STAGE_ROUND word loads of K and of V before it converts and stores any of them: a loop that stored
// each element before loading the next waited a whole memory latency per element, 16 round trips per thread and KV
// block, which made the first version of this kernel slow at every context length. Odd head sizes, whose 16-bit pairs
// would straddle two positions, take the element-by-element loop.
#define STAGE_ROUND 8
__device__ __forceinline__ void stage_kv(const void* k_cache, const void* v_cache, int dtype, i64 base, int n, int head_dim,
    float (*keys)[MAX_HEAD_DIM + 1], float (*values)[MAX_HEAD_DIM])
{
    if (dtype != DTYPE_F32 && head_dim % 2 != 0)
    {
        for (int index = threadIdx.x; index < n * head_dim; index += blockDim.x)
        {
            keys[index / head_dim][index % head_dim] = load(k_cache, base + index, dtype);
            values[index / head_dim][index % head_dim] = load(v_cache, base + index, dtype);
        }
        return;
    }
    int per_word = dtype == DTYPE_F32 ? 1 : 2, words = n * head_dim / per_word;
    const unsigned* k = (const unsigned*)k_cache + base / per_word;
    const unsigned* v = (const unsigned*)v_cache + base / per_word;
    for (int first = 0; first < words; first += STAGE_ROUND * blockDim.x)
    {
        unsigned kw[STAGE_ROUND], vw[STAGE_ROUND];
#pragma unroll
        for (int r = 0; r < STAGE_ROUND; r++)
        {
            int w = first + r * blockDim.x + threadIdx.x;
            kw[r] = w < words ? k[w] : 0u;
            vw[r] = w < words ? v[w] : 0u;
        }
#pragma unroll
        for (int r = 0; r < STAGE_ROUND; r++)
        {
            int w = first + r * blockDim.x + threadIdx.x;
            if (w >= words) continue;
            int e = w * per_word, slot = e / head_dim, d = e % head_dim;
            if (per_word == 1)
            {
                keys[slot][d] = __uint_as_float(kw[r]);
                values[slot][d] = __uint_as_float(vw[r]);
                continue;
            }
            keys[slot][d] = low_half(kw[r], dtype);
            keys[slot][d + 1] = high_half(kw[r], dtype);
            values[slot][d] = low_half(vw[r], dtype);
            values[slot][d + 1] = high_half(vw[r], dtype);
        }
    }
}

// Folds one staged KV block of n positions (n ≤ BLOCK_SIZE ≤ 16) into one head's online softmax. The query is read
// from global memory (it is a few hundred bytes, in L1 after the first block), already scaled. Keys rows are padded by
// one float so the 16 slots' lanes, reading the same element of different rows, hit different banks.
template <int N>
__device__ __forceinline__ void online_softmax_block(const float* query, float scale, const float (*keys)[MAX_HEAD_DIM + 1],
    const float (*values)[MAX_HEAD_DIM], int n, int head_dim, int lane, float& m, float& l, float (&acc)[N])
{
    int slot = lane & 15, half = lane >> 4, span = (head_dim + 1) / 2, first = half * span, last = min(head_dim, first + span);
    // Four running sums: one chain of dependent multiply-adds would wait on each other's latency.
    float s0 = 0.f, s1 = 0.f, s2 = 0.f, s3 = 0.f;
    if (slot < n)
    {
        const float* key = keys[slot];
        int d = first;
        for (; d + 3 < last; d += 4)
        {
            s0 += query[d] * key[d];
            s1 += query[d + 1] * key[d + 1];
            s2 += query[d + 2] * key[d + 2];
            s3 += query[d + 3] * key[d + 3];
        }
        for (; d < last; d++) s0 += query[d] * key[d];
    }
    float s = (s0 + s1) + (s2 + s3);
    s += __shfl_xor_sync(0xffffffffu, s, 16);
    s = slot < n ? s * scale : NEG_INF;
    float m_new = fmaxf(m, warp_max(s)), p = slot < n ? expf(s - m_new) : 0.f;
    float correction = expf(m - m_new);
    l = l * correction + warp_sum(half == 0 ? p : 0.f);
#pragma unroll
    for (int j = 0; j < N; j++) acc[j] *= correction;
    for (int source = 0; source < n; source++)
    {
        float weight = __shfl_sync(0xffffffffu, p, source);
#pragma unroll
        for (int j = 0; j < N; j++)
        {
            int d = lane + 32 * j;
            if (d < head_dim) acc[j] += weight * values[source][d];
        }
    }
    m = m_new;
}

extern "C" __global__ void __launch_bounds__(WARPS * 32) decode_attention(const float* q, const void* k_cache, const void* v_cache,
    int dtype, const int* block_tables, int max_blocks, const int* seq_of_token, const int* positions,
    int q_heads, int kv_heads, int head_dim, float scale, void* out, int out_dtype, float* partial)
{
    __shared__ float keys[BLOCK_SIZE][MAX_HEAD_DIM + 1], values[BLOCK_SIZE][MAX_HEAD_DIM];
    int split = blockIdx.x, splits = gridDim.x, kv_head = blockIdx.y, t = blockIdx.z;
    int group = q_heads / kv_heads, lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    int context = positions[t] + 1;
    const int* table = block_tables + (i64)seq_of_token[t] * max_blocks;
    int per_split = ((context + BLOCK_SIZE - 1) / BLOCK_SIZE + splits - 1) / splits;   // KV blocks per split
    int begin = min(context, split * per_split * BLOCK_SIZE), end = min(context, (split + 1) * per_split * BLOCK_SIZE);

    for (int pass = 0; pass < group; pass += GROUP_PASS)
    {
        float acc[HEADS_PER_WARP][PER_LANE], m[HEADS_PER_WARP], l[HEADS_PER_WARP];
        const float* query[HEADS_PER_WARP];
#pragma unroll
        for (int r = 0; r < HEADS_PER_WARP; r++)
        {
            int member = pass + warp + WARPS * r;
            query[r] = q + ((i64)t * q_heads + kv_head * group + (member < group ? member : 0)) * head_dim;
            m[r] = NEG_INF;
            l[r] = 0.f;
#pragma unroll
            for (int j = 0; j < PER_LANE; j++) acc[r][j] = 0.f;
        }

        for (int start = begin; start < end; start += BLOCK_SIZE)
        {
            int n = min(BLOCK_SIZE, end - start);
            i64 base = ((i64)table[start / BLOCK_SIZE] * kv_heads + kv_head) * BLOCK_SIZE * head_dim;
            __syncthreads();
            stage_kv(k_cache, v_cache, dtype, base, n, head_dim, keys, values);
            __syncthreads();

#pragma unroll
            for (int r = 0; r < HEADS_PER_WARP; r++)
            {
                if (pass + warp + WARPS * r >= group) continue;   // uniform across the warp
                online_softmax_block(query[r], scale, keys, values, n, head_dim, lane, m[r], l[r], acc[r]);
            }
        }

#pragma unroll
        for (int r = 0; r < HEADS_PER_WARP; r++)
        {
            int member = pass + warp + WARPS * r;
            if (member >= group) continue;
            i64 head = (i64)t * q_heads + kv_head * group + member;
            if (splits == 1)
            {
#pragma unroll
                for (int j = 0; j < PER_LANE; j++)
                {
                    int d = lane + 32 * j;
                    if (d < head_dim) store(out, head * head_dim + d, acc[r][j] / l[r], out_dtype);
                }
                continue;
            }
            float* row = partial + (head * splits + split) * (head_dim + 2);
#pragma unroll
            for (int j = 0; j < PER_LANE; j++)
            {
                int d = lane + 32 * j;
                if (d < head_dim) row[d] = acc[r][j];
            }
            if (lane == 0)
            {
                row[head_dim] = m[r];   // NEG_INF with l = 0 for a split past the context: it adds nothing
                row[head_dim + 1] = l[r];
            }
        }
    }
}

// Merges the splits of one (token, query head): out = Σ_s e^(m_s − M) · sum_s / Σ_s e^(m_s − M) · l_s, M = max_s m_s.
// Thread s reads split s's max and normaliser (splits ≤ DecodeAttentionSplits.MaxSplits = MAX_SPLITS ≤ blockDim.x), so
// the weights cost one block reduction each; then each thread sums its elements of the rows over the splits. Every
// thread walking every split's max and normaliser one load after another took 11 µs on an H200 at 64 splits.
// Bytes per call: reads T·Hq·S·(D + 2)·4, writes T·Hq·D·(output bytes).
// grid: (T, Hq); block: at least MAX_SPLITS threads, a multiple of 32
#define MAX_SPLITS 64
extern "C" __global__ void decode_attention_reduce(const float* partial, int splits, int q_heads, int head_dim, void* out, int out_dtype)
{
    __shared__ float weights[MAX_SPLITS];
    i64 head = (i64)blockIdx.x * q_heads + blockIdx.y;
    const float* rows = partial + head * splits * (head_dim + 2);
    int s = threadIdx.x;
    float m = s < splits ? rows[s * (head_dim + 2) + head_dim] : NEG_INF;
    float total_max = block_max(m);
    float weight = m != NEG_INF ? expf(m - total_max) : 0.f;   // a split past the context adds nothing
    float norm = block_sum(s < splits ? weight * rows[s * (head_dim + 2) + head_dim + 1] : 0.f);
    if (s < splits) weights[s] = weight;
    __syncthreads();
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x)
    {
        float o = 0.f;
#pragma unroll 4
        for (int split = 0; split < splits; split++) o += rows[split * (head_dim + 2) + d] * weights[split];
        store(out, head * head_dim + d, o / norm, out_dtype);
    }
}
