// The fake API server's etcd: objects as JSON, one global resourceVersion counter, the event history and the open
// watches. Every write goes through Write or Remove under one lock, so resourceVersions, the history and what each
// watch sees are in one order. Tests use the public methods to seed and inspect state without HTTP.
using System.Globalization;
using System.Text.Json.Nodes;
using k8s;

namespace Parley.LocalCluster.Api;

/// <summary>The objects the fake API server holds, with synchronous access for tests.</summary>
/// <remarks>
/// Objects handed out are copies; change one and write it back with <see cref="Upsert(string, JsonObject)"/>.
/// <c>resource</c> arguments are a plural (<c>deployments</c>) or <c>plural.group</c> (<c>events.events.k8s.io</c>).
/// </remarks>
public sealed class ObjectStore
{
    private readonly Dictionary<ObjectKey, JsonObject> _objects = [];
    private readonly List<WatchSubscription> _watches = [];
    private readonly EventHistory _history;
    private readonly TimeProvider _time;
    private long _resourceVersion;

    internal ObjectStore(ResourceTable resources, int historyLimit, TimeProvider time)
    {
        Resources = resources;
        _history = new EventHistory(historyLimit);
        _time = time;
    }

    public ResourceTable Resources { get; }

    /// <summary>The newest resourceVersion handed out.</summary>
    public long ResourceVersion
    {
        get
        {
            lock (Gate)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>How many watches are open now.</summary>
    public int OpenWatchCount
    {
        get
        {
            lock (Gate)
            {
                return _watches.Count;
            }
        }
    }

    internal Lock Gate { get; } = new();

    public JsonObject? Get(string resource, string? ns, string name)
    {
        lock (Gate)
        {
            return Find(Key(Resources.Resolve(resource), ns, name))?.DeepClone().AsObject();
        }
    }

    /// <summary>The object as a KubernetesClient model, such as <c>Get&lt;V1Deployment&gt;("default", "chat-worker")</c>.</summary>
    public T? Get<T>(string? ns, string name)
        where T : class
    {
        var json = Get(Resources.Resolve(typeof(T)).GroupResource, ns, name);
        return json is null ? null : KubernetesJson.Deserialize<T>(json.ToJsonString());
    }

    /// <summary>The objects of a resource, in one namespace or (null) all, ordered by namespace and name.</summary>
    public IReadOnlyList<JsonObject> List(string resource, string? ns = null)
    {
        var type = Resources.Resolve(resource);
        lock (Gate)
        {
            return Entries(type, ns).Select(e => e.Object.DeepClone().AsObject()).ToList();
        }
    }

    /// <summary>Creates or replaces an object without HTTP, validation or resourceVersion checks, status included.</summary>
    /// <remarks>Watches see ADDED or MODIFIED. Use it to seed nodes or to play the kubelet (mark a Deployment available).</remarks>
    public JsonObject Upsert(string resource, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var type = Resources.Resolve(resource);
        lock (Gate)
        {
            return ObjectWrites.Upsert(this, type, obj.DeepClone().AsObject()).DeepClone().AsObject();
        }
    }

    /// <summary>Creates or replaces a KubernetesClient model object; see <see cref="Upsert(string, JsonObject)"/>.</summary>
    public JsonObject Upsert<T>(T obj)
        where T : class, IKubernetesObject
    {
        var json = JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();
        return Upsert(Resources.Resolve(typeof(T)).GroupResource, json);
    }

    /// <summary>Reads an object, applies <paramref name="change"/> to a copy and writes it back; null when it does not exist.</summary>
    public JsonObject? Update(string resource, string? ns, string name, Action<JsonObject> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var type = Resources.Resolve(resource);
        lock (Gate)
        {
            var stored = Find(Key(type, ns, name));
            if (stored is null)
            {
                return null;
            }

            var copy = stored.DeepClone().AsObject();
            change(copy);
            return ObjectWrites.Upsert(this, type, copy).DeepClone().AsObject();
        }
    }

    /// <summary>Deletes as the API does (finalizers delay removal; owned objects are collected); false when it does not exist.</summary>
    public bool Delete(string resource, string? ns, string name)
    {
        var type = Resources.Resolve(resource);
        lock (Gate)
        {
            var key = Key(type, ns, name);
            if (Find(key) is null)
            {
                return false;
            }

            ObjectDeletion.Delete(this, key, DeletePropagation.Background);
            return true;
        }
    }

    internal static ObjectKey Key(ResourceType type, string? ns, string name) =>
        new(type, type.IsNamespaced ? ns ?? "" : "", name);

    internal static ObjectKey KeyOf(ResourceType type, JsonObject obj) => Key(type, obj.Namespace(), obj.Name());

    /// <summary>The stored object itself (not a copy); callers hold <see cref="Gate"/> and never mutate it.</summary>
    internal JsonObject? Find(ObjectKey key) => _objects.GetValueOrDefault(key);

    internal IEnumerable<(ObjectKey Key, JsonObject Object)> Entries(ResourceType type, string? ns) =>
        _objects
            .Where(p => p.Key.Type == type && (ns is null || p.Key.Namespace == ns))
            .OrderBy(p => p.Key.Namespace, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Name, StringComparer.Ordinal)
            .Select(p => (p.Key, p.Value));

    internal IEnumerable<(ObjectKey Key, JsonObject Object)> AllEntries() => _objects.Select(p => (p.Key, p.Value)).ToList();

    internal string Now() => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>Stores <paramref name="obj"/> under a new resourceVersion and tells the watches. Caller holds <see cref="Gate"/>.</summary>
    internal JsonObject Write(ObjectKey key, JsonObject obj, string eventType)
    {
        obj["apiVersion"] = key.Type.ApiVersion;
        obj["kind"] = key.Type.Kind;
        var resourceVersion = ++_resourceVersion;
        obj.SetMetadata("resourceVersion", resourceVersion.ToString(CultureInfo.InvariantCulture));
        _objects[key] = obj;
        Publish(new StoreEvent(eventType, key.Type, key.Namespace, obj.DeepClone().AsObject(), resourceVersion));
        return obj;
    }

    /// <summary>Removes the object for good, tells the watches, then collects what it owned. Caller holds <see cref="Gate"/>.</summary>
    internal JsonObject Remove(ObjectKey key, JsonObject lastState, DeletePropagation propagation)
    {
        _objects.Remove(key);
        var resourceVersion = ++_resourceVersion;
        lastState.SetMetadata("resourceVersion", resourceVersion.ToString(CultureInfo.InvariantCulture));
        Publish(new StoreEvent("DELETED", key.Type, key.Namespace, lastState.DeepClone().AsObject(), resourceVersion));
        GarbageCollector.CollectDependents(this, lastState.Uid(), propagation);
        return lastState;
    }

    /// <summary>Opens a watch. Events before it are replayed from <paramref name="afterResourceVersion"/>, or, when null,
    /// every current object is announced as ADDED.</summary>
    /// <exception cref="ApiStatusException">410 Expired when the history no longer reaches back to <paramref name="afterResourceVersion"/>.</exception>
    internal WatchSubscription Subscribe(ResourceType type, string? ns, long? afterResourceVersion, out IReadOnlyList<StoreEvent> initial)
    {
        lock (Gate)
        {
            if (afterResourceVersion is { } after)
            {
                if (!_history.TryGetAfter(after, out var replay))
                {
                    throw ApiStatusException.Expired(after, _history.TrimmedThrough + 1);
                }

                initial = replay;
            }
            else
            {
                initial = Entries(type, ns)
                    .Select(e => new StoreEvent("ADDED", type, e.Key.Namespace, e.Object.DeepClone().AsObject(), long.Parse(e.Object.ResourceVersion() ?? "0", CultureInfo.InvariantCulture)))
                    .ToList();
            }

            var subscription = new WatchSubscription(type, ns, Unsubscribe);
            initial = initial.Where(subscription.Matches).ToList();
            _watches.Add(subscription);
            return subscription;
        }
    }

    /// <summary>Ends every open watch: cleanly, or by resetting the connection.</summary>
    internal void DropWatches(bool abortConnections)
    {
        List<WatchSubscription> open;
        lock (Gate)
        {
            open = [.. _watches];
        }

        foreach (var watch in open)
        {
            watch.Drop(abortConnections);
        }
    }

    private void Unsubscribe(WatchSubscription subscription)
    {
        lock (Gate)
        {
            _watches.Remove(subscription);
        }
    }

    private void Publish(StoreEvent storeEvent)
    {
        _history.Add(storeEvent);
        foreach (var watch in _watches)
        {
            if (watch.Matches(storeEvent))
            {
                watch.Events.Writer.TryWrite(storeEvent);
            }
        }
    }
}
