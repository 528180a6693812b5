// A Hugging Face checkpoint folder -> a GGUF file, written the way llama.cpp's convert_hf_to_gguf.py writes Llama,
// Mistral, Qwen2 and Qwen3, so that llama.cpp can run the same random weights as Parley's engine. Linear weights keep
// the checkpoint's dtype; norms and biases become F32, as the converter stores every 1-D tensor. The one change to
// the numbers is the Llama q/k row permutation below; Llama 3 rope scaling becomes a rope_freqs tensor.
using System.Runtime.InteropServices;
using Parley.Engine.Models;

namespace Parley.Engine.Reference.LlamaCpp;

/// <summary>Converts tiny (or real, unquantized) Llama/Mistral/Qwen2/Qwen3 checkpoints to GGUF.</summary>
internal static class GgufWriter
{
    public static void Convert(string checkpointFolder, string ggufPath)
    {
        var config = ModelConfig.Load(checkpointFolder);
        using var checkpoint = Checkpoint.Open(checkpointFolder);
        var weights = ModelWeights.Load(checkpoint, config);
        var gguf = new GgufBuilder();
        AddModelMetadata(gguf, config, Architecture(config.ModelType), FileType(weights.Embedding.Dtype));
        GgufVocabulary.Add(gguf, checkpointFolder, config.VocabSize);
        AddTensors(gguf, checkpoint, config, weights);
        gguf.Write(ggufPath);
    }

    /// <summary>llama.cpp runs Mistral (without sliding windows) as Llama; Qwen2 and Qwen3 have their own graphs.</summary>
    public static string Architecture(string modelType) => modelType switch
    {
        "llama" or "mistral" => "llama",
        "qwen2" or "qwen3" => modelType,
        _ => throw new NotSupportedException($"model_type '{modelType}' has no GGUF mapping here."),
    };

    private static void AddModelMetadata(GgufBuilder gguf, ModelConfig config, string arch, LlamaFileType fileType)
    {
        gguf.Add("general.architecture", arch);
        gguf.Add("general.name", $"parley-tiny-{config.ModelType}");
        gguf.Add("general.file_type", (uint)fileType);
        gguf.Add($"{arch}.context_length", (uint)config.MaxPositionEmbeddings);
        gguf.Add($"{arch}.embedding_length", (uint)config.HiddenSize);
        gguf.Add($"{arch}.block_count", (uint)config.NumHiddenLayers);
        gguf.Add($"{arch}.feed_forward_length", (uint)config.IntermediateSize);
        gguf.Add($"{arch}.attention.head_count", (uint)config.NumAttentionHeads);
        gguf.Add($"{arch}.attention.head_count_kv", (uint)config.NumKeyValueHeads);
        gguf.Add($"{arch}.attention.key_length", (uint)config.HeadDim);
        gguf.Add($"{arch}.attention.value_length", (uint)config.HeadDim);
        gguf.Add($"{arch}.attention.layer_norm_rms_epsilon", (float)config.RmsNormEps);
        gguf.Add($"{arch}.rope.freq_base", (float)config.RopeTheta);
        gguf.Add($"{arch}.rope.dimension_count", (uint)config.HeadDim);
        gguf.Add($"{arch}.vocab_size", (uint)config.VocabSize);
    }

    private static void AddTensors(GgufBuilder gguf, Checkpoint checkpoint, ModelConfig config, ModelWeights weights)
    {
        // llama.cpp's llama graph rotates adjacent pairs (GPT-J style); HF rotates the two halves of each head.
        // Qwen2/Qwen3 run with NEOX (half) rotation in llama.cpp, so only Llama's q and k rows are reordered.
        var isLlama = Architecture(config.ModelType) == "llama";
        void Matrix(string name, TensorInfo tensor, int permuteHeads = 0)
        {
            var data = checkpoint.Bytes(tensor.Name).ToArray();
            gguf.AddTensor(name, TypeOf(tensor.Dtype), tensor.Shape, isLlama && permuteHeads > 0 ? PermuteForInterleavedRope(data, tensor, permuteHeads) : data);
        }

        void Vector(string name, TensorInfo? tensor)
        {
            if (tensor is not null)
            {
                gguf.AddTensor(name, GgmlType.F32, tensor.Shape, MemoryMarshal.AsBytes(ToFloat32(checkpoint.Bytes(tensor.Name), tensor.Dtype).AsSpan()).ToArray());
            }
        }

        Matrix("token_embd.weight", weights.Embedding);
        if (config.RopeScaling is { } scaling)
        {
            gguf.AddTensor("rope_freqs.weight", GgmlType.F32, [config.HeadDim / 2], MemoryMarshal.AsBytes(Llama3RopeFactors(config, scaling).AsSpan()).ToArray());
        }

        for (var n = 0; n < weights.Layers.Count; n++)
        {
            var layer = weights.Layers[n];
            var p = $"blk.{n}.";
            Vector(p + "attn_norm.weight", layer.AttentionNorm);
            Matrix(p + "attn_q.weight", Dense(layer.Wq), config.NumAttentionHeads);
            Matrix(p + "attn_k.weight", Dense(layer.Wk), config.NumKeyValueHeads);
            Matrix(p + "attn_v.weight", Dense(layer.Wv));
            Matrix(p + "attn_output.weight", Dense(layer.Wo));
            Vector(p + "attn_q.bias", layer.Bq);
            Vector(p + "attn_k.bias", layer.Bk);
            Vector(p + "attn_v.bias", layer.Bv);
            Vector(p + "attn_q_norm.weight", layer.QNorm);
            Vector(p + "attn_k_norm.weight", layer.KNorm);
            Vector(p + "ffn_norm.weight", layer.MlpNorm);
            Matrix(p + "ffn_gate.weight", Dense(layer.WGate));
            Matrix(p + "ffn_up.weight", Dense(layer.WUp));
            Matrix(p + "ffn_down.weight", Dense(layer.WDown));
        }

        Vector("output_norm.weight", weights.FinalNorm);
        if (weights.LmHead != weights.Embedding)
        {
            Matrix("output.weight", weights.LmHead); // absent when tied: llama.cpp then reuses token_embd
        }
    }

    // convert_hf_to_gguf.py LlamaModel.permute: w.reshape(heads, 2, rows / heads / 2, in).swapaxes(1, 2).reshape(rows, in).
    // Within a head, HF row s * half + j (s: which half, j: pair index) moves to row j * 2 + s.
    private static byte[] PermuteForInterleavedRope(byte[] data, TensorInfo tensor, int heads)
    {
        var rowBytes = (int)(tensor.Shape[1] * tensor.Dtype.ElementSize());
        var headDim = (int)tensor.Shape[0] / heads;
        var half = headDim / 2;
        var permuted = new byte[data.Length];
        for (var h = 0; h < heads; h++)
        {
            for (var s = 0; s < 2; s++)
            {
                for (var j = 0; j < half; j++)
                {
                    var from = (h * headDim) + (s * half) + j;
                    var to = (h * headDim) + (j * 2) + s;
                    data.AsSpan(from * rowBytes, rowBytes).CopyTo(permuted.AsSpan(to * rowBytes));
                }
            }
        }

        return permuted;
    }

    // convert_hf_to_gguf.py LlamaModel.generate_extra_tensors: one divisor per rotary pair, which llama.cpp applies
    // to that pair's frequency (ggml_rope_ext's freq_factors). The converter reads original_max_position_embeddings
    // from the top level of config.json with a fallback of 8192, which is right for Llama 3.x (both are 8192) but not
    // for a checkpoint whose rope_scaling says otherwise; this uses rope_scaling's value, as transformers does.
    private static float[] Llama3RopeFactors(ModelConfig config, Llama3RopeScaling scaling)
    {
        var dim = config.HeadDim;
        double oldContext = scaling.OriginalMaxPositionEmbeddings;
        var lowFreqWavelength = oldContext / scaling.LowFreqFactor;
        var highFreqWavelength = oldContext / scaling.HighFreqFactor;
        var factors = new float[dim / 2];
        for (var i = 0; i < factors.Length; i++)
        {
            var frequency = 1.0 / Math.Pow(config.RopeTheta, 2.0 * i / dim);
            var wavelength = 2 * Math.PI / frequency;
            if (wavelength < highFreqWavelength)
            {
                factors[i] = 1;
            }
            else if (wavelength > lowFreqWavelength)
            {
                factors[i] = (float)scaling.Factor;
            }
            else
            {
                var smooth = ((oldContext / wavelength) - scaling.LowFreqFactor) / (scaling.HighFreqFactor - scaling.LowFreqFactor);
                factors[i] = (float)(1 / (((1 - smooth) / scaling.Factor) + smooth));
            }
        }

        return factors;
    }

    private static float[] ToFloat32(ReadOnlySpan<byte> data, SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.F32 => MemoryMarshal.Cast<byte, float>(data).ToArray(),
        SafetensorsDtype.F16 => MemoryMarshal.Cast<byte, Half>(data).ToArray().Select(h => (float)h).ToArray(),
        SafetensorsDtype.BF16 => MemoryMarshal.Cast<byte, ushort>(data).ToArray().Select(b => BitConverter.UInt32BitsToSingle((uint)b << 16)).ToArray(),
        _ => throw new NotSupportedException($"dtype {dtype} is not a float type."),
    };

    private static GgmlType TypeOf(SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.F32 => GgmlType.F32,
        SafetensorsDtype.F16 => GgmlType.F16,
        SafetensorsDtype.BF16 => GgmlType.BF16,
        _ => throw new NotSupportedException($"dtype {dtype} has no GGML type here."),
    };

    private static LlamaFileType FileType(SafetensorsDtype dtype) => TypeOf(dtype) switch
    {
        GgmlType.F16 => LlamaFileType.MostlyF16,
        GgmlType.BF16 => LlamaFileType.MostlyBF16,
        _ => LlamaFileType.AllF32,
    };

    private static TensorInfo Dense(LinearWeight weight) => weight as DenseWeight is { } dense
        ? dense.Tensor
        : throw new NotSupportedException("Only dense checkpoints convert to GGUF; llama.cpp does not read GPTQ.");
}
