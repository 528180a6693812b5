// How each stored weight type becomes float32 lanes inside a product loop. The dot-product kernels are generic over
// these structs, so the JIT compiles one specialised loop per type with the conversion inlined. Each gives 8 lanes
// (AVX2) and 16 lanes (AVX-512); the kernels use the wider form where the CPU has it.
//   bf16: the upper half of a float32, so a 16-bit shift.
//   f16:  sign-extend, shift, mask, and rebias the exponent by multiplying by 2^112 (exact for normal and subnormal
//         halves; inf and NaN are refused at load).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>Loads stored weights as float32.</summary>
internal unsafe interface IWeightRow
{
    /// <summary>Bytes per stored element.</summary>
    static abstract int ElementSize { get; }

    /// <summary>Eight elements from <paramref name="row"/> + <paramref name="index"/> elements.</summary>
    static abstract Vector256<float> Load8(byte* row, int index);

    /// <summary>Sixteen elements (AVX-512).</summary>
    static abstract Vector512<float> Load16(byte* row, int index);

    /// <summary>One element.</summary>
    static abstract float Load1(byte* row, int index);
}

internal readonly unsafe struct Float32Row : IWeightRow
{
    public static int ElementSize => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load8(byte* row, int index) => Vector256.Load((float*)row + index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(byte* row, int index) => Vector512.Load((float*)row + index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load1(byte* row, int index) => ((float*)row)[index];
}

internal readonly unsafe struct BFloat16Row : IWeightRow
{
    public static int ElementSize => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load8(byte* row, int index) =>
        Vector256.ShiftLeft(Vector256.WidenLower(Vector128.Load((ushort*)row + index).ToVector256Unsafe()), 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(byte* row, int index) =>
        Vector512.ShiftLeft(Vector512.WidenLower(Vector256.Load((ushort*)row + index).ToVector512Unsafe()), 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load1(byte* row, int index) => BitConverter.UInt32BitsToSingle((uint)((ushort*)row)[index] << 16);
}

internal readonly unsafe struct Float16Row : IWeightRow
{
    private const float ExponentRebias = 5.192297e33f; // 2^112 = 2^(127 - 15)

    // Sign-extending each half and shifting it left by 13 puts its sign at bit 31, exponent at 23..27 and mantissa
    // at 13..22; the mask clears the smeared sign bits in 28..30. Multiplying by 2^112 then rebiases the exponent,
    // exactly for normal and subnormal halves alike, and the sign rides along. Halves with exponent 31 (inf, NaN)
    // would come out finite, so CpuWeights refuses f16 weights holding them at load.
    private const uint FieldMask = 0x8FFFE000;

    public static int ElementSize => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load8(byte* row, int index)
    {
        var bits = Vector256.WidenLower(Vector128.Load((short*)row + index).ToVector256Unsafe()).AsUInt32();
        return (Vector256.ShiftLeft(bits, 13) & Vector256.Create(FieldMask)).AsSingle() * ExponentRebias;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(byte* row, int index)
    {
        var bits = Vector512.WidenLower(Vector256.Load((short*)row + index).ToVector512Unsafe()).AsUInt32();
        return (Vector512.ShiftLeft(bits, 13) & Vector512.Create(FieldMask)).AsSingle() * ExponentRebias;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load1(byte* row, int index) => (float)((Half*)row)[index];

    /// <summary>Widens <paramref name="count"/> halves into float32, 16 lanes at a time where the CPU has AVX-512.</summary>
    public static void Widen(byte* source, long count, float* destination)
    {
        long i = 0;
        for (; i <= count - 16; i += 16)
        {
            Load16(source + i * 2, 0).Store(destination + i);
        }

        for (; i < count; i++)
        {
            destination[i] = (float)((Half*)source)[i];
        }
    }

    /// <summary>True when no element of <paramref name="halves"/> is infinite or NaN.</summary>
    public static bool AllFinite(ReadOnlySpan<ushort> halves)
    {
        var exponent = Vector512.Create((ushort)0x7C00);
        var i = 0;
        for (; i <= halves.Length - Vector512<ushort>.Count; i += Vector512<ushort>.Count)
        {
            if (Vector512.EqualsAny(Vector512.Create(halves.Slice(i, Vector512<ushort>.Count)) & exponent, exponent))
            {
                return false;
            }
        }

        for (; i < halves.Length; i++)
        {
            if ((halves[i] & 0x7C00) == 0x7C00)
            {
                return false;
            }
        }

        return true;
    }
}
