// One warp-wide tensor-core step, D[16×8] += A[16×16] · B[16×8], 16-bit inputs (f16 or bf16) and f32 accumulation:
// PTX's mma.sync.m16n8k16, written inline because the CUDA headers are not at hand (prelude.cuh says why).
//
// Fragments, as PTX fixes them, for lane = 4·g + t (g: the lane's group 0..7, t: its place in the group 0..3); each
// 32-bit register holds two consecutive k elements, the lower index in the low half:
//   a[0]: A[g][2t, 2t+1]    a[1]: A[g+8][2t, 2t+1]    a[2]: A[g][2t+8, 2t+9]    a[3]: A[g+8][2t+8, 2t+9]
//   b[0]: B[2t, 2t+1][g]    b[1]: B[2t+8, 2t+9][g]                       (B is read column by column: B[k][n] at n·K + k)
//   c[0], c[1]: D[g][2t, 2t+1]                        c[2], c[3]: D[g+8][2t, 2t+1]
//
// Where the instruction does not exist (the emulator compiles these files as C++; GPUs before sm_80) the same step is
// computed in f32 from the same fragments: the lanes trade them through shared memory, so every caller's fragment
// loads, tiling and stores run unchanged; only the instruction itself is swapped. The products are summed in a
// different order than the tensor cores sum them, which moves results by a few f32 ulps.
#define MMA_MAX_WARPS 8

__device__ __forceinline__ float mma_low(unsigned pair, int dtype) { return dtype == DTYPE_BF16 ? bf16_to_float((u16)pair) : f16_to_float((u16)pair); }
__device__ __forceinline__ float mma_high(unsigned pair, int dtype) { return dtype == DTYPE_BF16 ? bf16_to_float((u16)(pair >> 16)) : f16_to_float((u16)(pair >> 16)); }

__device__ __forceinline__ float mma_dot2(unsigned a, unsigned b, int dtype)
{
    return mma_low(a, dtype) * mma_low(b, dtype) + mma_high(a, dtype) * mma_high(b, dtype);
}

// Two 16-bit values packed as one fragment register, x in the low half.
__device__ __forceinline__ unsigned mma_pack(u16 x, u16 y) { return (unsigned)x | ((unsigned)y << 16); }

// c += a · b for the warp; every lane of the warp must call it together. dtype: DTYPE_F16 or DTYPE_BF16.
__device__ __forceinline__ void mma_16x8x16(float c[4], const unsigned a[4], const unsigned b[2], int dtype)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    if (dtype == DTYPE_BF16)
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
            : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
    else
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
            : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#else
    __shared__ unsigned exchange[MMA_MAX_WARPS][32][6];   // per warp and lane: a[0..3], b[0..1]
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2, t = lane & 3;
    unsigned* mine = exchange[warp][lane];
    for (int i = 0; i < 4; i++) mine[i] = a[i];
    mine[4] = b[0];
    mine[5] = b[1];
    __syncwarp();
    // Lane 4g + j holds A's rows g and g+8 at k = 2j, 2j+1 and 2j+8, 2j+9, and B's column g at the same k.
    for (int j = 0; j < 4; j++)
    {
        const unsigned* rows = exchange[warp][4 * g + j];
        const unsigned* even = exchange[warp][4 * (2 * t) + j];
        const unsigned* odd = exchange[warp][4 * (2 * t + 1) + j];
        c[0] += mma_dot2(rows[0], even[4], dtype) + mma_dot2(rows[2], even[5], dtype);
        c[1] += mma_dot2(rows[0], odd[4], dtype) + mma_dot2(rows[2], odd[5], dtype);
        c[2] += mma_dot2(rows[1], even[4], dtype) + mma_dot2(rows[3], even[5], dtype);
        c[3] += mma_dot2(rows[1], odd[4], dtype) + mma_dot2(rows[3], odd[5], dtype);
    }
    __syncwarp();   // the next step overwrites the exchange
#endif
}
