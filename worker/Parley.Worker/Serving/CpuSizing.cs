// How many KV blocks the CPU backend gets: enough for max_num_seqs sequences of max_model_len when that fits the
// budget, else what the budget holds; fewer than one full-length sequence needs is refused with the numbers.
using Parley.Engine.Models;
using Parley.Engine.Scheduling;

namespace Parley.Worker.Serving;

/// <summary>KV cache sizing for the CPU device.</summary>
public static class CpuSizing
{
    public const long DefaultBudgetBytes = 2L << 30;

    /// <summary>Bytes of one KV block: keys and values of every layer, float32.</summary>
    public static long BytesPerBlock(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return 2L * config.NumHiddenLayers * config.NumKeyValueHeads * config.HeadDim * BlockPool.BlockSize * sizeof(float);
    }

    /// <summary>The block count, the null block included.</summary>
    /// <exception cref="InvalidOperationException">One sequence of <paramref name="maxModelLen"/> does not fit.</exception>
    public static int Blocks(ModelConfig config, int maxModelLen, int maxNumSeqs, long? budgetBytes)
    {
        var perSequence = (maxModelLen + BlockPool.BlockSize - 1) / BlockPool.BlockSize;
        var wanted = (long)perSequence * maxNumSeqs + 1;
        var budget = budgetBytes ?? DefaultBudgetBytes;
        var affordable = budget / BytesPerBlock(config);
        if (affordable < perSequence + 1)
        {
            throw new InvalidOperationException(
                $"max_model_len {maxModelLen} needs {perSequence + 1} KV blocks ({(perSequence + 1) * BytesPerBlock(config) / (1 << 20)} MiB) but " +
                $"--kv-cache-memory-bytes {budget} holds {affordable}; lower --max-model-len or raise --kv-cache-memory-bytes.");
        }

        return (int)Math.Min(Math.Min(wanted, affordable), int.MaxValue);
    }
}
