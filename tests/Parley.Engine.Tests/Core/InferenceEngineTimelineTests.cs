using System.Collections.Concurrent;
using Parley.Engine.Core;
using Parley.Engine.Sampling;
using Parley.Engine.Tests.Backends;
using Parley.Testing.Models;
using static Parley.Engine.Tests.Backends.BackendCalls;

namespace Parley.Engine.Tests.Core;

// What the engine tells its watchers: tokens per step (StepCompleted) and each request's timeline on its stream.
public sealed class InferenceEngineTimelineTests : IDisposable
{
    private static readonly SamplingParameters Greedy = new() { Temperature = 0, MaxTokens = 5, IgnoreEos = true };
    private readonly TinyCheckpointFolder _model = new(TinyCheckpoints.Shape("qwen2", "BF16"));

    [Fact]
    public async Task StepCompleted_ReportsEveryStepsTokens_ChunkedPrefillThenOnePerDecode()
    {
        using var engine = Engine(maxBatchedTokens: 16);
        var steps = new ConcurrentQueue<EngineStep>();
        engine.StepCompleted += steps.Enqueue;

        await InferenceEngineTests.Collect(engine.Submit(new GenerationRequest("a", RandomTokens(40, seed: 1), Greedy)));

        steps.Select(step => step.TokenCount).Should().Equal(16, 16, 8, 1, 1, 1, 1);
        steps.Should().OnlyContain(step => step.RequestCount == 1);
    }

    [Fact]
    public async Task StepCompleted_CountsABatchOfRequestsAsOneStep()
    {
        using var engine = Engine();
        var steps = new ConcurrentQueue<EngineStep>();
        var gate = new ManualResetEventSlim();
        engine.StepCompleted += step =>
        {
            gate.Wait(TimeSpan.FromSeconds(10)); // holds the first step, so the second request joins the next batch
            steps.Enqueue(step);
        };

        var first = InferenceEngineTests.Collect(engine.Submit(new GenerationRequest("a", RandomTokens(10, seed: 1), Greedy)));
        var second = InferenceEngineTests.Collect(engine.Submit(new GenerationRequest("b", RandomTokens(10, seed: 2), Greedy)));
        gate.Set();
        await Task.WhenAll(first, second);

        steps.Sum(step => step.TokenCount).Should().Be(2 * (10 + 4), "each prompt once and each later token once");
        steps.Should().Contain(step => step.RequestCount == 2, "requests run together");
        steps.Count.Should().BeLessThan(2 * 5, "a batch is one step, not one per request");
    }

    [Fact]
    public async Task Stream_Timeline_IsCompleteWhenTheLastTokenArrives()
    {
        using var engine = Engine();
        var stream = engine.Submit(new GenerationRequest("a", RandomTokens(20, seed: 3), Greedy));
        stream.MaxTokens.Should().Be(5);

        await InferenceEngineTests.Collect(stream);

        var timeline = stream.Timeline;
        timeline.IsScheduled.Should().BeTrue();
        timeline.HasToken.Should().BeTrue();
        timeline.QueueTime.Should().BePositive("the engine thread picks the request up after Submit returns");
        timeline.PrefillTime.Should().BePositive();
        timeline.DecodeTime.Should().BePositive("four tokens followed the first");
        (timeline.PrefillTime + timeline.DecodeTime).Should().BeCloseTo(timeline.InferenceTime, TimeSpan.FromTicks(1), "each difference is rounded to a 100 ns tick");
    }

    [Fact]
    public void Stream_MaxTokens_IsWhatIsLeftOfTheContextWhenTheRequestSetsNone()
    {
        using var engine = Engine(maxModelLen: 64);

        var stream = engine.Submit(new GenerationRequest("a", RandomTokens(24, seed: 4), Greedy with { MaxTokens = null }));

        stream.MaxTokens.Should().Be(40);
        engine.Abort("a");
    }

    public void Dispose() => _model.Dispose();

    private InferenceEngine Engine(int maxBatchedTokens = 256, int maxModelLen = 512) =>
        new(_model.Cpu(64, maxBatchedTokens, maxSequences: 8, maxModelLen), new EngineOptions
        {
            MaxModelLen = maxModelLen, MaxNumSeqs = 8, MaxNumBatchedTokens = maxBatchedTokens, EosTokenIds = [258, 256],
        });
}
