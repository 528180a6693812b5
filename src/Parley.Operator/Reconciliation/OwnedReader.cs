// Reads of owned objects as controller-runtime's client does them: from the informer cache when the owned-kinds table
// says so, from the API server otherwise. A cache may be behind the API server; a write based on it then gets 409
// (AlreadyExists on create, Conflict on update) and the reconcile is tried again once the watch has caught up.
// The answers of the operator's own writes go into the cache at once (client-go's MutationCache), so a reconcile that
// follows its own write does not read what it has just replaced.
using k8s;
using k8s.Models;
using Parley.Operator.Kinds;

namespace Parley.Operator.Reconciliation;

/// <summary>Reads owned objects through the owned-kinds table.</summary>
public sealed class OwnedReader(ClusterApi api, OwnedCaches caches)
{
    public ClusterApi Api => api;

    /// <summary>The object, or null when absent (or when its kind is not served: a CRD not installed).</summary>
    public Task<T?> GetAsync<T>(string ns, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var kind = OwnedKinds.Of(typeof(T));
        if (kind.ReadFrom == ReadSource.Api)
        {
            return api.GetAsync<T>(ns, name, cancellationToken);
        }

        // Read from a cache: a kind watched only when its CRD is installed has no objects when there is no cache.
        return Task.FromResult(caches.Of<T>()?.Get(ns, name));
    }

    /// <summary>Objects of <typeparamref name="T"/> in <paramref name="ns"/> carrying every label in <paramref name="selector"/>.</summary>
    /// <remarks>Only kinds read from a cache are listed: a list from the API server per reconcile is what the caches are for.</remarks>
    public IReadOnlyList<T> List<T>(string ns, IReadOnlyDictionary<string, string> selector)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(selector);
        return ListCached<T>(obj => obj.Metadata.NamespaceProperty == ns && Matches(obj.Metadata.Labels, selector));
    }

    /// <summary>Objects of <typeparamref name="T"/> in every namespace carrying every label in <paramref name="selector"/> (cached kinds only).</summary>
    public IReadOnlyList<T> ListEverywhere<T>(IReadOnlyDictionary<string, string> selector)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(selector);
        return ListCached<T>(obj => Matches(obj.Metadata.Labels, selector));
    }

    /// <summary>Records the answer of the operator's own write in the cache.</summary>
    public void Wrote<T>(T current)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => caches.Of<T>()?.SetIfNotOlder(current);

    /// <summary>Records the operator's own delete in the cache.</summary>
    public void Deleted<T>(T gone)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => caches.Of<T>()?.Remove(gone);

    private IReadOnlyList<T> ListCached<T>(Func<T, bool> predicate)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (OwnedKinds.Of(typeof(T)).ReadFrom != ReadSource.Cache)
        {
            throw new InvalidOperationException($"{typeof(T).Name} is not read from a cache; list it from one.");
        }

        return caches.Of<T>()?.List(predicate) ?? [];
    }

    private static bool Matches(IDictionary<string, string>? labels, IReadOnlyDictionary<string, string> selector) =>
        selector.All(pair => labels?.TryGetValue(pair.Key, out var value) == true && value == pair.Value);
}
