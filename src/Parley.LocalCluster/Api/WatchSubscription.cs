// A watch's inbox. The store writes events into it under its lock, so a watch that subscribes under the same lock
// sees the initial state and then every later change exactly once.
using System.Threading.Channels;

namespace Parley.LocalCluster.Api;

/// <summary>One open watch: what it watches, its queue of events, and the signal that drops it.</summary>
internal sealed class WatchSubscription : IDisposable
{
    private readonly CancellationTokenSource _drop = new();
    private readonly Action<WatchSubscription> _unsubscribe;

    public WatchSubscription(ResourceType type, string? ns, Action<WatchSubscription> unsubscribe)
    {
        Type = type;
        Namespace = ns;
        _unsubscribe = unsubscribe;
    }

    public ResourceType Type { get; }

    /// <summary>The watched namespace; null for all namespaces or a cluster-scoped resource.</summary>
    public string? Namespace { get; }

    public Channel<StoreEvent> Events { get; } = Channel.CreateUnbounded<StoreEvent>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Cancelled when a fault drops this watch.</summary>
    public CancellationToken Dropped => _drop.Token;

    /// <summary>Whether the drop should reset the connection instead of ending the response cleanly.</summary>
    public bool IsAbortRequested { get; private set; }

    public bool Matches(StoreEvent storeEvent) =>
        storeEvent.Resource == Type && (Namespace is null || storeEvent.Namespace == Namespace);

    public void Drop(bool abortConnection)
    {
        IsAbortRequested |= abortConnection;
        try
        {
            _drop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The watch ended on its own meanwhile.
        }
    }

    public void Dispose()
    {
        _unsubscribe(this);
        Events.Writer.TryComplete();
        _drop.Dispose();
    }
}
