// Rotary embedding (Su et al., 2021) of queries and keys, fused with the store of keys and values into the paged cache
// at slot_mapping[t] = block · BLOCK_SIZE + slot: the rotated keys go straight to the cache instead of back to the f32
// buffer for a second kernel to read. neox "rotate half" layout: element i pairs with i + head_dim/2, turned by
// position · inv_freq[i] (the host computes inv_freq, Llama 3 frequency scaling included). Queries are rotated in place.
// A negative slot marks a padding token (CUDA-graph buckets): its queries are rotated, nothing is stored.
//
// Bytes per call (T tokens, Hq / Hkv heads, D head_dim, e bytes per cache element): reads q, k, v once
// (T·(Hq + 2·Hkv)·D·4), writes q once (T·Hq·D·4) and the cache's T·2·Hkv·D·e. Separate rope and kv_write kernels moved
// T·Hkv·D·8 more (the rotated keys written, then read back) and took two launches more. Bound: HBM, a few hundred KB
// per decode step, so its launch is most of its cost.
// grid: T; block: any (the host gives about four query pairs per thread); head_dim ≤ MAX_HEAD_DIM
// q [T, Hq, D] f32 in place; k, v [T, Hkv, D] f32; positions [T]; inv_freq [D / 2] f32; slot_mapping [T];
// caches [blocks, Hkv, BLOCK_SIZE, D] (dtype)
#define MAX_HEAD_DIM 256

extern "C" __global__ void rope_kv_write(float* q, const float* k, const float* v, const int* positions, const float* inv_freq,
    const int* slot_mapping, void* k_cache, void* v_cache, int dtype, int q_heads, int kv_heads, int head_dim)
{
    // Each angle's cosine and sine once per token, not once per head: every head turns pair i by the same angle.
    __shared__ float cosines[MAX_HEAD_DIM / 2], sines[MAX_HEAD_DIM / 2];
    int half = head_dim / 2, t = blockIdx.x;
    float position = (float)positions[t];
    for (int i = threadIdx.x; i < half; i += blockDim.x)
    {
        float angle = position * inv_freq[i];
        cosines[i] = cosf(angle);
        sines[i] = sinf(angle);
    }
    __syncthreads();
    float* queries = q + (i64)t * q_heads * head_dim;
    for (int pair = threadIdx.x; pair < q_heads * half; pair += blockDim.x)
    {
        int i = pair % half;
        float c = cosines[i], s = sines[i];
        float* x = queries + (pair / half) * head_dim;
        float x1 = x[i], x2 = x[i + half];
        x[i] = x1 * c - x2 * s;
        x[i + half] = x2 * c + x1 * s;
    }

    int slot = slot_mapping[t];
    if (slot < 0) return;
    i64 block = slot / BLOCK_SIZE, offset = slot % BLOCK_SIZE;
    const float* keys = k + (i64)t * kv_heads * head_dim;
    for (int pair = threadIdx.x; pair < kv_heads * half; pair += blockDim.x)
    {
        int head = pair / half, i = pair % half;
        float c = cosines[i], s = sines[i];
        float x1 = keys[head * head_dim + i], x2 = keys[head * head_dim + i + half];
        i64 at = ((block * kv_heads + head) * BLOCK_SIZE + offset) * head_dim;
        store(k_cache, at + i, x1 * c - x2 * s, dtype);
        store(k_cache, at + i + half, x2 * c + x1 * s, dtype);
    }
    const float* values = v + (i64)t * kv_heads * head_dim;
    for (int i = threadIdx.x; i < kv_heads * head_dim; i += blockDim.x)
        store(v_cache, ((block * kv_heads + i / head_dim) * BLOCK_SIZE + offset) * head_dim + i % head_dim, values[i], dtype);
}
