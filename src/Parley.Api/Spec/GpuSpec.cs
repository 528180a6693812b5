using System.ComponentModel.DataAnnotations;
using k8s.Models;

namespace Parley.Api.Spec;

/// <summary>Which GPU the worker runs on.</summary>
public sealed class GpuSpec
{
    /// <summary>GPUs per worker pod: <c>auto</c> or a number. Tensor parallelism is not supported yet, so this is 1.</summary>
    public IntOrString? Count { get; set; }

    /// <summary>Pin a GPU product, as the <c>nvidia.com/gpu.product</c> node label spells it (e.g. <c>NVIDIA-L4</c>).</summary>
    [RegularExpression(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    public string? Product { get; set; }

    /// <summary>Only consider GPUs with at least this much memory, in GiB.</summary>
    [Range(0.0, 4096.0)]
    public double? MinMemoryGiB { get; set; }

    /// <summary><c>Exclusive</c> (default): the worker takes a whole GPU. <c>Shared</c>: it may share a physical GPU
    /// (time-sliced, MPS or a MIG slice) with other Shared ChatDeployments; their memory shares are planned together.</summary>
    public GpuSharing? Sharing { get; set; }
}
