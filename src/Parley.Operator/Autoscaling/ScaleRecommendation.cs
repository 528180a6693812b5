// The scaling rule for one reading, before stabilization; like the HPA's:
//   desired = ceil(requests / targetInFlightPerReplica), kept at the current count within a 10% tolerance,
//   at least current + 1 when a ready worker's KV cache is above kvCacheUsageHigh, clamped to [max(min, 1), max];
//   held requests at zero replicas wake at least one at once; zero only with minReplicas 0, after scaleToZeroAfter
//   without any request and with nothing held or in flight.
// Every result carries a sentence with the figures it came from: it becomes the Event and status.autoscaling.lastDecision.
using System.Globalization;
using Parley.Api;

namespace Parley.Operator.Autoscaling;

/// <summary>A replica count for one reading, and why.</summary>
/// <param name="Replicas">The recommended count.</param>
/// <param name="Reason">The figures behind it, as a sentence.</param>
/// <param name="IsIdle">Scaling to zero after the idle time: the idle time already proved the load low, so scale-down
/// stabilization does not delay it again.</param>
public sealed record ScaleRecommendation(int Replicas, string Reason, bool IsIdle = false)
{
    /// <summary>The HPA's default tolerance: a load within 10% of the current capacity changes nothing, so small
    /// fluctuations do not add and remove replicas.</summary>
    public const double Tolerance = 0.1;

    /// <summary>Recommends a replica count for <paramref name="current"/> replicas under <paramref name="load"/>.</summary>
    /// <param name="settings">The ChatDeployment's autoscaling settings.</param>
    /// <param name="current">The replicas the worker Deployment is set to.</param>
    /// <param name="load">The router's reading.</param>
    /// <param name="lastActivity">The last request, or the last scaling when later or when no request is known.</param>
    /// <param name="now">The time of the reading.</param>
    public static ScaleRecommendation For(AutoscalingSettings settings, int current, LoadSample load, DateTimeOffset lastActivity, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(load);
        var requests = load.Requests;
        var target = settings.TargetInFlightPerReplica;
        var figures = Figures(load);
        if (settings is { MinReplicas: 0, ScaleToZeroAfter: { } idleLimit } && load.IsIdle && now - lastActivity >= idleLimit)
        {
            var idle = Durations.Format(now - lastActivity);
            return new ScaleRecommendation(0, $"no request for {idle} (scaleToZeroAfter {Durations.Format(idleLimit)}) and nothing held or in flight.", IsIdle: true);
        }

        var floor = Math.Max(settings.MinReplicas, 1);
        if (current == 0 && load.IsIdle)
        {
            // Resting at zero: only a request (held, or the wake annotation) brings a replica back.
            return settings.MinReplicas == 0
                ? new ScaleRecommendation(0, "no requests.", IsIdle: true)
                : new ScaleRecommendation(floor, $"minReplicas is {settings.MinReplicas}.");
        }

        var wanted = (int)Math.Ceiling(requests / target);
        var reason = $"{figures} need {wanted} replica{(wanted == 1 ? "" : "s")} at {target} per replica";
        if (current > 0 && Math.Abs(requests / ((double)current * target) - 1) <= Tolerance)
        {
            wanted = current;
            reason = $"{figures} are within {Percent(Tolerance)} of {current} replica{(current == 1 ? "" : "s")} at {target} per replica";
        }

        if (load.HighestKvCacheUsage is { } kv && kv > settings.KvCacheUsageHigh && current > 0 && wanted <= current)
        {
            wanted = current + 1;
            reason = $"a ready worker's KV cache is {Percent(kv)} full, above kvCacheUsageHigh {Percent(settings.KvCacheUsageHigh)} ({figures})";
        }

        if (current == 0 && load.Held > 0)
        {
            reason = $"{load.Held} request{(load.Held == 1 ? " is" : "s are")} held at 0 ready replicas; {reason}";
        }

        return Clamp(settings, wanted, floor, reason);
    }

    private static ScaleRecommendation Clamp(AutoscalingSettings settings, int wanted, int floor, string reason)
    {
        if (wanted > settings.MaxReplicas)
        {
            return new ScaleRecommendation(settings.MaxReplicas, $"{reason}, limited to maxReplicas {settings.MaxReplicas}.");
        }

        return wanted < floor
            ? new ScaleRecommendation(floor, $"{reason}, raised to {(settings.MinReplicas == 0 ? "1 until the idle time passes" : $"minReplicas {settings.MinReplicas}")}.")
            : new ScaleRecommendation(wanted, reason + ".");
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string Figures(LoadSample load)
    {
        var requests = load.Requests.ToString("0.##", CultureInfo.InvariantCulture);
        var atWorkers = Math.Max(load.InFlight, load.WorkerRequests).ToString("0.##", CultureInfo.InvariantCulture);
        return $"{requests} request{(load.Requests == 1 ? "" : "s")} ({load.Held} held, {atWorkers} at the workers)";
    }
}
