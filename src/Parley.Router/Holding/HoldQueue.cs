// Requests that arrive while no replica is ready wait here, first in first out, instead of failing: a ChatDeployment
// scaled to zero wakes on its first request. The queue is bounded in size and in time so that a deployment that cannot
// start (no GPU fits) answers 503 rather than piling up connections. Release hands tickets out in arrival order; each
// released request then routes itself.

namespace Parley.Router.Holding;

/// <summary>A bounded FIFO of requests waiting for a ready replica.</summary>
public sealed class HoldQueue(int capacity, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<HoldTicket> _waiting = new();
    private long _releasedCount;

    /// <summary>Raised (outside the lock) when a request starts waiting in an empty queue: a new need for a replica,
    /// which the wake requester answers at once however recently it asked before.</summary>
    public event Action? HoldingStarted;

    public int Capacity => capacity;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>How long the oldest waiting request has waited; zero when none waits.</summary>
    public TimeSpan OldestAge
    {
        get
        {
            lock (_gate)
            {
                return _waiting.First is { } first ? time.GetElapsedTime(first.Value.EnqueuedAt) : TimeSpan.Zero;
            }
        }
    }

    /// <summary>A place in the queue, or null when it is full.</summary>
    public HoldTicket? TryEnter()
    {
        HoldTicket ticket;
        bool first;
        lock (_gate)
        {
            if (_waiting.Count >= capacity)
            {
                return null;
            }

            first = _waiting.Count == 0;
            ticket = new HoldTicket(time.GetTimestamp());
            ticket.Node = _waiting.AddLast(ticket);
        }

        if (first)
        {
            HoldingStarted?.Invoke();
        }

        return ticket;
    }

    /// <summary>Waits until <see cref="ReleaseAll"/>, <paramref name="timeout"/> or the client leaving; a ticket that does
    /// not end released has left the queue.</summary>
    public async Task<HoldOutcome> WaitAsync(HoldTicket ticket, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        try
        {
            await ticket.Released.Task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            return HoldOutcome.Released;
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            // A release that raced the timeout wins: the ticket has already left the queue and a replica is ready.
            return Leave(ticket) ? (exception is TimeoutException ? HoldOutcome.TimedOut : HoldOutcome.Abandoned) : HoldOutcome.Released;
        }
    }

    /// <summary>Releases every waiting request, oldest first.</summary>
    public void ReleaseAll()
    {
        List<HoldTicket> released;
        lock (_gate)
        {
            released = [.. _waiting];
            _waiting.Clear();
            foreach (var ticket in released)
            {
                ticket.Node = null;
                ticket.ReleaseOrder = ++_releasedCount;
            }
        }

        foreach (var ticket in released)
        {
            ticket.Released.TrySetResult();
        }
    }

    /// <summary>Removes a ticket that stopped waiting; false when a release took it first.</summary>
    private bool Leave(HoldTicket ticket)
    {
        lock (_gate)
        {
            if (ticket.Node is null)
            {
                return false;
            }

            _waiting.Remove(ticket.Node);
            ticket.Node = null;
            return true;
        }
    }
}

/// <summary>One held request's place in the queue.</summary>
public sealed class HoldTicket(long enqueuedAt)
{
    public long EnqueuedAt { get; } = enqueuedAt;

    /// <summary>1 for the first ticket the queue ever released, 2 for the next: arrival order, for tests and logs.</summary>
    public long ReleaseOrder { get; internal set; }

    internal TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal LinkedListNode<HoldTicket>? Node { get; set; }

    public override string ToString() => $"held since {EnqueuedAt}, released #{ReleaseOrder}";
}
