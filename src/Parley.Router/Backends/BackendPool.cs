// The router's set of workers. A source publishes whole sets; the pool keeps one Backend per address (so in-flight counts
// survive readiness flips), rebuilds the hash ring over the ready ones, and tells listeners (the hold queue, metrics)
// what changed. Readers take an immutable snapshot, so routing never locks.
using Parley.Router.Routing;

namespace Parley.Router.Backends;

/// <summary>The known workers and the ring over the ready ones.</summary>
public sealed class BackendPool
{
    private readonly Lock _gate = new();
    private Dictionary<string, Backend> _byAddress = new(StringComparer.Ordinal);
    private volatile BackendSnapshot _snapshot = BackendSnapshot.Empty;

    /// <summary>Raised after an update, with the backends that left; held requests are released from here.</summary>
    public event Action<BackendSnapshot, IReadOnlyList<Backend>>? Changed;

    public BackendSnapshot Snapshot => _snapshot;

    /// <summary>Replaces the known set with <paramref name="endpoints"/>.</summary>
    public void Update(IReadOnlyList<BackendEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        BackendSnapshot snapshot;
        List<Backend> removed;
        lock (_gate)
        {
            var next = new Dictionary<string, Backend>(StringComparer.Ordinal);
            foreach (var endpoint in endpoints)
            {
                var backend = _byAddress.TryGetValue(endpoint.Address, out var known) ? known : new Backend(endpoint);
                backend.Endpoint = endpoint;
                next[endpoint.Address] = backend;
            }

            removed = [.. _byAddress.Values.Where(b => !next.ContainsKey(b.Address))];
            _byAddress = next;
            snapshot = new BackendSnapshot([.. next.Values.OrderBy(b => b.Address, StringComparer.Ordinal)]);
            _snapshot = snapshot;
        }

        Changed?.Invoke(snapshot, removed);
    }
}

/// <summary>An immutable view: every known backend, the ready ones and the hash ring over them.</summary>
public sealed class BackendSnapshot
{
    public static readonly BackendSnapshot Empty = new([]);

    public BackendSnapshot(IReadOnlyList<Backend> all)
    {
        All = all;
        Ready = [.. all.Where(b => b.IsReady)];
        Ring = new HashRing(Ready.Select(b => b.Address));
    }

    public IReadOnlyList<Backend> All { get; }

    public IReadOnlyList<Backend> Ready { get; }

    /// <summary>Positions of <see cref="Ready"/> (by index) on the consistent-hash ring.</summary>
    public HashRing Ring { get; }
}
