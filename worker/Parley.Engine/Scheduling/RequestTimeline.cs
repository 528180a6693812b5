// When one request reached each point of its life, as vLLM's per-request stats record it (v1/metrics/stats.py):
// arrival, first scheduled, first token, latest token. The phases vLLM's histograms show are differences of these:
//   queue = scheduled - arrival, prefill = first token - scheduled, decode = last token - first token,
//   inference = last token - scheduled (so prefill + decode = inference, to within a 100 ns TimeSpan tick).
// A preempted request that is scheduled again keeps its first scheduled time, as in vLLM: the recompute counts as
// inference, not queueing. The engine thread writes; any thread may read, so each stamp is one volatile long
// (Stopwatch ticks, 0 = not yet).
using System.Diagnostics;

namespace Parley.Engine.Scheduling;

/// <summary>A request's timestamps, written by the engine thread as it progresses.</summary>
public sealed class RequestTimeline
{
    private long _arrived = Stopwatch.GetTimestamp();
    private long _scheduled;
    private long _firstToken;
    private long _lastToken;

    /// <summary>Whether the request has been scheduled at least once.</summary>
    public bool IsScheduled => Volatile.Read(ref _scheduled) != 0;

    /// <summary>Whether it has produced at least one token.</summary>
    public bool HasToken => Volatile.Read(ref _firstToken) != 0;

    /// <summary>Arrival to first scheduled; zero until scheduled.</summary>
    public TimeSpan QueueTime => Between(ref _arrived, ref _scheduled);

    /// <summary>First scheduled to first token (the prompt's prefill and the first sample).</summary>
    public TimeSpan PrefillTime => Between(ref _scheduled, ref _firstToken);

    /// <summary>First token to the latest token.</summary>
    public TimeSpan DecodeTime => Between(ref _firstToken, ref _lastToken);

    /// <summary>First scheduled to the latest token: prefill plus decode.</summary>
    public TimeSpan InferenceTime => Between(ref _scheduled, ref _lastToken);

    /// <summary>Marks the request scheduled now, unless it already was (a preempted request keeps its first time).</summary>
    internal void MarkScheduled(long now) => Interlocked.CompareExchange(ref _scheduled, now, 0);

    /// <summary>Marks a token produced now: the first one also sets the first-token time.</summary>
    internal void MarkToken(long now)
    {
        if (Volatile.Read(ref _firstToken) == 0)
        {
            Volatile.Write(ref _firstToken, now);
        }

        Volatile.Write(ref _lastToken, now);
    }

    // Reads the later stamp first: the engine writes stamps in time order, so a reader racing it never pairs a new
    // start with an older end, and a stamp not yet written gives zero rather than a negative time.
    private static TimeSpan Between(ref long start, ref long end)
    {
        var to = Volatile.Read(ref end);
        var from = Volatile.Read(ref start);
        return from == 0 || to == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(from, to);
    }
}
