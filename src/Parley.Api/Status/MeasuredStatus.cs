namespace Parley.Api.Status;

/// <summary>What a running worker reports at <c>/v1/parley/info</c>.</summary>
public sealed class MeasuredStatus
{
    /// <summary>Tokens the worker's KV cache actually holds.</summary>
    public long? KvCacheTokens { get; set; }

    /// <summary>The context length the worker serves.</summary>
    public int? MaxModelLen { get; set; }

    /// <summary>GPU memory the worker uses, in bytes.</summary>
    public long? GpuMemoryUsedBytes { get; set; }

    /// <summary>Shared only: the share the worker started with, in bytes (compare status.tuning.memoryShareBytes).</summary>
    public long? MemoryShareBytes { get; set; }

    /// <summary>Shared only: the free device memory the worker saw when it took its share, in bytes.</summary>
    public long? MemoryFreeSeenBytes { get; set; }

    /// <summary>Shared only: what the worker took for its model (weights and KV cache on a GPU), in bytes.</summary>
    public long? MemoryTakenBytes { get; set; }

    /// <summary>Whether the model's chat template shows it tools; false turns Open WebUI's builtin tools off.</summary>
    public bool? TemplateRendersTools { get; set; }

    /// <summary>When the worker was last asked.</summary>
    public DateTime? ObservedAt { get; set; }
}
