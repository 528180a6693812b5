// What one scheduler step asks the backend to compute, and what the step's sampling gave back. Backends see these
// records, never Request; the scheduler sees token ids, never tensors.
namespace Parley.Engine.Scheduling;

/// <summary>One request's share of a step: its <paramref name="TokenIds"/> from position <paramref name="StartPosition"/>.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="TokenIds">The tokens to compute this step.</param>
/// <param name="StartPosition">The position of the first of them.</param>
/// <param name="BlockTable">The request's KV block ids, in token order.</param>
/// <param name="IsSampled">Whether this step reaches the end of the known tokens, so a next token is sampled.</param>
/// <param name="AdapterId">The request's LoRA adapter (<see cref="Request.AdapterId"/>); 0 for the base model.</param>
public sealed record ScheduledRequest(string RequestId, IReadOnlyList<int> TokenIds, int StartPosition, IReadOnlyList<int> BlockTable, bool IsSampled, int AdapterId = 0)
{
    public int TokenCount => TokenIds.Count;
}

/// <summary>One step's plan.</summary>
public sealed record SchedulerOutput(IReadOnlyList<ScheduledRequest> Scheduled, IReadOnlyList<string> PreemptedIds)
{
    public int TotalTokenCount => Scheduled.Sum(request => request.TokenCount);
    public bool IsEmpty => Scheduled.Count == 0;
}

/// <summary>The token sampled for each request the step asked to sample.</summary>
/// <param name="SampledTokenIds">The new token of each sampled request.</param>
/// <param name="CompletedIds">Requests whose new token completed their output constraint: nothing more may follow,
/// so they stop here as if on a stop token.</param>
public sealed record ModelOutput(IReadOnlyDictionary<string, int> SampledTokenIds, IReadOnlySet<string>? CompletedIds = null);

/// <summary>What a step changed for one request: the token it gained, and the finish reason when it ended.</summary>
public sealed record RequestDelta(string RequestId, int? NewTokenId, FinishReason? FinishReason);
