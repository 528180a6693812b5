// Activation and KV memory outside the GC heap: 64-byte aligned for vector loads, never moved, so kernels running on
// the ThreadGang can hold raw pointers to it, and freed deterministically when the backend is disposed.
using System.Runtime.InteropServices;

namespace Parley.Engine.Backends.Cpu;

/// <summary>An aligned, unmanaged float array.</summary>
internal sealed unsafe class NativeBuffer : IDisposable
{
    private float* _data;

    public NativeBuffer(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        // Not cleared: every float is written before it is read (attention reads only positions already stored), and an
        // untouched allocation costs no memory until used, which matters for a KV cache sized for many sequences.
        _data = (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, length) * sizeof(float), 64);
    }

    public long Length { get; }

    public float* Pointer => _data != null ? _data : throw new ObjectDisposedException(nameof(NativeBuffer));

    /// <summary><paramref name="length"/> floats from <paramref name="offset"/>.</summary>
    public Span<float> Slice(long offset, int length) =>
        offset >= 0 && offset + length <= Length ? new Span<float>(Pointer + offset, length) : throw new ArgumentOutOfRangeException(nameof(offset));

    public void Dispose()
    {
        if (_data != null)
        {
            NativeMemory.AlignedFree(_data);
            _data = null;
        }
    }
}
