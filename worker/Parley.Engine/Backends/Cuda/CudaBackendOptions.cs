namespace Parley.Engine.Backends.Cuda;

/// <summary>Sizes the CUDA backend; the scheduler's limits must stay within them.</summary>
public sealed record CudaBackendOptions
{
    /// <summary>Most tokens one forward pass computes (vLLM's max_num_batched_tokens); at least <see cref="MaxSequences"/>.</summary>
    public required int MaxBatchedTokens { get; init; }

    /// <summary>Most sequences in one forward pass (vLLM's max_num_seqs); also the largest decode graph.</summary>
    public required int MaxSequences { get; init; }

    /// <summary>Longest sequence, prompt and output together.</summary>
    public required int MaxModelLen { get; init; }

    /// <summary>Share of GPU memory to use, KV cache included (vLLM's --gpu-memory-utilization).</summary>
    public double GpuMemoryUtilization { get; init; } = 0.9;

    /// <summary>A Shared worker's share in bytes (--gpu-memory-bytes): replaces utilization x total when set.</summary>
    public long? MemoryShareBytes { get; init; }

    /// <summary>How long to wait at start while the share is not free (--gpu-memory-wait-seconds).</summary>
    public TimeSpan MemoryShareWait { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A fixed KV block count (null block included) instead of sizing from memory; tests use small ones.</summary>
    public int? KvBlockCount { get; init; }

    /// <summary>Capture decode steps as CUDA graphs per batch-size bucket.</summary>
    public bool UseCudaGraphs { get; init; } = true;

    /// <summary>Where compiled PTX is cached; null compiles at every start.</summary>
    public string? PtxCacheDirectory { get; init; } = KernelCompiler.DefaultCacheDirectory();

    public int DeviceOrdinal { get; init; }

    /// <summary>LoRA adapters held at once (vLLM's max_loras); their memory is allocated at load, before the KV cache
    /// is sized. 0 runs the base model only.</summary>
    public int MaxLoras { get; init; }

    /// <summary>The largest LoRA rank an adapter may have (vLLM's max_lora_rank): what each slot is sized for.</summary>
    public int MaxLoraRank { get; init; } = 16;

    /// <summary>Told once per decode bucket whose graph could not be captured or instantiated (that bucket then runs
    /// eagerly); the worker logs it.</summary>
    public Action<string>? Warn { get; init; }
}
