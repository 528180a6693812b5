// Per-request block tables over the BlockPool, with automatic prefix caching: a new request first looks up the
// longest run of its full blocks already in the cache (a multi-turn chat finds its previous turns there), takes a
// reference on them, and allocates fresh blocks only for the rest. Scarcity is a return value: TryAllocate answers
// false and changes nothing, and the scheduler decides whether to wait or preempt.
namespace Parley.Engine.Scheduling;

/// <summary>Which KV blocks each request uses.</summary>
public sealed class KvCacheManager(BlockPool pool)
{
    private readonly Dictionary<string, List<KvBlock>> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<BlockHash>> _hashes = new(StringComparer.Ordinal);

    public BlockPool Pool => pool;

    /// <summary>Prompt tokens looked up in the prefix cache (vLLM's <c>prefix_cache_queries</c>).</summary>
    public long PrefixCacheQueries { get; private set; }

    /// <summary>Prompt tokens found there (vLLM's <c>prefix_cache_hits</c>).</summary>
    public long PrefixCacheHits { get; private set; }

    /// <summary>The request's blocks, in token order.</summary>
    public IReadOnlyList<KvBlock> BlockTable(string requestId) => _tables.TryGetValue(requestId, out var table) ? table : [];

    /// <summary>
    /// The longest cached prefix of whole blocks of <paramref name="tokens"/>. At least one token is always left to
    /// compute, because the forward pass must produce the logits of the last one. Only blocks computed under the same
    /// LoRA adapter (<paramref name="adapterId"/>, 0 for the base model) are found.
    /// </summary>
    public IReadOnlyList<KvBlock> GetComputedBlocks(ReadOnlySpan<int> tokens, int adapterId = 0)
    {
        PrefixCacheQueries += tokens.Length;
        if (!pool.IsPrefixCachingEnabled)
        {
            return [];
        }

        var hits = new List<KvBlock>();
        foreach (var hash in BlockHash.Chain(tokens[..Math.Max(0, tokens.Length - 1)], BlockPool.BlockSize, adapterId))
        {
            if (pool.GetCached(hash) is not { } block)
            {
                break;
            }

            hits.Add(block);
        }

        PrefixCacheHits += hits.Count * BlockPool.BlockSize;
        return hits;
    }

    /// <summary>Gives the request blocks for <paramref name="tokenCount"/> tokens: the prefix-cache hits first (on its
    /// first allocation), then fresh blocks.</summary>
    /// <returns>False, with nothing changed, when the pool cannot supply them.</returns>
    public bool TryAllocate(string requestId, int tokenCount, IReadOnlyList<KvBlock>? computedBlocks = null)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        var table = _tables.GetValueOrDefault(requestId) ?? [];
        var hits = table.Count == 0 ? computedBlocks ?? [] : [];
        var needed = (tokenCount + BlockPool.BlockSize - 1) / BlockPool.BlockSize - table.Count - hits.Count;
        var freeHits = hits.Count(block => block.RefCount == 0);
        if (needed > pool.FreeBlockCount - freeHits)
        {
            return false;
        }

        pool.Touch(hits);
        table.AddRange(hits);
        if (needed > 0 && !pool.TryAllocate(needed, table))
        {
            throw new InvalidOperationException("The pool had the blocks a moment ago; the free count is inconsistent.");
        }

        _tables[requestId] = table;
        return true;
    }

    /// <summary>Publishes the request's blocks that are full of computed tokens as prefix-cache entries, keyed under
    /// its LoRA adapter (<paramref name="adapterId"/>, 0 for the base model).</summary>
    public void CacheFullBlocks(string requestId, ReadOnlySpan<int> tokens, int computedTokenCount, int adapterId = 0)
    {
        if (!pool.IsPrefixCachingEnabled || !_tables.TryGetValue(requestId, out var table))
        {
            return;
        }

        var hashes = _hashes.GetValueOrDefault(requestId) ?? [];
        var fullBlocks = Math.Min(computedTokenCount / BlockPool.BlockSize, table.Count);
        for (var i = hashes.Count; i < fullBlocks; i++)
        {
            hashes.Add(BlockHash.Of(i == 0 ? BlockHash.Root(adapterId) : hashes[i - 1], tokens.Slice(i * BlockPool.BlockSize, BlockPool.BlockSize)));
        }

        _hashes[requestId] = hashes;
        pool.CacheFullBlocks(table, hashes);
    }

    /// <summary>Releases the request's blocks, last block first, so the prefix blocks most worth sharing are evicted last.</summary>
    public void Free(string requestId)
    {
        if (_tables.Remove(requestId, out var table))
        {
            pool.Free(Enumerable.Reverse(table));
        }

        _hashes.Remove(requestId);
    }
}
