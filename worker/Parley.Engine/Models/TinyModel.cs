// A complete checkpoint folder with random weights and a real architecture, small enough to run anywhere: what tests
// use instead of downloading weights, and what `--model demo` serves (it talks nonsense, fluently). It holds config.json,
// generation_config.json, model.safetensors (optionally sharded with an index), a byte-level BPE tokenizer.json whose
// vocabulary is the 256 byte characters plus chat special tokens, and a ChatML tokenizer_config.json.
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Parley.Engine.Text;

namespace Parley.Engine.Models;

/// <summary>The shape of a tiny model.</summary>
public sealed record TinyModelSpec
{
    public string ModelType { get; init; } = "qwen2";
    public int HiddenSize { get; init; } = 64;
    public int IntermediateSize { get; init; } = 128;
    public int NumHiddenLayers { get; init; } = 2;
    public int NumAttentionHeads { get; init; } = 4;
    public int NumKeyValueHeads { get; init; } = 2;
    public int MaxPositionEmbeddings { get; init; } = 2048;
    public bool TieWordEmbeddings { get; init; }
    public SafetensorsDtype Dtype { get; init; } = SafetensorsDtype.BF16;
    public bool Llama3RopeScaling { get; init; }
    public int Shards { get; init; } = 1;

    /// <summary>Embedding and output rows; ids past the tokenizer's 259 are never produced from text but cost what a
    /// real vocabulary costs (benchmarks use 151,936 or 128,256).</summary>
    public int VocabSize { get; init; } = TinyModel.VocabSize;

    /// <summary>Write the layer projections as GPTQ 4-bit (everything else f16), or dense when null.</summary>
    public TinyGptq? Gptq { get; init; }

    /// <summary>How the weights are drawn: for tests that compute with them, or for benchmarks of real sizes.</summary>
    public TinyWeightFill Fill { get; init; } = TinyWeightFill.Reference;
}

/// <summary>How a tiny checkpoint's weights are drawn.</summary>
public enum TinyWeightFill
{
    /// <summary>Small normally-spread values (GPTQ: quantised from them), reproducible per seed: what parity needs.</summary>
    Reference,

    /// <summary>Masked random bits streamed to disk: billions of weights in seconds, for benchmarks only.</summary>
    RandomBits,
}

/// <summary>The quantization_config of a tiny GPTQ checkpoint.</summary>
public sealed record TinyGptq(int GroupSize = 128, bool Symmetric = true, bool ActOrder = false);

/// <summary>Writes tiny checkpoints.</summary>
public static class TinyModel
{
    public const string EndOfText = "<|endoftext|>";
    public const string ImStart = "<|im_start|>";
    public const string ImEnd = "<|im_end|>";

    /// <summary>256 byte characters, then the three special tokens.</summary>
    public const int VocabSize = 259;

    public static void Write(string folder, TinyModelSpec spec, int seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec = spec.Gptq is null ? spec : spec with { Dtype = SafetensorsDtype.F16 };
        Directory.CreateDirectory(folder);
        var config = Config(spec);
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());
        File.WriteAllText(Path.Combine(folder, "generation_config.json"), new JsonObject { ["eos_token_id"] = new JsonArray(258, 256) }.ToJsonString());
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), TokenizerJson().ToJsonString());
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), new JsonObject
        {
            ["bos_token"] = null, ["eos_token"] = ImEnd, ["pad_token"] = EndOfText,
            ["chat_template"] = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}",
        }.ToJsonString());
        WriteWeights(folder, spec, ModelConfig.Parse(config), seed);
    }

    private static JsonObject Config(TinyModelSpec spec) => new()
    {
        ["architectures"] = new JsonArray(spec.ModelType switch { "qwen2" => "Qwen2ForCausalLM", "qwen3" => "Qwen3ForCausalLM", "mistral" => "MistralForCausalLM", _ => "LlamaForCausalLM" }),
        ["model_type"] = spec.ModelType,
        ["hidden_size"] = spec.HiddenSize,
        ["intermediate_size"] = spec.IntermediateSize,
        ["num_hidden_layers"] = spec.NumHiddenLayers,
        ["num_attention_heads"] = spec.NumAttentionHeads,
        ["num_key_value_heads"] = spec.NumKeyValueHeads,
        ["head_dim"] = spec.HiddenSize / spec.NumAttentionHeads,
        ["vocab_size"] = Math.Max(VocabSize, spec.VocabSize),
        ["max_position_embeddings"] = spec.MaxPositionEmbeddings,
        ["rms_norm_eps"] = 1e-6,
        ["rope_theta"] = 10000.0,
        ["tie_word_embeddings"] = spec.TieWordEmbeddings,
        ["torch_dtype"] = spec.Dtype switch { SafetensorsDtype.F16 => "float16", SafetensorsDtype.F32 => "float32", _ => "bfloat16" },
        ["rope_scaling"] = spec.Llama3RopeScaling
            ? new JsonObject { ["rope_type"] = "llama3", ["factor"] = 8.0, ["low_freq_factor"] = 1.0, ["high_freq_factor"] = 4.0, ["original_max_position_embeddings"] = 256 }
            : null,
        ["quantization_config"] = spec.Gptq is { } gptq
            ? new JsonObject { ["quant_method"] = "gptq", ["bits"] = 4, ["group_size"] = gptq.GroupSize, ["sym"] = gptq.Symmetric, ["desc_act"] = gptq.ActOrder }
            : null,
    };

    private enum PartKind
    {
        Dense,
        Norm,
        Linear,
    }

    // One weight of the architecture, in checkpoint order; a Linear part is [rows, columns] and becomes one dense
    // ".weight" or GPTQ's four tensors.
    private readonly record struct Part(string Name, PartKind Kind, long[] Shape);

    private static IEnumerable<Part> Parts(ModelConfig config)
    {
        long h = config.HiddenSize, d = config.HeadDim, q = config.NumAttentionHeads * d, kv = config.NumKeyValueHeads * d, i = config.IntermediateSize;
        yield return new("model.embed_tokens.weight", PartKind.Dense, [config.VocabSize, h]);
        for (var n = 0; n < config.NumHiddenLayers; n++)
        {
            var p = $"model.layers.{n}.";
            yield return new(p + "input_layernorm.weight", PartKind.Norm, [h]);
            yield return new(p + "self_attn.q_proj", PartKind.Linear, [q, h]);
            yield return new(p + "self_attn.k_proj", PartKind.Linear, [kv, h]);
            yield return new(p + "self_attn.v_proj", PartKind.Linear, [kv, h]);
            yield return new(p + "self_attn.o_proj", PartKind.Linear, [h, q]);
            if (config.AttentionBias)
            {
                yield return new(p + "self_attn.q_proj.bias", PartKind.Dense, [q]);
                yield return new(p + "self_attn.k_proj.bias", PartKind.Dense, [kv]);
                yield return new(p + "self_attn.v_proj.bias", PartKind.Dense, [kv]);
            }

            if (config.QkNorm)
            {
                yield return new(p + "self_attn.q_norm.weight", PartKind.Norm, [d]);
                yield return new(p + "self_attn.k_norm.weight", PartKind.Norm, [d]);
            }

            yield return new(p + "post_attention_layernorm.weight", PartKind.Norm, [h]);
            yield return new(p + "mlp.gate_proj", PartKind.Linear, [i, h]);
            yield return new(p + "mlp.up_proj", PartKind.Linear, [i, h]);
            yield return new(p + "mlp.down_proj", PartKind.Linear, [h, i]);
        }

        yield return new("model.norm.weight", PartKind.Norm, [h]);
        if (!config.TieWordEmbeddings)
        {
            yield return new("lm_head.weight", PartKind.Dense, [config.VocabSize, h]);
        }
    }

    private static void WriteWeights(string folder, TinyModelSpec spec, ModelConfig config, int seed)
    {
        var parts = Parts(config).ToList();
        List<TensorSource> tensors;
        if (spec.Fill == TinyWeightFill.RandomBits)
        {
            tensors = parts.SelectMany((part, index) => RandomBits(spec, part, (ulong)seed << 32 | (uint)(index * 4))).ToList();
        }
        else
        {
            var random = new Random(seed);
            tensors = parts.SelectMany(part => Reference(random, spec, part))
                .Select(tensor => new TensorSource(tensor.Name, tensor.Dtype, tensor.Shape, stream => stream.Write(tensor.Bytes))).ToList();
        }

        WriteShards(folder, tensors, Math.Max(1, spec.Shards));
    }

    private static IEnumerable<TensorData> Reference(Random random, TinyModelSpec spec, Part part) => part.Kind switch
    {
        PartKind.Dense => [Random(random, spec.Dtype, part.Name, part.Shape)],
        PartKind.Norm => [Norm(random, spec.Dtype, part.Name, part.Shape[0])],
        _ => Linear(random, spec, part.Name, part.Shape[0], part.Shape[1]),
    };

    private static IEnumerable<TensorSource> RandomBits(TinyModelSpec spec, Part part, ulong seed) => part.Kind switch
    {
        PartKind.Dense => [RandomBitWeights.Dense(part.Name, spec.Dtype, part.Shape, seed)],
        PartKind.Norm => [RandomBitWeights.Norm(part.Name, spec.Dtype, part.Shape[0], seed)],
        _ when spec.Gptq is { } gptq => RandomBitWeights.Gptq(part.Name, part.Shape[0], part.Shape[1], gptq, seed),
        _ => [RandomBitWeights.Dense(part.Name + ".weight", spec.Dtype, part.Shape, seed)],
    };

    private static void WriteShards(string folder, List<TensorSource> tensors, int shards)
    {
        if (shards == 1)
        {
            SafetensorsWriter.Write(Path.Combine(folder, Checkpoint.SingleFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
            return;
        }

        var map = new JsonObject();
        var perShard = (tensors.Count + shards - 1) / shards;
        for (var s = 0; s < shards; s++)
        {
            var file = $"model-{s + 1:D5}-of-{shards:D5}.safetensors";
            var part = tensors.Skip(s * perShard).Take(perShard).ToList();
            SafetensorsWriter.Write(Path.Combine(folder, file), part);
            part.ForEach(tensor => map[tensor.Name] = file);
        }

        File.WriteAllText(Path.Combine(folder, Checkpoint.IndexFile), new JsonObject { ["metadata"] = new JsonObject(), ["weight_map"] = map }.ToJsonString());
    }

    private static IEnumerable<TensorData> Linear(Random random, TinyModelSpec spec, string name, long rows, long columns)
    {
        if (spec.Gptq is not { } gptq)
        {
            return [Random(random, spec.Dtype, name + ".weight", rows, columns)];
        }

        var dense = Enumerable.Range(0, (int)(rows * columns)).Select(_ => (float)((random.NextDouble() - 0.5) * 0.1)).ToArray();
        var packed = GptqPacker.Quantize(dense, (int)rows, (int)columns, gptq.GroupSize, gptq.Symmetric, gptq.ActOrder, random);
        var groups = gptq.GroupSize > 0 ? columns / gptq.GroupSize : 1;
        return
        [
            new(name + ".qweight", SafetensorsDtype.I32, [columns / 8, rows], MemoryMarshal.AsBytes(packed.QWeight.AsSpan()).ToArray()),
            new(name + ".qzeros", SafetensorsDtype.I32, [groups, rows / 8], MemoryMarshal.AsBytes(packed.QZeros.AsSpan()).ToArray()),
            new(name + ".scales", SafetensorsDtype.F16, [groups, rows], MemoryMarshal.AsBytes(packed.Scales.AsSpan()).ToArray()),
            new(name + ".g_idx", SafetensorsDtype.I32, [columns], MemoryMarshal.AsBytes(packed.GroupIndex.AsSpan()).ToArray()),
        ];
    }

    // Small random weights (std ~0.05) keep activations finite through a few layers without normalisation surprises.
    private static TensorData Random(Random random, SafetensorsDtype dtype, string name, params long[] shape) =>
        Encode(dtype, name, shape, Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(_ => (float)((random.NextDouble() - 0.5) * 0.1)).ToArray());

    // Norm weights near 1 but not all equal, so a norm applied with the wrong weight (or none) changes the logits.
    private static TensorData Norm(Random random, SafetensorsDtype dtype, string name, long size) =>
        Encode(dtype, name, [size], Enumerable.Range(0, (int)size).Select(_ => (float)(0.8 + random.NextDouble() * 0.4)).ToArray());

    private static TensorData Encode(SafetensorsDtype dtype, string name, long[] shape, float[] values) => dtype switch
    {
        SafetensorsDtype.F32 => new(name, dtype, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray()),
        SafetensorsDtype.F16 => new(name, dtype, shape, MemoryMarshal.AsBytes(values.Select(v => (Half)v).ToArray().AsSpan()).ToArray()),
        // bf16 is the upper half of a float32 (rounded to nearest even).
        _ => new(name, dtype, shape, MemoryMarshal.AsBytes(values.Select(BFloat16Bits.Round).ToArray().AsSpan()).ToArray()),
    };

    private static JsonObject TokenizerJson()
    {
        var vocab = new JsonObject();
        for (var b = 0; b < 256; b++)
        {
            vocab[ByteLevelAlphabet.ToChar((byte)b).ToString()] = b;
        }

        return new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(Special(256, EndOfText), Special(257, ImStart), Special(258, ImEnd)),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "Split",
                        ["pattern"] = new JsonObject { ["Regex"] = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+" },
                        ["behavior"] = "Isolated",
                        ["invert"] = false,
                    },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["use_regex"] = false }),
            },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = new JsonArray() },
        };
    }

    private static JsonObject Special(int id, string content) => new() { ["id"] = id, ["content"] = content, ["special"] = true };
}
