using Parley.Engine.Backends.Cuda;

namespace Parley.Engine.Tests.Backends.Cuda;

public sealed class KvCacheSizingTests
{
    private const long GiB = 1L << 30;

    // Qwen2-1.5B in bf16: 28 layers, 2 KV heads of 128 → 28 KiB per token, 448 KiB per 16-token block.
    private static readonly long Qwen15BlockBytes = KvCacheSizing.BytesPerBlock(layers: 28, kvHeads: 2, headDim: 128, dtypeBytes: 2);

    [Fact]
    public void BytesPerBlock_IsKeysAndValuesOfEveryLayerForSixteenTokens()
    {
        Qwen15BlockBytes.Should().Be(2L * 28 * 2 * 128 * 2 * 16).And.Be(448 * 1024);
    }

    [Fact]
    public void Compute_GivesTheKvCacheWhatUtilizationLeavesAfterWeightsAndActivations()
    {
        var budget = new KvCacheBudget(80 * GiB, 0.9, WeightBytes: 3 * GiB, PeakActivationBytes: GiB, Qwen15BlockBytes, MaxModelLen: 32768);

        var size = KvCacheSizing.Compute(budget);

        var expectedBytes = (long)(80 * GiB * 0.9) - (4 * GiB);
        size.BlockCount.Should().Be((int)(expectedBytes / Qwen15BlockBytes));
        size.KvBytes.Should().BeLessThanOrEqualTo(expectedBytes).And.BeGreaterThan(expectedBytes - Qwen15BlockBytes);
        size.TokenCapacity.Should().Be((size.BlockCount - 1) * 16L);
    }

    [Fact]
    public void Compute_WhenMaxModelLenFitsExactly_Succeeds()
    {
        var needed = KvCacheSizing.BlocksFor(4096);
        var budget = new KvCacheBudget(needed * Qwen15BlockBytes + GiB, 1.0, WeightBytes: GiB, PeakActivationBytes: 0, Qwen15BlockBytes, MaxModelLen: 4096);

        KvCacheSizing.Compute(budget).BlockCount.Should().Be(needed);
    }

    [Fact]
    public void Compute_WhenMaxModelLenDoesNotFit_RefusesWithTheNumbersAndALengthThatFits()
    {
        // 12 GiB × 0.9 = 10.8 GiB; minus 9 GiB weights and 1 GiB activations leaves 0.8 GiB: 1,872 blocks, 29,936 tokens.
        var budget = new KvCacheBudget(12 * GiB, 0.9, WeightBytes: 9 * GiB, PeakActivationBytes: GiB, Qwen15BlockBytes, MaxModelLen: 131072);

        var compute = () => KvCacheSizing.Compute(budget);

        compute.Should().Throw<InsufficientGpuMemoryException>()
            .WithMessage("max_model_len 131072 needs 8193 KV blocks (3.50 GiB) but 0.80 GiB is left*12.00 GiB × 0.90 = 10.80 GiB*9.00 GiB of weights*1.00 GiB of activations*lower --max-model-len to 29936*");
    }

    [Fact]
    public void Compute_WhenWeightsAloneExceedTheBudget_AdvisesAnotherGpuOrQuantization()
    {
        var budget = new KvCacheBudget(12 * GiB, 0.9, WeightBytes: 16 * GiB, PeakActivationBytes: GiB, Qwen15BlockBytes, MaxModelLen: 2048);

        var compute = () => KvCacheSizing.Compute(budget);

        compute.Should().Throw<InsufficientGpuMemoryException>().WithMessage("*0.00 GiB is left*more memory, a quantized checkpoint*");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.01)]
    public void Compute_UtilizationOutsideZeroToOne_IsRejected(double utilization)
    {
        var budget = new KvCacheBudget(80 * GiB, utilization, GiB, GiB, Qwen15BlockBytes, 1024);

        var compute = () => KvCacheSizing.Compute(budget);

        compute.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(16, 2)]
    [InlineData(17, 3)]
    [InlineData(4096, 257)]
    public void BlocksFor_CountsWholeBlocksPlusTheNullBlock(int tokens, int blocks)
    {
        KvCacheSizing.BlocksFor(tokens).Should().Be(blocks);
    }
}
