// One reading of the router's load report, reduced to what the scaling rule uses.
using Parley.Api.Contracts;

namespace Parley.Operator.Autoscaling;

/// <summary>The load on a ChatDeployment's workers at one moment.</summary>
/// <param name="Held">Requests the router holds because no worker is ready.</param>
/// <param name="InFlight">Requests the router has proxied to workers and not finished.</param>
/// <param name="WorkerRequests">Running plus waiting requests as the ready workers' vLLM metrics report them.</param>
/// <param name="HighestKvCacheUsage">The fullest ready worker's KV-cache usage (0 to 1), or null when none reported one.</param>
/// <param name="LastActivityAt">When a request last arrived at or finished through the router, or null when none has
/// since it started.</param>
public sealed record LoadSample(int Held, int InFlight, double WorkerRequests, double? HighestKvCacheUsage, DateTimeOffset? LastActivityAt)
{
    /// <summary>Held requests plus those at the workers. The router's in-flight count and the workers' own running and
    /// waiting counts describe the same requests; the larger wins, so requests that reach a worker without passing the
    /// router are counted too.</summary>
    public double Requests => Held + Math.Max(InFlight, WorkerRequests);

    /// <summary>Nothing held, in flight, running or waiting.</summary>
    public bool IsIdle => Requests == 0;

    /// <summary>The later of two optional times.</summary>
    public static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    public static LoadSample From(RouterLoad load)
    {
        ArgumentNullException.ThrowIfNull(load);
        var ready = load.Backends.Where(backend => backend.Ready).ToList();
        var workerRequests = ready.Sum(backend => (backend.NumRequestsRunning ?? 0) + (backend.NumRequestsWaiting ?? 0));
        var kv = ready.Select(backend => backend.KvCacheUsage).OfType<double>().DefaultIfEmpty().Max();
        var anyKv = ready.Any(backend => backend.KvCacheUsage is not null);
        return new LoadSample(Math.Max(load.Held, 0), Math.Max(load.InFlight, 0), workerRequests, anyKv ? kv : null, Later(load.LastRequestAt, load.LastFinishedAt));
    }
}
