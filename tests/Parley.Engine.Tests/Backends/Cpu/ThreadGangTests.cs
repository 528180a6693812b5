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

    [Fact]
    public void Run_EachThreadTakesItsShareInOrder_AndNamesTheChunkItTakesNext()
    {
        using var gang = new ThreadGang(2);
        var job = new RecordingJob();

        gang.Run(job, 100, 10);

        var runs = job.Runs.ToArray();
        runs.Select(run => run.Begin).Order().Should().Equal(Enumerable.Range(0, 10).Select(chunk => chunk * 10));
        runs.Should().Contain(run => run.Next >= 0, "every share but its last chunk names the next");
        runs.Where(run => run.Next >= 0).Should().OnlyContain(run => run.Next == run.Begin + 10, "a thread's next chunk is the one after it in its share");
        foreach (var worker in runs.GroupBy(run => run.Worker))
        {
            var own = worker.Where(run => run.Begin < 50 == (worker.Key == 0)).Select(run => run.Begin).ToArray();
            own.Should().BeInAscendingOrder($"worker {worker.Key} takes its own share from the front");
        }
    }

    [Fact]
    public void Run_WithOneSlowThread_TheOthersTakeChunksFromTheBackOfItsShare()
    {
        using var gang = new ThreadGang(2);
        var job = new RecordingJob(slowWorker: 0);

        gang.Run(job, 40, 1);

        var runs = job.Runs.ToArray();
        runs.Select(run => run.Begin).Order().Should().Equal(Enumerable.Range(0, 40));
        var taken = runs.Where(run => run.Worker == 1 && run.Begin < 20).Select(run => run.Begin).ToArray();
        taken.Should().NotBeEmpty("worker 0's share is [0, 20) and it takes a millisecond a chunk");
        taken.Should().BeInDescendingOrder("chunks are taken from the back of another thread's share");
        runs.Where(run => run.Worker == 1 && run.Begin < 20).Should().OnlyContain(run => run.Next == -1, "a taken chunk says nothing of what comes next");
    }

    private sealed class RecordingJob(int slowWorker = -1) : IRangeJob
    {
        public System.Collections.Concurrent.ConcurrentQueue<(int Begin, int Worker, int Next)> Runs { get; } = new();

        public void Run(int begin, int end, int worker, int next)
        {
            if (worker == slowWorker)
            {
                Thread.Sleep(1);
            }

            Runs.Enqueue((begin, worker, next));
        }
    }

    private sealed class CountingJob(int items) : IRangeJob
    {
        public int[] Counts { get; } = new int[items];

        public void Run(int begin, int end, int worker, int next)
        {
            for (var i = begin; i < end; i++)
            {
                Interlocked.Increment(ref Counts[i]);
            }
        }
    }

    private sealed class ThrowingJob : IRangeJob
    {
        public void Run(int begin, int end, int worker, int next)
        {
            if (begin <= 42 && 42 < end)
            {
                throw new InvalidOperationException("item 42");
            }
        }
    }
}
