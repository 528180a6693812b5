using Parley.Engine.Backends.Cpu;

namespace Parley.Engine.Tests.Backends.Cpu;

public class ThreadGangTests
{
    [Theory]
    [InlineData(1, 1000, 7)]
    [InlineData(2, 1000, 7)]
    [InlineData(4, 3, 1)]
    [InlineData(3, 100_000, 64)]
    public void Run_CoversEveryItemExactlyOnce(int threads, int items, int chunk)
    {
        using var gang = new ThreadGang(threads);
        var job = new CountingJob(items);

        for (var round = 0; round < 50; round++)
        {
            gang.Run(job, items, chunk);
        }

        job.Counts.Should().OnlyContain(count => count == 50);
    }

    [Fact]
    public void Run_AfterTheWorkersFellAsleep_StillUsesThemAndFinishes()
    {
        using var gang = new ThreadGang(2);
        var job = new CountingJob(64);
        gang.Run(job, 64, 1);

        Thread.Sleep(50);
        gang.Run(job, 64, 1);

        job.Counts.Should().OnlyContain(count => count == 2);
    }

    [Fact]
    public void Run_AJobThatThrows_RethrowsOnTheCallerAndTheGangStaysUsable()
    {
        using var gang = new ThreadGang(2);

        var act = () => gang.Run(new ThrowingJob(), 100, 1);

        act.Should().Throw<AggregateException>().WithInnerException<InvalidOperationException>().WithMessage("item 42");
        var job = new CountingJob(10);
        gang.Run(job, 10, 1);
        job.Counts.Should().OnlyContain(count => count == 1);
    }

    private sealed class CountingJob(int items) : IRangeJob
    {
        public int[] Counts { get; } = new int[items];

        public void Run(int begin, int end, int worker)
        {
            for (var i = begin; i < end; i++)
            {
                Interlocked.Increment(ref Counts[i]);
            }
        }
    }

    private sealed class ThrowingJob : IRangeJob
    {
        public void Run(int begin, int end, int worker)
        {
            if (begin <= 42 && 42 < end)
            {
                throw new InvalidOperationException("item 42");
            }
        }
    }
}
