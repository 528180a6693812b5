// Picks the next token from one sequence's logits, in vLLM v1's order (vllm/v1/sample/sampler.py):
//   raw log-softmax (for reported logprobs) -> allowed_token_ids mask -> logit_bias -> structured-output mask ->
//   min_tokens mask -> penalties ->
//   greedy argmax, or
//   temperature -> min-p -> top-k -> top-p -> softmax -> inverse-CDF draw with the request's generator.
// Reported logprobs are vLLM's default logprobs_mode "raw_logprobs": the log-softmax of the model's logits before
// penalties, temperature and filtering, so they describe the model and a filtered-out alternative still has a value.
//
// scratch: [2 * V] floats, where V is the vocabulary size
//   [0, V)   the working logits: penalized, scaled, then the weights of the final draw
//   [V, 2V)  reinterpreted as int token ids: the candidates of min-p / top-k / top-p
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Parley.Engine.Sampling;

/// <summary>Samples one token from logits.</summary>
public static class Sampler
{
    /// <summary>Temperatures below this are greedy (vLLM's _SAMPLING_EPS): dividing by them would overflow.</summary>
    public const float GreedyTemperature = 1e-5f;

    /// <summary>The scratch length, in floats, that <see cref="Sample"/> needs for a vocabulary.</summary>
    public static int ScratchLength(int vocabularySize) => 2 * vocabularySize;

    /// <summary>Samples the next token of a sequence.</summary>
    /// <param name="logits">The model's logits for the next position, one per vocabulary token.</param>
    /// <param name="parameters">The request's settings, already <see cref="SamplingParameters.Validate">validated</see>.</param>
    /// <param name="state">The request's state: generator and penalty counts.</param>
    /// <param name="promptTokens">The prompt's token ids.</param>
    /// <param name="outputTokens">The token ids generated so far.</param>
    /// <param name="scratch">At least <see cref="ScratchLength"/>(logits.Length) floats; overwritten.</param>
    /// <remarks>
    /// Greedy decoding (temperature below <see cref="GreedyTemperature"/>, or top_k = 1) takes the highest penalized
    /// logit, ties to the lower id, and draws no random number. Any other setting draws exactly one.
    /// </remarks>
    /// <exception cref="ArgumentException">The logits are empty or the scratch is too short.</exception>
    /// <exception cref="InvalidOperationException">Every token is masked (a vocabulary of only stop tokens).</exception>
    public static SampledToken Sample(ReadOnlySpan<float> logits, SamplingParameters parameters, SamplerState state,
        ReadOnlySpan<int> promptTokens, ReadOnlySpan<int> outputTokens, Span<float> scratch)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(state);
        if (logits.IsEmpty)
            throw new ArgumentException("The logits must not be empty.", nameof(logits));
        if (scratch.Length < ScratchLength(logits.Length))
            throw new ArgumentException($"The scratch needs {ScratchLength(logits.Length)} floats, got {scratch.Length}.", nameof(scratch));

        var work = scratch[..logits.Length];
        var candidates = MemoryMarshal.Cast<float, int>(scratch.Slice(logits.Length, logits.Length));
        var logSumExp = Logprobs.LogSumExp(logits);

        logits.CopyTo(work);
        if (state.LogitOffsets(work.Length) is { } offsets)
            TensorPrimitives.Add(work, offsets, work);
        state.Matcher?.Mask(work);

        if (outputTokens.Length < parameters.MinTokens)
            MaskTokens(state.MinTokensMask, work);
        state.Counts.Update(promptTokens, outputTokens);
        Penalties.Apply(state.Counts, parameters.RepetitionPenalty, parameters.FrequencyPenalty, parameters.PresencePenalty, work);
        if (float.IsNegativeInfinity(TensorPrimitives.Max<float>(work)))
            throw new InvalidOperationException("Every token is masked: the vocabulary (or allowed_token_ids, or the output constraint) allows only EOS and stop tokens here.");

        var token = IsGreedy(parameters) ? TensorPrimitives.IndexOfMax<float>(work) : Draw(work, parameters, state.Random, candidates);
        if (state.Matcher is { } matcher && !matcher.Accept(token))
            throw new InvalidOperationException($"Token {token} was drawn outside the output constraint's mask.");
        return new SampledToken(token, logits[token] - logSumExp, TopLogprobs(logits, logSumExp, parameters.Logprobs ?? 0, state));
    }

    /// <summary>True when the settings pick the most likely token without drawing.</summary>
    public static bool IsGreedy(SamplingParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.Temperature < GreedyTemperature || parameters.TopK == 1;
    }

    private static void MaskTokens(IReadOnlyList<int> tokens, Span<float> logits)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if ((uint)tokens[i] < (uint)logits.Length)
                logits[tokens[i]] = float.NegativeInfinity;
        }
    }

    private static int Draw(Span<float> work, SamplingParameters parameters, Xoshiro256StarStar random, Span<int> candidates)
    {
        TensorPrimitives.Divide(work, parameters.Temperature, work);
        var uniform = random.NextDouble();
        var topK = parameters.TopK > 0 && parameters.TopK < work.Length ? parameters.TopK : 0;
        if (parameters.MinP <= 0 && topK == 0 && parameters.TopP >= 1)
            return DrawFromAll(work, uniform);

        var count = CandidateFilter.Select(work, parameters.MinP, topK, parameters.TopP, candidates);
        return DrawFromCandidates(work, candidates[..count], uniform);
    }

    // Softmax weights for the whole vocabulary, vectorised, then one inverse-CDF walk: O(V).
    private static int DrawFromAll(Span<float> work, double uniform)
    {
        TensorPrimitives.Subtract(work, TensorPrimitives.Max<float>(work), work);
        TensorPrimitives.Exp(work, work);
        var target = uniform * TensorPrimitives.Sum<float>(work);
        var cumulative = 0.0;
        var last = 0;
        for (var i = 0; i < work.Length; i++)
        {
            if (work[i] == 0)
                continue;
            cumulative += work[i];
            last = i;
            if (cumulative > target)
                return i;
        }

        return last; // float rounding left the total a hair above the walk's sum
    }

    // Softmax weights over the candidates only (written back into work at their ids), then the walk: O(candidates).
    private static int DrawFromCandidates(Span<float> work, ReadOnlySpan<int> candidates, double uniform)
    {
        var max = float.NegativeInfinity;
        foreach (var id in candidates)
            max = MathF.Max(max, work[id]);
        var total = 0.0;
        foreach (var id in candidates)
            total += work[id] = MathF.Exp(work[id] - max);

        var target = uniform * total;
        var cumulative = 0.0;
        foreach (var id in candidates)
        {
            cumulative += work[id];
            if (cumulative > target)
                return id;
        }

        return candidates[^1];
    }

    private static ReadOnlyMemory<TokenLogprob> TopLogprobs(ReadOnlySpan<float> logits, float logSumExp, int count, SamplerState state)
    {
        count = Math.Min(count, logits.Length);
        // OpenAI's 20 fits the stack; a worker started with a larger --max-logprobs (or -1, the vocabulary) may ask for more.
        const int StackLimit = 256;
        Span<int> ids = count <= StackLimit ? stackalloc int[StackLimit] : new int[count];
        ids = ids[..count];
        Logprobs.TopIndices(logits, ids);
        var destination = state.TopLogprobs(count);
        for (var i = 0; i < count; i++)
            destination.Span[i] = new TokenLogprob(ids[i], logits[ids[i]] - logSumExp);
        return destination;
    }
}
