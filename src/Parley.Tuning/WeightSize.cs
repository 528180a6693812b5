// Bytes of weights a checkpoint puts on the GPU, from its tensor shapes.
//
// Per decoder layer (H hidden, I intermediate, d head dim, nH query heads, nKV key/value heads):
//   attention  Wq H x nH*d, Wk and Wv H x nKV*d, Wo nH*d x H   (+ q/k/v biases for Qwen2, + q/k norms of d for Qwen3)
//   MLP        WGate and WUp H x I, WDown I x H
//   norms      two RMSNorm weights of H
// plus the embedding (vocab x H), the final norm (H) and the lm_head (vocab x H) unless it is tied to the embedding.
//
// GPTQ packs each linear layer of in x out into: qweight in*out*bits/8 bytes, qzeros (in/g)*out*bits/8 bytes,
// scales (in/g)*out fp16, and g_idx in int32; embeddings, norms, biases and the lm_head stay fp16.
namespace Parley.Tuning;

/// <summary>Weight bytes split the way a person checks them.</summary>
public sealed record WeightBreakdown(long EmbeddingBytes, long DecoderBytes, long LmHeadBytes, long ParameterCount)
{
    public long TotalBytes => EmbeddingBytes + DecoderBytes + LmHeadBytes;
}

/// <summary>Computes weight bytes from an architecture and a storage format.</summary>
public static class WeightSize
{
    public static WeightBreakdown Compute(ModelArchitecture model, WeightFormat format)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(format);
        long hidden = model.HiddenSize, headDim = model.HeadDim;
        long qWidth = model.NumAttentionHeads * headDim, kvWidth = model.NumKeyValueHeads * headDim;
        int denseBytes = format.Dtype.Bytes();

        var linears = model.DecoderLinears;
        long linearParams = linears.Sum(l => l.In * l.Out);
        long linearBytes = format.Gptq is { } gptq ? linears.Sum(l => GptqLinearBytes(l.In, l.Out, gptq)) : linearParams * denseBytes;

        long smallParams = 2 * hidden
            + (model.AttentionBias ? qWidth + 2 * kvWidth : 0)
            + (model.QkNorm ? 2 * headDim : 0);
        long layerBytes = linearBytes + smallParams * denseBytes;

        long embeddingParams = (long)model.VocabSize * hidden;
        long lmHeadParams = model.TieWordEmbeddings ? 0 : embeddingParams;
        long parameterCount = model.NumHiddenLayers * (linearParams + smallParams) + embeddingParams + lmHeadParams + hidden;
        return new WeightBreakdown(
            EmbeddingBytes: embeddingParams * denseBytes,
            DecoderBytes: model.NumHiddenLayers * layerBytes + hidden * denseBytes,
            LmHeadBytes: lmHeadParams * denseBytes,
            ParameterCount: parameterCount);
    }

    /// <summary>Bytes of one GPTQ-packed linear layer of <paramref name="inFeatures"/> x <paramref name="outFeatures"/>.</summary>
    public static long GptqLinearBytes(long inFeatures, long outFeatures, GptqConfig gptq)
    {
        ArgumentNullException.ThrowIfNull(gptq);
        long groupSize = gptq.GroupSize > 0 ? gptq.GroupSize : inFeatures;
        long groups = (inFeatures + groupSize - 1) / groupSize;
        long qweight = inFeatures * outFeatures * gptq.Bits / 8;
        long qzeros = groups * outFeatures * gptq.Bits / 8;
        long scales = groups * outFeatures * 2;
        long gIdx = inFeatures * 4;
        return qweight + qzeros + scales + gIdx;
    }
}
