// Causal attention (Vaswani et al., 2017) of every token of the batch over its sequence's paged KV cache, with
// grouped-query heads (Ainslie et al., 2023): query head h reads KV head h / (q_heads / kv_heads). Token t attends to
// positions [0, positions[t]], which covers decode (one token) and prefill chunks alike, and reads prefix-cached
// blocks the same way as freshly written ones.
// Each of the block's warps walks every WARPS-th position with an online softmax (Milakov & Gimelshein, 2018):
// a running max m, normaliser l and weighted sum acc, rescaled whenever m grows; the warps' partial results are
// merged at the end. Lane j holds head elements j, j + 32, ... so head_dim may be anything up to MAX_HEAD_DIM.
// grid: (tokens, q_heads); block: WARPS × 32
// q [T, q_heads, head_dim] f32; caches [blocks, kv_heads, BLOCK_SIZE, head_dim] (dtype);
// block_tables [sequences, max_blocks]; seq_of_token [T]; positions [T]; out [T, q_heads, head_dim] (out_dtype)
#define WARPS 4
#define MAX_HEAD_DIM 256
#define PER_LANE (MAX_HEAD_DIM / 32)

extern "C" __global__ void __launch_bounds__(WARPS * 32) paged_attention(const float* q, const void* k_cache, const void* v_cache,
    int dtype, const int* block_tables, int max_blocks, const int* seq_of_token, const int* positions,
    int q_heads, int kv_heads, int head_dim, float scale, void* out, int out_dtype)
{
    __shared__ float warp_max[WARPS], warp_norm[WARPS], warp_acc[WARPS][MAX_HEAD_DIM];
    int t = blockIdx.x, head = blockIdx.y, kv_head = head / (q_heads / kv_heads);
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    int context = positions[t] + 1;
    const int* table = block_tables + (i64)seq_of_token[t] * max_blocks;
    const float* query = q + ((i64)t * q_heads + head) * head_dim;

    float qr[PER_LANE], acc[PER_LANE];
#pragma unroll
    for (int j = 0; j < PER_LANE; j++)
    {
        int d = lane + 32 * j;
        qr[j] = d < head_dim ? query[d] * scale : 0.f;
        acc[j] = 0.f;
    }

    float m = NEG_INF, l = 0.f;
    for (int p = warp; p < context; p += WARPS)
    {
        i64 base = (((i64)table[p / BLOCK_SIZE] * kv_heads + kv_head) * BLOCK_SIZE + p % BLOCK_SIZE) * head_dim;
        float s = 0.f;
#pragma unroll
        for (int j = 0; j < PER_LANE; j++)
        {
            int d = lane + 32 * j;
            if (d < head_dim) s += qr[j] * load(k_cache, base + d, dtype);
        }

        s = warp_sum(s);
        float m_new = fmaxf(m, s), correction = expf(m - m_new), weight = expf(s - m_new);
        l = l * correction + weight;
#pragma unroll
        for (int j = 0; j < PER_LANE; j++)
        {
            int d = lane + 32 * j;
            acc[j] = acc[j] * correction + (d < head_dim ? weight * load(v_cache, base + d, dtype) : 0.f);
        }
        m = m_new;
    }

    if (lane == 0)
    {
        warp_max[warp] = m;
        warp_norm[warp] = l;
    }
#pragma unroll
    for (int j = 0; j < PER_LANE; j++)
    {
        int d = lane + 32 * j;
        if (d < head_dim) warp_acc[warp][d] = acc[j];
    }
    __syncthreads();

    if (warp != 0) return;
    float total_max = NEG_INF, total_norm = 0.f;
    for (int w = 0; w < WARPS; w++) total_max = fmaxf(total_max, warp_max[w]);
    for (int w = 0; w < WARPS; w++)
        if (warp_max[w] != NEG_INF) total_norm += warp_norm[w] * expf(warp_max[w] - total_max);
    for (int d = lane; d < head_dim; d += 32)
    {
        float o = 0.f;
        for (int w = 0; w < WARPS; w++)
            if (warp_max[w] != NEG_INF) o += warp_acc[w][d] * expf(warp_max[w] - total_max);
        store(out, ((i64)t * q_heads + head) * head_dim + d, o / total_norm, out_dtype);
    }
}
