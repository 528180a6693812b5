using k8s.Models;

namespace Parley.Api.Status;

/// <summary>The observed state of a ChatDeployment, rebuilt from the cluster on every reconcile.</summary>
public sealed class ChatDeploymentStatus
{
    /// <summary>One word for people: Pending, Progressing, Ready, Degraded or Failed. Conditions carry the detail.</summary>
    public string? Phase { get; set; }

    /// <summary>Ready, Progressing, Degraded and TuningApplied, each with a reason and a message.</summary>
    public IList<V1Condition>? Conditions { get; set; }

    /// <summary>The generation of the spec this status describes.</summary>
    public long? ObservedGeneration { get; set; }

    /// <summary>The tuning plan in force and why.</summary>
    public TuningStatus? Tuning { get; set; }

    /// <summary>What the running worker reports it got.</summary>
    public MeasuredStatus? Measured { get; set; }

    /// <summary>The LoRA adapters the worker serves besides the base model, each a model name of its own in
    /// <c>/v1/models</c> and in the UI. Only with <c>spec.model.adapters</c>.</summary>
    public IList<AdapterStatus>? Adapters { get; set; }

    /// <summary>Where to reach the API and the UI.</summary>
    public EndpointsStatus? Endpoints { get; set; }

    /// <summary>Worker autoscaling: the replica count chosen, when and why. Only with <c>spec.worker.autoscaling</c>.</summary>
    public AutoscalingStatus? Autoscaling { get; set; }

    /// <summary>Worker pods that exist.</summary>
    public int? Replicas { get; set; }

    /// <summary>Worker pods that serve.</summary>
    public int? ReadyReplicas { get; set; }
}

/// <summary>The values of <see cref="ChatDeploymentStatus.Phase"/>.</summary>
public static class Phases
{
    public const string Pending = "Pending";
    public const string Progressing = "Progressing";
    public const string Ready = "Ready";
    public const string Degraded = "Degraded";
    public const string Failed = "Failed";
}
