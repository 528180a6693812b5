// Device memory that frees itself. Shapes are the owner's business; a buffer only knows its bytes.
namespace Parley.Engine.Backends.Cuda.Driver;

/// <summary>A device allocation.</summary>
public sealed unsafe class DeviceBuffer : IDisposable
{
    private ulong _pointer;

    /// <exception cref="CudaException">CUDA_ERROR_OUT_OF_MEMORY when the device is full.</exception>
    public DeviceBuffer(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Bytes = bytes;
        ulong pointer;
        // cuMemAlloc refuses zero bytes; a one-byte allocation keeps empty tensors valid pointers.
        CudaCheck.Driver(CuDriver.cuMemAlloc(&pointer, (nuint)Math.Max(bytes, 1)));
        _pointer = pointer;
    }

    public long Bytes { get; }

    /// <summary>The device address.</summary>
    public ulong Pointer => _pointer != 0 ? _pointer : throw new ObjectDisposedException(nameof(DeviceBuffer));

    /// <summary>Copies host bytes in (asynchronously on <paramref name="stream"/>; <paramref name="source"/> must stay put until it runs).</summary>
    public void Upload(void* source, long bytes, nint stream, long offset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + bytes, Bytes);
        CudaCheck.Driver(CuDriver.cuMemcpyHtoDAsync(Pointer + (ulong)offset, source, (nuint)bytes, stream));
    }

    /// <summary>Copies a host span in and waits for the copy.</summary>
    public void UploadNow<T>(ReadOnlySpan<T> source, nint stream, long offset = 0)
        where T : unmanaged
    {
        fixed (T* data = source)
        {
            Upload(data, (long)source.Length * sizeof(T), stream, offset);
            CudaCheck.Driver(CuDriver.cuStreamSynchronize(stream));
        }
    }

    /// <summary>Copies bytes out to the host and waits for the copy.</summary>
    public void DownloadNow<T>(Span<T> destination, nint stream, long offset = 0)
        where T : unmanaged
    {
        var bytes = (long)destination.Length * sizeof(T);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + bytes, Bytes);
        fixed (T* data = destination)
        {
            CudaCheck.Driver(CuDriver.cuMemcpyDtoHAsync(data, Pointer + (ulong)offset, (nuint)bytes, stream));
            CudaCheck.Driver(CuDriver.cuStreamSynchronize(stream));
        }
    }

    public void Clear(nint stream) => CudaCheck.Driver(CuDriver.cuMemsetD8Async(Pointer, 0, (nuint)Bytes, stream));

    public void Dispose()
    {
        if (_pointer != 0)
        {
            _ = CuDriver.cuMemFree(_pointer);
            _pointer = 0;
        }
    }
}
