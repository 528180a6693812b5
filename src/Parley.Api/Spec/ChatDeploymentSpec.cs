using System.ComponentModel.DataAnnotations;

namespace Parley.Api.Spec;

/// <summary>The desired state of a ChatDeployment. Only <c>model.source</c> is required; everything else has a default.</summary>
public sealed class ChatDeploymentSpec
{
    /// <summary>The model to serve: where its checkpoint comes from and how its prompts are built.</summary>
    [Required]
    public ModelSpec Model { get; set; } = new();

    /// <summary>The inference worker: replicas, image, GPU choice, tuning and pod settings.</summary>
    public WorkerSpec? Worker { get; set; }

    /// <summary>The chat UI (Open WebUI) wired to the worker.</summary>
    public UiSpec? Ui { get; set; }

    /// <summary>Prometheus scraping of the worker.</summary>
    public MonitoringSpec? Monitoring { get; set; }
}
