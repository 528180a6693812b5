using Parley.Engine.Backends;
using Parley.Engine.Backends.Cpu;
using Parley.Engine.Models;
using Parley.Engine.Sampling;
using Parley.Engine.Scheduling;
using Parley.Engine.Core;
using Parley.Engine.Tests.Backends;
using Parley.Testing.Models;
using static Parley.Engine.Tests.Backends.BackendCalls;

namespace Parley.Engine.Tests.Core;

public sealed class InferenceEngineTests : IDisposable
{
    private static readonly SamplingParameters Greedy = new() { Temperature = 0, MaxTokens = 12, IgnoreEos = true };
    private readonly TinyCheckpointFolder _model = new(TinyCheckpoints.Shape("qwen2", "BF16"));

    [Fact]
    public async Task Greedy_MatchesArgmaxOfTheBackendRunStepByStep()
    {
        var prompt = RandomTokens(20, seed: 1);
        var expected = new List<int>();
        using (var backend = _model.Cpu())
        {
            var tokens = prompt.ToList();
            for (var i = 0; i < 12; i++)
            {
                var logits = Run(backend, [.. tokens], 0, Blocks(1, tokens.Count));
                tokens.Add(Array.IndexOf(logits, logits.Max()));
            }

            expected.AddRange(tokens.Skip(20));
        }

        using var engine = Engine();
        var events = await Collect(engine.Submit(new GenerationRequest("a", prompt, Greedy)));

        events.Select(e => e.TokenId).Should().Equal(expected);
        events[^1].FinishReason.Should().Be(FinishReason.Length);
        events.Take(11).Should().OnlyContain(e => e.FinishReason == null);
        events.Should().OnlyContain(e => e.Logprob <= 0);
    }

    [Fact]
    public async Task ConcurrentRequests_GetWhatEachGetsAlone()
    {
        var prompts = Enumerable.Range(0, 6).Select(i => RandomTokens(5 + i * 9, seed: 10 + i)).ToArray();
        using var engine = Engine(maxBatchedTokens: 32);
        var alone = new List<int[]>();
        foreach (var prompt in prompts)
        {
            alone.Add((await Collect(engine.Submit(new GenerationRequest($"alone-{alone.Count}", prompt, Greedy)))).Select(e => e.TokenId).ToArray());
        }

        var together = await Task.WhenAll(prompts.Select((prompt, i) => Collect(engine.Submit(new GenerationRequest($"together-{i}", prompt, Greedy)))));

        for (var i = 0; i < prompts.Length; i++)
        {
            together[i].Select(e => e.TokenId).Should().Equal(alone[i], $"request {i}");
        }
    }

    [Fact]
    public async Task TooFewKvBlocks_PreemptsAndStillGivesEveryRequestItsOwnTokens()
    {
        var prompts = Enumerable.Range(0, 4).Select(i => RandomTokens(30, seed: 20 + i)).ToArray();
        var parameters = Greedy with { MaxTokens = 20 };
        using var roomy = Engine();
        var expected = new List<int[]>();
        foreach (var prompt in prompts)
        {
            expected.Add((await Collect(roomy.Submit(new GenerationRequest($"r{expected.Count}", prompt, parameters)))).Select(e => e.TokenId).ToArray());
        }

        // 9 usable blocks hold 144 tokens; four requests of 50 need 16.
        using var tight = Engine(blocks: 10);
        var results = await Task.WhenAll(prompts.Select((prompt, i) => Collect(tight.Submit(new GenerationRequest($"t{i}", prompt, parameters)))));

        for (var i = 0; i < prompts.Length; i++)
        {
            results[i].Select(e => e.TokenId).Should().Equal(expected[i], $"request {i}");
        }

        tight.Stats.Preemptions.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task SecondTurnOfAChat_ReusesTheFirstTurnsBlocks()
    {
        using var engine = Engine();
        var turn1 = RandomTokens(40, seed: 30);
        var answer = (await Collect(engine.Submit(new GenerationRequest("turn-1", turn1, Greedy)))).Select(e => e.TokenId);
        var before = engine.Stats;

        var turn2 = turn1.Concat(answer).Concat(RandomTokens(10, seed: 31)).ToArray();
        await Collect(engine.Submit(new GenerationRequest("turn-2", turn2, Greedy)));

        // Turn 1 computed 40 prompt + 11 generated tokens (the last sampled token is never fed back): 3 full blocks.
        (engine.Stats.PrefixCacheHits - before.PrefixCacheHits).Should().Be(3 * BlockPool.BlockSize);
        (engine.Stats.PrefixCacheQueries - before.PrefixCacheQueries).Should().BeGreaterThanOrEqualTo(turn2.Length);
    }

    [Fact]
    public async Task SameSeed_SameTokens_OtherSeed_OtherTokens()
    {
        using var engine = Engine();
        var prompt = RandomTokens(8, seed: 40);
        async Task<int[]> Draw(long seed, string id) =>
            (await Collect(engine.Submit(new GenerationRequest(id, prompt, new SamplingParameters { Temperature = 1.5f, Seed = seed, MaxTokens = 16, IgnoreEos = true })))).Select(e => e.TokenId).ToArray();

        var first = await Draw(7, "a");
        (await Draw(7, "b")).Should().Equal(first);
        (await Draw(8, "c")).Should().NotEqual(first);
    }

    [Fact]
    public async Task StopTokenId_EndsWithStop_AndEosIsIgnoredOnlyWhenAsked()
    {
        using var engine = Engine();
        var prompt = RandomTokens(12, seed: 50);
        var free = (await Collect(engine.Submit(new GenerationRequest("free", prompt, Greedy)))).Select(e => e.TokenId).ToArray();

        var stopped = await Collect(engine.Submit(new GenerationRequest("stopped", prompt, Greedy with { StopTokenIds = [free[3]] })));

        var firstStop = Array.IndexOf(free, free[3]);
        stopped.Select(e => e.TokenId).Should().Equal(free.Take(firstStop + 1));
        stopped[^1].FinishReason.Should().Be(FinishReason.Stop);
    }

    [Fact]
    public async Task Logprobs_AreReportedWithTheRequestedAlternatives()
    {
        using var engine = Engine();
        var events = await Collect(engine.Submit(new GenerationRequest("lp", RandomTokens(6, seed: 60), Greedy with { Logprobs = 3, MaxTokens = 4 })));

        events.Should().OnlyContain(e => e.TopLogprobs.Count == 3 && e.TopLogprobs[0].TokenId == e.TokenId && e.TopLogprobs[0].Logprob == e.Logprob);
    }

    [Fact]
    public async Task Cancelling_EndsTheStreamAndFreesTheBlocks()
    {
        // Steps past the third wait until the test has cancelled, so the engine cannot finish all 400 tokens first.
        using var cancelled = new ManualResetEventSlim();
        using var engine = new InferenceEngine(new HeldAfterSteps(_model.Cpu(), 3, cancelled), new EngineOptions { MaxModelLen = 512, MaxNumSeqs = 8 });
        using var cancel = new CancellationTokenSource();
        var stream = engine.Submit(new GenerationRequest("long", RandomTokens(20, seed: 70), Greedy with { MaxTokens = 400 }), cancel.Token);

        var received = 0;
        await foreach (var token in stream)
        {
            if (++received == 3)
            {
                await cancel.CancelAsync();
                cancelled.Set();
            }
        }

        received.Should().BeLessThan(400);
        await Eventually(() => engine.Stats is { Running: 0, KvCacheUsage: 0 });
    }

    [Fact]
    public void PromptPlusMaxTokensBeyondTheContext_IsRejectedWithVllmsSentence()
    {
        using var engine = Engine(maxModelLen: 64);

        var act = () => engine.Submit(new GenerationRequest("big", RandomTokens(60, seed: 1), Greedy with { MaxTokens = 10 }));

        act.Should().Throw<RequestRejectedException>().WithMessage(
            "This model's maximum context length is 64 tokens. However, you requested 70 tokens (60 in the messages, 10 in the completion).*");
    }

    [Theory]
    [InlineData(-1, "*out of vocabulary*")]
    [InlineData(259, "*out of vocabulary*")]
    public void BadTokenIds_AreRejected(int token, string message)
    {
        using var engine = Engine();

        var act = () => engine.Submit(new GenerationRequest("bad", [1, token], Greedy));

        act.Should().Throw<RequestRejectedException>().WithMessage(message);
    }

    [Fact]
    public void AfterStopAccepting_NewRequestsAreRejected()
    {
        using var engine = Engine();
        engine.StopAccepting();

        var act = () => engine.Submit(new GenerationRequest("late", [1, 2], Greedy));

        act.Should().Throw<RequestRejectedException>().WithMessage("*shutting down*");
    }

    [Fact]
    public async Task AStepThatThrows_FailsItsRequestsAndTellsTheHost()
    {
        using var failing = new InferenceEngine(new FailingBackend(_model.Cpu()), new EngineOptions { MaxModelLen = 512, MaxNumSeqs = 8 });
        var failures = new List<Exception>();
        failing.StepFailed += failures.Add;

        var act = () => Collect(failing.Submit(new GenerationRequest("doomed", RandomTokens(4, seed: 1), Greedy)));

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("device lost");
        failures.Should().ContainSingle().Which.Message.Should().Be("device lost");
        failing.Stats.KvCacheUsage.Should().Be(0);
    }

    public void Dispose() => _model.Dispose();

    private sealed class FailingBackend(Parley.Engine.Backends.IBackend inner) : Parley.Engine.Backends.IBackend
    {
        public ModelConfig Config => inner.Config;
        public int KvBlockCount => inner.KvBlockCount;
        public void Forward(Parley.Engine.Backends.ForwardBatch batch, Span<float> logits) => throw new InvalidOperationException("device lost");
        public void Dispose() => inner.Dispose();
    }

    private InferenceEngine Engine(int blocks = 64, int maxBatchedTokens = 256, int maxModelLen = 512) =>
        new(_model.Cpu(blocks, maxBatchedTokens, maxSequences: 8, maxModelLen), new EngineOptions
        {
            MaxModelLen = maxModelLen, MaxNumSeqs = 8, MaxNumBatchedTokens = maxBatchedTokens, EosTokenIds = [258, 256],
        });

    /// <summary>Every event of a stream, within 30 s.</summary>
    internal static async Task<List<TokenEvent>> Collect(GenerationStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<TokenEvent>();
        await foreach (var token in stream.WithCancellation(timeout.Token))
        {
            events.Add(token);
        }

        return events;
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        condition().Should().BeTrue();
    }

    // Runs the first steps at once and every later one only once the gate is open.
    private sealed class HeldAfterSteps(IBackend inner, int freeSteps, ManualResetEventSlim gate) : IBackend
    {
        private int _steps;

        public ModelConfig Config => inner.Config;
        public int KvBlockCount => inner.KvBlockCount;

        public void Forward(ForwardBatch batch, Span<float> logits)
        {
            if (++_steps > freeSteps)
            {
                gate.Wait();
            }

            inner.Forward(batch, logits);
        }

        public void Dispose() => inner.Dispose();
    }
}
