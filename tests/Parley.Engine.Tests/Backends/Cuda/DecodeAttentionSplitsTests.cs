using Parley.Engine.Backends.Cuda;

namespace Parley.Engine.Tests.Backends.Cuda;

public sealed class DecodeAttentionSplitsTests
{
    private const int H100Multiprocessors = 132;

    [Fact]
    public void For_Batch1With8KvHeads_SplitsTheContextToNearlyFourBlocksPerSm()
    {
        // 4 blocks per SM would take 528 / 8 = 66 splits; MaxSplits (64) caps it at 512 blocks.
        DecodeAttentionSplits.For(1, 8, maxBlocks: 512, H100Multiprocessors).Should().Be(DecodeAttentionSplits.MaxSplits);
    }

    [Fact]
    public void For_Batch2With8KvHeads_SplitsTheContextToFourBlocksPerSm()
    {
        // 2 tokens × 8 kv heads × 33 splits = 528 blocks.
        DecodeAttentionSplits.For(2, 8, maxBlocks: 512, H100Multiprocessors).Should().Be(33);
    }

    [Fact]
    public void For_ABatchThatFillsTheGpuAlready_DoesNotSplit()
    {
        // 128 tokens × 8 kv heads = 1,024 blocks, past 4 per SM already.
        DecodeAttentionSplits.For(128, 8, maxBlocks: 512, H100Multiprocessors).Should().Be(1);
    }

    [Theory]
    [InlineData(2, 1)]      // 32 positions: one split of 2 blocks
    [InlineData(8, 4)]
    [InlineData(100_000, DecodeAttentionSplits.MaxSplits)]
    public void For_ShortMaxModelLen_CapsTheSplitsAtTwoKvBlocksEach(int maxBlocks, int expected)
    {
        DecodeAttentionSplits.For(1, 1, maxBlocks, H100Multiprocessors).Should().Be(expected);
    }

    [Fact]
    public void PartialElements_CoversTheLargestSplitStep()
    {
        var expected = Enumerable.Range(1, 64).Select(t => (T: t, Splits: DecodeAttentionSplits.For(t, 8, 512, H100Multiprocessors)))
            .Where(p => p.Splits > 1).Max(p => (long)p.T * 32 * p.Splits * (128 + 2));

        DecodeAttentionSplits.PartialElements(64, 32, 8, 128, 512, H100Multiprocessors).Should().Be(expected).And.BePositive();
    }
}
