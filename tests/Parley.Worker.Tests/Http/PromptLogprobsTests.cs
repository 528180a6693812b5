using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Parley.Worker.Tests.Http;

// Prompt logprobs as vLLM gives them: echo with logprobs scores the prompt (lm-evaluation-harness's loglikelihood
// requests), prompt_logprobs on chat and completions; each prompt token's logprob equals what a completion of the
// prefix before it gives that token.
public sealed class PromptLogprobsTests : IAsyncLifetime
{
    private static readonly int[] Prompt = [72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100];
    private RunningWorker _worker = null!;

    public async Task InitializeAsync() => _worker = await RunningWorker.StartAsync();

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task LoglikelihoodRequest_ScoresEveryPromptToken_AsCompletionsOfItsPrefixDo()
    {
        // lm-evaluation-harness: context + continuation as one prompt, echo, logprobs 1, one token, greedy.
        var answer = await PostAsync("/v1/completions", new JsonObject
        {
            ["prompt"] = new JsonArray(Prompt.Select(id => (JsonNode)id).ToArray()), ["echo"] = true, ["logprobs"] = 1, ["max_tokens"] = 1, ["temperature"] = 0,
        });

        var logprobs = answer["choices"]![0]!["logprobs"]!;
        var tokenLogprobs = logprobs["token_logprobs"]!.AsArray();
        tokenLogprobs.Should().HaveCount(Prompt.Length + 1);
        tokenLogprobs[0].Should().BeNull("nothing predicts the first prompt token");
        logprobs["top_logprobs"]![0].Should().BeNull();
        for (var i = 1; i < Prompt.Length; i += 3)
        {
            var alone = await PostAsync("/v1/completions", new JsonObject
            {
                ["prompt"] = new JsonArray(Prompt.Take(i).Select(id => (JsonNode)id).ToArray()), ["logprobs"] = 0, ["max_tokens"] = 1,
                ["temperature"] = 0, ["allowed_token_ids"] = new JsonArray(Prompt[i]),
            });
            var expected = alone["choices"]![0]!["logprobs"]!["token_logprobs"]![0]!.GetValue<double>();
            tokenLogprobs[i]!.GetValue<double>().Should().BeApproximately(expected, 1e-3, $"prompt token {i}");
        }

        // is_greedy, as the harness reads it: the continuation token is the best entry of its top_logprobs.
        var last = logprobs["top_logprobs"]![Prompt.Length - 1]!.AsObject();
        last.Count.Should().BeInRange(1, 2);
    }

    [Fact]
    public async Task PromptLogprobs_OnChat_ListEveryPromptTokenWithItsRank()
    {
        var answer = await PostAsync("/v1/chat/completions", new JsonObject
        {
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }), ["prompt_logprobs"] = 2, ["max_tokens"] = 2,
        });

        var list = answer["prompt_logprobs"]!.AsArray();
        list[0].Should().BeNull();
        list.Should().HaveCount(answer["usage"]!["prompt_tokens"]!.GetValue<int>());
        foreach (var position in list.Skip(1))
        {
            position!.AsObject().Count.Should().BeInRange(2, 3, "the prompt token and the top 2");
            position.AsObject().Should().OnlyContain(entry => entry.Value!["rank"]!.GetValue<int>() >= 1 && entry.Value["logprob"]!.GetValue<double>() <= 0);
        }
    }

    [Fact]
    public async Task PromptLogprobs_OnCompletions_AreOnTheChoice()
    {
        var answer = await PostAsync("/v1/completions", new JsonObject { ["prompt"] = "hello", ["prompt_logprobs"] = 0, ["max_tokens"] = 1 });

        var list = answer["choices"]![0]!["prompt_logprobs"]!.AsArray();
        list.Should().HaveCount(5);
        list.Skip(1).Select(position => position!.AsObject().Single().Key).Should().Equal("101", "108", "108", "111");
    }

    private Task<JsonObject> PostAsync(string path, JsonObject body)
    {
        body["model"] = RunningWorker.ModelName;
        return _worker.PostJsonAsync(path, body);
    }
}
