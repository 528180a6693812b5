namespace Parley.Engine.Backends.Cuda.Driver;

/// <summary>A CUDA, NVRTC or cuBLAS call returned an error.</summary>
public sealed class CudaException : Exception
{
    public CudaException()
    {
    }

    public CudaException(string message)
        : base(message)
    {
    }

    public CudaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CudaException(string function, int code, string errorName)
        : base($"{function} failed: {errorName} ({code}).")
    {
        Function = function;
        Code = code;
        ErrorName = errorName;
    }

    /// <summary>The API function that failed.</summary>
    public string Function { get; } = "";

    /// <summary>Its result code.</summary>
    public int Code { get; }

    /// <summary>The library's name for the code, e.g. CUDA_ERROR_OUT_OF_MEMORY.</summary>
    public string ErrorName { get; } = "";

    /// <summary>Whether the device ran out of memory (driver or cuBLAS allocation).</summary>
    public bool IsOutOfMemory => ErrorName is "CUDA_ERROR_OUT_OF_MEMORY" or "CUBLAS_STATUS_ALLOC_FAILED";
}
