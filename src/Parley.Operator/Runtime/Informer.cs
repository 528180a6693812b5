// List-then-watch for one kind, keeping an ObjectCache current. A watch that ends is resumed from the last
// resourceVersion seen; a watch that fails (410 Gone, a broken stream, an ERROR event) is replaced by a fresh list.
// Every resync period all cached objects are announced again, so level-based reconcilers revisit them.
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Parley.Operator.Runtime;

/// <summary>Lists every object of a kind, with the list's resourceVersion.</summary>
public delegate Task<(IReadOnlyList<T> Items, string ResourceVersion)> ListFunc<T>(CancellationToken cancellationToken);

/// <summary>Watches a kind from a resourceVersion.</summary>
public delegate IAsyncEnumerable<(WatchEventType Type, T Object)> WatchFunc<T>(string resourceVersion, CancellationToken cancellationToken);

/// <summary>An informer the host can start and wait on, whatever its kind.</summary>
public interface IInformer
{
    string Name { get; }
    bool HasSynced { get; }
    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>Keeps a cache of one kind and tells handlers about every change.</summary>
public sealed partial class Informer<T>(string name, ListFunc<T> list, WatchFunc<T> watch, TimeSpan resyncPeriod, ILogger logger) : IInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly BackoffLimiter _relistBackoff = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(30));

    public string Name => name;

    public ObjectCache<T> Cache { get; } = new();

    public bool HasSynced => Cache.HasSynced;

    /// <summary>Raised for every added, modified (or resynced) and deleted object. Handlers must only enqueue.</summary>
    public event Action<WatchEventType, T>? Changed;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var resync = new PeriodicTimer(resyncPeriod);
        var resyncLoop = ResyncAsync(resync, cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var resourceVersion = await ListAsync(cancellationToken).ConfigureAwait(false);
                _relistBackoff.Forget(name);
                await WatchAsync(resourceVersion, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var delay = _relistBackoff.When(name);
                LogRelist(logger, name, e.Message, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }

        await resyncLoop.ConfigureAwait(false);
    }

    private async Task<string> ListAsync(CancellationToken cancellationToken)
    {
        var (items, resourceVersion) = await list(cancellationToken).ConfigureAwait(false);
        var (current, deleted) = Cache.Replace(items);
        Cache.HasSynced = true;
        foreach (var gone in deleted)
        {
            Changed?.Invoke(WatchEventType.Deleted, gone);
        }

        foreach (var obj in current)
        {
            Changed?.Invoke(WatchEventType.Added, obj);
        }

        return resourceVersion;
    }

    /// <summary>Watches until the stream fails; a stream the server ends normally is resumed where it stopped.</summary>
    private async Task WatchAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await foreach (var (type, obj) in watch(resourceVersion, cancellationToken).ConfigureAwait(false))
            {
                if (type == WatchEventType.Error)
                {
                    throw new WatchExpiredException($"The {name} watch reported an error; relisting.");
                }

                resourceVersion = obj.Metadata?.ResourceVersion ?? resourceVersion;
                if (type == WatchEventType.Bookmark || IsAlreadyCached(type, obj))
                {
                    continue;
                }

                if (type == WatchEventType.Deleted)
                {
                    Cache.Delete(obj);
                }
                else
                {
                    Cache.Set(obj);
                }

                Changed?.Invoke(type, obj);
            }
        }
    }

    /// <summary>Whether the event only echoes what the cache already holds: the operator's own write, put into the cache
    /// when the API server answered it (or its own delete, already removed). The reconcile that wrote it knew the result,
    /// so waking its owner again would only repeat that reconcile.</summary>
    private bool IsAlreadyCached(WatchEventType type, T obj)
    {
        var cached = Cache.Get(ObjectKeys.KeyOf(obj));
        return type == WatchEventType.Deleted
            ? cached is null
            : cached is not null && cached.Metadata.ResourceVersion == obj.Metadata.ResourceVersion;
    }

    private async Task ResyncAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var obj in Cache.List())
                {
                    Changed?.Invoke(WatchEventType.Modified, obj);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Relisting {Informer} in {Delay}: {Reason}")]
    private static partial void LogRelist(ILogger logger, string informer, string reason, TimeSpan delay);
}

/// <summary>A watch that cannot be resumed; the informer lists again.</summary>
public sealed class WatchExpiredException(string message) : Exception(message);
