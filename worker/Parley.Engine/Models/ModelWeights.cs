// Hugging Face tensor names -> the weights of the forward pass, named after the paper (Wq, Wk, Wv, Wo, WGate, WUp,
// WDown), with every shape checked against config.json before anything runs. Linear weights are stored [out, in].
namespace Parley.Engine.Models;

/// <summary>One decoder layer's tensors.</summary>
public sealed record LayerWeights(
    TensorInfo AttentionNorm, TensorInfo Wq, TensorInfo Wk, TensorInfo Wv, TensorInfo Wo,
    TensorInfo? Bq, TensorInfo? Bk, TensorInfo? Bv, TensorInfo? QNorm, TensorInfo? KNorm,
    TensorInfo MlpNorm, TensorInfo WGate, TensorInfo WUp, TensorInfo WDown);

/// <summary>Every tensor of a dense (not GPTQ) checkpoint, checked against its config.</summary>
public sealed record ModelWeights(TensorInfo Embedding, IReadOnlyList<LayerWeights> Layers, TensorInfo FinalNorm, TensorInfo LmHead)
{
    /// <exception cref="InvalidDataException">A tensor is missing or has the wrong shape; the message names it.</exception>
    public static ModelWeights Load(Checkpoint checkpoint, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(config);
        if (config.Gptq is not null)
        {
            throw new NotSupportedException("GPTQ weights are not mapped yet; use a bf16, f16 or f32 checkpoint.");
        }

        long h = config.HiddenSize, d = config.HeadDim, q = config.NumAttentionHeads * d, kv = config.NumKeyValueHeads * d, i = config.IntermediateSize;
        TensorInfo Get(string name, params long[] shape) => Checked(checkpoint, name, shape);
        TensorInfo? Optional(bool present, string name, params long[] shape) => present ? Get(name, shape) : null;
        var layers = Enumerable.Range(0, config.NumHiddenLayers).Select(n =>
        {
            var p = $"model.layers.{n}.";
            return new LayerWeights(
                Get(p + "input_layernorm.weight", h),
                Get(p + "self_attn.q_proj.weight", q, h), Get(p + "self_attn.k_proj.weight", kv, h),
                Get(p + "self_attn.v_proj.weight", kv, h), Get(p + "self_attn.o_proj.weight", h, q),
                Optional(config.AttentionBias, p + "self_attn.q_proj.bias", q), Optional(config.AttentionBias, p + "self_attn.k_proj.bias", kv),
                Optional(config.AttentionBias, p + "self_attn.v_proj.bias", kv),
                Optional(config.QkNorm, p + "self_attn.q_norm.weight", d), Optional(config.QkNorm, p + "self_attn.k_norm.weight", d),
                Get(p + "post_attention_layernorm.weight", h),
                Get(p + "mlp.gate_proj.weight", i, h), Get(p + "mlp.up_proj.weight", i, h), Get(p + "mlp.down_proj.weight", h, i));
        }).ToList();
        var embedding = Get("model.embed_tokens.weight", config.VocabSize, h);
        var lmHead = config.TieWordEmbeddings && !checkpoint.Contains("lm_head.weight") ? embedding : Get("lm_head.weight", config.VocabSize, h);
        return new ModelWeights(embedding, layers, Get("model.norm.weight", h), lmHead);
    }

    private static TensorInfo Checked(Checkpoint checkpoint, string name, long[] shape)
    {
        if (!checkpoint.Contains(name))
        {
            throw new InvalidDataException($"The checkpoint has no tensor '{name}' (expected shape [{string.Join(", ", shape)}]).");
        }

        var info = checkpoint.Info(name);
        if (!info.Shape.SequenceEqual(shape))
        {
            throw new InvalidDataException($"Tensor '{name}' has shape [{string.Join(", ", info.Shape)}] but config.json implies [{string.Join(", ", shape)}].");
        }

        return info;
    }
}
