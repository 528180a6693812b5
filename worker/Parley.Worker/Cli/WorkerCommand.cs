// `parley-worker`: parses vLLM-style flags into WorkerOptions and runs the server until SIGTERM.
using System.CommandLine;
using Parley.Api.Contracts;
using Parley.Worker.Hosting;

namespace Parley.Worker.Cli;

/// <summary>The worker's command line.</summary>
internal static class WorkerCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var command = Create(ServeAsync);
        // SIGTERM belongs to the host, which drains (503 for new requests, running streams finish within
        // --shutdown-grace-seconds) and then exits 0. The command line's own handler would cancel the run and exit 143
        // after two seconds, cutting every stream.
        return await command.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
    }

    /// <summary>The command; <paramref name="run"/> receives the validated options.</summary>
    public static RootCommand Create(Func<WorkerOptions, Task<int>> run, TextWriter? errors = null)
    {
        errors ??= Console.Error;
        var model = new Option<string>(WorkerFlags.Model) { Description = "Checkpoint folder, Hugging Face id (org/name, hf://org/name@rev) or demo (a tiny random model that talks nonsense).", Required = true };
        var servedName = new Option<string?>(WorkerFlags.ServedModelName) { Description = "The model name in the API; default: --model." };
        var revision = new Option<string?>(WorkerFlags.Revision) { Description = "Hub branch, tag or commit; default: the id's @revision, else main." };
        var downloadDir = new Option<string?>(WorkerFlags.DownloadDir) { Description = "Hub cache folder; default: $HF_HOME/hub or ~/.cache/huggingface/hub." };
        var dtype = new Option<string>(WorkerFlags.Dtype) { Description = "auto, bfloat16, float16 or float32.", DefaultValueFactory = _ => "auto" };
        var quantization = new Option<string?>(WorkerFlags.Quantization) { Description = "gptq, or leave out to follow the checkpoint." };
        var maxModelLen = new Option<int?>(WorkerFlags.MaxModelLen) { Description = "Context length; default: the model's." };
        var utilization = new Option<double>(WorkerFlags.GpuMemoryUtilization) { Description = "Fraction of GPU memory for weights, activations and KV cache.", DefaultValueFactory = _ => 0.9 };
        var maxNumSeqs = new Option<int>(WorkerFlags.MaxNumSeqs) { Description = "Most sequences per step.", DefaultValueFactory = _ => 256 };
        var maxBatched = new Option<int>(WorkerFlags.MaxNumBatchedTokens) { Description = "Most tokens per step (prefill chunk size).", DefaultValueFactory = _ => 2048 };
        var prefix = new Option<bool>(WorkerFlags.EnablePrefixCaching) { Description = "Reuse KV blocks of repeated prompt prefixes (on by default).", DefaultValueFactory = _ => true };
        var noPrefix = new Option<bool>("--no-enable-prefix-caching") { Description = "Turn prefix caching off." };
        var chatTemplate = new Option<string?>(WorkerFlags.ChatTemplate) { Description = "A chat template file or inline template; default: the model's." };
        var reasoning = new Option<string?>(WorkerFlags.ReasoningParser) { Description = "deepseek_r1, qwen3, ... : split <think> reasoning from the answer." };
        var toolParser = new Option<string?>("--tool-call-parser") { Description = "hermes, llama3_json, mistral, deepseek_v3 or deepseek_v31; default: the one the chat template writes." };
        var autoToolChoice = new Option<bool>("--enable-auto-tool-choice") { Description = "Accepted for vLLM command lines: tool_choice auto is on whenever the chat template renders tools." };
        var apiKey = new Option<string?>("--api-key") { Description = "Bearer token required on /v1/*; default: $VLLM_API_KEY." };
        var host = new Option<string>(WorkerFlags.Host) { Description = "Address to listen on.", DefaultValueFactory = _ => "0.0.0.0" };
        var port = new Option<int>(WorkerFlags.Port) { Description = "Port to listen on.", DefaultValueFactory = _ => WorkerFlags.DefaultPort };
        var device = new Option<string>("--device") { Description = "auto, cuda or cpu.", DefaultValueFactory = _ => "auto" };
        var streamInterval = new Option<int>("--stream-interval") { Description = "Tokens per streamed chunk.", DefaultValueFactory = _ => 1 };
        var kvBytes = new Option<long?>("--kv-cache-memory-bytes") { Description = "KV cache size on the CPU device." };
        var maxWaiting = new Option<int?>("--max-waiting-requests") { Description = "Queued requests beyond which new ones get 503 + Retry-After; default: 4 x max-num-seqs." };
        var grace = new Option<int>("--shutdown-grace-seconds") { Description = "On SIGTERM, how long running streams may finish.", DefaultValueFactory = _ => 30 };
        var terminationLog = new Option<string>("--termination-log")
        {
            Description = "Where a GPU out-of-memory death is reported for the operator (the container's terminationMessagePath).",
            DefaultValueFactory = _ => Parley.Api.Contracts.OutOfMemoryTermination.KubernetesPath,
        };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for the forward pass; default: all cores." };
        var root = new RootCommand("Parley inference worker: an OpenAI-compatible API with vLLM's flags and metrics.")
        {
            model, servedName, revision, downloadDir, dtype, quantization, maxModelLen, utilization, maxNumSeqs, maxBatched, prefix, noPrefix,
            chatTemplate, reasoning, toolParser, autoToolChoice, apiKey, host, port, device, streamInterval, kvBytes, maxWaiting, grace, terminationLog, threads,
        };
        root.SetAction(async result =>
        {
            var options = new WorkerOptions
            {
                Model = result.GetValue(model)!,
                ServedModelName = result.GetValue(servedName),
                Revision = result.GetValue(revision),
                DownloadDir = result.GetValue(downloadDir),
                Dtype = result.GetValue(dtype)!,
                Quantization = result.GetValue(quantization),
                MaxModelLen = result.GetValue(maxModelLen),
                GpuMemoryUtilization = result.GetValue(utilization),
                MaxNumSeqs = result.GetValue(maxNumSeqs),
                MaxNumBatchedTokens = result.GetValue(maxBatched),
                EnablePrefixCaching = result.GetValue(prefix) && !result.GetValue(noPrefix),
                ChatTemplate = result.GetValue(chatTemplate),
                ReasoningParser = result.GetValue(reasoning),
                ToolCallParser = result.GetValue(toolParser),
                ApiKey = result.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("VLLM_API_KEY"),
                Host = result.GetValue(host)!,
                Port = result.GetValue(port),
                Device = result.GetValue(device)!,
                StreamInterval = result.GetValue(streamInterval),
                KvCacheMemoryBytes = result.GetValue(kvBytes),
                MaxWaitingRequests = result.GetValue(maxWaiting),
                ShutdownGraceSeconds = result.GetValue(grace),
                TerminationLog = result.GetValue(terminationLog)!,
                Threads = result.GetValue(threads),
            };
            if (options.Validate() is { } error)
            {
                await errors.WriteLineAsync(error).ConfigureAwait(false);
                return 2;
            }

            return await run(options).ConfigureAwait(false);
        });
        return root;
    }

    private static async Task<int> ServeAsync(WorkerOptions options)
    {
        await using var app = WorkerApp.Build(options);
        var host = app.Services.GetRequiredService<Serving.ModelHost>(); // RunAsync disposes the services when it returns
        await app.RunAsync().ConfigureAwait(false);
        return host.ExitCode;
    }
}
