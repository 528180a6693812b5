using Parley.Engine.Sampling;
using Parley.Engine.Tests.Sampling.Reference;

namespace Parley.Engine.Tests.Sampling;

public class SamplerTests
{
    public static TheoryData<int> Lengths => NaiveSampling.Lengths;

    private static SampledToken Sample(float[] logits, SamplingParameters p, SamplerState? state = null, int[]? prompt = null, int[]? output = null) =>
        Sampler.Sample(logits, p, state ?? new SamplerState(p), prompt ?? [], output ?? [], new float[Sampler.ScratchLength(logits.Length)]);

    private static int[] Sequence(float[] logits, SamplingParameters p, int count)
    {
        var state = new SamplerState(p);
        var scratch = new float[Sampler.ScratchLength(logits.Length)];
        var output = new List<int>();
        for (var i = 0; i < count; i++)
            output.Add(Sampler.Sample(logits, p, state, [], output.ToArray(), scratch).TokenId);
        return [.. output];
    }

    [Fact]
    public void Sample_EmptyLogits_Throws()
    {
        var act = () => Sample([], new SamplingParameters());

        act.Should().Throw<ArgumentException>().WithParameterName("logits");
    }

    [Fact]
    public void Sample_ScratchTooShort_Throws()
    {
        var p = new SamplingParameters();
        var act = () => Sampler.Sample([1f, 2f], p, new SamplerState(p), [], [], new float[3]);

        act.Should().Throw<ArgumentException>().WithParameterName("scratch");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sample_Greedy_PicksTheArgmaxOfThePenalizedLogits(int length)
    {
        var logits = NaiveSampling.RandomLogits(length, seed: length);
        int[] output = [0, length / 2];
        var p = new SamplingParameters { Temperature = 0, RepetitionPenalty = 1.5f, FrequencyPenalty = 0.5f };

        var token = Sample(logits, p, output: output).TokenId;

        token.Should().Be(NaiveSampling.Ranked(NaiveSampling.Penalize(logits, [], output, 1.5, 0.5, 0).Select(x => (float)x).ToArray())[0]);
    }

    [Fact]
    public void Sample_GreedyWithTies_PicksTheLowestId()
    {
        Sample([1f, 4f, 2f, 4f], new SamplingParameters { Temperature = 0 }).TokenId.Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sample_TopKOne_EqualsGreedy(int length)
    {
        var logits = NaiveSampling.RandomLogits(length, seed: length);

        Sequence(logits, new SamplingParameters { TopK = 1, Temperature = 1.5f }, 5)
            .Should().AllBeEquivalentTo(Sample(logits, new SamplingParameters { Temperature = 0 }).TokenId);
    }

    [Fact]
    public void Sample_TemperatureApproachingZero_AlwaysPicksTheArgmax()
    {
        float[] logits = [1f, 2.9f, 3f, 0f, 2.95f];

        Sequence(logits, new SamplingParameters { Temperature = 1e-3f }, 200).Should().AllBeEquivalentTo(2);
    }

    [Fact]
    public void Sample_SameSeed_GivesTheSameSequence_AndAnotherSeedADifferentOne()
    {
        var logits = NaiveSampling.RandomLogits(1000, seed: 1, scale: 1);

        var first = Sequence(logits, new SamplingParameters { Seed = 42, TopP = 0.9f }, 50);
        var again = Sequence(logits, new SamplingParameters { Seed = 42, TopP = 0.9f }, 50);
        var other = Sequence(logits, new SamplingParameters { Seed = 43, TopP = 0.9f }, 50);

        again.Should().Equal(first);
        other.Should().NotEqual(first);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sample_WithFilters_OnlyPicksTokensTheReferenceKeeps(int length)
    {
        var logits = NaiveSampling.RandomLogits(length, seed: length, scale: 2);
        var p = new SamplingParameters { Seed = length, Temperature = 0.7f, MinP = 0.02f, TopK = 100, TopP = 0.8f };
        var kept = NaiveSampling.Kept(logits.Select(x => x / 0.7f).ToArray(), 0.02, 100, 0.8).ToHashSet();

        Sequence(logits, p, 20).Should().OnlyContain(token => kept.Contains(token));
    }

    [Fact]
    public void Sample_BelowMinTokens_NeverPicksEosOrStopTokens()
    {
        float[] logits = [0f, 10f, 0.5f, 10f];
        var p = new SamplingParameters { Temperature = 0, MinTokens = 2, StopTokenIds = [3] };
        var state = new SamplerState(p, eosTokenIds: [1]);

        Sample(logits, p, state, output: [7]).TokenId.Should().Be(2);
        Sample(logits, p, state, output: [7, 2]).TokenId.Should().Be(1);
    }

    [Fact]
    public void Sample_EveryTokenMasked_Throws()
    {
        var p = new SamplingParameters { MinTokens = 1 };
        var act = () => Sample([1f], p, new SamplerState(p, eosTokenIds: [0]));

        act.Should().Throw<InvalidOperationException>();
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sample_Logprobs_AreTheRawLogSoftmax_TopNBestFirst(int length)
    {
        var logits = NaiveSampling.RandomLogits(length, seed: length);
        var p = new SamplingParameters { Seed = 3, Logprobs = 5, Temperature = 0.5f, RepetitionPenalty = 2f };
        var expected = NaiveSampling.LogSoftmax(logits);

        var sampled = Sample(logits, p, prompt: [0]);

        sampled.Logprob.Should().BeApproximately((float)expected[sampled.TokenId], 1e-4f);
        var top = sampled.TopLogprobs.ToArray();
        top.Select(t => t.TokenId).Should().Equal(NaiveSampling.Ranked(logits).Take(5));
        top.Select(t => t.Logprob).Should().BeInDescendingOrder();
        top.Should().AllSatisfy(t => t.Logprob.Should().BeApproximately((float)expected[t.TokenId], 1e-4f));
    }

    // A worker's --max-logprobs may allow more than OpenAI's 20, past the stack buffer's 256 up to the vocabulary.
    [Theory]
    [InlineData(21, 1000)]
    [InlineData(256, 1000)]
    [InlineData(257, 1000)]
    [InlineData(1000, 1000)]
    [InlineData(1000, 300)]
    public void Sample_ManyLogprobs_AreTheTopNBestFirst_AtMostTheVocabulary(int logprobs, int length)
    {
        var logits = NaiveSampling.RandomLogits(length, seed: logprobs);

        var top = Sample(logits, new SamplingParameters { Seed = 3, Logprobs = logprobs }).TopLogprobs.ToArray();

        top.Select(t => t.TokenId).Should().Equal(NaiveSampling.Ranked(logits).Take(logprobs));
    }

    [Fact]
    public void Sample_AfterWarmUp_AllocatesNothingPerToken()
    {
        var logits = NaiveSampling.RandomLogits(151_936, seed: 11);
        var p = new SamplingParameters { Seed = 1, TopK = 50, TopP = 0.9f, MinP = 0.01f, RepetitionPenalty = 1.1f, PresencePenalty = 0.5f, Logprobs = 20 };
        var state = new SamplerState(p, eosTokenIds: [2]);
        var scratch = new float[Sampler.ScratchLength(logits.Length)];
        int[] prompt = [1, 2, 3];
        int[] output = [4, 5, 4];
        for (var i = 0; i < 3; i++)
            Sampler.Sample(logits, p, state, prompt, output, scratch);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
            Sampler.Sample(logits, p, state, prompt, output, scratch);

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    [Fact]
    public void Sample_NoLogprobsAsked_ReturnsNoAlternatives()
    {
        Sample([1f, 2f], new SamplingParameters()).TopLogprobs.IsEmpty.Should().BeTrue();
    }

    // Pearson's chi-squared over 20,000 draws with a fixed seed: the statistic must stay below the 0.001 critical value
    // for the degrees of freedom (4: 18.47; 2: 13.82), so a sampler off by even 2% on a 0.1 bucket would fail.
    [Theory]
    [InlineData(1f, 0, 1f, 18.47)]
    [InlineData(0.8f, 3, 1f, 13.82)]
    [InlineData(1f, 0, 0.85f, 13.82)]
    public void Sample_ManyDraws_FollowTheFilteredSoftmax(float temperature, int topK, float topP, double critical)
    {
        float[] logits = [0.5f, 2f, -1f, 1.2f, 0.3f];
        var p = new SamplingParameters { Seed = 2024, Temperature = temperature, TopK = topK, TopP = topP };
        var scaled = logits.Select(x => x / temperature).ToArray();
        var kept = NaiveSampling.Kept(scaled, 0, topK, topP);
        var probs = NaiveSampling.Softmax(kept.Select(i => (double)scaled[i]).ToArray());
        const int draws = 20_000;

        var counts = Draw(logits, p, draws);

        counts.Keys.Should().BeSubsetOf(kept);
        var chiSquared = kept.Select((id, i) => Math.Pow(counts.GetValueOrDefault(id) - draws * probs[i], 2) / (draws * probs[i])).Sum();
        chiSquared.Should().BeLessThan(critical, "kept {0}, counts {1}", string.Join(",", kept), string.Join(",", counts));
    }

    private static Dictionary<int, int> Draw(float[] logits, SamplingParameters p, int draws)
    {
        var state = new SamplerState(p);
        var scratch = new float[Sampler.ScratchLength(logits.Length)];
        var counts = new Dictionary<int, int>();
        for (var i = 0; i < draws; i++)
        {
            var token = Sampler.Sample(logits, p, state, [], [], scratch).TokenId;
            counts[token] = counts.GetValueOrDefault(token) + 1;
        }

        return counts;
    }
}
