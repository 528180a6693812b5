// Every flag of `parley-worker`, with vLLM's names and defaults, and how a parse of them becomes WorkerOptions.
using System.CommandLine;
using Parley.Api.Contracts;
using Parley.Engine.Scheduling;

namespace Parley.Worker.Cli;

/// <summary>The worker's flags.</summary>
internal sealed class WorkerFlagSet
{
    private readonly Option<string?> _model = new(WorkerFlags.Model) { Description = "Checkpoint folder, Hugging Face id (org/name, hf://org/name@rev) or demo (a tiny random model that talks nonsense); may also come first without the flag, as in `vllm serve MODEL`." };
    private readonly Option<string[]> _servedNames = new(WorkerFlags.ServedModelName) { Description = "The model names in the API, one or more; the first is reported in responses; default: --model.", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string?> _revision = new(WorkerFlags.Revision) { Description = "Hub branch, tag or commit; default: the id's @revision, else main." };
    private readonly Option<string?> _downloadDir = new(WorkerFlags.DownloadDir) { Description = "Hub cache folder; default: $HF_HOME/hub or ~/.cache/huggingface/hub." };
    private readonly Option<string> _dtype = new(WorkerFlags.Dtype) { Description = "auto, bfloat16, float16 or float32.", DefaultValueFactory = _ => "auto" };
    private readonly Option<string?> _quantization = new(WorkerFlags.Quantization) { Description = "gptq, or leave out to follow the checkpoint." };
    private readonly Option<int?> _maxModelLen = new(WorkerFlags.MaxModelLen) { Description = "Context length; default: the model's." };
    private readonly Option<double> _utilization = new(WorkerFlags.GpuMemoryUtilization) { Description = "Fraction of GPU memory for weights, activations and KV cache.", DefaultValueFactory = _ => 0.9 };
    private readonly Option<long?> _memoryBytes = new(WorkerFlags.GpuMemoryBytes) { Description = "This worker's memory share in bytes on a shared GPU (weights, activations and KV cache); replaces --gpu-memory-utilization." };
    private readonly Option<int> _memoryWait = new("--gpu-memory-wait-seconds") { Description = "How long to wait at start while the share is not free (a neighbour loading or stopping).", DefaultValueFactory = _ => 300 };
    private readonly Option<string?> _cpuLedger = new("--cpu-memory-ledger") { Description = "CPU device: a folder where workers sharing --cpu-memory-total-bytes record their --gpu-memory-bytes; free memory is the total less the records." };
    private readonly Option<long?> _cpuTotal = new("--cpu-memory-total-bytes") { Description = "CPU device: the memory budget the ledger divides, as a GPU's total would be." };
    private readonly Option<int> _maxNumSeqs = new(WorkerFlags.MaxNumSeqs) { Description = "Most sequences per step.", DefaultValueFactory = _ => 256 };
    private readonly Option<int> _maxBatched = new(WorkerFlags.MaxNumBatchedTokens) { Description = "Most tokens per step (prefill chunk size).", DefaultValueFactory = _ => 2048 };
    private readonly Option<bool> _prefix = new(WorkerFlags.EnablePrefixCaching) { Description = "Reuse KV blocks of repeated prompt prefixes (on by default).", DefaultValueFactory = _ => true };
    private readonly Option<bool> _noPrefix = new("--no-enable-prefix-caching") { Description = "Turn prefix caching off." };
    private readonly Option<string?> _chatTemplate = new(WorkerFlags.ChatTemplate) { Description = "A chat template file or inline template; default: the model's." };
    private readonly Option<string?> _reasoning = new(WorkerFlags.ReasoningParser) { Description = "deepseek_r1, qwen3, ... : split <think> reasoning from the answer." };
    private readonly Option<string?> _toolParser = new("--tool-call-parser") { Description = "hermes, llama3_json, mistral, deepseek_v3 or deepseek_v31; default: the one the chat template writes." };
    private readonly Option<bool> _autoToolChoice = new("--enable-auto-tool-choice") { Description = "Accepted for vLLM command lines: tool_choice auto is on whenever the chat template renders tools." };
    private readonly Option<string?> _apiKey = new("--api-key") { Description = "Bearer token required on /v1/*; default: $VLLM_API_KEY." };
    private readonly Option<string> _host = new(WorkerFlags.Host) { Description = "Address to listen on.", DefaultValueFactory = _ => "0.0.0.0" };
    private readonly Option<int> _port = new(WorkerFlags.Port) { Description = "Port to listen on.", DefaultValueFactory = _ => WorkerFlags.DefaultPort };
    private readonly Option<string> _device = new("--device") { Description = "auto, cuda or cpu.", DefaultValueFactory = _ => "auto" };
    private readonly Option<int> _streamInterval = new("--stream-interval") { Description = "Tokens per streamed chunk.", DefaultValueFactory = _ => 1 };
    private readonly Option<long?> _kvBytes = new("--kv-cache-memory-bytes") { Description = "KV cache size on the CPU device." };
    private readonly Option<int?> _maxWaiting = new("--max-waiting-requests") { Description = "Queued requests beyond which new ones get 503 + Retry-After; default: 4 x max-num-seqs." };
    private readonly Option<int> _grace = new("--shutdown-grace-seconds") { Description = "On SIGTERM, how long running streams may finish.", DefaultValueFactory = _ => 30 };
    private readonly Option<string> _terminationLog = new("--termination-log")
    {
        Description = "Where a GPU out-of-memory death is reported for the operator (the container's terminationMessagePath).",
        DefaultValueFactory = _ => OutOfMemoryTermination.KubernetesPath,
    };
    private readonly Option<int?> _threads = new("--threads") { Description = "CPU threads for the forward pass; default: all cores." };
    private readonly Option<long?> _seed = new("--seed") { Description = "Seeds the seeds of requests that send none: the same requests after a start get the same tokens." };
    private readonly Option<int> _maxLogprobs = new("--max-logprobs") { Description = "Most logprobs / top_logprobs a request may ask for; -1: the whole vocabulary.", DefaultValueFactory = _ => Engine.Sampling.SamplingParameters.DefaultMaxLogprobs };
    private readonly Option<string?> _tokenizer = new("--tokenizer") { Description = "A folder whose tokenizer.json and tokenizer_config.json (and chat template) replace the model's." };
    private readonly Option<string> _generationConfig = new("--generation-config") { Description = "auto: sampling defaults from the model's generation_config.json; vllm: none; or a folder holding one.", DefaultValueFactory = _ => "auto" };
    private readonly Option<int> _blockSize = new("--block-size") { Description = "Tokens per KV block; only 16.", DefaultValueFactory = _ => BlockPool.BlockSize };
    private readonly Option<string> _kvCacheDtype = new("--kv-cache-dtype") { Description = "Only auto: the KV cache is kept in the model's dtype.", DefaultValueFactory = _ => "auto" };
    private readonly Option<bool> _requestIdHeaders = new("--enable-request-id-headers") { Description = "Answer with an X-Request-Id header." };
    private readonly Option<bool> _disableLogRequests = new("--disable-log-requests") { Description = "No per-request log lines." };
    private readonly Option<bool> _disableLogStats = new("--disable-log-stats") { Description = "Accepted; the worker logs no periodic stats (they are on /metrics)." };
    private readonly Option<string?> _uvicornLogLevel = new("--uvicorn-log-level") { Description = "The web server's log level: critical, error, warning, info, debug or trace; default: warning." };
    private readonly Option<bool> _enforceEager = new("--enforce-eager") { Description = "No CUDA graphs for decode steps (no effect on the CPU)." };
    private readonly Option<int> _tensorParallel = new("--tensor-parallel-size", "-tp") { Description = "Only 1: a worker runs the model on one GPU.", DefaultValueFactory = _ => 1 };
    private readonly Option<int> _pipelineParallel = new("--pipeline-parallel-size", "-pp") { Description = "Only 1.", DefaultValueFactory = _ => 1 };
    private readonly Option<bool> _enableLora = new(WorkerFlags.EnableLora) { Description = "Serve LoRA adapters on top of the model." };
    private readonly Option<LoraModulePath[]> _loraModules = new(WorkerFlags.LoraModules)
    {
        Description = "Adapters to serve, each name=path or '{\"name\": ..., \"path\": ..., \"base_model_name\": ...}'; path is a local PEFT adapter folder.",
        AllowMultipleArgumentsPerToken = true,
        CustomParser = ParseLoraModules,
    };
    private readonly Option<int> _maxLoras = new(WorkerFlags.MaxLoras) { Description = "Adapters resident at once: the most one step mixes; requests of another adapter wait for a slot.", DefaultValueFactory = _ => 1 };
    private readonly Option<int> _maxLoraRank = new(WorkerFlags.MaxLoraRank) { Description = "The largest adapter rank accepted.", DefaultValueFactory = _ => 16 };
    private readonly FlagsWithoutEffect _inert = new();

    public IEnumerable<Option> All =>
    [
        _model, _servedNames, _revision, _downloadDir, _dtype, _quantization, _maxModelLen, _utilization, _memoryBytes, _memoryWait, _cpuLedger, _cpuTotal, _maxNumSeqs, _maxBatched, _prefix, _noPrefix,
        _chatTemplate, _reasoning, _toolParser, _autoToolChoice, _apiKey, _host, _port, _device, _streamInterval, _kvBytes, _maxWaiting, _grace,
        _terminationLog, _threads, _seed, _maxLogprobs, _tokenizer, _generationConfig, _blockSize, _kvCacheDtype, _requestIdHeaders,
        _disableLogRequests, _disableLogStats, _uvicornLogLevel, _enforceEager, _tensorParallel, _pipelineParallel,
        _enableLora, _loraModules, _maxLoras, _maxLoraRank, .. _inert.Options,
    ];

    public WorkerOptions Read(ParseResult result) => new()
    {
        Model = result.GetValue(_model) ?? "",
        ServedModelNames = result.GetValue(_servedNames) ?? [],
        Revision = result.GetValue(_revision),
        DownloadDir = result.GetValue(_downloadDir),
        Dtype = result.GetValue(_dtype)!,
        Quantization = result.GetValue(_quantization),
        MaxModelLen = result.GetValue(_maxModelLen),
        GpuMemoryUtilization = result.GetValue(_utilization),
        GpuMemoryBytes = result.GetValue(_memoryBytes),
        GpuMemoryWaitSeconds = result.GetValue(_memoryWait),
        CpuMemoryLedger = result.GetValue(_cpuLedger),
        CpuMemoryTotalBytes = result.GetValue(_cpuTotal),
        MaxNumSeqs = result.GetValue(_maxNumSeqs),
        MaxNumBatchedTokens = result.GetValue(_maxBatched),
        EnablePrefixCaching = result.GetValue(_prefix) && !result.GetValue(_noPrefix),
        ChatTemplate = result.GetValue(_chatTemplate),
        ReasoningParser = result.GetValue(_reasoning),
        ToolCallParser = result.GetValue(_toolParser),
        ApiKey = result.GetValue(_apiKey) ?? Environment.GetEnvironmentVariable("VLLM_API_KEY"),
        Host = result.GetValue(_host)!,
        Port = result.GetValue(_port),
        Device = result.GetValue(_device)!,
        StreamInterval = result.GetValue(_streamInterval),
        KvCacheMemoryBytes = result.GetValue(_kvBytes),
        MaxWaitingRequests = result.GetValue(_maxWaiting),
        ShutdownGraceSeconds = result.GetValue(_grace),
        TerminationLog = result.GetValue(_terminationLog)!,
        Threads = result.GetValue(_threads),
        Seed = result.GetValue(_seed),
        MaxLogprobs = result.GetValue(_maxLogprobs),
        Tokenizer = result.GetValue(_tokenizer),
        GenerationConfig = result.GetValue(_generationConfig)!,
        BlockSize = result.GetValue(_blockSize),
        KvCacheDtype = result.GetValue(_kvCacheDtype)!,
        EnableRequestIdHeaders = result.GetValue(_requestIdHeaders),
        DisableLogRequests = result.GetValue(_disableLogRequests),
        DisableLogStats = result.GetValue(_disableLogStats),
        UvicornLogLevel = result.GetValue(_uvicornLogLevel),
        EnforceEager = result.GetValue(_enforceEager),
        TensorParallelSize = result.GetValue(_tensorParallel),
        PipelineParallelSize = result.GetValue(_pipelineParallel),
        EnableLora = result.GetValue(_enableLora),
        LoraModules = result.GetValue(_loraModules) ?? [],
        MaxLoras = result.GetValue(_maxLoras),
        MaxLoraRank = result.GetValue(_maxLoraRank),
        AllowRuntimeLoraUpdating = Environment.GetEnvironmentVariable("VLLM_ALLOW_RUNTIME_LORA_UPDATING")?.Trim().ToLowerInvariant() is "1" or "true",
        FlagsWithoutEffect = [.. _inert.Given(result), .. OneDeviceNotes(result)],
    };

    private static LoraModulePath[] ParseLoraModules(System.CommandLine.Parsing.ArgumentResult result)
    {
        var modules = new List<LoraModulePath>();
        foreach (var token in result.Tokens)
        {
            if (LoraModulePath.Parse(token.Value, out var error) is { } module)
            {
                modules.Add(module);
            }
            else
            {
                result.AddError(error!);
            }
        }

        return [.. modules];
    }

    // Sizes of 1 and --disable-log-stats are what the worker does anyway; saying so once tells the reader of a pasted
    // vLLM command line that nothing was lost. Larger sizes are refused by WorkerOptionRefusals.
    private IEnumerable<string> OneDeviceNotes(ParseResult result)
    {
        if (result.GetResult(_tensorParallel) is { Implicit: false } && result.GetValue(_tensorParallel) == 1)
            yield return "--tensor-parallel-size 1: the worker always runs the model on one device.";
        if (result.GetResult(_pipelineParallel) is { Implicit: false } && result.GetValue(_pipelineParallel) == 1)
            yield return "--pipeline-parallel-size 1: the worker always runs every layer on one device.";
        if (result.GetValue(_disableLogStats))
            yield return "--disable-log-stats: the worker writes no periodic stats lines; the numbers are on /metrics.";
    }
}
