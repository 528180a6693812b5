namespace Parley.Api.Status;

/// <summary>Where worker autoscaling stands. The operator keeps its decision here, so a restarted operator resumes with
/// the replica count it last chose instead of starting over.</summary>
public sealed class AutoscalingStatus
{
    /// <summary>Worker pods that exist now.</summary>
    public int? CurrentReplicas { get; set; }

    /// <summary>The replica count the autoscaler chose; the worker Deployment is given it.</summary>
    public int? DesiredReplicas { get; set; }

    /// <summary>When desiredReplicas last changed.</summary>
    public DateTime? LastScaleTime { get; set; }

    /// <summary>The last scaling decision, with its reason and figures, e.g. "Scaled from 1 to 3: 22 requests (2 held, 20
    /// in flight) need 3 replicas at 8 per replica."</summary>
    public string? LastDecision { get; set; }
}
