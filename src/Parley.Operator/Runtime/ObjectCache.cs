// The informer's local copy of one kind: what the operator reads instead of asking the API server.
using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace Parley.Operator.Runtime;

/// <summary>Objects of one kind by "namespace/name" (or "name" when cluster-scoped).</summary>
public sealed class ObjectCache<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<string, T> _objects = new(StringComparer.Ordinal);

    // The resourceVersion each object was deleted at, as the watch reported it, so that the answer of an earlier write
    // of the operator's, arriving after the deletion, does not bring the object back. Cleared when the key is seen
    // again and on every fresh list.
    private readonly ConcurrentDictionary<string, string?> _deletedAt = new(StringComparer.Ordinal);
    private readonly Lock _writeGate = new();

    /// <summary>Whether the first list has completed.</summary>
    public bool HasSynced { get; internal set; }

    public int Count => _objects.Count;

    public T? Get(string key) => _objects.GetValueOrDefault(key);

    public T? Get(string? ns, string name) => Get(ObjectKeys.Key(ns, name));

    public IReadOnlyList<T> List() => _objects.Values.ToList();

    public IReadOnlyList<T> List(Func<T, bool> predicate) => _objects.Values.Where(predicate).ToList();

    /// <summary>Stores an object the watch reported.</summary>
    internal void Set(T obj)
    {
        var key = ObjectKeys.KeyOf(obj);
        lock (_writeGate)
        {
            _deletedAt.TryRemove(key, out _);
            _objects[key] = obj;
        }
    }

    /// <summary>Removes an object the watch reported deleted, remembering when.</summary>
    internal void Delete(T obj)
    {
        var key = ObjectKeys.KeyOf(obj);
        lock (_writeGate)
        {
            _deletedAt[key] = obj.Metadata.ResourceVersion;
            _objects.TryRemove(key, out _);
        }
    }

    internal void Remove(T obj) => _objects.TryRemove(ObjectKeys.KeyOf(obj), out _);

    /// <summary>Stores the answer of the operator's own write unless the cache already holds a newer version, or the
    /// watch has reported the object deleted since (either may arrive before the answer is stored). resourceVersions are
    /// opaque, but etcd's are integers; like client-go's MutationCache, an unparsable one is treated as newer.</summary>
    internal void SetIfNotOlder(T obj)
    {
        var key = ObjectKeys.KeyOf(obj);
        lock (_writeGate)
        {
            if (_deletedAt.TryGetValue(key, out var deletedAt) && !IsOlder(deletedAt, obj.Metadata.ResourceVersion))
            {
                return;
            }

            _objects.AddOrUpdate(key, obj, (_, cached) => IsOlder(obj.Metadata.ResourceVersion, cached.Metadata.ResourceVersion) ? cached : obj);
        }
    }

    private static bool IsOlder(string? candidate, string? than) =>
        long.TryParse(candidate, System.Globalization.CultureInfo.InvariantCulture, out var a)
        && long.TryParse(than, System.Globalization.CultureInfo.InvariantCulture, out var b)
        && a < b;

    /// <summary>Replaces the contents with a fresh list and returns what changed, so handlers can be told.</summary>
    internal (IReadOnlyList<T> Added, IReadOnlyList<T> Deleted) Replace(IEnumerable<T> objects)
    {
        var fresh = objects.ToDictionary(ObjectKeys.KeyOf, StringComparer.Ordinal);
        _deletedAt.Clear();
        var deleted = _objects.Where(pair => !fresh.ContainsKey(pair.Key)).Select(pair => pair.Value).ToList();
        foreach (var gone in deleted)
        {
            Remove(gone);
        }

        foreach (var obj in fresh.Values)
        {
            Set(obj);
        }

        return (fresh.Values.ToList(), deleted);
    }
}

/// <summary>Cache and work-queue keys: "namespace/name", or "name" for cluster-scoped objects.</summary>
public static class ObjectKeys
{
    public static string KeyOf(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Key(obj.Metadata.NamespaceProperty, obj.Metadata.Name);
    }

    public static string Key(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : $"{ns}/{name}";

    /// <summary>Splits a key back into namespace (null when cluster-scoped) and name.</summary>
    public static (string? Namespace, string Name) Split(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (null, key) : (key[..slash], key[(slash + 1)..]);
    }
}
