using System.ComponentModel.DataAnnotations;
using k8s.Models;

namespace Parley.Api.Spec;

/// <summary>
/// The router in front of the workers: the API Service points at it, it spreads requests over ready workers, holds them
/// while no worker is ready (and asks the operator to scale from zero), and reports the load the autoscaler reads.
/// </summary>
public sealed class RouterSpec
{
    /// <summary>Whether the router runs. Default: on when <c>worker.autoscaling</c> is set or <c>worker.replicas</c> is above 1,
    /// off otherwise. Autoscaling needs it: the load it reads and scaling from zero come from the router.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Router container image; defaults to the operator's configured router image.</summary>
    [MinLength(1)]
    public string? Image { get; set; }

    /// <summary>Router pods. Default 1; the router holds no state a second pod would need.</summary>
    [Range(1, 100)]
    public int? Replicas { get; set; }

    /// <summary>How many requests may wait while no worker is ready; beyond it the router answers 503 with Retry-After. Default 100.</summary>
    [Range(0, 100000)]
    public int? HoldQueueSize { get; set; }

    /// <summary>How long a request may wait for a ready worker, as a duration such as <c>30s</c> or <c>5m</c>. Default <c>5m</c>:
    /// a worker scaled from zero first loads its model.</summary>
    [RegularExpression(Durations.Pattern)]
    public string? HoldTimeout { get; set; }

    /// <summary>How long a stream may stay silent before the router ends it, as a duration such as <c>2m</c>. Unset never ends a stream.</summary>
    [RegularExpression(Durations.Pattern)]
    public string? StreamIdleTimeout { get; set; }

    /// <summary>CPU and memory for the router container. Default requests: 100m CPU, 128Mi memory.</summary>
    public V1ResourceRequirements? Resources { get; set; }
}
