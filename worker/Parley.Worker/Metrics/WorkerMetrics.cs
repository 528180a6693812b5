// The worker's Prometheus metrics under vLLM's names, types, label (model_name) and buckets
// (vllm/v1/metrics/loggers.py), so vLLM's Grafana dashboards, alerts and autoscalers work unchanged. The deprecated
// names vLLM still exports (gpu_cache_usage_perc, time_per_output_token_seconds) are exported too: vLLM's stock
// dashboard reads them. Engine state (queue lengths, KV usage, prefix-cache counters) is read at scrape time; tokens per
// engine step arrive through the engine's StepCompleted event (Watch), so the engine itself knows nothing of Prometheus;
// a request's phases (queue, prefill, decode, inference) come from the timeline the engine stamps on its stream.
// iteration_tokens_total counts the tokens each forward pass computed (prefill chunks plus decodes), what its help text
// says; vLLM's own sum counts a prompt whole in the step that finishes its prefill, so the two differ under chunked
// prefill and prefix-cache hits.
// prometheus-net refuses ':' in names (Prometheus reserves it for recording rules), so the collectors are registered
// as vllm_* and MetricsEndpoint writes them as vllm:* (VllmNames).
using Parley.Engine.Core;
using Parley.Engine.Scheduling;
using Prometheus;

namespace Parley.Worker.Metrics;

/// <summary>Every metric the worker exports.</summary>
public sealed class WorkerMetrics
{
    private static readonly double[] FirstTokenBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
    private static readonly double[] InterTokenBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
    private static readonly double[] RequestBuckets = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];
    private static readonly double[] ParamsNBuckets = [1, 2, 5, 10, 20];
    // vLLM's: 1, then powers of two from 8 to 16384 (a step's tokens are bounded by max_num_batched_tokens).
    private static readonly double[] IterationTokenBuckets = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];
    private static readonly string[] ModelLabel = ["model_name"];

    private readonly Gauge _running;
    private readonly Gauge _waiting;
    private readonly Gauge _kvUsage;
    private readonly Gauge _kvUsageOld;
    private readonly Counter _prefixQueries;
    private readonly Counter _prefixHits;
    private readonly Counter _preemptions;
    private readonly Gauge _deviceMemory;
    private readonly MetricFactory _factory;
    private Func<(string Model, EngineStats Stats, long DeviceBytes)?>? _source;
    private Histogram? _paramsMaxTokens;
    private LoraRequestsInfo? _loraInfo;

    public WorkerMetrics(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registry = registry;
        var metrics = Prometheus.Metrics.WithCustomRegistry(registry);
        _factory = metrics;
        Gauge Gauge(string name, string help) => metrics.CreateGauge(name, help, ModelLabel);
        Counter Counter(string name, string help, params string[] labels) => metrics.CreateCounter(name, help, [.. ModelLabel, .. labels]);
        Histogram NewHistogram(string name, string help, double[] buckets) => metrics.CreateHistogram(name, help, new HistogramConfiguration { LabelNames = ModelLabel, Buckets = buckets });

        _running = Gauge("vllm_num_requests_running", "Number of requests in model execution batches.");
        _waiting = Gauge("vllm_num_requests_waiting", "Number of requests waiting to be processed.");
        _kvUsage = Gauge("vllm_kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.");
        _kvUsageOld = Gauge("vllm_gpu_cache_usage_perc", "GPU KV-cache usage. 1 means 100 percent usage. Deprecated: use vllm:kv_cache_usage_perc.");
        _prefixQueries = Counter("vllm_prefix_cache_queries_total", "Prefix cache queries, in terms of number of queried tokens.");
        _prefixHits = Counter("vllm_prefix_cache_hits_total", "Prefix cache hits, in terms of number of cached tokens.");
        _preemptions = Counter("vllm_num_preemptions_total", "Cumulative number of preemption from the engine.");
        PromptTokens = Counter("vllm_prompt_tokens_total", "Number of prefill tokens processed.");
        GenerationTokens = Counter("vllm_generation_tokens_total", "Number of generation tokens processed.");
        RequestSuccess = Counter("vllm_request_success_total", "Count of successfully processed requests.", "finished_reason");
        TimeToFirstToken = NewHistogram("vllm_time_to_first_token_seconds", "Histogram of time to first token in seconds.", FirstTokenBuckets);
        InterTokenLatency = NewHistogram("vllm_inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", InterTokenBuckets);
        TimePerOutputToken = NewHistogram("vllm_time_per_output_token_seconds", "Histogram of time per output token in seconds. Deprecated: use vllm:inter_token_latency_seconds.", InterTokenBuckets);
        EndToEndLatency = NewHistogram("vllm_e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", RequestBuckets);
        RequestPromptTokens = NewHistogram("vllm_request_prompt_tokens", "Number of prefill tokens processed.", Prometheus.Histogram.PowersOfTenDividedBuckets(0, 6, 4));
        RequestGenerationTokens = NewHistogram("vllm_request_generation_tokens", "Number of generation tokens processed.", Prometheus.Histogram.PowersOfTenDividedBuckets(0, 6, 4));
        QueueTime = NewHistogram("vllm_request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", RequestBuckets);
        PrefillTime = NewHistogram("vllm_request_prefill_time_seconds", "Histogram of time spent in PREFILL phase for request.", RequestBuckets);
        DecodeTime = NewHistogram("vllm_request_decode_time_seconds", "Histogram of time spent in DECODE phase for request.", RequestBuckets);
        InferenceTime = NewHistogram("vllm_request_inference_time_seconds", "Histogram of time spent in RUNNING phase for request.", RequestBuckets);
        ParamsN = NewHistogram("vllm_request_params_n", "Histogram of the n request parameter.", ParamsNBuckets);
        IterationTokens = NewHistogram("vllm_iteration_tokens_total", "Histogram of number of tokens per engine_step.", IterationTokenBuckets);
        _deviceMemory = Gauge("parley_gpu_memory_used_bytes", "Device memory the worker holds for weights, activations and KV cache (0 on the CPU device).");
        HttpErrors = metrics.CreateCounter("parley_worker_http_errors_total", "HTTP answers with status 400 or above, by status.", ["status"]);
        registry.AddBeforeCollectCallback(ReadEngine);
    }

    public CollectorRegistry Registry { get; }
    public Counter PromptTokens { get; }
    public Counter GenerationTokens { get; }
    public Counter RequestSuccess { get; }
    public Histogram TimeToFirstToken { get; }
    public Histogram InterTokenLatency { get; }
    public Histogram TimePerOutputToken { get; }
    public Histogram EndToEndLatency { get; }
    public Histogram RequestPromptTokens { get; }
    public Histogram RequestGenerationTokens { get; }
    public Counter HttpErrors { get; }
    public Histogram QueueTime { get; }
    public Histogram PrefillTime { get; }
    public Histogram DecodeTime { get; }
    public Histogram InferenceTime { get; }
    public Histogram ParamsN { get; }
    public Histogram IterationTokens { get; }

    /// <summary>Starts the metrics that need the loaded model: tokens per engine step, max_tokens (whose buckets end at
    /// max_model_len, as vLLM's 1-2-5 series does) and cache_config_info. Call once, before the model serves.</summary>
    public void Watch(string model, InferenceEngine engine, int maxModelLen, CacheConfigInfo cache)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(cache);
        _paramsMaxTokens = _factory.CreateHistogram("vllm_request_params_max_tokens", "Histogram of the max_tokens request parameter.",
            new HistogramConfiguration { LabelNames = ModelLabel, Buckets = OneTwoFiveBuckets(maxModelLen) });
        _factory.CreateGauge("vllm_cache_config_info", "Information of the LLMEngine CacheConfig", CacheConfigInfo.LabelNames)
            .WithLabels(cache.LabelValues()).Set(1);
        var steps = IterationTokens.WithLabels(model);
        engine.StepCompleted += step => steps.Observe(step.TokenCount);
    }

    /// <summary>Starts vllm:lora_requests_info; call once, before the model serves, when LoRA is on.</summary>
    public void WatchLora(int maxLoras) => _loraInfo = new LoraRequestsInfo(_factory, maxLoras);

    /// <summary>Records a finished request's phases from its engine timeline, and its n and effective max_tokens.</summary>
    public void RecordRequest(string model, RequestTimeline timeline, int n, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        QueueTime.WithLabels(model).Observe(timeline.QueueTime.TotalSeconds);
        PrefillTime.WithLabels(model).Observe(timeline.PrefillTime.TotalSeconds);
        DecodeTime.WithLabels(model).Observe(timeline.DecodeTime.TotalSeconds);
        InferenceTime.WithLabels(model).Observe(timeline.InferenceTime.TotalSeconds);
        ParamsN.WithLabels(model).Observe(n);
        _paramsMaxTokens?.WithLabels(model).Observe(maxTokens);
    }

    /// <summary>vLLM's build_1_2_5_buckets: 1, 2, 5, 10, 20, 50, ... up to and including <paramref name="max"/>.</summary>
    public static double[] OneTwoFiveBuckets(int max)
    {
        var buckets = new List<double>();
        for (long power = 1; power <= max; power *= 10)
        {
            buckets.AddRange(new[] { power, 2 * power, 5 * power }.Where(value => value <= max).Select(value => (double)value));
        }

        return [.. buckets];
    }

    /// <summary>Where the scrape reads engine state from; null until the model is loaded.</summary>
    public void ReadFrom(Func<(string Model, EngineStats Stats, long DeviceBytes)?> source) => _source = source;

    private void ReadEngine()
    {
        if (_source?.Invoke() is not var (model, stats, deviceBytes))
        {
            return;
        }

        _running.WithLabels(model).Set(stats.Running);
        _waiting.WithLabels(model).Set(stats.Waiting);
        _kvUsage.WithLabels(model).Set(stats.KvCacheUsage);
        _kvUsageOld.WithLabels(model).Set(stats.KvCacheUsage);
        _prefixQueries.WithLabels(model).IncTo(stats.PrefixCacheQueries);
        _prefixHits.WithLabels(model).IncTo(stats.PrefixCacheHits);
        _preemptions.WithLabels(model).IncTo(stats.Preemptions);
        _deviceMemory.WithLabels(model).Set(deviceBytes);
        _loraInfo?.Update(stats);
    }
}
