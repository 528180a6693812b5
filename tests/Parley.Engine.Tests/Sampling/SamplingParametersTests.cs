using Parley.Engine.Sampling;

namespace Parley.Engine.Tests.Sampling;

public class SamplingParametersTests
{
    [Fact]
    public void Defaults_AreVllms()
    {
        var p = new SamplingParameters();

        (p.Temperature, p.TopP, p.TopK, p.MinP).Should().Be((1f, 1f, 0, 0f));
        (p.PresencePenalty, p.FrequencyPenalty, p.RepetitionPenalty).Should().Be((0f, 0f, 1f));
        (p.Seed, p.MaxTokens, p.MinTokens, p.IgnoreEos, p.Logprobs).Should().Be(((long?)null, (int?)16, 0, false, (int?)null));
        p.StopTokenIds.Should().BeEmpty();
        p.Validate().Should().BeNull();
    }

    [Fact]
    public void Validate_ValuesAtTheEdgesOfTheirRanges_Pass()
    {
        new SamplingParameters
        {
            Temperature = 0, TopP = 1e-6f, TopK = -1, MinP = 1, PresencePenalty = -2, FrequencyPenalty = 2,
            RepetitionPenalty = 1e-3f, MaxTokens = null, MinTokens = 100, Logprobs = 20, StopTokenIds = [0],
        }.Validate().Should().BeNull();
    }

    public static TheoryData<SamplingParameters, string> Invalid => new()
    {
        { new() { Temperature = -0.5f }, "temperature must be in [0, +inf), got -0.5" },
        { new() { Temperature = float.PositiveInfinity }, "temperature must be in [0, +inf), got Infinity" },
        { new() { TopP = 1.5f }, "top_p must be in (0, 1], got 1.5" },
        { new() { TopP = 0 }, "top_p must be in (0, 1], got 0" },
        { new() { TopK = -2 }, "top_k must be in -1 or 0 (off), or [1, +inf), got -2" },
        { new() { MinP = 1.25f }, "min_p must be in [0, 1], got 1.25" },
        { new() { MinP = float.NaN }, "min_p must be in [0, 1], got NaN" },
        { new() { PresencePenalty = 2.5f }, "presence_penalty must be in [-2, 2], got 2.5" },
        { new() { FrequencyPenalty = -3 }, "frequency_penalty must be in [-2, 2], got -3" },
        { new() { RepetitionPenalty = 0 }, "repetition_penalty must be in (0, +inf), got 0" },
        { new() { MaxTokens = 0 }, "max_tokens must be in [1, +inf) or null, got 0" },
        { new() { MinTokens = 17 }, "min_tokens must be in [0, max_tokens=16], got 17" },
        { new() { MinTokens = -1, MaxTokens = null }, "min_tokens must be in [0, +inf), got -1" },
        { new() { Logprobs = -1 }, "logprobs must be in [0, +inf) or null, got -1" }, // the upper cap is the worker's --max-logprobs
        { new() { StopTokenIds = [2, -1] }, "stop_token_ids must be in [0, +inf), got -1" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_OutOfRange_NamesTheFieldTheRangeAndTheValue(SamplingParameters parameters, string expected)
    {
        parameters.Validate().Should().Be(expected);
    }
}
