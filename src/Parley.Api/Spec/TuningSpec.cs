using System.ComponentModel.DataAnnotations;

namespace Parley.Api.Spec;

/// <summary>
/// How memory and context are sized. In <c>Auto</c> mode the operator fills in what is unset from the GPU it picks;
/// values that are set are honoured. In <c>Manual</c> mode gpuMemoryUtilization and maxModelLen are required and only checked.
/// </summary>
public sealed class TuningSpec
{
    /// <summary><c>Auto</c> (default) or <c>Manual</c>.</summary>
    public TuningMode? Mode { get; set; }

    /// <summary>Fraction of the GPU's total memory the worker may use (vLLM's <c>--gpu-memory-utilization</c>).</summary>
    [Range(0.05, 0.99)]
    public double? GpuMemoryUtilization { get; set; }

    /// <summary>Longest sequence (prompt plus answer) in tokens (vLLM's <c>--max-model-len</c>).</summary>
    [Range(16, 16777216)]
    public int? MaxModelLen { get; set; }

    /// <summary>Most sequences decoded together in one batch (vLLM's <c>--max-num-seqs</c>).</summary>
    [Range(1, 4096)]
    public int? MaxNumSeqs { get; set; }

    /// <summary>How many conversations at full context the KV cache must hold at once; the context is sized from it. Default 4.</summary>
    [Range(1, 4096)]
    public int? TargetConcurrency { get; set; }

    /// <summary>LoRA adapters kept on the GPU at once (vLLM's <c>--max-loras</c>); a request for another waits until a
    /// slot is free. Only with <c>model.adapters</c>. Default: the number of adapters.</summary>
    [Range(1, 256)]
    public int? MaxLoras { get; set; }

    /// <summary>The highest adapter rank (<c>r</c> in adapter_config.json) the worker accepts, and the rank every GPU
    /// slot is sized for (vLLM's <c>--max-lora-rank</c>): 8, 16, 32, 64, 128, 256, 320 or 512. Only with
    /// <c>model.adapters</c>. Default 16.</summary>
    [AllowedValues(8, 16, 32, 64, 128, 256, 320, 512)]
    public int? MaxLoraRank { get; set; }
}
