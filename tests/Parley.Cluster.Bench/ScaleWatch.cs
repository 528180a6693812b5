// The one moment of a cold start nobody records with sub-second precision: when the operator set the worker
// Deployment's replicas (its Event and managedFields times are whole seconds). A poll of the in-memory store every
// millisecond catches it to within a millisecond or two, at the cost of one small JSON copy per poll.
namespace Parley.Cluster.Bench;

/// <summary>Watches the worker Deployment's spec.replicas.</summary>
internal static class ScaleWatch
{
    /// <summary>Completes with the time (UTC) the worker Deployment was first seen asking for one replica or more.</summary>
    public static async Task<DateTime> WhenScaledUpAsync(BenchCluster cluster, CancellationToken cancellationToken)
    {
        while (cluster.WorkerReplicas is not >= 1)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
        }

        return DateTime.UtcNow;
    }
}
