// The informer caches of the owned kinds, by model type, for the reconciler's reads.
using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Parley.Operator.Runtime;

namespace Parley.Operator.Kinds;

/// <summary>The caches the owned-kind informers fill.</summary>
public sealed class OwnedCaches
{
    private readonly ConcurrentDictionary<Type, object> _caches = new();

    internal void Add<T>(ObjectCache<T> cache)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => _caches[typeof(T)] = cache;

    /// <summary>The cache of <typeparamref name="T"/>, or null when its kind is not watched (a CRD not installed).</summary>
    public ObjectCache<T>? Of<T>()
        where T : class, IKubernetesObject<V1ObjectMeta>
        => _caches.TryGetValue(typeof(T), out var cache) ? (ObjectCache<T>)cache : null;
}
