// Every ~2 s the router reads each ready worker's /metrics (vLLM's load gauges) so that the load report carries the
// workers' own queue and KV-cache use: the operator then reads one address per ChatDeployment instead of every pod.
// A scrape that fails or times out leaves that worker's sample null until the next one succeeds.
using Microsoft.Extensions.Hosting;
using Parley.Router.Backends;

namespace Parley.Router.Load;

/// <summary>Scrapes the ready workers' load gauges on an interval.</summary>
public sealed class WorkerScraper(BackendPool pool, HttpClient http, TimeProvider time) : BackgroundService
{
    /// <summary>Twice per 5 s autoscaler interval, and cheap: one small GET per worker.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>A scrape slower than this is a failed one; it must end before the next interval.</summary>
    private static readonly TimeSpan ScrapeTimeout = TimeSpan.FromSeconds(1.5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                await ScrapeAllAsync(pool.Snapshot, stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Scrapes every ready backend of <paramref name="snapshot"/> once, in parallel.</summary>
    public Task ScrapeAllAsync(BackendSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        foreach (var backend in snapshot.All.Where(b => !b.IsReady))
        {
            backend.Sample = null;
        }

        return Task.WhenAll(snapshot.Ready.Select(b => ScrapeAsync(b, cancellationToken)));
    }

    private async Task ScrapeAsync(Backend backend, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ScrapeTimeout);
        try
        {
            var text = await http.GetStringAsync(new Uri($"{backend.Endpoint.BaseUrl}/metrics"), timeout.Token).ConfigureAwait(false);
            backend.Sample = new WorkerLoadSample(
                PrometheusText.Sum(text, "vllm:num_requests_running"),
                PrometheusText.Sum(text, "vllm:num_requests_waiting"),
                PrometheusText.Sum(text, "vllm:kv_cache_usage_perc"));
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            backend.Sample = null;
        }
    }
}
