using Parley.Engine.Backends.Cuda;

namespace Parley.Engine.Tests.Backends.Cuda;

public sealed class DecodeGraphBucketsTests
{
    [Fact]
    public void Sizes_ForSixtyFourSequences_AreVllmsSteps()
    {
        new DecodeGraphBuckets(64).Sizes.Should().Equal(1, 2, 4, 8, 16, 24, 32, 40, 48, 56, 64);
    }

    [Theory]
    [InlineData(1, new[] { 1 })]
    [InlineData(3, new[] { 1, 2, 3 })]
    [InlineData(8, new[] { 1, 2, 4, 8 })]
    [InlineData(20, new[] { 1, 2, 4, 8, 16, 20 })]
    public void Sizes_AlwaysEndAtMaxNumSeqs(int maxNumSeqs, int[] expected)
    {
        new DecodeGraphBuckets(maxNumSeqs).Sizes.Should().Equal(expected);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 4)]
    [InlineData(5, 8)]
    [InlineData(9, 16)]
    [InlineData(17, 24)]
    [InlineData(63, 64)]
    [InlineData(64, 64)]
    public void BucketFor_PicksTheSmallestBucketThatHoldsTheBatch(int batch, int bucket)
    {
        new DecodeGraphBuckets(64).BucketFor(batch).Should().Be(bucket);
    }

    [Fact]
    public void BucketFor_ABatchLargerThanMaxNumSeqs_HasNoBucket()
    {
        new DecodeGraphBuckets(16).BucketFor(17).Should().BeNull();
    }

    [Fact]
    public void BucketFor_EveryBatchUpToTheMaximum_FitsAndWastesLessThanEightSlots()
    {
        var buckets = new DecodeGraphBuckets(256);
        for (var batch = 1; batch <= 256; batch++)
        {
            var bucket = buckets.BucketFor(batch)!.Value;
            bucket.Should().BeGreaterThanOrEqualTo(batch);
            (bucket - batch).Should().BeLessThan(8);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(12)]
    [InlineData(64)]
    [InlineData(100)]
    public void SplitPlanningTokens_ABatchAndItsBucket_AreAlwaysPlannedAlike(int maxNumSeqs)
    {
        var buckets = new DecodeGraphBuckets(maxNumSeqs);
        for (var batch = 1; batch <= maxNumSeqs; batch++)
        {
            var bucket = buckets.BucketFor(batch)!.Value;
            DecodeGraphBuckets.SplitPlanningTokens(bucket).Should().Be(DecodeGraphBuckets.SplitPlanningTokens(batch), $"batch {batch} runs in bucket {bucket}");
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 4)]
    [InlineData(5, 8)]
    [InlineData(17, 24)]
    public void SplitPlanningTokens_KeepsBatchOneExact_AndRoundsLargerBatchesLikeTheBuckets(int tokens, int expected)
    {
        DecodeGraphBuckets.SplitPlanningTokens(tokens).Should().Be(expected);
    }
}
