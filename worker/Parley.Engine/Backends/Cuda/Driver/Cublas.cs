// cuBLAS's GEMM entry points, as cublas_api.h declares them (the _v2 names behind cublas_v2.h's macros). Matrices
// are column-major; CublasGemm.cs turns Parley's row-major [tokens, features] into that view.
using System.Runtime.InteropServices;

namespace Parley.Engine.Backends.Cuda.Driver;

#pragma warning disable SA1300, IDE1006 // the C names

internal static unsafe partial class Cublas
{
    public const int Success = 0;

    // cublasOperation_t
    public const int OpN = 0;
    public const int OpT = 1;

    // cudaDataType_t (library_types.h)
    public const int R32F = 0;
    public const int R16F = 2;
    public const int R16BF = 14;

    // cublasComputeType_t: float accumulation whatever the inputs; CUBLAS_GEMM_DEFAULT lets cuBLAS pick tensor cores.
    public const int Compute32F = 68;
    public const int GemmDefault = -1;

    private const string Library = CudaLibrarySpec.CublasImport;

    [LibraryImport(Library, EntryPoint = "cublasCreate_v2")] public static partial int cublasCreate(nint* handle);
    [LibraryImport(Library, EntryPoint = "cublasDestroy_v2")] public static partial int cublasDestroy(nint handle);
    [LibraryImport(Library, EntryPoint = "cublasSetStream_v2")] public static partial int cublasSetStream(nint handle, nint stream);
    [LibraryImport(Library)] public static partial int cublasSetWorkspace_v2(nint handle, ulong workspace, nuint bytes);
    [LibraryImport(Library)] public static partial byte* cublasGetStatusName(int status);

    [LibraryImport(Library)]
    public static partial int cublasGemmEx(nint handle, int transA, int transB, int m, int n, int k,
        float* alpha, ulong a, int aType, int lda, ulong b, int bType, int ldb,
        float* beta, ulong c, int cType, int ldc, int computeType, int algorithm);
}
