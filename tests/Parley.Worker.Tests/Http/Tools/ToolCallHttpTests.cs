using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Parley.Testing;

namespace Parley.Worker.Tests.Http.Tools;

// Tool calls over HTTP on random weights, steered by constraints: tool_choice required and named always give
// well-formed calls whose arguments validate; tool_choice auto reads the model's own Hermes markup (here forced by a
// regex); calls never leak into content; a template without tools refuses auto with a sentence.
public sealed class ToolCallHttpTests : IAsyncLifetime
{
    private static readonly JsonArray Tools = JsonNode.Parse("""
        [{"type": "function", "function": {"name": "get_weather", "description": "Weather now",
           "parameters": {"type": "object", "properties": {"city": {"type": "string", "maxLength": 12}, "unit": {"enum": ["c", "f"]}}, "required": ["city", "unit"]}}},
         {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object", "properties": {"hours": {"type": "integer", "minimum": 0, "maximum": 23}}, "required": ["hours"]}}}]
        """)!.AsArray();

    private RunningWorker _worker = null!;

    public async Task InitializeAsync() => _worker = await ToolWorkers.HermesAsync();

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Required_AlwaysAnswersWithValidCalls(int seed)
    {
        var body = await PostAsync(Request(new JsonObject { ["tool_choice"] = "required", ["seed"] = seed }));

        var choice = body["choices"]![0]!;
        choice["finish_reason"]!.GetValue<string>().Should().Be("tool_calls");
        choice["message"]!["content"].Should().BeNull("the answer is only tool calls");
        var calls = choice["message"]!["tool_calls"]!.AsArray();
        calls.Should().NotBeEmpty();
        foreach (var call in calls)
        {
            call!["type"]!.GetValue<string>().Should().Be("function");
            call["id"]!.GetValue<string>().Should().StartWith("chatcmpl-tool-");
            ValidArguments(call["function"]!["name"]!.GetValue<string>(), call["function"]!["arguments"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Named_StreamsTheSameCallAsTheWholeAnswer()
    {
        var settings = new JsonObject { ["tool_choice"] = new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "get_time" } }, ["temperature"] = 0 };
        var whole = (await PostAsync(Request(settings)))["choices"]![0]!["message"]!["tool_calls"]!.AsArray().Single()!;

        var stream = Request(settings.DeepClone().AsObject());
        stream["stream"] = true;
        var deltas = (await StreamAsync(stream)).SelectMany(chunk => chunk["choices"]!.AsArray()).Select(choice => choice!["delta"]!).ToList();

        var calls = deltas.Where(delta => delta["tool_calls"] is not null).SelectMany(delta => delta["tool_calls"]!.AsArray()).ToList();
        calls[0]!["id"].Should().NotBeNull();
        calls[0]!["function"]!["name"]!.GetValue<string>().Should().Be("get_time");
        calls.Skip(1).Should().OnlyContain(call => call!["id"] == null && call["function"]!["name"] == null, "only the first delta opens the call");
        string.Concat(calls.Select(call => call!["function"]!["arguments"]!.GetValue<string>())).Should().Be(whole["function"]!["arguments"]!.GetValue<string>());
        ValidArguments("get_time", whole["function"]!["arguments"]!.GetValue<string>());
        deltas.Where(delta => delta["content"] is JsonValue).Should().OnlyContain(delta => delta["content"]!.GetValue<string>() == "");
    }

    [Fact]
    public async Task Required_WithoutParallelCalls_GivesOneCall()
    {
        var body = await PostAsync(Request(new JsonObject { ["tool_choice"] = "required", ["parallel_tool_calls"] = false, ["seed"] = 5 }));

        body["choices"]![0]!["message"]!["tool_calls"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public async Task Auto_ReadsTheModelsOwnHermesMarkup_AndKeepsItOutOfContent()
    {
        // The regex stands in for a trained model: it makes random weights write two Hermes tool-call blocks.
        var markup = """Let me check\.<tool_call>\n\{"name": "get_weather", "arguments": \{"city": "Paris", "unit": "c"\}\}\n</tool_call>\n<tool_call>\n\{"name": "get_time", "arguments": \{"hours": 7\}\}\n</tool_call>""";
        var settings = new JsonObject { ["guided_regex"] = markup, ["stream"] = true, ["stream_options"] = new JsonObject { ["include_usage"] = true } };

        var chunks = await StreamAsync(Request(settings));

        var deltas = chunks.SelectMany(chunk => chunk["choices"]!.AsArray()).Select(choice => choice!["delta"]!).ToList();
        string.Concat(deltas.Select(delta => delta["content"]?.GetValue<string>() ?? "")).Should().Be("Let me check.");
        var calls = deltas.Where(delta => delta["tool_calls"] is not null).SelectMany(delta => delta["tool_calls"]!.AsArray()).ToList();
        calls.Where(call => call!["id"] != null).Select(call => (call!["index"]!.GetValue<int>(), call["function"]!["name"]!.GetValue<string>()))
            .Should().Equal((0, "get_weather"), (1, "get_time"));
        JsonNode.Parse(string.Concat(calls.Where(call => call!["index"]!.GetValue<int>() == 0).Select(call => call!["function"]!["arguments"]!.GetValue<string>())))!["city"]!
            .GetValue<string>().Should().Be("Paris");
        chunks.SelectMany(chunk => chunk["choices"]!.AsArray()).Last()!["finish_reason"]!.GetValue<string>().Should().Be("tool_calls");
    }

    [Fact]
    public async Task OpenWebUiShapedRequests_With26BuiltinTools_AreAnswered()
    {
        var tools = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Of(ToolWorkers.OpenWebUiTools)))!.AsArray();
        var chat = new JsonObject
        {
            ["model"] = RunningWorker.ModelName, ["stream"] = true, ["tools"] = tools,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What's new?" }),
            ["stream_options"] = new JsonObject { ["include_usage"] = true }, ["max_tokens"] = 16,
        };
        var title = new JsonObject
        {
            ["model"] = RunningWorker.ModelName, ["stream"] = false, ["max_tokens"] = 1000,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "### Task:\nGenerate a concise, 3-5 word title with an emoji summarizing the chat history.\n### Chat History:\n<chat_history>\nUSER: What's new?\n</chat_history>" }),
        };

        var streamed = StreamAsync(chat);
        var titled = PostAsync(title);

        (await streamed).Last()["usage"]!["prompt_tokens"]!.GetValue<int>().Should().BeGreaterThan(3000, "the 26 tool definitions are in the prompt");
        (await titled)["choices"]![0]!["message"]!["role"]!.GetValue<string>().Should().Be("assistant");
    }

    [Fact]
    public async Task Info_ReportsTheTemplatesToolSupport_ForTheOperator()
    {
        var info = await _worker.Http.GetFromJsonAsync<Parley.Api.Contracts.WorkerInfo>(new Uri(Parley.Api.Contracts.WorkerInfo.Path, UriKind.Relative));

        (info!.TemplateRendersTools, info.ToolCallParser).Should().Be((true, "hermes"));
    }

    private static JsonObject Request(JsonObject settings)
    {
        settings["model"] = RunningWorker.ModelName;
        settings["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Weather in Paris, and the time?" });
        settings["tools"] = Tools.DeepClone();
        settings["max_tokens"] = 400;
        settings["logit_bias"] ??= ToolWorkers.ClosingBias();
        return settings;
    }

    private static void ValidArguments(string function, string arguments)
    {
        var schema = JsonSchema.FromText(Tools.Single(tool => tool!["function"]!["name"]!.GetValue<string>() == function)!["function"]!["parameters"]!.ToJsonString());
        using var document = JsonDocument.Parse(arguments);
        schema.Evaluate(document.RootElement).IsValid.Should().BeTrue(arguments);
    }

    private Task<JsonObject> PostAsync(JsonObject body) => _worker.PostJsonAsync("/v1/chat/completions", body);

    private Task<List<JsonObject>> StreamAsync(JsonObject body) => _worker.StreamJsonAsync("/v1/chat/completions", body);
}
