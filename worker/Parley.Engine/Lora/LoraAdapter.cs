// A PEFT LoRA adapter read for serving: adapter_config.json (LoraConfig) and adapter_model.safetensors, whose tensors
// PEFT names after the module path of the wrapped model,
//   base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight   [r, in]
//   base_model.model.model.layers.N.self_attn.q_proj.lora_B.weight   [out, r]
// Every tensor is checked against the base model's shapes before the adapter can serve, and anything that is not the
// A or B of a target projection (DoRA magnitudes, embedding adapters, saved whole modules) is refused by name. The
// weights are widened to float32 at load: an adapter is small beside its base (rank 16 on every projection of an 8B
// Llama is 42M values), and one float type keeps it independent of the base's (bf16, f16 or GPTQ).
using System.Text.RegularExpressions;
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Models;

namespace Parley.Engine.Lora;

/// <summary>A loaded LoRA adapter, ready to be applied on top of its base model.</summary>
public sealed partial class LoraAdapter
{
    public const string WeightsFile = "adapter_model.safetensors";

    private static int s_lastId;
    private readonly LoraWeights?[,] _weights; // [layer, target]; null where the target is not adapted

    private LoraAdapter(string name, string folder, LoraConfig config, LoraWeights?[,] weights)
    {
        Id = Interlocked.Increment(ref s_lastId);
        Name = name;
        Folder = folder;
        Config = config;
        _weights = weights;
    }

    /// <summary>Unique in the process, never reused: an adapter loaded again under the same name is another adapter
    /// (its prefix-cache entries, keyed by this id, are not the old one's).</summary>
    public int Id { get; }

    /// <summary>The name requests select it by.</summary>
    public string Name { get; }

    public string Folder { get; }

    public LoraConfig Config { get; }

    public int Rank => Config.Rank;

    public float Scale => (float)Config.Scale;

    public int LayerCount => _weights.GetLength(0);

    /// <summary>Bytes of its float32 weights.</summary>
    public long Bytes => Enumerable.Range(0, LayerCount).SelectMany(layer => LoraTargets.All.Select(target => _weights[layer, (int)target]))
        .Sum(weights => weights is null ? 0L : (weights.A.LongLength + weights.BTransposed.LongLength) * sizeof(float));

    /// <summary>The adapter's A and B for one projection, or null when it does not adapt it.</summary>
    public LoraWeights? Weights(int layer, LoraTarget target) => _weights[layer, (int)target];

    /// <summary>Reads and checks the adapter in <paramref name="folder"/> against the base model's config.</summary>
    /// <exception cref="LoraAdapterException">The adapter asks for what Parley does not apply, or does not fit the base
    /// model; the message says what to change.</exception>
    public static LoraAdapter Load(string name, string folder, ModelConfig baseConfig)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(baseConfig);
        var config = LoraConfig.Load(folder);
        var path = Path.Combine(folder, WeightsFile);
        if (!File.Exists(path))
        {
            throw new LoraAdapterException(File.Exists(Path.Combine(folder, "adapter_model.bin"))
                ? $"{folder} has only adapter_model.bin, a pickle that can run code when loaded; save the adapter with safetensors (PEFT's save_pretrained does by default)."
                : $"{folder} has no {WeightsFile}.");
        }

        using var file = OpenWeights(path);
        var weights = new LoraWeights?[baseConfig.NumHiddenLayers, LoraTargets.All.Count];
        foreach (var tensor in file.Tensors.Values)
        {
            ReadTensor(file, tensor, config, baseConfig, weights);
        }

        RequireEveryTarget(config, baseConfig, weights, path);
        return new LoraAdapter(name, folder, config, weights);
    }

    private static SafetensorsFile OpenWeights(string path)
    {
        try
        {
            return SafetensorsFile.Open(path);
        }
        catch (InvalidDataException exception)
        {
            throw new LoraAdapterException(exception.Message, exception);
        }
    }

    // A and B arrive in either order; a projection's entry holds whichever came first until its twin arrives.
    private static void ReadTensor(SafetensorsFile file, TensorInfo tensor, LoraConfig config, ModelConfig baseConfig, LoraWeights?[,] weights)
    {
        var match = PeftName().Match(tensor.Name);
        if (!match.Success || !LoraTargets.TryParse(match.Groups["module"].Value, out var target) || match.Groups["block"].Value != target.Block())
        {
            throw new LoraAdapterException($"Tensor '{tensor.Name}' is not the lora_A or lora_B of a decoder layer's projection; Parley applies LoRA to {string.Join(", ", LoraTargets.All.Select(t => t.ModuleName()))} only (no DoRA magnitudes, embedding adapters or saved whole modules).");
        }

        var layer = int.Parse(match.Groups["layer"].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (layer >= baseConfig.NumHiddenLayers)
        {
            throw new LoraAdapterException($"Tensor '{tensor.Name}' adapts layer {layer} but the base model has {baseConfig.NumHiddenLayers} layers; {TrainedOn(config)}");
        }

        if (!config.Targets.Contains(target))
        {
            throw new LoraAdapterException($"Tensor '{tensor.Name}' adapts {target.ModuleName()}, which adapter_config.json's target_modules does not list; the adapter folder is inconsistent.");
        }

        int input = target.InFeatures(baseConfig), output = target.OutFeatures(baseConfig), rank = config.Rank;
        var isA = match.Groups["matrix"].Value == "A";
        long[] expected = isA ? [rank, input] : [output, rank];
        if (!tensor.Shape.SequenceEqual(expected))
        {
            throw new LoraAdapterException($"Tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}] but r {rank} on the base model's {target.ModuleName()} needs [{string.Join(", ", expected)}]; {TrainedOn(config)}");
        }

        float[] values;
        try
        {
            values = Widen.Tensor(tensor, file.Bytes(tensor.Name));
        }
        catch (NotSupportedException exception)
        {
            throw new LoraAdapterException($"Tensor '{tensor.Name}' is {tensor.Dtype.Name()}; adapter weights must be BF16, F16 or F32.", exception);
        }

        var existing = weights[layer, (int)target] ?? new LoraWeights([], [], input, output);
        weights[layer, (int)target] = isA ? existing with { A = values } : existing with { BTransposed = Transpose(values, output, rank) };
    }

    private static void RequireEveryTarget(LoraConfig config, ModelConfig baseConfig, LoraWeights?[,] weights, string path)
    {
        for (var layer = 0; layer < baseConfig.NumHiddenLayers; layer++)
        {
            foreach (var target in config.Targets)
            {
                if (weights[layer, (int)target] is not { A.Length: > 0, BTransposed.Length: > 0 })
                {
                    throw new LoraAdapterException($"{path} lacks lora_A or lora_B of layer {layer}'s {target.ModuleName()}, which target_modules lists; {TrainedOn(config)}");
                }
            }
        }
    }

    private static string TrainedOn(LoraConfig config) => config.BaseModelNameOrPath is { } trainedOn
        ? $"the adapter was trained on '{trainedOn}'; serve it on that model."
        : "was it trained for another base model?";

    private static float[] Transpose(float[] rowMajor, int rows, int columns)
    {
        var transposed = new float[rowMajor.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                transposed[(c * rows) + r] = rowMajor[(r * columns) + c];
            }
        }

        return transposed;
    }

    [GeneratedRegex(@"^base_model\.model\.model\.layers\.(?<layer>\d+)\.(?<block>self_attn|mlp)\.(?<module>\w+?)\.lora_(?<matrix>[AB])\.weight$", RegexOptions.CultureInvariant)]
    private static partial Regex PeftName();
}
