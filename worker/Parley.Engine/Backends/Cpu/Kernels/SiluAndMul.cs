// SwiGLU's gate (Shazeer, 2020): silu(gate) * up, silu(x) = x * sigmoid(x).
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>The gated activation of the Llama MLP.</summary>
public static class SiluAndMul
{
    /// <summary>destination = gate * sigmoid(gate) * up; <paramref name="destination"/> must not overlap the inputs.</summary>
    public static void Apply(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> destination)
    {
        if (up.Length != gate.Length || destination.Length < gate.Length)
        {
            throw new ArgumentException($"SiluAndMul needs up and destination of length {gate.Length}.", nameof(up));
        }

        var output = destination[..gate.Length];
        if (!FastExp.IsSupported)
        {
            TensorPrimitives.Sigmoid(gate, output);
            TensorPrimitives.Multiply(output, gate, output);
            TensorPrimitives.Multiply(output, up, output);
            return;
        }

        // silu(g) = g / (1 + e^-g): one division, and with e^-g infinite (g below -89) the quotient is 0 as it should be.
        ref var g = ref MemoryMarshal.GetReference(gate);
        ref var u = ref MemoryMarshal.GetReference(up);
        ref var o = ref MemoryMarshal.GetReference(output);
        var i = 0;
        for (; i + Vector512<float>.Count <= gate.Length; i += Vector512<float>.Count)
        {
            var x = Vector512.LoadUnsafe(ref g, (nuint)i);
            (x / (Vector512<float>.One + FastExp.Exp(-x)) * Vector512.LoadUnsafe(ref u, (nuint)i)).StoreUnsafe(ref o, (nuint)i);
        }

        for (; i < gate.Length; i++)
        {
            output[i] = gate[i] / (1 + MathF.Exp(-gate[i])) * up[i];
        }
    }
}
