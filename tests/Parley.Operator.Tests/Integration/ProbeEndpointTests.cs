using System.Net;
using Parley.Operator.Cli;
using Parley.Operator.Metrics;

using Parley.Testing;

namespace Parley.Operator.Tests.Integration;

public class ProbeEndpointTests
{
    [Fact]
    public async Task Probes_ServeHealthReadinessAndMetrics()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml", startOperator: false);
        var metrics = new OperatorMetrics();
        var host = harness.StartOperator(OperatorHarness.FastOptions(), metrics);
        var port = LoopbackPort.Free();
        await using var probes = RunCommand.Probes(host, metrics, port);
        await probes.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
        await harness.ApplyAsync(OperatorTests.Chat());
        await OperatorHarness.EventuallyAsync(() => harness.Chat("team-a", "r1"), c => c.Status?.Tuning is not null, "a plan");
        (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
        // Metrics are recorded after each reconcile; the one that wrote the plan may still be finishing.
        var scrape = await OperatorHarness.EventuallyAsync(
            () => http.GetStringAsync(new Uri("/metrics", UriKind.Relative)).GetAwaiter().GetResult(),
            text => text.Contains("parley_reconcile_total{result=", StringComparison.Ordinal) && text.Contains("parley_tuned_max_model_len{", StringComparison.Ordinal), "a reconcile in the metrics");

        scrape.Should().Contain("parley_reconcile_total{result=").And.Contain("parley_reconcile_duration_seconds_bucket")
            .And.Contain("parley_workqueue_depth").And.Contain("parley_chatdeployments{phase=\"Progressing\"} 1")
            .And.Contain("parley_tuned_max_model_len{namespace=\"team-a\",name=\"r1\"} 58064");
        await probes.StopAsync();
    }

    [Fact]
    public async Task Readyz_BeforeTheCachesAreFilled_Is503()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml", startOperator: false);
        var metrics = new OperatorMetrics();
        using var host = new Parley.Operator.Cli.OperatorHost(harness.Client, OperatorHarness.FastOptions(), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, metrics, TimeProvider.System);
        var port = LoopbackPort.Free();
        await using var probes = RunCommand.Probes(host, metrics, port);
        await probes.StartAsync();
        using var http = new HttpClient();

        (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/readyz"))).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        await probes.StopAsync();
    }

}
