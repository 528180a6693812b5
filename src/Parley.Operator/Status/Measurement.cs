// status.measured from a worker's report. observedAt moves only when a value changes, so a steady worker causes no
// status writes.
using Parley.Api.Contracts;
using Parley.Api.Status;

namespace Parley.Operator.Status;

/// <summary>Turns <see cref="WorkerInfo"/> into <see cref="MeasuredStatus"/>.</summary>
public static class Measurement
{
    public static MeasuredStatus From(WorkerInfo info, MeasuredStatus? previous, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(info);
        var measured = new MeasuredStatus
        {
            KvCacheTokens = info.KvCacheTokens,
            MaxModelLen = info.MaxModelLen,
            GpuMemoryUsedBytes = info.GpuMemoryUsedBytes,
            TemplateRendersTools = info.TemplateRendersTools,
            MemoryShareBytes = info.MemoryShareBytes,
            MemoryFreeSeenBytes = info.MemoryFreeSeenBytes,
            MemoryTakenBytes = info.MemoryTakenBytes,
        };
        var unchanged = previous is not null && previous.KvCacheTokens == measured.KvCacheTokens
            && previous.MaxModelLen == measured.MaxModelLen && previous.GpuMemoryUsedBytes == measured.GpuMemoryUsedBytes
            && previous.TemplateRendersTools == measured.TemplateRendersTools && previous.MemoryShareBytes == measured.MemoryShareBytes
            && previous.MemoryFreeSeenBytes == measured.MemoryFreeSeenBytes && previous.MemoryTakenBytes == measured.MemoryTakenBytes;
        measured.ObservedAt = unchanged ? previous!.ObservedAt : now;
        return measured;
    }
}
