// A LoRA adapter for a tiny checkpoint, written as PEFT's save_pretrained writes one: adapter_config.json with every
// field PEFT 0.13 puts there, and adapter_model.safetensors with PEFT's tensor names
// (base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight [r, in], ...lora_B.weight [out, r]). Unlike a fresh
// PEFT adapter, whose B starts at zero, both matrices are random, so the adapter changes what the model computes.
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Parley.Engine.Models;

namespace Parley.Testing.Models;

/// <summary>The shape of a tiny adapter.</summary>
public sealed record TinyLoraSpec
{
    public int Rank { get; init; } = 8;
    public double Alpha { get; init; } = 16;
    public bool UseRsLora { get; init; }

    /// <summary>PEFT module names; LLaMA-Factory's <c>lora_target: all</c> gives all seven.</summary>
    public IReadOnlyList<string> TargetModules { get; init; } = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    public SafetensorsDtype Dtype { get; init; } = SafetensorsDtype.BF16;

    /// <summary>Edits adapter_config.json before it is written (refusal tests).</summary>
    public Action<JsonObject>? EditConfig { get; init; }

    /// <summary>Edits the tensor list before it is written (refusal tests).</summary>
    public Func<List<TensorData>, List<TensorData>>? EditTensors { get; init; }

    public double Scale => UseRsLora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;
}

/// <summary>A tiny PEFT adapter in a temporary folder, deleted on dispose.</summary>
public sealed class TinyLoraFolder : IDisposable
{
    /// <param name="baseFolder">The tiny checkpoint it adapts.</param>
    /// <param name="spec">The adapter's shape; rank 8, alpha 16 on all seven projections, bf16 when null.</param>
    /// <param name="seed">Draws the weights.</param>
    public TinyLoraFolder(string baseFolder, TinyLoraSpec? spec = null, int seed = 1)
    {
        Spec = spec ?? new TinyLoraSpec();
        var config = ModelConfig.Load(baseFolder);
        var json = PeftConfig(Spec, baseFolder);
        Spec.EditConfig?.Invoke(json);
        File.WriteAllText(System.IO.Path.Combine(Path, "adapter_config.json"), json.ToJsonString());
        var tensors = Tensors(config, Spec, seed);
        SafetensorsWriter.Write(System.IO.Path.Combine(Path, "adapter_model.safetensors"), Spec.EditTensors?.Invoke(tensors) ?? tensors,
            new Dictionary<string, string> { ["format"] = "pt" });
    }

    public string Path { get; } = Directory.CreateTempSubdirectory("parley-lora-").FullName;

    public TinyLoraSpec Spec { get; }

    /// <summary>PEFT's tensor name of one projection's A or B.</summary>
    public static string TensorName(int layer, string module, char matrix) =>
        $"base_model.model.model.layers.{layer}.{(module is "gate_proj" or "up_proj" or "down_proj" ? "mlp" : "self_attn")}.{module}.lora_{matrix}.weight";

    /// <summary>[out, in] of a projection in <paramref name="config"/>.</summary>
    public static (int Out, int In) Shape(ModelConfig config, string module)
    {
        ArgumentNullException.ThrowIfNull(config);
        int h = config.HiddenSize, q = config.NumAttentionHeads * config.HeadDim, kv = config.NumKeyValueHeads * config.HeadDim, i = config.IntermediateSize;
        return module switch
        {
            "q_proj" => (q, h),
            "k_proj" or "v_proj" => (kv, h),
            "o_proj" => (h, q),
            "gate_proj" or "up_proj" => (i, h),
            "down_proj" => (h, i),
            _ => throw new ArgumentException($"'{module}' is not a decoder projection.", nameof(module)),
        };
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // A test that removed it itself.
        }
    }

    // Every field PEFT 0.13's LoraConfig.save_pretrained writes, with LLaMA-Factory's usual values.
    private static JsonObject PeftConfig(TinyLoraSpec spec, string baseFolder) => new()
    {
        ["alpha_pattern"] = new JsonObject(),
        ["auto_mapping"] = null,
        ["base_model_name_or_path"] = baseFolder,
        ["bias"] = "none",
        ["fan_in_fan_out"] = false,
        ["inference_mode"] = true,
        ["init_lora_weights"] = true,
        ["layer_replication"] = null,
        ["layers_pattern"] = null,
        ["layers_to_transform"] = null,
        ["loftq_config"] = new JsonObject(),
        ["lora_alpha"] = spec.Alpha,
        ["lora_dropout"] = 0.0,
        ["megatron_config"] = null,
        ["megatron_core"] = "megatron.core",
        ["modules_to_save"] = null,
        ["peft_type"] = "LORA",
        ["r"] = spec.Rank,
        ["rank_pattern"] = new JsonObject(),
        ["revision"] = null,
        ["target_modules"] = new JsonArray(spec.TargetModules.Select(name => (JsonNode)name).ToArray()),
        ["task_type"] = "CAUSAL_LM",
        ["use_dora"] = false,
        ["use_rslora"] = spec.UseRsLora,
    };

    private static List<TensorData> Tensors(ModelConfig config, TinyLoraSpec spec, int seed)
    {
        var random = new Random(seed);
        var tensors = new List<TensorData>();
        for (var layer = 0; layer < config.NumHiddenLayers; layer++)
        {
            foreach (var module in spec.TargetModules)
            {
                var (output, input) = Shape(config, module);
                tensors.Add(TinyTensors.Random(random, spec.Dtype, TensorName(layer, module, 'A'), [spec.Rank, input], 0.2));
                tensors.Add(TinyTensors.Random(random, spec.Dtype, TensorName(layer, module, 'B'), [output, spec.Rank], 0.2));
            }
        }

        return tensors;
    }
}

/// <summary>Random tensors in a stored dtype, and stored tensors read back as doubles.</summary>
public static class TinyTensors
{
    /// <summary>Values uniform in ±<paramref name="width"/>/2, stored as <paramref name="dtype"/>.</summary>
    public static TensorData Random(Random random, SafetensorsDtype dtype, string name, long[] shape, double width)
    {
        ArgumentNullException.ThrowIfNull(random);
        var values = Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(_ => (float)((random.NextDouble() - 0.5) * width)).ToArray();
        return Encode(dtype, name, shape, values);
    }

    public static TensorData Encode(SafetensorsDtype dtype, string name, long[] shape, float[] values) => dtype switch
    {
        SafetensorsDtype.F32 => new(name, dtype, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray()),
        SafetensorsDtype.F16 => new(name, dtype, shape, MemoryMarshal.AsBytes(values.Select(v => (Half)v).ToArray().AsSpan()).ToArray()),
        SafetensorsDtype.BF16 => new(name, dtype, shape, MemoryMarshal.AsBytes(values.Select(BFloat16Bits.Round).ToArray().AsSpan()).ToArray()),
        _ => throw new ArgumentException($"{dtype} is not a float type.", nameof(dtype)),
    };

    /// <summary>A stored bf16, f16 or f32 tensor as doubles.</summary>
    public static double[] Read(SafetensorsDtype dtype, ReadOnlySpan<byte> bytes) => dtype switch
    {
        SafetensorsDtype.F32 => MemoryMarshal.Cast<byte, float>(bytes).ToArray().Select(v => (double)v).ToArray(),
        SafetensorsDtype.F16 => MemoryMarshal.Cast<byte, Half>(bytes).ToArray().Select(v => (double)v).ToArray(),
        SafetensorsDtype.BF16 => MemoryMarshal.Cast<byte, ushort>(bytes).ToArray().Select(v => (double)BitConverter.UInt32BitsToSingle((uint)v << 16)).ToArray(),
        _ => throw new ArgumentException($"{dtype} is not a float type.", nameof(dtype)),
    };
}
