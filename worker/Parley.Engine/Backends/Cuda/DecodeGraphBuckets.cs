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
