// How many splits of the context decode attention (decode_attention.cu) runs: enough blocks of (split, kv head, token)
// for about four per SM, since a batch of one sequence with 8 kv heads would otherwise use 8 blocks of a 132-SM GPU,
// and a block has one KV block's loads in flight at a time, so one block per SM leaves HBM idle between them.
// A split covers at least 2 KV blocks (32 positions) of the longest context the backend allows, so short
// max_model_len settings do not launch blocks that could never have work, and at most MaxSplits, which bounds the
// partials the reduction reads. Splits beyond a sequence's actual context find nothing to do and return at once. The
// count is planned for DecodeGraphBuckets.SplitPlanningTokens, so graph decode and eager decode of a batch split alike.
namespace Parley.Engine.Backends.Cuda;

/// <summary>The split count of decode attention.</summary>
internal static class DecodeAttentionSplits
{
    public const int MaxSplits = 64;
    private const int MinBlocksPerSplit = 2;
    private const int BlocksPerMultiprocessor = 4;

    /// <param name="tokens">Decode tokens (sequences) in the step.</param>
    /// <param name="kvHeads">Key/value heads: one block per kv head and split serves its whole query group.</param>
    /// <param name="maxBlocks">KV blocks of the longest sequence the backend allows.</param>
    /// <param name="multiprocessorCount">The GPU's SMs.</param>
    public static int For(int tokens, int kvHeads, int maxBlocks, int multiprocessorCount)
    {
        var blocks = (long)DecodeGraphBuckets.SplitPlanningTokens(tokens) * Math.Max(kvHeads, 1);
        var wanted = ((BlocksPerMultiprocessor * (long)Math.Max(multiprocessorCount, 1)) + blocks - 1) / blocks;
        var cap = Math.Min(MaxSplits, (maxBlocks + MinBlocksPerSplit - 1) / MinBlocksPerSplit);
        return (int)Math.Clamp(wanted, 1, Math.Max(cap, 1));
    }

    /// <summary>The most partial floats ([T, Hq, splits, D + 2]) any decode step of up to <paramref name="maxTokens"/> tokens writes.</summary>
    public static long PartialElements(int maxTokens, int qHeads, int kvHeads, int headDim, int maxBlocks, int multiprocessorCount)
    {
        long most = 0;
        for (var tokens = 1; tokens <= maxTokens; tokens++)
        {
            var splits = For(tokens, kvHeads, maxBlocks, multiprocessorCount);
            most = splits > 1 ? Math.Max(most, (long)tokens * qHeads * splits * (headDim + 2)) : most;
        }

        return most;
    }
}
