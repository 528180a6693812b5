// A range of memory to bring into L2 piecemeal while a loop over something else runs: the loop over the rows of one
// block of tiles announces how far it has come, and the same share of the next block is prefetched: here (Share, the
// managed tiles) or by the native tile that computes that step, between its own steps (Slice). Spread this way the
// prefetches keep the memory busy at the pace of the arithmetic, rather than queueing behind one another.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary><paramref name="bytes"/> bytes from <paramref name="start"/>, prefetched in step with a loop of <paramref name="steps"/> steps.</summary>
internal readonly unsafe struct Prefetch(byte* start, long bytes, int steps)
{
    private const int CacheLine = 64;

    /// <summary>How far ahead of its reads a loop streaming weight rows from memory asks for them (as the native tiles'
    /// kPrefetchBytes): rows lie end to end, so the request reaches across rows into the next ones.</summary>
    public const int AheadBytes = 4096;

    /// <summary>Asks for the cache line <see cref="AheadBytes"/> past <paramref name="reading"/>: a loop calls it at
    /// least once per cache line it reads. Past the end of the weights it is harmless, since a prefetch never faults.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ahead(byte* reading)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch1(reading + AheadBytes);
        }
    }

    /// <summary>Prefetches the share of the range that belongs to steps [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public void Share(int from, int to)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var share = Slice(from, to, out var length);
        for (var offset = 0L; offset < length; offset += CacheLine)
        {
            Sse.Prefetch1(share + offset);
        }
    }

    /// <summary>The share of the range that belongs to steps [<paramref name="from"/>, <paramref name="to"/>), for a
    /// native tile to prefetch between its own steps: null and 0 bytes when there is nothing to prefetch.</summary>
    public byte* Slice(int from, int to, out long length)
    {
        var begin = bytes <= 0 ? 0 : bytes * from / steps / CacheLine * CacheLine;
        var end = bytes <= 0 ? 0 : Math.Min(bytes, bytes * to / steps);
        length = Math.Max(0, end - begin);
        return length == 0 ? null : start + begin;
    }
}
