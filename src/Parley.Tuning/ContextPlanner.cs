// Context length and batch size from the KV tokens a GPU holds.
//
//   maxModelLen = min(model limit, KV tokens / targetConcurrency), in whole 16-token blocks
//   maxNumSeqs  = KV tokens / 2,048 (a typical chat turn with its history), in steps of 8, at least
//                 targetConcurrency, at most 256 (vLLM's default)
namespace Parley.Tuning;

/// <summary>Sizes context and batch from a KV budget.</summary>
public static class ContextPlanner
{
    /// <summary>The least context worth serving a chat with: a system prompt, a few turns and an answer. Ollama gives
    /// 4k to GPUs under 24 GiB for the same reason.</summary>
    public const int MinimumUsefulContext = 4096;

    /// <summary>Tokens of a typical chat sequence (history plus answer), used to size the batch.</summary>
    public const int TypicalSequenceTokens = 2048;

    public const int MaxNumSeqsCeiling = 256;

    /// <summary>The smallest context a plan may offer: <see cref="MinimumUsefulContext"/>, or the model's limit when lower.</summary>
    public static int MinimumContext(int modelLimit) => Math.Min(modelLimit, MinimumUsefulContext);

    /// <summary>The longest context that lets <paramref name="targetConcurrency"/> sequences share the KV cache.</summary>
    public static int MaxModelLen(long kvCacheTokens, int modelLimit, int targetConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetConcurrency);
        var perSequence = KvBudget.RoundDownToBlock(kvCacheTokens / targetConcurrency);
        return perSequence >= modelLimit ? modelLimit : (int)perSequence;
    }

    /// <summary>How many sequences to batch: typical chats that fit the KV cache, bounded as the file header says.</summary>
    public static int MaxNumSeqs(long kvCacheTokens, int targetConcurrency)
    {
        var typical = kvCacheTokens / TypicalSequenceTokens / 8 * 8;
        return (int)Math.Max(targetConcurrency, Math.Min(MaxNumSeqsCeiling, typical));
    }
}
