// The two moments of a scale decision nobody records with sub-second precision: when the router's wake annotation
// reached the ChatDeployment and when the operator set the worker Deployment's replicas (the annotation holds the
// request's time, and Events and managedFields say whole seconds). A poll of the in-memory store every millisecond
// catches both to within a millisecond or two, at the cost of two small JSON copies per poll.
using Parley.Api.Contracts;

namespace Parley.Cluster.Bench;

/// <summary>Watches the wake annotation and the worker Deployment's spec.replicas.</summary>
internal static class ScaleWatch
{
    /// <summary>Completes with the times (UTC) the wake annotation was first seen changed from what it was when this
    /// began, and the worker Deployment first seen asking for one replica or more.</summary>
    public static async Task<(DateTime WokenAt, DateTime ScaledAt)> WhenScaledUpAsync(BenchCluster cluster, CancellationToken cancellationToken)
    {
        var before = WakeAnnotation(cluster);
        DateTime? wokenAt = null;
        while (true)
        {
            var now = DateTime.UtcNow;
            wokenAt ??= WakeAnnotation(cluster) != before ? now : null;
            if (cluster.WorkerReplicas is >= 1)
            {
                return (wokenAt ?? now, now);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    private static string? WakeAnnotation(BenchCluster cluster) =>
        cluster.ChatDeployment?["metadata"]?["annotations"]?[ScaleFromZero.WakeAnnotation]?.GetValue<string>();
}
