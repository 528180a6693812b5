// The vLLM flags a worker accepts only in the form this engine runs: one device, 16-token KV blocks, a KV cache in the
// model's own dtype. A value it cannot honour stops the start (exit 2) with a sentence naming what works, rather than
// serving something other than what the command line asked for.
using System.Globalization;
using Parley.Engine.Scheduling;

namespace Parley.Worker;

/// <summary>Checks the flags whose values the engine supports only in part.</summary>
internal static class WorkerOptionRefusals
{
    private static readonly string[] UvicornLogLevels = ["critical", "error", "warning", "info", "debug", "trace"];

    /// <summary>Null when every value can be honoured; otherwise what to change.</summary>
    public static string? Find(WorkerOptions options)
    {
        if (options.TensorParallelSize != 1)
            return Invariant($"--tensor-parallel-size {options.TensorParallelSize} is not supported: a Parley worker runs the whole model on one GPU; use 1 (or leave it out) and choose a GPU, or a quantized (gptq) checkpoint, that holds the model.");
        if (options.PipelineParallelSize != 1)
            return Invariant($"--pipeline-parallel-size {options.PipelineParallelSize} is not supported: a Parley worker runs every layer on one GPU; use 1 (or leave it out).");
        if (options.BlockSize != BlockPool.BlockSize)
            return Invariant($"--block-size {options.BlockSize} is not supported: the engine's KV blocks hold {BlockPool.BlockSize} tokens; use 16 (or leave it out).");
        if (!options.KvCacheDtype.Equals("auto", StringComparison.OrdinalIgnoreCase))
            return $"--kv-cache-dtype '{options.KvCacheDtype}' is not supported: the KV cache is kept in the model's dtype; use auto (or leave it out).";
        if (options.MaxLogprobs < -1)
            return Invariant($"--max-logprobs must be -1 (the whole vocabulary) or at least 0, got {options.MaxLogprobs}.");
        if (options.GenerationConfig is "" || (options.GenerationConfig is not ("auto" or "vllm") && !Directory.Exists(options.GenerationConfig)))
            return $"--generation-config '{options.GenerationConfig}' is neither auto, vllm, nor a folder that exists.";
        if (options.Tokenizer is { } tokenizer && !File.Exists(Path.Combine(tokenizer, "tokenizer.json")))
            return $"--tokenizer '{tokenizer}' is not a folder holding tokenizer.json; give a local tokenizer folder (hub ids are not fetched for it), or leave it out to use the model's.";
        if (options.UvicornLogLevel is { } level && !UvicornLogLevels.Contains(level, StringComparer.OrdinalIgnoreCase))
            return $"--uvicorn-log-level '{level}' is not one of {string.Join(", ", UvicornLogLevels)}.";
        if (options.ServedModelNames.Any(string.IsNullOrWhiteSpace))
            return "--served-model-name has an empty name; give each name clients may send.";
        return null;
    }

    private static string Invariant(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
