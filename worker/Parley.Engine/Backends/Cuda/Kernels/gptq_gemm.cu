// y = x · Wᵀ for a GPTQ 4-bit W (Models/LinearWeight.cs) and any number of tokens, on tensor cores (tensor_core.cuh),
// in the manner of the Marlin and ExLlama kernels: W is never unpacked in memory. A block takes a tile of GEMM_M
// tokens × GEMM_N outputs and walks the inputs GEMM_K at a time; at each step its threads unpack the step's packed
// rows into an f16 tile in shared memory (the same rounding an unpacked f16 copy of W would have) and gather the x tile
// beside it, then 4 warps, each owning 32 tokens × 32 outputs, multiply the two tiles. Act-order weights are sorted by
// group at upload; input_order maps a sorted input back to x's column.
// No launch plan chooses it (GptqLaunchPlan): on an H200 it ran at 20-160 GB/s where unpacking plus cuBLAS is several
// times faster at every token count; the GPU check keeps timing it beside that path until it is rewritten or removed.
// Split-K (gridDim.z > 1, for shapes with too few tiles to fill the GPU): block z covers the sorted inputs
// [z · split_length, (z + 1) · split_length) and writes its partial sums to y[z], which splitk_reduce adds up.
//
// Bytes per call (T tokens, I inputs, O outputs, G groups): reads the packed weight I·O/2 and its scales and zeros
// G·O·2.5 once per token tile (ceil(T / 64) times; one tile up to 64 tokens), x's T·I·2 once per output tile (from L2
// after the first), and writes T·O·4 (× splits when split, read back once by splitk_reduce). Up to 64 tokens this is
// the packed weight once: 1/4 of an f16 weight's bytes, so a decode graph of 24 to 64 sequences is bound by HBM reading
// I·O/2 bytes. Beyond, its FLOPs (2·T·I·O at f16 tensor-core rate) take over near T ≈ 64·(tensor FLOP/s ÷ 4·HBM B/s).
// Fused SwiGLU (gate non-null, for the down projection): the x tile is silu(gate) · up, computed as it is staged (see
// gptq_gemv.cu), so silu_and_mul's launch and its f16 round trip are gone.
// grid: (ceil(O / GEMM_N), ceil(T / GEMM_M), splits); block: GEMM_THREADS
// x [T, I] f16 or gate, up [T, I] f32; input_order [I]; qweight [I/8, O] u32; qzeros [G, O/8] u32; scales [G, O] f16; y [splits, T, O] f32
#define GEMM_M 64
#define GEMM_N 64
#define GEMM_K 32
#define GEMM_THREADS 128
// Words per tile row: GEMM_K halves plus 8 of padding, so the 32 lanes of a fragment load hit 32 different banks.
#define ROW_WORDS ((GEMM_K + 8) / 2)

extern "C" __global__ void __launch_bounds__(GEMM_THREADS) gptq_gemm(const u16* x, const float* gate, const float* up, const int* input_order,
    const unsigned* qweight, const unsigned* qzeros, const u16* scales, int in_features, int out_features, int group_size, int tokens,
    int split_length, float* y)
{
    __shared__ unsigned xs[GEMM_M][ROW_WORDS];   // [token][k] f16 pairs
    __shared__ unsigned ws[GEMM_N][ROW_WORDS];   // [output][k] f16 pairs: B of the mma, column by column
    int first_token = blockIdx.y * GEMM_M, first_out = blockIdx.x * GEMM_N;
    int begin = blockIdx.z * split_length, end = min(in_features, begin + split_length);
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2, t = lane & 3;
    int warp_m = (warp >> 1) * 32, warp_n = (warp & 1) * 32;
    float acc[2][4][4];
#pragma unroll
    for (int mi = 0; mi < 2; mi++)
#pragma unroll
        for (int ni = 0; ni < 4; ni++)
#pragma unroll
            for (int r = 0; r < 4; r++) acc[mi][ni][r] = 0.f;

    for (int k0 = begin; k0 < end; k0 += GEMM_K)
    {
        __syncthreads();
        for (int index = threadIdx.x; index < GEMM_M * GEMM_K; index += GEMM_THREADS)
        {
            int m = index / GEMM_K, k = index % GEMM_K, token = first_token + m, sorted = k0 + k;
            i64 at = (i64)token * in_features + (sorted < end ? input_order[sorted] : 0);
            ((u16*)xs[m])[k] = !(token < tokens && sorted < end) ? (u16)0 : gate ? silu_mul_f16(gate[at], up[at]) : x[at];
        }
        // One packed word per thread and step: 8 inputs of one output, with that output's scale and zero for its group.
        for (int index = threadIdx.x; index < (GEMM_K / 8) * GEMM_N; index += GEMM_THREADS)
        {
            int row = index / GEMM_N, n = index % GEMM_N, o = first_out + n, sorted = k0 + 8 * row;
            u16* w = (u16*)ws[n] + 8 * row;
            if (o >= out_features || sorted >= end)
            {
#pragma unroll
                for (int j = 0; j < 8; j++) w[j] = 0;
                continue;
            }
            int group = sorted / group_size;
            unsigned packed = qweight[(i64)(sorted / 8) * out_features + o];
            float scale = f16_to_float(scales[(i64)group * out_features + o]);
            // Zero points are stored minus one (AutoGPTQ's format "gptq").
            float zero = (float)((qzeros[(i64)group * (out_features / 8) + o / 8] >> (4 * (o % 8))) & 15u) + 1.f;
#pragma unroll
            for (int j = 0; j < 8; j++) w[j] = float_to_f16(scale * ((float)((packed >> (4 * j)) & 15u) - zero));
        }
        __syncthreads();

#pragma unroll
        for (int kk = 0; kk < GEMM_K / 2; kk += 8)   // in words: 16 inputs per mma
        {
            unsigned a[2][4], b[4][2];
#pragma unroll
            for (int mi = 0; mi < 2; mi++)
            {
                int row = warp_m + 16 * mi + g;
                a[mi][0] = xs[row][kk + t];
                a[mi][1] = xs[row + 8][kk + t];
                a[mi][2] = xs[row][kk + t + 4];
                a[mi][3] = xs[row + 8][kk + t + 4];
            }
#pragma unroll
            for (int ni = 0; ni < 4; ni++)
            {
                int column = warp_n + 8 * ni + g;
                b[ni][0] = ws[column][kk + t];
                b[ni][1] = ws[column][kk + t + 4];
            }
#pragma unroll
            for (int mi = 0; mi < 2; mi++)
#pragma unroll
                for (int ni = 0; ni < 4; ni++) mma_16x8x16(acc[mi][ni], a[mi], b[ni], DTYPE_F16);
        }
    }

    float* out = y + (i64)blockIdx.z * tokens * out_features;
#pragma unroll
    for (int mi = 0; mi < 2; mi++)
#pragma unroll
        for (int ni = 0; ni < 4; ni++)
#pragma unroll
            for (int half = 0; half < 2; half++)
            {
                int token = first_token + warp_m + 16 * mi + g + 8 * half, o = first_out + warp_n + 8 * ni + 2 * t;
                if (token >= tokens) continue;
                if (o < out_features) out[(i64)token * out_features + o] = acc[mi][ni][2 * half];
                if (o + 1 < out_features) out[(i64)token * out_features + o + 1] = acc[mi][ni][2 * half + 1];
            }
}
