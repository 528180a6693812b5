// LoRA adapters served on top of the base model: the names and limits the spec, the planner and the worker's flags share.
// vLLM decides the ranks it can hold (LoRAConfig.possible_max_ranks: its punica kernels are built for these sizes) and
// keeps --max-loras adapters resident on the GPU at once, each padded to --max-lora-rank.
using Parley.Api.Spec;

namespace Parley.Api;

/// <summary>Limits and defaults of <c>spec.model.adapters</c> and the LoRA fields of <c>spec.worker.tuning</c>.</summary>
public static class LoraAdapters
{
    /// <summary>An adapter's name as clients write it in <c>model</c>: letters, digits, '.', '_' and '-', starting and
    /// ending with a letter or digit, at most 64 characters. No '/', '=' or space: it travels in URLs, in
    /// <c>--lora-modules name=path</c> and in Open WebUI's model ids.</summary>
    public const string NamePattern = @"^[A-Za-z0-9]([A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$";

    /// <summary>The longest adapter name, as <see cref="NamePattern"/> says; stated as a length too, since the API server
    /// bounds the cost of the CRD's CEL rules by the lengths the schema declares, not by patterns.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The longest adapter source: a claim path or folder deep enough for any checkpoint layout, and a bound
    /// on the cost of the CEL rule that reads it.</summary>
    public const int MaxSourceLength = 1024;

    /// <summary>Most adapters one ChatDeployment declares. It bounds the CRD's uniqueness rule (the API server refuses a
    /// CEL rule whose worst-case cost over an unbounded list is too high), and is far more than a GPU keeps resident.</summary>
    public const int MaxCount = 32;

    /// <summary>vLLM's <c>--max-lora-rank</c> default.</summary>
    public const int DefaultMaxRank = 16;

    /// <summary>The <c>--max-lora-rank</c> values vLLM accepts (LoRAConfig.possible_max_ranks).</summary>
    public static readonly IReadOnlyList<int> AllowedRanks = [8, 16, 32, 64, 128, 256, 320, 512];

    /// <summary>The default <c>--max-loras</c>: every declared adapter resident at once, and at least one slot.</summary>
    public static int DefaultMaxLoras(int adapterCount) => Math.Max(1, adapterCount);

    /// <summary>Whether the spec declares any adapter (and the worker runs with LoRA on).</summary>
    public static bool HasAdapters(ModelSpec? model) => model?.Adapters is { Count: > 0 };
}
