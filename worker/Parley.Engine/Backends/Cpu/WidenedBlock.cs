// Scratch for a block of weight rows widened to float32 (DenseLinear's f16 tiles), one per thread: the gang's threads
// live as long as the backend, so each keeps one array sized for its largest block and allocates nothing afterwards.
namespace Parley.Engine.Backends.Cpu;

/// <summary>A per-thread float32 array for widened weight rows.</summary>
internal static class WidenedBlock
{
    [ThreadStatic]
    private static float[]? t_block;

    /// <summary>This thread's array, at least <paramref name="length"/> floats long; its contents are undefined.</summary>
    public static float[] Rent(long length)
    {
        if (t_block is null || t_block.LongLength < length)
        {
            t_block = GC.AllocateUninitializedArray<float>(checked((int)length), pinned: true);
        }

        return t_block;
    }
}
