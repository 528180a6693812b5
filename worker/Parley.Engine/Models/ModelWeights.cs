// Hugging Face tensor names -> the weights of the forward pass, named after the paper (Wq, Wk, Wv, Wo, WGate, WUp,
// WDown), with every shape checked against config.json before anything runs. Dense linear weights are stored
// [out, in]; in a GPTQ checkpoint the seven layer projections are packed 4-bit (LinearWeight.cs), everything else dense.
namespace Parley.Engine.Models;

/// <summary>One decoder layer's tensors.</summary>
public sealed record LayerWeights(
    TensorInfo AttentionNorm, LinearWeight Wq, LinearWeight Wk, LinearWeight Wv, LinearWeight Wo,
    TensorInfo? Bq, TensorInfo? Bk, TensorInfo? Bv, TensorInfo? QNorm, TensorInfo? KNorm,
    TensorInfo MlpNorm, LinearWeight WGate, LinearWeight WUp, LinearWeight WDown);

/// <summary>Every tensor of a checkpoint, checked against its config.</summary>
public sealed record ModelWeights(TensorInfo Embedding, IReadOnlyList<LayerWeights> Layers, TensorInfo FinalNorm, TensorInfo LmHead)
{
    /// <exception cref="InvalidDataException">A tensor is missing or has the wrong shape; the message names it.</exception>
    public static ModelWeights Load(Checkpoint checkpoint, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(config);
        long h = config.HiddenSize, d = config.HeadDim, q = config.NumAttentionHeads * d, kv = config.NumKeyValueHeads * d, i = config.IntermediateSize;
        TensorInfo Get(string name, params long[] shape) => Checked(checkpoint, name, shape);
        TensorInfo? Optional(bool present, string name, params long[] shape) => present ? Get(name, shape) : null;
        LinearWeight Linear(string name, long rows, long columns) => config.Gptq is { } gptq
            ? Gptq(checkpoint, name, rows, columns, gptq.GroupSize)
            : new DenseWeight(Get(name + ".weight", rows, columns));
        var layers = Enumerable.Range(0, config.NumHiddenLayers).Select(n =>
        {
            var p = $"model.layers.{n}.";
            return new LayerWeights(
                Get(p + "input_layernorm.weight", h),
                Linear(p + "self_attn.q_proj", q, h), Linear(p + "self_attn.k_proj", kv, h),
                Linear(p + "self_attn.v_proj", kv, h), Linear(p + "self_attn.o_proj", h, q),
                Optional(config.AttentionBias, p + "self_attn.q_proj.bias", q), Optional(config.AttentionBias, p + "self_attn.k_proj.bias", kv),
                Optional(config.AttentionBias, p + "self_attn.v_proj.bias", kv),
                Optional(config.QkNorm, p + "self_attn.q_norm.weight", d), Optional(config.QkNorm, p + "self_attn.k_norm.weight", d),
                Get(p + "post_attention_layernorm.weight", h),
                Linear(p + "mlp.gate_proj", i, h), Linear(p + "mlp.up_proj", i, h), Linear(p + "mlp.down_proj", h, i));
        }).ToList();
        var embedding = Get("model.embed_tokens.weight", config.VocabSize, h);
        var lmHead = config.TieWordEmbeddings && !checkpoint.Contains("lm_head.weight") ? embedding : Get("lm_head.weight", config.VocabSize, h);
        return new ModelWeights(embedding, layers, Get("model.norm.weight", h), lmHead);
    }

    private static GptqWeight Gptq(Checkpoint checkpoint, string name, long rows, long columns, int groupSize)
    {
        if (columns % 8 != 0 || rows % 8 != 0)
        {
            throw new InvalidDataException($"GPTQ layer '{name}' is [{rows}, {columns}]; 4-bit packing needs both divisible by 8.");
        }

        var size = groupSize > 0 ? groupSize : columns;
        if (columns % size != 0)
        {
            throw new InvalidDataException($"GPTQ layer '{name}' has {columns} inputs, not a multiple of group_size {size}.");
        }

        var groups = columns / size;
        return new GptqWeight(
            Typed(Checked(checkpoint, name + ".qweight", [columns / 8, rows]), SafetensorsDtype.I32),
            Typed(Checked(checkpoint, name + ".qzeros", [groups, rows / 8]), SafetensorsDtype.I32),
            Typed(Checked(checkpoint, name + ".scales", [groups, rows]), SafetensorsDtype.F16),
            Typed(Checked(checkpoint, name + ".g_idx", [columns]), SafetensorsDtype.I32), checked((int)size));
    }

    private static TensorInfo Typed(TensorInfo tensor, SafetensorsDtype dtype) => tensor.Dtype == dtype
        ? tensor
        : throw new InvalidDataException($"Tensor '{tensor.Name}' is {tensor.Dtype.Name()}; GPTQ stores it as {dtype.Name()}.");

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
