using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Parley.Worker.Tests.Http;

// Health while loading, who needs the key, what a disconnect, a full queue and SIGTERM do.
public class LifecycleTests
{
    [Fact]
    public async Task Health_Is503WhileTheModelLoads_Then200()
    {
        var load = new TaskCompletionSource();
        await using var worker = await RunningWorker.StartAsync(beforeLoad: load.Task, waitUntilReady: false);

        using (var loading = await worker.Http.GetAsync(new Uri("/health", UriKind.Relative)))
        {
            loading.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        }

        using (var chat = await worker.Http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), Body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")))
        {
            chat.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            chat.Headers.RetryAfter.Should().NotBeNull();
            (await chat.Content.ReadAsStringAsync()).Should().Contain("still loading");
        }

        load.SetResult();
        await worker.WaitUntilReadyAsync();
    }

    [Fact]
    public async Task ApiKey_GuardsV1Only()
    {
        await using var worker = await RunningWorker.StartAsync(options => options with { ApiKey = "k" });

        (await worker.Http.GetAsync(new Uri("/v1/models", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await worker.Http.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await worker.Http.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await worker.Http.GetAsync(new Uri("/", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
        using var authorized = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/models", UriKind.Relative));
        authorized.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "k");
        (await worker.Http.SendAsync(authorized)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ClientDisconnect_CancelsGenerationAndFreesTheBlocks()
    {
        await using var worker = await RunningWorker.StartAsync();
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/completions", UriKind.Relative)) { Content = Body("{\"prompt\":\"go\",\"stream\":true,\"max_tokens\":200,\"ignore_eos\":true}") })
        using (var response = await worker.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        await using (var stream = await response.Content.ReadAsStreamAsync())
        {
            var buffer = new byte[256];
            (await stream.ReadAsync(buffer)).Should().BeGreaterThan(0);
        }

        for (var i = 0; i < 200 && worker.Host.Model!.Engine.Stats is not { Running: 0, KvCacheUsage: 0 }; i++)
        {
            await Task.Delay(10);
        }

        worker.Host.Model!.Engine.Stats.Should().Match<Parley.Engine.Core.EngineStats>(stats => stats.Running == 0 && stats.KvCacheUsage == 0);
    }

    [Fact]
    public async Task ABurstBeyondTheQueue_Is503WithRetryAfterAtOnce()
    {
        await using var worker = await RunningWorker.StartAsync(options => options with { MaxNumSeqs = 2, MaxWaitingRequests = 2 });

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
        {
            using var response = await worker.Http.PostAsync(new Uri("/v1/completions", UriKind.Relative), Body("{\"prompt\":\"x\",\"max_tokens\":200,\"ignore_eos\":true}"));
            return (response.StatusCode, response.Headers.RetryAfter?.Delta, Type: response.IsSuccessStatusCode ? null : JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["type"]!.GetValue<string>());
        }));

        var refused = answers.Where(answer => answer.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        refused.Should().HaveCountGreaterThanOrEqualTo(30, "at most 2 run and 2 wait while the burst arrives");
        refused.Should().OnlyContain(answer => answer.Delta == TimeSpan.FromSeconds(1) && answer.Type == "ServiceUnavailableError");
        answers.Should().OnlyContain(answer => answer.StatusCode == HttpStatusCode.OK || answer.StatusCode == HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Shutdown_LetsARunningStreamFinishAndRefusesNewRequests()
    {
        await using var worker = await RunningWorker.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/completions", UriKind.Relative)) { Content = Body("{\"prompt\":\"go\",\"stream\":true,\"max_tokens\":60,\"ignore_eos\":true}") };
        using var response = await worker.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reading = response.Content.ReadAsStringAsync();

        var stopping = worker.StopAsync();
        await Task.Delay(20);
        var late = await SendOrRefused(worker);

        var body = await reading;
        await stopping;
        body.Should().EndWith("data: [DONE]\n\n");
        body.Should().Contain("\"finish_reason\":\"length\"");
        late.Should().BeTrue("a request during shutdown is refused (503) or the listener is already closed");
    }

    private static async Task<bool> SendOrRefused(RunningWorker worker)
    {
        try
        {
            using var response = await worker.Http.PostAsync(new Uri("/v1/completions", UriKind.Relative), Body("{\"prompt\":\"x\",\"max_tokens\":2}"));
            return response.StatusCode == HttpStatusCode.ServiceUnavailable;
        }
        catch (HttpRequestException)
        {
            return true;
        }
    }

    private static StringContent Body(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
