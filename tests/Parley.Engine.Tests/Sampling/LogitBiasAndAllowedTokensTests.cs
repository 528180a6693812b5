using Parley.Engine.Sampling;

namespace Parley.Engine.Tests.Sampling;

// logit_bias shifts logits before penalties and filtering; allowed_token_ids leaves every other token at -inf. Both
// change what is sampled, never the reported (raw) logprobs, as in vLLM.
public class LogitBiasAndAllowedTokensTests
{
    private static readonly float[] Logits = [4f, 3f, 2f, 1f, 0f, -1f];

    private static SampledToken Sample(SamplingParameters p, SamplerState? state = null) =>
        Sampler.Sample(Logits, p, state ?? new SamplerState(p), [], [], new float[Sampler.ScratchLength(Logits.Length)]);

    [Fact]
    public void LogitBias_MinusHundredOnTheTopToken_MakesGreedyPickTheNext()
    {
        var token = Sample(new SamplingParameters { Temperature = 0, LogitBias = new Dictionary<int, float> { [0] = -100 } });

        token.TokenId.Should().Be(1);
        token.Logprob.Should().BeApproximately(RawLogprob(1), 1e-5f, "reported logprobs are the model's, before the bias");
    }

    [Fact]
    public void LogitBias_PlusHundred_WinsEveryRandomDraw()
    {
        var p = new SamplingParameters { Temperature = 1, Seed = 7, LogitBias = new Dictionary<int, float> { [5] = 100 } };
        var state = new SamplerState(p);

        Enumerable.Range(0, 200).Select(_ => Sample(p, state).TokenId).Should().OnlyContain(id => id == 5);
    }

    [Fact]
    public void AllowedTokenIds_OnlyThoseAreEverSampled()
    {
        var p = new SamplingParameters { Temperature = 2, Seed = 3, AllowedTokenIds = [2, 4] };
        var state = new SamplerState(p);

        var drawn = Enumerable.Range(0, 400).Select(_ => Sample(p, state).TokenId).ToList();

        drawn.Should().OnlyContain(id => id == 2 || id == 4);
        drawn.Distinct().Should().HaveCount(2, "both allowed tokens keep their chance");
        Sample(p with { Temperature = 0 }).TokenId.Should().Be(2, "greedy takes the best allowed token");
    }

    [Theory]
    [InlineData(100.5f, "logit_bias values must be in [-100, 100], got 100.5 for token 3")]
    [InlineData(float.NaN, "logit_bias values must be in [-100, 100], got NaN for token 3")]
    public void Validate_BiasOutOfRange_NamesTheToken(float bias, string message)
    {
        new SamplingParameters { LogitBias = new Dictionary<int, float> { [3] = bias } }.Validate().Should().Be(message);
    }

    [Fact]
    public void Validate_EmptyOrNegativeAllowedTokenIds_IsAnError()
    {
        new SamplingParameters { AllowedTokenIds = [] }.Validate().Should().StartWith("allowed_token_ids must not be empty");
        new SamplingParameters { AllowedTokenIds = [1, -2] }.Validate().Should().Be("allowed_token_ids must be in [0, +inf), got -2");
        new SamplingParameters { LogitBias = new Dictionary<int, float> { [-1] = 1 } }.Validate().Should().StartWith("logit_bias keys must be token ids");
    }

    private static float RawLogprob(int id)
    {
        var max = Logits.Max();
        var logSumExp = max + MathF.Log(Logits.Sum(l => MathF.Exp(l - max)));
        return Logits[id] - logSumExp;
    }
}
