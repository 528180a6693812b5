using Parley.Engine.Sampling;
using Parley.Engine.Tests.Sampling.Reference;

namespace Parley.Engine.Tests.Sampling;

public class PenaltiesTests
{
    public static TheoryData<int> Lengths => NaiveSampling.Lengths;

    private static TokenCounts Counts(int[] prompt, int[] output)
    {
        var counts = new TokenCounts();
        counts.Update(prompt, output);
        return counts;
    }

    [Fact]
    public void Apply_RepetitionPenalty_DividesPositiveAndMultipliesNegativeLogitsOfSeenTokensOnce()
    {
        float[] logits = [2f, -1.5f, 3f, 4f, 0f];

        // token 0 is in both prompt and output: penalized once, as HF and vLLM do (a mask, not a count)
        Penalties.Apply(Counts(prompt: [0, 1, 4], output: [0, 0]), repetitionPenalty: 2f, 0f, 0f, logits);

        logits.Should().Equal(1f, -3f, 3f, 4f, 0f);
    }

    [Fact]
    public void Apply_FrequencyAndPresencePenalties_SubtractPerOutputCountAndOnce()
    {
        float[] logits = [1f, 1f, 1f, 1f];

        // prompt tokens take no frequency or presence penalty, only output tokens do
        Penalties.Apply(Counts(prompt: [3], output: [0, 0, 0, 2]), 1f, frequencyPenalty: 0.5f, presencePenalty: 0.25f, logits);

        logits.Should().Equal(1f - 1.5f - 0.25f, 1f, 1f - 0.5f - 0.25f, 1f);
    }

    [Fact]
    public void Apply_TokenIdsOutsideTheVocabulary_AreIgnored()
    {
        float[] logits = [1f, 1f];

        Penalties.Apply(Counts(prompt: [5], output: [9]), 2f, 1f, 1f, logits);

        logits.Should().Equal(1f, 1f);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Apply_AllLengths_MatchesReference(int length)
    {
        var logits = NaiveSampling.RandomLogits(length, seed: length);
        var random = new Random(length);
        var prompt = Enumerable.Range(0, 50).Select(_ => random.Next(length)).ToArray();
        var output = Enumerable.Range(0, 30).Select(_ => random.Next(length)).ToArray();
        var expected = NaiveSampling.Penalize(logits, prompt, output, 1.3, 0.7, -0.4);

        Penalties.Apply(Counts(prompt, output), 1.3f, 0.7f, -0.4f, logits);

        logits.Zip(expected, (a, e) => Math.Abs(a - e)).Max().Should().BeLessThan(1e-5);
    }
}
