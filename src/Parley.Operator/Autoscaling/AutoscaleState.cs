// status.autoscaling for the next reconcile, a pure function of the previous one, the spec, the loop's latest decision
// and the wake annotation. The worker Deployment's replicas come from its desiredReplicas, so the count survives an
// operator restart; when autoscaling is off there is no state and spec.worker.replicas rules as before.
//   no state yet          -> start at max(minReplicas, 1)
//   min or max changed    -> clamp into the new range at once
//   the loop decided      -> its decision (made against the count the status held)
//   at 0, wake annotation newer than the last scaling -> max(1, minReplicas) at once, without waiting for the loop
using System.Globalization;
using Parley.Api;
using Parley.Api.Contracts;
using Parley.Api.Status;

namespace Parley.Operator.Autoscaling;

/// <summary>Computes the next <see cref="AutoscalingStatus"/> (without currentReplicas, which comes from the cluster).</summary>
public static class AutoscaleState
{
    /// <summary>The next state, and the decision that changed it (null when the count stayed).</summary>
    public static (AutoscalingStatus State, ScaleDecision? Change) Next(
        ChatDeployment chat, AutoscalingSettings settings, ScaleDecision? pending, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(settings);
        var prior = chat.Status?.Autoscaling;
        if (prior?.DesiredReplicas is not { } current)
        {
            var initial = settings.InitialReplicas;
            return (new AutoscalingStatus
            {
                DesiredReplicas = initial,
                LastScaleTime = now,
                LastDecision = $"Started at {initial} replica{(initial == 1 ? "" : "s")} (minReplicas {settings.MinReplicas}, maxReplicas {settings.MaxReplicas}).",
            }, null);
        }

        var decision = Clamped(settings, current) ?? Woken(chat, settings, current, prior.LastScaleTime)
            ?? (pending is { IsChange: true } && pending.Current == current ? pending : null);
        if (decision is null)
        {
            return (new AutoscalingStatus { DesiredReplicas = current, LastScaleTime = prior.LastScaleTime, LastDecision = prior.LastDecision }, null);
        }

        return (new AutoscalingStatus { DesiredReplicas = decision.Desired, LastScaleTime = now, LastDecision = decision.Sentence }, decision);
    }

    private static ScaleDecision? Clamped(AutoscalingSettings settings, int current) =>
        current > settings.MaxReplicas
            ? new ScaleDecision(current, settings.MaxReplicas, $"maxReplicas is now {settings.MaxReplicas}.")
            : current < settings.MinReplicas
                ? new ScaleDecision(current, settings.MinReplicas, $"minReplicas is now {settings.MinReplicas}.")
                : null;

    private static ScaleDecision? Woken(ChatDeployment chat, AutoscalingSettings settings, int current, DateTime? lastScaleTime)
    {
        if (current != 0 || WakeRequestedAt(chat) is not { } requested || (lastScaleTime is { } last && requested <= DateTime.SpecifyKind(last, DateTimeKind.Utc)))
        {
            return null;
        }

        var replicas = Math.Max(1, settings.MinReplicas);
        return new ScaleDecision(0, replicas,
            $"the router holds a request (wake requested at {requested.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}).");
    }

    /// <summary>The time in the router's wake annotation, or null when absent or unreadable.</summary>
    public static DateTime? WakeRequestedAt(ChatDeployment chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return chat.Metadata.Annotations?.TryGetValue(ScaleFromZero.WakeAnnotation, out var text) == true
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime
            : null;
    }
}
