// y = x · Wᵀ with W in GPTQ's packed 4-bit form (Models/LinearWeight.cs), dequantised in registers, for a handful of
// tokens (decode): one thread per output column, so each packed row of qweight is read once, coalesced, for up to
// TOKENS activation rows at a time. The batch's x rows are staged in shared memory CHUNK inputs at a time. Act-order
// weights are sorted by group on the host; input_order maps a sorted input row back to x's column. Any group size that
// is a multiple of 8 works: the scale and zero are looked up again where a packed row starts a new group.
// Split-K (gridDim.z > 1): O / 256 blocks cannot fill a GPU of a hundred SMs (the k/v projections of an 8B model make
// 4), so block z covers the sorted inputs [z · split_length, (z + 1) · split_length) (a multiple of CHUNK) and writes
// its partial sums to y[z]; splitk_reduce adds them up.
//
// Bytes per call (T tokens, I inputs, O outputs, G groups): reads the packed weight I·O/2 and its scales and zeros
// G·O·2.5 once per TOKENS rows (ceil(T / 8) times), x's T·I·2 once per block (from L2 after the first), and writes
// T·O·4 (× splits when split). At batch 1 the weight is all that counts: bound by HBM at I·O/2 bytes, e.g. Llama-3-8B's
// down projection (I 14336, O 4096) reads 29.4 MB, 6.1 µs at an H200's 4.8 TB/s.
// Fused SwiGLU (gate non-null, for the down projection): the input is silu(gate) · up, computed as x is staged, so the
// [T, I] f16 activation is never written and read back, and silu_and_mul is not launched: 10 bytes per element once
// instead of 8 + 2 + 2, for 8 bytes per element per block from L2 instead of 2.
// grid: (ceil(O / blockDim), ceil(T / TOKENS), splits); block: 128 or 256
// x [T, I] (x_dtype) or gate, up [T, I] f32; input_order [I]; qweight [I/8, O] u32; qzeros [G, O/8] u32; scales [G, O] f16; y [splits, T, O] f32
#define TOKENS 8
#define CHUNK 128

extern "C" __global__ void gptq_gemv(const void* x, int x_dtype, const float* gate, const float* up, const int* input_order,
    const unsigned* qweight, const unsigned* qzeros, const u16* scales, int in_features, int out_features, int group_size, int tokens,
    int split_length, float* y)
{
    __shared__ float xs[TOKENS][CHUNK];
    int o = blockIdx.x * blockDim.x + threadIdx.x;
    int first = blockIdx.y * TOKENS, count = min(TOKENS, tokens - first);
    int begin = blockIdx.z * split_length, end = min(in_features, begin + split_length);
    float acc[TOKENS], part[TOKENS];
#pragma unroll
    for (int t = 0; t < TOKENS; t++) acc[t] = part[t] = 0.f;
    int group = -1;
    float scale = 0.f, zero = 0.f;

    for (int c = begin; c < end; c += CHUNK)
    {
        int n = min(CHUNK, end - c);
        __syncthreads();
        for (int index = threadIdx.x; index < TOKENS * CHUNK; index += blockDim.x)
        {
            int t = index / CHUNK, i = index % CHUNK;
            i64 at = (i64)(first + t) * in_features + input_order[c + i];
            xs[t][i] = !(t < count && i < n) ? 0.f : gate ? f16_to_float(silu_mul_f16(gate[at], up[at])) : load(x, at, x_dtype);
        }
        __syncthreads();
        if (o >= out_features) continue;

        for (int i = 0; i < n; i += 8)
        {
            if ((c + i) / group_size != group)
            {
#pragma unroll
                for (int t = 0; t < TOKENS; t++)
                {
                    acc[t] += scale * part[t];
                    part[t] = 0.f;
                }
                group = (c + i) / group_size;
                scale = f16_to_float(scales[(i64)group * out_features + o]);
                // Zero points are stored minus one (AutoGPTQ's format "gptq").
                zero = (float)((qzeros[(i64)group * (out_features / 8) + o / 8] >> (4 * (o % 8))) & 15u) + 1.f;
            }
            unsigned packed = qweight[(i64)((c + i) / 8) * out_features + o];
#pragma unroll
            for (int k = 0; k < 8; k++)
            {
                float w = (float)((packed >> (4 * k)) & 15u) - zero;
#pragma unroll
                for (int t = 0; t < TOKENS; t++) part[t] += w * xs[t][i + k];
            }
        }
    }

    if (o >= out_features) return;
    float* out = y + (i64)blockIdx.z * tokens * out_features;
    for (int t = 0; t < count; t++) out[(i64)(first + t) * out_features + o] = acc[t] + scale * part[t];
}
