// One worker while the router knows it: its endpoint (replaced on each discovery update), the requests the router has
// in flight to it, and the load its /metrics reported at the last scrape. Identity is the address, so in-flight counts
// survive an update that only flips readiness.
namespace Parley.Router.Backends;

/// <summary>A worker and the router's live view of its load.</summary>
public sealed class Backend(BackendEndpoint endpoint)
{
    private int _inFlightCount;

    public BackendEndpoint Endpoint { get; internal set; } = endpoint;

    public string Address => Endpoint.Address;

    public bool IsReady => Endpoint.IsReady;

    /// <summary>Requests forwarded to this worker and not finished.</summary>
    public int InFlightCount => Volatile.Read(ref _inFlightCount);

    /// <summary>The worker's own queue and KV use at the last scrape; null before the first or after a failed one.</summary>
    public WorkerLoadSample? Sample { get; set; }

    internal void Enter() => Interlocked.Increment(ref _inFlightCount);

    internal void Leave() => Interlocked.Decrement(ref _inFlightCount);

    public override string ToString() => Address;
}

/// <summary>vLLM's load gauges as one scrape of a worker's /metrics read them (summed over label sets).</summary>
public sealed record WorkerLoadSample(double? NumRequestsRunning, double? NumRequestsWaiting, double? KvCacheUsage);
