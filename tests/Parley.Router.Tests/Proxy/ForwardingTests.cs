using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Parley.Router.Routing;
using Parley.Router.Tests.Hosting;
using Parley.Testing;

namespace Parley.Router.Tests.Proxy;

public class ForwardingTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/v1/models")]
    [InlineData("POST", "/tokenize")]
    [InlineData("POST", "/detokenize")]
    [InlineData("POST", "/invocations")]
    [InlineData("POST", "/v1/chat/completions")]
    public async Task EveryPathButTheRoutersOwn_ReachesTheWorkerWithItsBodyUnchanged(string method, string path)
    {
        await using var worker = await FakeUpstream.StartAsync(context => context.Response.WriteAsync($"worker saw {context.Request.Method} {context.Request.Path}"));
        await using var router = await RunningRouter.StartAsync([worker]);
        var body = """{"model":"m","messages":[{"role":"user","content":"hi"}]}""";
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? Json(body) : null };

        using var response = await router.Http.SendAsync(request);

        (await response.Content.ReadAsStringAsync()).Should().Be($"worker saw {method} {path}");
        worker.Received.Single().Body.Should().Be(method == "POST" ? body : "");
    }

    [Fact]
    public async Task Health_IsOkWithoutAnyReplica()
    {
        await using var router = await RunningRouter.StartAsync(new RouterOptions(), source: new ControlledBackendSource());

        (await router.Http.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ServerSentEvents_ReachTheClientOneByOneWhileTheWorkerIsStillStreaming()
    {
        var secondEventAllowed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var worker = await FakeUpstream.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: one\n\n");
            await context.Response.Body.FlushAsync();
            await secondEventAllowed.Task; // the worker finishes only after the client has seen the first event
            await context.Response.WriteAsync("data: two\n\ndata: [DONE]\n\n");
        });
        await using var router = await RunningRouter.StartAsync([worker]);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json("""{"stream":true}""") };
        using var response = await router.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // fails a buffering router instead of hanging

        (await reader.ReadLineAsync(guard.Token)).Should().Be("data: one");
        secondEventAllowed.SetResult();
        (await reader.ReadToEndAsync(guard.Token)).Should().Be("\ndata: two\n\ndata: [DONE]\n\n");
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
    }

    [Fact]
    public async Task A503FromOneReplica_IsRetriedOnceOnAnother()
    {
        await using var draining = await FakeUpstream.StartAsync(async context =>
        {
            context.Response.StatusCode = 503;
            await context.Response.WriteAsync("draining");
        });
        await using var healthy = await FakeUpstream.AnsweringAsync("answer");
        await using var router = await RunningRouter.StartAsync([draining, healthy]);

        for (var i = 0; i < 8; i++)
        {
            using var response = await router.Http.PostAsync(new Uri("/v1/completions", UriKind.Relative), Json($$"""{"prompt":"request {{i}}"}"""));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).Should().Be("answer");
        }

        draining.RequestCount.Should().BePositive("some requests went to the draining replica first");
        healthy.RequestCount.Should().Be(8);
        healthy.Received.Select(r => r.Body).Should().OnlyContain(body => body.StartsWith("{\"prompt\":\"request ", StringComparison.Ordinal), "a retry sends the whole body again");
        (await router.MetricsAsync()).Should().Contain($"parley_router_retries_total {draining.RequestCount}");
    }

    [Fact]
    public async Task A503FromTheOnlyReplica_ReachesTheClient()
    {
        await using var draining = await FakeUpstream.StartAsync(async context =>
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "7";
            await context.Response.WriteAsync("draining");
        });
        await using var router = await RunningRouter.StartAsync([draining]);

        using var response = await router.Http.GetAsync(new Uri("/v1/models", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(7));
        (await response.Content.ReadAsStringAsync()).Should().Be("draining");
        draining.RequestCount.Should().Be(1);
    }

    [Fact]
    public async Task AReplicaThatRefusesConnections_IsRetriedOnAnother()
    {
        var deadPort = LoopbackPort.Free();
        await using var healthy = await FakeUpstream.AnsweringAsync("answer");
        await using var router = await RunningRouter.StartAsync([healthy], o => o with { Backends = [new Uri($"http://127.0.0.1:{deadPort}"), healthy.Url] });

        for (var i = 0; i < 6; i++)
        {
            (await router.Http.GetStringAsync(new Uri("/v1/models", UriKind.Relative))).Should().Be("answer");
        }

        (await router.MetricsAsync()).Should().MatchRegex(@"parley_router_retries_total [1-6]\b");
    }

    [Fact]
    public async Task AStreamThatBreaksAfterItStarted_IsNotRetried()
    {
        using var clientSawFirstEvent = new SemaphoreSlim(0);
        await using var breaking = await FakeUpstream.StartAsync(async context =>
        {
            if (context.Request.Path == "/metrics")
            {
                return; // the router's load scrape must not take a release meant for a stream
            }

            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: from the breaking replica\n\n");
            await context.Response.Body.FlushAsync();
            await clientSawFirstEvent.WaitAsync(); // the stream has reached the client: now it breaks
            context.Abort();
        });
        await using var healthy = await FakeUpstream.AnsweringAsync("data: from the healthy replica\n\n");
        // Round-robin, so that streams start on the breaking replica whatever the ports hash to on the affinity ring.
        await using var router = await RunningRouter.StartAsync([breaking, healthy], o => o with { Policy = RoutingPolicy.RoundRobin });

        var brokenCount = 0;
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // fails a stream that never ends instead of hanging
        for (var i = 0; i < 8; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = Json($$"""{"prompt":"stream {{i}}","stream":true}""") };
            using var response = await router.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var first = await reader.ReadLineAsync(guard.Token);
            if (first!.Contains("breaking", StringComparison.Ordinal))
            {
                brokenCount++;
                clientSawFirstEvent.Release();
                (await ReadRestAsync(reader, guard.Token)).Should().NotContain("healthy", "a started stream is never continued elsewhere");
            }
        }

        brokenCount.Should().Be(4, "round-robin started every other stream on the breaking replica");
        breaking.RequestCount.Should().Be(brokenCount);
        healthy.RequestCount.Should().Be(8 - brokenCount, "no broken stream was sent again");
        (await router.MetricsAsync()).Should().Contain("parley_router_retries_total 0");
    }

    private static async Task<string> ReadRestAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadToEndAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            return ""; // the broken stream ends the response early
        }
    }
}
