// Choosing --gpu-memory-utilization from the GPU's size.
//
// What the worker must leave unused is partly fixed (the driver's own allocations, a monitoring agent, allocator
// fragmentation at start-up: about 1 GiB whatever the card) and partly proportional (fragmentation grows with the
// heap: 2%). A 12 GiB card therefore gets 0.89 and an 80 GiB card would get 0.96, capped at 0.95 because vLLM's
// sampler and prefill spikes still need slack on the largest cards. KAITO and SGLang follow the same shape (a fixed
// reserve over total memory); vLLM's fixed default of 0.9 over-reserves on large cards and under-reserves on small ones.
namespace Parley.Tuning;

/// <summary>The fraction of a GPU's memory the worker may use.</summary>
public static class MemoryUtilization
{
    public const double FixedHeadroomGiB = 1.0;
    public const double ProportionalHeadroom = 0.02;
    public const double Minimum = 0.70;
    public const double Maximum = 0.95;

    /// <summary>The utilization for a GPU of <paramref name="gpuMemoryBytes"/>, rounded down to two decimals.</summary>
    public static double ForGpu(long gpuMemoryBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gpuMemoryBytes);
        var memoryGiB = Bytes.ToGiB(gpuMemoryBytes);
        var headroomGiB = FixedHeadroomGiB + ProportionalHeadroom * memoryGiB;
        var utilization = Math.Floor((1 - headroomGiB / memoryGiB) * 100) / 100;
        return Math.Clamp(utilization, Minimum, Maximum);
    }
}
