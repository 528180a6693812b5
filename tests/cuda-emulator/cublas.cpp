// cuBLAS's C ABI for what Parley calls: handles, streams, workspaces and cublasGemmEx, computed on the CPU with
// cuBLAS's column-major semantics (C = alpha op(A) op(B) + beta C; op is N or T; leading dimensions as given) and f32
// accumulation over f32, f16 and bf16 operands. The work is queued on the handle's stream through the emulated driver,
// so a GEMM inside a captured graph replays with it.
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <vector>

extern "C" int parley_emu_submit(void* stream, void (*work)(void*), void* state, void (*release)(void*));

namespace {

enum Status { Success = 0, NotInitialized = 1, InvalidValue = 7, NotSupported = 15 };
enum DataType { R32F = 0, R16F = 2, R16BF = 14 };

struct Handle
{
    void* stream = nullptr;
};

float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff, bits;
    if (exponent == 0)
    {
        float value = (float)mantissa * 5.9604644775390625e-8f;   // 2^-24
        return sign ? -value : value;
    }
    bits = exponent == 31 ? sign | 0x7f800000u | (mantissa << 13) : sign | ((exponent + 112) << 23) | (mantissa << 13);
    float value;
    memcpy(&value, &bits, 4);
    return value;
}

uint16_t float_to_half(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    uint16_t sign = (uint16_t)((u >> 16) & 0x8000);
    uint32_t a = u & 0x7fffffffu;
    if (a > 0x7f800000u) return 0x7fff;
    if (a >= 0x477ff000u) return sign | 0x7c00;
    if (a >= 0x38800000u) return sign | (uint16_t)((a + 0xfffu + ((a >> 13) & 1u) - 0x38000000u) >> 13);
    float magnitude;
    memcpy(&magnitude, &a, 4);
    return sign | (uint16_t)rintf(magnitude * 16777216.0f);
}

float load(const void* p, int64_t i, int type)
{
    if (type == R32F) return ((const float*)p)[i];
    uint16_t h = ((const uint16_t*)p)[i];
    if (type == R16F) return half_to_float(h);
    uint32_t bits = (uint32_t)h << 16;
    float value;
    memcpy(&value, &bits, 4);
    return value;
}

void store(void* p, int64_t i, float v, int type)
{
    if (type == R32F) { ((float*)p)[i] = v; return; }
    if (type == R16F) { ((uint16_t*)p)[i] = float_to_half(v); return; }
    uint32_t u;
    memcpy(&u, &v, 4);
    ((uint16_t*)p)[i] = (u & 0x7fffffffu) > 0x7f800000u ? 0x7fff : (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

struct Gemm
{
    int trans_a, trans_b, m, n, k;
    float alpha, beta;
    const void* a; int a_type, lda;
    const void* b; int b_type, ldb;
    void* c; int c_type, ldc;
};

void run(void* state)
{
    const Gemm& g = *(const Gemm*)state;
    // op(A) as rows of k (row i of op(A)) and op(B) as columns of k, widened once, so the inner loop is a dot product.
    std::vector<float> a((size_t)g.m * g.k), b((size_t)g.n * g.k);
    for (int i = 0; i < g.m; i++)
        for (int p = 0; p < g.k; p++)
            a[(size_t)i * g.k + p] = load(g.a, g.trans_a ? p + (int64_t)i * g.lda : i + (int64_t)p * g.lda, g.a_type);
    for (int j = 0; j < g.n; j++)
        for (int p = 0; p < g.k; p++)
            b[(size_t)j * g.k + p] = load(g.b, g.trans_b ? j + (int64_t)p * g.ldb : p + (int64_t)j * g.ldb, g.b_type);
    for (int j = 0; j < g.n; j++)
        for (int i = 0; i < g.m; i++)
        {
            float sum = 0.f;
            const float* row = &a[(size_t)i * g.k];
            const float* column = &b[(size_t)j * g.k];
            for (int p = 0; p < g.k; p++) sum += row[p] * column[p];
            int64_t at = i + (int64_t)j * g.ldc;
            float result = g.alpha * sum + (g.beta != 0.f ? g.beta * load(g.c, at, g.c_type) : 0.f);
            store(g.c, at, result, g.c_type);
        }
}

bool supported(int type) { return type == R32F || type == R16F || type == R16BF; }

} // namespace

extern "C" {

int cublasCreate_v2(void** handle) { *handle = new Handle(); return Success; }
int cublasDestroy_v2(void* handle) { delete (Handle*)handle; return Success; }
int cublasSetStream_v2(void* handle, void* stream) { ((Handle*)handle)->stream = stream; return Success; }
int cublasSetWorkspace_v2(void*, uint64_t, size_t) { return Success; }

const char* cublasGetStatusName(int status)
{
    switch (status)
    {
    case Success: return "CUBLAS_STATUS_SUCCESS";
    case NotInitialized: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case InvalidValue: return "CUBLAS_STATUS_INVALID_VALUE";
    case NotSupported: return "CUBLAS_STATUS_NOT_SUPPORTED";
    default: return "CUBLAS_STATUS_INTERNAL_ERROR";
    }
}

int cublasGemmEx(void* handle, int trans_a, int trans_b, int m, int n, int k, const float* alpha, uint64_t a, int a_type, int lda, uint64_t b,
    int b_type, int ldb, const float* beta, uint64_t c, int c_type, int ldc, int compute_type, int)
{
    if (!handle) return NotInitialized;
    if (m < 0 || n < 0 || k < 0 || trans_a < 0 || trans_a > 1 || trans_b < 0 || trans_b > 1) return InvalidValue;
    if (lda < (trans_a ? k : m) || ldb < (trans_b ? n : k) || ldc < m) return InvalidValue;
    if (!supported(a_type) || !supported(b_type) || !supported(c_type) || compute_type != 68) return NotSupported;
    auto gemm = new Gemm{ trans_a, trans_b, m, n, k, *alpha, *beta, (const void*)a, a_type, lda, (const void*)b, b_type, ldb, (void*)c, c_type, ldc };
    return parley_emu_submit(((Handle*)handle)->stream, run, gemm, [](void* state) { delete (Gemm*)state; });
}

} // extern "C"
