// The router's Prometheus metrics, in their own registry (tests run several routers in one process). Requests are counted
// by how they were routed and how they ended, so a dashboard can show the affinity hit rate, spills over the load bound
// and what scale-from-zero costs (held requests and their wait).
using Parley.Router.Backends;
using Prometheus;

namespace Parley.Router.Metrics;

/// <summary>Every metric the router exports.</summary>
public sealed class RouterMetrics
{
    // Waits from a warm replica's few milliseconds to a cold start's minutes (image pull, model load), up to the
    // default 600 s hold timeout.
    private static readonly double[] HoldBuckets = [0.01, 0.1, 0.5, 1, 2.5, 5, 10, 20, 40, 60, 120, 240, 480, 600];

    public RouterMetrics(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registry = registry;
        var metrics = Prometheus.Metrics.WithCustomRegistry(registry);
        Requests = metrics.CreateCounter("parley_router_requests_total", "Requests proxied or refused, by routing decision and result.", ["decision", "result"]);
        Held = metrics.CreateGauge("parley_router_held_requests", "Requests waiting for a ready replica.");
        HoldSeconds = metrics.CreateHistogram("parley_router_hold_seconds", "Time requests waited for a ready replica.", new HistogramConfiguration { Buckets = HoldBuckets });
        InFlight = metrics.CreateGauge("parley_router_in_flight", "Requests in flight to each backend.", ["backend"]);
        AffinityHits = metrics.CreateCounter("parley_router_affinity_hits_total", "Requests routed to their routing key's home replica.");
        Retries = metrics.CreateCounter("parley_router_retries_total", "Requests retried on another replica after a 503 or a connection failure.");
    }

    public CollectorRegistry Registry { get; }
    public Counter Requests { get; }
    public Gauge Held { get; }
    public Histogram HoldSeconds { get; }
    public Gauge InFlight { get; }
    public Counter AffinityHits { get; }
    public Counter Retries { get; }

    /// <summary>Drops the in-flight series of backends that left, so a scaled-down replica does not linger as a flat line.</summary>
    public void Forget(IEnumerable<Backend> removed)
    {
        ArgumentNullException.ThrowIfNull(removed);
        foreach (var backend in removed)
        {
            InFlight.RemoveLabelled(backend.Address);
        }
    }
}
