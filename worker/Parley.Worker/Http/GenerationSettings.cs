// The generation fields chat and completion requests share, read with vLLM's names, defaults and checks. Sampling
// settings the request leaves out come from the model's generation_config.json, as vLLM's default
// `--generation-config auto` does; everything else defaults as in vLLM's SamplingParams.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Engine.Sampling;
using Parley.Worker.Serving;

namespace Parley.Worker.Http;

/// <summary>How to generate, and how to show the result.</summary>
public sealed record GenerationSettings
{
    public required SamplingParameters Sampling { get; init; }
    public IReadOnlyList<string> Stop { get; init; } = [];
    public bool IncludeStopStringInOutput { get; init; }
    public bool SkipSpecialTokens { get; init; } = true;
    public bool Stream { get; init; }
    public bool IncludeUsage { get; init; }

    /// <summary>stream_options.continuous_usage_stats: usage on every streamed chunk.</summary>
    public bool ContinuousUsage { get; init; }

    /// <summary>return_token_ids: the prompt's and each choice's token ids in the answer.</summary>
    public bool ReturnTokenIds { get; init; }

    /// <summary>return_tokens_as_token_ids: logprobs name tokens as <c>token_id:N</c>, not text.</summary>
    public bool TokensAsIds { get; init; }

    /// <summary>The most choices one request may ask for.</summary>
    public const int MaxChoices = 128;

    /// <summary>Choices per prompt (n).</summary>
    public int N { get; init; } = 1;

    /// <summary>The settings of choice <paramref name="index"/>: a seeded request seeds its choices seed, seed + 1, ...
    /// (as vLLM seeds the children of an n > 1 request), so they differ yet repeat.</summary>
    public GenerationSettings ForChoice(int index) =>
        index == 0 || Sampling.Seed is null ? this : this with { Sampling = Sampling with { Seed = Sampling.Seed + index } };

    /// <summary>How the answer is read for tool calls; null when it is plain text.</summary>
    public Tools.ToolCallReading? ToolCalls { get; init; }

    /// <summary>The LoRA adapter the request's <c>model</c> names; null for the base model.</summary>
    public Engine.Lora.LoraAdapter? Adapter { get; init; }

    /// <summary>The name answers report as <c>model</c>: the adapter's when one runs, as vLLM reports it.</summary>
    public string ModelName(ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Adapter?.Name ?? model.Name;
    }

    /// <summary>Whether the prompt's own logprobs are returned (prompt_logprobs).</summary>
    public bool ReturnPromptLogprobs { get; init; }

    /// <summary>Whether per-token logprobs are returned (with <see cref="SamplingParameters.Logprobs"/> alternatives).</summary>
    public bool ReturnLogprobs => Sampling.Logprobs is not null;

    /// <summary>Reads the shared fields. <paramref name="chat"/>: logprobs is a boolean with top_logprobs beside it
    /// (chat completions); otherwise logprobs is the number of alternatives (legacy completions).</summary>
    public static GenerationSettings Read(RequestReader request, ServedModel model, bool chat)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(model);
        var n = request.Int("n", 1, MaxChoices) ?? 1;
        if (request.Int("best_of", 1, MaxChoices) is { } bestOf && bestOf != n)
        {
            throw ApiException.BadRequest($"best_of must equal n ({n}): like vLLM's V1 engine, Parley returns every sample it draws instead of ranking extra ones.", "best_of");
        }

        var defaults = model.Generation;
        // generation_config.json's max_new_tokens caps what a request may ask, as in vLLM.
        var maxTokens = Cap((chat ? request.Int("max_completion_tokens") : null) ?? request.Int("max_tokens"), defaults.MaxNewTokens);
        var sampling = new SamplingParameters
        {
            Temperature = (float)(request.Number("temperature") ?? defaults.Temperature ?? 1.0),
            TopP = (float)(request.Number("top_p") ?? defaults.TopP ?? 1.0),
            TopK = request.Int("top_k") ?? defaults.TopK ?? 0,
            MinP = (float)(request.Number("min_p") ?? defaults.MinP ?? 0),
            PresencePenalty = (float)(request.Number("presence_penalty") ?? 0),
            FrequencyPenalty = (float)(request.Number("frequency_penalty") ?? 0),
            RepetitionPenalty = (float)(request.Number("repetition_penalty") ?? defaults.RepetitionPenalty ?? 1.0),
            Seed = model.Seeds.For(request.Integer("seed")),
            MaxTokens = maxTokens,
            MinTokens = request.Int("min_tokens") ?? 0,
            StopTokenIds = request.Ints("stop_token_ids") ?? [],
            IgnoreEos = request.Bool("ignore_eos") ?? false,
            Logprobs = Logprobs(request, chat, model.MaxLogprobs),
            LogitBias = LogitBias(request),
            AllowedTokenIds = request.Ints("allowed_token_ids"),
        };
        if (sampling.Validate() is { } error)
        {
            throw ApiException.BadRequest(error, error.Split(' ')[0]);
        }

        var stream = request.Bool("stream") ?? false;
        if (!stream && request.Node("stream_options") is not null)
        {
            throw ApiException.BadRequest("stream_options can only be given when stream is true.", "stream_options");
        }

        if (request.Int("prompt_logprobs", 0, model.MaxLogprobs) is { } promptLogprobs)
        {
            sampling = stream
                ? throw ApiException.BadRequest("prompt_logprobs cannot be used with stream: true (the prompt's logprobs come with the whole answer).", "prompt_logprobs")
                : sampling with { PromptLogprobs = promptLogprobs };
        }

        if (StructuredOutputRequest.Read(request) is var (constraint, field))
        {
            sampling = sampling with { Constraint = StructuredOutputRequest.Compile(model, constraint, field) };
        }

        return new GenerationSettings
        {
            Sampling = sampling,
            N = n,
            Stop = request.Strings("stop") ?? [],
            IncludeStopStringInOutput = request.Bool("include_stop_str_in_output") ?? false,
            SkipSpecialTokens = request.Bool("skip_special_tokens") ?? true,
            Stream = stream,
            ReturnPromptLogprobs = sampling.PromptLogprobs is not null,
            IncludeUsage = request.Bool("stream_options", "include_usage") ?? false,
            ContinuousUsage = request.Bool("stream_options", "continuous_usage_stats") ?? false,
            ReturnTokenIds = request.Bool("return_token_ids") ?? false,
            TokensAsIds = request.Bool("return_tokens_as_token_ids") ?? false,
            Adapter = request.String("model") is { } name ? model.Adapters?.Find(name)?.Adapter : null,
        };
    }

    private static int? Cap(int? requested, int? cap) => (requested, cap) switch
    {
        (null, _) => cap,
        (_, null) => requested,
        _ => Math.Min(requested.Value, cap.Value),
    };

    // OpenAI's shape: {"token id as a string": bias}. A key that is not a whole number is the client's mistake, not a
    // token to skip; ranges and the vocabulary are checked with the other settings.
    private static Dictionary<int, float>? LogitBias(RequestReader request)
    {
        if (request.Object("logit_bias") is not { } biases)
        {
            return null;
        }

        var result = new Dictionary<int, float>();
        foreach (var (key, value) in biases)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw ApiException.BadRequest($"logit_bias keys must be token ids (whole numbers as strings), got '{RequestReader.Truncated(key)}'.", "logit_bias");
            }

            if (value is not JsonValue number || number.GetValueKind() != JsonValueKind.Number)
            {
                throw ApiException.BadRequest($"logit_bias values must be numbers in [-100, 100]; token {id} has {RequestReader.Truncated(value?.ToJsonString() ?? "null")}.", "logit_bias");
            }

            result[id] = (float)number.GetValue<double>();
        }

        return result;
    }

    // The cap is the worker's --max-logprobs: a request past it gets a 400 naming the range, as in vLLM.
    private static int? Logprobs(RequestReader request, bool chat, int maxLogprobs)
    {
        if (!chat)
        {
            return request.Int("logprobs", 0, maxLogprobs);
        }

        var top = request.Int("top_logprobs", 0, maxLogprobs);
        if (request.Bool("logprobs") == true)
        {
            return top ?? 0;
        }

        return top is > 0 ? throw ApiException.BadRequest("top_logprobs needs logprobs set to true.", "top_logprobs") : null;
    }
}
