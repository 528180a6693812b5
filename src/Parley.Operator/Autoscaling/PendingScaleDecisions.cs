// The hand-off from the autoscaler's loop to the reconciler. The loop decides; the reconciler, the only writer of the
// worker Deployment and of status, applies the decision on its next pass (the loop enqueues the key). A decision lost to
// a failed reconcile is made again on the next interval, so taking it once is enough.
// A decision is only good for the state it was made against: the loop reads the cache, then the router's load over
// HTTP, and meanwhile the reconciler may have scaled (a wake from zero). A decision made against 1 replica before a
// scale to zero would otherwise read as current again once the wake brings 1 back, and stop the replica being woken.
// The status's lastScaleTime tells the two apart: every scaling rewrites it.
using System.Collections.Concurrent;

namespace Parley.Operator.Autoscaling;

/// <summary>The latest undelivered scaling decision per ChatDeployment key, with the scaling it was made after.</summary>
public sealed class PendingScaleDecisions
{
    private readonly ConcurrentDictionary<string, (ScaleDecision Decision, DateTime? MadeAfterScaleAt)> _decisions = new(StringComparer.Ordinal);

    /// <summary>Replaces any decision waiting for <paramref name="key"/>.</summary>
    /// <param name="key">The ChatDeployment's key.</param>
    /// <param name="decision">The decision.</param>
    /// <param name="madeAfterScaleAt">status.autoscaling.lastScaleTime as the loop read it.</param>
    public void Offer(string key, ScaleDecision decision, DateTime? madeAfterScaleAt) => _decisions[key] = (decision, madeAfterScaleAt);

    /// <summary>Removes the decision waiting for <paramref name="key"/> and returns it when no scaling happened since it
    /// was made (<paramref name="lastScaleAt"/> is still the one it was made after); null otherwise.</summary>
    public ScaleDecision? Take(string key, DateTime? lastScaleAt) =>
        _decisions.TryRemove(key, out var pending) && pending.MadeAfterScaleAt == lastScaleAt ? pending.Decision : null;
}
