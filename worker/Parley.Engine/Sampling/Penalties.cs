// Repetition, frequency and presence penalties, in vLLM's order and arithmetic (vllm/model_executor/layers/utils.py,
// apply_penalties): first the repetition penalty (CTRL, Keskar et al. 2019, as in HF's
// RepetitionPenaltyLogitsProcessor) on every token seen in the prompt or the output, then
//   logit -= frequency_penalty * count_in_output
//   logit -= presence_penalty * (count_in_output > 0)
// (OpenAI's definition). Cost: O(distinct tokens seen), never O(vocabulary).
namespace Parley.Engine.Sampling;

/// <summary>Applies a request's penalties to its logits in place.</summary>
public static class Penalties
{
    /// <summary>Penalizes <paramref name="logits"/> in place for the tokens counted in <paramref name="counts"/>.</summary>
    /// <remarks>Token ids outside the vocabulary are ignored.</remarks>
    public static void Apply(TokenCounts counts, float repetitionPenalty, float frequencyPenalty, float presencePenalty, Span<float> logits)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (repetitionPenalty != 1f)
        {
            foreach (var token in counts.PromptTokenSet)
                ApplyRepetition(token, repetitionPenalty, logits);
            foreach (var (token, _) in counts.OutputCountMap)
            {
                if (!counts.PromptTokenSet.Contains(token))
                    ApplyRepetition(token, repetitionPenalty, logits);
            }
        }

        if (frequencyPenalty == 0f && presencePenalty == 0f)
            return;
        foreach (var (token, count) in counts.OutputCountMap)
        {
            if ((uint)token < (uint)logits.Length)
            {
                logits[token] -= frequencyPenalty * count;
                logits[token] -= presencePenalty;
            }
        }
    }

    private static void ApplyRepetition(int token, float penalty, Span<float> logits)
    {
        if ((uint)token < (uint)logits.Length)
        {
            ref var logit = ref logits[token];
            logit = logit > 0 ? logit / penalty : logit * penalty;
        }
    }
}
