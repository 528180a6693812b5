// One generation request as the scheduler sees it: token ids and how many of them have been computed.
using System.Runtime.InteropServices;

namespace Parley.Engine.Scheduling;

/// <summary>Where a request is in its life.</summary>
public enum RequestStatus
{
    Waiting,
    Running,
    Preempted,
    Finished,
}

/// <summary>Why a request finished, as the OpenAI API reports it (<c>abort</c> for cancellations).</summary>
public enum FinishReason
{
    Stop,
    Length,
    Abort,
}

/// <summary>A request: its prompt, what it has generated, and how far the KV cache has caught up with both.</summary>
/// <param name="id">Unique id.</param>
/// <param name="promptTokenIds">The prompt.</param>
/// <param name="maxTokens">Most tokens to generate.</param>
/// <param name="stopTokenIds">Tokens that end generation (EOS ids and the request's stop_token_ids).</param>
public sealed class Request(string id, IReadOnlyList<int> promptTokenIds, int maxTokens, IReadOnlySet<int> stopTokenIds)
{
    private readonly List<int> _tokens = [.. promptTokenIds];

    public string Id { get; } = id;
    public int PromptTokenCount { get; } = promptTokenIds.Count;
    public int MaxTokens { get; } = maxTokens;
    public IReadOnlySet<int> StopTokenIds { get; } = stopTokenIds;

    /// <summary>Prompt then output tokens.</summary>
    public IReadOnlyList<int> TokenIds => _tokens;

    /// <summary>The same tokens without a copy; valid until the next token is appended.</summary>
    public ReadOnlySpan<int> TokenSpan => CollectionsMarshal.AsSpan(_tokens);

    public int TokenCount => _tokens.Count;
    public int OutputTokenCount => _tokens.Count - PromptTokenCount;

    /// <summary>Tokens whose keys and values are in the KV cache; it catches up to <see cref="TokenCount"/>.</summary>
    public int ComputedTokenCount { get; internal set; }

    public RequestStatus Status { get; internal set; } = RequestStatus.Waiting;
    public FinishReason? FinishReason { get; internal set; }

    /// <summary>When it arrived, was first scheduled and produced its first and latest tokens.</summary>
    public RequestTimeline Timeline { get; } = new();

    /// <summary>The prompt's own logprobs are wanted (prompt_logprobs, echo with logprobs): every prompt position is
    /// computed one per step with its logits returned, and the prefix cache is not used for it.</summary>
    public bool WantsPromptLogits { get; init; }

    /// <summary>The most tokens the next step may compute for it: one per step while its prompt logits are wanted.</summary>
    internal int ChunkCap => WantsPromptLogits && ComputedTokenCount < PromptTokenCount ? 1 : int.MaxValue;

    /// <summary>The LoRA adapter it runs (LoraAdapter.Id); 0 for the base model. Part of its prefix-cache keys: KV
    /// computed under one adapter is never served to another.</summary>
    public int AdapterId { get; init; }

    /// <summary>The adapter's name, for vLLM's lora_requests_info; null for the base model.</summary>
    public string? AdapterName { get; init; }

    /// <summary>Admission order; the latest arrival is preempted first.</summary>
    public long ArrivalOrder { get; internal set; }

    internal void Append(int tokenId) => _tokens.Add(tokenId);
}
