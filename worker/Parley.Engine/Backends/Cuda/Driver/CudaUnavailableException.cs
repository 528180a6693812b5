namespace Parley.Engine.Backends.Cuda.Driver;

/// <summary>CUDA cannot run here: a library is missing or the driver is too old. The message is one sentence that
/// names what to install; callers print it instead of a stack trace.</summary>
public sealed class CudaUnavailableException : Exception
{
    public CudaUnavailableException()
    {
    }

    public CudaUnavailableException(string message)
        : base(message)
    {
    }

    public CudaUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
