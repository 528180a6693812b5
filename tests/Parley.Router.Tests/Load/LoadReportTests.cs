using Microsoft.AspNetCore.Http;
using Parley.Router.Tests.Hosting;

namespace Parley.Router.Tests.Load;

public class LoadReportTests
{
    private const string WorkerMetrics = """
        # TYPE vllm:num_requests_running gauge
        vllm:num_requests_running{model_name="m"} 3
        # TYPE vllm:num_requests_waiting gauge
        vllm:num_requests_waiting{model_name="m"} 2
        # TYPE vllm:kv_cache_usage_perc gauge
        vllm:kv_cache_usage_perc{model_name="m"} 0.5
        """;

    [Fact]
    public async Task TheReport_CountsInFlightRequestsAndCarriesEachWorkersScrapedLoad()
    {
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var worker = await FakeUpstream.StartAsync(async context =>
        {
            if (context.Request.Path == "/metrics")
            {
                await context.Response.WriteAsync(WorkerMetrics);
                return;
            }

            await context.Response.WriteAsync("data: started\n\n");
            await context.Response.Body.FlushAsync();
            await finish.Task;
        });
        await using var router = await RunningRouter.StartAsync([worker]);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = new StringContent("""{"prompt":"p"}""") };
        using var response = await router.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        var load = await router.WaitForLoadAsync(l => l.InFlight == 1 && l.Backends.Single().NumRequestsRunning is not null);
        finish.SetResult();

        load.Held.Should().Be(0);
        load.OldestHeldSeconds.Should().Be(0);
        load.RequestsTotal.Should().BeGreaterThanOrEqualTo(1);
        load.LastRequestAt.Should().NotBeNull();
        var backend = load.Backends.Single();
        backend.Address.Should().Be(worker.Address);
        backend.Ready.Should().BeTrue();
        backend.InFlight.Should().Be(1);
        backend.NumRequestsRunning.Should().Be(3);
        backend.NumRequestsWaiting.Should().Be(2);
        backend.KvCacheUsage.Should().Be(0.5);
        load.LastFinishedAt.Should().BeNull("the only request is still streaming");

        _ = await response.Content.ReadAsStringAsync();
        var after = await router.WaitForLoadAsync(l => l.InFlight == 0);
        after.LastFinishedAt.Should().NotBeNull().And.BeOnOrAfter(after.LastRequestAt!.Value);
    }

    [Fact]
    public async Task AWorkerWhoseScrapeFails_ReportsNoLoad()
    {
        await using var worker = await FakeUpstream.StartAsync(context =>
        {
            context.Response.StatusCode = context.Request.Path == "/metrics" ? 500 : 200;
            return Task.CompletedTask;
        });
        await using var router = await RunningRouter.StartAsync([worker]);

        var backend = (await router.WaitForLoadAsync(l => l.Backends.Count == 1)).Backends.Single();

        backend.NumRequestsRunning.Should().BeNull();
        backend.KvCacheUsage.Should().BeNull();
        backend.InFlight.Should().Be(0);
    }
}
