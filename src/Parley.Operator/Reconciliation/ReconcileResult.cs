namespace Parley.Operator.Reconciliation;

/// <summary>The outcomes of a reconcile besides an exception (which means: retry with backoff, counted as an error).</summary>
public sealed record ReconcileResult(TimeSpan? RequeueAfter, bool IsBackoff = false)
{
    /// <summary>Nothing more to do until something changes.</summary>
    public static ReconcileResult Done { get; } = new((TimeSpan?)null);

    /// <summary>Try again with the key's growing backoff, without counting an error: the failure is the spec's, already
    /// reported on the status (the API server rejected an object built from it), or a write met a cache that was behind
    /// the API server (409) and the watch will catch it up.</summary>
    public static ReconcileResult Backoff { get; } = new(null, IsBackoff: true);

    /// <summary>Look again after <paramref name="delay"/> even if nothing changes (e.g. waiting for a rollout).</summary>
    public static ReconcileResult After(TimeSpan delay) => new(delay);
}
