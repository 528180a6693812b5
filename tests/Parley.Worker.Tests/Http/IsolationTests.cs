// One client cannot end another's answer: requests built to break a step are refused before they reach the engine,
// and a failure after a stream has started reaches its own client in band, followed by [DONE].
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Engine.Core;
using Parley.Worker.Http;
using Parley.Worker.Metrics;

namespace Parley.Worker.Tests.Http;

public class IsolationTests
{
    [Fact]
    public async Task RequestsBuiltToBreakAStep_AreRefused_AndTheRunningStreamsEndWithDone()
    {
        await using var worker = await RunningWorker.StartAsync();
        var streams = new List<(HttpResponseMessage Response, Stream Body)>();
        for (var i = 0; i < 3; i++)
        {
            var response = await worker.Http.SendAsync(Post("/v1/completions", $"{{\"prompt\":\"go {i}\",\"stream\":true,\"max_tokens\":200,\"ignore_eos\":true}}"), HttpCompletionOption.ResponseHeadersRead);
            var body = await response.Content.ReadAsStreamAsync();
            (await body.ReadAsync(new byte[16])).Should().BeGreaterThan(0);
            streams.Add((response, body));
        }

        var everyId = string.Join(',', Enumerable.Range(0, Parley.Engine.Models.TinyModel.VocabSize));
        string[] attacks =
        [
            $"{{\"prompt\":\"x\",\"max_tokens\":5,\"min_tokens\":3,\"stop_token_ids\":[{everyId}]}}",
            "{\"prompt\":\"x\",\"max_tokens\":2147483647}",
            "{\"prompt\":\"x\",\"max_tokens\":2147483640,\"min_tokens\":2147483640}",
        ];
        foreach (var attack in attacks)
        {
            using var refused = await worker.Http.SendAsync(Post("/v1/completions", attack));
            ((int)refused.StatusCode).Should().Be(400, attack[..Math.Min(attack.Length, 60)]);
        }

        foreach (var (response, body) in streams)
        {
            var rest = await new StreamReader(body).ReadToEndAsync();
            rest.Should().Contain("\"finish_reason\":\"length\"").And.EndWith("data: [DONE]\n\n").And.NotContain("\"error\"");
            response.Dispose();
        }
    }

    [Fact]
    public async Task AFailureAfterTheStreamStarted_IsSentInBand_ThenDone()
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        var handling = new ErrorHandling(async http =>
        {
            Sse.Start(http.Response);
            await Sse.WriteAsync(http.Response, new System.Text.Json.Nodes.JsonObject { ["choices"] = new System.Text.Json.Nodes.JsonArray() }, CancellationToken.None);
            throw new RequestFailedException("Every token is masked.");
        }, NullLogger<ErrorHandling>.Instance, new WorkerMetrics(Prometheus.Metrics.NewCustomRegistry()));

        await handling.InvokeAsync(context);

        var events = Encoding.UTF8.GetString(body.ToArray()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        events.Should().HaveCount(3);
        events[1].Should().StartWith("data: {\"error\":").And.Contain("Every token is masked.").And.Contain("\"code\":500");
        events[2].Should().Be("data: [DONE]");
        context.Response.StatusCode.Should().Be(200, "the status went out with the first event");
    }

    private static HttpRequestMessage Post(string path, string json) => new(HttpMethod.Post, new Uri(path, UriKind.Relative))
    {
        Content = new StringContent(json, Encoding.UTF8, "application/json"),
    };
}
