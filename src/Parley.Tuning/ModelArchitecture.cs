// The facts of a checkpoint's config.json that decide how much GPU memory it needs.
namespace Parley.Tuning;

/// <summary>
/// A decoder-only transformer as its <c>config.json</c> describes it. Field names follow Hugging Face's config keys.
/// </summary>
public sealed record ModelArchitecture
{
    /// <summary>Hugging Face repository id, e.g. <c>deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B</c>.</summary>
    public required string Id { get; init; }

    /// <summary><c>model_type</c>: llama, qwen2, qwen3 or mistral.</summary>
    public required string ModelType { get; init; }

    public required int NumHiddenLayers { get; init; }
    public required int HiddenSize { get; init; }
    public required int NumAttentionHeads { get; init; }
    public required int NumKeyValueHeads { get; init; }

    /// <summary><c>head_dim</c>; configs that omit it mean hiddenSize / numAttentionHeads.</summary>
    public int? ExplicitHeadDim { get; init; }

    public required int IntermediateSize { get; init; }
    public required int VocabSize { get; init; }
    public required int MaxPositionEmbeddings { get; init; }
    public required bool TieWordEmbeddings { get; init; }

    /// <summary>Qwen2 puts biases on the q, k and v projections.</summary>
    public bool AttentionBias { get; init; }

    /// <summary>Qwen3 normalises each query and key head (two RMSNorm weights of headDim per layer).</summary>
    public bool QkNorm { get; init; }

    /// <summary><c>torch_dtype</c> of the checkpoint's stored weights.</summary>
    public WeightDtype TorchDtype { get; init; } = WeightDtype.BFloat16;

    /// <summary>The checkpoint's <c>quantization_config</c>, when its linear layers are stored quantized.</summary>
    public GptqConfig? Gptq { get; init; }

    /// <summary>Another catalog id with the same architecture stored as GPTQ int4, offered when weights do not fit.</summary>
    public string? GptqVariant { get; init; }

    /// <summary>False when the checkpoint's chat template shows the model no tools list (Llama 3.0, the R1 distills):
    /// such a model cannot choose to call tools, so the UI should not offer them. Models from outside the catalog are
    /// assumed to have tool support.</summary>
    public bool TemplateRendersTools { get; init; } = true;

    public int HeadDim => ExplicitHeadDim ?? HiddenSize / NumAttentionHeads;

    /// <summary>The linear layers of one decoder layer as (in, out) features: Wq, Wk, Wv, Wo, WGate, WUp, WDown. The
    /// weights are these matrices, and a LoRA adapter may target each of them.</summary>
    public IReadOnlyList<(long In, long Out)> DecoderLinears
    {
        get
        {
            long hidden = HiddenSize, intermediate = IntermediateSize;
            long qWidth = (long)NumAttentionHeads * HeadDim, kvWidth = (long)NumKeyValueHeads * HeadDim;
            return
            [
                (hidden, qWidth), (hidden, kvWidth), (hidden, kvWidth), (qWidth, hidden),
                (hidden, intermediate), (hidden, intermediate), (intermediate, hidden),
            ];
        }
    }

    /// <summary>The repository name without its organisation.</summary>
    public string ShortName => Id[(Id.LastIndexOf('/') + 1)..];
}

/// <summary>Element types of stored weights and activations.</summary>
public enum WeightDtype
{
    BFloat16,
    Float16,
    Float32,
}

/// <summary>A GPTQ <c>quantization_config</c>: linear weights packed as <paramref name="Bits"/>-bit integers with one
/// fp16 scale and one packed zero point per <paramref name="GroupSize"/> input rows (-1: one group per column).</summary>
public sealed record GptqConfig(int Bits = 4, int GroupSize = 128, bool DescAct = false);

/// <summary>Byte sizes and names of the dtypes.</summary>
public static class WeightDtypes
{
    public static int Bytes(this WeightDtype dtype) => dtype == WeightDtype.Float32 ? 4 : 2;

    /// <summary>The name as <c>config.json</c> and the ChatDeployment spell it.</summary>
    public static string Name(this WeightDtype dtype) => dtype switch
    {
        WeightDtype.BFloat16 => "bfloat16",
        WeightDtype.Float16 => "float16",
        _ => "float32",
    };
}
