// A GPTQ 4-bit weight (Models/LinearWeight.cs) unpacked into an f16 [I, O] matrix in x's column order, for cuBLAS to
// multiply batches too large for the GEMV: from a few dozen tokens on, a prefill or a wide decode step is a matrix
// product, and cuBLAS's tensor-core GEMM over an unpacked copy beats unpacking inside a hand-written tile loop (the
// tensor-core gptq_gemm.cu ran at 20-160 GB/s on an H200; cuBLAS reaches most of the chip's f16 rate). This is the
// ExLlama kernels' own choice for large batches. The values are the ones every other GPTQ path computes:
// f16(scale · (q − (zero + 1))), so the three paths round alike.
// One thread per packed word: 8 sorted inputs of one output. The output index is the fastest, so both the packed rows
// read and the unpacked rows written are contiguous across a warp. Act-order weights are sorted by group at upload;
// input_order sends each sorted input back to its row of x's order, which cuBLAS then reads as it is.
//
// Bytes per call (I inputs, O outputs, G groups): reads I·O/2 and G·O·2.5, writes I·O·2: 2.5 × an f16 weight's bytes
// once per multiply, against the GEMM's own reading of I·O·2, so the multiply costs ~3.5 × an f16 weight's traffic at
// any token count; worth it where the FLOPs (2·T·I·O) outweigh the bytes, i.e. beyond the GEMV's 8-token tiles.
// grid: (ceil(O / blockDim), I / 8); block: any
// input_order [I]; qweight [I/8, O] u32; qzeros [G, O/8] u32; scales [G, O] f16; w [I, O] f16
extern "C" __global__ void gptq_unpack(const int* input_order, const unsigned* qweight, const unsigned* qzeros, const u16* scales,
    int out_features, int group_size, u16* w)
{
    int o = blockIdx.x * blockDim.x + threadIdx.x, row = blockIdx.y;
    if (o >= out_features) return;
    int sorted = 8 * row, group = sorted / group_size;
    unsigned packed = qweight[(i64)row * out_features + o];
    float scale = f16_to_float(scales[(i64)group * out_features + o]);
    // Zero points are stored minus one (AutoGPTQ's format "gptq").
    float zero = (float)((qzeros[(i64)group * (out_features / 8) + o / 8] >> (4 * (o % 8))) & 15u) + 1.f;
#pragma unroll
    for (int j = 0; j < 8; j++)
    {
        w[(i64)input_order[sorted + j] * out_features + o] = float_to_f16(scale * ((float)((packed >> (4 * j)) & 15u) - zero));
    }
}
