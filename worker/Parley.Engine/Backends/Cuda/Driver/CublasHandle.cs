// A cuBLAS handle bound to one stream, with its workspace allocated up front: cuBLAS must not allocate while a
// CUDA graph is being captured, and a fixed workspace keeps replays using the same memory.
namespace Parley.Engine.Backends.Cuda.Driver;

/// <summary>cuBLAS on one stream.</summary>
public sealed unsafe class CublasHandle : IDisposable
{
    // 32 MiB: what cuBLAS asks for on Hopper for its largest split-K kernels (cuBLAS docs, cublasSetWorkspace).
    private const long WorkspaceBytes = 32L << 20;

    private readonly DeviceBuffer _workspace;
    private nint _handle;

    public CublasHandle(CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CudaLibraries.Require(CudaLibrary.Cublas);
        nint handle;
        CudaCheck.Cublas(Cublas.cublasCreate(&handle));
        _handle = handle;
        _workspace = new DeviceBuffer(WorkspaceBytes);
        CudaCheck.Cublas(Cublas.cublasSetStream(_handle, stream.Handle));
        CudaCheck.Cublas(Cublas.cublasSetWorkspace_v2(_handle, _workspace.Pointer, (nuint)WorkspaceBytes));
    }

    /// <summary>Y[rows, outFeatures] = X[rows, inFeatures] · Wᵀ (+ Y when <paramref name="accumulate"/>), all row-major.</summary>
    /// <remarks>Row-major Y = X·Wᵀ is column-major Yᵀ = W·Xᵀ where W's row-major [out, in] is column-major [in, out]
    /// transposed: so A = W with op T (lda = in), B = X with op N (ldb = in), C = Y (ldc = out).</remarks>
    public void Gemm(int rows, int outFeatures, int inFeatures, ulong weight, ulong x, int inputType, ulong y, int outputType, bool accumulate)
    {
        float alpha = 1, beta = accumulate ? 1 : 0;
        CudaCheck.Cublas(Cublas.cublasGemmEx(_handle, Cublas.OpT, Cublas.OpN, outFeatures, rows, inFeatures,
            &alpha, weight, inputType, inFeatures, x, inputType, inFeatures,
            &beta, y, outputType, outFeatures, Cublas.Compute32F, Cublas.GemmDefault));
    }

    /// <summary>Y[rows, outFeatures] = X[rows, inFeatures] · W for a weight stored input-major, W[inFeatures, outFeatures],
    /// all row-major (an unpacked GPTQ weight keeps its packed layout's order).</summary>
    /// <remarks>Row-major W[in, out] is column-major [out, in]: so A = W with op N (lda = out), B = X with op N (ldb = in).</remarks>
    public void GemmInputMajor(int rows, int outFeatures, int inFeatures, ulong weight, ulong x, int inputType, ulong y, int outputType)
    {
        float alpha = 1, beta = 0;
        CudaCheck.Cublas(Cublas.cublasGemmEx(_handle, Cublas.OpN, Cublas.OpN, outFeatures, rows, inFeatures,
            &alpha, weight, inputType, outFeatures, x, inputType, inFeatures,
            &beta, y, outputType, outFeatures, Cublas.Compute32F, Cublas.GemmDefault));
    }

    public void Dispose()
    {
        if (_handle != 0)
        {
            _ = Cublas.cublasDestroy(_handle); // teardown: nothing useful to do with a failure
            _handle = 0;
        }

        _workspace.Dispose();
    }
}
