using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Parley.Worker.Tests.Http;

// n choices and prompt lists, as vLLM answers them: one choice per (prompt, sample) in vLLM's index order, streamed
// interleaved by index, each with its own finish reason; seeded samples differ from each other yet repeat; the n
// samples of one prompt share its KV blocks, so the prompt is computed once.
public sealed class ChoicesTests : IAsyncLifetime
{
    private RunningWorker _worker = null!;

    public async Task InitializeAsync() => _worker = await RunningWorker.StartAsync();

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task ChatN_GivesNSeededChoices_ThatRepeat()
    {
        var request = Chat(n: 3, stream: false);

        var first = await PostAsync("/v1/chat/completions", request);
        var again = await PostAsync("/v1/chat/completions", request.DeepClone().AsObject());

        var texts = Texts(first, "message");
        first["choices"]!.AsArray().Select(choice => choice!["index"]!.GetValue<int>()).Should().Equal(0, 1, 2);
        texts.Distinct().Should().HaveCount(3, "each choice draws with its own seed");
        Texts(again, "message").Should().Equal(texts, "seed, seed + 1, ... repeat");
        first["usage"]!["completion_tokens"]!.GetValue<int>().Should().Be(3 * 12);
    }

    [Fact]
    public async Task ChatN_ComputesThePromptOnce()
    {
        var stats = _worker.Host.Model!.Engine;
        var before = stats.Stats.PrefixCacheHits;
        var request = Chat(n: 4, stream: false);
        request["messages"]![0]!["content"] = new string('x', 160);

        await PostAsync("/v1/chat/completions", request);

        (stats.Stats.PrefixCacheHits - before).Should().BeGreaterThanOrEqualTo(3 * 160 / 16, "three of the four choices find the prompt's full blocks cached");
    }

    [Fact]
    public async Task ChatN_Streamed_InterleavesChoicesThatEachFinish()
    {
        var events = await StreamAsync("/v1/chat/completions", Chat(n: 2, stream: true));

        var choices = events.SelectMany(chunk => chunk["choices"]!.AsArray()).ToList();
        choices.Where(choice => choice!["delta"]!["role"] is not null).Select(choice => choice!["index"]!.GetValue<int>()).Should().Equal(0, 1);
        choices.Where(choice => choice!["finish_reason"] is not null).Select(choice => choice!["index"]!.GetValue<int>()).Should().BeEquivalentTo([0, 1]);
        events[^1]["usage"]!["completion_tokens"]!.GetValue<int>().Should().Be(24);
    }

    [Fact]
    public async Task CompletionPromptList_WithN_AnswersEachPromptInOrder()
    {
        var body = new JsonObject
        {
            ["model"] = RunningWorker.ModelName, ["prompt"] = new JsonArray("ab", new JsonArray(65, 66, 67)), ["n"] = 2, ["echo"] = true,
            ["max_tokens"] = 4, ["ignore_eos"] = true, ["seed"] = 1,
        };

        var answer = await PostAsync("/v1/completions", body);

        var choices = answer["choices"]!.AsArray();
        choices.Select(choice => choice!["index"]!.GetValue<int>()).Should().Equal(0, 1, 2, 3);
        choices.Take(2).Should().OnlyContain(choice => choice!["text"]!.GetValue<string>().StartsWith("ab", StringComparison.Ordinal));
        choices.Skip(2).Should().OnlyContain(choice => choice!["text"]!.GetValue<string>().StartsWith("ABC", StringComparison.Ordinal));
        answer["usage"]!["prompt_tokens"]!.GetValue<int>().Should().Be(5, "each prompt counts once");
        answer["usage"]!["completion_tokens"]!.GetValue<int>().Should().Be(16);
    }

    [Fact]
    public async Task CompletionPromptList_Streamed_EndsEveryChoice()
    {
        var body = new JsonObject
        {
            ["model"] = RunningWorker.ModelName, ["prompt"] = new JsonArray("a", "b", "c"), ["max_tokens"] = 3, ["ignore_eos"] = true, ["stream"] = true,
        };

        var events = await StreamAsync("/v1/completions", body);

        var finished = events.SelectMany(chunk => chunk["choices"]!.AsArray()).Where(choice => choice!["finish_reason"] is not null);
        finished.Select(choice => choice!["index"]!.GetValue<int>()).Should().BeEquivalentTo([0, 1, 2]);
    }

    private static JsonObject Chat(int n, bool stream) => new()
    {
        ["model"] = RunningWorker.ModelName, ["n"] = n, ["seed"] = 11, ["temperature"] = 1.0, ["max_tokens"] = 12, ["ignore_eos"] = true,
        ["stream"] = stream, ["stream_options"] = stream ? new JsonObject { ["include_usage"] = true } : null,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hello" }),
    };

    private static List<string> Texts(JsonObject answer, string field) =>
        answer["choices"]!.AsArray().Select(choice => choice![field]!["content"]!.GetValue<string>()).ToList();

    private Task<JsonObject> PostAsync(string path, JsonObject body)
    {
        body.Remove("stream_options");
        return _worker.PostJsonAsync(path, body);
    }

    private Task<List<JsonObject>> StreamAsync(string path, JsonObject body) => _worker.StreamJsonAsync(path, body);
}
