// Stores each token's keys and values into the paged cache at slot_mapping[t] = block · BLOCK_SIZE + slot.
// A negative slot marks a padding token (CUDA-graph buckets) and writes nothing.
// grid: tokens; block: any
// k, v [T, kv_heads, head_dim] f32; caches [blocks, kv_heads, BLOCK_SIZE, head_dim] (dtype)
extern "C" __global__ void kv_write(const float* k, const float* v, const int* slot_mapping, void* k_cache, void* v_cache,
    int dtype, int kv_heads, int head_dim)
{
    int slot = slot_mapping[blockIdx.x];
    if (slot < 0) return;
    int width = kv_heads * head_dim;
    i64 block = slot / BLOCK_SIZE, offset = slot % BLOCK_SIZE;
    for (int i = threadIdx.x; i < width; i += blockDim.x)
    {
        int head = i / head_dim, d = i % head_dim;
        i64 index = ((block * kv_heads + head) * BLOCK_SIZE + offset) * head_dim + d;
        store(k_cache, index, k[(i64)blockIdx.x * width + i], dtype);
        store(v_cache, index, v[(i64)blockIdx.x * width + i], dtype);
    }
}
