// Router-wide request counts for the load report: the operator's autoscaler reads requests_total's rate and
// last_request_at and last_finished_at (idle scale-to-zero) from here rather than from Prometheus, which a cluster may not run.
namespace Parley.Router.Load;

/// <summary>Requests received and in flight since the router started.</summary>
public sealed class RequestCounters(TimeProvider time)
{
    private long _total;
    private int _inFlight;
    private long _lastArrivalTicks = -1;
    private long _lastFinishTicks = -1;

    public long Total => Interlocked.Read(ref _total);

    public int InFlightCount => Volatile.Read(ref _inFlight);

    public DateTimeOffset? LastRequestAt => AsTime(Interlocked.Read(ref _lastArrivalTicks));

    /// <summary>When the last proxied request finished: a long answer keeps a replica busy long after it arrived.</summary>
    public DateTimeOffset? LastFinishedAt => AsTime(Interlocked.Read(ref _lastFinishTicks));

    public void Arrived()
    {
        Interlocked.Increment(ref _total);
        Interlocked.Exchange(ref _lastArrivalTicks, time.GetUtcNow().UtcTicks);
    }

    public void Forwarding() => Interlocked.Increment(ref _inFlight);

    public void Finished()
    {
        Interlocked.Exchange(ref _lastFinishTicks, time.GetUtcNow().UtcTicks);
        Interlocked.Decrement(ref _inFlight);
    }

    private static DateTimeOffset? AsTime(long ticks) => ticks >= 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
}
