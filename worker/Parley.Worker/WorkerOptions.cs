// The worker's settings, named after vLLM's `vllm serve` flags so a ChatDeployment (or a user) that knows vLLM's
// command line already knows this one. Only what Parley adds has its own name (--kv-cache-memory-bytes on CPU,
// --max-waiting-requests, --shutdown-grace-seconds).
using Parley.Engine.Scheduling;

namespace Parley.Worker;

/// <summary>Everything the worker is started with.</summary>
public sealed record WorkerOptions
{
    /// <summary>A checkpoint folder, a hub id (<c>org/name</c>, <c>hf://org/name@rev</c>), or <c>demo</c>.</summary>
    public required string Model { get; init; }

    /// <summary>The model names clients may send (vLLM's <c>--served-model-name a b c</c>); the first is the one
    /// responses report. Empty: <see cref="Model"/>.</summary>
    public IReadOnlyList<string> ServedModelNames { get; init; } = [];

    /// <summary>Hub branch, tag or commit; null: the id's own <c>@revision</c>, else <c>main</c>.</summary>
    public string? Revision { get; init; }
    public string? DownloadDir { get; init; }

    /// <summary><c>auto</c>, <c>bfloat16</c>, <c>float16</c> or <c>float32</c>.</summary>
    public string Dtype { get; init; } = "auto";

    /// <summary>Null (from the checkpoint) or <c>gptq</c>.</summary>
    public string? Quantization { get; init; }

    /// <summary>Null: the model's max_position_embeddings.</summary>
    public int? MaxModelLen { get; init; }

    public double GpuMemoryUtilization { get; init; } = 0.9;

    /// <summary>--gpu-memory-bytes: this worker's share of a shared device; replaces the utilization when set.</summary>
    public long? GpuMemoryBytes { get; init; }

    /// <summary>--gpu-memory-wait-seconds: how long to wait at start for the share to be free.</summary>
    public int GpuMemoryWaitSeconds { get; init; } = 300;

    /// <summary>--cpu-memory-ledger: on the CPU device, a folder in which workers sharing a memory budget record their
    /// shares; free memory is the budget less their claims (see Serving/CpuMemoryLedger.cs).</summary>
    public string? CpuMemoryLedger { get; init; }

    /// <summary>--cpu-memory-total-bytes: the budget the ledger divides, as a GPU's total would be.</summary>
    public long? CpuMemoryTotalBytes { get; init; }
    public int MaxNumSeqs { get; init; } = 256;
    public int MaxNumBatchedTokens { get; init; } = 2048;
    public bool EnablePrefixCaching { get; init; } = true;
    public string? ChatTemplate { get; init; }
    public string? ReasoningParser { get; init; }

    /// <summary>vLLM's --tool-call-parser: reads tool calls in this format instead of the one the chat template shows.</summary>
    public string? ToolCallParser { get; init; }

    /// <summary>Required as a Bearer token on every <c>/v1</c> path when set.</summary>
    public string? ApiKey { get; init; }

    public string Host { get; init; } = "0.0.0.0";
    public int Port { get; init; } = 8000;

    /// <summary><c>auto</c> (CUDA when a GPU is visible), <c>cuda</c> or <c>cpu</c>.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Tokens per streamed chunk (vLLM's --stream-interval).</summary>
    public int StreamInterval { get; init; } = 1;

    /// <summary>KV cache size on the CPU; null: 2 GiB, or less when max_num_seqs full-length sequences need less.</summary>
    public long? KvCacheMemoryBytes { get; init; }

    /// <summary>Requests that may wait for a slot; beyond it a request gets 503 with Retry-After.</summary>
    public int? MaxWaitingRequests { get; init; }

    /// <summary>How long SIGTERM waits for running streams before exiting.</summary>
    public int ShutdownGraceSeconds { get; init; } = 30;

    /// <summary>Where a GPU out-of-memory death is reported for the operator's step-down (the container's
    /// terminationMessagePath).</summary>
    public string TerminationLog { get; init; } = Parley.Api.Contracts.OutOfMemoryTermination.KubernetesPath;

    /// <summary>CPU threads for the forward pass; null: all cores.</summary>
    public int? Threads { get; init; }

    /// <summary>Seeds the worker's generator of seeds for requests that send none (vLLM's --seed); null: unseeded.</summary>
    public long? Seed { get; init; }

    /// <summary>The most logprobs / top_logprobs a request may ask for; -1: the whole vocabulary (vLLM's --max-logprobs).</summary>
    public int MaxLogprobs { get; init; } = Engine.Sampling.SamplingParameters.DefaultMaxLogprobs;

    /// <summary>A folder whose tokenizer.json and tokenizer_config.json replace the model's; null: the model's own.</summary>
    public string? Tokenizer { get; init; }

    /// <summary><c>auto</c> (the model's generation_config.json), <c>vllm</c> (no sampling defaults from it), or a folder
    /// holding a generation_config.json.</summary>
    public string GenerationConfig { get; init; } = "auto";

    /// <summary>Tokens per KV block; only the engine's own size is accepted.</summary>
    public int BlockSize { get; init; } = BlockPool.BlockSize;

    /// <summary>KV cache element type; only <c>auto</c> (the model's dtype).</summary>
    public string KvCacheDtype { get; init; } = "auto";

    /// <summary>vLLM's --enable-request-id-headers: answer with an X-Request-Id header.</summary>
    public bool EnableRequestIdHeaders { get; init; }

    /// <summary>No per-request log lines (vLLM's --disable-log-requests).</summary>
    public bool DisableLogRequests { get; init; }

    /// <summary>vLLM's --disable-log-stats; the worker writes no periodic stats lines, so there is nothing to quiet.</summary>
    public bool DisableLogStats { get; init; }

    /// <summary>The web server's log level (vLLM's --uvicorn-log-level): critical, error, warning, info, debug or trace;
    /// null keeps ASP.NET Core at warning.</summary>
    public string? UvicornLogLevel { get; init; }

    /// <summary>vLLM's --enforce-eager: no CUDA graphs for decode steps.</summary>
    public bool EnforceEager { get; init; }

    /// <summary>vLLM's --enable-lora: serve LoRA adapters on top of the model.</summary>
    public bool EnableLora { get; init; }

    /// <summary>Adapters served from the start (vLLM's --lora-modules).</summary>
    public IReadOnlyList<LoraModulePath> LoraModules { get; init; } = [];

    /// <summary>Adapters resident at once, the most a step mixes (vLLM's --max-loras); others wait for a slot.</summary>
    public int MaxLoras { get; init; } = 1;

    /// <summary>The largest adapter rank accepted (vLLM's --max-lora-rank).</summary>
    public int MaxLoraRank { get; init; } = 16;

    /// <summary>POST /v1/load_lora_adapter and /v1/unload_lora_adapter are served (vLLM's
    /// VLLM_ALLOW_RUNTIME_LORA_UPDATING=true); they also need <see cref="EnableLora"/>.</summary>
    public bool AllowRuntimeLoraUpdating { get; init; }

    /// <summary>Devices a model is split over; only 1.</summary>
    public int TensorParallelSize { get; init; } = 1;

    /// <summary>Pipeline stages; only 1.</summary>
    public int PipelineParallelSize { get; init; } = 1;

    /// <summary>Sentences for the flags that were given but change nothing here; each is logged once at start.</summary>
    public IReadOnlyList<string> FlagsWithoutEffect { get; init; } = [];

    public string ServedName => ServedModelNames.Count > 0 ? ServedModelNames[0] : Model;

    private string? LoraRefusal()
    {
        if (LoraModules.Count > 0 && !EnableLora)
            return "--lora-modules needs --enable-lora; add it to serve the adapters.";
        if (MaxLoras < 1)
            return $"--max-loras must be at least 1, got {MaxLoras}.";
        if (MaxLoraRank < 1)
            return $"--max-lora-rank must be at least 1, got {MaxLoraRank}.";
        var names = ServedModelNames.Count > 0 ? ServedModelNames : [Model];
        if (LoraModules.FirstOrDefault(module => names.Contains(module.Name)) is { } clash)
            return $"--lora-modules names an adapter '{clash.Name}', which is also a served model name; give the adapter its own name.";
        if (LoraModules.GroupBy(module => module.Name).FirstOrDefault(group => group.Count() > 1) is { } twice)
            return $"--lora-modules names the adapter '{twice.Key}' twice; each adapter needs its own name.";
        if (LoraModules.FirstOrDefault(module => module.BaseModelName is { } parent && !names.Contains(parent)) is { } orphan)
            return $"--lora-modules gives '{orphan.Name}' the base_model_name '{orphan.BaseModelName}', which is not a served model name ({string.Join(", ", names)}).";
        return null;
    }

    /// <summary>Checks ranges; null when valid, otherwise what to change.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Model))
            return "--model is required: a checkpoint folder, a Hugging Face id (org/name), or demo.";
        if (MaxModelLen is < 1)
            return $"--max-model-len must be at least 1, got {MaxModelLen}.";
        if (GpuMemoryUtilization is <= 0 or > 1)
            return $"--gpu-memory-utilization must be in (0, 1], got {GpuMemoryUtilization}.";
        if (GpuMemoryBytes is < 1)
            return $"--gpu-memory-bytes must be at least 1, got {GpuMemoryBytes}.";
        if (GpuMemoryWaitSeconds < 0)
            return $"--gpu-memory-wait-seconds must be 0 or more, got {GpuMemoryWaitSeconds}.";
        if ((CpuMemoryLedger is null) != (CpuMemoryTotalBytes is null))
            return "--cpu-memory-ledger and --cpu-memory-total-bytes go together: the ledger divides that total.";
        if (MaxNumSeqs < 1)
            return $"--max-num-seqs must be at least 1, got {MaxNumSeqs}.";
        if (MaxNumBatchedTokens < 1)
            return $"--max-num-batched-tokens must be at least 1, got {MaxNumBatchedTokens}.";
        if (Parley.Api.Contracts.LoadDtype.Canonical(Dtype) is null)
            return $"--dtype '{Dtype}' is not one of auto, bfloat16, float16, float32.";
        if (Quantization is not (null or "gptq"))
            return $"--quantization '{Quantization}' is not supported; supported: gptq (or leave it out).";
        if (Device is not ("auto" or "cuda" or "cpu"))
            return $"--device '{Device}' is not one of auto, cuda, cpu.";
        if (StreamInterval < 1)
            return $"--stream-interval must be at least 1, got {StreamInterval}.";
        if (ApiKey is { Length: > 0 } && string.IsNullOrWhiteSpace(ApiKey))
            return "--api-key (or VLLM_API_KEY) is only whitespace; give the key itself, or leave it unset to serve without one.";
        if (ToolCallParser is { } parser && !Engine.Text.ToolCalls.ToolCallFormat.Names.Contains(parser))
            return $"--tool-call-parser '{parser}' is not known; known: {string.Join(", ", Engine.Text.ToolCalls.ToolCallFormat.Names)} (or leave it out: the chat template picks one).";
        if (Port is < 0 or > 65535)
            return $"--port must be in 0..65535, got {Port}.";
        if (LoraRefusal() is { } lora)
            return lora;
        return WorkerOptionRefusals.Find(this);
    }
}
