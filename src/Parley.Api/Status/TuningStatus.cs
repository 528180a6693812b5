namespace Parley.Api.Status;

/// <summary>The tuning plan the worker runs with, and the arithmetic behind it.</summary>
public sealed class TuningStatus
{
    /// <summary>The GPU product chosen, as its <c>nvidia.com/gpu.product</c> label spells it.</summary>
    public string? GpuProduct { get; set; }

    /// <summary>Memory of one such GPU, in bytes.</summary>
    public long? GpuMemoryBytes { get; set; }

    /// <summary>Bytes of weights held on the GPU.</summary>
    public long? WeightsBytes { get; set; }

    /// <summary>Bytes of KV cache one token keeps: 2 x layers x kvHeads x headDim x bytes per element.</summary>
    public long? KvBytesPerToken { get; set; }

    /// <summary>Tokens the KV cache is predicted to hold.</summary>
    public long? KvCacheTokens { get; set; }

    /// <summary>The <c>--gpu-memory-utilization</c> the worker runs with.</summary>
    public double? GpuMemoryUtilization { get; set; }

    /// <summary>The <c>--max-model-len</c> the worker runs with.</summary>
    public int? MaxModelLen { get; set; }

    /// <summary>The <c>--max-num-seqs</c> the worker runs with.</summary>
    public int? MaxNumSeqs { get; set; }

    /// <summary>LoRA adapters kept on the GPU at once (<c>--max-loras</c>). Only with adapters.</summary>
    public int? MaxLoras { get; set; }

    /// <summary>The rank every adapter slot is sized for (<c>--max-lora-rank</c>). Only with adapters.</summary>
    public int? MaxLoraRank { get; set; }

    /// <summary>Bytes reserved for the resident adapters' weights, taken from the KV cache: maxLoras x layers x
    /// maxLoraRank x (in + out) of each projection x bytes per element. Only with adapters.</summary>
    public long? AdapterBytes { get; set; }

    /// <summary>GPUs one model copy is split over.</summary>
    public int? TensorParallelSize { get; set; }

    /// <summary>How many times the plan was stepped down after the worker ran out of GPU memory.</summary>
    public int? StepDowns { get; set; }

    /// <summary>When the worker last ended with a GPU out-of-memory termination message that was acted on.</summary>
    public DateTime? LastOutOfMemoryAt { get; set; }

    /// <summary>Shared only: the node whose GPU this worker shares.</summary>
    public string? GpuNode { get; set; }

    /// <summary>Shared only: the device on that node (<c>gpu-0</c>, or a MIG slice such as <c>mig-3g.20gb-1</c>).</summary>
    public string? GpuDevice { get; set; }

    /// <summary>Shared only: this worker's memory share in bytes (its <c>--gpu-memory-bytes</c>).</summary>
    public long? MemoryShareBytes { get; set; }

    /// <summary>Shared only: the share as a fraction of the GPU's memory.</summary>
    public double? MemoryShareFraction { get; set; }

    /// <summary>Shared only: the other ChatDeployments on the same GPU, as <c>namespace/name</c>.</summary>
    public IList<string>? SharedWith { get; set; }

    /// <summary>Why each value is what it is, one sentence each.</summary>
    public IList<string>? Reasons { get; set; }
}
