using System.ComponentModel.DataAnnotations;
using k8s.Models;
using Parley.Api.Schema;

namespace Parley.Api.Spec;

/// <summary>The inference worker: an OpenAI-compatible server with vLLM's flags, one GPU per pod.</summary>
[CelRule("!(has(self.replicas) && has(self.autoscaling))",
    "replicas and autoscaling cannot both be set: the autoscaler owns the replica count; remove replicas, or remove autoscaling.")]
public sealed class WorkerSpec
{
    /// <summary>Worker pods; unset means 1 and leaves the Deployment's replicas to an autoscaler once one owns them.</summary>
    [Range(0, 1000)]
    public int? Replicas { get; set; }

    /// <summary>Scale the workers with the load the router reports, between minReplicas and maxReplicas. Replaces
    /// <c>replicas</c>, and needs the router (on by default with autoscaling).</summary>
    public AutoscalingSpec? Autoscaling { get; set; }

    /// <summary>Worker container image; defaults to the operator's configured worker image.</summary>
    [MinLength(1)]
    public string? Image { get; set; }

    /// <summary>Which GPU to run on.</summary>
    public GpuSpec? Gpu { get; set; }

    /// <summary>Memory utilization, context length and batch size.</summary>
    public TuningSpec? Tuning { get; set; }

    /// <summary>Where downloaded model files are kept.</summary>
    public ModelCacheSpec? Cache { get; set; }

    /// <summary>Secret key holding the API key clients must send; when unset the operator generates one.</summary>
    public V1SecretKeySelector? ApiKeySecretRef { get; set; }

    /// <summary>CPU and memory for the worker container; the GPU limit is added by the operator.</summary>
    public V1ResourceRequirements? Resources { get; set; }

    /// <summary>Extra node selector terms, added to the GPU product the operator pins.</summary>
    public IDictionary<string, string>? NodeSelector { get; set; }

    /// <summary>Extra tolerations, added to the one for the <c>nvidia.com/gpu</c> taint.</summary>
    public IList<V1Toleration>? Tolerations { get; set; }

    /// <summary>Pod affinity rules.</summary>
    public V1Affinity? Affinity { get; set; }

    /// <summary>Extra environment variables for the worker container.</summary>
    public IList<V1EnvVar>? Env { get; set; }

    /// <summary>Annotations added to worker pods.</summary>
    public IDictionary<string, string>? PodAnnotations { get; set; }

    /// <summary>Priority class of worker pods.</summary>
    public string? PriorityClassName { get; set; }

    /// <summary>Whether a NetworkPolicy limits who can reach the worker (the UI, Prometheus and the operator). Default true.</summary>
    public bool? NetworkPolicy { get; set; }
}
