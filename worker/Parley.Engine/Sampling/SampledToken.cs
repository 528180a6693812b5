namespace Parley.Engine.Sampling;

/// <summary>A token id with its log-probability under the model's raw distribution.</summary>
public readonly record struct TokenLogprob(int TokenId, float Logprob);

/// <summary>What <see cref="Sampler.Sample"/> picked.</summary>
/// <param name="TokenId">The sampled token.</param>
/// <param name="Logprob">Its log-probability under the raw model distribution (see <see cref="Sampler"/>).</param>
/// <param name="TopLogprobs">
/// The <see cref="SamplingParameters.Logprobs"/> most likely tokens, most likely first (ties: lower id first); empty
/// when not asked for. It lies in the request's <see cref="SamplerState"/> and is overwritten by the next sample:
/// copy it out before sampling again.
/// </param>
public readonly record struct SampledToken(int TokenId, float Logprob, ReadOnlyMemory<TokenLogprob> TopLogprobs);
