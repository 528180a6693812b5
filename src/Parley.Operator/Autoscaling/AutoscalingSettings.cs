// spec.worker.autoscaling with every default resolved, including the one that depends on the plan.
using Parley.Api;
using Parley.Api.Spec;

namespace Parley.Operator.Autoscaling;

/// <summary>The autoscaler's settings for one ChatDeployment.</summary>
/// <param name="MinReplicas">Fewest replicas; 0 allows scaling to zero.</param>
/// <param name="MaxReplicas">Most replicas.</param>
/// <param name="TargetInFlightPerReplica">Requests one replica should carry.</param>
/// <param name="KvCacheUsageHigh">KV-cache usage above which one more replica is added.</param>
/// <param name="ScaleDownDelay">How long a lower load must last before replicas are removed.</param>
/// <param name="ScaleToZeroAfter">Idle time before scaling to zero; null unless MinReplicas is 0.</param>
public sealed record AutoscalingSettings(
    int MinReplicas, int MaxReplicas, int TargetInFlightPerReplica, double KvCacheUsageHigh, TimeSpan ScaleDownDelay, TimeSpan? ScaleToZeroAfter)
{
    /// <summary>Scale-up looks back this far and goes to the highest recommendation seen: a burst that arrives over two
    /// intervals gets its replicas at once instead of one interval later. The HPA reacts to scale-up within 15 s too.</summary>
    public static readonly TimeSpan ScaleUpWindow = TimeSpan.FromSeconds(15);

    /// <summary>Reads <paramref name="autoscaling"/> (defaults applied or not); <paramref name="planMaxNumSeqs"/> is the
    /// target when none is set: a replica is full when its batch is.</summary>
    public static AutoscalingSettings From(AutoscalingSpec autoscaling, int planMaxNumSeqs)
    {
        ArgumentNullException.ThrowIfNull(autoscaling);
        var min = autoscaling.MinReplicas ?? 1;
        return new AutoscalingSettings(
            min,
            Math.Max(autoscaling.MaxReplicas ?? 1, 1),
            Math.Max(autoscaling.TargetInFlightPerReplica ?? planMaxNumSeqs, 1),
            autoscaling.KvCacheUsageHigh ?? Defaults.KvCacheUsageHigh,
            Durations.Of(autoscaling.ScaleDownDelay, Durations.Of(Defaults.ScaleDownDelay, TimeSpan.Zero)),
            min == 0 ? Durations.Of(autoscaling.ScaleToZeroAfter, Durations.Of(Defaults.ScaleToZeroAfter, TimeSpan.Zero)) : null);
    }

    /// <summary>The replica count a new ChatDeployment starts with: at least one, so the model is loaded and checked once
    /// before the first idle period can scale it to zero.</summary>
    public int InitialReplicas => Math.Max(MinReplicas, 1);
}
