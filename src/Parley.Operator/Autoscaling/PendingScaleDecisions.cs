// The hand-off from the autoscaler's loop to the reconciler. The loop decides; the reconciler, the only writer of the
// worker Deployment and of status, applies the decision on its next pass (the loop enqueues the key). A decision lost to
// a failed reconcile is made again on the next interval, so taking it once is enough.
using System.Collections.Concurrent;

namespace Parley.Operator.Autoscaling;

/// <summary>The latest undelivered scaling decision per ChatDeployment key.</summary>
public sealed class PendingScaleDecisions
{
    private readonly ConcurrentDictionary<string, ScaleDecision> _decisions = new(StringComparer.Ordinal);

    /// <summary>Replaces any decision waiting for <paramref name="key"/>.</summary>
    public void Offer(string key, ScaleDecision decision) => _decisions[key] = decision;

    /// <summary>Removes and returns the decision waiting for <paramref name="key"/>, if any.</summary>
    public ScaleDecision? Take(string key) => _decisions.TryRemove(key, out var decision) ? decision : null;
}
