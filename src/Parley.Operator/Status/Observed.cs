// What the reconciler saw of the objects it applied, as the status computation needs it.
using k8s.Models;

namespace Parley.Operator.Status;

/// <summary>The worker, UI and router Deployments as the cluster reports them (null when absent).</summary>
public sealed record Observed(V1Deployment? Worker, V1Deployment? Ui, V1Deployment? Router = null)
{
    /// <summary>Whether a Deployment has rolled out its current generation and serves with every replica it wants.</summary>
    public static bool IsAvailable(V1Deployment? deployment)
    {
        if (deployment?.Status is not { } status)
        {
            return false;
        }

        var wanted = deployment.Spec?.Replicas ?? 1;
        var caughtUp = (status.ObservedGeneration ?? 0) >= (deployment.Metadata.Generation ?? 0);
        return caughtUp && (status.UpdatedReplicas ?? 0) >= wanted && (status.AvailableReplicas ?? 0) >= Math.Max(wanted, 1);
    }
}
