// vllm:cache_config_info: a gauge held at 1 whose labels are the KV-cache settings, as vLLM's CacheConfig.metrics_info
// writes them (every field as Python's str(): True/False, None, 0.9, 1.0). vLLM sets no model_name on it, only its
// engine index; Parley serves one engine, so engine is "0". Only the fields Parley has a value for are written:
// the others (mamba, offloading, hash algorithm, ...) would only ever say "None" or vLLM's default.
using System.Globalization;

namespace Parley.Worker.Metrics;

/// <summary>The KV-cache settings vllm:cache_config_info labels.</summary>
/// <param name="BlockSize">Tokens per KV block.</param>
/// <param name="GpuBlockCount">KV blocks the engine holds (on the CPU device too: they are the engine's cache).</param>
/// <param name="GpuMemoryUtilization">--gpu-memory-utilization.</param>
/// <param name="EnablePrefixCaching">--enable-prefix-caching.</param>
/// <param name="KvCacheMemoryBytes">--kv-cache-memory-bytes, when set.</param>
public sealed record CacheConfigInfo(int BlockSize, int GpuBlockCount, double GpuMemoryUtilization, bool EnablePrefixCaching, long? KvCacheMemoryBytes)
{
    /// <summary>Label names, in the order of <see cref="LabelValues"/>.</summary>
    public static readonly string[] LabelNames =
    [
        "block_size", "cache_dtype", "enable_prefix_caching", "gpu_memory_utilization", "is_attention_free",
        "kv_cache_memory_bytes", "num_cpu_blocks", "num_gpu_blocks", "engine",
    ];

    /// <summary>The label values: cache_dtype is "auto" (vLLM's default: the KV cache takes the model's dtype, as
    /// Parley's always does), and there are no CPU swap blocks.</summary>
    public string[] LabelValues() =>
    [
        Python(BlockSize), "auto", Python(EnablePrefixCaching), Python(GpuMemoryUtilization), Python(false),
        KvCacheMemoryBytes is { } bytes ? Python(bytes) : "None", "None", Python(GpuBlockCount), "0",
    ];

    private static string Python(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Python(bool value) => value ? "True" : "False";

    // Python's str(float) keeps ".0" on whole numbers; .NET's shortest round-trip form drops it.
    private static string Python(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return double.IsFinite(value) && value == Math.Floor(value) && !text.Contains('E', StringComparison.Ordinal) ? text + ".0" : text;
    }
}
