// Prepended to every kernel file by KernelCompiler. Header-free on purpose: the CUDA headers (cuda_bf16.h,
// cuda_fp16.h) ship only in a 2.8 GB package, so 16-bit floats are plain bit patterns widened by shifts and
// narrowed with PTX conversions. Dtype codes match CudaDtype on the host.
#define DTYPE_F32 0
#define DTYPE_F16 1
#define DTYPE_BF16 2

// Tokens per KV block: Scheduling.BlockPool.BlockSize on the host.
#define BLOCK_SIZE 16

#define NEG_INF __int_as_float(0xff800000)

typedef unsigned short u16;
typedef long long i64;

__device__ __forceinline__ float bf16_to_float(u16 h) { return __uint_as_float(((unsigned)h) << 16); }

__device__ __forceinline__ u16 float_to_bf16(float f)
{
#if __CUDA_ARCH__ >= 800
    u16 h;
    asm("cvt.rn.bf16.f32 %0, %1;" : "=h"(h) : "f"(f));
    return h;
#else
    // Round to nearest even by hand where the PTX conversion does not exist (before sm_80, and the emulator), with the
    // same bits: NaN becomes the canonical 0x7fff, as cvt.rn.bf16.f32 gives it.
    unsigned u = __float_as_uint(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (u16)0x7fff;
    u += 0x7fffu + ((u >> 16) & 1u);
    return (u16)(u >> 16);
#endif
}

// The f16 conversions use PTX on a GPU; the twins below give the same bits elsewhere (the emulator compiles these
// files as C++): subnormals exact, round to nearest even, overflow to infinity, NaN to the canonical 0x7fff.
__device__ __forceinline__ float f16_to_float(u16 h)
{
#ifdef __CUDA_ARCH__
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h));
    return f;
#else
    unsigned sign = ((unsigned)h & 0x8000u) << 16, exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
    if (exponent == 0)
    {
        float value = (float)mantissa * 5.9604644775390625e-8f;  // 2^-24: exact for every subnormal
        return sign ? -value : value;
    }
    return __uint_as_float(exponent == 31 ? sign | 0x7f800000u | (mantissa << 13) : sign | ((exponent + 112) << 23) | (mantissa << 13));
#endif
}

__device__ __forceinline__ u16 float_to_f16(float f)
{
#ifdef __CUDA_ARCH__
    u16 h;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f));
    return h;
#else
    unsigned u = __float_as_uint(f), a = u & 0x7fffffffu;
    u16 sign = (u16)((u >> 16) & 0x8000u);
    if (a > 0x7f800000u) return (u16)0x7fff;
    if (a >= 0x477ff000u) return (u16)(sign | 0x7c00u);   // 65520 and above round to infinity
    if (a >= 0x38800000u) return (u16)(sign | ((a + 0xfffu + ((a >> 13) & 1u) - 0x38000000u) >> 13));
    return (u16)(sign | (unsigned)rintf(__uint_as_float(a) * 16777216.0f));  // subnormal: round(|f| * 2^24), to even
#endif
}

// Element i of a tensor of the given dtype, as float. The switch is uniform across a launch, so it costs no divergence.
__device__ __forceinline__ float load(const void* p, i64 i, int dtype)
{
    if (dtype == DTYPE_BF16) return bf16_to_float(((const u16*)p)[i]);
    if (dtype == DTYPE_F16) return f16_to_float(((const u16*)p)[i]);
    return ((const float*)p)[i];
}

__device__ __forceinline__ void store(void* p, i64 i, float v, int dtype)
{
    if (dtype == DTYPE_BF16) ((u16*)p)[i] = float_to_bf16(v);
    else if (dtype == DTYPE_F16) ((u16*)p)[i] = float_to_f16(v);
    else ((float*)p)[i] = v;
}

__device__ __forceinline__ float warp_sum(float v)
{
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

__device__ __forceinline__ float warp_max(float v)
{
    for (int offset = 16; offset > 0; offset >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, offset));
    return v;
}

// The sum (or the maximum) over the whole thread block, returned to every thread. blockDim.x must be a multiple of 32.
template <bool MAXIMUM>
__device__ __forceinline__ float block_reduce(float v)
{
    __shared__ float partial[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    v = MAXIMUM ? warp_max(v) : warp_sum(v);
    __syncthreads();
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    v = lane < (int)(blockDim.x >> 5) ? partial[lane] : MAXIMUM ? NEG_INF : 0.f;
    return MAXIMUM ? warp_max(v) : warp_sum(v);
}

__device__ __forceinline__ float block_sum(float v) { return block_reduce<false>(v); }
__device__ __forceinline__ float block_max(float v) { return block_reduce<true>(v); }

// SwiGLU's gate (Shazeer, 2020) as a GEMM reads it: silu(g) · u = g / (1 + e^-g) · u, rounded to f16 as silu_and_mul.cu
// would have stored it, so a multiply that computes its input on load gives the unfused path's bits.
__device__ __forceinline__ u16 silu_mul_f16(float g, float u) { return float_to_f16(g / (1.f + expf(-g)) * u); }
