// RMSNorm (Zhang & Sennrich, 2019), as Llama and Qwen use it: y = x / sqrt(mean(x^2) + eps) * weight.
using System.Numerics.Tensors;

namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>Root-mean-square layer normalisation.</summary>
public static class RmsNorm
{
    /// <summary>Normalises <paramref name="x"/> into <paramref name="destination"/>, scaled by <paramref name="weight"/>.</summary>
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float epsilon, Span<float> destination)
    {
        if (weight.Length != x.Length || destination.Length < x.Length)
        {
            throw new ArgumentException($"RmsNorm needs weight and destination of length {x.Length}.", nameof(weight));
        }

        if (x.IsEmpty)
        {
            return;
        }

        // Sum of squares in float like the reference implementations; the mean of 4k-wide rows stays well within range.
        var meanSquare = TensorPrimitives.SumOfSquares(x) / x.Length;
        var scale = 1f / MathF.Sqrt(meanSquare + epsilon);
        TensorPrimitives.Multiply(x, scale, destination);
        TensorPrimitives.Multiply(destination[..x.Length], weight, destination);
    }
}
