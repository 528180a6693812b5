using System.Collections.Concurrent;
using Parley.Engine.Backends.Cpu;

namespace Parley.Engine.Tests.Backends.Cpu;

public class RowsJobTests
{
    // Fewer rows than a chunk (the caller alone), exactly one chunk, and several chunks over two threads.
    [Theory]
    [InlineData(3, 1024)]
    [InlineData(4, 1024)]
    [InlineData(37, 1024)]
    [InlineData(16, 4096)]
    [InlineData(16, 10_000)]
    public void Run_HandsEveryRowOnceToTheOperation(int rows, int rowFloats)
    {
        var rowsPerChunk = RowsJob.RowsPerChunk(rowFloats);
        using var gang = new ThreadGang(2);
        var counts = new int[rows];
        var ranges = new ConcurrentBag<(int Begin, int End)>();
        var job = new RowsJob(gang, (begin, end) =>
        {
            ranges.Add((begin, end));
            for (var row = begin; row < end; row++)
            {
                Interlocked.Increment(ref counts[row]);
            }
        });

        job.Run(rows, rowFloats);

        counts.Should().OnlyContain(count => count == 1);
        ranges.Should().OnlyContain(range => range.End - range.Begin <= rowsPerChunk && range.End > range.Begin);
    }

    [Fact]
    public void Run_FewerRowsThanAChunk_RunsOnTheCallingThread()
    {
        using var gang = new ThreadGang(2);
        var threads = new ConcurrentBag<int>();
        var job = new RowsJob(gang, (_, _) => threads.Add(Environment.CurrentManagedThreadId));

        job.Run(4, rowFloats: 1024);

        threads.Should().Equal(Environment.CurrentManagedThreadId);
    }

    [Theory]
    [InlineData(896, 4)]
    [InlineData(4096, 1)]
    [InlineData(8192, 1)]
    [InlineData(64, 64)]
    public void RowsPerChunk_HoldsAtLeastTheMinimumFloatsOrOneRow(int rowFloats, int expected)
    {
        RowsJob.RowsPerChunk(rowFloats).Should().Be(expected);
    }
}
