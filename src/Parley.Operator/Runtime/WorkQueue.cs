// A de-duplicating work queue of object keys, with client-go's guarantees: a key waits at most once however often it
// is added, is never processed by two workers at once, and a key added while it is processed runs again afterwards.
using System.Threading.Channels;

namespace Parley.Operator.Runtime;

/// <summary>Keys ("namespace/name") waiting for reconciliation.</summary>
public sealed class WorkQueue : IDisposable
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly HashSet<string> _processing = new(StringComparer.Ordinal);
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _shutdown = new();
    private bool _isShuttingDown;

    /// <summary>Keys waiting, not counting those being processed.</summary>
    public int Depth
    {
        get
        {
            lock (_gate)
            {
                // O(workers), not O(keys): it is read after every reconcile.
                return _dirty.Count - _processing.Count(_dirty.Contains);
            }
        }
    }

    /// <summary>Keys being processed right now.</summary>
    public int ProcessingCount
    {
        get
        {
            lock (_gate)
            {
                return _processing.Count;
            }
        }
    }

    /// <summary>Adds a key; a key already waiting is not added twice.</summary>
    public void Add(string key)
    {
        lock (_gate)
        {
            if (_isShuttingDown || !_dirty.Add(key) || _processing.Contains(key))
            {
                return;
            }
        }

        _ready.Writer.TryWrite(key);
    }

    /// <summary>Adds a key after a delay (a revisit or a backoff).</summary>
    public void AddAfter(string key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        _ = Task.Delay(delay, _shutdown.Token).ContinueWith(_ => Add(key), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    /// <summary>Waits for the next key and marks it as processing; null once shut down and drained.</summary>
    public async Task<string?> TakeAsync(CancellationToken cancellationToken)
    {
        while (await _ready.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!_ready.Reader.TryRead(out var key))
            {
                continue;
            }

            lock (_gate)
            {
                _processing.Add(key);
                _dirty.Remove(key);
                return key;
            }
        }

        return null;
    }

    /// <summary>Marks a key as processed; if it was added meanwhile, it waits again.</summary>
    public void Done(string key)
    {
        bool requeue;
        lock (_gate)
        {
            _processing.Remove(key);
            requeue = _dirty.Contains(key) && !_isShuttingDown;
        }

        if (requeue)
        {
            _ready.Writer.TryWrite(key);
        }
    }

    /// <summary>Stops accepting keys; keys already waiting can still be taken (drained).</summary>
    public void ShutDown()
    {
        lock (_gate)
        {
            _isShuttingDown = true;
        }

        _shutdown.Cancel();
        _ready.Writer.TryComplete();
    }

    public void Dispose()
    {
        ShutDown();
        _shutdown.Dispose();
    }
}
