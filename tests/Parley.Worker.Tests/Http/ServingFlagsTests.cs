using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Parley.Worker.Tests.Http;

// The vLLM flags that change what the API does, over HTTP on the tiny model: several --served-model-name values,
// --max-logprobs as the per-request cap, --seed for unseeded requests, --tokenizer from another folder.
public class ServingFlagsTests
{
    [Fact]
    public async Task SeveralServedNames_AreAllListed_EachAccepted_AndTheFirstReported()
    {
        await using var worker = await RunningWorker.StartAsync(options => options with { ServedModelNames = ["tiny", "gpt-4o-mini", "qwen"] });

        var models = await worker.Http.GetFromJsonAsync<JsonObject>(new Uri("/v1/models", UriKind.Relative));
        models!["data"]!.AsArray().Select(model => model!["id"]!.GetValue<string>()).Should().Equal("tiny", "gpt-4o-mini", "qwen");
        foreach (var name in new[] { "tiny", "gpt-4o-mini", "qwen" })
        {
            using var response = await PostAsync(worker, "/v1/chat/completions", new JsonObject { ["model"] = name, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }), ["max_tokens"] = 2 });
            response.StatusCode.Should().Be(HttpStatusCode.OK, name);
            (await response.Content.ReadFromJsonAsync<JsonObject>())!["model"]!.GetValue<string>().Should().Be("tiny");
        }

        using var unknown = await PostAsync(worker, "/v1/completions", new JsonObject { ["model"] = "llama", ["prompt"] = "hi" });
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(3, 3, HttpStatusCode.OK)]
    [InlineData(3, 4, HttpStatusCode.BadRequest)]
    [InlineData(20, 21, HttpStatusCode.BadRequest)]
    [InlineData(30, 25, HttpStatusCode.OK)]
    [InlineData(-1, 200, HttpStatusCode.OK)]
    public async Task TopLogprobs_AreCappedByMaxLogprobs(int maxLogprobs, int topLogprobs, HttpStatusCode expected)
    {
        await using var worker = await RunningWorker.StartAsync(options => options with { MaxLogprobs = maxLogprobs });

        using var response = await PostAsync(worker, "/v1/chat/completions", new JsonObject
        {
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }), ["max_tokens"] = 2, ["ignore_eos"] = true,
            ["logprobs"] = true, ["top_logprobs"] = topLogprobs,
        });

        response.StatusCode.Should().Be(expected, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        if (expected == HttpStatusCode.OK)
            body!["choices"]![0]!["logprobs"]!["content"]!.AsArray().Should().OnlyContain(entry => entry!["top_logprobs"]!.AsArray().Count == topLogprobs);
        else
            body!["error"]!["message"]!.GetValue<string>().Should().Be($"top_logprobs must be in [0, {maxLogprobs}], got {topLogprobs}.");
    }

    [Fact]
    public async Task WorkerSeed_MakesASequenceOfUnseededRequestsRepeat_AfterARestart()
    {
        async Task<string[]> TwoAnswersAsync()
        {
            await using var worker = await RunningWorker.StartAsync(options => options with { Seed = 5 });
            return [await CompleteAsync(worker), await CompleteAsync(worker)];
        }

        var first = await TwoAnswersAsync();
        var second = await TwoAnswersAsync();

        second.Should().Equal(first);
        first[0].Should().NotBe(first[1], "each unseeded request draws its own seed from --seed's generator");
    }

    [Fact]
    public async Task TokenizerFolder_ReplacesTheModels()
    {
        var tokenizer = Directory.CreateTempSubdirectory("parley-tokenizer-").FullName;
        try
        {
            await using var worker = await RunningWorker.StartAsync(
                options => options with { Tokenizer = tokenizer },
                prepare: folder => File.Move(Path.Combine(folder, "tokenizer.json"), Path.Combine(tokenizer, "tokenizer.json")));

            (await CompleteAsync(worker)).Should().HaveLength(8, "the tiny tokenizer's ids are bytes, so eight tokens of ASCII are eight characters");
        }
        finally
        {
            Directory.Delete(tokenizer, recursive: true);
        }
    }

    private static async Task<string> CompleteAsync(RunningWorker worker)
    {
        // allowed_token_ids keeps the tiny model to ASCII letters: one token, one character.
        var letters = new JsonArray([.. Enumerable.Range('a', 26).Select(id => (JsonNode)id)]);
        using var response = await PostAsync(worker, "/v1/completions", new JsonObject
        {
            ["prompt"] = "hi", ["max_tokens"] = 8, ["ignore_eos"] = true, ["temperature"] = 1.0, ["allowed_token_ids"] = letters,
        });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["choices"]![0]!["text"]!.GetValue<string>();
    }

    private static Task<HttpResponseMessage> PostAsync(RunningWorker worker, string path, JsonObject body) =>
        worker.Http.PostAsync(new Uri(path, UriKind.Relative), JsonContent.Create(body));
}
