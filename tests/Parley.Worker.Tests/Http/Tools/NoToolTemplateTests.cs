using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Parley.Worker.Tests.Http.Tools;

// A model whose chat template shows no tools: tool_choice auto is refused as vLLM refuses it, with what to send
// instead; none answers in text; required still gives a call, since decoding writes it.
public sealed class NoToolTemplateTests : IAsyncLifetime
{
    private RunningWorker _worker = null!;

    public async Task InitializeAsync() => _worker = await RunningWorker.StartAsync();

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Auto_Is400ThatSaysWhy()
    {
        using var response = await PostAsync(null);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        error["param"]!.GetValue<string>().Should().Be("tool_choice");
        error["message"]!.GetValue<string>().Should().Contain("does not render tools").And.Contain("tool_choice \"none\"");
    }

    [Theory]
    [InlineData("none", "stop")]
    [InlineData("required", "tool_calls")]
    public async Task NoneAndRequired_Answer(string choice, string finish)
    {
        using var response = await PostAsync(choice);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        body["choices"]![0]!["finish_reason"]!.GetValue<string>().Should().BeOneOf(finish, "length");
    }

    private Task<HttpResponseMessage> PostAsync(string? choice)
    {
        var body = new JsonObject
        {
            ["model"] = RunningWorker.ModelName, ["max_tokens"] = 64, ["logit_bias"] = ToolWorkers.ClosingBias(),
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }),
            ["tools"] = new JsonArray(new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "ping" } }),
        };
        if (choice is not null)
        {
            body["tool_choice"] = choice;
        }

        return _worker.Http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), JsonContent.Create(body));
    }
}
