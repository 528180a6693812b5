namespace Parley.Operator.Reconciliation;

/// <summary>The three outcomes of a reconcile besides an exception (which means: retry with backoff).</summary>
public sealed record ReconcileResult(TimeSpan? RequeueAfter)
{
    /// <summary>Nothing more to do until something changes.</summary>
    public static ReconcileResult Done { get; } = new((TimeSpan?)null);

    /// <summary>Look again after <paramref name="delay"/> even if nothing changes (e.g. waiting for a rollout).</summary>
    public static ReconcileResult After(TimeSpan delay) => new(delay);
}
