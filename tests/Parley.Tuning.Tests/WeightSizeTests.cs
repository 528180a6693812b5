namespace Parley.Tuning.Tests;

public class WeightSizeTests
{
    [Theory]
    // Parameter counts as the Hugging Face hub reports them for these checkpoints.
    [InlineData("meta-llama/Meta-Llama-3-8B-Instruct", 8_030_261_248)]
    [InlineData("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", 1_777_088_000)]
    [InlineData("Qwen/Qwen2.5-0.5B-Instruct", 494_032_768)]
    [InlineData("Qwen/Qwen3-0.6B", 596_049_920)]
    public void Compute_CountsEveryParameterOfTheCheckpoint(string model, long parameters)
    {
        WeightSize.Compute(TestModels.Get(model), TestModels.Bf16).ParameterCount.Should().Be(parameters);
    }

    [Fact]
    public void Compute_Llama3Bf16_IsTwoBytesPerParameter()
    {
        var weights = WeightSize.Compute(TestModels.Get("meta-llama/Meta-Llama-3-8B-Instruct"), TestModels.Bf16);

        weights.TotalBytes.Should().Be(2 * 8_030_261_248);
        Bytes.FormatGiB(weights.TotalBytes).Should().Be("15.0 GiB");
        weights.LmHeadBytes.Should().Be(weights.EmbeddingBytes, "Llama 3 does not tie its output head to the embedding");
    }

    [Fact]
    public void Compute_TiedModel_HasNoSeparateHead()
    {
        WeightSize.Compute(TestModels.Get("Qwen/Qwen3-0.6B"), TestModels.Bf16).LmHeadBytes.Should().Be(0);
    }

    [Fact]
    public void GptqLinearBytes_Group128_CountsWeightsZerosScalesAndIndex()
    {
        // 4096 x 4096 at 4 bits = 8,388,608; 32 groups: zeros 32 x 4096 / 2 = 65,536, scales 32 x 4096 x 2 = 262,144;
        // g_idx 4096 x 4 = 16,384
        WeightSize.GptqLinearBytes(4096, 4096, new GptqConfig()).Should().Be(8_388_608 + 65_536 + 262_144 + 16_384);
    }

    [Fact]
    public void GptqLinearBytes_OneGroupPerColumn_HasOneScaleRow()
    {
        WeightSize.GptqLinearBytes(4096, 1024, new GptqConfig(GroupSize: -1)).Should().Be(4096 * 1024 / 2 + 1024 / 2 + 1024 * 2 + 4096 * 4);
    }

    [Fact]
    public void Compute_Llama3Gptq_FitsInAboutAThirdOfBf16()
    {
        var model = TestModels.Get("TechxGENus/Meta-Llama-3-8B-Instruct-GPTQ");
        var gptq = WeightSize.Compute(model, new WeightFormat(WeightDtype.Float16, model.Gptq));
        var bf16 = WeightSize.Compute(model, TestModels.Bf16);

        // Embedding and head stay fp16 (2 x 1.05 GB); the 6.98B decoder parameters take a bit over half a byte each.
        gptq.EmbeddingBytes.Should().Be(bf16.EmbeddingBytes);
        gptq.DecoderBytes.Should().BeInRange(3_490_000_000, 3_700_000_000);
        Bytes.FormatGiB(gptq.TotalBytes).Should().Be("5.3 GiB");
    }
}
