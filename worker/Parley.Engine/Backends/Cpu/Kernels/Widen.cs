// Stored weights -> float32, inside the loops that use them. bf16 is the upper half of a float32, so widening is a
// 16-bit shift (eight lanes at a time with Vector256); f16 goes through System.Half's hardware conversion.
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Parley.Engine.Models;

namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>Widens 16-bit floats to float32.</summary>
public static class Widen
{
    /// <summary>bf16 bit patterns to float32: <c>destination[i] = bits(source[i] &lt;&lt; 16)</c>.</summary>
    public static void BFloat16(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("Destination is shorter than source.", nameof(destination));
        }

        var output = MemoryMarshal.Cast<float, uint>(destination);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= source.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                var (lower, upper) = Vector256.Widen(Vector256.Create(source.Slice(i, Vector256<ushort>.Count)));
                Vector256.ShiftLeft(lower, 16).CopyTo(output[i..]);
                Vector256.ShiftLeft(upper, 16).CopyTo(output[(i + Vector256<uint>.Count)..]);
            }
        }

        for (; i < source.Length; i++)
        {
            output[i] = (uint)source[i] << 16;
        }
    }

    /// <summary>IEEE half-precision values to float32.</summary>
    public static void Float16(ReadOnlySpan<Half> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("Destination is shorter than source.", nameof(destination));
        }

        TensorPrimitives.ConvertToSingle(source, destination);
    }

    /// <summary>A stored float tensor (bf16, f16 or f32) as float32, e.g. a norm weight or a bias.</summary>
    /// <exception cref="NotSupportedException">The tensor holds another dtype; the message names it.</exception>
    public static float[] Tensor(TensorInfo tensor, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var values = new float[tensor.ElementCount];
        if (!TryToSingle(tensor.Dtype, bytes, values))
        {
            throw new NotSupportedException($"Tensor '{tensor.Name}' is {tensor.Dtype.Name()}; expected BF16, F16 or F32.");
        }

        return values;
    }

    /// <summary>Stored bf16, f16 or f32 bytes to float32; false for any other dtype.</summary>
    public static bool TryToSingle(SafetensorsDtype dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (dtype)
        {
            case SafetensorsDtype.BF16:
                BFloat16(MemoryMarshal.Cast<byte, ushort>(source), destination);
                return true;
            case SafetensorsDtype.F16:
                Float16(MemoryMarshal.Cast<byte, Half>(source), destination);
                return true;
            case SafetensorsDtype.F32:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                return true;
            default:
                return false;
        }
    }
}
