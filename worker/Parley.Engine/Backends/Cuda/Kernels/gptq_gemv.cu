// y = x · Wᵀ with W in GPTQ's packed 4-bit form (Models/LinearWeight.cs), dequantised in registers: one thread per
// output column, so each packed row of qweight is read once, coalesced, for up to TOKENS activation rows at a time.
// The batch's x rows are staged in shared memory 128 inputs at a time (a GPTQ group; group_size is 128 or the whole
// input, so a chunk never straddles two groups). Act-order weights are sorted by group on the host; input_order maps
// a sorted input row back to x's column.
// grid: (ceil(out / blockDim), ceil(T / TOKENS)); block: 128 or 256
// x [T, in] (x_dtype); input_order [in]; qweight [in/8, out] u32; qzeros [groups, out/8] u32; scales [groups, out] f16;
// y [T, out] f32
#define TOKENS 8
#define CHUNK 128

extern "C" __global__ void gptq_gemv(const void* x, int x_dtype, const int* input_order, const unsigned* qweight,
    const unsigned* qzeros, const u16* scales, int in_features, int out_features, int group_size, int tokens, float* y)
{
    __shared__ float xs[TOKENS][CHUNK];
    int o = blockIdx.x * blockDim.x + threadIdx.x;
    int first = blockIdx.y * TOKENS, count = min(TOKENS, tokens - first);
    float acc[TOKENS];
#pragma unroll
    for (int t = 0; t < TOKENS; t++) acc[t] = 0.f;

    for (int c = 0; c < in_features; c += CHUNK)
    {
        int n = min(CHUNK, in_features - c);
        __syncthreads();
        for (int index = threadIdx.x; index < TOKENS * CHUNK; index += blockDim.x)
        {
            int t = index / CHUNK, i = index % CHUNK;
            xs[t][i] = t < count && i < n ? load(x, (i64)(first + t) * in_features + input_order[c + i], x_dtype) : 0.f;
        }
        __syncthreads();
        if (o >= out_features) continue;

        int group = c / group_size;
        float scale = f16_to_float(scales[(i64)group * out_features + o]);
        // Zero points are stored minus one (AutoGPTQ's format "gptq").
        float zero = (float)((qzeros[(i64)group * (out_features / 8) + o / 8] >> (4 * (o % 8))) & 15u) + 1.f;
        float part[TOKENS];
#pragma unroll
        for (int t = 0; t < TOKENS; t++) part[t] = 0.f;
        for (int i = 0; i < n; i += 8)
        {
            unsigned packed = qweight[(i64)((c + i) / 8) * out_features + o];
#pragma unroll
            for (int k = 0; k < 8; k++)
            {
                float w = (float)((packed >> (4 * k)) & 15u) - zero;
#pragma unroll
                for (int t = 0; t < TOKENS; t++) part[t] += w * xs[t][i + k];
            }
        }
#pragma unroll
        for (int t = 0; t < TOKENS; t++) acc[t] += scale * part[t];
    }

    if (o >= out_features) return;
    for (int t = 0; t < count; t++) y[(i64)(first + t) * out_features + o] = acc[t];
}
