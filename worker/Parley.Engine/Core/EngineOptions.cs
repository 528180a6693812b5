namespace Parley.Engine.Core;

/// <summary>The engine's limits, with vLLM's names.</summary>
public sealed record EngineOptions
{
    /// <summary>Most requests computed in one step (vLLM's max_num_seqs).</summary>
    public int MaxNumSeqs { get; init; } = 256;

    /// <summary>Most tokens computed in one step; long prompts are chunked to fit (vLLM's max_num_batched_tokens).</summary>
    public int MaxNumBatchedTokens { get; init; } = 2048;

    /// <summary>Longest sequence, prompt and output together (vLLM's max_model_len).</summary>
    public required int MaxModelLen { get; init; }

    /// <summary>Reuse the KV blocks of identical prompt prefixes (vLLM's enable_prefix_caching).</summary>
    public bool EnablePrefixCaching { get; init; } = true;

    /// <summary>Requests that may wait beyond the <see cref="MaxNumSeqs"/> that can run; a submission past
    /// <c>MaxNumSeqs + MaxWaitingRequests</c> live requests is refused as <see cref="RejectionKind.Overloaded"/>. Null: no bound.</summary>
    public int? MaxWaitingRequests { get; init; }

    /// <summary>Most distinct LoRA adapters among the running requests; the backend must hold as many slots. 0: requests
    /// with an adapter are refused.</summary>
    public int MaxLoras { get; init; }

    /// <summary>The model's end-of-sequence ids (generation_config.json); they stop a request unless it ignores EOS.</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
}
