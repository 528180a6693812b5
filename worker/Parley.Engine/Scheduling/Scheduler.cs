// Continuous batching. The one rule: every request has ComputedTokenCount catching up to TokenCount (its prompt plus
// what it generated); a step gives each request some catch-up under the step's token budget. A long prompt catches up
// over several steps (chunked prefill), a prefix-cache hit starts it further along, a decoding request needs one token.
// Running requests go first, oldest first; then waiting ones, first come first served. When KV blocks run out the
// latest-arrived running request is preempted: its blocks are freed (they stay cached) and it waits at the front of
// the queue to be recomputed, so the oldest requests always progress and none waits forever.
// Each request's timeline (RequestTimeline) is stamped here: when it leaves the queue and when it gains a token.
// With LoRA, the running requests hold at most maxLoras distinct adapters (the backend's slots, vLLM's max_loras): a
// waiting request whose adapter would be one too many waits, first come first served, until one drains.
using System.Diagnostics;

namespace Parley.Engine.Scheduling;

/// <summary>Decides, step by step, which tokens of which requests are computed.</summary>
/// <param name="kv">The KV cache.</param>
/// <param name="maxNumSeqs">Most running requests.</param>
/// <param name="maxNumBatchedTokens">Most tokens per step.</param>
/// <param name="maxModelLen">Longest request.</param>
/// <param name="maxLoras">Most distinct LoRA adapters among the running requests.</param>
public sealed class Scheduler(KvCacheManager kv, int maxNumSeqs, int maxNumBatchedTokens, int maxModelLen, int maxLoras = 0)
{
    private readonly List<Request> _running = [];
    private readonly LinkedList<Request> _waiting = new();
    private long _arrivals;

    public int RunningCount => _running.Count;
    public int WaitingCount => _waiting.Count;
    public KvCacheManager KvCache => kv;

    /// <summary>The adapters of the running requests, by name, each once (vLLM's running_lora_adapters).</summary>
    public IEnumerable<string> RunningAdapterNames => _running.Select(request => request.AdapterName).OfType<string>().Distinct();

    /// <summary>The adapters of the waiting requests, by name, each once (vLLM's waiting_lora_adapters).</summary>
    public IEnumerable<string> WaitingAdapterNames => _waiting.Select(request => request.AdapterName).OfType<string>().Distinct();

    /// <summary>Queues a request, or says why it can never run.</summary>
    /// <returns>Null when queued; otherwise a sentence with the numbers.</returns>
    public string? Admit(Request request)
    {
        if (Refusal(request) is { } refusal)
        {
            return refusal;
        }

        request.ArrivalOrder = _arrivals++;
        _waiting.AddLast(request);
        return null;
    }

    /// <summary>Why a request can never run under these limits, or null when it can. Reads only the fixed limits, so
    /// any thread may ask.</summary>
    public string? Refusal(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // In long: max_tokens near int.MaxValue plus a prompt must not wrap around to a small number.
        var total = (long)request.PromptTokenCount + request.MaxTokens;
        if (total > maxModelLen)
        {
            return $"This model's maximum context length is {maxModelLen} tokens. However, you requested {total} tokens " +
                $"({request.PromptTokenCount} in the messages, {request.MaxTokens} in the completion). Please reduce the length of the messages or completion.";
        }

        var blocks = (total + BlockPool.BlockSize - 1) / BlockPool.BlockSize;
        if (blocks > kv.Pool.TotalBlockCount)
        {
            return $"{total} tokens need {blocks} KV blocks but the whole cache has {kv.Pool.TotalBlockCount}; reduce the prompt or max_tokens.";
        }

        return null;
    }

    /// <summary>Plans one step.</summary>
    public SchedulerOutput Step()
    {
        var budget = maxNumBatchedTokens;
        var scheduled = new List<ScheduledRequest>();
        var preempted = new List<string>();
        ScheduleRunning(ref budget, scheduled, preempted);
        if (preempted.Count == 0)
        {
            ScheduleWaiting(ref budget, scheduled);
        }

        return new SchedulerOutput(scheduled, preempted);
    }

    /// <summary>Applies a computed step: caught-up counts, sampled tokens, stops and lengths.</summary>
    public IReadOnlyList<RequestDelta> Update(SchedulerOutput output, ModelOutput sampled)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(sampled);
        var deltas = new List<RequestDelta>();
        var now = Stopwatch.GetTimestamp(); // one stamp per step, as vLLM stamps a step's outputs together
        foreach (var step in output.Scheduled)
        {
            var request = _running.Find(r => r.Id == step.RequestId);
            if (request is null)
            {
                continue; // Aborted while the step ran.
            }

            request.ComputedTokenCount += step.TokenCount;
            kv.CacheFullBlocks(request.Id, request.TokenSpan, request.ComputedTokenCount, request.AdapterId);
            if (step.IsSampled && sampled.SampledTokenIds.TryGetValue(request.Id, out var token))
            {
                request.Append(token);
                request.Timeline.MarkToken(now);
                var reason = request.StopTokenIds.Contains(token) || sampled.CompletedIds?.Contains(request.Id) == true ? FinishReason.Stop
                    : request.OutputTokenCount >= request.MaxTokens ? FinishReason.Length
                    : (FinishReason?)null;
                if (reason is { } finished)
                {
                    Finish(request, finished);
                }

                deltas.Add(new RequestDelta(request.Id, token, reason));
            }
        }

        return deltas;
    }

    /// <summary>Cancels a request and frees its blocks at once.</summary>
    public bool Abort(string requestId)
    {
        var request = _running.Find(r => r.Id == requestId) ?? _waiting.FirstOrDefault(r => r.Id == requestId);
        if (request is null)
        {
            return false;
        }

        _waiting.Remove(request);
        Finish(request, FinishReason.Abort);
        return true;
    }

    private void ScheduleRunning(ref int budget, List<ScheduledRequest> scheduled, List<string> preempted)
    {
        for (var i = 0; i < _running.Count && budget > 0; i++)
        {
            var request = _running[i];
            var count = Math.Min(Math.Min(request.TokenCount - request.ComputedTokenCount, budget), request.ChunkCap);
            while (!kv.TryAllocate(request.Id, request.ComputedTokenCount + count))
            {
                var victim = _running[^1];
                Preempt(victim);
                preempted.Add(victim.Id);
                if (victim == request)
                {
                    return;
                }
            }

            scheduled.Add(Plan(request, count));
            budget -= count;
        }
    }

    private void ScheduleWaiting(ref int budget, List<ScheduledRequest> scheduled)
    {
        while (_waiting.First is { } node && _running.Count < maxNumSeqs && budget > 0)
        {
            var request = node.Value;
            if (IsOneAdapterTooMany(request))
            {
                return;
            }

            // Cached blocks would skip prompt positions whose logits a prompt-logprobs request needs.
            var hits = request.WantsPromptLogits ? [] : kv.GetComputedBlocks(request.TokenSpan, request.AdapterId);
            var computed = hits.Count * BlockPool.BlockSize;
            var count = Math.Min(Math.Min(request.TokenCount - computed, budget), request.WantsPromptLogits ? 1 : int.MaxValue);
            if (!kv.TryAllocate(request.Id, computed + count, hits))
            {
                return; // First come, first served: nobody overtakes the head of the queue.
            }

            _waiting.RemoveFirst();
            request.ComputedTokenCount = computed;
            request.Status = RequestStatus.Running;
            request.Timeline.MarkScheduled(Stopwatch.GetTimestamp());
            _running.Add(request);
            scheduled.Add(Plan(request, count));
            budget -= count;
        }
    }

    private bool IsOneAdapterTooMany(Request request)
    {
        if (request.AdapterId == 0 || _running.Exists(running => running.AdapterId == request.AdapterId))
        {
            return false;
        }

        return _running.Select(running => running.AdapterId).Where(id => id != 0).Distinct().Count() >= maxLoras;
    }

    private ScheduledRequest Plan(Request request, int count)
    {
        var start = request.ComputedTokenCount;
        var tokens = request.TokenIds.Skip(start).Take(count).ToArray();
        var blocks = kv.BlockTable(request.Id).Select(block => block.Id).ToArray();
        // A prompt-logprobs request gets logits at every prompt position; only the last position's are sampled from.
        return new ScheduledRequest(request.Id, tokens, start, blocks, IsSampled: start + count == request.TokenCount || request.WantsPromptLogits, request.AdapterId);
    }

    private void Preempt(Request request)
    {
        _running.Remove(request);
        kv.Free(request.Id);
        request.ComputedTokenCount = 0;
        request.Status = RequestStatus.Preempted;
        _waiting.AddFirst(request);
    }

    private void Finish(Request request, FinishReason reason)
    {
        _running.Remove(request);
        kv.Free(request.Id);
        request.Status = RequestStatus.Finished;
        request.FinishReason = reason;
    }
}
