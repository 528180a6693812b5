// The KV-cache budget: what is left of the utilized GPU memory after weights, activations and the runtime.
//
//   budget  = gpuMemoryUtilization x GPU memory
//   kvBytes = budget - weights - activation peak - runtime reserve
//   tokens  = kvBytes / (2 x layers x kvHeads x headDim x dtype bytes), rounded down to whole 16-token blocks
namespace Parley.Tuning;

/// <summary>The arithmetic of the KV cache, each term named.</summary>
public static class KvBudget
{
    /// <summary>Tokens per KV block, as the worker allocates them.</summary>
    public const int BlockSize = Parley.Api.Contracts.KvBlocks.Size;

    /// <summary>Tokens one scheduler step may carry (prefill chunks plus decodes): vLLM's chunked-prefill default for
    /// online serving. The worker profiles a forward pass of this size, so it bounds the activation peak.</summary>
    public const int MaxNumBatchedTokens = 2048;

    /// <summary>The least batched-token budget a shared worker is lowered to: below 512, prefill of a long prompt takes
    /// so many steps that time to first token suffers more than the memory saved is worth (vLLM's own floor for chunked
    /// prefill on small GPUs is the same order).</summary>
    public const int MinimumNumBatchedTokens = 512;

    /// <summary>Sequences whose logits one step can produce at most (vLLM's default <c>max_num_seqs</c>).</summary>
    public const int MaxLogitRows = 256;

    /// <summary>Memory the worker holds outside weights, activations and KV: the CUDA context and cuBLAS workspaces
    /// (vLLM reports 0.3–0.7 GiB of such "non-torch" memory) plus CUDA graphs for decode batch sizes.</summary>
    public const long RuntimeReserveBytes = 768 * Bytes.MiB;

    /// <summary>Bytes one token keeps in the KV cache: a key and a value of headDim per KV head per layer.</summary>
    public static long BytesPerToken(ModelArchitecture model, WeightDtype kvDtype)
    {
        ArgumentNullException.ThrowIfNull(model);
        return 2L * model.NumHiddenLayers * model.NumKeyValueHeads * model.HeadDim * kvDtype.Bytes();
    }

    /// <summary>
    /// Peak activation memory of one forward pass at <see cref="MaxNumBatchedTokens"/>: per token the residual and
    /// normed hidden states (2H), q, k, v and the attention output ((2 nH + 2 nKV) d), and gate, up and their product
    /// (3I), in the activation dtype; plus fp32 logits and the sampler's probabilities for <see cref="MaxLogitRows"/> rows;
    /// plus, for GPTQ, the f16 scratch the largest weight is unpacked into for cuBLAS (<see cref="GptqUnpackedBytes"/>).
    /// </summary>
    public static long ActivationPeakBytes(ModelArchitecture model, WeightDtype activationDtype) =>
        ActivationPeakBytes(model, activationDtype, MaxNumBatchedTokens);

    /// <summary>The activation peak of one forward pass of <paramref name="batchedTokens"/> tokens (the logits rows stay
    /// at <see cref="MaxLogitRows"/>: a lowered budget still decodes a full batch).</summary>
    public static long ActivationPeakBytes(ModelArchitecture model, WeightDtype activationDtype, int batchedTokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchedTokens);
        long perToken = 2L * model.HiddenSize
            + (2L * model.NumAttentionHeads + 2L * model.NumKeyValueHeads) * model.HeadDim
            + 3L * model.IntermediateSize;
        long hiddenStates = batchedTokens * perToken * activationDtype.Bytes();
        long logits = 2L * MaxLogitRows * model.VocabSize * sizeof(float);
        return hiddenStates + logits + GptqUnpackedBytes(model);
    }

    /// <summary>The worker's scratch for a GPTQ model: a batch beyond a handful of tokens (every prefill) multiplies an
    /// f16 copy of each weight, unpacked one layer's projection at a time into one buffer of the largest, H × max(I, nH·d)
    /// f16 values; 0 for unquantized models.</summary>
    public static long GptqUnpackedBytes(ModelArchitecture model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Gptq is null ? 0 : (long)model.HiddenSize * Math.Max(model.IntermediateSize, (long)model.NumAttentionHeads * model.HeadDim) * 2;
    }

    /// <summary>Bytes left for the KV cache; negative when the rest does not fit.</summary>
    public static long KvCacheBytes(long gpuMemoryBytes, double gpuMemoryUtilization, long weightsBytes, long activationBytes) =>
        (long)(gpuMemoryUtilization * gpuMemoryBytes) - weightsBytes - activationBytes - RuntimeReserveBytes;

    /// <summary>Whole blocks of tokens that <paramref name="kvCacheBytes"/> holds.</summary>
    public static long Tokens(long kvCacheBytes, long bytesPerToken) =>
        kvCacheBytes <= 0 ? 0 : RoundDownToBlock(kvCacheBytes / bytesPerToken);

    public static long RoundDownToBlock(long tokens) => tokens / BlockSize * BlockSize;
}
