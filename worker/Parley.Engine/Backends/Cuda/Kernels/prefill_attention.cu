// Causal attention for prefill chunks, tiled like FlashAttention (Dao et al., 2022): a thread block takes a tile of up
// to TILE consecutive tokens of one sequence and one query head, streams the sequence's KV blocks through shared
// memory once for the whole tile, and keeps an online softmax per query (Milakov & Gimelshein, 2018). Reading each
// KV block once per tile instead of once per token is what makes a 1,000-token prompt cheap; earlier blocks of the
// table (a prefix-cache hit or an earlier chunk) are read the same way as the ones this step wrote.
// Each warp owns TILE / WARPS queries; lane j holds head elements j, j + 32, ...
// grid: (tiles, q_heads); block: WARPS × 32
// q [T, q_heads, head_dim] f32; caches [blocks, kv_heads, BLOCK_SIZE, head_dim] (dtype); block_tables [sequences, max_blocks];
// seq_of_token [T]; positions [T]; tiles [n, 2] = (first token, token count); out [T, q_heads, head_dim] (out_dtype)
#define TILE 16
#define WARPS 4
#define QUERIES (TILE / WARPS)
#define MAX_HEAD_DIM 256
#define PER_LANE (MAX_HEAD_DIM / 32)

// One step of attention's online softmax (flash attention's running max m, running sum l and weighted values acc) for one
// query held by a warp: the query's score against one key, then the key's value folded in. Each lane holds N elements
// of the query and of the accumulator, element d at lane d % 32, index d / 32; elements at or past head_dim are zero.
// (Decode attention folds a whole staged KV block at once instead: decode_attention.cu.)
template <int N>
__device__ __forceinline__ void online_softmax_step(const float (&q)[N], const float* key, const float* value, int head_dim, int lane,
                                                    float& m, float& l, float (&acc)[N])
{
    float s = 0.f;
#pragma unroll
    for (int j = 0; j < N; j++)
    {
        int d = lane + 32 * j;
        if (d < head_dim) s += q[j] * key[d];
    }
    s = warp_sum(s);
    float m_new = fmaxf(m, s), correction = expf(m - m_new), weight = expf(s - m_new);
    l = l * correction + weight;
#pragma unroll
    for (int j = 0; j < N; j++)
    {
        int d = lane + 32 * j;
        acc[j] = acc[j] * correction + (d < head_dim ? weight * value[d] : 0.f);
    }
    m = m_new;
}

extern "C" __global__ void __launch_bounds__(WARPS * 32) prefill_attention(const float* q, const void* k_cache, const void* v_cache,
    int dtype, const int* block_tables, int max_blocks, const int* seq_of_token, const int* positions, const int* tiles,
    int q_heads, int kv_heads, int head_dim, float scale, void* out, int out_dtype)
{
    __shared__ float keys[BLOCK_SIZE][MAX_HEAD_DIM], values[BLOCK_SIZE][MAX_HEAD_DIM];
    int first = tiles[2 * blockIdx.x], count = tiles[2 * blockIdx.x + 1];
    int head = blockIdx.y, kv_head = head / (q_heads / kv_heads);
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int* table = block_tables + (i64)seq_of_token[first] * max_blocks;
    int context = positions[first + count - 1] + 1;

    float qr[QUERIES][PER_LANE], acc[QUERIES][PER_LANE], m[QUERIES], l[QUERIES];
    int position[QUERIES];
#pragma unroll
    for (int r = 0; r < QUERIES; r++)
    {
        int i = warp * QUERIES + r;
        position[r] = i < count ? positions[first + i] : -1;
        m[r] = NEG_INF;
        l[r] = 0.f;
        const float* query = q + ((i64)(first + (i < count ? i : 0)) * q_heads + head) * head_dim;
#pragma unroll
        for (int j = 0; j < PER_LANE; j++)
        {
            int d = lane + 32 * j;
            qr[r][j] = d < head_dim ? query[d] * scale : 0.f;
            acc[r][j] = 0.f;
        }
    }

    for (int start = 0; start < context; start += BLOCK_SIZE)
    {
        int n = min(BLOCK_SIZE, context - start);
        i64 base = ((i64)table[start / BLOCK_SIZE] * kv_heads + kv_head) * BLOCK_SIZE * head_dim;
        __syncthreads();
        for (int index = threadIdx.x; index < n * head_dim; index += blockDim.x)
        {
            int slot = index / head_dim, d = index % head_dim;
            keys[slot][d] = load(k_cache, base + index, dtype);
            values[slot][d] = load(v_cache, base + index, dtype);
        }
        __syncthreads();

#pragma unroll
        for (int r = 0; r < QUERIES; r++)
        {
            int last = min(n, position[r] - start + 1);  // causal: this query sees slots [0, last)
            for (int slot = 0; slot < last; slot++)
            {
                online_softmax_step(qr[r], keys[slot], values[slot], head_dim, lane, m[r], l[r], acc[r]);
            }
        }
    }

#pragma unroll
    for (int r = 0; r < QUERIES; r++)
    {
        if (position[r] < 0) continue;
        i64 row = ((i64)(first + warp * QUERIES + r) * q_heads + head) * head_dim;
#pragma unroll
        for (int j = 0; j < PER_LANE; j++)
        {
            int d = lane + 32 * j;
            if (d < head_dim) store(out, row + d, acc[r][j] / l[r], out_dtype);
        }
    }
}
