// SwiGLU's gate (Shazeer, 2020): silu(gate) * up, silu(x) = x * sigmoid(x).
using System.Numerics.Tensors;

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
        TensorPrimitives.Sigmoid(gate, output);
        TensorPrimitives.Multiply(output, gate, output);
        TensorPrimitives.Multiply(output, up, output);
    }
}
