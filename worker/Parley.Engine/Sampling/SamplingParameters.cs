// One request's sampling settings, with vLLM's names, defaults and checks (vllm/sampling_params.py), so that a client
// moving from vLLM gets the same tokens for the same request and the same 400 for a bad one.
using System.Globalization;

namespace Parley.Engine.Sampling;

/// <summary>How one request picks each next token.</summary>
/// <remarks>
/// Defaults are vLLM's <c>SamplingParams</c>: plain softmax sampling at temperature 1, nothing filtered, no penalties,
/// 16 tokens at most. Call <see cref="Validate"/> before use; the sampler assumes valid values.
/// </remarks>
public sealed record SamplingParameters
{
    /// <summary>The most alternatives a request may ask for unless the worker is started with another
    /// <c>--max-logprobs</c> (vLLM's default, OpenAI's top_logprobs limit). The cap is the server's policy, checked where
    /// requests are read; the engine only needs a count that is not negative.</summary>
    public const int DefaultMaxLogprobs = 20;

    /// <summary>Divides the logits; 0 (below <see cref="Sampler.GreedyTemperature"/>) means greedy: the most likely token.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Keeps the smallest set of most likely tokens whose probability reaches this; 1 keeps all.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Keeps the k most likely tokens; -1 or 0 keeps all.</summary>
    public int TopK { get; init; }

    /// <summary>Drops tokens less likely than this fraction of the most likely one; 0 keeps all.</summary>
    public float MinP { get; init; }

    /// <summary>Subtracted once from the logit of every token already in the output.</summary>
    public float PresencePenalty { get; init; }

    /// <summary>Subtracted from a token's logit once per time it is already in the output.</summary>
    public float FrequencyPenalty { get; init; }

    /// <summary>Tokens seen in the prompt or the output: positive logits divided by it, negative ones multiplied; 1 is off.</summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>Seeds this request's random numbers: the same seed, logits and settings give the same tokens.</summary>
    public long? Seed { get; init; }

    /// <summary>Most tokens to generate; null means until the context is full.</summary>
    public int? MaxTokens { get; init; } = 16;

    /// <summary>EOS and <see cref="StopTokenIds"/> cannot be sampled until the output has this many tokens.</summary>
    public int MinTokens { get; init; }

    /// <summary>Token ids that end generation (the stop checker's job), masked while below <see cref="MinTokens"/>.</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>Keep generating after EOS; read by the stop checker, not the sampler.</summary>
    public bool IgnoreEos { get; init; }

    /// <summary>Null for no logprobs, or how many top alternatives (0 to the worker's <c>--max-logprobs</c>) to report with each token.</summary>
    public int? Logprobs { get; init; }

    /// <summary>Null for none, or how many top alternatives to report with each prompt token's own logprob (vLLM's
    /// prompt_logprobs). Prompt positions are then computed one per step, each with its logits.</summary>
    public int? PromptLogprobs { get; init; }

    /// <summary>The most a <see cref="LogitBias"/> value may add or take away (OpenAI's range).</summary>
    public const float MaxLogitBias = 100f;

    /// <summary>Added to the logits of these token ids before penalties (OpenAI's <c>logit_bias</c>); null for none.</summary>
    public IReadOnlyDictionary<int, float>? LogitBias { get; init; }

    /// <summary>Only these token ids can be sampled (vLLM's <c>allowed_token_ids</c>); null allows every token.</summary>
    public IReadOnlyList<int>? AllowedTokenIds { get; init; }

    /// <summary>What the output must match (a JSON schema, a regex, a choice list), compiled for this model's tokenizer;
    /// the sampler masks every token that would leave it. Null leaves the output free.</summary>
    public Constraints.ITokenConstraint? Constraint { get; init; }

    /// <summary>Checks every field; returns null when valid, otherwise the first error, naming the field and its range.</summary>
    public string? Validate()
    {
        if (!(Temperature >= 0 && float.IsFinite(Temperature)))
            return Error("temperature", "[0, +inf)", Temperature);
        if (!(TopP > 0 && TopP <= 1))
            return Error("top_p", "(0, 1]", TopP);
        if (TopK < -1)
            return Error("top_k", "-1 or 0 (off), or [1, +inf)", TopK);
        if (!(MinP >= 0 && MinP <= 1))
            return Error("min_p", "[0, 1]", MinP);
        if (!(PresencePenalty >= -2 && PresencePenalty <= 2))
            return Error("presence_penalty", "[-2, 2]", PresencePenalty);
        if (!(FrequencyPenalty >= -2 && FrequencyPenalty <= 2))
            return Error("frequency_penalty", "[-2, 2]", FrequencyPenalty);
        if (!(RepetitionPenalty > 0 && float.IsFinite(RepetitionPenalty)))
            return Error("repetition_penalty", "(0, +inf)", RepetitionPenalty);
        if (MaxTokens is < 1)
            return Error("max_tokens", "[1, +inf) or null", MaxTokens.Value);
        if (MinTokens < 0 || MinTokens > (MaxTokens ?? int.MaxValue))
            return Error("min_tokens", MaxTokens is null ? "[0, +inf)" : $"[0, max_tokens={MaxTokens}]", MinTokens);
        if (Logprobs is < 0)
            return Error("logprobs", "[0, +inf) or null", Logprobs.Value);
        if (PromptLogprobs is < 0)
            return Error("prompt_logprobs", "[0, +inf) or null", PromptLogprobs.Value);
        foreach (var id in StopTokenIds ?? [])
        {
            if (id < 0)
                return Error("stop_token_ids", "[0, +inf)", id);
        }

        foreach (var (id, bias) in LogitBias ?? new Dictionary<int, float>())
        {
            if (id < 0)
                return string.Create(CultureInfo.InvariantCulture, $"logit_bias keys must be token ids in [0, +inf), got {id}");
            if (!(bias >= -MaxLogitBias && bias <= MaxLogitBias))
                return string.Create(CultureInfo.InvariantCulture, $"logit_bias values must be in [-100, 100], got {bias} for token {id}");
        }

        if (AllowedTokenIds is { Count: 0 })
            return "allowed_token_ids must not be empty: it lists the only tokens that may be sampled";
        foreach (var id in AllowedTokenIds ?? [])
        {
            if (id < 0)
                return Error("allowed_token_ids", "[0, +inf)", id);
        }

        return null;
    }

    private static string Error(string field, string range, float value) =>
        string.Create(CultureInfo.InvariantCulture, $"{field} must be in {range}, got {value}");
}
