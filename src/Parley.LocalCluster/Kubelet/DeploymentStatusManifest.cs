// A Deployment's status from its local pods, as the deployment controller computes it (a pod counts as available as
// soon as it is ready: minReadySeconds is not modelled).
using k8s.Models;

namespace Parley.LocalCluster.Kubelet;

/// <summary>Builds Deployment status from local pods.</summary>
public static class DeploymentStatusManifest
{
    public static V1DeploymentStatus Build(V1Deployment deployment, IReadOnlyCollection<LocalPod> pods, string currentHash)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(pods);
        var live = pods.Where(pod => !pod.State.IsTerminating).ToList();
        var ready = live.Count(pod => pod.State.IsReady);
        var desired = deployment.Spec.Replicas ?? 1;
        var isAvailable = ready >= desired;
        return new V1DeploymentStatus
        {
            ObservedGeneration = deployment.Metadata.Generation,
            Replicas = live.Count,
            ReadyReplicas = ready,
            AvailableReplicas = ready,
            UpdatedReplicas = live.Count(pod => pod.TemplateHash == currentHash),
            UnavailableReplicas = Math.Max(0, desired - ready),
            Conditions =
            [
                new V1DeploymentCondition
                {
                    Type = "Available",
                    Status = isAvailable ? "True" : "False",
                    Reason = isAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                    Message = isAvailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
                },
                new V1DeploymentCondition { Type = "Progressing", Status = "True", Reason = "NewReplicaSetAvailable" },
            ],
        };
    }
}
