// Causal scaled dot-product attention (Vaswani et al., 2017) for one token and one KV head, reading keys and values
// from paged blocks. With grouped-query attention (Ainslie et al., 2023) several query heads share a KV head, so the
// group is computed together and each key is read once for all of them.
using System.Numerics.Tensors;
using Parley.Engine.Scheduling;

namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>Attention over a paged KV cache.</summary>
internal static unsafe class PagedAttention
{
    /// <summary>Attends <paramref name="groupSize"/> query heads to positions [0, <paramref name="contextLength"/>).</summary>
    /// <param name="queries">[groupSize, headDim] query heads that share KV head <paramref name="kvHead"/>.</param>
    /// <param name="keys">The layer's key blocks, [block][kvHead][slot][headDim].</param>
    /// <param name="values">The layer's value blocks, same layout.</param>
    /// <param name="blockTable">The sequence's block ids in token order.</param>
    /// <param name="contextLength">Positions to attend to: the query's own position and all before it.</param>
    /// <param name="kvHead">Which KV head.</param>
    /// <param name="cache">Strides of the cache layout.</param>
    /// <param name="groupSize">Query heads per KV head.</param>
    /// <param name="scores">Scratch, [groupSize, contextLength].</param>
    /// <param name="output">[groupSize, headDim] attention outputs.</param>
    public static void Compute(float* queries, float* keys, float* values, IReadOnlyList<int> blockTable, int contextLength,
        int kvHead, PagedKvCache cache, int groupSize, float* scores, float* output)
    {
        var headDim = cache.HeadDim;
        var scale = 1f / MathF.Sqrt(headDim);
        for (var position = 0; position < contextLength; position++)
        {
            var key = new ReadOnlySpan<float>(keys + Offset(blockTable, position, kvHead, cache), headDim);
            for (var h = 0; h < groupSize; h++)
            {
                scores[h * contextLength + position] = TensorPrimitives.Dot(new ReadOnlySpan<float>(queries + h * headDim, headDim), key) * scale;
            }
        }

        for (var h = 0; h < groupSize; h++)
        {
            var row = new Span<float>(scores + h * contextLength, contextLength);
            TensorPrimitives.SoftMax(row, row);
            new Span<float>(output + h * headDim, headDim).Clear();
        }

        for (var position = 0; position < contextLength; position++)
        {
            var value = new ReadOnlySpan<float>(values + Offset(blockTable, position, kvHead, cache), headDim);
            for (var h = 0; h < groupSize; h++)
            {
                var destination = new Span<float>(output + h * headDim, headDim);
                TensorPrimitives.MultiplyAdd(value, scores[h * contextLength + position], destination, destination);
            }
        }
    }

    private static long Offset(IReadOnlyList<int> blockTable, int position, int kvHead, PagedKvCache cache) =>
        blockTable[position / BlockPool.BlockSize] * cache.BlockStride + kvHead * cache.HeadStride + position % BlockPool.BlockSize * cache.HeadDim;
}
