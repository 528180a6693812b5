// The bounded window of past events a watch can resume from. A real API server keeps a similar window (the watch
// cache, ~100 events per resource by default, more for big clusters); resuming from before it answers 410 Expired.
namespace Parley.LocalCluster.Api;

/// <summary>The last <c>capacity</c> events, in resourceVersion order. Not thread-safe: the store's lock guards it.</summary>
internal sealed class EventHistory(int capacity)
{
    private readonly Queue<StoreEvent> _events = new();

    /// <summary>The resourceVersion of the newest event dropped from the window; 0 while nothing was dropped.</summary>
    public long TrimmedThrough { get; private set; }

    public void Add(StoreEvent storeEvent)
    {
        _events.Enqueue(storeEvent);
        while (_events.Count > capacity)
        {
            TrimmedThrough = _events.Dequeue().ResourceVersion;
        }
    }

    /// <summary>The events after <paramref name="resourceVersion"/>, or false when some of them were already dropped.</summary>
    public bool TryGetAfter(long resourceVersion, out IReadOnlyList<StoreEvent> events)
    {
        if (resourceVersion < TrimmedThrough)
        {
            events = [];
            return false;
        }

        events = _events.Where(e => e.ResourceVersion > resourceVersion).ToList();
        return true;
    }
}
