// The worker's metrics as scraped: a worker serving a tiny random model answers one chat and one bad request (so the
// error counter has a series), then its /metrics is read.
using System.Net;
using Parley.Engine.Models;
using Parley.Testing.Worker;

namespace Parley.Chart.Tests.Dashboards;

internal static class WorkerScrape
{
    public static async Task<IReadOnlySet<string>> SeriesNamesAsync()
    {
        await using var worker = await RunningWorker.StartAsync(options => options with { MaxNumSeqs = 2 }, spec: new TinyModelSpec { MaxPositionEmbeddings = 128 });
        using var chat = await worker.Http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), Json("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":3,"ignore_eos":true}"""));
        chat.StatusCode.Should().Be(HttpStatusCode.OK);
        using var bad = await worker.Http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), Json("""{"messages":[],"temperature":"hot"}"""));
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var scrape = await worker.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return PrometheusText.SeriesNames(scrape);
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}

/// <summary>Reads a Prometheus text exposition.</summary>
internal static class PrometheusText
{
    public static IReadOnlySet<string> SeriesNames(string scrape) =>
        scrape.Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#')).Select(line => line[..line.IndexOfAny(['{', ' '])]).ToHashSet();
}
