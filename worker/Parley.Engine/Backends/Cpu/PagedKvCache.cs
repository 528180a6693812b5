// The KV cache in blocks of BlockPool.BlockSize tokens, one key and one value array per layer, laid out
//   [block][kvHead][slot][headDim]
// so the 16 keys of one head in one block are contiguous: attention walks a block table and reads each block's keys
// for a head as one run. Block ids are the scheduler's; block 0 is its null block and is never written.
using Parley.Engine.Scheduling;

namespace Parley.Engine.Backends.Cpu;

/// <summary>Keys and values of every cached token, per layer, in paged blocks.</summary>
internal sealed unsafe class PagedKvCache : IDisposable
{
    private readonly NativeBuffer[] _keys;
    private readonly NativeBuffer[] _values;

    public PagedKvCache(int layers, int blockCount, int kvHeads, int headDim)
    {
        BlockCount = blockCount;
        KvHeads = kvHeads;
        HeadDim = headDim;
        HeadStride = BlockPool.BlockSize * headDim;
        BlockStride = (long)kvHeads * HeadStride;
        _keys = new NativeBuffer[layers];
        _values = new NativeBuffer[layers];
        for (var layer = 0; layer < layers; layer++)
        {
            _keys[layer] = new NativeBuffer(blockCount * BlockStride);
            _values[layer] = new NativeBuffer(blockCount * BlockStride);
        }
    }

    public int BlockCount { get; }
    public int KvHeads { get; }
    public int HeadDim { get; }

    /// <summary>Floats between consecutive kv heads of one block.</summary>
    public int HeadStride { get; }

    /// <summary>Floats between consecutive blocks.</summary>
    public long BlockStride { get; }

    /// <summary>Bytes held for keys and values of all layers.</summary>
    public long Bytes => 2L * _keys.Length * BlockCount * BlockStride * sizeof(float);

    public float* Keys(int layer) => _keys[layer].Pointer;

    public float* Values(int layer) => _values[layer].Pointer;

    /// <summary>Stores one token's keys and values ([kvHeads, headDim] each) at a position of a block table.</summary>
    public void Write(int layer, IReadOnlyList<int> blockTable, int position, float* key, float* value)
    {
        var block = blockTable[position / BlockPool.BlockSize];
        if ((uint)block >= (uint)BlockCount || block == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(blockTable), block, $"KV block ids run from 1 to {BlockCount - 1}.");
        }

        var slot = position % BlockPool.BlockSize;
        for (var head = 0; head < KvHeads; head++)
        {
            var offset = block * BlockStride + head * HeadStride + slot * HeadDim;
            new ReadOnlySpan<float>(key + head * HeadDim, HeadDim).CopyTo(new Span<float>(Keys(layer) + offset, HeadDim));
            new ReadOnlySpan<float>(value + head * HeadDim, HeadDim).CopyTo(new Span<float>(Values(layer) + offset, HeadDim));
        }
    }

    public void Dispose()
    {
        foreach (var buffer in _keys.Concat(_values))
        {
            buffer.Dispose();
        }
    }
}
