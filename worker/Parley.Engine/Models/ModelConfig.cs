// A checkpoint's config.json, read into what the forward pass needs, with everything Parley cannot run refused up
// front by name: an architecture outside Llama/Qwen2/Qwen3/Mistral, a dtype other than bf16/f16/f32, a rope scaling
// other than Llama 3's, a quantization other than 4-bit GPTQ.
using System.Text.Json.Nodes;

namespace Parley.Engine.Models;

/// <summary>Llama 3.1's frequency-dependent RoPE scaling (<c>rope_type: llama3</c>).</summary>
public sealed record Llama3RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositionEmbeddings);

/// <summary>A GPTQ <c>quantization_config</c>: 4-bit weights, one scale per group of input rows (-1: one per column).</summary>
public sealed record GptqQuantization(int Bits, int GroupSize, bool Symmetric, bool DescAct);

/// <summary>The model facts of a config.json, named as there.</summary>
public sealed record ModelConfig
{
    public static readonly IReadOnlyList<string> SupportedModelTypes = ["llama", "mistral", "qwen2", "qwen3"];
    public static readonly IReadOnlyList<string> SupportedDtypes = ["bfloat16", "float16", "float32"];

    public required string ModelType { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int NumHiddenLayers { get; init; }
    public required int NumAttentionHeads { get; init; }
    public required int NumKeyValueHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int VocabSize { get; init; }
    public required int MaxPositionEmbeddings { get; init; }
    public required double RmsNormEps { get; init; }
    public required double RopeTheta { get; init; }
    public required bool TieWordEmbeddings { get; init; }
    public required string TorchDtype { get; init; }

    /// <summary>Qwen2 adds biases to the q, k and v projections.</summary>
    public required bool AttentionBias { get; init; }

    /// <summary>Qwen3 RMS-normalises each query and key head.</summary>
    public bool QkNorm => ModelType == "qwen3";

    public Llama3RopeScaling? RopeScaling { get; init; }
    public GptqQuantization? Gptq { get; init; }

    public static ModelConfig Load(string folder) =>
        Parse(JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json"))) ?? throw new InvalidDataException($"{folder}/config.json is empty."));

    /// <exception cref="NotSupportedException">The model uses something Parley cannot run; the message names it and the alternatives.</exception>
    public static ModelConfig Parse(JsonNode config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var modelType = Text(config, "model_type") ?? "";
        if (!SupportedModelTypes.Contains(modelType))
        {
            var architecture = config["architectures"]?[0]?.GetValue<string>() ?? modelType;
            throw new NotSupportedException($"Architecture '{architecture}' (model_type '{modelType}') is not supported; supported: {string.Join(", ", SupportedModelTypes)}.");
        }

        var dtype = Text(config, "torch_dtype") ?? Text(config, "dtype") ?? "bfloat16";
        if (!SupportedDtypes.Contains(dtype))
        {
            throw new NotSupportedException($"torch_dtype '{dtype}' is not supported; supported: {string.Join(", ", SupportedDtypes)}.");
        }

        var hidden = Int(config, "hidden_size");
        var heads = Int(config, "num_attention_heads");
        return new ModelConfig
        {
            ModelType = modelType,
            HiddenSize = hidden,
            IntermediateSize = Int(config, "intermediate_size"),
            NumHiddenLayers = Int(config, "num_hidden_layers"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = IntOr(config, "num_key_value_heads", heads),
            HeadDim = IntOr(config, "head_dim", hidden / heads),
            VocabSize = Int(config, "vocab_size"),
            MaxPositionEmbeddings = Int(config, "max_position_embeddings"),
            RmsNormEps = config["rms_norm_eps"]?.GetValue<double>() ?? 1e-6,
            RopeTheta = config["rope_theta"]?.GetValue<double>() ?? 10000,
            TieWordEmbeddings = config["tie_word_embeddings"]?.GetValue<bool>() ?? false,
            TorchDtype = dtype,
            AttentionBias = modelType == "qwen2" || (config["attention_bias"]?.GetValue<bool>() ?? false),
            RopeScaling = RopeScalingOf(config["rope_scaling"]),
            Gptq = QuantizationOf(config["quantization_config"]),
        };
    }

    private static Llama3RopeScaling? RopeScalingOf(JsonNode? scaling)
    {
        if (scaling is null)
        {
            return null;
        }

        var type = Text(scaling, "rope_type") ?? Text(scaling, "type");
        return type == "llama3"
            ? new Llama3RopeScaling(scaling["factor"]!.GetValue<double>(), scaling["low_freq_factor"]!.GetValue<double>(),
                scaling["high_freq_factor"]!.GetValue<double>(), Int(scaling, "original_max_position_embeddings"))
            : throw new NotSupportedException($"rope_scaling type '{type}' is not supported; supported: llama3.");
    }

    private static GptqQuantization? QuantizationOf(JsonNode? quantization)
    {
        if (quantization is null)
        {
            return null;
        }

        var method = Text(quantization, "quant_method");
        var bits = IntOr(quantization, "bits", 0);
        if (method != "gptq" || bits != 4)
        {
            throw new NotSupportedException($"quantization '{method}' with {bits} bits is not supported; supported: gptq with 4 bits.");
        }

        // GPTQ v1 (AutoGPTQ, and what transformers writes by default) stores each zero point minus one; gptq_v2
        // (GPTQModel) stores it as is. Both kernels read v1: a v2 checkpoint would be off by one step on every weight.
        if (Text(quantization, "checkpoint_format") is { } format && format != "gptq")
        {
            throw new NotSupportedException(
                $"GPTQ checkpoint_format '{format}' is not supported; supported: gptq (v1 zero points). Save the model in the gptq format (GPTQModel converts v2 to it when saving).");
        }

        var group = IntOr(quantization, "group_size", 128);
        if (group is not (128 or -1))
        {
            throw new NotSupportedException($"GPTQ group_size {group} is not supported; supported: 128 or -1.");
        }

        return new GptqQuantization(bits, group, quantization["sym"]?.GetValue<bool>() ?? true, quantization["desc_act"]?.GetValue<bool>() ?? false);
    }

    private static string? Text(JsonNode node, string name) => node[name] is JsonValue value ? value.GetValue<string>() : null;

    private static int Int(JsonNode node, string name) =>
        node[name] is JsonValue value ? value.GetValue<int>() : throw new InvalidDataException($"config.json has no '{name}'.");

    private static int IntOr(JsonNode node, string name, int fallback) => node[name] is JsonValue value ? value.GetValue<int>() : fallback;
}
