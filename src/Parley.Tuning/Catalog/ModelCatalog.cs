// Architectures of the checkpoints Parley is most often asked to serve. Every number is copied from the checkpoint's
// config.json on the Hugging Face hub (and quantize_config.json / quantization_config for GPTQ checkpoints).
namespace Parley.Tuning.Catalog;

/// <summary>Built-in architectures of popular chat checkpoints, looked up by repository id or by repository name.</summary>
public static class ModelCatalog
{
    private static readonly GptqConfig Int4Group128 = new(Bits: 4, GroupSize: 128, DescAct: false);

    private static ModelArchitecture Llama3_8B(string id) => new()
    {
        Id = id, ModelType = "llama", NumHiddenLayers = 32, HiddenSize = 4096, NumAttentionHeads = 32, NumKeyValueHeads = 8,
        IntermediateSize = 14336, VocabSize = 128256, MaxPositionEmbeddings = 8192, TieWordEmbeddings = false,
    };

    private static ModelArchitecture Qwen2(string id, int layers, int hidden, int heads, int kvHeads, int intermediate, int vocab, int maxPositions, bool tied) => new()
    {
        Id = id, ModelType = "qwen2", NumHiddenLayers = layers, HiddenSize = hidden, NumAttentionHeads = heads, NumKeyValueHeads = kvHeads,
        IntermediateSize = intermediate, VocabSize = vocab, MaxPositionEmbeddings = maxPositions, TieWordEmbeddings = tied, AttentionBias = true,
    };

    private static ModelArchitecture Qwen3(string id, int layers, int hidden, int heads, int intermediate, bool tied) => new()
    {
        Id = id, ModelType = "qwen3", NumHiddenLayers = layers, HiddenSize = hidden, NumAttentionHeads = heads, NumKeyValueHeads = 8,
        ExplicitHeadDim = 128, IntermediateSize = intermediate, VocabSize = 151936, MaxPositionEmbeddings = 40960, TieWordEmbeddings = tied, QkNorm = true,
    };

    private static ModelArchitecture AsGptq(ModelArchitecture base_, string id, GptqConfig? config = null) =>
        base_ with { Id = id, TorchDtype = WeightDtype.Float16, Gptq = config ?? Int4Group128, GptqVariant = null };

    // Llama 3.0's template has no tools section (3.1 added it); the R1 distills' template writes earlier tool calls but
    // never the tools list.
    private static readonly ModelArchitecture Llama3Instruct = Llama3_8B("meta-llama/Meta-Llama-3-8B-Instruct") with { TemplateRendersTools = false };

    // Llama 3.1 stretches the same weights to 128k context with rope_scaling {rope_type: llama3, factor: 8}.
    private static readonly ModelArchitecture Llama31Instruct = Llama3_8B("meta-llama/Llama-3.1-8B-Instruct") with { MaxPositionEmbeddings = 131072, TemplateRendersTools = true };

    private static readonly ModelArchitecture Qwen25_05B = Qwen2("Qwen/Qwen2.5-0.5B-Instruct", 24, 896, 14, 2, 4864, 151936, 32768, tied: true);
    private static readonly ModelArchitecture Qwen25_15B = Qwen2("Qwen/Qwen2.5-1.5B-Instruct", 28, 1536, 12, 2, 8960, 151936, 32768, tied: true);
    private static readonly ModelArchitecture Qwen25_7B = Qwen2("Qwen/Qwen2.5-7B-Instruct", 28, 3584, 28, 4, 18944, 152064, 32768, tied: false);
    private static readonly ModelArchitecture R1Qwen15B = Qwen2("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", 28, 1536, 12, 2, 8960, 151936, 131072, tied: false) with { TemplateRendersTools = false };
    private static readonly ModelArchitecture R1Qwen7B = Qwen2("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", 28, 3584, 28, 4, 18944, 152064, 131072, tied: false) with { TemplateRendersTools = false };
    private static readonly ModelArchitecture R1Qwen14B = Qwen2("deepseek-ai/DeepSeek-R1-Distill-Qwen-14B", 48, 5120, 40, 8, 13824, 152064, 131072, tied: false) with { TemplateRendersTools = false };
    private static readonly ModelArchitecture R1Qwen32B = Qwen2("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", 64, 5120, 40, 8, 27648, 152064, 131072, tied: false) with { TemplateRendersTools = false };
    private static readonly ModelArchitecture Qwen3_06B = Qwen3("Qwen/Qwen3-0.6B", 28, 1024, 16, 3072, tied: true);
    private static readonly ModelArchitecture Qwen3_17B = Qwen3("Qwen/Qwen3-1.7B", 28, 2048, 16, 6144, tied: true);
    private static readonly ModelArchitecture Qwen3_4B = Qwen3("Qwen/Qwen3-4B", 36, 2560, 32, 9728, tied: true);
    private static readonly ModelArchitecture Qwen3_8B = Qwen3("Qwen/Qwen3-8B", 36, 4096, 32, 12288, tied: false);

    private static readonly ModelArchitecture Mistral7B = new()
    {
        Id = "mistralai/Mistral-7B-Instruct-v0.3", ModelType = "mistral", NumHiddenLayers = 32, HiddenSize = 4096, NumAttentionHeads = 32,
        NumKeyValueHeads = 8, IntermediateSize = 14336, VocabSize = 32768, MaxPositionEmbeddings = 32768, TieWordEmbeddings = false,
    };

    // GPTQ-int4 checkpoints: same shapes; linear layers packed 4-bit with fp16 scales per 128-row group, the rest fp16.
    // Both well-known Llama 3 GPTQ checkpoints are quantized with act-order (desc_act true); their g_idx tensors are
    // counted in the weights either way. Qwen3 has no official GPTQ-int4 release; JunHowie's is the community one.
    private static readonly (ModelArchitecture Base, ModelArchitecture Quantized)[] GptqPairs =
    [
        (Llama3Instruct, AsGptq(Llama3Instruct, "TechxGENus/Meta-Llama-3-8B-Instruct-GPTQ", Int4Group128 with { DescAct = true })),
        (Llama31Instruct, AsGptq(Llama31Instruct, "hugging-quants/Meta-Llama-3.1-8B-Instruct-GPTQ-INT4", Int4Group128 with { DescAct = true })),
        (Qwen25_05B, AsGptq(Qwen25_05B, "Qwen/Qwen2.5-0.5B-Instruct-GPTQ-Int4")),
        (Qwen25_15B, AsGptq(Qwen25_15B, "Qwen/Qwen2.5-1.5B-Instruct-GPTQ-Int4")),
        (Qwen25_7B, AsGptq(Qwen25_7B, "Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4")),
        (Qwen3_8B, AsGptq(Qwen3_8B, "JunHowie/Qwen3-8B-GPTQ-Int4")),
    ];

    /// <summary>The worker's built-in demo model (<c>model.source: demo</c>), from the TinyModelSpec in the worker's
    /// Serving/DemoModel.cs (a contract test compares them): a 4-layer Qwen2 with a 259-token byte vocabulary, about 5 MB
    /// of bf16 weights. Kept out of <see cref="All"/> so that no hub model named "demo" is mistaken for it.</summary>
    public static ModelArchitecture Demo { get; } = new()
    {
        Id = "demo", ModelType = "qwen2", NumHiddenLayers = 4, HiddenSize = 256, NumAttentionHeads = 8, NumKeyValueHeads = 4,
        IntermediateSize = 512, VocabSize = 259, MaxPositionEmbeddings = 4096, TieWordEmbeddings = false, AttentionBias = true,
        TemplateRendersTools = false,
    };

    /// <summary>Every catalog entry, unquantized checkpoints first.</summary>
    public static IReadOnlyList<ModelArchitecture> All { get; } = BuildAll();

    private static List<ModelArchitecture> BuildAll()
    {
        ModelArchitecture[] unquantized =
        [
            Llama3Instruct, Llama31Instruct, R1Qwen15B, R1Qwen7B, R1Qwen14B, R1Qwen32B, Qwen25_05B, Qwen25_15B, Qwen25_7B,
            Qwen3_06B, Qwen3_17B, Qwen3_4B, Qwen3_8B, Mistral7B,
        ];
        var variants = GptqPairs.ToDictionary(pair => pair.Base.Id, pair => pair.Quantized.Id);
        return unquantized.Select(model => model with { GptqVariant = variants.GetValueOrDefault(model.Id) })
            .Concat(GptqPairs.Select(pair => pair.Quantized))
            .ToList();
    }

    /// <summary>Finds a model by repository id (<c>org/name</c>), or by repository name alone (a folder on a volume
    /// is usually named after it). Case-insensitive.</summary>
    public static ModelArchitecture? Find(string idOrName)
    {
        ArgumentNullException.ThrowIfNull(idOrName);
        return All.FirstOrDefault(model => model.Id.Equals(idOrName, StringComparison.OrdinalIgnoreCase))
            ?? All.FirstOrDefault(model => model.ShortName.Equals(idOrName[(idOrName.LastIndexOf('/') + 1)..], StringComparison.OrdinalIgnoreCase));
    }
}
