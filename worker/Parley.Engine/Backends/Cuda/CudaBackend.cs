// The forward pass of Llama-family decoders on an NVIDIA GPU: the CPU backend's computation (Cpu/CpuBackend.cs is the
// reference, and the GPU parity tests compare the two), as kernels from Kernels/*.cu and cuBLAS GEMMs on one stream.
//
//   h = embed(tokens)                                                    [T, H] f32, the residual stream
//   per layer:
//     x = rmsnorm(h += δ)                                                [T, H] act   (δ: the previous layer's MLP output)
//     q, k, v = x·Wq (+bq), x·Wk (+bk), x·Wv (+bv)                       [T, Hq·D], [T, Hkv·D] f32
//     (Qwen3) q, k = rmsnorm per head
//     q, k = rope(q, k, position);  cache[layer] <- k, v                 (one kernel: rotated keys go straight to the cache)
//     a = attention(q, cache)                                            [T, Hq·D] act (decode: split over the context)
//     δ = a·Wo;  x = rmsnorm(h += δ);  δ = (silu(x·Wgate) * x·Wup)·Wdown   (GPTQ: the SwiGLU computed in Wdown's loads)
//   logits = rmsnorm(h += δ, last token of each sampled sequence)·Wlm   [S, V] f32
//
// "act" is the model's dtype (bf16/f16, or f32 for f32 checkpoints): what cuBLAS multiplies with the weights, with
// float32 accumulation. Decode steps (every sequence one token) are captured as a CUDA graph per batch-size bucket
// on first use and replayed after; mixed and prefill steps run eagerly. Every buffer is allocated at load.
// With LoRA slots, each of the seven projections is followed by the segmented LoRA kernels (CudaLora), which add
// the update of each token's adapter; they run in every step, graphs included, and do nothing for base tokens.
using Parley.Engine.Backends.Cpu.Kernels;
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Engine.Lora;
using Parley.Engine.Models;
using Parley.Engine.Scheduling;

namespace Parley.Engine.Backends.Cuda;

/// <summary>Runs a checkpoint on an NVIDIA GPU.</summary>
public sealed unsafe partial class CudaBackend : IBackend
{
    private readonly CudaBackendOptions _options;
    private readonly CudaDevice _device;
    private readonly CudaStream _stream;
    private readonly CublasHandle _cublas;
    private readonly CudaKernels _kernels;
    private readonly Checkpoint _checkpoint;
    private readonly CudaWeights _weights;
    private readonly CudaDtype _act;
    private readonly DecodeGraphBuckets _buckets;
    // MAX_HEAD_DIM of decode_attention.cu and prefill_attention.cu: a lane holds head_dim / 32 elements in registers.
    private const int MaxHeadDim = 256;

    private readonly Dictionary<int, CudaGraph?> _graphs = []; // null: the bucket runs eagerly (its capture failed)
    private readonly List<IDisposable> _buffers = [];
    private readonly CudaOps _ops;
    private readonly CudaBatchInputs _inputs;
    private readonly CudaLora? _lora;
    private readonly DeviceBuffer _inverseFrequencies; // [D/2] f32
    private readonly DeviceBuffer _hidden;    // [T, H] f32
    private readonly DeviceBuffer _delta;     // [T, H] f32: the last projection, added to _hidden by the next norm
    private readonly DeviceBuffer _normed;    // [max(T, S), H] act
    private readonly DeviceBuffer _queries;   // [T, Hq·D] f32
    private readonly DeviceBuffer _keys;      // [T, Hkv·D] f32
    private readonly DeviceBuffer _values;    // [T, Hkv·D] f32
    private readonly DeviceBuffer _attended;  // [T, Hq·D] act
    private readonly DeviceBuffer _gate;      // [T, I] f32
    private readonly DeviceBuffer _up;        // [T, I] f32
    private readonly DeviceBuffer _activated; // [T, I] act
    private readonly DeviceBuffer _logits;    // [S, V] f32
    private readonly PinnedBuffer _hostLogits; // [S, V] f32
    private CudaKvCache _cache = null!;

    public ModelConfig Config { get; }

    public int KvBlockCount => _cache.BlockCount;

    public int LoraSlotCount => _lora?.SlotCount ?? 0;

    /// <summary>Bytes of the LoRA slots on the device.</summary>
    public long LoraBytes => _lora?.Bytes ?? 0;

    /// <summary>Bytes of the KV cache.</summary>
    public long KvCacheBytes => _cache.Bytes;

    /// <summary>Bytes of the weights on the device.</summary>
    public long WeightBytes => _weights.Bytes;

    /// <summary>Free device memory when loading began (after waiting for a share, when one was given).</summary>
    public long FreeMemorySeenBytes { get; private set; }

    /// <summary>The GPU this backend runs on.</summary>
    public CudaDevice Device => _device;

    /// <summary>Opens a checkpoint folder, uploads the weights, compiles the kernels and sizes the KV cache.</summary>
    /// <exception cref="CudaUnavailableException">No usable driver, GPU, NVRTC or cuBLAS; the message says what to install.</exception>
    /// <exception cref="InsufficientGpuMemoryException">max_model_len does not fit; the message has the numbers.</exception>
    /// <exception cref="CudaException">A CUDA call failed; out of memory is also written to the termination log.</exception>
    public static CudaBackend Load(string folder, CudaBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxBatchedTokens < options.MaxSequences)
        {
            throw new ArgumentException($"MaxBatchedTokens ({options.MaxBatchedTokens}) must be at least MaxSequences ({options.MaxSequences}).", nameof(options));
        }

        var config = ModelConfig.Load(folder);
        var checkpoint = Checkpoint.Open(folder);
        try
        {
            return new CudaBackend(checkpoint, config, options);
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
        if (batch.TokenCount > _options.MaxBatchedTokens || batch.Sequences.Count > _options.MaxSequences)
        {
            throw new ArgumentException($"The batch has {batch.TokenCount} tokens and {batch.Sequences.Count} sequences; the backend holds {_options.MaxBatchedTokens} and {_options.MaxSequences}.", nameof(batch));
        }

        if (logits.Length < batch.LogitsCount * vocabulary)
        {
            throw new ArgumentException($"The logits need {batch.LogitsCount} x {vocabulary} floats.", nameof(logits));
        }

        CheckIds(batch);
        _device.MakeCurrent();
        try
        {
            var isDecode = batch.Sequences.All(sequence => sequence.TokenCount == 1 && sequence.ReturnsLogits);
            if (isDecode && _options.UseCudaGraphs && _buckets.BucketFor(batch.Sequences.Count) is { } bucket)
            {
                _inputs.Load(batch, bucket, _stream.Handle);
                Decode(bucket);
            }
            else
            {
                var tiles = _inputs.Load(batch, _stream.Handle);
                Run(batch.TokenCount, isDecode ? 0 : tiles, batch.LogitsCount);
            }

            var bytes = (long)batch.LogitsCount * vocabulary * sizeof(float);
            CudaCheck.Driver(CuDriver.cuMemcpyDtoHAsync(_hostLogits.Pointer, _logits.Pointer, (nuint)bytes, _stream.Handle));
            _stream.Synchronize();
            _hostLogits.As<float>(0, batch.LogitsCount * vocabulary).CopyTo(logits);
        }
        catch (CudaException exception) when (exception.IsOutOfMemory)
        {
            throw OutOfMemory("running a forward pass", exception);
        }
    }

    public void SetLoraAdapter(int slot, LoraAdapter adapter)
    {
        if (_lora is null)
        {
            throw new NotSupportedException("This backend was loaded without LoRA slots (MaxLoras 0).");
        }

        _device.MakeCurrent();
        _lora.Set(slot, adapter, _stream.Handle);
    }

    public void Dispose()
    {
        // Every free below is a driver call on this device: the calling thread may never have made it current.
        _device.MakeCurrent();
        foreach (var graph in _graphs.Values)
        {
            graph?.Dispose();
        }

        _cache?.Dispose();
        _lora?.Dispose();
        _buffers.ForEach(buffer => buffer.Dispose());
        _weights.Dispose();
        _kernels.Dispose();
        _cublas.Dispose();
        _stream.Dispose();
        _device.Dispose();
        _checkpoint.Dispose();
    }

    // The whole model for tokenCount tokens; tileCount 0 selects decode attention (one token per sequence).
    private void Run(int tokenCount, int tileCount, int logitRows)
    {
        int h = Config.HiddenSize, d = Config.HeadDim, qHeads = Config.NumAttentionHeads, kvHeads = Config.NumKeyValueHeads;
        var eps = (float)Config.RmsNormEps;
        var attention = new AttentionInputs(_inputs.BlockTables, _inputs.MaxBlocks, _inputs.SequenceOfToken, _inputs.Positions, qHeads, kvHeads, d);
        var decodeSplits = DecodeAttentionSplits.For(tokenCount, kvHeads, _inputs.MaxBlocks, _ops.MultiprocessorCount);
        _ops.Embedding(_weights.Embedding.Pointer, _weights.EmbeddingDtype, _inputs.Tokens, h, _hidden.Pointer, tokenCount);
        for (var index = 0; index < _weights.Layers.Count; index++)
        {
            var layer = _weights.Layers[index];
            _ops.AddRmsNorm(_hidden.Pointer, index == 0 ? 0 : _delta.Pointer, 0, layer.AttentionNorm.Pointer, eps, h, _normed.Pointer, _act, tokenCount);
            layer.Wq.Multiply(_ops, _normed.Pointer, tokenCount, _queries.Pointer);
            layer.Wk.Multiply(_ops, _normed.Pointer, tokenCount, _keys.Pointer);
            layer.Wv.Multiply(_ops, _normed.Pointer, tokenCount, _values.Pointer);
            Lora(index, LoraTarget.Q, _normed, _queries, tokenCount);
            Lora(index, LoraTarget.K, _normed, _keys, tokenCount);
            Lora(index, LoraTarget.V, _normed, _values, tokenCount);
            PrepareHeads(_queries, qHeads, layer.Bq, layer.QNorm, tokenCount);
            PrepareHeads(_keys, kvHeads, layer.Bk, layer.KNorm, tokenCount);
            if (layer.Bv is not null)
            {
                _ops.BiasAdd(_values.Pointer, layer.Bv.Pointer, kvHeads * d, tokenCount);
            }

            _ops.RopeKvWrite(_queries.Pointer, _keys.Pointer, _values.Pointer, attention, _inverseFrequencies.Pointer, _inputs.Slots, _cache.Keys(index), _cache.Values(index), _cache.Dtype, tokenCount);
            if (tileCount == 0)
            {
                _ops.DecodeAttention(_queries.Pointer, _cache.Keys(index), _cache.Values(index), _cache.Dtype, attention, tokenCount, decodeSplits, _attended.Pointer, _act);
            }
            else
            {
                _ops.PrefillAttention(_queries.Pointer, _cache.Keys(index), _cache.Values(index), _cache.Dtype, attention, _inputs.Tiles, tileCount, _attended.Pointer, _act);
            }

            layer.Wo.Multiply(_ops, _attended.Pointer, tokenCount, _delta.Pointer);
            Lora(index, LoraTarget.O, _attended, _delta, tokenCount);
            _ops.AddRmsNorm(_hidden.Pointer, _delta.Pointer, 0, layer.MlpNorm.Pointer, eps, h, _normed.Pointer, _act, tokenCount);
            layer.WGate.Multiply(_ops, _normed.Pointer, tokenCount, _gate.Pointer);
            layer.WUp.Multiply(_ops, _normed.Pointer, tokenCount, _up.Pointer);
            Lora(index, LoraTarget.Gate, _normed, _gate, tokenCount);
            Lora(index, LoraTarget.Up, _normed, _up, tokenCount);
            if (layer.WDown is GptqCudaLinear down && _lora is null && GptqCudaLinear.FusesSiluAt(tokenCount))
            {
                // The fused path never writes the activated input, which an adapter's down update reads.
                down.MultiplySiluOf(_ops, _gate.Pointer, _up.Pointer, tokenCount, _delta.Pointer);
            }
            else
            {
                _ops.SiluAndMul(_gate.Pointer, _up.Pointer, (long)tokenCount * Config.IntermediateSize, _activated.Pointer, _act);
                layer.WDown.Multiply(_ops, _activated.Pointer, tokenCount, _delta.Pointer);
                Lora(index, LoraTarget.Down, _activated, _delta, tokenCount);
            }
        }

        _ops.AddRmsNorm(_hidden.Pointer, _delta.Pointer, _inputs.LogitRows, _weights.FinalNorm.Pointer, eps, h, _normed.Pointer, _act, logitRows);
        _weights.LmHead.Multiply(_ops, _normed.Pointer, logitRows, _logits.Pointer);
    }

    // The LoRA update of one projection, whose input x is in the activation dtype and output y in float32.
    private void Lora(int layer, LoraTarget target, DeviceBuffer x, DeviceBuffer y, int tokenCount) =>
        _lora?.Add(_ops, layer, target, x.Pointer, _act, _inputs.AdapterSlots, tokenCount, y.Pointer);

    // Bias, then (Qwen3) per-head RMSNorm; the rotation follows in rope_kv_write: the order of the reference implementations.
    private void PrepareHeads(DeviceBuffer heads, int headCount, DeviceBuffer? bias, DeviceBuffer? norm, int tokenCount)
    {
        var d = Config.HeadDim;
        if (bias is not null)
        {
            _ops.BiasAdd(heads.Pointer, bias.Pointer, headCount * d, tokenCount);
        }

        if (norm is not null)
        {
            _ops.HeadRmsNorm(heads.Pointer, norm.Pointer, (float)Config.RmsNormEps, d, headCount * tokenCount);
        }
    }

    // A bucket's first step runs eagerly, which warms everything a capture must not do for the first time (module
    // loading, cuBLAS's choices), then its graph is captured for the steps after. A capture or instantiation that fails
    // is told once with the driver's own error, and that bucket stays eager: slower, never wrong.
    private void Decode(int bucket)
    {
        if (_graphs.TryGetValue(bucket, out var graph))
        {
            if (graph is null)
            {
                Run(bucket, tileCount: 0, bucket);
            }
            else
            {
                graph.Launch(_stream);
            }

            return;
        }

        Run(bucket, tileCount: 0, bucket);
        _graphs[bucket] = TryCapture(bucket);
    }

    private CudaGraph? TryCapture(int bucket)
    {
        try
        {
            _stream.BeginCapture();
            try
            {
                Run(bucket, tileCount: 0, bucket);
            }
            catch (CudaException)
            {
                EndFailedCapture();
                throw;
            }

            return _stream.EndCapture();
        }
        catch (CudaException exception) when (!exception.IsOutOfMemory)
        {
            _options.Warn?.Invoke($"The decode graph for {bucket} sequences could not be captured ({exception.Message}); that batch size runs without a graph.");
            return null;
        }
    }

    private void EndFailedCapture()
    {
        try
        {
            _stream.EndCapture().Dispose();
        }
        catch (CudaException)
        {
            // The capture is already invalid; ending it is only to leave the stream usable.
        }
    }

    // What the kernels would read out of bounds: caught on the host with a message, as the CPU backend does.
    private void CheckIds(ForwardBatch batch)
    {
        var vocabulary = Config.VocabSize;
        foreach (var token in batch.TokenIds)
        {
            if ((uint)token >= (uint)vocabulary)
            {
                throw new ArgumentOutOfRangeException(nameof(batch), token, $"Token ids run from 0 to {vocabulary - 1}.");
            }
        }

        foreach (var sequence in batch.Sequences)
        {
            if (sequence.AdapterSlot >= 0 && _lora?.Holds(sequence.AdapterSlot) != true)
            {
                throw new ArgumentException($"A sequence selects LoRA slot {sequence.AdapterSlot}, which holds no adapter.", nameof(batch));
            }

            // ForwardBatch already refuses a table too short for its context; one longer than a table row holds is ours.
            if (sequence.BlockTable.Count > _inputs.MaxBlocks)
            {
                throw new ArgumentException($"A sequence has {sequence.BlockTable.Count} KV blocks; max_model_len {_options.MaxModelLen} allows at most {_inputs.MaxBlocks}.", nameof(batch));
            }

            foreach (var block in sequence.BlockTable)
            {
                if (block < 1 || block >= KvBlockCount)
                {
                    throw new ArgumentOutOfRangeException(nameof(batch), block, $"KV block ids run from 1 to {KvBlockCount - 1}.");
                }
            }
        }
    }

    // The device's memory at the moment of failure, read before anything is freed.
    private GpuOutOfMemoryException OutOfMemory(string phase, CudaException exception)
    {
        long free = 0, total = 0;
        try
        {
            (free, total) = _device.MemoryInfo();
        }
        catch (CudaException)
        {
            // The numbers are a courtesy; the failure is what matters.
        }

        return new GpuOutOfMemoryException(phase, free, total, exception);
    }

    private static float[] InverseFrequencies(ModelConfig config) =>
        new Rope(config.HeadDim, config.RopeTheta, config.RopeScaling).InverseFrequencies.ToArray();

    private static int MaxBlocksPerSequence(CudaBackendOptions options) => (options.MaxModelLen + BlockPool.BlockSize - 1) / BlockPool.BlockSize;
}
