using Parley.Engine.Backends.Cuda.Driver;

namespace Parley.Engine.Backends.Cuda;

/// <summary>The GPU ran out of memory while the backend was doing <see cref="Phase"/>, with the device's memory at that
/// moment; the process cannot go on, and its host reports it (the Kubernetes termination message) and exits.</summary>
public sealed class GpuOutOfMemoryException : Exception
{
    public GpuOutOfMemoryException()
    {
    }

    public GpuOutOfMemoryException(string message)
        : base(message)
    {
    }

    public GpuOutOfMemoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GpuOutOfMemoryException(string phase, long freeBytes, long totalBytes, CudaException cause)
        : base($"GPU out of memory while {phase}: {cause?.Message}", cause)
    {
        Phase = phase;
        FreeBytes = freeBytes;
        TotalBytes = totalBytes;
    }

    /// <summary>What the backend was doing, e.g. "loading the model".</summary>
    public string Phase { get; } = "";

    /// <summary>Device memory free when it failed (0 when the device could not say).</summary>
    public long FreeBytes { get; }

    public long TotalBytes { get; }

    /// <summary>The failing call's own message, e.g. <c>cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2).</c></summary>
    public string Detail => InnerException?.Message ?? Message;
}
