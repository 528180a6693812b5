// The two moments of a scale decision nobody records with sub-second precision: when the router's wake annotation
// reached the ChatDeployment and when the operator set the worker Deployment's replicas (the annotation holds the
// time to the second, and Events and managedFields say whole seconds). Polls of the in-memory store every
// millisecond catch both to within a millisecond or two, at the cost of a small JSON copy per poll. They are watched
// apart because either may come first: the operator's periodic reading of the router's load also sees the held
// request, and scales without waiting for the annotation.
using Parley.Api.Contracts;

namespace Parley.Cluster.Bench;

/// <summary>Watches the wake annotation and the worker Deployment's spec.replicas.</summary>
internal static class ScaleWatch
{
    /// <summary>Completes with the time (UTC) the wake annotation was first seen changed from its value at this call.</summary>
    public static Task<DateTime> WhenWokenAsync(BenchCluster cluster, CancellationToken cancellationToken)
    {
        var before = WakeAnnotation(cluster);
        return WhenAsync(() => WakeAnnotation(cluster) != before, cancellationToken);
    }

    /// <summary>Completes with the time (UTC) the worker Deployment was first seen asking for one replica or more.</summary>
    public static Task<DateTime> WhenScaledUpAsync(BenchCluster cluster, CancellationToken cancellationToken) =>
        WhenAsync(() => cluster.WorkerReplicas is >= 1, cancellationToken);

    private static async Task<DateTime> WhenAsync(Func<bool> isSo, CancellationToken cancellationToken)
    {
        while (!isSo())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
        }

        return DateTime.UtcNow;
    }

    private static string? WakeAnnotation(BenchCluster cluster) =>
        cluster.ChatDeployment?["metadata"]?["annotations"]?[ScaleFromZero.WakeAnnotation]?.GetValue<string>();
}
