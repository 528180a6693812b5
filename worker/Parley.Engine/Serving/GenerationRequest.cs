using Parley.Engine.Sampling;

namespace Parley.Engine.Serving;

/// <summary>What a caller asks the engine to generate.</summary>
/// <param name="Id">Unique among live requests; <see cref="InferenceEngine.Abort"/> takes it.</param>
/// <param name="PromptTokenIds">The prompt, already tokenized.</param>
/// <param name="Sampling">How to pick tokens; <see cref="SamplingParameters.MaxTokens"/> null means until the context is full.</param>
public sealed record GenerationRequest(string Id, IReadOnlyList<int> PromptTokenIds, SamplingParameters Sampling);

/// <summary>One generated token, as the engine streams it.</summary>
/// <param name="TokenId">The token.</param>
/// <param name="Logprob">Its log-probability under the model's raw logits.</param>
/// <param name="TopLogprobs">The most likely alternatives when the request asked for logprobs; otherwise empty.</param>
/// <param name="FinishReason">Set on the last token: a stop token, or the length limit.</param>
public sealed record TokenEvent(int TokenId, float Logprob, IReadOnlyList<TokenLogprob> TopLogprobs, Scheduling.FinishReason? FinishReason);

/// <summary>The engine refused a request at submission; the message says why with the numbers, fit for a 400 answer.</summary>
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
}
