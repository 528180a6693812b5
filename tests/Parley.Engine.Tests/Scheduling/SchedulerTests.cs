using Parley.Engine.Scheduling;

namespace Parley.Engine.Tests.Scheduling;

public class SchedulerTests
{
    private const int Eos = 2;

    [Fact]
    public void Step_LongPrompt_IsPrefilledInChunksWithinTheBudget()
    {
        var scheduler = new Scheduler(new KvCacheManager(new BlockPool(64)), maxNumSeqs: 8, maxNumBatchedTokens: 32, maxModelLen: 4096);
        scheduler.Admit(Request("a", 100, maxTokens: 4)).Should().BeNull();

        var chunks = new List<int>();
        for (var step = 0; step < 4; step++)
        {
            var output = scheduler.Step();
            chunks.Add(output.TotalTokenCount);
            output.Scheduled.Single().IsSampled.Should().Be(step == 3);
            scheduler.Update(output, Sample(output, 7));
        }

        chunks.Should().Equal(32, 32, 32, 4);
        scheduler.Step().Scheduled.Single().TokenCount.Should().Be(1, "then it decodes one token per step");
    }

    [Fact]
    public void Step_MixesDecodesAndAPrefillChunkInOneStep()
    {
        var scheduler = new Scheduler(new KvCacheManager(new BlockPool(64)), maxNumSeqs: 8, maxNumBatchedTokens: 20, maxModelLen: 4096);
        scheduler.Admit(Request("decoding", 10, maxTokens: 50));
        Run(scheduler, 1);
        scheduler.Admit(Request("new", 60, maxTokens: 5));

        var output = scheduler.Step();

        output.Scheduled.Select(s => (s.RequestId, s.TokenCount)).Should().Equal(("decoding", 1), ("new", 19));
    }

    [Fact]
    public void Step_RunsAtMostMaxNumSeqs()
    {
        var scheduler = new Scheduler(new KvCacheManager(new BlockPool(64)), maxNumSeqs: 2, maxNumBatchedTokens: 1000, maxModelLen: 4096);
        foreach (var id in new[] { "a", "b", "c" })
        {
            scheduler.Admit(Request(id, 5, maxTokens: 3));
        }

        scheduler.Step().Scheduled.Should().HaveCount(2);
        scheduler.WaitingCount.Should().Be(1);
    }

    [Fact]
    public void Step_WhenBlocksRunOut_PreemptsTheLatestArrivalAndEveryRequestStillFinishes()
    {
        var scheduler = new Scheduler(new KvCacheManager(new BlockPool(5)), maxNumSeqs: 4, maxNumBatchedTokens: 1000, maxModelLen: 4096);
        scheduler.Admit(Request("old", 16, maxTokens: 40));
        scheduler.Admit(Request("new", 16, maxTokens: 40));

        var preempted = new List<string>();
        var finished = new HashSet<string>();
        for (var step = 0; step < 500 && finished.Count < 2; step++)
        {
            var output = scheduler.Step();
            preempted.AddRange(output.PreemptedIds);
            finished.UnionWith(scheduler.Update(output, Sample(output, 7)).Where(d => d.FinishReason is not null).Select(d => d.RequestId));
        }

        preempted.Should().NotBeEmpty().And.OnlyContain(id => id == "new");
        finished.Should().BeEquivalentTo(["old", "new"]);
        scheduler.KvCache.Pool.FreeBlockCount.Should().Be(4, "every block is back");
    }

    [Fact]
    public void Abort_FreesTheBlocksAtOnce()
    {
        var scheduler = new Scheduler(new KvCacheManager(new BlockPool(8)), maxNumSeqs: 4, maxNumBatchedTokens: 100, maxModelLen: 4096);
        scheduler.Admit(Request("a", 40, maxTokens: 10));
        scheduler.Step();

        scheduler.Abort("a").Should().BeTrue();

        scheduler.KvCache.Pool.FreeBlockCount.Should().Be(7);
        scheduler.RunningCount.Should().Be(0);
        scheduler.Abort("a").Should().BeFalse();
    }

    [Fact]
    public void Update_StopTokenAndMaxTokens_FinishWithTheirReasons()
    {
        var scheduler = new Scheduler(new KvCacheManager(new BlockPool(16)), maxNumSeqs: 4, maxNumBatchedTokens: 100, maxModelLen: 4096);
        scheduler.Admit(Request("stops", 4, maxTokens: 10));
        scheduler.Admit(Request("runs-out", 4, maxTokens: 2));

        var first = scheduler.Step();
        scheduler.Update(first, new ModelOutput(new Dictionary<string, int> { ["stops"] = Eos, ["runs-out"] = 9 }))
            .Should().Contain(new RequestDelta("stops", Eos, FinishReason.Stop));
        var second = scheduler.Step();
        scheduler.Update(second, Sample(second, 9)).Should().Equal(new RequestDelta("runs-out", 9, FinishReason.Length));
    }

    [Fact]
    public void Admit_RequestThatCanNeverFit_IsRefusedWithTheNumbers()
    {
        var scheduler = new Scheduler(new KvCacheManager(new BlockPool(4)), maxNumSeqs: 4, maxNumBatchedTokens: 100, maxModelLen: 100);

        scheduler.Admit(Request("long", 90, maxTokens: 20)).Should().StartWith("This model's maximum context length is 100 tokens. However, you requested 110 tokens (90 in the messages, 20 in the completion).");
        scheduler.Admit(Request("big", 60, maxTokens: 20)).Should().Contain("80 tokens need 5 KV blocks but the whole cache has 3");
    }

    [Fact]
    public void SecondTurn_StartsFromThePrefixCache()
    {
        var kv = new KvCacheManager(new BlockPool(32));
        var scheduler = new Scheduler(kv, maxNumSeqs: 4, maxNumBatchedTokens: 1000, maxModelLen: 4096);
        var first = Request("turn-1", 50, maxTokens: 1);
        scheduler.Admit(first);
        Run(scheduler, 2);

        scheduler.Admit(new Request("turn-2", [.. first.TokenIds, 500, 501, 502], 5, new HashSet<int> { Eos }));
        var output = scheduler.Step();

        output.Scheduled.Single().StartPosition.Should().Be(48);
        kv.PrefixCacheHits.Should().Be(48);
    }

    [Fact]
    public void Simulation_ManyRequestsOnASmallPool_AllFinishAndNoBlockLeaks()
    {
        var random = new Random(1234);
        var pool = new BlockPool(24);
        var scheduler = new Scheduler(new KvCacheManager(pool), maxNumSeqs: 6, maxNumBatchedTokens: 64, maxModelLen: 2048);
        for (var i = 0; i < 40; i++)
        {
            scheduler.Admit(Request($"r{i}", random.Next(1, 120), maxTokens: random.Next(1, 60))).Should().BeNull();
        }

        var finished = 0;
        for (var step = 0; step < 20_000 && finished < 40; step++)
        {
            var output = scheduler.Step();
            output.TotalTokenCount.Should().BeLessThanOrEqualTo(64);
            scheduler.RunningCount.Should().BeLessThanOrEqualTo(6);
            var sampled = output.Scheduled.Where(s => s.IsSampled).ToDictionary(s => s.RequestId, _ => random.Next(100) < 3 ? Eos : 7);
            finished += scheduler.Update(output, new ModelOutput(sampled)).Count(d => d.FinishReason is not null);
            pool.FreeBlockCount.Should().BeGreaterThanOrEqualTo(0);
        }

        finished.Should().Be(40);
        pool.FreeBlockCount.Should().Be(pool.TotalBlockCount);
    }

    [Fact]
    public void Step_AWaitingRequestOfOneAdapterTooMany_WaitsUntilARunningAdapterDrains()
    {
        var scheduler = new Scheduler(new KvCacheManager(new BlockPool(64)), maxNumSeqs: 8, maxNumBatchedTokens: 256, maxModelLen: 4096, maxLoras: 2);
        scheduler.Admit(WithAdapter(Request("a", 10, maxTokens: 2), 1));
        scheduler.Admit(WithAdapter(Request("b", 10, maxTokens: 20), 2));
        scheduler.Admit(WithAdapter(Request("b-again", 10, maxTokens: 20), 2));
        scheduler.Admit(WithAdapter(Request("c", 10, maxTokens: 20), 3));
        scheduler.Admit(Request("base", 10, maxTokens: 20));

        var steps = new List<SchedulerOutput>();
        for (var i = 0; i < 3; i++)
        {
            steps.Add(scheduler.Step());
            scheduler.Update(steps[^1], Sample(steps[^1], 7));
        }

        steps[0].Scheduled.Select(s => s.RequestId).Should().Equal(["a", "b", "b-again"], "adapter 3 would be a third with two slots, and nobody overtakes it");
        steps[0].Scheduled.Select(s => s.AdapterId).Should().Equal(1, 2, 2);
        steps[1].Scheduled.Select(s => s.RequestId).Should().Equal("a", "b", "b-again");
        steps[2].Scheduled.Select(s => s.RequestId).Should().Equal(["b", "b-again", "c", "base"], "a finished, so adapter 1's slot is free");
        scheduler.RunningAdapterNames.Should().Equal("adapter-2", "adapter-3");
    }

    private static Request WithAdapter(Request request, int adapterId) =>
        new(request.Id, request.TokenIds.ToArray(), request.MaxTokens, request.StopTokenIds) { AdapterId = adapterId, AdapterName = $"adapter-{adapterId}" };

    private static void Run(Scheduler scheduler, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            var output = scheduler.Step();
            scheduler.Update(output, Sample(output, 7));
        }
    }

    private static ModelOutput Sample(SchedulerOutput output, int token) =>
        new(output.Scheduled.Where(s => s.IsSampled).ToDictionary(s => s.RequestId, _ => token));

    private static Request Request(string id, int promptLength, int maxTokens) =>
        new(id, Enumerable.Range(10, promptLength).Select(t => t % 1000 + 10).ToArray(), maxTokens, new HashSet<int> { Eos });
}
