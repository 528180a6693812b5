// How many KV blocks a GPU can hold, the way vLLM decides it: load the weights, run a profiling forward pass at the
// largest batch, take the peak, and give the KV cache what is left of gpu_memory_utilization × total memory.
//   kv bytes   = utilization × total − weights − activation peak
//   blocks     = ⌊kv bytes / bytes per block⌋, the scheduler's null block included
//   bytes/block = 2 (K and V) × layers × kv heads × head dim × dtype bytes × BlockSize tokens
// When max_model_len does not fit in one sequence's worth of blocks, the worker refuses to start with these numbers.
using Parley.Engine.Scheduling;

namespace Parley.Engine.Backends.Cuda;

/// <summary>What the KV-cache budget is computed from; all sizes in bytes.</summary>
/// <param name="TotalMemoryBytes">The GPU's total memory.</param>
/// <param name="GpuMemoryUtilization">The share of it Parley may use (vLLM's --gpu-memory-utilization), in (0, 1].</param>
/// <param name="WeightBytes">Device memory held by the weights.</param>
/// <param name="PeakActivationBytes">The measured peak of a profiling forward pass beyond the weights: buffers, cuBLAS workspace, context.</param>
/// <param name="BytesPerBlock">Bytes of one KV block across all layers (<see cref="KvCacheSizing.BytesPerBlock"/>).</param>
/// <param name="MaxModelLen">The longest sequence that must fit.</param>
public sealed record KvCacheBudget(long TotalMemoryBytes, double GpuMemoryUtilization, long WeightBytes, long PeakActivationBytes, long BytesPerBlock, int MaxModelLen);

/// <summary>The KV cache that fits.</summary>
/// <param name="BlockCount">Blocks to allocate, the null block 0 included.</param>
/// <param name="KvBytes">Their bytes.</param>
public sealed record KvCacheSize(int BlockCount, long KvBytes)
{
    /// <summary>Tokens the cache holds for requests (the null block holds none).</summary>
    public long TokenCapacity => (long)(BlockCount - 1) * BlockPool.BlockSize;
}

/// <summary>Sizes the KV cache.</summary>
public static class KvCacheSizing
{
    private const double GiB = 1 << 30;

    /// <summary>Bytes of one KV block across all layers.</summary>
    public static long BytesPerBlock(int layers, int kvHeads, int headDim, int dtypeBytes) =>
        2L * layers * kvHeads * headDim * dtypeBytes * BlockPool.BlockSize;

    /// <summary>The largest KV cache the budget allows.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The utilization is outside (0, 1].</exception>
    /// <exception cref="InsufficientGpuMemoryException">Not even one <see cref="KvCacheBudget.MaxModelLen"/> sequence fits; the message has the numbers and what to change.</exception>
    public static KvCacheSize Compute(KvCacheBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        if (budget.GpuMemoryUtilization is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(budget), budget.GpuMemoryUtilization, "gpu_memory_utilization must be in (0, 1].");
        }

        var usable = (long)(budget.TotalMemoryBytes * budget.GpuMemoryUtilization);
        var kvBytes = usable - budget.WeightBytes - budget.PeakActivationBytes;
        var blocks = kvBytes <= 0 ? 0 : (int)Math.Min(int.MaxValue, kvBytes / budget.BytesPerBlock);
        var needed = BlocksFor(budget.MaxModelLen);
        if (blocks < needed)
        {
            throw new InsufficientGpuMemoryException(Refusal(budget, usable, kvBytes, needed));
        }

        return new KvCacheSize(blocks, blocks * budget.BytesPerBlock);
    }

    /// <summary>Blocks for one sequence of <paramref name="tokens"/>, plus the null block.</summary>
    public static int BlocksFor(int tokens) => ((tokens + BlockPool.BlockSize - 1) / BlockPool.BlockSize) + 1;

    private static string Refusal(KvCacheBudget budget, long usable, long kvBytes, int needed)
    {
        var fitting = Math.Max(0, (kvBytes / budget.BytesPerBlock) - 1) * BlockPool.BlockSize;
        var advice = fitting > 0
            ? $"lower --max-model-len to {fitting} or raise --gpu-memory-utilization"
            : "use a GPU with more memory, a quantized checkpoint, or a higher --gpu-memory-utilization";
        return $"max_model_len {budget.MaxModelLen} needs {needed} KV blocks ({needed * budget.BytesPerBlock / GiB:F2} GiB) but "
            + $"{Math.Max(0, kvBytes) / GiB:F2} GiB is left for the KV cache ({budget.TotalMemoryBytes / GiB:F2} GiB × {budget.GpuMemoryUtilization:F2} = {usable / GiB:F2} GiB, "
            + $"minus {budget.WeightBytes / GiB:F2} GiB of weights and {budget.PeakActivationBytes / GiB:F2} GiB of activations); {advice}.";
    }
}

/// <summary>The model and the requested context do not fit on the GPU.</summary>
public sealed class InsufficientGpuMemoryException : Exception
{
    public InsufficientGpuMemoryException()
    {
    }

    public InsufficientGpuMemoryException(string message)
        : base(message)
    {
    }

    public InsufficientGpuMemoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
