using System.Text.Json.Nodes;
using Parley.Engine.Text;

namespace Parley.Engine.Tests.Text;

// Llama 3 and DeepSeek prepend their BOS through tokenizer.json's post-processor, not add_bos_token: the config must
// say so, or completions prompts would silently lose the BOS that vLLM (through transformers) gives them.
public class TokenizerPostProcessorTests
{
    private const string Template = """{"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}]}""";

    [Theory]
    [InlineData(Template)]
    [InlineData("""{"type": "Sequence", "processors": [{"type": "ByteLevel", "add_prefix_space": true}, """ + Template + "]}")]
    public void TemplateOpeningWithASpecialToken_PrependsIt(string processor)
    {
        var config = TokenizerConfig.Parse(JsonNode.Parse("""{"bos_token": null}""")).WithPostProcessor(new JsonObject { ["post_processor"] = JsonNode.Parse(processor) });

        (config.AddBosToken, config.BosToken).Should().Be((true, "<|begin_of_text|>"));
    }

    [Theory]
    [InlineData("""{"type": "ByteLevel", "add_prefix_space": true}""")]
    [InlineData("""{"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 0}}]}""")]
    public void OtherPostProcessors_LeaveTheConfigAsItIs(string processor)
    {
        var config = TokenizerConfig.Parse(JsonNode.Parse("""{"bos_token": "<s>"}""")).WithPostProcessor(new JsonObject { ["post_processor"] = JsonNode.Parse(processor) });

        (config.AddBosToken, config.BosToken).Should().Be((false, "<s>"));
    }
}
