using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Parley.Worker.Tests.Http;

// What clients parse byte by byte: SSE framing, chunk order, field names and types, error shapes.
public sealed class WireFormatTests : IAsyncLifetime
{
    private RunningWorker _worker = null!;

    public async Task InitializeAsync() => _worker = await RunningWorker.StartAsync();

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task ChatStream_IsRoleFirstThenDeltasThenFinishThenUsageThenDone()
    {
        var events = await StreamAsync("/v1/chat/completions", Chat(new JsonObject { ["stream"] = true, ["max_tokens"] = 5, ["ignore_eos"] = true, ["stream_options"] = new JsonObject { ["include_usage"] = true } }));

        events[^1].Should().Be("[DONE]");
        var chunks = events[..^1].Select(e => JsonNode.Parse(e)!).ToList();
        chunks.Should().OnlyContain(c => c["object"]!.GetValue<string>() == "chat.completion.chunk" && c["id"]!.GetValue<string>().StartsWith("chatcmpl-", StringComparison.Ordinal));
        chunks[0]["choices"]![0]!["delta"]!["role"]!.GetValue<string>().Should().Be("assistant");
        var withChoices = chunks.Where(c => c["choices"]!.AsArray().Count > 0).ToList();
        withChoices[^1]["choices"]![0]!["finish_reason"]!.GetValue<string>().Should().Be("length");
        withChoices.Take(withChoices.Count - 1).Should().OnlyContain(c => c["choices"]![0]!["finish_reason"] == null);
        withChoices.Should().HaveCount(6, "the role chunk and one chunk per token");
        var usage = chunks[^1]["usage"]!;
        chunks[^1]["choices"]!.AsArray().Should().BeEmpty();
        usage["completion_tokens"]!.GetValue<int>().Should().Be(5);
        usage["total_tokens"]!.GetValue<int>().Should().Be(usage["prompt_tokens"]!.GetValue<int>() + 5);
    }

    [Fact]
    public async Task StreamInterval_GroupsTokensPerChunk()
    {
        await using var worker = await RunningWorker.StartAsync(options => options with { StreamInterval = 3 });
        using var response = await worker.Http.PostAsync(new Uri("/v1/completions", UriKind.Relative), Json(new JsonObject { ["prompt"] = "abc", ["stream"] = true, ["max_tokens"] = 7, ["ignore_eos"] = true, ["logprobs"] = 0 }));
        var events = Events(await response.Content.ReadAsStringAsync());

        var tokensPerChunk = events[..^1].Select(e => JsonNode.Parse(e)!["choices"]![0]!["logprobs"]!["tokens"]!.AsArray().Count).ToList();
        tokensPerChunk.Should().Equal(3, 3, 1);
    }

    [Fact]
    public async Task CompletionStream_TextChunksEndWithDone()
    {
        var events = await StreamAsync("/v1/completions", new JsonObject { ["model"] = RunningWorker.ModelName, ["prompt"] = "Once", ["stream"] = true, ["max_tokens"] = 4, ["ignore_eos"] = true });

        events[^1].Should().Be("[DONE]");
        var chunks = events[..^1].Select(e => JsonNode.Parse(e)!).ToList();
        chunks.Should().HaveCount(4).And.OnlyContain(c => c["object"]!.GetValue<string>() == "text_completion");
        chunks[^1]["choices"]![0]!["finish_reason"]!.GetValue<string>().Should().Be("length");
    }

    [Fact]
    public async Task Completion_AcceptsTokenIdsAsThePrompt_AndReturnsLegacyLogprobs()
    {
        var body = await PostJsonAsync("/v1/completions", new JsonObject { ["prompt"] = new JsonArray(72, 105, 33), ["max_tokens"] = 3, ["logprobs"] = 2, ["ignore_eos"] = true, ["temperature"] = 0 });

        body["usage"]!["prompt_tokens"]!.GetValue<int>().Should().Be(3);
        var logprobs = body["choices"]![0]!["logprobs"]!;
        logprobs["tokens"]!.AsArray().Should().HaveCount(3);
        logprobs["token_logprobs"]!.AsArray().Should().OnlyContain(value => value!.GetValue<double>() <= 0);
        logprobs["top_logprobs"]!.AsArray().Should().OnlyContain(top => top!.AsObject().Count >= 1 && top.AsObject().Count <= 2);
        logprobs["text_offset"]![0]!.GetValue<int>().Should().Be(0);
    }

    [Fact]
    public async Task ChatLogprobs_HaveTokenBytesAndTopAlternatives()
    {
        var body = await PostJsonAsync("/v1/chat/completions", Chat(new JsonObject { ["max_tokens"] = 3, ["logprobs"] = true, ["top_logprobs"] = 2, ["ignore_eos"] = true }));

        var content = body["choices"]![0]!["logprobs"]!["content"]!.AsArray();
        content.Should().HaveCount(3);
        content.Should().OnlyContain(entry => entry!["bytes"]!.AsArray().Count >= 1 && entry["top_logprobs"]!.AsArray().Count == 2);
    }

    [Fact]
    public async Task StopString_EndsTheAnswerBeforeIt_WithStopReason()
    {
        var free = await PostJsonAsync("/v1/completions", new JsonObject { ["prompt"] = "The", ["max_tokens"] = 30, ["temperature"] = 0, ["ignore_eos"] = true });
        var text = free["choices"]![0]!["text"]!.GetValue<string>();
        var stop = text.Substring(10, 2);

        var stopped = await PostJsonAsync("/v1/completions", new JsonObject { ["prompt"] = "The", ["max_tokens"] = 30, ["temperature"] = 0, ["ignore_eos"] = true, ["stop"] = stop });

        var choice = stopped["choices"]![0]!;
        choice["text"]!.GetValue<string>().Should().Be(text[..text.IndexOf(stop, StringComparison.Ordinal)]);
        choice["finish_reason"]!.GetValue<string>().Should().Be("stop");
        choice["stop_reason"]!.GetValue<string>().Should().Be(stop);
    }

    [Theory]
    [InlineData("temperature", "\"hot\"", "temperature must be a number")]
    [InlineData("top_p", "2", "top_p must be in (0, 1]")]
    [InlineData("max_tokens", "0", "max_tokens must be in")]
    [InlineData("stop", "7", "stop must be a string or a list of strings")]
    [InlineData("n", "0", "n must be in [1, 128], got 0.")]
    [InlineData("logprobs", "\"yes\"", "logprobs must be a boolean")]
    public async Task BadField_IsA400NamingIt(string field, string value, string message)
    {
        var request = Chat(new JsonObject { [field] = JsonNode.Parse(value) });

        using var response = await _worker.Http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), Json(request));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        error["message"]!.GetValue<string>().Should().Contain(message);
        error["type"]!.GetValue<string>().Should().Be("BadRequestError");
        error["code"]!.GetValue<int>().Should().Be(400);
        error["param"]!.GetValue<string>().Should().Be(field);
    }

    [Fact]
    public async Task MalformedJson_IsA400NotA500()
    {
        using var response = await _worker.Http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), new StringContent("{\"messages\": [", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("not valid JSON");
    }

    [Fact]
    public async Task UnknownFields_AreAccepted()
    {
        var body = await PostJsonAsync("/v1/chat/completions", Chat(new JsonObject { ["max_tokens"] = 2, ["user"] = "someone", ["parallel_tool_calls"] = false, ["some_extension"] = new JsonObject() }));

        body["choices"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public async Task UnknownModel_Is404()
    {
        using var response = await _worker.Http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), Json(Chat(new JsonObject { ["model"] = "gpt-4" })));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().Contain("The model `gpt-4` does not exist.");
    }

    [Fact]
    public async Task ChatTemplateKwargsAndContinueFinalMessage_ReachTheTemplate()
    {
        var tokenized = await PostJsonAsync("/tokenize", new JsonObject
        {
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }, new JsonObject { ["role"] = "assistant", ["content"] = "Hel" }),
            ["continue_final_message"] = true,
            ["add_generation_prompt"] = false,
        });
        var text = await PostJsonAsync("/detokenize", new JsonObject { ["tokens"] = tokenized["tokens"]!.DeepClone() });

        text["prompt"]!.GetValue<string>().Should().Be("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHel");
        tokenized["count"]!.GetValue<int>().Should().Be(tokenized["tokens"]!.AsArray().Count);
        tokenized["max_model_len"]!.GetValue<int>().Should().Be(256);
    }

    [Fact]
    public async Task Info_ReportsTheContractTheOperatorReads()
    {
        var info = await _worker.Http.GetFromJsonAsync<Parley.Api.Contracts.WorkerInfo>(new Uri("/v1/parley/info", UriKind.Relative));

        info!.MaxModelLen.Should().Be(256);
        info.Device.Should().Be("cpu");
        info.KvCacheTokens.Should().BeGreaterThanOrEqualTo(256).And.Subject.Should().Match(tokens => tokens % 16 == 0);
        info.ServedModelName.Should().Be(RunningWorker.ModelName);
        (info.TemplateRendersTools, info.ToolCallParser).Should().Be((false, null), "the tiny model's ChatML template shows no tools");
    }

    [Fact]
    public async Task Metrics_CarryVllmNamesLabelledWithTheModel()
    {
        await PostJsonAsync("/v1/chat/completions", Chat(new JsonObject { ["max_tokens"] = 3, ["ignore_eos"] = true }));

        var metrics = await _worker.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        foreach (var name in new[]
        {
            "vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc",
            "vllm:prefix_cache_queries_total", "vllm:prefix_cache_hits_total", "vllm:prompt_tokens_total", "vllm:generation_tokens_total",
            "vllm:time_to_first_token_seconds_bucket", "vllm:inter_token_latency_seconds_bucket", "vllm:time_per_output_token_seconds_bucket",
            "vllm:e2e_request_latency_seconds_bucket", "vllm:request_success_total",
        })
        {
            metrics.Should().Contain($"{name}{{", $"{name} is exported");
        }

        metrics.Should().Contain("vllm:generation_tokens_total{model_name=\"tiny\"} 3");
        metrics.Should().Contain("vllm:request_success_total{model_name=\"tiny\",finished_reason=\"length\"} 1");
        metrics.Should().Contain("# TYPE vllm:time_to_first_token_seconds histogram");
        metrics.Should().NotContain("vllm_");
    }

    private static JsonObject Chat(JsonObject extra)
    {
        var request = new JsonObject
        {
            ["model"] = RunningWorker.ModelName,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hello there" }),
        };
        foreach (var (key, value) in extra)
        {
            request[key] = value?.DeepClone();
        }

        return request;
    }

    private async Task<JsonNode> PostJsonAsync(string path, JsonObject body)
    {
        using var response = await _worker.Http.PostAsync(new Uri(path, UriKind.Relative), Json(body));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }

    private async Task<string[]> StreamAsync(string path, JsonObject body)
    {
        using var response = await _worker.Http.PostAsync(new Uri(path, UriKind.Relative), Json(body));
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        return Events(await response.Content.ReadAsStringAsync());
    }

    private static string[] Events(string body)
    {
        body.Should().EndWith("\n\n");
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        events.Should().OnlyContain(e => e.StartsWith("data: ", StringComparison.Ordinal));
        return events.Select(e => e["data: ".Length..]).ToArray();
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
