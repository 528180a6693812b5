// The forward pass of Llama-family decoders on the CPU, over a batch that mixes prefill chunks and decode tokens:
//
//   h = embed(tokens)                                            [T, H]
//   per layer:
//     x = rmsnorm(h);  q, k, v = x·Wq (+bq), x·Wk (+bk), x·Wv (+bv)  [T, Hq·D], [T, Hkv·D], [T, Hkv·D]
//     (Qwen3) q, k = rmsnorm per head;  q, k = rope(q, k, position)
//     cache[layer] <- k, v at each token's (block, slot);  a = attention(q, cache)   [T, Hq·D]
//     h += a·Wo;  x = rmsnorm(h);  h += (silu(x·Wgate) * x·Wup)·Wdown
//   logits = rmsnorm(h[last token of each sampled sequence])·Wlm    [S, V]
//
// With LoRA adapters each of the seven projections y = x·W also gets, for the tokens of sequences that run an
// adapter, its low-rank update y += scale·(x·Aᵀ)·Bᵀ (CpuLora), before any bias, norm or rotation.
//
// T tokens in the batch, H hidden size, D head size, Hq/Hkv query/KV heads, S sequences that sample, V vocabulary.
// All buffers are allocated once for the largest batch; a step allocates nothing.
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Lora;
using Parley.Engine.Models;

namespace Parley.Engine.Backends.Cpu;

/// <summary>Runs a checkpoint on the CPU.</summary>
public sealed unsafe class CpuBackend : IBackend
{
    private readonly Checkpoint _checkpoint;
    private readonly CpuWeights _weights;
    private readonly CpuBackendOptions _options;
    private readonly Rope _rope;
    private readonly PagedKvCache _cache;
    private readonly ThreadGang _gang;
    private readonly LinearJob _linear;
    private readonly AttentionJob _attention;
    private readonly CpuLora _lora;
    private readonly NativeBuffer _hidden;    // [T, H] the residual stream
    private readonly NativeBuffer _normed;    // [T, H] its normalised copy; [S, H] at the end
    private readonly NativeBuffer _queries;   // [T, Hq·D]
    private readonly NativeBuffer _keys;      // [T, Hkv·D]
    private readonly NativeBuffer _values;    // [T, Hkv·D]
    private readonly NativeBuffer _attended;  // [T, Hq·D]
    private readonly NativeBuffer _gate;      // [T, I]
    private readonly NativeBuffer _up;        // [T, I]
    private readonly NativeBuffer _activated; // [T, I]
    private readonly NativeBuffer _cos;       // [T, D/2]
    private readonly NativeBuffer _sin;       // [T, D/2]
    private readonly NativeProducts _bfloat16;
    private readonly RowsJob _normalise;
    private readonly RowsJob _position;
    private readonly RowsJob _activate;
    private float[] _normWeight = [];  // the norm _normalise applies
    private CpuLayer? _layer;          // the layer whose heads _position places

    private CpuBackend(Checkpoint checkpoint, ModelConfig config, CpuBackendOptions options)
    {
        _checkpoint = checkpoint;
        Config = config;
        _options = options;
        _bfloat16 = options.NativeBFloat16 ? ChooseBFloat16Kernel(options.BFloat16Kernel) : NativeProducts.None;
        _weights = CpuWeights.From(checkpoint, ModelWeights.Load(checkpoint, config), NativeProducts.Float16 | _bfloat16);
        _rope = new Rope(config.HeadDim, config.RopeTheta, config.RopeScaling);
        _cache = new PagedKvCache(config.NumHiddenLayers, options.KvBlockCount, config.NumKeyValueHeads, config.HeadDim);
        _gang = new ThreadGang(options.Threads);
        ProductTimer = options.TimeProducts ? new ProductTimer() : null;
        _linear = new LinearJob(_gang, ProductTimer);
        _attention = new AttentionJob(_gang, _cache, config.NumAttentionHeads, options.MaxModelLen, options.MaxBatchedTokens);
        _lora = new CpuLora(options.MaxLoras, options.MaxLoraRank, options.MaxBatchedTokens, config.NumHiddenLayers);
        long tokens = options.MaxBatchedTokens, q = config.NumAttentionHeads * config.HeadDim, kv = config.NumKeyValueHeads * config.HeadDim;
        _hidden = new NativeBuffer(tokens * config.HiddenSize);
        _normed = new NativeBuffer(Math.Max(tokens, options.MaxSequences) * config.HiddenSize);
        _queries = new NativeBuffer(tokens * q);
        _keys = new NativeBuffer(tokens * kv);
        _values = new NativeBuffer(tokens * kv);
        _attended = new NativeBuffer(tokens * q);
        _gate = new NativeBuffer(tokens * config.IntermediateSize);
        _up = new NativeBuffer(tokens * config.IntermediateSize);
        _activated = new NativeBuffer(tokens * config.IntermediateSize);
        _cos = new NativeBuffer(tokens * config.HeadDim / 2);
        _sin = new NativeBuffer(tokens * config.HeadDim / 2);
        _normalise = new RowsJob(_gang, NormaliseRows);
        _position = new RowsJob(_gang, PositionRows);
        _activate = new RowsJob(_gang, ActivateRows);
    }

    public ModelConfig Config { get; }

    public int KvBlockCount => _options.KvBlockCount;

    public int LoraSlotCount => _lora.SlotCount;

    /// <summary>Every matrix product's time by shape where <see cref="CpuBackendOptions.TimeProducts"/> asked for it; else null.</summary>
    public ProductTimer? ProductTimer { get; }

    /// <summary>Which kernels the dense products run, for the start-up log: native bf16 and f16 where the CPU and the
    /// build allow them (and why not where they do not), managed float32 otherwise.</summary>
    public string Kernels => $"bf16 {BFloat16Kernels}; f16 {(Float16Dot.IsAvailable ? $"native{InPanels}" : $"managed ({Float16Dot.Status})")}; f32 and GPTQ managed";

    // The widened products (f16, bf16 widened) take their weights in panels where the checkpoint is in the worker's
    // own memory (CpuLinear.Dense), row by row where it is mapped from the files.
    private string InPanels => CpuLinear.TakesPanels(_checkpoint.IsOwnMemory) ? ", weights in panels of 16 rows" : "";

    /// <summary>Where the weights are, for the start-up log.</summary>
    public string WeightMemory => _options.WeightStorage == WeightStorage.Mapped ? "memory-mapped from the checkpoint files"
        : _checkpoint.IsInHugePages ? "read into memory advised for 2 MiB pages (transparent huge pages)"
        : "read into memory of 4 KiB pages (the OS refused the advice for transparent huge pages)";

    private string BFloat16Kernels => _bfloat16 switch
    {
        NativeProducts.None => "managed (native bf16 turned off)",
        NativeProducts.BFloat16Dot when BFloat16Dot.IsAvailable => "native (VDPBF16PS), activations rounded to bf16",
        NativeProducts.BFloat16Widened when BFloat16WidenedDot.IsAvailable => $"native (widened to float32, {WhyWidened}{InPanels}), activations rounded to bf16",
        NativeProducts.BFloat16Dot => $"managed ({BFloat16Dot.Status})",
        _ => $"managed ({BFloat16WidenedDot.Status})",
    };

    private string WhyWidened =>
        _options.BFloat16Kernel == BFloat16Kernel.Widened ? "as configured"
        : BFloat16Dot.IsAvailable ? $"VDPBF16PS runs at {BFloat16Dot.Speedup:0.00}x the float32 multiply-add rate here"
        : $"VDPBF16PS unavailable: {BFloat16Dot.Status}";

    // Auto takes VDPBF16PS where the CPU has it and it outruns float32 multiply-adds (AMD Zen 4, about 2x); elsewhere
    // (Intel Sapphire and Emerald Rapids, about 0.5x; AVX-512 CPUs without AVX-512 BF16) the widened tiles.
    private static NativeProducts ChooseBFloat16Kernel(BFloat16Kernel kernel) => kernel switch
    {
        BFloat16Kernel.DotProduct => NativeProducts.BFloat16Dot,
        BFloat16Kernel.Widened => NativeProducts.BFloat16Widened,
        _ when BFloat16Dot.IsAvailable && BFloat16Dot.Speedup > 1 => NativeProducts.BFloat16Dot,
        _ => NativeProducts.BFloat16Widened,
    };

    /// <summary>Bytes of the KV cache.</summary>
    public long KvCacheBytes => _cache.Bytes;

    /// <summary>Opens a checkpoint folder and allocates the KV cache and buffers.</summary>
    /// <exception cref="NotSupportedException">The model uses an architecture, dtype or quantization Parley cannot run.</exception>
    /// <exception cref="InvalidDataException">A tensor is missing or misshapen.</exception>
    public static CpuBackend Load(string folder, CpuBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = ModelConfig.Load(folder);
        var checkpoint = Checkpoint.Open(folder, options.WeightStorage);
        try
        {
            return new CpuBackend(checkpoint, config, options);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    public void Forward(ForwardBatch batch, Span<float> logits)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var vocabulary = Config.VocabSize;
        if (batch.TokenCount > _options.MaxBatchedTokens || batch.LogitsCount > _options.MaxSequences)
        {
            throw new ArgumentException($"The batch has {batch.TokenCount} tokens and {batch.LogitsCount} sampled sequences; the backend holds {_options.MaxBatchedTokens} and {_options.MaxSequences}.", nameof(batch));
        }

        if (logits.Length < batch.LogitsCount * vocabulary)
        {
            throw new ArgumentException($"The logits need {batch.LogitsCount} x {vocabulary} floats.", nameof(logits));
        }

        Embed(batch);
        PrepareRotations(batch);
        _lora.Prepare(batch);
        for (var layer = 0; layer < _weights.Layers.Count; layer++)
        {
            Attention(batch, layer, _weights.Layers[layer]);
            Mlp(batch.TokenCount, layer, _weights.Layers[layer]);
        }

        fixed (float* destination = logits)
        {
            Logits(batch, destination);
        }
    }

    public void SetLoraAdapter(int slot, LoraAdapter adapter) => _lora.Set(slot, adapter);

    public void Dispose()
    {
        _gang.Dispose();
        _attention.Dispose();
        _cache.Dispose();
        foreach (var buffer in new[] { _hidden, _normed, _queries, _keys, _values, _attended, _gate, _up, _activated, _cos, _sin })
        {
            buffer.Dispose();
        }

        _checkpoint.Dispose();
    }

    private void Embed(ForwardBatch batch)
    {
        var hidden = Config.HiddenSize;
        for (var t = 0; t < batch.TokenCount; t++)
        {
            _weights.Embed(batch.TokenIds[t], _hidden.Slice((long)t * hidden, hidden));
        }
    }

    private void PrepareRotations(ForwardBatch batch)
    {
        var half = Config.HeadDim / 2;
        for (var t = 0; t < batch.TokenCount; t++)
        {
            _rope.Angles(batch.Positions[t], _cos.Slice((long)t * half, half), _sin.Slice((long)t * half, half));
        }
    }

    private void Attention(ForwardBatch batch, int layerIndex, CpuLayer layer)
    {
        var tokens = batch.TokenCount;
        Normalise(layer.AttentionNorm, tokens);
        _linear.Run(_normed.Pointer, tokens, layer.Wq, _queries.Pointer, layer.Wk, _keys.Pointer, layer.Wv, _values.Pointer);
        _lora.Add(layerIndex, LoraTarget.Q, _normed.Pointer, _queries.Pointer, layer.Wq.OutFeatures);
        _lora.Add(layerIndex, LoraTarget.K, _normed.Pointer, _keys.Pointer, layer.Wk.OutFeatures);
        _lora.Add(layerIndex, LoraTarget.V, _normed.Pointer, _values.Pointer, layer.Wv.OutFeatures);
        _layer = layer;
        _position.Run(tokens, (Config.NumAttentionHeads + 2 * Config.NumKeyValueHeads) * Config.HeadDim);
        _layer = null;
        var kvWidth = Config.NumKeyValueHeads * Config.HeadDim;
        for (var t = 0; t < tokens; t++)
        {
            var sequence = batch.Sequences[batch.SequenceOfToken[t]];
            _cache.Write(layerIndex, sequence.BlockTable, batch.Positions[t], _keys.Pointer + (long)t * kvWidth, _values.Pointer + (long)t * kvWidth);
        }

        _attention.Run(batch, layerIndex, _queries.Pointer, _attended.Pointer);
        _linear.Run(_attended.Pointer, tokens, accumulate: true, layer.Wo, _hidden.Pointer, Config.HiddenSize);
        _lora.Add(layerIndex, LoraTarget.O, _attended.Pointer, _hidden.Pointer, Config.HiddenSize);
    }

    // Token rows [begin, end) of the queries, keys and values of _layer: their biases, then the queries' and keys'
    // positions.
    private void PositionRows(int begin, int end)
    {
        var layer = _layer!;
        for (var t = begin; t < end; t++)
        {
            PositionHeads(t, _queries, Config.NumAttentionHeads, layer.Bq, layer.QNorm);
            PositionHeads(t, _keys, Config.NumKeyValueHeads, layer.Bk, layer.KNorm);
            AddBias(_values, layer.Bv, t);
        }
    }

    // Bias, then (Qwen3) per-head RMSNorm, then the rotation: the order of the reference implementations.
    private void PositionHeads(int token, NativeBuffer heads, int headCount, float[]? bias, float[]? norm)
    {
        int headDim = Config.HeadDim, half = headDim / 2, width = headCount * headDim;
        AddBias(heads, bias, token);
        var cos = _cos.Slice((long)token * half, half);
        var sin = _sin.Slice((long)token * half, half);
        for (var h = 0; h < headCount; h++)
        {
            var head = heads.Slice((long)token * width + h * headDim, headDim);
            if (norm is not null)
            {
                RmsNorm.Apply(head, norm, (float)Config.RmsNormEps, head);
            }

            Rope.Apply(head, cos, sin);
        }
    }

    private void Mlp(int tokens, int layerIndex, CpuLayer layer)
    {
        var intermediate = Config.IntermediateSize;
        Normalise(layer.MlpNorm, tokens);
        _linear.Run(_normed.Pointer, tokens, layer.WGate, _gate.Pointer, layer.WUp, _up.Pointer);
        _lora.Add(layerIndex, LoraTarget.Gate, _normed.Pointer, _gate.Pointer, intermediate);
        _lora.Add(layerIndex, LoraTarget.Up, _normed.Pointer, _up.Pointer, intermediate);
        _activate.Run(tokens, intermediate);
        _linear.Run(_activated.Pointer, tokens, accumulate: true, layer.WDown, _hidden.Pointer, Config.HiddenSize);
        _lora.Add(layerIndex, LoraTarget.Down, _activated.Pointer, _hidden.Pointer, Config.HiddenSize);
    }

    private void Logits(ForwardBatch batch, float* destination)
    {
        var hidden = Config.HiddenSize;
        var row = 0;
        foreach (var sequence in batch.Sequences)
        {
            if (sequence.ReturnsLogits)
            {
                var last = sequence.TokenOffset + sequence.TokenCount - 1;
                RmsNorm.Apply(_hidden.Slice((long)last * hidden, hidden), _weights.FinalNorm, (float)Config.RmsNormEps, _normed.Slice((long)row * hidden, hidden));
                row++;
            }
        }

        _linear.Run(_normed.Pointer, row, accumulate: false, _weights.LmHead, destination, Config.VocabSize);
    }

    // _normed = rmsnorm(_hidden) with weight, for the first tokens rows.
    private void Normalise(float[] weight, int tokens)
    {
        _normWeight = weight;
        _normalise.Run(tokens, Config.HiddenSize);
    }

    private void NormaliseRows(int begin, int end)
    {
        var hidden = Config.HiddenSize;
        for (var t = begin; t < end; t++)
        {
            RmsNorm.Apply(_hidden.Slice((long)t * hidden, hidden), _normWeight, (float)Config.RmsNormEps, _normed.Slice((long)t * hidden, hidden));
        }
    }

    private void ActivateRows(int begin, int end)
    {
        var intermediate = Config.IntermediateSize;
        for (var t = begin; t < end; t++)
        {
            var offset = (long)t * intermediate;
            SiluAndMul.Apply(_gate.Slice(offset, intermediate), _up.Slice(offset, intermediate), _activated.Slice(offset, intermediate));
        }
    }

    private static void AddBias(NativeBuffer rows, float[]? bias, int token)
    {
        if (bias is not null)
        {
            var row = rows.Slice((long)token * bias.Length, bias.Length);
            System.Numerics.Tensors.TensorPrimitives.Add(row, bias, row);
        }
    }
}
