// The pool of KV blocks, with vLLM's small verbs. Free blocks wait in one queue ordered for eviction: a freed block
// keeps its contents and hash (it is still a prefix-cache entry) until Allocate takes it from the front, least
// recently used first. Block 0 is the null block, never handed out (a padding target for block tables).
namespace Parley.Engine.Scheduling;

/// <summary>Allocates, shares and caches KV blocks.</summary>
public sealed class BlockPool
{
    /// <summary>Tokens per block: vLLM's default; smaller blocks waste less of a sequence's last block but cost more
    /// block-table entries and more hashing.</summary>
    public const int BlockSize = 16;

    private readonly KvBlock[] _blocks;
    private readonly LinkedList<KvBlock> _free = new();
    private readonly Dictionary<BlockHash, KvBlock> _cached = [];

    public BlockPool(int blockCount, bool enablePrefixCaching = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockCount, 2);
        IsPrefixCachingEnabled = enablePrefixCaching;
        _blocks = Enumerable.Range(0, blockCount).Select(id => new KvBlock(id)).ToArray();
        NullBlock = _blocks[0];
        foreach (var block in _blocks.Skip(1))
        {
            block.FreeNode = _free.AddLast(block);
        }
    }

    public KvBlock NullBlock { get; }

    public bool IsPrefixCachingEnabled { get; }

    /// <summary>Blocks that can be handed out (free ones, cached or not), the null block excluded.</summary>
    public int TotalBlockCount => _blocks.Length - 1;

    public int FreeBlockCount => _free.Count;

    /// <summary>Fraction of blocks in use, as vLLM's <c>kv_cache_usage_perc</c>.</summary>
    public double Usage => 1.0 - (double)FreeBlockCount / TotalBlockCount;

    /// <summary>Takes <paramref name="count"/> blocks from the front of the free queue, evicting their cache entries.</summary>
    /// <returns>False, and nothing taken, when fewer blocks are free: the scheduler then waits or preempts.</returns>
    public bool TryAllocate(int count, List<KvBlock> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (count > _free.Count)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            var block = _free.First!.Value;
            Take(block);
            TryEvictCached(block);
            block.RefCount = 1;
            destination.Add(block);
        }

        return true;
    }

    /// <summary>The cached block standing for a prefix, if any.</summary>
    public KvBlock? GetCached(BlockHash hash) => _cached.GetValueOrDefault(hash);

    /// <summary>Takes a reference on blocks found in the cache (a prefix hit); free ones leave the free queue.</summary>
    public void Touch(IEnumerable<KvBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        foreach (var block in blocks)
        {
            if (block.RefCount == 0)
            {
                Take(block);
            }

            block.RefCount++;
        }
    }

    /// <summary>Drops a reference on each block, in the order given; a block nobody uses joins the back of the free
    /// queue with its contents kept as cache.</summary>
    public void Free(IEnumerable<KvBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        foreach (var block in blocks)
        {
            if (block.RefCount <= 0)
            {
                throw new InvalidOperationException($"Block {block.Id} freed more often than it was allocated.");
            }

            if (--block.RefCount == 0)
            {
                block.FreeNode = _free.AddLast(block);
            }
        }
    }

    /// <summary>Records full blocks as cache entries under their prefix hashes; a hash already cached keeps its block.</summary>
    public void CacheFullBlocks(IReadOnlyList<KvBlock> blocks, IReadOnlyList<BlockHash> hashes)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(hashes);
        if (!IsPrefixCachingEnabled)
        {
            return;
        }

        for (var i = 0; i < Math.Min(blocks.Count, hashes.Count); i++)
        {
            if (blocks[i].Hash is null && _cached.TryAdd(hashes[i], blocks[i]))
            {
                blocks[i].Hash = hashes[i];
            }
        }
    }

    /// <summary>Forgets a block's cache entry (its contents are about to be overwritten).</summary>
    public bool TryEvictCached(KvBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.Hash is not { } hash)
        {
            return false;
        }

        _cached.Remove(hash);
        block.Hash = null;
        return true;
    }

    private void Take(KvBlock block)
    {
        _free.Remove(block.FreeNode!);
        block.FreeNode = null;
    }
}
