namespace Parley.Tuning.Tests;

public class KvBudgetTests
{
    [Theory]
    // 2 (K and V) x layers x kvHeads x headDim x 2 bytes
    [InlineData("meta-llama/Meta-Llama-3-8B-Instruct", 131_072)]            // 2 x 32 x 8 x 128 x 2
    [InlineData("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", 28_672)]       // 2 x 28 x 2 x 128 x 2
    [InlineData("Qwen/Qwen3-8B", 147_456)]                                  // 2 x 36 x 8 x 128 x 2
    [InlineData("Qwen/Qwen2.5-0.5B-Instruct", 12_288)]                      // 2 x 24 x 2 x 64 x 2
    [InlineData("mistralai/Mistral-7B-Instruct-v0.3", 131_072)]             // 2 x 32 x 8 x 128 x 2
    public void BytesPerToken_Bf16_MatchesHandComputedValue(string model, long expected)
    {
        KvBudget.BytesPerToken(TestModels.Get(model), WeightDtype.BFloat16).Should().Be(expected);
    }

    [Fact]
    public void BytesPerToken_Float32_IsTwiceBf16()
    {
        var model = TestModels.Get("Qwen/Qwen3-8B");

        KvBudget.BytesPerToken(model, WeightDtype.Float32).Should().Be(2 * KvBudget.BytesPerToken(model, WeightDtype.BFloat16));
    }

    [Fact]
    public void ActivationPeakBytes_R1Distill15B_MatchesHandComputedValue()
    {
        // per token: 2 x 1536 + (2 x 12 + 2 x 2) x 128 + 3 x 8960 = 33,536 values; x 2,048 tokens x 2 bytes = 137,363,456
        // logits and probabilities: 2 x 256 rows x 151,936 x 4 bytes = 311,164,928
        KvBudget.ActivationPeakBytes(TestModels.Get("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B"), WeightDtype.BFloat16)
            .Should().Be(137_363_456 + 311_164_928);
    }

    [Fact]
    public void KvCacheBytes_SubtractsWeightsActivationsAndReserveFromTheBudget()
    {
        // 0.89 x 12 GiB = 11,467,562,680 bytes
        KvBudget.KvCacheBytes(12L << 30, 0.89, weightsBytes: 3_554_176_000, activationBytes: 448_528_384)
            .Should().Be(11_467_562_680 - 3_554_176_000 - 448_528_384 - 805_306_368);
    }

    [Theory]
    [InlineData(0, 28_672, 0)]
    [InlineData(-5, 28_672, 0)]
    [InlineData(28_672 * 15, 28_672, 0)]
    [InlineData(28_672 * 16, 28_672, 16)]
    [InlineData(6_659_551_928, 28_672, 232_256)]
    public void Tokens_RoundsDownToWholeBlocks(long kvBytes, long bytesPerToken, long expected)
    {
        KvBudget.Tokens(kvBytes, bytesPerToken).Should().Be(expected);
    }
}
