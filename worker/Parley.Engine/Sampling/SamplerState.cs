// What the sampler keeps for one request between steps: its random number generator, its penalty counts, the ids
// that min_tokens masks, its position in an output constraint, and the buffer its top logprobs are returned in. Made once per request; sampling then
// allocates nothing per token.
namespace Parley.Engine.Sampling;

/// <summary>One request's sampling state.</summary>
public sealed class SamplerState
{

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
        _bias = parameters.LogitBias;
        Matcher = parameters.Constraint?.Start();
        _topLogprobs = new TokenLogprob[Math.Max(parameters.Logprobs ?? 0, 0)];
    }

    // Sized by the request's own logprobs count, which the worker's --max-logprobs has already capped.
    private readonly TokenLogprob[] _topLogprobs;

    private readonly IReadOnlyList<int>? _allowed;
    private readonly IReadOnlyDictionary<int, float>? _bias;
    private float[]? _logitOffsets;

    /// <summary>This request's generator; one draw per sampled (non-greedy) token.</summary>
    public Xoshiro256StarStar Random { get; }

    /// <summary>Where the output stands in the request's constraint; null when the output is free.</summary>
    public Constraints.ITokenMatcher? Matcher { get; }

    /// <summary>Prompt and output token statistics for the penalties.</summary>
    public TokenCounts Counts { get; } = new();

    /// <summary>EOS and stop token ids, which cannot be sampled while the output is shorter than min_tokens.</summary>
    public IReadOnlyList<int> MinTokensMask { get; }

    internal Memory<TokenLogprob> TopLogprobs(int count) => _topLogprobs.AsMemory(0, count);

    /// <summary>What allowed_token_ids and logit_bias add to each logit, as one array made at the first step (when the
    /// vocabulary size is known): -inf for a token outside the allowed ids, the bias for a biased one, 0 otherwise. Null
    /// when the request sets neither, so sampling stays allocation-free per token either way.</summary>
    internal float[]? LogitOffsets(int vocabularySize)
    {
        if (_allowed is null && _bias is null)
            return null;
        if (_logitOffsets?.Length != vocabularySize)
        {
            var offsets = new float[vocabularySize];
            if (_allowed is not null)
            {
                Array.Fill(offsets, float.NegativeInfinity);
                foreach (var id in _allowed)
                {
                    if ((uint)id < (uint)vocabularySize)
                        offsets[id] = 0;
                }
            }

            foreach (var (id, bias) in _bias ?? new Dictionary<int, float>())
            {
                if ((uint)id < (uint)vocabularySize)
                    offsets[id] += bias;
            }

            _logitOffsets = offsets;
        }

        return _logitOffsets;
    }
}
