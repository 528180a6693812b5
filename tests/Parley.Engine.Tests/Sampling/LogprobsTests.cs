using Parley.Engine.Sampling;
using Parley.Engine.Tests.Sampling.Reference;

namespace Parley.Engine.Tests.Sampling;

public class LogprobsTests
{
    public static TheoryData<int> Lengths => NaiveSampling.Lengths;

    [Theory]
    [MemberData(nameof(Lengths))]
    public void LogSoftmax_AllLengths_MatchesReference(int length)
    {
        var logits = NaiveSampling.RandomLogits(length, seed: length);
        var actual = new float[length];

        Logprobs.LogSoftmax(logits, actual);

        var expected = NaiveSampling.LogSoftmax(logits);
        var maxDiff = actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max();
        maxDiff.Should().BeLessThan(1e-4, "maxdiff {0}, first values {1} vs {2}", maxDiff, actual[0], expected[0]);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void LogSoftmax_AllLengths_ProbabilitiesSumToOne(int length)
    {
        var logits = NaiveSampling.RandomLogits(length, seed: 7 * length);

        Logprobs.LogSoftmax(logits, logits);

        logits.Sum(x => Math.Exp(x)).Should().BeApproximately(1.0, 1e-4);
    }

    [Fact]
    public void LogSumExp_HugeLogits_DoesNotOverflow()
    {
        Logprobs.LogSumExp([1000f, 1000f]).Should().BeApproximately(1000f + MathF.Log(2), 1e-3f);
    }

    [Fact]
    public void LogSumExp_AllNegativeInfinity_IsNegativeInfinity()
    {
        Logprobs.LogSumExp([float.NegativeInfinity, float.NegativeInfinity]).Should().Be(float.NegativeInfinity);
    }

    [Fact]
    public void LogSumExp_Empty_Throws()
    {
        var act = () => Logprobs.LogSumExp([]);

        act.Should().Throw<ArgumentException>();
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void TopIndices_AllLengthsAndCounts_MatchFullSort(int length)
    {
        var logits = NaiveSampling.RandomLogits(length, seed: 3 * length);
        var ranked = NaiveSampling.Ranked(logits);
        foreach (var count in new[] { 0, 1, 5, 20 }.Where(c => c <= length))
        {
            var actual = new int[count];

            Logprobs.TopIndices(logits, actual);

            actual.Should().Equal(ranked.Take(count));
        }
    }

    [Fact]
    public void TopIndices_Ties_PutTheLowerIndexFirst()
    {
        var actual = new int[3];

        Logprobs.TopIndices([1f, 5f, 2f, 5f, 5f], actual);

        actual.Should().Equal(1, 3, 4);
    }

    [Fact]
    public void TopIndices_MoreThanTheValues_Throws()
    {
        var act = () => Logprobs.TopIndices([1f], new int[2]);

        act.Should().Throw<ArgumentException>();
    }
}
