// Batch sizes at which decode steps are captured as CUDA graphs. A graph replays fixed shapes, so a decode batch runs
// in the smallest bucket that holds it, padded. vLLM's choice: 1, 2, 4, then every multiple of 8 — fine steps where
// padding would cost most relative to the work, coarse ones where it is noise — up to max_num_seqs.
namespace Parley.Engine.Backends.Cuda;

/// <summary>The decode graph sizes for one max_num_seqs.</summary>
public sealed class DecodeGraphBuckets
{
    private readonly int[] _sizes;

    public DecodeGraphBuckets(int maxNumSeqs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNumSeqs, 1);
        var sizes = new SortedSet<int> { maxNumSeqs };
        foreach (var small in new[] { 1, 2, 4 })
        {
            if (small < maxNumSeqs)
            {
                sizes.Add(small);
            }
        }

        for (var size = 8; size < maxNumSeqs; size += 8)
        {
            sizes.Add(size);
        }

        _sizes = [.. sizes];
    }

    /// <summary>The token count that split choices (split-K, split-context attention) are made for: the smallest of 1, 2, 4
    /// or a multiple of 8 that holds <paramref name="tokens"/>.</summary>
    /// <remarks>A decode batch and the bucket that pads it always share this number, whatever max_num_seqs is, so a
    /// graph replay and an eager run of the same batch split alike and sum in the same order: their logits are equal.</remarks>
    public static int SplitPlanningTokens(int tokens) => tokens <= 2 ? Math.Max(tokens, 1) : tokens <= 4 ? 4 : (tokens + 7) / 8 * 8;

    /// <summary>Every bucket, ascending.</summary>
    public IReadOnlyList<int> Sizes => _sizes;

    /// <summary>The smallest bucket holding <paramref name="batchSize"/> sequences, or null when it exceeds every bucket.</summary>
    public int? BucketFor(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        foreach (var size in _sizes)
        {
            if (size >= batchSize)
            {
                return size;
            }
        }

        return null;
    }
}
