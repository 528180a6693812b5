// Log-softmax and top-N selection over a vocabulary of logits. The log-sum-exp subtracts the maximum first so that
// exp never overflows, and runs exp and sum with TensorPrimitives over 256-float stack chunks (1 KiB), so it needs no
// destination buffer and allocates nothing.
using System.Numerics.Tensors;

namespace Parley.Engine.Sampling;

/// <summary>Log-probabilities from logits.</summary>
public static class Logprobs
{
    // 256 floats = 1 KiB of stack, the style guide's stackalloc limit; long enough to amortize each TensorPrimitives call.
    private const int ChunkLength = 256;

    /// <summary>log(sum(exp(x))), computed stably; negative infinity when every value is.</summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> is empty.</exception>
    public static float LogSumExp(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty)
            throw new ArgumentException("The input must not be empty.", nameof(x));
        var max = TensorPrimitives.Max(x);
        if (float.IsNegativeInfinity(max))
            return max;

        Span<float> chunk = stackalloc float[ChunkLength];
        double sum = 0;
        for (var start = 0; start < x.Length; start += ChunkLength)
        {
            var source = x.Slice(start, Math.Min(ChunkLength, x.Length - start));
            var exps = chunk[..source.Length];
            TensorPrimitives.Subtract(source, max, exps);
            TensorPrimitives.Exp(exps, exps);
            sum += TensorPrimitives.Sum<float>(exps);
        }

        return max + (float)Math.Log(sum);
    }

    /// <summary>Writes log(softmax(x)) to <paramref name="destination"/>, which may be <paramref name="x"/> itself.</summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> is empty or longer than <paramref name="destination"/>.</exception>
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> destination)
    {
        if (destination.Length < x.Length)
            throw new ArgumentException("The destination is shorter than the input.", nameof(destination));
        TensorPrimitives.Subtract(x, LogSumExp(x), destination[..x.Length]);
    }

    /// <summary>
    /// Writes the indices of the <c>destination.Length</c> largest values to <paramref name="destination"/>, largest
    /// first, ties to the lower index.
    /// </summary>
    /// <remarks>
    /// An insertion into a sorted window of N: O(V) compares against the window's smallest value, plus O(N) per value
    /// that enters; meant for small N (logprobs ask for at most 20), not for top-k over a whole vocabulary.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is longer than <paramref name="x"/>.</exception>
    public static void TopIndices(ReadOnlySpan<float> x, Span<int> destination)
    {
        if (destination.Length > x.Length)
            throw new ArgumentException("Cannot select more indices than there are values.", nameof(destination));
        if (destination.IsEmpty)
            return;
        var filled = 0;
        for (var i = 0; i < x.Length; i++)
        {
            if (filled == destination.Length && !(x[i] > x[destination[filled - 1]]))
                continue;
            var position = filled == destination.Length ? filled - 1 : filled++;
            while (position > 0 && x[i] > x[destination[position - 1]])
            {
                destination[position] = destination[position - 1];
                position--;
            }

            destination[position] = i;
        }
    }
}
