// How each stored weight type becomes float32 lanes inside a product loop. The dot-product kernels are generic over
// these structs, so the JIT compiles one specialised loop per type with the conversion inlined. Each gives 8 lanes
// (AVX2) and 16 lanes (AVX-512); the kernels use the wider form where the CPU has it.
//   bf16: the upper half of a float32, so a 16-bit shift.
//   f16:  rebias the exponent by multiplying by 2^112 (exact for normal and subnormal halves), then patch inf/NaN.
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

    public static int ElementSize => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load8(byte* row, int index)
    {
        var bits = Vector256.WidenLower(Vector128.Load((ushort*)row + index).ToVector256Unsafe());
        var sign = Vector256.ShiftLeft(bits & Vector256.Create(0x8000u), 16);
        var magnitude = Vector256.ShiftLeft(bits & Vector256.Create(0x7FFFu), 13).AsSingle() * ExponentRebias;
        var infinityOrNaN = Vector256.Equals(bits & Vector256.Create(0x7C00u), Vector256.Create(0x7C00u));
        return (magnitude.AsUInt32() | (infinityOrNaN & Vector256.Create(0x7F800000u)) | sign).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(byte* row, int index)
    {
        var bits = Vector512.WidenLower(Vector256.Load((ushort*)row + index).ToVector512Unsafe());
        var sign = Vector512.ShiftLeft(bits & Vector512.Create(0x8000u), 16);
        var magnitude = Vector512.ShiftLeft(bits & Vector512.Create(0x7FFFu), 13).AsSingle() * ExponentRebias;
        var infinityOrNaN = Vector512.Equals(bits & Vector512.Create(0x7C00u), Vector512.Create(0x7C00u));
        return (magnitude.AsUInt32() | (infinityOrNaN & Vector512.Create(0x7F800000u)) | sign).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load1(byte* row, int index) => (float)((Half*)row)[index];
}
