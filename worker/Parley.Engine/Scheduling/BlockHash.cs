// The identity of a full KV block for prefix caching: a hash chained over the block's token ids and its parent
// block's hash, so equal hashes mean equal whole prefixes, not just equal 16-token windows. 128 bits of SHA-256 make an
// accidental collision (which would serve another prompt's KV) negligible, so token ids need not be compared.
// A request that runs a LoRA adapter chains its blocks from a root of its own (the adapter's id), since the same
// tokens give other keys and values under another adapter: two adapters, or an adapter and the base, never share a block.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Parley.Engine.Scheduling;

/// <summary>A chained hash of a prefix of whole blocks.</summary>
public readonly record struct BlockHash(UInt128 Value)
{
    /// <summary>The hash of a block holding <paramref name="tokens"/> after the prefix hashed as <paramref name="parent"/>.</summary>
    public static BlockHash Of(BlockHash? parent, ReadOnlySpan<int> tokens)
    {
        Span<byte> input = stackalloc byte[17 + tokens.Length * sizeof(int)];
        input[0] = parent is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteUInt128LittleEndian(input[1..], parent?.Value ?? UInt128.Zero);
        MemoryMarshal.AsBytes(tokens).CopyTo(input[17..]);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(input, digest);
        return new BlockHash(BinaryPrimitives.ReadUInt128LittleEndian(digest));
    }

    /// <summary>The parent of a sequence's first block: none for the base model, else one per LoRA adapter. It hashes
    /// one int where a block hashes a whole block of them, so no block's hash can equal a root.</summary>
    public static BlockHash? Root(int adapterId) => adapterId == 0 ? null : Of(null, [adapterId]);

    /// <summary>The hashes of every full block of <paramref name="tokens"/>, in order.</summary>
    /// <param name="tokens">The sequence.</param>
    /// <param name="blockSize">Tokens per block.</param>
    /// <param name="adapterId">The LoRA adapter the sequence runs; 0 for the base model.</param>
    public static List<BlockHash> Chain(ReadOnlySpan<int> tokens, int blockSize, int adapterId = 0)
    {
        var hashes = new List<BlockHash>(tokens.Length / blockSize);
        var parent = Root(adapterId);
        for (var start = 0; start + blockSize <= tokens.Length; start += blockSize)
        {
            parent = Of(parent, tokens.Slice(start, blockSize));
            hashes.Add(parent.Value);
        }

        return hashes;
    }
}
