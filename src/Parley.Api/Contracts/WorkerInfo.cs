// The worker's self-report at GET /v1/parley/info: what it actually got on its GPU. The operator records it in
// status.measured and compares it with the plan. Field names are snake_case like the rest of the OpenAI-style API.
using System.Text.Json.Serialization;

namespace Parley.Api.Contracts;

/// <summary>What a running worker reports about its model, context and memory.</summary>
public sealed record WorkerInfo
{
    /// <summary>The path the worker serves this at (behind the API key, like every <c>/v1</c> path).</summary>
    public const string Path = "/v1/parley/info";

    /// <summary>The model as loaded (repository id or folder).</summary>
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    /// <summary>The name clients use.</summary>
    [JsonPropertyName("served_model_name")]
    public string? ServedModelName { get; init; }

    /// <summary><c>cpu</c> or <c>cuda</c>.</summary>
    [JsonPropertyName("device")]
    public string? Device { get; init; }

    /// <summary>The context length served.</summary>
    [JsonPropertyName("max_model_len")]
    public required int MaxModelLen { get; init; }

    /// <summary>Tokens the KV cache holds: blocks times block size.</summary>
    [JsonPropertyName("kv_cache_tokens")]
    public required long KvCacheTokens { get; init; }

    [JsonPropertyName("num_gpu_blocks")]
    public long? NumGpuBlocks { get; init; }

    [JsonPropertyName("block_size")]
    public int? BlockSize { get; init; }

    /// <summary>The utilization the worker was started with.</summary>
    [JsonPropertyName("gpu_memory_utilization")]
    public double? GpuMemoryUtilization { get; init; }

    /// <summary>Total memory of the GPU, in bytes.</summary>
    [JsonPropertyName("gpu_memory_total_bytes")]
    public long? GpuMemoryTotalBytes { get; init; }

    /// <summary>Memory the worker holds on the GPU (weights, activations, KV cache, runtime), in bytes.</summary>
    [JsonPropertyName("gpu_memory_used_bytes")]
    public long? GpuMemoryUsedBytes { get; init; }

    /// <summary>A Shared worker's memory share (--gpu-memory-bytes), in bytes.</summary>
    [JsonPropertyName("memory_share_bytes")]
    public long? MemoryShareBytes { get; init; }

    /// <summary>Free device memory the worker saw when it took its share, in bytes (absent when it could not see it).</summary>
    [JsonPropertyName("memory_free_seen_bytes")]
    public long? MemoryFreeSeenBytes { get; init; }

    /// <summary>What the worker took for its model: weights and KV cache on a GPU, the KV cache on the CPU, in bytes.</summary>
    [JsonPropertyName("memory_taken_bytes")]
    public long? MemoryTakenBytes { get; init; }

    /// <summary>Whether the model's chat template shows it a tools list (so it can choose to call tools); the
    /// operator turns Open WebUI's builtin tools off when it does not.</summary>
    [JsonPropertyName("template_renders_tools")]
    public bool? TemplateRendersTools { get; init; }

    /// <summary>The tool-call parser answers are read with (vLLM's name), or null when there is none.</summary>
    [JsonPropertyName("tool_call_parser")]
    public string? ToolCallParser { get; init; }
}
