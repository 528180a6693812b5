// Causal attention for a block of consecutive query tokens of one sequence (a prefill chunk) and one KV head, tiled
// like the matrix products: the scores of the block's query rows (its tokens x the query heads sharing the KV head)
// against one 16-key cache block come from TileDot (4 keys x up to 6 query rows per register tile), and that block's
// values join each row's output under an online softmax (Milakov & Gimelshein, 2018; FlashAttention, Dao et al.,
// 2022). Each cache block is read once per query block instead of once per query token, and no row of scores as long
// as the context is kept.
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Parley.Engine.Scheduling;

namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>Attention of a block of query tokens over a paged KV cache.</summary>
internal static unsafe class PrefillAttention
{
    private const int KeysPerBlock = BlockPool.BlockSize;

    /// <summary>Most query tokens per call: one cache block's worth, so a block of scores stays in L1.</summary>
    public const int MaxQueryTokens = BlockPool.BlockSize;

    /// <summary>Floats of scratch one call needs: scores, running maxima and sums of every query row.</summary>
    public static int ScratchLength(int groupSize) => groupSize * MaxQueryTokens * (KeysPerBlock + 2);

    /// <summary>Attends <paramref name="tokens"/> consecutive query tokens, the first at <paramref name="firstPosition"/>,
    /// each to its own position and all before it.</summary>
    /// <param name="queries">The first token's <paramref name="groupSize"/> query heads (headDim apart) sharing KV head <paramref name="kvHead"/>.</param>
    /// <param name="tokenStride">Floats between consecutive tokens' queries, and between their outputs.</param>
    /// <param name="tokens">1 to <see cref="MaxQueryTokens"/>.</param>
    /// <param name="firstPosition">The first query token's position.</param>
    /// <param name="keys">The layer's key blocks, [block][kvHead][slot][headDim].</param>
    /// <param name="values">The layer's value blocks, same layout.</param>
    /// <param name="blockTable">The sequence's block ids in token order.</param>
    /// <param name="kvHead">Which KV head.</param>
    /// <param name="cache">Strides of the cache layout.</param>
    /// <param name="groupSize">Query heads per KV head.</param>
    /// <param name="scratch"><see cref="ScratchLength"/> floats.</param>
    /// <param name="output">Laid out as <paramref name="queries"/>.</param>
    public static void Compute(float* queries, int tokenStride, int tokens, int firstPosition, float* keys, float* values,
        IReadOnlyList<int> blockTable, int kvHead, PagedKvCache cache, int groupSize, float* scratch, float* output)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tokens, MaxQueryTokens);
        var headDim = cache.HeadDim;
        var rows = groupSize * tokens; // row g·tokens + t: query head g of token t
        float* scores = scratch, maxima = scratch + rows * KeysPerBlock, sums = maxima + rows;
        for (var row = 0; row < rows; row++)
        {
            (maxima[row], sums[row]) = (float.NegativeInfinity, 0);
            new Span<float>(Output(output, tokenStride, tokens, headDim, row), headDim).Clear();
        }

        var lastPosition = firstPosition + tokens - 1;
        for (var block = 0; block * KeysPerBlock <= lastPosition; block++)
        {
            var offset = blockTable[block] * cache.BlockStride + kvHead * cache.HeadStride;
            var keyCount = Math.Min(KeysPerBlock, lastPosition + 1 - block * KeysPerBlock);
            Scores(queries, tokenStride, tokens, groupSize, keys + offset, keyCount, headDim, scores);
            for (var row = 0; row < rows; row++)
            {
                // Causal: token t sees keys up to its own position.
                var visible = Math.Min(keyCount, firstPosition + row % tokens + 1 - block * KeysPerBlock);
                if (visible > 0)
                {
                    Accumulate(scores + row * KeysPerBlock, visible, values + offset, headDim, ref maxima[row], ref sums[row], Output(output, tokenStride, tokens, headDim, row));
                }
            }
        }

        for (var row = 0; row < rows; row++)
        {
            var destination = new Span<float>(Output(output, tokenStride, tokens, headDim, row), headDim);
            TensorPrimitives.Multiply(destination, 1 / sums[row], destination);
        }
    }

    private static float* Output(float* output, int tokenStride, int tokens, int headDim, int row) =>
        output + (long)(row % tokens) * tokenStride + row / tokens * headDim;

    // scores[row][j] = q_row·k_j for the block's keys, rounded up to whole tiles of 4 (the block's slots are all
    // allocated; scores of keys not yet written are never read).
    private static void Scores(float* queries, int tokenStride, int tokens, int groupSize, float* keys, int keyCount, int headDim, float* scores)
    {
        var keyBytes = (long)headDim * sizeof(float);
        for (var g = 0; g < groupSize; g++)
        {
            for (var t = 0; t < tokens; t += TileDot.MaxTokens)
            {
                var count = Math.Min(TileDot.MaxTokens, tokens - t);
                for (var j = 0; j < keyCount; j += TileDot.Rows)
                {
                    TileDot.Multiply<Float32Row>(count, (byte*)(keys + j * headDim), keyBytes, queries + (long)t * tokenStride + g * headDim, tokenStride, headDim,
                        scores + (g * tokens + t) * KeysPerBlock + j, KeysPerBlock, accumulate: false);
                }
            }
        }
    }

    // One row's online softmax step: rescale what is summed so far to the new maximum, then add this block's
    // exp(score - max)·value terms.
    private static void Accumulate(float* scores, int visible, float* values, int headDim, ref float maximum, ref float sum, float* output)
    {
        var scale = 1 / MathF.Sqrt(headDim);
        var row = new Span<float>(scores, visible);
        TensorPrimitives.Multiply(row, scale, row);
        var newMaximum = Math.Max(maximum, TensorPrimitives.Max<float>(row));
        var correction = MathF.Exp(maximum - newMaximum);
        TensorPrimitives.Subtract(row, newMaximum, row);
        TensorPrimitives.Exp(row, row);
        sum = sum * correction + TensorPrimitives.Sum<float>(row);
        maximum = newMaximum;
        if (headDim % Vector512<float>.Count == 0 && Vector512.IsHardwareAccelerated)
        {
            for (var d = 0; d < headDim; d += Vector512<float>.Count)
            {
                var accumulator = Vector512.Load(output + d) * correction;
                for (var j = 0; j < visible; j++)
                {
                    accumulator = Vector512.FusedMultiplyAdd(Vector512.Create(scores[j]), Vector512.Load(values + j * headDim + d), accumulator);
                }

                accumulator.Store(output + d);
            }

            return;
        }

        var destination = new Span<float>(output, headDim);
        TensorPrimitives.Multiply(destination, correction, destination);
        for (var j = 0; j < visible; j++)
        {
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(values + j * headDim, headDim), scores[j], destination, destination);
        }
    }
}
