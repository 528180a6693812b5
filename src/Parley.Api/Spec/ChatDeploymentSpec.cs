using System.ComponentModel.DataAnnotations;
using Parley.Api.Schema;

namespace Parley.Api.Spec;

/// <summary>The desired state of a ChatDeployment. Only <c>model.source</c> is required; everything else has a default.</summary>
[CelRule("!(has(self.worker) && has(self.worker.autoscaling) && has(self.router) && has(self.router.enabled) && !self.router.enabled)",
    "worker.autoscaling needs the router (it reports the load and holds requests at zero replicas): remove router.enabled: false, or remove worker.autoscaling.")]
[CelRule("!(has(self.worker) && has(self.worker.tuning) && (has(self.worker.tuning.maxLoras) || has(self.worker.tuning.maxLoraRank))) || (has(self.model.adapters) && size(self.model.adapters) > 0)",
    "worker.tuning.maxLoras and maxLoraRank apply only to LoRA adapters: add model.adapters, or remove them.")]
public sealed class ChatDeploymentSpec
{
    /// <summary>The model to serve: where its checkpoint comes from and how its prompts are built.</summary>
    [Required]
    public ModelSpec Model { get; set; } = new();

    /// <summary>The inference worker: replicas, image, GPU choice, tuning and pod settings.</summary>
    public WorkerSpec? Worker { get; set; }

    /// <summary>The router in front of the workers: load-aware routing, requests held at zero replicas, the autoscaler's load report.</summary>
    public RouterSpec? Router { get; set; }

    /// <summary>The chat UI (Open WebUI) wired to the worker.</summary>
    public UiSpec? Ui { get; set; }

    /// <summary>Prometheus scraping of the worker.</summary>
    public MonitoringSpec? Monitoring { get; set; }
}
