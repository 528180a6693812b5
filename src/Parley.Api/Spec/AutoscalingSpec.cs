using System.ComponentModel.DataAnnotations;
using Parley.Api.Schema;

namespace Parley.Api.Spec;

/// <summary>
/// Worker autoscaling by the operator, from the load the router reports: requests held and in flight per replica, and the
/// workers' KV-cache usage. Every replica runs the same tuning plan (one GPU class). Needs the router.
/// </summary>
[CelRule("!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",
    "minReplicas must not be more than maxReplicas: lower minReplicas or raise maxReplicas.")]
[CelRule("!has(self.scaleToZeroAfter) || (has(self.minReplicas) && self.minReplicas == 0)",
    "scaleToZeroAfter applies only with minReplicas 0: set minReplicas to 0 or remove scaleToZeroAfter.")]
public sealed class AutoscalingSpec
{
    /// <summary>Fewest worker replicas. 0 lets the workers scale to zero after <c>scaleToZeroAfter</c> without requests;
    /// the router then holds the next request and wakes one. Default 1.</summary>
    [Range(0, 1000)]
    public int? MinReplicas { get; set; }

    /// <summary>Most worker replicas (at least 1): each needs its own GPU of the planned product.</summary>
    [Required]
    [Range(1, 1000)]
    public int? MaxReplicas { get; set; }

    /// <summary>Requests (held plus in flight) one replica should carry; more adds replicas. Default: the plan's maxNumSeqs.</summary>
    [Range(1, 4096)]
    public int? TargetInFlightPerReplica { get; set; }

    /// <summary>KV-cache usage (0 to 1) above which a ready worker counts as full and one more replica is added. Default 0.9.</summary>
    [Range(0.0, 1.0)]
    public double? KvCacheUsageHigh { get; set; }

    /// <summary>How long the load must stay lower before replicas are removed, as a duration such as <c>5m</c>: the highest
    /// replica count recommended during this window is kept. Default <c>5m</c>.</summary>
    [RegularExpression(Durations.Pattern)]
    public string? ScaleDownDelay { get; set; }

    /// <summary>With minReplicas 0: how long without any request before the workers scale to zero, as a duration such as
    /// <c>15m</c>. Default <c>15m</c>.</summary>
    [RegularExpression(Durations.Pattern)]
    public string? ScaleToZeroAfter { get; set; }
}
