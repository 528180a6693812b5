// A range of memory to bring into L2 piecemeal while a loop over something else runs: the loop over the rows of one
// block of tiles announces how far it has come, and the same share of the next block is prefetched. Spread this way
// the prefetches keep the memory busy at the pace of the arithmetic, rather than queueing behind one another.
using System.Runtime.Intrinsics.X86;

namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary><paramref name="bytes"/> bytes from <paramref name="start"/>, prefetched in step with a loop of <paramref name="steps"/> steps.</summary>
internal readonly unsafe struct Prefetch(byte* start, long bytes, int steps)
{
    private const int CacheLine = 64;

    /// <summary>Prefetches the share of the range that belongs to steps [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public void Share(int from, int to)
    {
        if (bytes <= 0 || !Sse.IsSupported)
        {
            return;
        }

        var begin = bytes * from / steps / CacheLine * CacheLine;
        var end = Math.Min(bytes, bytes * to / steps);
        for (var offset = begin; offset < end; offset += CacheLine)
        {
            Sse.Prefetch1(start + offset);
        }
    }
}
