// The slow twin of every forward pass: a Llama/Mistral/Qwen2/Qwen3 decoder written as transformers' modeling code
// reads, one scalar at a time, in double precision, straight from the safetensors weights. No KV cache: every call
// recomputes all positions. Fast engines (Parley's backends, llama.cpp through GGUF) are compared against it.
using System.Runtime.InteropServices;
using Parley.Engine.Models;

namespace Parley.Engine.Reference;

/// <summary>A reference forward pass over a checkpoint folder.</summary>
internal static class ScalarForward
{
    /// <summary>The logits after the last of <paramref name="tokens"/> (vocab_size values).</summary>
    /// <param name="checkpointFolder">The checkpoint.</param>
    /// <param name="tokens">The prompt.</param>
    /// <param name="roundBFloat16Activations">Round the input of every product with a bf16 weight to bf16 first (through
    /// float32, ties to even), as llama.cpp and Parley's native bf16 products do.</param>
    public static float[] LastLogits(string checkpointFolder, IReadOnlyList<int> tokens, bool roundBFloat16Activations = false)
    {
        var config = ModelConfig.Load(checkpointFolder);
        using var checkpoint = Checkpoint.Open(checkpointFolder);
        double[] W(string name) => Widen(checkpoint.Bytes(name), checkpoint.Info(name).Dtype);
        var round = roundBFloat16Activations && checkpoint.Info("model.layers.0.self_attn.q_proj.weight").Dtype == SafetensorsDtype.BF16;
        double[] Product(double[] weight, double[]? bias, double[] x) => Linear(weight, bias, round ? x.Select(RoundToBFloat16).ToArray() : x);
        double[]? Optional(string name) => checkpoint.Contains(name) ? W(name) : null;

        int h = config.HiddenSize, d = config.HeadDim, heads = config.NumAttentionHeads, kvHeads = config.NumKeyValueHeads;
        var eps = config.RmsNormEps;
        var inverseFrequencies = InverseFrequencies(config);
        var embedding = W("model.embed_tokens.weight"); // [vocab, hidden]
        var x = tokens.Select(t => embedding.AsSpan(t * h, h).ToArray()).ToArray(); // [tokens][hidden], the residual stream

        for (var layer = 0; layer < config.NumHiddenLayers; layer++)
        {
            var p = $"model.layers.{layer}.";
            var (wq, wk, wv, wo) = (W(p + "self_attn.q_proj.weight"), W(p + "self_attn.k_proj.weight"), W(p + "self_attn.v_proj.weight"), W(p + "self_attn.o_proj.weight"));
            var (bq, bk, bv) = (Optional(p + "self_attn.q_proj.bias"), Optional(p + "self_attn.k_proj.bias"), Optional(p + "self_attn.v_proj.bias"));
            var (qNorm, kNorm) = (Optional(p + "self_attn.q_norm.weight"), Optional(p + "self_attn.k_norm.weight"));
            var (attentionNorm, mlpNorm) = (W(p + "input_layernorm.weight"), W(p + "post_attention_layernorm.weight"));
            var (wGate, wUp, wDown) = (W(p + "mlp.gate_proj.weight"), W(p + "mlp.up_proj.weight"), W(p + "mlp.down_proj.weight"));

            var q = new double[tokens.Count][]; // [tokens][heads * headDim]
            var k = new double[tokens.Count][]; // [tokens][kvHeads * headDim]
            var v = new double[tokens.Count][]; // [tokens][kvHeads * headDim]
            for (var t = 0; t < tokens.Count; t++)
            {
                var normed = RmsNorm(x[t], attentionNorm, eps);
                q[t] = Product(wq, bq, normed);
                k[t] = Product(wk, bk, normed);
                v[t] = Product(wv, bv, normed);
                if (qNorm is not null && kNorm is not null) // Qwen3: RMSNorm over each head, before RoPE
                {
                    NormalizeHeads(q[t], qNorm, d, eps);
                    NormalizeHeads(k[t], kNorm, d, eps);
                }

                RotateHalf(q[t], d, t, inverseFrequencies);
                RotateHalf(k[t], d, t, inverseFrequencies);
            }

            for (var t = 0; t < tokens.Count; t++)
            {
                var attention = new double[heads * d];
                for (var head = 0; head < heads; head++)
                {
                    Attend(q, k, v, t, head, head / (heads / kvHeads), d, attention.AsSpan(head * d, d));
                }

                Add(x[t], Product(wo, null, attention));
                var normed = RmsNorm(x[t], mlpNorm, eps);
                var gate = Product(wGate, null, normed);
                var up = Product(wUp, null, normed);
                Add(x[t], Product(wDown, null, gate.Select((g, i) => Silu(g) * up[i]).ToArray()));
            }
        }

        var last = RmsNorm(x[^1], W("model.norm.weight"), eps);
        var lmHead = Optional("lm_head.weight") ?? embedding; // tied when the checkpoint has no lm_head
        return Product(lmHead, null, last).Select(logit => (float)logit).ToArray();
    }

    // Causal softmax attention of one query head over positions 0..t of its key/value head (GQA: heads share kv heads).
    private static void Attend(double[][] q, double[][] k, double[][] v, int t, int head, int kvHead, int d, Span<double> output)
    {
        var scores = new double[t + 1];
        for (var s = 0; s <= t; s++)
        {
            scores[s] = Dot(q[t].AsSpan(head * d, d), k[s].AsSpan(kvHead * d, d)) / Math.Sqrt(d);
        }

        var max = scores.Max();
        var weights = scores.Select(score => Math.Exp(score - max)).ToArray();
        var sum = weights.Sum();
        for (var s = 0; s <= t; s++)
        {
            for (var i = 0; i < d; i++)
            {
                output[i] += weights[s] / sum * v[s][(kvHead * d) + i];
            }
        }
    }

    // transformers' rotate_half: element i pairs with i + headDim/2 and turns by position * inverseFrequencies[i].
    private static void RotateHalf(double[] heads, int d, int position, double[] inverseFrequencies)
    {
        var half = d / 2;
        for (var start = 0; start < heads.Length; start += d)
        {
            for (var i = 0; i < half; i++)
            {
                var (sin, cos) = Math.SinCos(position * inverseFrequencies[i]);
                var (x1, x2) = (heads[start + i], heads[start + half + i]);
                heads[start + i] = (x1 * cos) - (x2 * sin);
                heads[start + half + i] = (x2 * cos) + (x1 * sin);
            }
        }
    }

    // transformers' _compute_default_rope_parameters and, for rope_type llama3, _compute_llama3_parameters: low
    // frequencies slowed by factor, high ones kept, the band between interpolated.
    private static double[] InverseFrequencies(ModelConfig config)
    {
        var d = config.HeadDim;
        var inverse = Enumerable.Range(0, d / 2).Select(i => 1 / Math.Pow(config.RopeTheta, 2.0 * i / d)).ToArray();
        if (config.RopeScaling is not { } scaling)
        {
            return inverse;
        }

        double oldContext = scaling.OriginalMaxPositionEmbeddings;
        return inverse.Select(frequency =>
        {
            var wavelength = 2 * Math.PI / frequency;
            if (wavelength < oldContext / scaling.HighFreqFactor)
            {
                return frequency;
            }

            if (wavelength > oldContext / scaling.LowFreqFactor)
            {
                return frequency / scaling.Factor;
            }

            var smooth = ((oldContext / wavelength) - scaling.LowFreqFactor) / (scaling.HighFreqFactor - scaling.LowFreqFactor);
            return ((1 - smooth) * frequency / scaling.Factor) + (smooth * frequency);
        }).ToArray();
    }

    private static double[] RmsNorm(double[] x, double[] weight, double eps)
    {
        var scale = 1 / Math.Sqrt((x.Sum(value => value * value) / x.Length) + eps);
        return x.Select((value, i) => value * scale * weight[i]).ToArray();
    }

    private static void NormalizeHeads(double[] heads, double[] weight, int d, double eps)
    {
        for (var start = 0; start < heads.Length; start += d)
        {
            RmsNorm(heads[start..(start + d)], weight, eps).CopyTo(heads, start);
        }
    }

    // y = W x + b with W stored [out, in], as nn.Linear.
    private static double[] Linear(double[] weight, double[]? bias, double[] x)
    {
        var output = new double[weight.Length / x.Length];
        for (var o = 0; o < output.Length; o++)
        {
            output[o] = Dot(weight.AsSpan(o * x.Length, x.Length), x) + (bias?[o] ?? 0);
        }

        return output;
    }

    private static double RoundToBFloat16(double value) => BFloat16Bits.Value(BFloat16Bits.Round((float)value));

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static void Add(double[] x, double[] delta)
    {
        for (var i = 0; i < x.Length; i++)
        {
            x[i] += delta[i];
        }
    }

    private static double Silu(double x) => x / (1 + Math.Exp(-x));

    private static double[] Widen(ReadOnlySpan<byte> data, SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.F32 => MemoryMarshal.Cast<byte, float>(data).ToArray().Select(value => (double)value).ToArray(),
        SafetensorsDtype.F16 => MemoryMarshal.Cast<byte, Half>(data).ToArray().Select(value => (double)value).ToArray(),
        SafetensorsDtype.BF16 => MemoryMarshal.Cast<byte, ushort>(data).ToArray().Select(bits => (double)BitConverter.UInt32BitsToSingle((uint)bits << 16)).ToArray(),
        _ => throw new NotSupportedException($"dtype {dtype} is not a float type."),
    };
}
