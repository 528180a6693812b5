// The worker's metrics as scraped: a worker serving a tiny random model answers one chat and one bad request (so the
// error counter has a series), then its /metrics is read.
using System.Net;
using Parley.Engine.Models;
using Parley.Testing;
using Parley.Worker;
using Parley.Worker.Hosting;

namespace Parley.Operator.Tests.Dashboards;

internal static class WorkerScrape
{
    public static async Task<IReadOnlySet<string>> SeriesNamesAsync()
    {
        var folder = Directory.CreateTempSubdirectory("parley-dashboard-worker-").FullName;
        try
        {
            TinyModel.Write(folder, new TinyModelSpec { MaxPositionEmbeddings = 128 }, seed: 1);
            var port = LoopbackPort.Free();
            await using var app = WorkerApp.Build(new WorkerOptions { Model = folder, Host = "127.0.0.1", Port = port, Device = "cpu", MaxNumSeqs = 2 });
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            for (var i = 0; i < 500 && (await http.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode != HttpStatusCode.OK; i++)
            {
                await Task.Delay(20);
            }

            using var chat = await http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), Json("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":3,"ignore_eos":true}"""));
            chat.StatusCode.Should().Be(HttpStatusCode.OK);
            using var bad = await http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), Json("""{"messages":[],"temperature":"hot"}"""));
            bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            var scrape = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            await app.StopAsync();
            return PrometheusText.SeriesNames(scrape);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}

/// <summary>Reads a Prometheus text exposition.</summary>
internal static class PrometheusText
{
    public static IReadOnlySet<string> SeriesNames(string scrape) =>
        scrape.Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#')).Select(line => line[..line.IndexOfAny(['{', ' '])]).ToHashSet();
}
