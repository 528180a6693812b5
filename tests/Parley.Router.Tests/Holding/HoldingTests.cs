using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Parley.Router.Tests.Hosting;

namespace Parley.Router.Tests.Holding;

public class HoldingTests
{
    private static HttpRequestMessage Chat() => new(HttpMethod.Post, "/v1/chat/completions")
    {
        Content = new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
    };

    [Fact]
    public async Task ARequestAtZeroReplicas_WaitsAndIsServedWhenAReplicaBecomesReady()
    {
        var source = new ControlledBackendSource();
        await using var worker = await FakeUpstream.AnsweringAsync("answer");
        await using var router = await RunningRouter.StartAsync(new RouterOptions(), source: source);

        using var request = Chat();
        var pending = router.Http.SendAsync(request);
        var load = await router.WaitForLoadAsync(l => l.Held == 1);
        source.Publish(worker);
        using var response = await pending;

        (await response.Content.ReadAsStringAsync()).Should().Be("answer");
        load.Backends.Should().BeEmpty();
        (await router.LoadAsync()).Held.Should().Be(0);
        (await router.MetricsAsync()).Should().Contain("parley_router_requests_total{decision=\"held\",result=\"ok\"} 1");
    }

    [Fact]
    public async Task SeveralHeldRequests_AreAllServedWhenAReplicaBecomesReady()
    {
        var source = new ControlledBackendSource();
        await using var worker = await FakeUpstream.AnsweringAsync("answer");
        await using var router = await RunningRouter.StartAsync(new RouterOptions(), o => o with { Policy = Router.Routing.RoutingPolicy.RoundRobin }, source);
        var pending = new List<Task<HttpResponseMessage>>();
        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = new StringContent($$"""{"prompt":"{{i}}"}""") };
            pending.Add(router.Http.SendAsync(request));
            await router.WaitForLoadAsync(l => l.Held == i + 1); // each arrives before the next
        }

        source.Publish(worker);
        await Task.WhenAll(pending);

        worker.Received.Count.Should().Be(4);
        foreach (var response in pending)
        {
            (await response).Dispose();
        }
    }

    [Fact]
    public async Task WhenTheHoldQueueIsFull_TheNextRequestGets503WithRetryAfterAndAReason()
    {
        await using var router = await RunningRouter.StartAsync(new RouterOptions(), o => o with { HoldQueueSize = 1 }, new ControlledBackendSource());
        using var first = Chat();
        using var firstLeaves = new CancellationTokenSource();
        var held = router.Http.SendAsync(first, firstLeaves.Token);
        await router.WaitForLoadAsync(l => l.Held == 1);

        using var second = Chat();
        using var response = await router.Http.SendAsync(second);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.Should().BePositive();
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        error["message"]!.GetValue<string>().Should().Contain("1 requests are already waiting");
        error["type"]!.GetValue<string>().Should().Be("ServiceUnavailableError");

        await firstLeaves.CancelAsync(); // a client that leaves gives its place up
        await FluentActions.Awaiting(() => held).Should().ThrowAsync<OperationCanceledException>();
        await router.WaitForLoadAsync(l => l.Held == 0);
        (await router.MetricsAsync()).Should().Contain("parley_router_requests_total{decision=\"held\",result=\"rejected\"} 1");
    }

    [Fact]
    public async Task ARequestHeldPastTheHoldTimeout_Gets503WithRetryAfter()
    {
        await using var router = await RunningRouter.StartAsync(new RouterOptions(), o => o with { HoldTimeout = TimeSpan.FromMilliseconds(100) }, new ControlledBackendSource());

        using var request = Chat();
        using var response = await router.Http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.Should().NotBeNull();
        (await response.Content.ReadAsStringAsync()).Should().Contain("No replica became ready within");
        (await router.MetricsAsync()).Should().Contain("parley_router_requests_total{decision=\"held\",result=\"timeout\"} 1");
    }
}
