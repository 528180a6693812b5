using Parley.Engine.Core;
using Parley.Engine.Sampling;
using Parley.Engine.Scheduling;
using Parley.Engine.Tests.Constraints;
using Parley.Testing.Models;
using Parley.Engine.Tests.Backends;
using Parley.Engine.Tests.Core;

namespace Parley.Engine.Tests.Sampling;

// An output constraint masks every draw and ends the request where it terminates, whatever the logits or max_tokens.
public sealed class ConstrainedSamplingTests : IDisposable
{
    private readonly TinyCheckpointFolder _model = new(TinyCheckpoints.Shape("qwen2", "BF16"));

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    [InlineData(5f)]
    public void Sample_TakesOnlyWhatTheConstraintAllows_AndMovesItOn(float temperature)
    {
        var parameters = new SamplingParameters { Temperature = temperature, Seed = 1, Constraint = new TokenSequenceConstraint(7, 3, 9) };
        var state = new SamplerState(parameters);
        var logits = Enumerable.Range(0, 16).Select(i => i == 7 ? -50f : i).ToArray();
        var scratch = new float[Sampler.ScratchLength(logits.Length)];

        var drawn = Enumerable.Range(0, 3).Select(_ => Sampler.Sample(logits, parameters, state, [], [], scratch).TokenId).ToList();

        drawn.Should().Equal(7, 3, 9);
        state.Matcher!.IsTerminated.Should().BeTrue();
    }

    [Fact]
    public void Sample_WhenTheConstraintAllowsNothing_FailsWithAReason()
    {
        var parameters = new SamplingParameters { Temperature = 0, Constraint = new TokenSequenceConstraint(40) };
        var logits = new float[16];

        var act = () => Sampler.Sample(logits, parameters, new SamplerState(parameters), [], [], new float[Sampler.ScratchLength(logits.Length)]);

        act.Should().Throw<InvalidOperationException>().WithMessage("*output constraint*");
    }

    [Fact]
    public async Task Engine_StopsTheRequestWhereTheConstraintTerminates()
    {
        using var engine = new InferenceEngine(_model.Cpu(), new EngineOptions { MaxModelLen = 128 });
        var parameters = new SamplingParameters { Temperature = 1, MaxTokens = 16, IgnoreEos = true, Constraint = new TokenSequenceConstraint(65, 66, 67) };

        var events = await InferenceEngineTests.Collect(engine.Submit(new GenerationRequest("a", BackendCalls.RandomTokens(5, seed: 2), parameters)));

        events.Select(e => e.TokenId).Should().Equal(65, 66, 67);
        events[^1].FinishReason.Should().Be(FinishReason.Stop);
    }

    public void Dispose() => _model.Dispose();
}
