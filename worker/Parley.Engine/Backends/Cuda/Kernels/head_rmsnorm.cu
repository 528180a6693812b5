// Qwen3's per-head RMSNorm of queries and keys, in place: one warp per head vector.
// grid: ceil(heads / warps per block); block: multiple of 32
// x [heads, head_dim] f32 (all tokens' heads end to end); weight [head_dim] f32
extern "C" __global__ void head_rmsnorm(float* x, const float* weight, float eps, int head_dim, int heads)
{
    int head = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5), lane = threadIdx.x & 31;
    if (head >= heads) return;
    float* v = x + (i64)head * head_dim;
    float squares = 0.f;
    for (int i = lane; i < head_dim; i += 32) squares += v[i] * v[i];
    float inverse = rsqrtf(warp_sum(squares) / head_dim + eps);
    for (int i = lane; i < head_dim; i += 32) v[i] = v[i] * inverse * weight[i];
}
