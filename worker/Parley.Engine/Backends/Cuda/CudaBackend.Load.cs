// Start-up of the CUDA backend, in vLLM's order: open the GPU, compile the kernels, upload the weights, allocate the
// step buffers and the LoRA slots, run one profiling forward pass at max_num_batched_tokens against a throw-away KV
// cache to measure the activation peak (the slots counted in it), then give the KV cache what gpu_memory_utilization
// leaves (KvCacheSizing).
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Engine.Models;
using Parley.Engine.Scheduling;

namespace Parley.Engine.Backends.Cuda;

public sealed unsafe partial class CudaBackend
{
    private CudaBackend(Checkpoint checkpoint, ModelConfig config, CudaBackendOptions options)
    {
        _checkpoint = checkpoint;
        Config = config;
        _options = options;
        if (config.HeadDim > MaxHeadDim)
        {
            throw new NotSupportedException($"head_dim {config.HeadDim} is above the CUDA kernels' limit of {MaxHeadDim}; run this model with --device cpu.");
        }

        _device = CudaDevice.Open(options.DeviceOrdinal);
        try
        {
            var compiler = new KernelCompiler(options.PtxCacheDirectory);
            if (CudaCompatibility.Problem(CudaDevice.DriverVersion(), compiler.NvrtcVersion) is { } problem)
            {
                throw new CudaUnavailableException(problem);
            }

            var (freeAtStart, total) = _device.MemoryInfo();
            if (options.MemoryShareBytes is { } wanted)
            {
                freeAtStart = MemoryShareWait.Until(wanted, () => _device.MemoryInfo().Free, options.MemoryShareWait, options.Warn);
            }

            FreeMemorySeenBytes = freeAtStart;
            _stream = new CudaStream();
            _cublas = new CublasHandle(_stream);
            _kernels = new CudaKernels(compiler, _device.ComputeCapability);
            _act = CudaDtypes.Of(config);
            _buckets = new DecodeGraphBuckets(options.MaxSequences);
            _weights = CudaWeights.Upload(checkpoint, ModelWeights.Load(checkpoint, config), _act, _stream.Handle);
            var (freeAfterWeights, _) = _device.MemoryInfo();

            long t = options.MaxBatchedTokens, s = options.MaxSequences, h = config.HiddenSize, i = config.IntermediateSize;
            long q = config.NumAttentionHeads * config.HeadDim, kv = config.NumKeyValueHeads * config.HeadDim, a = _act.Bytes();
            _inverseFrequencies = Buffer(config.HeadDim / 2 * sizeof(float));
            _inverseFrequencies.UploadNow<float>(InverseFrequencies(config), _stream.Handle);
            _hidden = Buffer(t * h * 4);
            _delta = Buffer(t * h * 4);
            _normed = Buffer(Math.Max(t, s) * h * a);
            _queries = Buffer(t * q * 4);
            _keys = Buffer(t * kv * 4);
            _values = Buffer(t * kv * 4);
            _attended = Buffer(t * q * a);
            _gate = Buffer(t * i * 4);
            _up = Buffer(t * i * 4);
            _activated = Buffer(t * i * a);
            _logits = Buffer(s * config.VocabSize * 4);
            _hostLogits = new PinnedBuffer(s * config.VocabSize * 4);
            _buffers.Add(_hostLogits);
            _inputs = new CudaBatchInputs((int)t, (int)s, MaxBlocksPerSequence(options));
            _buffers.Add(_inputs);
            var partials = PartialElements(config, options, _device.MultiprocessorCount);
            var unpacked = GptqLaunchPlan.Unpacks((int)t) ? _weights.GptqLinears.Select(linear => linear.UnpackedBytes).DefaultIfEmpty().Max() : 0;
            _ops = new CudaOps(_kernels, _stream, _cublas, partials > 0 ? Buffer(partials * sizeof(float)) : null, _device.MultiprocessorCount,
                unpacked > 0 ? Buffer(unpacked) : null);
            _lora = options.MaxLoras > 0 ? new CudaLora(config, options.MaxLoras, options.MaxLoraRank, (int)t, _stream.Handle) : null;

            var peakActivations = ProfilePeak(freeAfterWeights);
            // A Shared worker sizes itself from its share and counts only what it allocated itself: on a shared GPU,
            // total - free also counts the neighbours' memory.
            var bytesPerBlock = KvCacheSizing.BytesPerBlock(config.NumHiddenLayers, config.NumKeyValueHeads, config.HeadDim, _act.Bytes());
            var budget = options.MemoryShareBytes is { } share
                ? new KvCacheBudget(share, 1.0, WeightBytes: freeAtStart - freeAfterWeights, PeakActivationBytes: peakActivations, bytesPerBlock, options.MaxModelLen)
                : new KvCacheBudget(total, options.GpuMemoryUtilization, WeightBytes: total - freeAfterWeights, PeakActivationBytes: peakActivations, bytesPerBlock, options.MaxModelLen);
            var blocks = options.KvBlockCount ?? KvCacheSizing.Compute(budget).BlockCount;
            _cache = new CudaKvCache(config.NumHiddenLayers, blocks, config.NumKeyValueHeads, config.HeadDim, _act, _stream);
            _stream.Synchronize();
        }
        catch (CudaException exception) when (exception.IsOutOfMemory)
        {
            var outOfMemory = OutOfMemory("loading the model", exception);
            DisposePartial();
            throw outOfMemory;
        }
        catch
        {
            DisposePartial();
            throw;
        }
    }

    // Runs the largest prefill the backend accepts against a temporary cache just big enough for it, and returns how
    // much memory beyond the weights the process holds at that point, the temporary cache excluded.
    private long ProfilePeak(long freeAfterWeights)
    {
        var tokens = Math.Min(_options.MaxBatchedTokens, _options.MaxModelLen);
        var blockTable = Enumerable.Range(1, (tokens + BlockPool.BlockSize - 1) / BlockPool.BlockSize).ToArray();
        _cache = new CudaKvCache(Config.NumHiddenLayers, blockTable.Length + 1, Config.NumKeyValueHeads, Config.HeadDim, _act, _stream);
        try
        {
            var batch = new ForwardBatch([new BatchSequence(0, tokens, 0, blockTable, ReturnsLogits: true)], new int[tokens]);
            Run(batch.TokenCount, _inputs.Load(batch, _stream.Handle), logitRows: 1);
            _stream.Synchronize();
            var (freeAtPeak, _) = _device.MemoryInfo();
            return Math.Max(0, freeAfterWeights - freeAtPeak - _cache.Bytes);
        }
        finally
        {
            _cache.Dispose();
        }
    }

    // The partial sums of split launches: split-K GPTQ multiplies and split-context decode attention never overlap on the
    // stream, so one scratch of the larger need serves both.
    private long PartialElements(ModelConfig config, CudaBackendOptions options, int multiprocessors)
    {
        var gemms = _weights.GptqLinears.Select(linear => GptqLaunchPlan.PartialElements(linear.InFeatures, linear.OutFeatures, options.MaxBatchedTokens, multiprocessors));
        var attention = DecodeAttentionSplits.PartialElements(options.MaxSequences, config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadDim, MaxBlocksPerSequence(options), multiprocessors);
        return gemms.Append(attention).Max();
    }

    private DeviceBuffer Buffer(long bytes)
    {
        var buffer = new DeviceBuffer(bytes);
        _buffers.Add(buffer);
        return buffer;
    }

    private void DisposePartial()
    {
        _buffers.ForEach(buffer => buffer.Dispose());
        _lora?.Dispose();
        _weights?.Dispose();
        _kernels?.Dispose();
        _cublas?.Dispose();
        _stream?.Dispose();
        _device.Dispose();
    }
}
