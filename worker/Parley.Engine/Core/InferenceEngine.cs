// The engine's front door and its loop. Callers submit requests and read token streams from any thread; one
// dedicated thread owns the scheduler, the backend and every request's sampler state, so none of them needs a lock.
// Commands (submit, abort) reach the loop through a queue; tokens leave through unbounded channels, so the loop never
// waits for a slow reader and a reader never blocks the loop.
//
//   loop: take commands -> scheduler.Step -> (LoRA) put the step's adapters in backend slots -> backend.Forward
//         -> sample each sampled sequence -> scheduler.Update -> write each request's token (and finish) to its
//         channel; sleep when there is nothing to compute.
using System.Collections.Concurrent;
using System.Threading.Channels;
using Parley.Engine.Backends;
using Parley.Engine.Sampling;
using Parley.Engine.Scheduling;

namespace Parley.Engine.Core;

/// <summary>Continuous-batching generation over a backend, which it owns and disposes.</summary>
public sealed class InferenceEngine : IDisposable
{
    private readonly IBackend _backend;
    private readonly EngineOptions _options;
    private readonly Scheduler _scheduler;
    private readonly KvCacheManager _kv;
    private readonly AdapterSlots _adapterSlots;
    private readonly HashSet<int> _stepAdapterIds = [];
    private readonly Dictionary<int, int> _stepAdapterSlots = [];
    private readonly Func<int, int> _adapterSlotOf;
    private readonly ConcurrentQueue<Command> _commands = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Dictionary<string, LiveRequest> _live = new(StringComparer.Ordinal);
    private readonly HashSet<string> _submittedIds = new(StringComparer.Ordinal);
    private readonly Thread _thread;
    private readonly float[] _logits;
    private readonly float[] _samplerScratch;
    private volatile bool _isStopping;
    private volatile bool _isDisposing;
    private int _admittedCount; // submitted and not yet completed; bounded by MaxNumSeqs + MaxWaitingRequests
    private long _preemptions;
    private long _steps;

    public InferenceEngine(IBackend backend, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(options);
        _backend = backend;
        _options = options;
        _kv = new KvCacheManager(new BlockPool(backend.KvBlockCount, options.EnablePrefixCaching));
        if (options.MaxLoras > backend.LoraSlotCount)
        {
            throw new ArgumentException($"MaxLoras is {options.MaxLoras} but the backend holds {backend.LoraSlotCount} LoRA slots.", nameof(options));
        }

        _scheduler = new Scheduler(_kv, options.MaxNumSeqs, options.MaxNumBatchedTokens, options.MaxModelLen, options.MaxLoras);
        _adapterSlots = new AdapterSlots(backend);
        _adapterSlotOf = id => _stepAdapterSlots[id];
        _logits = new float[options.MaxNumSeqs * backend.Config.VocabSize];
        _samplerScratch = new float[Sampler.ScratchLength(backend.Config.VocabSize)];
        Stats = Snapshot();
        _thread = new Thread(Loop) { IsBackground = true, Name = "parley-engine" };
        _thread.Start();
    }

    /// <summary>The state after the latest step.</summary>
    public EngineStats Stats { get; private set; }

    /// <summary>Raised on the engine thread when a step throws (its requests have already failed with the exception);
    /// the host decides whether the process can go on, e.g. not after the GPU ran out of memory.</summary>
    public event Action<Exception>? StepFailed;

    /// <summary>Raised on the engine thread after each forward pass, for per-step metrics (vLLM's
    /// iteration_tokens_total) without the engine knowing who counts; a handler must be quick and must not throw.</summary>
    public event Action<EngineStep>? StepCompleted;

    /// <summary>Queues a request and returns its token stream at once.</summary>
    /// <param name="request">The request; its sampling parameters must be valid.</param>
    /// <param name="cancellationToken">Cancelling aborts the request and frees its KV blocks.</param>
    /// <exception cref="RequestRejectedException">The request can never run here (too long, invalid, duplicate id, engine stopping).</exception>
    public GenerationStream Submit(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_isStopping)
        {
            throw new RequestRejectedException("The engine is shutting down and accepts no new requests.", RejectionKind.ShuttingDown);
        }

        if (request.Sampling.Validate() is { } invalid)
        {
            throw new RequestRejectedException(invalid, RejectionKind.Invalid);
        }

        var vocabulary = _backend.Config.VocabSize;
        if (OutsideVocabulary(request.PromptTokenIds, vocabulary) is { } token)
        {
            throw new RequestRejectedException($"Token id {token} is out of vocabulary (0 to {vocabulary - 1}).", RejectionKind.Invalid);
        }

        foreach (var (field, ids) in new[] { ("logit_bias", request.Sampling.LogitBias?.Keys), ("allowed_token_ids", request.Sampling.AllowedTokenIds) })
        {
            if (OutsideVocabulary(ids, vocabulary) is { } outside)
            {
                throw new RequestRejectedException($"{field} holds token id {outside}, outside the vocabulary (0 to {vocabulary - 1}).", RejectionKind.Invalid);
            }
        }

        if (request.Adapter is { } adapter && _options.MaxLoras == 0)
        {
            throw new RequestRejectedException($"The request selects LoRA adapter '{adapter.Name}' but this engine runs no adapters; start it with LoRA enabled.", RejectionKind.Invalid);
        }

        if (request.PromptTokenIds.Count == 0)
        {
            throw new RequestRejectedException("The prompt is empty; it needs at least one token.", RejectionKind.Invalid);
        }

        var maxTokens = request.Sampling.MaxTokens ?? Math.Max(1, _options.MaxModelLen - request.PromptTokenIds.Count);
        var stopIds = new HashSet<int>(request.Sampling.StopTokenIds);
        if (!request.Sampling.IgnoreEos)
        {
            stopIds.UnionWith(_options.EosTokenIds);
        }

        if (request.Sampling.MinTokens > 0 && !AnyTokenLeftUnderMinTokens(request.Sampling, vocabulary))
        {
            throw new RequestRejectedException(
                request.Sampling.AllowedTokenIds is null
                    ? $"stop_token_ids and the model's EOS ids cover all {vocabulary} tokens of the vocabulary, so min_tokens={request.Sampling.MinTokens} leaves no token to sample; remove ids from stop_token_ids or set min_tokens to 0."
                    : $"allowed_token_ids holds only stop and EOS tokens, so min_tokens={request.Sampling.MinTokens} leaves no token to sample; allow another token or set min_tokens to 0.",
                RejectionKind.Invalid);
        }

        var scheduled = new Request(request.Id, request.PromptTokenIds, maxTokens, stopIds)
        {
            WantsPromptLogits = request.Sampling.PromptLogprobs is not null,
            AdapterId = request.Adapter?.Id ?? 0,
            AdapterName = request.Adapter?.Name,
        };
        if (_scheduler.Refusal(scheduled) is { } refusal)
        {
            throw new RequestRejectedException(refusal, RejectionKind.TooLong);
        }

        Admit(request.Id);

        var channel = Channel.CreateUnbounded<TokenEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var live = new LiveRequest(scheduled, request.Sampling, new SamplerState(request.Sampling, _options.EosTokenIds), channel.Writer) { Adapter = request.Adapter };
        if (cancellationToken.CanBeCanceled)
        {
            live.Cancellation = cancellationToken.Register(() => Abort(request.Id));
        }

        Send(new Command(live, null));
        return new GenerationStream(request.Id, request.PromptTokenIds.Count, maxTokens, scheduled.Timeline, channel.Reader);
    }

    // Counted at submission, not at the loop's next step: a burst of requests all arriving before the loop runs must
    // still meet the bound.
    private void Admit(string id)
    {
        var admitted = Interlocked.Increment(ref _admittedCount);
        if (_options.MaxWaitingRequests is { } maxWaiting && admitted > _options.MaxNumSeqs + maxWaiting)
        {
            Interlocked.Decrement(ref _admittedCount);
            throw new RequestRejectedException(
                $"The worker already holds {admitted - 1} requests ({_options.MaxNumSeqs} can run, {maxWaiting} may wait); retry shortly.", RejectionKind.Overloaded);
        }

        lock (_submittedIds)
        {
            if (!_submittedIds.Add(id))
            {
                Interlocked.Decrement(ref _admittedCount);
                throw new RequestRejectedException($"A request with id '{id}' is already running.", RejectionKind.Invalid);
            }
        }
    }

    // While the output is shorter than min_tokens the sampler masks EOS and the stop ids (SamplerState.MinTokensMask):
    // something else must be left, among the allowed ids when the request names them.
    private bool AnyTokenLeftUnderMinTokens(SamplingParameters sampling, int vocabulary)
    {
        var masked = sampling.StopTokenIds.Concat(_options.EosTokenIds).Where(id => (uint)id < (uint)vocabulary).ToHashSet();
        return sampling.AllowedTokenIds is { } allowed ? allowed.Any(id => !masked.Contains(id)) : masked.Count < vocabulary;
    }

    private static int? OutsideVocabulary(IEnumerable<int>? ids, int vocabulary)
    {
        foreach (var id in ids ?? [])
        {
            if ((uint)id >= (uint)vocabulary)
                return id;
        }

        return null;
    }

    /// <summary>Stops a request and frees its KV blocks; its stream ends without a finish reason.</summary>
    public void Abort(string requestId) => Send(new Command(null, requestId));

    /// <summary>Refuses new requests from now on; running ones continue.</summary>
    public void StopAccepting() => _isStopping = true;

    public void Dispose()
    {
        if (_isDisposing)
        {
            return;
        }

        _isStopping = true;
        _isDisposing = true;
        _wake.Release();
        _thread.Join();
        foreach (var live in _live.Values)
        {
            Complete(live, null);
        }

        _wake.Dispose();
        _backend.Dispose();
    }

    private void Send(Command command)
    {
        _commands.Enqueue(command);
        _wake.Release();
    }

    private void Loop()
    {
        while (!_isDisposing)
        {
            TakeCommands();

            if (_scheduler.RunningCount + _scheduler.WaitingCount == 0)
            {
                _wake.Wait();
                continue;
            }

            try
            {
                RunStep();
            }
#pragma warning disable CA1031 // A failed step fails its requests, not the engine: the next request may succeed.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                FailAll(exception);
                StepFailed?.Invoke(exception);
            }
        }
    }

    private void TakeCommands()
    {
        while (_commands.TryDequeue(out var command))
        {
            if (command.Submit is { } live)
            {
                _live[live.Request.Id] = live;
                _scheduler.Admit(live.Request);
            }
            else if (_live.TryGetValue(command.AbortId!, out var aborted))
            {
                _scheduler.Abort(aborted.Request.Id);
                Complete(aborted, null);
            }
        }
    }

    private void RunStep()
    {
        var plan = _scheduler.Step();
        _preemptions += plan.PreemptedIds.Count;
        if (plan.IsEmpty)
        {
            _wake.Wait(TimeSpan.FromMilliseconds(1));
            return;
        }

        if (_options.MaxLoras > 0)
        {
            LoadAdapters(plan);
        }

        var batch = ForwardBatch.From(plan, _adapterSlotOf);
        _backend.Forward(batch, _logits);
        _steps++;
        StepCompleted?.Invoke(new EngineStep(batch.TokenCount, plan.Scheduled.Count));
        var sampled = Sample(plan);
        var completed = CompletedByConstraint(sampled.Keys);
        foreach (var delta in _scheduler.Update(plan, new ModelOutput(sampled.ToDictionary(pair => pair.Key, pair => pair.Value.TokenId), completed)))
        {
            if (!_live.TryGetValue(delta.RequestId, out var live) || delta.NewTokenId is not { } token)
            {
                continue;
            }

            var (_, logprob, top) = sampled[delta.RequestId];
            // Prompt logprobs ride on the first token only (output tokens survive preemption, so this is once).
            var promptLogprobs = live.Request.OutputTokenCount == 1 ? live.PromptLogprobs : null;
            live.Writer.TryWrite(new TokenEvent(token, logprob, top, delta.FinishReason, promptLogprobs));
            if (delta.FinishReason is not null)
            {
                Complete(live, null);
            }
        }

        Stats = Snapshot();
    }

    // Every adapter of the step in a backend slot before the forward pass (_stepAdapterSlots: adapter id -> slot).
    private void LoadAdapters(SchedulerOutput plan)
    {
        _stepAdapterIds.Clear();
        _stepAdapterSlots.Clear();
        foreach (var step in plan.Scheduled)
        {
            if (step.AdapterId != 0)
                _stepAdapterIds.Add(step.AdapterId);
        }

        foreach (var step in plan.Scheduled)
        {
            if (step.AdapterId != 0 && !_stepAdapterSlots.ContainsKey(step.AdapterId))
                _stepAdapterSlots[step.AdapterId] = _adapterSlots.SlotFor(_live[step.RequestId].Adapter!, _stepAdapterIds);
        }
    }

    // Row r of the logits belongs to the r-th sampled request of the plan, as ForwardBatch orders them.
    private Dictionary<string, (int TokenId, float Logprob, TokenLogprob[] Top)> Sample(SchedulerOutput plan)
    {
        var vocabulary = _backend.Config.VocabSize;
        var sampled = new Dictionary<string, (int, float, TokenLogprob[])>(StringComparer.Ordinal);
        var row = 0;
        foreach (var step in plan.Scheduled)
        {
            if (!step.IsSampled)
            {
                continue;
            }

            var live = _live[step.RequestId];
            var tokens = live.Request.TokenSpan;
            var prompt = tokens[..live.Request.PromptTokenCount];
            var output = tokens[live.Request.PromptTokenCount..];
            var logits = _logits.AsSpan(row * vocabulary, vocabulary);
            row++;
            var next = step.StartPosition + step.TokenIds.Count;
            if (next < live.Request.TokenCount)
            {
                // A prompt position: its logits judge the next prompt token; nothing is sampled.
                live.PromptLogprobs![next - 1] = PromptLogprob(logits, live.Request.TokenIds[next], live.Parameters.PromptLogprobs ?? 0);
                continue;
            }

            SampledToken token;
            try
            {
                token = Sampler.Sample(logits, live.Parameters, live.Sampler, prompt, output, _samplerScratch);
            }
            catch (InvalidOperationException exception)
            {
                // This request's settings left nothing to sample: it alone fails; the batch goes on.
                _scheduler.Abort(live.Request.Id);
                Complete(live, new RequestFailedException(exception.Message, exception));
                continue;
            }

            sampled[step.RequestId] = (token.TokenId, token.Logprob, token.TopLogprobs.ToArray());
        }

        return sampled;
    }

    // Requests whose output constraint is now complete; null (no allocation) on the usual step where none is.
    private HashSet<string>? CompletedByConstraint(IEnumerable<string> sampledIds)
    {
        HashSet<string>? completed = null;
        foreach (var id in sampledIds)
        {
            if (_live[id].Sampler.Matcher?.IsTerminated == true)
                (completed ??= new HashSet<string>(StringComparer.Ordinal)).Add(id);
        }

        return completed;
    }

    private static PromptTokenLogprob PromptLogprob(ReadOnlySpan<float> logits, int token, int top)
    {
        var logSumExp = Logprobs.LogSumExp(logits);
        var rank = 1;
        foreach (var logit in logits)
            rank += logit > logits[token] ? 1 : 0;
        var ids = new int[Math.Min(top, logits.Length)];
        Logprobs.TopIndices(logits, ids);
        var topLogprobs = new TokenLogprob[ids.Length];
        for (var i = 0; i < ids.Length; i++)
            topLogprobs[i] = new TokenLogprob(ids[i], logits[ids[i]] - logSumExp);
        return new PromptTokenLogprob(token, logits[token] - logSumExp, rank, topLogprobs);
    }

    private void FailAll(Exception exception)
    {
        foreach (var live in _live.Values.ToList())
        {
            _scheduler.Abort(live.Request.Id);
            Complete(live, exception);
        }
    }

    private void Complete(LiveRequest live, Exception? failure)
    {
        _live.Remove(live.Request.Id);
        lock (_submittedIds)
        {
            _submittedIds.Remove(live.Request.Id);
        }

        Interlocked.Decrement(ref _admittedCount);
        live.Cancellation.Dispose();
        live.Writer.TryComplete(failure);
        Stats = Snapshot();
    }

    private EngineStats Snapshot() => new(_scheduler.RunningCount, _scheduler.WaitingCount, _kv.Pool.Usage, _kv.Pool.TotalBlockCount,
        _kv.PrefixCacheQueries, _kv.PrefixCacheHits, _preemptions, _steps)
    {
        RunningAdapters = _options.MaxLoras == 0 ? [] : [.. _scheduler.RunningAdapterNames],
        WaitingAdapters = _options.MaxLoras == 0 ? [] : [.. _scheduler.WaitingAdapterNames],
    };

    private sealed record Command(LiveRequest? Submit, string? AbortId);

    private sealed class LiveRequest(Request request, SamplingParameters parameters, SamplerState sampler, ChannelWriter<TokenEvent> writer)
    {
        public Request Request { get; } = request;
        public SamplingParameters Parameters { get; } = parameters;
        public SamplerState Sampler { get; } = sampler;
        public ChannelWriter<TokenEvent> Writer { get; } = writer;
        public CancellationTokenRegistration Cancellation { get; set; }

        /// <summary>The LoRA adapter it runs; null for the base model.</summary>
        public Lora.LoraAdapter? Adapter { get; init; }

        /// <summary>Prompt tokens 1.. by position, filled as their positions are computed (a recompute after
        /// preemption overwrites, never appends); null when not asked for.</summary>
        public PromptTokenLogprob[]? PromptLogprobs { get; } = parameters.PromptLogprobs is null ? null : new PromptTokenLogprob[request.PromptTokenCount - 1];

    }
}
