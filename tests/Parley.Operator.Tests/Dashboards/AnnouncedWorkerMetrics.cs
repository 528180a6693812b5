// The worker's metrics AS ANNOUNCED, not as scraped: worker/Parley.Worker is still being written, so the serving
// dashboard is checked against this list of the names it will export (vLLM's, labelled model_name, plus two of
// Parley's own). Replace it with a live scrape of the worker's /metrics once the worker serves them.
namespace Parley.Operator.Tests.Dashboards;

internal static class AnnouncedWorkerMetrics
{
    private static readonly string[] Gauges =
    [
        "vllm:num_requests_running",
        "vllm:num_requests_waiting",
        "vllm:kv_cache_usage_perc",
        "vllm:gpu_cache_usage_perc",
        "parley_gpu_memory_used_bytes",
    ];

    private static readonly string[] Counters =
    [
        "vllm:prompt_tokens_total",
        "vllm:generation_tokens_total",
        "vllm:prefix_cache_queries_total",
        "vllm:prefix_cache_hits_total",
        "vllm:request_success_total",
        "parley_worker_http_errors_total",
    ];

    private static readonly string[] Histograms =
    [
        "vllm:time_to_first_token_seconds",
        "vllm:inter_token_latency_seconds",
        "vllm:time_per_output_token_seconds",
        "vllm:e2e_request_latency_seconds",
    ];

    /// <summary>Every series name the worker will expose; a histogram exposes _bucket, _sum and _count.</summary>
    public static IReadOnlySet<string> SeriesNames { get; } =
        Gauges.Concat(Counters).Concat(Histograms.SelectMany(h => new[] { h + "_bucket", h + "_sum", h + "_count" })).ToHashSet();
}
