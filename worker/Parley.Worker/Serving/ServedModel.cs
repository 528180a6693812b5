// Everything a request needs about the loaded model, built once at start-up: the engine, the tokenizer and its
// decoder, the chat template (or why there is none), tool support, the constraint compiler, generation defaults and the limits clients are held to.
using Parley.Engine.Constraints;
using Parley.Engine.Models;
using Parley.Engine.Core;
using Parley.Engine.Text;
using Parley.Engine.Text.Jinja;

namespace Parley.Worker.Serving;

/// <summary>A model ready to serve.</summary>
public sealed record ServedModel
{
    /// <summary>The primary served name: the one responses report.</summary>
    public required string Name { get; init; }

    /// <summary>Every name a request may send as <c>model</c>, <see cref="Name"/> first; all are listed in /v1/models.</summary>
    public required IReadOnlyList<string> Names { get; init; }

    /// <summary>The most logprobs / top_logprobs a request may ask for (--max-logprobs, -1 resolved to the vocabulary).</summary>
    public int MaxLogprobs { get; init; } = Parley.Engine.Sampling.SamplingParameters.DefaultMaxLogprobs;

    /// <summary>Seeds for requests that send none (--seed).</summary>
    public RequestSeeds Seeds { get; init; } = new(null);
    public required string Source { get; init; }
    public required string Folder { get; init; }
    public required ModelConfig Config { get; init; }
    public required Tokenizer Tokenizer { get; init; }
    public required TokenizerConfig TokenizerConfig { get; init; }
    public required GenerationConfig Generation { get; init; }
    public required InferenceEngine Engine { get; init; }
    public required int MaxModelLen { get; init; }
    public required int KvBlockCount { get; init; }
    public required string Device { get; init; }
    public required long CreatedUnixSeconds { get; init; }

    /// <summary>The chat template, or null with <see cref="ChatTemplateError"/> saying why.</summary>
    public JinjaTemplate? ChatTemplate { get; init; }

    public string? ChatTemplateError { get; init; }
    public ReasoningFormat? Reasoning { get; init; }

    /// <summary>Whether the template renders tools, and the tool-call markup answers are read for.</summary>
    public ToolSupport Tools { get; init; } = ToolSupport.None;

    /// <summary>Compiles output constraints (JSON schemas, regexes, choices) against this tokenizer; built at the first
    /// constrained request, since it indexes the whole vocabulary.</summary>
    public required Lazy<ConstraintCompiler> Constraints { get; init; }

    /// <summary>The LoRA adapters requests may select by name; null when --enable-lora is off.</summary>
    public LoraAdapters? Adapters { get; init; }

    /// <summary>Bytes the device holds for this model (weights and KV cache); 0 when unknown.</summary>
    public long DeviceMemoryBytes { get; init; }

    /// <summary>The share this worker was started with and the free memory it saw; null without --gpu-memory-bytes.</summary>
    public MemoryShareReport? MemoryShare { get; init; }

    /// <summary>The ledger claim held while the model is served; released when the host stops.</summary>
    public IDisposable? MemoryClaim { get; init; }

    /// <summary>What the worker took: weights and KV cache on a GPU, the KV cache on the CPU.</summary>
    public long MemoryTakenBytes { get; init; }
}
