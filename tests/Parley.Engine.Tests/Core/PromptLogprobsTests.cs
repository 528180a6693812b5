using Parley.Engine.Core;
using Parley.Engine.Sampling;
using Parley.Engine.Tests.Backends;
using Parley.Testing.Models;
using static Parley.Engine.Tests.Backends.BackendCalls;

namespace Parley.Engine.Tests.Core;

// prompt_logprobs: each prompt token's log-probability under the logits of the position before it, equal to running the
// backend on each prefix; the prefix cache never skips the positions they need; the answer itself is unchanged.
public sealed class PromptLogprobsTests : IDisposable
{
    private readonly TinyCheckpointFolder _model = new(TinyCheckpoints.Shape("qwen2", "BF16"));

    [Fact]
    public async Task PromptLogprobs_EqualTheBackendRunOnEachPrefix()
    {
        var prompt = RandomTokens(21, seed: 4);
        var expected = new List<(float Logprob, int Rank, int Top)>();
        using (var backend = _model.Cpu())
        {
            for (var i = 1; i < prompt.Length; i++)
            {
                var logits = Run(backend, prompt[..i], 0, Blocks(1, i));
                var logSumExp = Logprobs.LogSumExp(logits);
                expected.Add((logits[prompt[i]] - logSumExp, 1 + logits.Count(l => l > logits[prompt[i]]), Array.IndexOf(logits, logits.Max())));
            }
        }

        using var engine = new InferenceEngine(_model.Cpu(), new EngineOptions { MaxModelLen = 128 });
        var parameters = new SamplingParameters { Temperature = 0, MaxTokens = 3, IgnoreEos = true, PromptLogprobs = 2 };

        var events = await InferenceEngineTests.Collect(engine.Submit(new GenerationRequest("a", prompt, parameters)));

        var logprobs = events[0].PromptLogprobs!;
        logprobs.Select(p => p.TokenId).Should().Equal(prompt.Skip(1));
        for (var i = 0; i < expected.Count; i++)
        {
            logprobs[i].Logprob.Should().BeApproximately(expected[i].Logprob, 1e-3f, $"prompt token {i + 1}");
            logprobs[i].Rank.Should().Be(expected[i].Rank);
            logprobs[i].TopLogprobs.Should().HaveCount(2).And.Subject.First().TokenId.Should().Be(expected[i].Top);
        }

        events.Skip(1).Should().OnlyContain(e => e.PromptLogprobs == null, "they ride on the first token only");
    }

    [Fact]
    public async Task PromptLogprobs_AfterTheSamePromptIsCached_StillCoverEveryToken_AndTheAnswerIsUnchanged()
    {
        var prompt = RandomTokens(40, seed: 5);
        using var engine = new InferenceEngine(_model.Cpu(), new EngineOptions { MaxModelLen = 128 });
        var greedy = new SamplingParameters { Temperature = 0, MaxTokens = 4, IgnoreEos = true };
        var plain = await InferenceEngineTests.Collect(engine.Submit(new GenerationRequest("plain", prompt, greedy)));

        var withLogprobs = await InferenceEngineTests.Collect(engine.Submit(new GenerationRequest("logprobs", prompt, greedy with { PromptLogprobs = 0 })));

        withLogprobs[0].PromptLogprobs.Should().HaveCount(39).And.OnlyContain(p => p != null && p.Logprob <= 0);
        withLogprobs.Select(e => e.TokenId).Should().Equal(plain.Select(e => e.TokenId));
    }

    public void Dispose() => _model.Dispose();
}
