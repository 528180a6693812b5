// The worker's and the router's metrics as scraped: a worker serving a tiny random model, behind a router, answers one
// chat and one bad request (so the error counter has a series), then both /metrics are read.
using System.Net;
using Parley.Engine.Models;
using Parley.Router;
using Parley.Router.Hosting;
using Parley.Testing;
using Parley.Testing.Worker;

namespace Parley.Chart.Tests.Dashboards;

internal static class WorkerScrape
{
    /// <summary>The worker's series names and the router's.</summary>
    public static async Task<(IReadOnlySet<string> Worker, IReadOnlySet<string> Router)> SeriesNamesAsync()
    {
        await using var worker = await RunningWorker.StartAsync(options => options with { MaxNumSeqs = 2 }, spec: new TinyModelSpec { MaxPositionEmbeddings = 128 });
        var port = LoopbackPort.Free();
        await using var router = RouterApp.Build(new RouterOptions { Host = "127.0.0.1", Port = port, Backends = [worker.Http.BaseAddress!] });
        await router.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var chat = await http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), Json("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":3,"ignore_eos":true}"""));
        chat.StatusCode.Should().Be(HttpStatusCode.OK);
        using var bad = await http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), Json("""{"messages":[],"temperature":"hot"}"""));
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var workerScrape = await worker.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var routerScrape = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return (PrometheusText.SeriesNames(workerScrape), PrometheusText.SeriesNames(routerScrape));
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}

/// <summary>Reads a Prometheus text exposition.</summary>
internal static class PrometheusText
{
    public static IReadOnlySet<string> SeriesNames(string scrape) =>
        scrape.Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#')).Select(line => line[..line.IndexOfAny(['{', ' '])]).ToHashSet();
}
