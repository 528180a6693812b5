using System.Text.Json.Nodes;
using Parley.Operator.Cli;
using Parley.Operator.Metrics;
using Parley.Testing;

namespace Parley.Chart.Tests.Dashboards;

public class DashboardTests
{
    [Theory]
    [MemberData(nameof(DashboardFile.Names), MemberType = typeof(DashboardFile))]
    public void Dashboard_IsGrafanaJsonWithADatasourceVariableAndPromQlTargets(string name)
    {
        var dashboard = DashboardFile.Named(name);
        var json = dashboard.Json;

        json["title"]!.GetValue<string>().Should().StartWith("Parley / ");
        json["uid"]!.GetValue<string>().Should().MatchRegex("^[a-z0-9-]{1,40}$");
        json["schemaVersion"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(36);
        json.ContainsKey("__inputs").Should().BeFalse("a provisioned dashboard names its data source through the variable, not import inputs");
        dashboard.Variables().Should().ContainSingle(v => v["type"]!.GetValue<string>() == "datasource" && v["query"]!.GetValue<string>() == "prometheus"
            && v["name"]!.GetValue<string>() == "datasource");
        var panels = dashboard.Panels().ToList();
        panels.Select(p => p["id"]!.GetValue<int>()).Should().OnlyHaveUniqueItems();
        panels.Should().OnlyContain(p => p["gridPos"] is JsonObject && p["title"] != null);
        foreach (var panel in panels.Where(p => p["type"]!.GetValue<string>() != "row"))
        {
            var targets = panel["targets"]!.AsArray().OfType<JsonObject>().ToList();
            targets.Should().NotBeEmpty($"panel '{panel["title"]}' shows data");
            targets.Should().OnlyContain(t => t["datasource"]!["uid"]!.GetValue<string>() == "${datasource}" && t["expr"]!.GetValue<string>().Length > 0,
                $"panel '{panel["title"]}' queries the chosen Prometheus");
            targets.Select(t => t["refId"]!.GetValue<string>()).Should().OnlyHaveUniqueItems();
        }
    }

    [Fact]
    public void ChatServing_ReadsEveryServingSignal()
    {
        DashboardFile.Named("chat-serving.json").MetricNames().Should().Contain(
        [
            "vllm:time_to_first_token_seconds_bucket", "vllm:inter_token_latency_seconds_bucket", "vllm:e2e_request_latency_seconds_bucket",
            "vllm:prompt_tokens_total", "vllm:generation_tokens_total", "vllm:num_requests_running", "vllm:num_requests_waiting",
            "vllm:kv_cache_usage_perc", "vllm:prefix_cache_hits_total", "vllm:prefix_cache_queries_total",
            "vllm:request_queue_time_seconds_bucket", "vllm:request_prefill_time_seconds_bucket", "vllm:request_decode_time_seconds_bucket",
            "parley_gpu_memory_used_bytes", "parley_worker_http_errors_total",
        ]);
        DashboardFile.Named("chat-serving.json").Variables().Select(v => v["name"]!.GetValue<string>()).Should().Contain(["namespace", "chat", "pod"]);
    }

    [Theory]
    [InlineData("Queue time", "vllm:request_queue_time_seconds_bucket")]
    [InlineData("Prefill and decode time", "vllm:request_prefill_time_seconds_bucket")]
    [InlineData("Prefill and decode time", "vllm:request_decode_time_seconds_bucket")]
    public void ChatServing_PhasePanels_ShowP50AndP95OfTheirHistogram(string title, string bucket)
    {
        var panel = DashboardFile.Named("chat-serving.json").Panels().Single(p => p["title"]!.GetValue<string>() == title);
        var queries = panel["targets"]!.AsArray().Select(t => t!["expr"]!.GetValue<string>()).Where(e => e.Contains(bucket, StringComparison.Ordinal)).ToList();

        queries.Select(q => q[..q.IndexOf(',', StringComparison.Ordinal)]).Should().BeEquivalentTo("histogram_quantile(0.5", "histogram_quantile(0.95");
        queries.Should().OnlyContain(q => q.Contains("sum by (le,", StringComparison.Ordinal), "a quantile needs the buckets summed by le");
        panel["fieldConfig"]!["defaults"]!["unit"]!.GetValue<string>().Should().Be("s");
    }

    [Theory]
    [MemberData(nameof(DashboardFile.Names), MemberType = typeof(DashboardFile))]
    public void Dashboard_PanelsDoNotOverlap(string name)
    {
        var boxes = DashboardFile.Named(name).Panels().Select(p => (Title: p["title"]!.GetValue<string>(), Grid: p["gridPos"]!))
            .Select(p => (p.Title, X: p.Grid["x"]!.GetValue<int>(), Y: p.Grid["y"]!.GetValue<int>(), W: p.Grid["w"]!.GetValue<int>(), H: p.Grid["h"]!.GetValue<int>()))
            .ToList();

        boxes.Should().OnlyContain(b => b.X >= 0 && b.W > 0 && b.X + b.W <= 24, "Grafana's grid is 24 columns wide");
        foreach (var (a, i) in boxes.Select((b, i) => (b, i)))
        {
            foreach (var b in boxes.Skip(i + 1))
            {
                var overlap = a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H;
                overlap.Should().BeFalse($"'{a.Title}' and '{b.Title}' would cover each other");
            }
        }
    }

    [Fact]
    public void Operator_ReadsEveryOperatorSignal()
    {
        DashboardFile.Named("operator.json").MetricNames().Should().Contain(
        [
            "parley_reconcile_total", "parley_reconcile_errors_total", "parley_reconcile_duration_seconds_bucket", "parley_workqueue_depth",
            "parley_chatdeployments", "parley_tuned_max_model_len", "parley_tuned_gpu_memory_utilization", "parley_tuning_step_downs", "parley_leader",
        ]);
    }

    [Fact]
    public async Task EveryMetricInEveryDashboard_IsExportedByTheOperatorTheWorkerOrTheRouter()
    {
        var operatorSeries = await ScrapeTheOperatorAsync();
        var (workerSeries, routerSeries) = await WorkerScrape.SeriesNamesAsync();
        var exported = operatorSeries.Union(workerSeries).Union(routerSeries).ToHashSet();

        foreach (var dashboard in DashboardFile.All())
        {
            dashboard.MetricNames().Except(exported).Should().BeEmpty($"every metric {dashboard.Name} queries must exist");
        }

        DashboardFile.Named("operator.json").MetricNames().Should().BeSubsetOf(operatorSeries, "the operator dashboard reads the operator's live metrics");
        DashboardFile.Named("chat-serving.json").MetricNames().Should().BeSubsetOf(workerSeries.Union(routerSeries), "the serving dashboard reads the worker's and the router's live metrics");
        DashboardFile.Named("chat-serving.json").MetricNames().Should().Contain(
            ["parley_router_requests_total", "parley_router_held_requests", "parley_router_hold_seconds_bucket", "parley_router_in_flight", "parley_router_affinity_hits_total", "parley_router_retries_total"],
            "the router row shows every router signal");
    }

    /// <summary>Runs the operator against the in-memory API with one planned ChatDeployment and returns the series names of its /metrics.</summary>
    private static async Task<IReadOnlySet<string>> ScrapeTheOperatorAsync()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml", startOperator: false);
        var metrics = new OperatorMetrics();
        var host = harness.StartOperator(OperatorHarness.FastOptions(), metrics);
        var port = LoopbackPort.Free();
        await using var probes = RunCommand.Probes(host, metrics, port);
        await probes.StartAsync();
        await harness.ApplyAsync(TestChats.Applied());
        await OperatorHarness.EventuallyAsync(() => harness.Chat("team-a", "r1"), c => c.Status?.Tuning is not null, "a plan");
        using var http = new HttpClient();
        // Gauges follow the ChatDeployment watch; the event that carries the plan may still be on its way.
        var scrape = await OperatorHarness.EventuallyAsync(
            () => http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics")).GetAwaiter().GetResult(),
            text => text.Contains("parley_tuned_max_model_len{", StringComparison.Ordinal), "the tuned gauges");
        await probes.StopAsync();
        return PrometheusText.SeriesNames(scrape);
    }
}
