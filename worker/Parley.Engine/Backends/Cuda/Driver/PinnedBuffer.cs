// Page-locked host memory: asynchronous copies from it really are asynchronous, and the driver can DMA straight from it.
namespace Parley.Engine.Backends.Cuda.Driver;

/// <summary>A pinned host allocation.</summary>
public sealed unsafe class PinnedBuffer : IDisposable
{
    public PinnedBuffer(long bytes)
    {
        void* pointer;
        CudaCheck.Driver(CuDriver.cuMemAllocHost(&pointer, (nuint)Math.Max(bytes, 1)));
        Pointer = (byte*)pointer;
        Bytes = bytes;
    }

    public byte* Pointer { get; private set; }
    public long Bytes { get; }

    public Span<T> As<T>(long byteOffset, int count)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(byteOffset + ((long)count * sizeof(T)), Bytes);
        return new Span<T>(Pointer + byteOffset, count);
    }

    public void Dispose()
    {
        if (Pointer != null)
        {
            _ = CuDriver.cuMemFreeHost(Pointer);
            Pointer = null;
        }
    }
}
