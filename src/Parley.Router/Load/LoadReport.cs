// GET /v1/parley/router/load: the RouterLoad contract filled from the router's live state.
using Parley.Api.Contracts;
using Parley.Router.Backends;
using Parley.Router.Holding;

namespace Parley.Router.Load;

/// <summary>Builds the load report.</summary>
public static class LoadReport
{
    public static RouterLoad Build(BackendSnapshot snapshot, HoldQueue queue, RequestCounters counters)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(counters);
        return new RouterLoad
        {
            Held = queue.Count,
            OldestHeldSeconds = queue.OldestAge.TotalSeconds,
            InFlight = counters.InFlightCount,
            LastRequestAt = counters.LastRequestAt,
            LastFinishedAt = counters.LastFinishedAt,
            RequestsTotal = counters.Total,
            Backends = [.. snapshot.All.Select(b => new BackendLoad
            {
                Address = b.Address,
                Pod = b.Endpoint.Pod,
                Ready = b.IsReady,
                InFlight = b.InFlightCount,
                NumRequestsRunning = b.Sample?.NumRequestsRunning,
                NumRequestsWaiting = b.Sample?.NumRequestsWaiting,
                KvCacheUsage = b.Sample?.KvCacheUsage,
            })],
        };
    }
}
