namespace Parley.Engine.Core;

/// <summary>A snapshot of the engine after its latest step, for metrics and /v1/parley/info.</summary>
/// <param name="Running">Requests in the running batch.</param>
/// <param name="Waiting">Requests queued for admission or recompute.</param>
/// <param name="KvCacheUsage">Fraction of KV blocks held by requests, 0 to 1.</param>
/// <param name="KvBlockCount">Usable KV blocks.</param>
/// <param name="PrefixCacheQueries">Prompt tokens looked up in the prefix cache so far.</param>
/// <param name="PrefixCacheHits">Prompt tokens found there.</param>
/// <param name="Preemptions">Requests preempted so far.</param>
/// <param name="Steps">Forward passes run so far.</param>
public sealed record EngineStats(int Running, int Waiting, double KvCacheUsage, int KvBlockCount, long PrefixCacheQueries, long PrefixCacheHits, long Preemptions, long Steps)
{
    /// <summary>The LoRA adapters of the running requests, each once.</summary>
    public IReadOnlyList<string> RunningAdapters { get; init; } = [];

    /// <summary>The LoRA adapters of the waiting requests, each once.</summary>
    public IReadOnlyList<string> WaitingAdapters { get; init; } = [];
}
