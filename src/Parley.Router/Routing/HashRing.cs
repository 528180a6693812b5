// A consistent-hash ring (Karger et al. 1997): each replica owns VirtualNodeCount points, so that adding or removing one
// replica moves only about 1/N of the keys, and the keys of one replica spread evenly over the others when it leaves.
// Points are SHA-256 of "address#i": stable across processes and restarts, so two routers agree on placement.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Parley.Router.Routing;

/// <summary>Replica indexes placed on a 64-bit ring.</summary>
public sealed class HashRing
{
    /// <summary>Points per replica: with 100 the heaviest of a few replicas owns within about 10–15% of the mean share
    /// (the spread shrinks as 1/sqrt(points)); more points only cost memory and a longer rebuild.</summary>
    public const int VirtualNodeCount = 100;

    private readonly ulong[] _points;   // [replicas * VirtualNodeCount], ascending
    private readonly int[] _owners;     // [replicas * VirtualNodeCount], the replica index of each point

    /// <param name="members">The replicas' identities (addresses); indexes into this sequence are what the walk yields.</param>
    public HashRing(IEnumerable<string> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var names = members.ToArray();
        MemberCount = names.Length;
        _points = new ulong[names.Length * VirtualNodeCount];
        _owners = new int[_points.Length];
        for (var member = 0; member < names.Length; member++)
        {
            for (var v = 0; v < VirtualNodeCount; v++)
            {
                _points[(member * VirtualNodeCount) + v] = Hash(Encoding.UTF8.GetBytes($"{names[member]}#{v}"));
                _owners[(member * VirtualNodeCount) + v] = member;
            }
        }

        Array.Sort(_points, _owners);
    }

    public int MemberCount { get; }

    /// <summary>The 64-bit position of <paramref name="bytes"/> on the ring.</summary>
    public static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, digest);
        return BinaryPrimitives.ReadUInt64BigEndian(digest);
    }

    /// <summary>Every member once, in the order met walking clockwise from <paramref name="key"/>: the first is the key's
    /// home, the rest are where it spills when the home is over its bound.</summary>
    public IEnumerable<int> Walk(ulong key)
    {
        if (MemberCount == 0)
        {
            yield break;
        }

        var start = Array.BinarySearch(_points, key);
        start = start < 0 ? ~start : start;
        var seen = new bool[MemberCount];
        var found = 0;
        for (var step = 0; step < _points.Length && found < MemberCount; step++)
        {
            var owner = _owners[(start + step) % _points.Length];
            if (!seen[owner])
            {
                seen[owner] = true;
                found++;
                yield return owner;
            }
        }
    }
}
