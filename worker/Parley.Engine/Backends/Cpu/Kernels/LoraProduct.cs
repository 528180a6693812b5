// LoRA's low-rank update of a projection (Hu et al., 2021), for a run of tokens that share one adapter, in the two
// steps Punica's kernels take: shrink u = scale·A·x (r values per token), then expand y += Σ_j u_j·Bᵀ_j. Both steps
// are r vector operations per token, beside the in × out of the base product: rank 16 on a 4096-wide projection
// adds under 1 % to its work.
using System.Numerics.Tensors;

namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>Adds a LoRA update to a projection's output rows.</summary>
public static class LoraProduct
{
    /// <summary>y[t] += scale · B·(A·x[t]) for each of <paramref name="tokenCount"/> tokens.</summary>
    /// <param name="x">[tokenCount, in] the projection's input rows.</param>
    /// <param name="tokenCount">Rows of <paramref name="x"/>.</param>
    /// <param name="a">[rank, in] lora_A.</param>
    /// <param name="bTransposed">[rank, out] lora_B transposed.</param>
    /// <param name="rank">r.</param>
    /// <param name="scale">alpha / r (or alpha / sqrt(r)).</param>
    /// <param name="shrunk">Scratch of at least rank floats.</param>
    /// <param name="y">Output rows: token t's starts at t · <paramref name="yStride"/> and is out wide.</param>
    /// <param name="yStride">Floats between output rows.</param>
    public static void Apply(ReadOnlySpan<float> x, int tokenCount, ReadOnlySpan<float> a, ReadOnlySpan<float> bTransposed, int rank, float scale,
        Span<float> shrunk, Span<float> y, int yStride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        int input = a.Length / rank, output = bTransposed.Length / rank;
        if (x.Length < tokenCount * input || shrunk.Length < rank || (tokenCount > 0 && y.Length < ((tokenCount - 1) * yStride) + output))
        {
            throw new ArgumentException($"LoRA product of {tokenCount} tokens, rank {rank}, [{input} -> {output}]: an input, scratch or output span is too short.");
        }

        for (var t = 0; t < tokenCount; t++)
        {
            var row = x.Slice(t * input, input);
            for (var j = 0; j < rank; j++)
            {
                shrunk[j] = scale * TensorPrimitives.Dot(a.Slice(j * input, input), row);
            }

            var destination = y.Slice(t * yStride, output);
            for (var j = 0; j < rank; j++)
            {
                TensorPrimitives.MultiplyAdd(bTransposed.Slice(j * output, output), shrunk[j], destination, destination);
            }
        }
    }
}
