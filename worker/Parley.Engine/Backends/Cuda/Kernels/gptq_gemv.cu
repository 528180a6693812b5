// y = x · Wᵀ with W in GPTQ's packed 4-bit form (Models/LinearWeight.cs), dequantised in registers, for a handful of
// tokens (decode): one thread per output column, so each packed row of qweight is read once, coalesced, for up to
// 8 activation rows at a time. The batch's x rows are staged in shared memory CHUNK inputs at a time, while each thread
// already has the chunk's 16 packed words in flight (one load after another would leave HBM idle between them), and
// the next chunk's words, scale and zero are loaded while this one is multiplied: on an H200 a block that loaded each
// chunk only when it reached it, and each group's scale and zero only when the multiply met the group, waited on memory
// three times a chunk and ran the GEMV at 15-20 % of HBM's rate. A
// kernel per tile height (1, 2, 4 or 8 rows: gptq_gemv1 ... gptq_gemv8) does only the multiply-adds of its rows: eight
// per weight at batch 1 would make the GEMV compute-bound before it could reach HBM's rate. Act-order
// weights are sorted by group on the host; input_order maps a sorted input row back to x's column. Any group size that
// is a multiple of 8 works: the scale and zero are looked up again where a packed row starts a new group.
// Split-K (gridDim.z > 1): O / 256 blocks cannot fill a GPU of a hundred SMs (the k/v projections of an 8B model make
// 4), so block z covers the sorted inputs [z · split_length, (z + 1) · split_length) (a multiple of CHUNK) and writes
// its partial sums to y[z]; splitk_reduce adds them up.
//
// Bytes per call (T tokens, I inputs, O outputs, G groups): reads the packed weight I·O/2 and its scales and zeros
// G·O·2.5 once per tile of rows (once up to 8 tokens), x's T·I·2 once per block (from L2 after the first), and writes
// T·O·4 (× splits when split). At batch 1 the weight is all that counts: bound by HBM at I·O/2 bytes, e.g. Llama-3-8B's
// down projection (I 14336, O 4096) reads 29.4 MB, 6.1 µs at an H200's 4.8 TB/s.
// Fused SwiGLU (gate non-null, for the down projection): the input is silu(gate) · up, computed as x is staged, so the
// [T, I] f16 activation is never written and read back, and silu_and_mul is not launched: 10 bytes per element once
// instead of 8 + 2 + 2, for 8 bytes per element per block from L2 instead of 2.
// grid: (ceil(O / GEMV_THREADS), ceil(T / ROWS), splits); block: GEMV_THREADS
// x [T, I] (x_dtype) or gate, up [T, I] f32; input_order [I]; qweight [I/8, O] u32; qzeros [G, O/8] u32; scales [G, O] f16; y [splits, T, O] f32
#define CHUNK 128
#define GEMV_THREADS 256

// One chunk's packed words for output o, and the scale and zero of the chunk's first group.
__device__ __forceinline__ void gptq_load_chunk(const unsigned* qweight, const unsigned* qzeros, const u16* scales, int out_features,
    int group_size, int o, int c, int end, unsigned (&words)[CHUNK / 8], float& scale, float& zero)
{
    int n = min(CHUNK, end - c);
    bool live = o < out_features;
#pragma unroll
    for (int r = 0; r < CHUNK / 8; r++) words[r] = live && 8 * r < n ? qweight[(i64)((c + 8 * r) / 8) * out_features + o] : 0u;
    int group = c / group_size;
    scale = live ? f16_to_float(scales[(i64)group * out_features + o]) : 0.f;
    // Zero points are stored minus one (AutoGPTQ's format "gptq").
    zero = live ? (float)((qzeros[(i64)group * (out_features / 8) + o / 8] >> (4 * (o % 8))) & 15u) + 1.f : 0.f;
}

template <int ROWS>
__device__ __forceinline__ void gptq_gemv_tile(const void* x, int x_dtype, const float* gate, const float* up, const int* input_order,
    const unsigned* qweight, const unsigned* qzeros, const u16* scales, int in_features, int out_features, int group_size, int tokens,
    int split_length, float* y)
{
    // Each thread stages PER_THREAD elements of x: every column index first, then every load, so they overlap.
    constexpr int PER_THREAD = (ROWS * CHUNK + GEMV_THREADS - 1) / GEMV_THREADS;
    __shared__ float xs[ROWS][CHUNK];
    int o = blockIdx.x * blockDim.x + threadIdx.x;
    int first = blockIdx.y * ROWS, count = min(ROWS, tokens - first);
    int begin = blockIdx.z * split_length, end = min(in_features, begin + split_length);
    float acc[ROWS], part[ROWS];
#pragma unroll
    for (int t = 0; t < ROWS; t++) acc[t] = part[t] = 0.f;
    int group = -1;
    float scale = 0.f, zero = 0.f;
    unsigned words[CHUNK / 8];
    float chunk_scale, chunk_zero;
    if (begin < end) gptq_load_chunk(qweight, qzeros, scales, out_features, group_size, o, begin, end, words, chunk_scale, chunk_zero);

    for (int c = begin; c < end; c += CHUNK)
    {
        int n = min(CHUNK, end - c);
        __syncthreads();
        i64 at[PER_THREAD];
#pragma unroll
        for (int p = 0; p < PER_THREAD; p++)
        {
            int index = threadIdx.x + p * GEMV_THREADS, t = index / CHUNK, i = index % CHUNK;
            at[p] = index < ROWS * CHUNK && t < count && i < n ? (i64)(first + t) * in_features + input_order[c + i] : -1;
        }
#pragma unroll
        for (int p = 0; p < PER_THREAD; p++)
        {
            int index = threadIdx.x + p * GEMV_THREADS;
            if (index < ROWS * CHUNK)
                xs[index / CHUNK][index % CHUNK] = at[p] < 0 ? 0.f : gate ? f16_to_float(silu_mul_f16(gate[at[p]], up[at[p]])) : load(x, at[p], x_dtype);
        }
        __syncthreads();

        unsigned current[CHUNK / 8];
#pragma unroll
        for (int r = 0; r < CHUNK / 8; r++) current[r] = words[r];
        float first_scale = chunk_scale, first_zero = chunk_zero;
        if (c + CHUNK < end) gptq_load_chunk(qweight, qzeros, scales, out_features, group_size, o, c + CHUNK, end, words, chunk_scale, chunk_zero);
        if (o >= out_features) continue;

#pragma unroll
        for (int r = 0; r < CHUNK / 8; r++)
        {
            if (8 * r >= n) break;
            if ((c + 8 * r) / group_size != group)
            {
#pragma unroll
                for (int t = 0; t < ROWS; t++)
                {
                    acc[t] += scale * part[t];
                    part[t] = 0.f;
                }
                group = (c + 8 * r) / group_size;
                if (r == 0)
                {
                    scale = first_scale;
                    zero = first_zero;
                }
                else
                {
                    // A group shorter than a chunk (e.g. 32): its scale and zero are read where it starts.
                    scale = f16_to_float(scales[(i64)group * out_features + o]);
                    zero = (float)((qzeros[(i64)group * (out_features / 8) + o / 8] >> (4 * (o % 8))) & 15u) + 1.f;
                }
            }
#pragma unroll
            for (int k = 0; k < 8; k++)
            {
                float w = (float)((current[r] >> (4 * k)) & 15u) - zero;
#pragma unroll
                for (int t = 0; t < ROWS; t++) part[t] += w * xs[t][8 * r + k];
            }
        }
    }

    if (o >= out_features) return;
    float* out = y + (i64)blockIdx.z * tokens * out_features;
#pragma unroll
    for (int t = 0; t < ROWS; t++)
        if (t < count) out[(i64)(first + t) * out_features + o] = acc[t] + scale * part[t];
}

#define GPTQ_GEMV_PARAMETERS const void* x, int x_dtype, const float* gate, const float* up, const int* input_order, \
    const unsigned* qweight, const unsigned* qzeros, const u16* scales, int in_features, int out_features, int group_size, int tokens, \
    int split_length, float* y
#define GPTQ_GEMV_ARGUMENTS x, x_dtype, gate, up, input_order, qweight, qzeros, scales, in_features, out_features, group_size, tokens, split_length, y

extern "C" __global__ void gptq_gemv1(GPTQ_GEMV_PARAMETERS) { gptq_gemv_tile<1>(GPTQ_GEMV_ARGUMENTS); }
extern "C" __global__ void gptq_gemv2(GPTQ_GEMV_PARAMETERS) { gptq_gemv_tile<2>(GPTQ_GEMV_ARGUMENTS); }
extern "C" __global__ void gptq_gemv4(GPTQ_GEMV_PARAMETERS) { gptq_gemv_tile<4>(GPTQ_GEMV_ARGUMENTS); }
extern "C" __global__ void gptq_gemv8(GPTQ_GEMV_PARAMETERS) { gptq_gemv_tile<8>(GPTQ_GEMV_ARGUMENTS); }
