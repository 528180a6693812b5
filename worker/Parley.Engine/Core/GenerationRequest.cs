using Parley.Engine.Sampling;

namespace Parley.Engine.Core;

/// <summary>What a caller asks the engine to generate.</summary>
/// <param name="Id">Unique among live requests; <see cref="InferenceEngine.Abort"/> takes it.</param>
/// <param name="PromptTokenIds">The prompt, already tokenized.</param>
/// <param name="Sampling">How to pick tokens; <see cref="SamplingParameters.MaxTokens"/> null means until the context is full.</param>
/// <param name="Adapter">The LoRA adapter to run on top of the base model; null for the base model alone.</param>
public sealed record GenerationRequest(string Id, IReadOnlyList<int> PromptTokenIds, SamplingParameters Sampling, Lora.LoraAdapter? Adapter = null);

/// <summary>One generated token, as the engine streams it.</summary>
/// <param name="TokenId">The token.</param>
/// <param name="Logprob">Its log-probability under the model's raw logits.</param>
/// <param name="TopLogprobs">The most likely alternatives when the request asked for logprobs; otherwise empty.</param>
/// <param name="FinishReason">Set on the last token: a stop token, or the length limit.</param>
/// <param name="PromptLogprobs">On the first token of a request that asked for prompt logprobs: prompt tokens 1, 2, ...
/// (the first has no context to be predicted from), each under the logits of the position before it.</param>
public sealed record TokenEvent(int TokenId, float Logprob, IReadOnlyList<TokenLogprob> TopLogprobs, Scheduling.FinishReason? FinishReason,
    IReadOnlyList<PromptTokenLogprob>? PromptLogprobs = null);

/// <summary>One prompt token's log-probability given the tokens before it.</summary>
/// <param name="TokenId">The prompt token.</param>
/// <param name="Logprob">Its log-probability under the model's raw logits.</param>
/// <param name="Rank">1 for the most likely token, 2 for the next, ...</param>
/// <param name="TopLogprobs">The most likely tokens at that position.</param>
public sealed record PromptTokenLogprob(int TokenId, float Logprob, int Rank, IReadOnlyList<TokenLogprob> TopLogprobs);

/// <summary>Why the engine refused a request.</summary>
public enum RejectionKind
{
    /// <summary>The request can never run here (invalid settings, bad ids, a duplicate id): the client must change it.</summary>
    Invalid,

    /// <summary>Prompt plus completion exceed the model's context or the whole KV cache: the client must shorten it.</summary>
    TooLong,

    /// <summary>The engine is shutting down: another replica can take it.</summary>
    ShuttingDown,

    /// <summary>As many requests as the engine admits are already in; retrying shortly can succeed.</summary>
    Overloaded,
}

/// <summary>The engine refused a request at submission; the message says why with the numbers, fit for an answer.</summary>
public sealed class RequestRejectedException : Exception
{
    public RequestRejectedException()
    {
    }

    public RequestRejectedException(string message)
        : base(message)
    {
    }

    public RequestRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RequestRejectedException(string message, RejectionKind kind)
        : base(message) => Kind = kind;

    public RejectionKind Kind { get; }
}

/// <summary>One request failed while the others went on (its sampling found no token, say); the message says why.</summary>
public sealed class RequestFailedException : Exception
{
    public RequestFailedException()
    {
    }

    public RequestFailedException(string message)
        : base(message)
    {
    }

    public RequestFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
