// What the sampler keeps for one request between steps: its random number generator, its penalty counts, the ids
// that min_tokens masks, and the buffer its top logprobs are returned in. Made once per request; sampling then
// allocates nothing per token.
namespace Parley.Engine.Sampling;

/// <summary>One request's sampling state.</summary>
public sealed class SamplerState
{
    private readonly TokenLogprob[] _topLogprobs = new TokenLogprob[SamplingParameters.MaxLogprobs];

    /// <summary>Creates the state for a request.</summary>
    /// <param name="parameters">The request's settings: its <see cref="SamplingParameters.Seed"/> seeds the generator
    /// (a random seed when null), its <see cref="SamplingParameters.StopTokenIds"/> join the min_tokens mask.</param>
    /// <param name="eosTokenIds">The model's EOS ids (generation_config.json); masked until min_tokens whatever
    /// <see cref="SamplingParameters.IgnoreEos"/> says, as in vLLM.</param>
    public SamplerState(SamplingParameters parameters, IEnumerable<int>? eosTokenIds = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        // An unseeded request only needs a seed that differs between requests, not a secret one.
        Random = new Xoshiro256StarStar(parameters.Seed ?? System.Random.Shared.NextInt64());
        MinTokensMask = (eosTokenIds ?? []).Concat(parameters.StopTokenIds ?? []).Distinct().ToArray();
        _allowed = parameters.AllowedTokenIds;
    }

    private readonly IReadOnlyList<int>? _allowed;
    private float[]? _allowedMask;

    /// <summary>This request's generator; one draw per sampled (non-greedy) token.</summary>
    public Xoshiro256StarStar Random { get; }

    /// <summary>Prompt and output token statistics for the penalties.</summary>
    public TokenCounts Counts { get; } = new();

    /// <summary>EOS and stop token ids, which cannot be sampled while the output is shorter than min_tokens.</summary>
    public IReadOnlyList<int> MinTokensMask { get; }

    internal Memory<TokenLogprob> TopLogprobs(int count) => _topLogprobs.AsMemory(0, count);

    /// <summary>0 for the allowed token ids, -inf for every other (made once, at the first step, when the vocabulary
    /// size is known); null when every token is allowed.</summary>
    internal float[]? AllowedMask(int vocabularySize)
    {
        if (_allowed is null)
            return null;
        if (_allowedMask?.Length != vocabularySize)
        {
            _allowedMask = new float[vocabularySize];
            Array.Fill(_allowedMask, float.NegativeInfinity);
            foreach (var id in _allowed)
            {
                if ((uint)id < (uint)vocabularySize)
                    _allowedMask[id] = 0;
            }
        }

        return _allowedMask;
    }
}
