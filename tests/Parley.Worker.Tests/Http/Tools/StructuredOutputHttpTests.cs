using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley.Worker.Tests.Http.Tools;

// Output constraints over HTTP on random weights: whatever the model would say, the answer matches; a schema keyword
// the compiler lacks is a 400 naming it, never unconstrained output.
public sealed class StructuredOutputHttpTests : IAsyncLifetime
{
    private RunningWorker _worker = null!;

    public async Task InitializeAsync() => _worker = await RunningWorker.StartAsync();

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Chat_GuidedChoice_IsOneOfTheChoices(int seed)
    {
        var text = await ChatAsync(new JsonObject { ["guided_choice"] = new JsonArray("positive", "negative", "neutral"), ["seed"] = seed });

        text.Should().BeOneOf("positive", "negative", "neutral");
    }

    [Fact]
    public async Task Chat_StructuredOutputsRegex_MatchesInFull()
    {
        var text = await ChatAsync(new JsonObject { ["structured_outputs"] = new JsonObject { ["regex"] = @"\d{3}-[A-Z]{2,4}" } });

        text.Should().MatchRegex(@"^\d{3}-[A-Z]{2,4}$");
    }

    [Fact]
    public async Task Chat_JsonObject_IsAnObject()
    {
        var text = await ChatAsync(new JsonObject { ["response_format"] = new JsonObject { ["type"] = "json_object" }, ["logit_bias"] = ToolWorkers.ClosingBias() });

        JsonDocument.Parse(text).RootElement.ValueKind.Should().Be(JsonValueKind.Object);
    }

    [Fact]
    public async Task Completions_GuidedJson_FollowsTheSchema()
    {
        var body = new JsonObject
        {
            ["model"] = RunningWorker.ModelName, ["prompt"] = "A point:", ["max_tokens"] = 120, ["logit_bias"] = ToolWorkers.ClosingBias(),
            ["guided_json"] = JsonNode.Parse("""{"type": "object", "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}}, "required": ["x", "y"]}"""),
        };
        using var response = await _worker.Http.PostAsync(new Uri("/v1/completions", UriKind.Relative), JsonContent.Create(body));
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>();

        var point = JsonDocument.Parse(answer!["choices"]![0]!["text"]!.GetValue<string>()).RootElement;
        point.GetProperty("x").TryGetInt64(out _).Should().BeTrue();
        point.GetProperty("y").TryGetInt64(out _).Should().BeTrue();
        answer["choices"]![0]!["finish_reason"]!.GetValue<string>().Should().Be("stop", "the document ended it, not max_tokens");
    }

    [Theory]
    [InlineData("""{"guided_json": {"type": "object", "properties": {"a": {"type": "string", "contentEncoding": "base64"}}}}""", "guided_json", "contentEncoding")]
    [InlineData("""{"guided_regex": "(a)\\1"}""", "guided_regex", "backreference")]
    [InlineData("""{"response_format": {"type": "json_object"}, "guided_choice": ["a"]}""", "guided_choice", "Only one output constraint")]
    public async Task Unsupported_Is400NamingIt(string extra, string param, string named)
    {
        var body = JsonNode.Parse(extra)!.AsObject();
        body["model"] = RunningWorker.ModelName;
        body["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" });
        using var response = await _worker.Http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), JsonContent.Create(body));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        error["param"]!.GetValue<string>().Should().Be(param);
        error["message"]!.GetValue<string>().Should().ContainEquivalentOf(named);
    }

    private async Task<string> ChatAsync(JsonObject settings)
    {
        settings["model"] = RunningWorker.ModelName;
        settings["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Classify: good day" });
        settings["max_tokens"] = 120;
        using var response = await _worker.Http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), JsonContent.Create(settings));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!["choices"]![0]!["message"]!["content"]!.GetValue<string>();
    }
}
