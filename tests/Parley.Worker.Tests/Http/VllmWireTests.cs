using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Parley.Worker.Tests.Http;

// The wire details clients of vLLM depend on, each against the tiny model with a BOS-adding tokenizer config and a
// generation_config that caps new tokens at 6: ids from X-Request-Id, usage on every chunk, token ids in answers,
// vLLM's logprobs semantics, add_special_tokens, a stop token's text, max_new_tokens, chat echo, /invocations and
// the requests vLLM refuses.
public sealed class VllmWireTests : IAsyncLifetime
{
    private const int Bos = 257; // <|im_start|> in the tiny vocabulary, made the BOS here
    private RunningWorker _worker = null!;

    public async Task InitializeAsync() => _worker = await RunningWorker.StartAsync(
        options => options with { EnableRequestIdHeaders = true },
        prepare: folder =>
        {
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer_config.json")))!;
            config["bos_token"] = "<|im_start|>";
            config["add_bos_token"] = true;
            File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), config.ToJsonString());
            File.WriteAllText(Path.Combine(folder, "generation_config.json"), """{"eos_token_id": [258, 256], "max_new_tokens": 6}""");
        });

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task XRequestId_NamesTheAnswer_AndComesBack_EvenWhenTwoRequestsShareIt()
    {
        var sends = Enumerable.Range(0, 2).Select(_ => SendAsync("/v1/chat/completions", Chat(), request => request.Headers.Add("X-Request-Id", "trace-7"))).ToArray();

        foreach (var response in await Task.WhenAll(sends))
        {
            using (response)
            {
                response.StatusCode.Should().Be(HttpStatusCode.OK, "engine ids stay unique whatever the header says");
                response.Headers.GetValues("X-Request-Id").Should().Equal("trace-7");
                (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>().Should().Be("chatcmpl-trace-7");
            }
        }
    }

    [Fact]
    public async Task ContinuousUsageStats_PutsUsageOnEveryChunk()
    {
        var body = Chat();
        body["stream"] = true;
        body["stream_options"] = new JsonObject { ["continuous_usage_stats"] = true };

        var chunks = await StreamAsync("/v1/chat/completions", body);

        chunks.Should().OnlyContain(chunk => chunk["usage"] != null);
        var counts = chunks.Select(chunk => chunk["usage"]!["completion_tokens"]!.GetValue<int>()).ToList();
        counts.Should().BeInAscendingOrder().And.EndWith(6);
    }

    [Fact]
    public async Task ReturnTokenIds_GivesThePromptsAndEachChoicesIds()
    {
        var body = Chat();
        body["return_token_ids"] = true;
        var tokenized = await PostAsync("/tokenize", new JsonObject { ["messages"] = Chat()["messages"]!.DeepClone() });

        var answer = await PostAsync("/v1/chat/completions", body);

        answer["prompt_token_ids"]!.AsArray().Select(id => id!.GetValue<int>()).Should().Equal(tokenized["tokens"]!.AsArray().Select(id => id!.GetValue<int>()));
        answer["choices"]![0]!["token_ids"]!.AsArray().Should().HaveCount(answer["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task CompletionLogprobs_AlwaysNameTheSampledToken(int k)
    {
        // Named by id: byte tokens of unfinished characters all read U+FFFD and would share one text key.
        var answer = await PostAsync("/v1/completions", Completion(new JsonObject { ["logprobs"] = k, ["temperature"] = 1.0, ["seed"] = 3, ["return_tokens_as_token_ids"] = true }));

        var logprobs = answer["choices"]![0]!["logprobs"]!;
        var tokens = logprobs["tokens"]!.AsArray().Select(token => token!.GetValue<string>()).ToList();
        var tops = logprobs["top_logprobs"]!.AsArray();
        for (var i = 0; i < tokens.Count; i++)
        {
            tops[i]!.AsObject().Count.Should().BeInRange(Math.Max(k, 1), k + 1);
            tops[i]![tokens[i]]!.GetValue<double>().Should().Be(logprobs["token_logprobs"]![i]!.GetValue<double>());
        }
    }

    [Fact]
    public async Task TextOffset_CountsCodePoints_AndTokensCanBeNamedByIds()
    {
        var answer = await PostAsync("/v1/completions", Completion(new JsonObject
        {
            ["prompt"] = "\U0001F600a", ["echo"] = true, ["logprobs"] = 1, ["return_tokens_as_token_ids"] = true, ["add_special_tokens"] = false,
        }));

        var logprobs = answer["choices"]![0]!["logprobs"]!;
        // Echo with logprobs lists the prompt's 5 byte tokens first; the first generated token starts after the echoed
        // text, which is 2 code points long as Python counts (the emoji is one), not 3 UTF-16 units.
        logprobs["tokens"]!.AsArray().Should().HaveCount(5 + 4);
        logprobs["text_offset"]![5]!.GetValue<int>().Should().Be(2);
        logprobs["tokens"]!.AsArray().Should().OnlyContain(token => token!.GetValue<string>().StartsWith("token_id:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddSpecialTokensFalse_LeavesTheBosOut_AndRoundTripsExactly()
    {
        var withBos = await PostAsync("/tokenize", new JsonObject { ["prompt"] = "hi there", ["return_token_strs"] = true });
        var without = await PostAsync("/tokenize", new JsonObject { ["prompt"] = "hi there", ["add_special_tokens"] = false });

        withBos["tokens"]![0]!.GetValue<int>().Should().Be(Bos);
        withBos["token_strs"]!.AsArray().Select(token => token!.GetValue<string>()).Should().StartWith(["<|im_start|>", "h"]);
        var ids = without["tokens"]!.AsArray();
        ids.Select(id => id!.GetValue<int>()).Should().NotContain(Bos);
        (await PostAsync("/detokenize", new JsonObject { ["tokens"] = ids.DeepClone() }))["prompt"]!.GetValue<string>().Should().Be("hi there");
        (await PostAsync("/v1/completions", Completion(new JsonObject { ["add_special_tokens"] = false })))["usage"]!["prompt_tokens"]!.GetValue<int>().Should().Be(2);
    }

    [Theory]
    [InlineData(false, "")]
    [InlineData(true, "A")]
    public async Task StopTokenText_IsLeftOut_UnlessAsked(bool include, string text)
    {
        var answer = await PostAsync("/v1/completions", Completion(new JsonObject
        {
            ["stop_token_ids"] = new JsonArray(65), ["logit_bias"] = new JsonObject { ["65"] = 100 }, ["include_stop_str_in_output"] = include,
        }));

        var choice = answer["choices"]![0]!;
        (choice["text"]!.GetValue<string>(), choice["finish_reason"]!.GetValue<string>(), choice["stop_reason"]!.GetValue<int>()).Should().Be((text, "stop", 65));
    }

    [Fact]
    public async Task MaxNewTokens_CapsMaxTokens()
    {
        var answer = await PostAsync("/v1/completions", Completion(new JsonObject { ["max_tokens"] = 40 }));

        answer["usage"]!["completion_tokens"]!.GetValue<int>().Should().Be(6);
        answer["choices"]![0]!["finish_reason"]!.GetValue<string>().Should().Be("length");
    }

    [Fact]
    public async Task ChatEcho_RepeatsTheFinalAssistantText()
    {
        var body = Chat();
        body["messages"]!.AsArray().Add(new JsonObject { ["role"] = "assistant", ["content"] = "Once upon" });
        body["continue_final_message"] = true;
        body["add_generation_prompt"] = false;
        body["echo"] = true;

        var answer = await PostAsync("/v1/chat/completions", body);

        answer["choices"]![0]!["message"]!["content"]!.GetValue<string>().Should().StartWith("Once upon");
        answer["choices"]![0]!["message"]!["reasoning_content"].Should().BeNull("no reasoning is null, not \"\"");
    }

    [Fact]
    public async Task ModelCards_CarryVllmsPermission()
    {
        using var response = await _worker.Http.GetAsync(new Uri("/v1/models", UriKind.Relative));
        var card = (await response.Content.ReadFromJsonAsync<JsonObject>())!["data"]![0]!;

        var permission = card["permission"]!.AsArray().Single()!;
        (permission["object"]!.GetValue<string>(), permission["allow_sampling"]!.GetValue<bool>(), permission["organization"]!.GetValue<string>())
            .Should().Be(("model_permission", true, "*"));
    }

    [Theory]
    [InlineData("messages", "chat.completion")]
    [InlineData("prompt", "text_completion")]
    public async Task Invocations_RoutesByTheBody(string shape, string kind)
    {
        var answer = await PostAsync("/invocations", shape == "messages" ? Chat() : Completion(new JsonObject()));

        answer["object"]!.GetValue<string>().Should().Be(kind);
    }

    [Fact]
    public async Task BenchmarkServingStream_IgnoresEos_AndReportsUsage()
    {
        var body = Completion(new JsonObject { ["stream"] = true, ["ignore_eos"] = true, ["max_tokens"] = 5, ["stream_options"] = new JsonObject { ["include_usage"] = true } });

        var chunks = await StreamAsync("/v1/completions", body);

        chunks[^1]["usage"]!["completion_tokens"]!.GetValue<int>().Should().Be(5);
        chunks.SkipLast(1).Last()["choices"]![0]!["finish_reason"]!.GetValue<string>().Should().Be("length");
    }

    [Theory]
    [InlineData("""{"stream_options": {"include_usage": true}}""", "application/json", "stream_options can only be given when stream is true.")]
    [InlineData("""{"stream": true, "prompt_logprobs": 1}""", "application/json", "prompt_logprobs cannot be used with stream: true*")]
    [InlineData("""{}""", "text/plain", "Content-Type must be application/json, got 'text/plain*")]
    public async Task RequestsVllmRefuses_Are400(string extra, string contentType, string message)
    {
        var body = JsonNode.Parse(extra)!.AsObject();
        body["model"] = RunningWorker.ModelName;
        body["prompt"] = "hi";
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, contentType);
        using var response = await _worker.Http.PostAsync(new Uri("/v1/completions", UriKind.Relative), content);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!.GetValue<string>().Should().Match(message);
    }

    private static JsonObject Chat() => new()
    {
        ["model"] = RunningWorker.ModelName, ["max_tokens"] = 6, ["ignore_eos"] = true,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hello" }),
    };

    private static JsonObject Completion(JsonObject settings)
    {
        settings["model"] = RunningWorker.ModelName;
        settings["prompt"] ??= "hi";
        settings["max_tokens"] ??= 4;
        settings["ignore_eos"] ??= true;
        return settings;
    }

    private Task<HttpResponseMessage> SendAsync(string path, JsonObject body, Action<HttpRequestMessage>? edit = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        edit?.Invoke(request);
        return _worker.Http.SendAsync(request);
    }

    private Task<JsonObject> PostAsync(string path, JsonObject body) => _worker.PostJsonAsync(path, body);

    private Task<List<JsonObject>> StreamAsync(string path, JsonObject body) => _worker.StreamJsonAsync(path, body);
}
