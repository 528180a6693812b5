using Parley.Engine.Backends.Cpu;
using Parley.Engine.Backends.Cpu.Kernels;

namespace Parley.Engine.Tests.Backends.Cpu;

// The tiled prefill attention against its scalar twin: for each query token at position p and each query head of the
// group, softmax(q·k_j / √d over j ≤ p)·v in double precision, over keys and values written through a shuffled block
// table. Float32 with an online softmax stays within 1e-5 of it at these sizes; a wrong mask, block, head or rescale
// is off by more than 1e-2.
public unsafe class PrefillAttentionTests
{
    private const int KvHeads = 2;
    private const int KvHead = 1;

    [Theory]
    [InlineData(1, 0, 1, 16)]
    [InlineData(5, 0, 3, 16)]
    [InlineData(16, 0, 2, 64)]
    [InlineData(16, 21, 7, 64)]
    [InlineData(9, 30, 4, 20)]
    [InlineData(13, 3, 1, 8)]
    public void PrefillAttention_EveryTokenSeesItsOwnPositionAndEarlier_MatchingTheScalarTwin(int tokens, int firstPosition, int groupSize, int headDim)
    {
        var random = new Random(tokens * 100 + firstPosition);
        var context = firstPosition + tokens;
        using var cache = new PagedKvCache(layers: 1, blockCount: 8, KvHeads, headDim);
        int[] table = [5, 2, 7, 1, 6];
        var keys = new float[context][];
        var values = new float[context][];
        for (var p = 0; p < context; p++)
        {
            var k = Enumerable.Range(0, KvHeads * headDim).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
            var v = Enumerable.Range(0, KvHeads * headDim).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            fixed (float* kp = k, vp = v)
            {
                cache.Write(0, table, p, kp, vp);
            }

            keys[p] = k[(KvHead * headDim)..((KvHead + 1) * headDim)];
            values[p] = v[(KvHead * headDim)..((KvHead + 1) * headDim)];
        }

        // Queries laid out as the backend's [tokens, queryHeads, headDim]; the group of KV head 1 starts at head groupSize.
        var tokenStride = KvHeads * groupSize * headDim;
        var queries = Enumerable.Range(0, tokens * tokenStride).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
        var output = Enumerable.Repeat(float.NaN, tokens * tokenStride).ToArray();
        var scratch = new float[PrefillAttention.ScratchLength(groupSize)];
        var groupOffset = KvHead * groupSize * headDim;
        fixed (float* q = queries, o = output, s = scratch)
        {
            PrefillAttention.Compute(q + groupOffset, tokenStride, tokens, firstPosition, cache.Keys(0), cache.Values(0), table, KvHead, cache, groupSize, s, o + groupOffset);
        }

        for (var t = 0; t < tokens; t++)
        {
            for (var h = 0; h < groupSize; h++)
            {
                var query = queries.AsSpan(t * tokenStride + groupOffset + h * headDim, headDim).ToArray();
                var expected = ScalarAttention(query, keys[..(firstPosition + t + 1)], values);
                for (var i = 0; i < headDim; i++)
                {
                    output[t * tokenStride + groupOffset + h * headDim + i].Should().BeApproximately((float)expected[i], 1e-5f, $"token {t}, head {h}, dim {i}");
                }
            }

            output[t * tokenStride].Should().Be(float.NaN, "the other KV head's group is not written");
        }
    }

    [Fact]
    public void PrefillAttention_MoreTokensThanOneBlock_IsRefused()
    {
        using var cache = new PagedKvCache(1, 4, 1, 16);
        var call = () => PrefillAttention.Compute(null, 16, PrefillAttention.MaxQueryTokens + 1, 0, null, null, [1], 0, cache, 1, null, null);
        call.Should().Throw<ArgumentOutOfRangeException>();
    }

    private static double[] ScalarAttention(float[] query, float[][] keys, float[][] values)
    {
        var logits = keys.Select(k => Enumerable.Range(0, query.Length).Sum(i => (double)query[i] * k[i]) / Math.Sqrt(query.Length)).ToArray();
        var weights = logits.Select(l => Math.Exp(l - logits.Max())).ToArray();
        return Enumerable.Range(0, query.Length).Select(i => Enumerable.Range(0, keys.Length).Sum(p => weights[p] * values[p][i]) / weights.Sum()).ToArray();
    }
}
