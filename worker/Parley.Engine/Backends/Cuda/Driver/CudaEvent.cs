// Events time work on a stream as the GPU saw it, which host clocks cannot when launches are asynchronous.
namespace Parley.Engine.Backends.Cuda.Driver;

/// <summary>A CUDA event.</summary>
public sealed unsafe class CudaEvent : IDisposable
{
    private nint _handle;

    public CudaEvent()
    {
        nint handle;
        CudaCheck.Driver(CuDriver.cuEventCreate(&handle, 0));
        _handle = handle;
    }

    public void Record(CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CudaCheck.Driver(CuDriver.cuEventRecord(_handle, stream.Handle));
    }

    public void Synchronize() => CudaCheck.Driver(CuDriver.cuEventSynchronize(_handle));

    /// <summary>Milliseconds from <paramref name="start"/> to this event; both must have completed.</summary>
    public float MillisecondsSince(CudaEvent start)
    {
        ArgumentNullException.ThrowIfNull(start);
        float milliseconds;
        CudaCheck.Driver(CuDriver.cuEventElapsedTime(&milliseconds, start._handle, _handle));
        return milliseconds;
    }

    public void Dispose()
    {
        if (_handle != 0)
        {
            _ = CuDriver.cuEventDestroy(_handle);
            _handle = 0;
        }
    }
}
