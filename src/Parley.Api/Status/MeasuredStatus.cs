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

    /// <summary>Whether the model's chat template shows it tools; false turns Open WebUI's builtin tools off.</summary>
    public bool? TemplateRendersTools { get; set; }

    /// <summary>When the worker was last asked.</summary>
    public DateTime? ObservedAt { get; set; }
}
