using Parley.Engine.Sampling;
using Parley.Engine.Tests.Sampling.Reference;

namespace Parley.Engine.Tests.Sampling;

public class CandidateFilterTests
{
    public static TheoryData<int> Lengths => NaiveSampling.Lengths;

    private static int[] Select(float[] logits, float minP, int topK, float topP)
    {
        var ids = new int[logits.Length];
        var count = CandidateFilter.Select(logits, minP, topK, topP, ids);
        return ids[..count];
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Select_EachFilterAndTheirCombinations_KeepTheReferenceSet(int length)
    {
        // scale 1 is a flat distribution (top-p must grow its window to thousands), 8 a peaked one
        foreach (var scale in new[] { 1.0, 8.0 })
        {
            var logits = NaiveSampling.RandomLogits(length, seed: length, scale);
            foreach (var (minP, topK, topP) in new[] { (0.1f, 0, 1f), (0f, 5, 1f), (0f, 0, 0.9f), (0f, 0, 0.3f), (0.01f, 50, 0.8f), (0f, 1, 1f) })
            {
                var actual = Select(logits, minP, topK, topP);

                actual.Order().Should().Equal(NaiveSampling.Kept(logits, minP, topK, topP),
                    "min_p {0}, top_k {1}, top_p {2}, scale {3}", minP, topK, topP, scale);
            }
        }
    }

    [Fact]
    public void Select_TopP_KeepsTheSmallestSetReachingP()
    {
        // probabilities 0.5, 0.25, 0.125, 0.125 (ids 2, 0, 1, 3)
        float[] logits = [MathF.Log(0.25f), MathF.Log(0.125f), MathF.Log(0.5f), MathF.Log(0.125f)];

        Select(logits, 0f, 0, 0.7f).Order().Should().Equal(0, 2);
        Select(logits, 0f, 0, 0.45f).Should().Equal(2);
        Select(logits, 0f, 0, 0.8f).Order().Should().Equal(0, 1, 2);
    }

    [Fact]
    public void Select_MinP_KeepsTokensAtLeastThatFractionOfTheMostLikely()
    {
        float[] logits = [0f, MathF.Log(0.5f), MathF.Log(0.2f), MathF.Log(0.05f)];

        Select(logits, 0.15f, 0, 1f).Order().Should().Equal(0, 1, 2);
    }

    [Fact]
    public void Select_MaskedTokens_AreNeverCandidates()
    {
        float[] logits = [float.NegativeInfinity, 0f, float.NegativeInfinity, -1f];

        Select(logits, 0f, 0, 1f).Should().Equal(1, 3);
    }

    [Fact]
    public void Select_TopKWithTies_KeepsTheLowerIds()
    {
        Select([1f, 3f, 3f, 3f, 0f], 0f, 2, 1f).Order().Should().Equal(1, 2);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void HeapSort_AllLengths_OrdersLikeTheReference(int length)
    {
        var logits = NaiveSampling.RandomLogits(length, seed: 5 * length);
        var ids = Enumerable.Range(0, length).ToArray();

        CandidateFilter.HeapSort(logits, ids);

        ids.Should().Equal(NaiveSampling.Ranked(logits));
    }

    [Fact]
    public void SelectBest_AdversarialEqualLogits_StillSelectsTheLowestIds()
    {
        var logits = new float[10_000];
        var ids = Enumerable.Range(0, logits.Length).Reverse().ToArray();

        CandidateFilter.SelectBest(logits, ids, 10);

        ids[..10].Order().Should().Equal(Enumerable.Range(0, 10));
    }
}
