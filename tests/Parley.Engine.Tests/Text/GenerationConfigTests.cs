using System.Text.Json.Nodes;
using Parley.Engine.Text;

namespace Parley.Engine.Tests.Text;

public class GenerationConfigTests
{
    [Fact]
    public void Parse_Llama3_StopsOnEveryEndOfTurnId()
    {
        // meta-llama/Meta-Llama-3-8B-Instruct/generation_config.json
        var config = GenerationConfig.Parse(JsonNode.Parse("""{"bos_token_id": 128000, "eos_token_id": [128001, 128009], "do_sample": true, "temperature": 0.6, "top_p": 0.9}"""));

        config.EosTokenIds.Should().Equal(128001, 128009);
        config.BosTokenId.Should().Be(128000);
        config.Temperature.Should().Be(0.6);
        config.TopP.Should().Be(0.9);
    }

    [Fact]
    public void Parse_R1Distill_TakesItsRecommendedSampling()
    {
        // deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B/generation_config.json
        var config = GenerationConfig.Parse(JsonNode.Parse("""{"bos_token_id": 151646, "eos_token_id": 151643, "do_sample": true, "temperature": 0.6, "top_p": 0.95}"""));

        config.EosTokenIds.Should().Equal(151643);
        (config.Temperature, config.TopP).Should().Be((0.6, 0.95));
    }

    [Fact]
    public void Parse_Greedy_IgnoresSamplingValuesBesideIt()
    {
        var config = GenerationConfig.Parse(JsonNode.Parse("""{"eos_token_id": 2, "do_sample": false, "temperature": 0.9, "top_k": 50}"""));

        config.Temperature.Should().Be(0);
        config.TopK.Should().BeNull();
    }

    [Fact]
    public void Load_MissingFile_MeansNoDefaults()
    {
        GenerationConfig.Load(Path.GetTempPath()).EosTokenIds.Should().BeEmpty();
    }

    [Fact]
    public void TokenizerConfig_AddedTokenObjects_GiveTheirContent()
    {
        var config = TokenizerConfig.Parse(JsonNode.Parse("""{"bos_token": {"content": "<｜begin▁of▁sentence｜>", "special": true}, "eos_token": "<｜end▁of▁sentence｜>", "add_bos_token": true}"""));

        config.Should().Be(new TokenizerConfig("<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", true));
    }
}
