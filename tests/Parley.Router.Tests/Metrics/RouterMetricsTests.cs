using Parley.Router.Tests.Hosting;

namespace Parley.Router.Tests.Metrics;

public class RouterMetricsTests
{
    [Fact]
    public async Task Metrics_ExportEveryRouterSeriesUnderItsName()
    {
        await using var worker = await FakeUpstream.AnsweringAsync("answer");
        await using var router = await RunningRouter.StartAsync([worker]);
        await router.Http.GetStringAsync(new Uri("/v1/models", UriKind.Relative));
        using var chat = new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""");
        await router.Http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), chat);

        var metrics = await router.MetricsAsync();

        metrics.Should().Contain("parley_router_requests_total{decision=\"least_loaded\",result=\"ok\"} 1")
            .And.Contain("parley_router_requests_total{decision=\"affinity\",result=\"ok\"} 1")
            .And.Contain("parley_router_held_requests 0")
            .And.Contain("parley_router_hold_seconds_count 0")
            .And.Contain($"parley_router_in_flight{{backend=\"{worker.Address}\"}} 0")
            .And.Contain("parley_router_affinity_hits_total 1")
            .And.Contain("parley_router_retries_total 0");
    }

    [Fact]
    public void Forget_RemovesTheInFlightSeriesOfABackendThatLeft()
    {
        var metrics = new Router.Metrics.RouterMetrics(Prometheus.Metrics.NewCustomRegistry());
        var pool = Routing.ReplicaSet.Of(2);
        foreach (var backend in pool.Snapshot.All)
        {
            metrics.InFlight.WithLabels(backend.Address).Set(0);
        }

        metrics.Forget([pool.Snapshot.All[0]]);

        metrics.InFlight.GetAllLabelValues().Should().BeEquivalentTo([new[] { pool.Snapshot.All[1].Address }]);
    }
}
