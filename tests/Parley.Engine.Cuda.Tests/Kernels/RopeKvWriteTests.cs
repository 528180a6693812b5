// The fused rotation and cache store (rope_kv_write.cu) against its CPU twin: Rope.Apply on queries and keys, then each
// token's rotated keys and its values placed at its slot in the [block][kvHead][slot][headDim] layout that CudaKvCache
// and the attention kernels read. A padding token (slot −1) has its queries rotated and stores nothing.
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Backends.Cuda;

namespace Parley.Engine.Cuda.Tests.Kernels;

public sealed class RopeKvWriteTests : KernelHarness
{
    private const int QHeads = 3, KvHeads = 2, HeadDim = 24, Blocks = 4, BlockSize = 16;

    [Fact]
    public void RopeKvWrite_RotatesQueriesAndKeys_AndStoresKeysAndValuesAtTheirSlots()
    {
        int[] positions = [0, 7, 300, 4095, 9], slots = [17, 18, 3, 63, -1];
        var rope = new Rope(HeadDim, 500000, scaling: null);
        float[] q = Random(positions.Length * QHeads * HeadDim), k = Random(positions.Length * KvHeads * HeadDim), v = Random(positions.Length * KvHeads * HeadDim);
        var cacheLength = Blocks * KvHeads * BlockSize * HeadDim;
        ulong queries = Upload(q), keys = Upload(new float[cacheLength]), values = Upload(new float[cacheLength]);
        var inputs = new AttentionInputs(0, 0, 0, Upload(positions), QHeads, KvHeads, HeadDim);

        Ops.RopeKvWrite(queries, Upload(k), Upload(v), inputs, Upload(rope.InverseFrequencies.ToArray()), Upload(slots), keys, values, CudaDtype.Float32, positions.Length);

        float[] expectedQueries = q.ToArray(), rotatedKeys = k.ToArray(), expectedKeys = new float[cacheLength], expectedValues = new float[cacheLength];
        float[] cos = new float[HeadDim / 2], sin = new float[HeadDim / 2];
        for (var t = 0; t < positions.Length; t++)
        {
            rope.Angles(positions[t], cos, sin);
            Rotate(expectedQueries.AsSpan(t * QHeads * HeadDim, QHeads * HeadDim), cos, sin);
            Rotate(rotatedKeys.AsSpan(t * KvHeads * HeadDim, KvHeads * HeadDim), cos, sin);
            if (slots[t] < 0)
            {
                continue;
            }

            for (var head = 0; head < KvHeads; head++)
            {
                var at = ((((slots[t] / BlockSize) * KvHeads) + head) * BlockSize + (slots[t] % BlockSize)) * HeadDim;
                rotatedKeys.AsSpan(((t * KvHeads) + head) * HeadDim, HeadDim).CopyTo(expectedKeys.AsSpan(at));
                v.AsSpan(((t * KvHeads) + head) * HeadDim, HeadDim).CopyTo(expectedValues.AsSpan(at));
            }
        }

        // Angles of thousands of radians: cosf/sinf of the emulator and MathF differ by a few ulps of the angle.
        Check("rope_kv_write queries", Download(queries, q.Length), expectedQueries, tolerance: 2e-4f);
        Check("rope_kv_write keys", Download(keys, cacheLength), expectedKeys, tolerance: 2e-4f);
        Check("rope_kv_write values", Download(values, cacheLength), expectedValues, tolerance: 0);
    }

    [Fact]
    public void RopeKvWrite_Bf16Cache_StoresTheRoundedRotatedKeys()
    {
        int[] positions = [5], slots = [20];
        var rope = new Rope(HeadDim, 10000, scaling: null);
        float[] q = Random(QHeads * HeadDim), k = Random(KvHeads * HeadDim), v = Random(KvHeads * HeadDim);
        var cacheLength = Blocks * KvHeads * BlockSize * HeadDim;
        ulong keys = Upload(new ushort[cacheLength]), values = Upload(new ushort[cacheLength]);
        var inputs = new AttentionInputs(0, 0, 0, Upload(positions), QHeads, KvHeads, HeadDim);

        Ops.RopeKvWrite(Upload(q), Upload(k), Upload(v), inputs, Upload(rope.InverseFrequencies.ToArray()), Upload(slots), keys, values, CudaDtype.BFloat16, 1);

        float[] cos = new float[HeadDim / 2], sin = new float[HeadDim / 2];
        rope.Angles(positions[0], cos, sin);
        var rotated = k.ToArray();
        Rotate(rotated, cos, sin);
        var stored = Download<ushort>(keys, cacheLength);
        var storedValues = Download<ushort>(values, cacheLength);
        for (var head = 0; head < KvHeads; head++)
        {
            var at = (((1 * KvHeads) + head) * BlockSize + 4) * HeadDim;   // slot 20: block 1, offset 4
            var widened = stored.AsSpan(at, HeadDim).ToArray().Select(bits => BitConverter.UInt32BitsToSingle((uint)bits << 16)).ToArray();
            var widenedValues = storedValues.AsSpan(at, HeadDim).ToArray().Select(bits => BitConverter.UInt32BitsToSingle((uint)bits << 16)).ToArray();
            // bf16 keeps 8 bits of mantissa: for rotated values below √2 (inputs in [-1, 1]) rounding moves them by at most
            // half a unit in the last place, 2^-8; a wrong element, slot or head would be off by about 1.
            Check($"rope_kv_write bf16 keys, head {head}", widened, rotated.AsSpan(head * HeadDim, HeadDim).ToArray(), tolerance: 1f / 256);
            Check($"rope_kv_write bf16 values, head {head}", widenedValues, v.AsSpan(head * HeadDim, HeadDim).ToArray(), tolerance: 1f / 256);
        }
    }

    private static void Rotate(Span<float> heads, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        for (var at = 0; at < heads.Length; at += HeadDim)
        {
            Rope.Apply(heads.Slice(at, HeadDim), cos, sin);
        }
    }
}
