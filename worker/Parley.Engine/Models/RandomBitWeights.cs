// Benchmark checkpoints of real sizes (billions of weights) in seconds: each tensor's bytes are random bit patterns
// masked into a fixed, harmless range and streamed into the safetensors file 8 MiB at a time. Nothing is
// quantised or converted element by element: a bf16 weight is (random & sign|mantissa) | exponent, four per 64-bit draw.
// The values are meaningless but finite and small, which is all a speed measurement needs; parity tests use
// TinyWeightFill.Reference, whose weights come from a real distribution and real GPTQ quantisation.
using System.Runtime.InteropServices;

namespace Parley.Engine.Models;

/// <summary>Tensor sources filled with masked random bits.</summary>
internal static class RandomBitWeights
{
    private const int ChunkBytes = 8 << 20;
    private const int Segments = 16;

    /// <summary>Weights of magnitude [2^-5, 2^-4) with a random sign, in <paramref name="dtype"/>.</summary>
    public static TensorSource Dense(string name, SafetensorsDtype dtype, long[] shape, ulong seed)
    {
        var (keep, set) = dtype switch
        {
            SafetensorsDtype.F32 => (0x807FFFFF_807FFFFFUL, 0x3D000000_3D000000UL),
            SafetensorsDtype.F16 => (0x83FF83FF_83FF83FFUL, 0x28002800_28002800UL),
            SafetensorsDtype.BF16 => (0x807F807F_807F807FUL, 0x3D003D00_3D003D00UL),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "random weights are f32, f16 or bf16"),
        };
        return Masked(name, dtype, shape, seed, keep, set);
    }

    /// <summary>Norm weights in [1, 2).</summary>
    public static TensorSource Norm(string name, SafetensorsDtype dtype, long size, ulong seed)
    {
        var (keep, set) = dtype switch
        {
            SafetensorsDtype.F32 => (0x007FFFFF_007FFFFFUL, 0x3F800000_3F800000UL),
            SafetensorsDtype.F16 => (0x03FF03FF_03FF03FFUL, 0x3C003C00_3C003C00UL),
            SafetensorsDtype.BF16 => (0x007F007F_007F007FUL, 0x3F803F80_3F803F80UL),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "norm weights are f32, f16 or bf16"),
        };
        return Masked(name, dtype, [size], seed, keep, set);
    }

    /// <summary>qweight, qzeros, scales and g_idx of a GPTQ 4-bit linear layer ([rows, columns] dense).</summary>
    public static IEnumerable<TensorSource> Gptq(string name, long rows, long columns, TinyGptq gptq, ulong seed)
    {
        var groupSize = gptq.GroupSize > 0 ? gptq.GroupSize : columns;
        var groups = columns / groupSize;
        // Any 32 bits are eight valid 4-bit weights; symmetric zero points are 8, stored minus one (GPTQ v1) as 7.
        yield return Masked(name + ".qweight", SafetensorsDtype.I32, [columns / 8, rows], seed, ulong.MaxValue, 0);
        yield return gptq.Symmetric
            ? Masked(name + ".qzeros", SafetensorsDtype.I32, [groups, rows / 8], seed + 1, 0, 0x77777777_77777777UL)
            : Masked(name + ".qzeros", SafetensorsDtype.I32, [groups, rows / 8], seed + 1, ulong.MaxValue, 0);
        // f16 scales in [2^-7, 2^-6).
        yield return Masked(name + ".scales", SafetensorsDtype.F16, [groups, rows], seed + 2, 0x03FF03FF_03FF03FFUL, 0x20002000_20002000UL);
        yield return new TensorSource(name + ".g_idx", SafetensorsDtype.I32, [columns], stream =>
        {
            var order = Enumerable.Range(0, (int)columns).ToArray();
            if (gptq.ActOrder)
            {
                new Random((int)seed).Shuffle(order);
            }

            var groupIndex = new int[columns];
            for (var position = 0; position < columns; position++)
            {
                groupIndex[order[position]] = (int)(position / groupSize);
            }

            stream.Write(MemoryMarshal.AsBytes(groupIndex.AsSpan()));
        });
    }

    private static TensorSource Masked(string name, SafetensorsDtype dtype, long[] shape, ulong seed, ulong keep, ulong set) =>
        new(name, dtype, shape, stream => Fill(stream, dtype.ByteCount(shape), seed, keep, set));

    // Chunks of 8 MiB, each drawn as 16 independent streams in parallel (the GPU machines this serves have many cores),
    // seeded by position: the bytes depend on the seed alone, never on the thread schedule.
    private static void Fill(Stream stream, long bytes, ulong seed, ulong keep, ulong set)
    {
        // Small tensors (norms, zero points) get a small buffer: most of a checkpoint's tensors are far under 8 MiB.
        var words = (bytes + sizeof(ulong) - 1) / sizeof(ulong);
        var segment = (int)Math.Min(ChunkBytes / sizeof(ulong) / Segments, (words + Segments - 1) / Segments);
        var chunk = new ulong[segment * Segments];
        var chunkBytes = chunk.Length * sizeof(ulong);
        for (long written = 0; written < bytes; written += chunkBytes)
        {
            var chunkIndex = (ulong)(written / chunkBytes);
            Parallel.For(0, Segments, s =>
            {
                var state = (seed * 0x9E3779B97F4A7C15UL) ^ ((chunkIndex * Segments + (ulong)s) * 0xD1B54A32D192ED03UL);
                foreach (ref var word in chunk.AsSpan(s * segment, segment))
                {
                    word = (SplitMix64(ref state) & keep) | set;
                }
            });

            // Every element size divides 8, so a tensor's last partial chunk still ends on a whole element.
            stream.Write(MemoryMarshal.AsBytes(chunk.AsSpan())[..(int)Math.Min(chunkBytes, bytes - written)]);
        }
    }

    // SplitMix64 (Steele, Lea and Flood, 2014): three multiplies per 64 random bits, no state beyond one word.
    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
