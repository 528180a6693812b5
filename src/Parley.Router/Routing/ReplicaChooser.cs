// Picks the replica for one attempt. Affinity is "consistent hashing with bounded loads" (Mirrokni, Thorup, Zadimoghaddam
// 2018, the algorithm in HAProxy and Vimeo's Skyfire): walk clockwise from the key and take the first replica whose
// in-flight count is under ceil(c * (total + 1) / n). With c >= 1 one replica is always under the bound, so no replica
// takes more than c times the mean while a conversation stays on its replica (and its prefix cache) as long as that
// holds. Requests without a key go to the least-loaded replica; round-robin exists for comparisons.
using Parley.Router.Backends;

namespace Parley.Router.Routing;

/// <summary>The routing policy over a snapshot of ready replicas.</summary>
public sealed class ReplicaChooser(RoutingPolicy policy, double loadFactor)
{
    private long _turn;

    /// <summary>The replica for an attempt, or null when no ready replica is left after <paramref name="excluded"/>.</summary>
    /// <param name="snapshot">The known replicas.</param>
    /// <param name="key">The request's routing key (see <see cref="RoutingKey"/>); null for requests without one.</param>
    /// <param name="excluded">The replica an earlier attempt failed on.</param>
    public ReplicaChoice? Choose(BackendSnapshot snapshot, ulong? key, Backend? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var ready = snapshot.Ready;
        if (!ready.Any(b => b != excluded))
        {
            return null;
        }

        return policy == RoutingPolicy.RoundRobin ? RoundRobin(ready, excluded)
            : key is { } hash ? Bounded(snapshot, hash, excluded)
            : LeastLoaded(ready, excluded, RouteDecision.LeastLoaded, "no routing key");
    }

    /// <summary>The in-flight bound of each replica: ceil(c * (total + 1) / n), counting the request being placed.</summary>
    public static int Bound(double loadFactor, int totalInFlight, int replicaCount) =>
        (int)Math.Ceiling(loadFactor * (totalInFlight + 1) / replicaCount);

    private ReplicaChoice Bounded(BackendSnapshot snapshot, ulong key, Backend? excluded)
    {
        var ready = snapshot.Ready;
        var bound = Bound(loadFactor, ready.Sum(b => b.InFlightCount), ready.Count);
        var first = true;
        foreach (var index in snapshot.Ring.Walk(key))
        {
            var backend = ready[index];
            if (backend != excluded && backend.InFlightCount < bound)
            {
                return new ReplicaChoice(backend, RouteDecision.Affinity, first,
                    first ? "affinity hit" : $"home over bound {bound}, next on ring");
            }

            first = false;
        }

        return LeastLoaded(ready, excluded, RouteDecision.Fallback, $"every replica over bound {bound}, least loaded");
    }

    private ReplicaChoice LeastLoaded(IReadOnlyList<Backend> ready, Backend? excluded, RouteDecision decision, string reason)
    {
        // Ties start from a rotating position, so requests without a key spread over idle replicas.
        var start = (int)(Interlocked.Increment(ref _turn) % ready.Count);
        Backend? best = null;
        for (var i = 0; i < ready.Count; i++)
        {
            var backend = ready[(start + i) % ready.Count];
            if (backend != excluded && (best is null || backend.InFlightCount < best.InFlightCount))
            {
                best = backend;
            }
        }

        return new ReplicaChoice(best!, decision, IsAffinityHit: false, reason);
    }

    private ReplicaChoice RoundRobin(IReadOnlyList<Backend> ready, Backend? excluded)
    {
        var backend = ready[(int)((Interlocked.Increment(ref _turn) - 1) % ready.Count)];
        if (backend == excluded)
        {
            // A retry skips the failed replica and takes the one after it.
            backend = ready[(int)((Interlocked.Increment(ref _turn) - 1) % ready.Count)] is var next && next != excluded ? next : ready.First(b => b != excluded);
        }

        return new ReplicaChoice(backend, RouteDecision.RoundRobin, IsAffinityHit: false, "round-robin");
    }
}
