// A float32 rounded to bf16 the way checkpoints are written and the CPU's VCVTNEPS2BF16 rounds: to nearest, ties to
// even, kept as the upper 16 bits of the float32.
namespace Parley.Engine.Models;

/// <summary>float32 to bf16 bits and back.</summary>
public static class BFloat16Bits
{
    /// <summary>The bf16 nearest to <paramref name="value"/> (ties to even), as its 16 bits.</summary>
    public static ushort Round(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    /// <summary>The float32 that <paramref name="bits"/> hold.</summary>
    public static float Value(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);
}
