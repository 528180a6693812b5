// Stabilization windows, as the HPA's behavior section has them: recommendations are remembered with their time;
// scaling up goes at once to the highest recommendation of the short up window, scaling down only to the highest
// recommendation over scaleDownDelay, so a replica is removed only after the load has been lower for that long.
// One per ChatDeployment, kept in memory by the autoscaler. The history before an operator restart is lost, so a new
// stabilizer starts as if the current count had just been recommended: the first scale-down after a restart waits a full
// scaleDownDelay instead of acting on one reading (an empty window would let a single quiet reading remove replicas).
using Parley.Api;

namespace Parley.Operator.Autoscaling;

/// <summary>Turns recommendations into scaling decisions for one ChatDeployment.</summary>
public sealed class Stabilizer
{
    private readonly List<(DateTimeOffset At, int Replicas)> _recommendations;

    /// <summary>A stabilizer for a ChatDeployment at <paramref name="current"/> replicas, first seen at <paramref name="now"/>.</summary>
    public Stabilizer(int current, DateTimeOffset now) => _recommendations = [(now, current)];

    /// <summary>Recommendations remembered (for tests of the pruning).</summary>
    public int RecommendationCount => _recommendations.Count;

    /// <summary>Records <paramref name="recommendation"/> and returns the replica count to set now, with the reason.</summary>
    public ScaleDecision Decide(AutoscalingSettings settings, int current, ScaleRecommendation recommendation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(recommendation);
        _recommendations.Add((now, recommendation.Replicas));
        var keep = settings.ScaleDownDelay > AutoscalingSettings.ScaleUpWindow ? settings.ScaleDownDelay : AutoscalingSettings.ScaleUpWindow;
        _recommendations.RemoveAll(r => now - r.At > keep);

        if (recommendation.IsIdle || recommendation.Replicas == current)
        {
            if (recommendation.Replicas == 0)
            {
                _recommendations.Clear(); // A fresh start after zero: the load before the idle time says nothing.
            }

            return new ScaleDecision(current, recommendation.Replicas, recommendation.Reason);
        }

        if (recommendation.Replicas > current)
        {
            var up = Highest(now, AutoscalingSettings.ScaleUpWindow);
            var reason = up > recommendation.Replicas
                ? $"{recommendation.Reason} The highest recommendation of the last {Durations.Format(AutoscalingSettings.ScaleUpWindow)} was {up}."
                : recommendation.Reason;
            return new ScaleDecision(current, up, reason);
        }

        var down = Math.Min(current, Highest(now, settings.ScaleDownDelay));
        return down == recommendation.Replicas
            ? new ScaleDecision(current, down, recommendation.Reason)
            : new ScaleDecision(current, down, $"{recommendation.Reason} Held at {down}: the highest recommendation of the last " +
                $"{Durations.Format(settings.ScaleDownDelay)} (scaleDownDelay).");
    }

    private int Highest(DateTimeOffset now, TimeSpan window) =>
        _recommendations.Where(r => now - r.At <= window).Select(r => r.Replicas).DefaultIfEmpty(0).Max();
}
