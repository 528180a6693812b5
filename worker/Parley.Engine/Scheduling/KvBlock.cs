// One block of the paged KV cache: an index into the backend's cache tensors, how many sequences use it, and (once
// full) the hash under which its contents can be reused.
namespace Parley.Engine.Scheduling;

/// <summary>A fixed-size page of the KV cache.</summary>
public sealed class KvBlock(int id)
{
    /// <summary>The block's index in the cache tensors: <c>[layers, blocks, blockSize, kvHeads, headDim]</c>.</summary>
    public int Id { get; } = id;

    /// <summary>Sequences using the block; 0 means it is free (though maybe still cached).</summary>
    public int RefCount { get; internal set; }

    /// <summary>Set once the block is full and cached; its contents then stand for this prefix.</summary>
    public BlockHash? Hash { get; internal set; }

    /// <summary>Its place in the free queue while <see cref="RefCount"/> is 0.</summary>
    internal LinkedListNode<KvBlock>? FreeNode { get; set; }
}
