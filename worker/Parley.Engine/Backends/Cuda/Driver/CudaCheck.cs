// Result codes -> exceptions carrying the library's own name for the error (CUDA_ERROR_OUT_OF_MEMORY,
// NVRTC_ERROR_COMPILATION, CUBLAS_STATUS_ALLOC_FAILED), so logs and the termination message say what happened.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CublasApi = Parley.Engine.Backends.Cuda.Driver.Cublas;
using NvrtcApi = Parley.Engine.Backends.Cuda.Driver.Nvrtc;

namespace Parley.Engine.Backends.Cuda.Driver;

internal static unsafe class CudaCheck
{
    public static void Driver(int result, [CallerArgumentExpression(nameof(result))] string call = "")
    {
        if (result != 0)
        {
            byte* name = null;
            var known = CuDriver.cuGetErrorName(result, &name) == 0 && name != null;
            throw new CudaException(FunctionOf(call), result, known ? Marshal.PtrToStringUTF8((nint)name)! : $"CUDA error {result}");
        }
    }

    public static void Nvrtc(int result, [CallerArgumentExpression(nameof(result))] string call = "")
    {
        if (result != NvrtcApi.Success)
        {
            var name = NvrtcApi.nvrtcGetErrorString(result);
            throw new CudaException(FunctionOf(call), result, name != null ? Marshal.PtrToStringUTF8((nint)name)! : $"NVRTC error {result}");
        }
    }

    public static void Cublas(int result, [CallerArgumentExpression(nameof(result))] string call = "")
    {
        if (result != CublasApi.Success)
        {
            var name = CublasApi.cublasGetStatusName(result);
            throw new CudaException(FunctionOf(call), result, name != null ? Marshal.PtrToStringUTF8((nint)name)! : $"cuBLAS status {result}");
        }
    }

    // "CuDriver.cuMemAlloc(&pointer, bytes)" -> "cuMemAlloc"
    internal static string FunctionOf(string call)
    {
        var open = call.IndexOf('(', StringComparison.Ordinal);
        var head = open < 0 ? call : call[..open];
        return head[(head.LastIndexOf('.') + 1)..];
    }
}
