// A worker's self-report is read from a pod running an image the tenant chooses: only a report whose numbers could be
// true is recorded in status.measured.
using Parley.Api.Contracts;

namespace Parley.Operator.Status;

/// <summary>Checks a <see cref="WorkerInfo"/> before it is believed.</summary>
public static class WorkerReport
{
    /// <summary>The largest context a worker can report: the schema's limit on maxModelLen.</summary>
    public const int MaxModelLen = 16_777_216;

    /// <summary>Why the report cannot be true, or null when it can.</summary>
    public static string? Problem(WorkerInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return info switch
        {
            { MaxModelLen: <= 0 or > MaxModelLen } => $"max_model_len {info.MaxModelLen} is not between 1 and {MaxModelLen}",
            { KvCacheTokens: < 0 } => $"kv_cache_tokens {info.KvCacheTokens} is negative",
            { NumGpuBlocks: < 0 } => $"num_gpu_blocks {info.NumGpuBlocks} is negative",
            { BlockSize: <= 0 } => $"block_size {info.BlockSize} is not positive",
            { GpuMemoryUtilization: <= 0 or > 1 } => $"gpu_memory_utilization {info.GpuMemoryUtilization} is not in (0, 1]",
            { GpuMemoryTotalBytes: < 0 } => $"gpu_memory_total_bytes {info.GpuMemoryTotalBytes} is negative",
            { GpuMemoryUsedBytes: < 0 } => $"gpu_memory_used_bytes {info.GpuMemoryUsedBytes} is negative",
            { GpuMemoryUsedBytes: { } used, GpuMemoryTotalBytes: { } total } when used > total => $"gpu_memory_used_bytes {used} exceeds gpu_memory_total_bytes {total}",
            _ => null,
        };
    }
}
