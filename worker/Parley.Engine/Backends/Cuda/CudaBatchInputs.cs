// The integer side of a forward pass — token ids, positions, KV slots, block tables, attention tiles, the rows that
// return logits — packed on the host into pinned memory and copied to fixed device addresses. Fixed addresses are
// what lets a captured CUDA graph be replayed with new inputs: only the contents change.
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Engine.Scheduling;

namespace Parley.Engine.Backends.Cuda;

/// <summary>Host and device copies of a batch's integer inputs.</summary>
internal sealed unsafe class CudaBatchInputs : IDisposable
{
    private readonly PinnedBuffer _host;
    private readonly DeviceBuffer _device;
    private readonly int _maxTokens;
    private readonly int _maxSequences;
    private readonly long[] _offsets; // byte offset of each section, in Section order

    public CudaBatchInputs(int maxTokens, int maxSequences, int maxBlocksPerSequence)
    {
        _maxTokens = maxTokens;
        _maxSequences = maxSequences;
        MaxBlocks = maxBlocksPerSequence;
        int[] lengths = [maxTokens, maxTokens, maxTokens, maxTokens, maxSequences, 2 * maxTokens, maxSequences * maxBlocksPerSequence, maxTokens];
        _offsets = new long[lengths.Length + 1];
        for (var i = 0; i < lengths.Length; i++)
        {
            _offsets[i + 1] = _offsets[i] + (lengths[i] * sizeof(int));
        }

        _host = new PinnedBuffer(_offsets[^1]);
        _device = new DeviceBuffer(_offsets[^1]);
    }

    private enum Section
    {
        Tokens,
        Positions,
        SequenceOfToken,
        Slots,
        LogitRows,
        Tiles,
        BlockTables,
        AdapterSlots,
    }

    public int MaxBlocks { get; }
    public ulong Tokens => Address(Section.Tokens);
    public ulong Positions => Address(Section.Positions);
    public ulong SequenceOfToken => Address(Section.SequenceOfToken);

    /// <summary>block · BlockSize + slot per token; −1 for padding.</summary>
    public ulong Slots => Address(Section.Slots);

    /// <summary>The token row whose hidden state gives each logits row.</summary>
    public ulong LogitRows => Address(Section.LogitRows);

    /// <summary>[tiles, 2]: first token and token count of each prefill attention tile.</summary>
    public ulong Tiles => Address(Section.Tiles);

    public ulong BlockTables => Address(Section.BlockTables);

    /// <summary>The LoRA slot of each token's sequence; −1 for the base model and for padding.</summary>
    public ulong AdapterSlots => Address(Section.AdapterSlots);

    /// <summary>Packs and copies <paramref name="batch"/>; returns the tile count.</summary>
    public int Load(ForwardBatch batch, nint stream) => Load(batch, batch.TokenCount, stream);

    /// <summary>Packs <paramref name="batch"/> padded to <paramref name="tokenCount"/> one-token sequences (decode graphs):
    /// padding tokens read the null block and write nothing.</summary>
    /// <returns>How many prefill attention tiles the batch has.</returns>
    public int Load(ForwardBatch batch, int tokenCount, nint stream)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var padding = tokenCount - batch.TokenCount;
        var sequenceCount = batch.Sequences.Count + padding;
        if (tokenCount > _maxTokens || padding < 0 || sequenceCount > _maxSequences)
        {
            throw new ArgumentException($"A batch padded to {tokenCount} tokens exceeds the backend's {_maxTokens} tokens or {_maxSequences} sequences.", nameof(batch));
        }

        var tokens = Span(Section.Tokens, tokenCount);
        var positions = Span(Section.Positions, tokenCount);
        var sequenceOfToken = Span(Section.SequenceOfToken, tokenCount);
        var slots = Span(Section.Slots, tokenCount);
        var adapterSlots = Span(Section.AdapterSlots, tokenCount);
        adapterSlots.Fill(-1);
        tokens.Clear();
        positions.Clear();
        slots.Fill(-1);
        batch.TokenIds.CopyTo(tokens);
        batch.Positions.CopyTo(positions);
        batch.SequenceOfToken.CopyTo(sequenceOfToken);
        for (var i = 0; i < padding; i++)
        {
            sequenceOfToken[batch.TokenCount + i] = batch.Sequences.Count + i;
        }

        var tables = Span(Section.BlockTables, sequenceCount * MaxBlocks);
        tables.Clear();
        var tiles = Span(Section.Tiles, 2 * _maxTokens);
        var logitRows = Span(Section.LogitRows, _maxSequences);
        int tileCount = 0, logitCount = 0;
        for (var s = 0; s < batch.Sequences.Count; s++)
        {
            var sequence = batch.Sequences[s];
            if (sequence.BlockTable.Count > MaxBlocks)
            {
                throw new ArgumentException($"Sequence {s} has {sequence.BlockTable.Count} blocks; the backend was sized for {MaxBlocks} (max_model_len).", nameof(batch));
            }

            for (var b = 0; b < sequence.BlockTable.Count; b++)
            {
                tables[(s * MaxBlocks) + b] = sequence.BlockTable[b];
            }

            for (var t = sequence.TokenOffset; t < sequence.TokenOffset + sequence.TokenCount; t++)
            {
                adapterSlots[t] = sequence.AdapterSlot;
                var position = positions[t];
                slots[t] = (sequence.BlockTable[position / BlockPool.BlockSize] * BlockPool.BlockSize) + (position % BlockPool.BlockSize);
            }

            for (var first = 0; first < sequence.TokenCount; first += CudaOps.TileSize)
            {
                tiles[2 * tileCount] = sequence.TokenOffset + first;
                tiles[(2 * tileCount) + 1] = Math.Min(CudaOps.TileSize, sequence.TokenCount - first);
                tileCount++;
            }

            if (sequence.ReturnsLogits)
            {
                logitRows[logitCount++] = sequence.TokenOffset + sequence.TokenCount - 1;
            }
        }

        for (var i = 0; i < padding; i++)
        {
            logitRows[logitCount++] = batch.TokenCount + i;
        }

        Copy(Section.Tokens, tokenCount, stream);
        Copy(Section.Positions, tokenCount, stream);
        Copy(Section.SequenceOfToken, tokenCount, stream);
        Copy(Section.Slots, tokenCount, stream);
        Copy(Section.LogitRows, logitCount, stream);
        Copy(Section.Tiles, 2 * tileCount, stream);
        Copy(Section.BlockTables, sequenceCount * MaxBlocks, stream);
        Copy(Section.AdapterSlots, tokenCount, stream);
        return tileCount;
    }

    public void Dispose()
    {
        _host.Dispose();
        _device.Dispose();
    }

    private Span<int> Span(Section section, int count) => _host.As<int>(_offsets[(int)section], count);

    private ulong Address(Section section) => _device.Pointer + (ulong)_offsets[(int)section];

    private void Copy(Section section, int count, nint stream)
    {
        var offset = _offsets[(int)section];
        _device.Upload(_host.Pointer + offset, (long)count * sizeof(int), stream, offset);
    }
}
