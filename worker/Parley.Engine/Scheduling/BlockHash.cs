// The identity of a full KV block for prefix caching: a hash chained over the block's token ids and its parent
// block's hash, so equal hashes mean equal whole prefixes, not just equal 16-token windows. 128 bits of SHA-256 make an
// accidental collision (which would serve another prompt's KV) negligible, so token ids need not be compared.
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

    /// <summary>The hashes of every full block of <paramref name="tokens"/>, in order.</summary>
    public static List<BlockHash> Chain(ReadOnlySpan<int> tokens, int blockSize)
    {
        var hashes = new List<BlockHash>(tokens.Length / blockSize);
        BlockHash? parent = null;
        for (var start = 0; start + blockSize <= tokens.Length; start += blockSize)
        {
            parent = Of(parent, tokens.Slice(start, blockSize));
            hashes.Add(parent.Value);
        }

        return hashes;
    }
}
