namespace Parley.Operator.Reconciliation;

/// <summary>Brings the object behind one work-queue key to the level it should be at.</summary>
public interface IReconciler
{
    /// <summary>Reconciles <paramref name="key"/> ("namespace/name"); an exception means: retry with backoff.</summary>
    Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken);
}
