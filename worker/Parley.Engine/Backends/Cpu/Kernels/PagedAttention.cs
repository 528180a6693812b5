// Causal scaled dot-product attention (Vaswani et al., 2017) for one token and one KV head, reading keys and values
// from paged blocks. With grouped-query attention (Ainslie et al., 2023) several query heads share a KV head, so the
// group is computed together and each block's keys and values are found once for all of them.
// A decode step runs this for every (sequence, layer, KV head): a head is 64 or 128 floats, so a library call per
// (position, head) pair costs more than its arithmetic (5% of a Qwen2-0.5B decode step on two cores). Where heads
// are a multiple of 16 floats and the CPU has AVX-512, the dot products and the weighted sum of values run inline,
// one cache block (16 consecutive positions, contiguous per KV head) at a time. A full block's 16 scores are added up
// together, 16 vectors of partial sums folded into one of totals: with one horizontal sum per score, attention took 6%
// of a Qwen2-0.5B bf16 step at 16 sequences and 128 to 256 positions, and folding took 16 sequences from 146.7-148.4
// to 154.7-155.7 tok/s at 512 positions (164.3-167.5 to 168.2-169.5 at 128; two Emerald Rapids cores, three runs
// each, alternating). The weighted sum of values keeps 8 sums in flight, which took 512 positions on to 157.8-161.4.
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
        if (Avx512F.IsSupported && cache.HeadDim % Vector512<float>.Count == 0)
        {
            ComputeInline(queries, keys, values, blockTable, contextLength, kvHead, cache, groupSize, scores, output);
        }
        else
        {
            ComputeWithLibraryCalls(queries, keys, values, blockTable, contextLength, kvHead, cache, groupSize, scores, output);
        }
    }

    private static void ComputeInline(float* queries, float* keys, float* values, IReadOnlyList<int> blockTable, int contextLength,
        int kvHead, PagedKvCache cache, int groupSize, float* scores, float* output)
    {
        var headDim = cache.HeadDim;
        var scale = 1f / MathF.Sqrt(headDim);
        var blocks = (contextLength + BlockPool.BlockSize - 1) / BlockPool.BlockSize;
        for (var b = 0; b < blocks; b++)
        {
            var block = keys + blockTable[b] * cache.BlockStride + kvHead * cache.HeadStride;
            var slots = Math.Min(BlockPool.BlockSize, contextLength - b * BlockPool.BlockSize);
            for (var h = 0; h < groupSize; h++)
            {
                var row = scores + h * contextLength + b * BlockPool.BlockSize;
                if (slots == BlockPool.BlockSize)
                {
                    (BlockScores(queries + h * headDim, block, headDim) * scale).Store(row);
                    continue;
                }

                for (var slot = 0; slot < slots; slot++)
                {
                    row[slot] = Dot(queries + h * headDim, block + slot * headDim, headDim) * scale;
                }
            }
        }

        for (var h = 0; h < groupSize; h++)
        {
            var row = new Span<float>(scores + h * contextLength, contextLength);
            TensorPrimitives.SoftMax(row, row);
            new Span<float>(output + h * headDim, headDim).Clear();
        }

        for (var b = 0; b < blocks; b++)
        {
            var block = values + blockTable[b] * cache.BlockStride + kvHead * cache.HeadStride;
            var slots = Math.Min(BlockPool.BlockSize, contextLength - b * BlockPool.BlockSize);
            for (var h = 0; h < groupSize; h++)
            {
                AddWeighted(block, scores + h * contextLength + b * BlockPool.BlockSize, slots, headDim, output + h * headDim);
            }
        }
    }

    // The query's dot products with a full block's 16 keys, in slot order. Each key's partial sums stay 16 lanes wide
    // until the end, where pairs of them are folded together: lanes of two vectors interleaved and added, then of two
    // such, then 128-bit quarters of two such, then of those: 15 folds for 16 totals.
    private static Vector512<float> BlockScores(float* query, float* keys, int headDim)
    {
        if (headDim == 64)
        {
            return BlockScores64(query, keys);
        }

        var k01 = Fold(Partial(query, keys, headDim), Partial(query, keys + headDim, headDim));
        var k23 = Fold(Partial(query, keys + 2 * headDim, headDim), Partial(query, keys + 3 * headDim, headDim));
        var k45 = Fold(Partial(query, keys + 4 * headDim, headDim), Partial(query, keys + 5 * headDim, headDim));
        var k67 = Fold(Partial(query, keys + 6 * headDim, headDim), Partial(query, keys + 7 * headDim, headDim));
        var k89 = Fold(Partial(query, keys + 8 * headDim, headDim), Partial(query, keys + 9 * headDim, headDim));
        var k1011 = Fold(Partial(query, keys + 10 * headDim, headDim), Partial(query, keys + 11 * headDim, headDim));
        var k1213 = Fold(Partial(query, keys + 12 * headDim, headDim), Partial(query, keys + 13 * headDim, headDim));
        var k1415 = Fold(Partial(query, keys + 14 * headDim, headDim), Partial(query, keys + 15 * headDim, headDim));
        return Totals(k01, k23, k45, k67, k89, k1011, k1213, k1415);
    }

    // BlockScores for heads of 64 with the query held in registers over the 16 keys; each key's partial sums are
    // added in the order Partial adds them, so the scores are bit for bit the same.
    private static Vector512<float> BlockScores64(float* query, float* keys)
    {
        var (q0, q1, q2, q3) = (Vector512.Load(query), Vector512.Load(query + 16), Vector512.Load(query + 32), Vector512.Load(query + 48));
        var k01 = Fold(Partial64(q0, q1, q2, q3, keys), Partial64(q0, q1, q2, q3, keys + 64));
        var k23 = Fold(Partial64(q0, q1, q2, q3, keys + 2 * 64), Partial64(q0, q1, q2, q3, keys + 3 * 64));
        var k45 = Fold(Partial64(q0, q1, q2, q3, keys + 4 * 64), Partial64(q0, q1, q2, q3, keys + 5 * 64));
        var k67 = Fold(Partial64(q0, q1, q2, q3, keys + 6 * 64), Partial64(q0, q1, q2, q3, keys + 7 * 64));
        var k89 = Fold(Partial64(q0, q1, q2, q3, keys + 8 * 64), Partial64(q0, q1, q2, q3, keys + 9 * 64));
        var k1011 = Fold(Partial64(q0, q1, q2, q3, keys + 10 * 64), Partial64(q0, q1, q2, q3, keys + 11 * 64));
        var k1213 = Fold(Partial64(q0, q1, q2, q3, keys + 12 * 64), Partial64(q0, q1, q2, q3, keys + 13 * 64));
        var k1415 = Fold(Partial64(q0, q1, q2, q3, keys + 14 * 64), Partial64(q0, q1, q2, q3, keys + 15 * 64));
        return Totals(k01, k23, k45, k67, k89, k1011, k1213, k1415);
    }

    // The 16 scores in slot order from the 8 folded pairs of keys: pairs of pairs, then quarters twice.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Totals(Vector512<float> k01, Vector512<float> k23, Vector512<float> k45, Vector512<float> k67,
        Vector512<float> k89, Vector512<float> k1011, Vector512<float> k1213, Vector512<float> k1415) =>
        FoldQuarters(FoldQuarters(FoldPairs(k01, k23), FoldPairs(k45, k67)), FoldQuarters(FoldPairs(k89, k1011), FoldPairs(k1213, k1415)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Partial64(Vector512<float> q0, Vector512<float> q1, Vector512<float> q2, Vector512<float> q3, float* key) =>
        Vector512.FusedMultiplyAdd(q3, Vector512.Load(key + 48), Vector512.FusedMultiplyAdd(q2, Vector512.Load(key + 32), Vector512.FusedMultiplyAdd(q1, Vector512.Load(key + 16), q0 * Vector512.Load(key))));

    // Σ over the head of query·key, 16 lanes wide.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Partial(float* query, float* key, int headDim)
    {
        var sum = Vector512.Load(query) * Vector512.Load(key);
        for (var i = Vector512<float>.Count; i < headDim; i += Vector512<float>.Count)
        {
            sum = Vector512.FusedMultiplyAdd(Vector512.Load(query + i), Vector512.Load(key + i), sum);
        }

        return sum;
    }

    // Per 128-bit quarter: [a0 + a2, b0 + b2, a1 + a3, b1 + b3].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Fold(Vector512<float> a, Vector512<float> b) => Avx512F.UnpackLow(a, b) + Avx512F.UnpackHigh(a, b);

    // Two Folds, per 128-bit quarter: [a, b, c, d], each the sum of that quarter's four lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> FoldPairs(Vector512<float> ab, Vector512<float> cd) =>
        Avx512F.Shuffle(ab, cd, 0b01_00_01_00) + Avx512F.Shuffle(ab, cd, 0b11_10_11_10);

    // Quarters [x0, x1, x2, x3] and [y0, y1, y2, y3] to [x0 + x1, x2 + x3, y0 + y1, y2 + y3].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> FoldQuarters(Vector512<float> x, Vector512<float> y) =>
        Avx512F.Shuffle4x128(x, y, 0b10_00_10_00) + Avx512F.Shuffle4x128(x, y, 0b11_01_11_01);

    private static float Dot(float* a, float* b, int length)
    {
        var sum = Vector512<float>.Zero;
        for (var i = 0; i < length; i += Vector512<float>.Count)
        {
            sum = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), sum);
        }

        return Vector512.Sum(sum);
    }

    // output += Σ_slot weights[slot]·rows[slot]: 64 floats of the head at a time, two slots per step, so that 8 sums
    // are in flight (one 16-float part per sum and step kept the multiply-adds waiting on each other: 2 a slot for a
    // head of 64); then an odd last slot over those floats, and what is left of the head 16 floats at a time.
    private static void AddWeighted(float* rows, float* weights, int slots, int headDim, float* output)
    {
        const int Lanes = 16;
        var grouped = headDim / (4 * Lanes) * (4 * Lanes);
        for (var i = 0; i < grouped; i += 4 * Lanes)
        {
            var (even0, even1, even2, even3) = (Vector512.Load(output + i), Vector512.Load(output + i + Lanes), Vector512.Load(output + i + 2 * Lanes), Vector512.Load(output + i + 3 * Lanes));
            var (odd0, odd1, odd2, odd3) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
            for (var slot = 0; slot + 1 < slots; slot += 2)
            {
                var weight = Vector512.Create(weights[slot]);
                var row = rows + slot * headDim + i;
                even0 = Vector512.FusedMultiplyAdd(weight, Vector512.Load(row), even0);
                even1 = Vector512.FusedMultiplyAdd(weight, Vector512.Load(row + Lanes), even1);
                even2 = Vector512.FusedMultiplyAdd(weight, Vector512.Load(row + 2 * Lanes), even2);
                even3 = Vector512.FusedMultiplyAdd(weight, Vector512.Load(row + 3 * Lanes), even3);
                weight = Vector512.Create(weights[slot + 1]);
                row += headDim;
                odd0 = Vector512.FusedMultiplyAdd(weight, Vector512.Load(row), odd0);
                odd1 = Vector512.FusedMultiplyAdd(weight, Vector512.Load(row + Lanes), odd1);
                odd2 = Vector512.FusedMultiplyAdd(weight, Vector512.Load(row + 2 * Lanes), odd2);
                odd3 = Vector512.FusedMultiplyAdd(weight, Vector512.Load(row + 3 * Lanes), odd3);
            }

            (even0 + odd0).Store(output + i);
            (even1 + odd1).Store(output + i + Lanes);
            (even2 + odd2).Store(output + i + 2 * Lanes);
            (even3 + odd3).Store(output + i + 3 * Lanes);
        }

        var last = slots - 1;
        for (var i = 0; i < grouped && slots % 2 == 1; i += Lanes)
        {
            Vector512.FusedMultiplyAdd(Vector512.Create(weights[last]), Vector512.Load(rows + last * headDim + i), Vector512.Load(output + i)).Store(output + i);
        }

        for (var i = grouped; i < headDim; i += Lanes)
        {
            var even = Vector512.Load(output + i);
            var odd = Vector512<float>.Zero;
            var slot = 0;
            for (; slot + 1 < slots; slot += 2)
            {
                even = Vector512.FusedMultiplyAdd(Vector512.Create(weights[slot]), Vector512.Load(rows + slot * headDim + i), even);
                odd = Vector512.FusedMultiplyAdd(Vector512.Create(weights[slot + 1]), Vector512.Load(rows + (slot + 1) * headDim + i), odd);
            }

            if (slot < slots)
            {
                even = Vector512.FusedMultiplyAdd(Vector512.Create(weights[slot]), Vector512.Load(rows + slot * headDim + i), even);
            }

            (even + odd).Store(output + i);
        }
    }

    private static void ComputeWithLibraryCalls(float* queries, float* keys, float* values, IReadOnlyList<int> blockTable, int contextLength,
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
