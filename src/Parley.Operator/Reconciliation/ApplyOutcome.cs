namespace Parley.Operator.Reconciliation;

/// <summary>What applying one desired object did, as controller-runtime's OperationResult says it.</summary>
public enum ApplyOutcome
{
    Unchanged,
    Created,
    Updated,
    Deleted,
}
