// Split-context decode attention (decode_attention.cu and its reduction) against the CPU's paged attention, its twin:
// one split (written directly) and several (merged by decode_attention_reduce, some splits past a short context and
// empty), GQA groups of 2, 6 (two heads on some warps) and 20 (more than one pass over the K/V), and 16-bit caches,
// whose values the CPU reads rounded the same way.
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Backends.Cuda;

namespace Parley.Engine.Cuda.Tests.Kernels;

public sealed class DecodeAttentionTests : KernelHarness
{
    [Theory]
    [InlineData(4, 2, 40, 1, CudaDtype.Float32)]
    [InlineData(4, 2, 40, 3, CudaDtype.Float32)]
    [InlineData(12, 2, 64, 5, CudaDtype.BFloat16)]
    [InlineData(20, 1, 24, 2, CudaDtype.Float16)]
    [InlineData(8, 2, 64, DecodeAttentionSplits.MaxSplits, CudaDtype.BFloat16)]   // most splits past the context
    public unsafe void DecodeAttention_AnySplitCountAndGroup_MatchesTheCpuKernelForEachTokenAndHead(int qHeads, int kvHeads, int headDim, int splits, CudaDtype cacheDtype)
    {
        const int Blocks = 16, MaxBlocks = 8;
        int[] contexts = [20, 37, 1, 100];
        int[][] tables = [[3, 1], [2, 5, 7], [6], [8, 9, 10, 4, 11, 12, 13]];
        var cacheLength = Blocks * kvHeads * 16 * headDim;
        float[] keys = Rounded(Random(cacheLength), cacheDtype), values = Rounded(Random(cacheLength), cacheDtype);
        var queries = Random(contexts.Length * qHeads * headDim);
        ulong output = Upload(new float[queries.Length]);
        var inputs = new AttentionInputs(Upload(Rows(tables, MaxBlocks)), MaxBlocks, Upload(new[] { 0, 1, 2, 3 }), Upload(contexts.Select(c => c - 1).ToArray()), qHeads, kvHeads, headDim);

        Ops.DecodeAttention(Upload(queries), UploadCache(keys, cacheDtype), UploadCache(values, cacheDtype), cacheDtype, inputs, contexts.Length, splits, output, CudaDtype.Float32);

        var expected = new float[queries.Length];
        using var layout = new Parley.Engine.Backends.Cpu.PagedKvCache(1, Blocks, kvHeads, headDim);
        var group = qHeads / kvHeads;
        fixed (float* k = keys, v = values, q = queries, o = expected)
        {
            var scores = new float[group * contexts.Max()];
            fixed (float* scratch = scores)
            {
                for (var t = 0; t < contexts.Length; t++)
                {
                    for (var kvHead = 0; kvHead < kvHeads; kvHead++)
                    {
                        var first = ((t * qHeads) + (kvHead * group)) * headDim;
                        PagedAttention.Compute(q + first, k, v, tables[t], contexts[t], kvHead, layout, group, scratch, o + first);
                    }
                }
            }
        }

        Check($"decode_attention ({splits} splits)", Download(output, queries.Length), expected);
    }
}
