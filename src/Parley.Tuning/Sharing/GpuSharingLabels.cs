// Reading a node's GPU sharing from GPU Feature Discovery's labels (NVIDIA/k8s-device-plugin,
// docs/gpu-feature-discovery/README.md). Labels are plain strings; anything that cannot be read with certainty means
// Exclusive, because wrongly assuming sharing puts two workers on a GPU that only ever runs one.
using System.Globalization;

namespace Parley.Tuning.Sharing;

/// <summary>A node's sharing as its labels state it: the mode and how many pods one GPU (or MIG slice) takes.</summary>
public sealed record NodeSharing(GpuSharingMode Mode, int Replicas, bool IsMigMixed = false)
{
    public static NodeSharing Exclusive { get; } = new(GpuSharingMode.Exclusive, 1);
}

/// <summary>Reads <see cref="NodeSharing"/> from node labels.</summary>
public static class GpuSharingLabels
{
    public const string SharingStrategyLabel = "nvidia.com/gpu.sharing-strategy";
    public const string ReplicasLabel = "nvidia.com/gpu.replicas";
    public const string MigStrategyLabel = "nvidia.com/mig.strategy";

    public static NodeSharing Read(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var strategy = labels.GetValueOrDefault(SharingStrategyLabel)?.Trim().ToLowerInvariant();
        var replicas = labels.TryGetValue(ReplicasLabel, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : 1;
        var isShared = replicas > 1 && strategy is "time-slicing" or "mps";

        switch (labels.GetValueOrDefault(MigStrategyLabel)?.Trim().ToLowerInvariant())
        {
            case "single":
                // Time-slicing may be layered on MIG slices; MPS on MIG is not offered by the device plugin.
                return new(GpuSharingMode.Mig, isShared && strategy == "time-slicing" ? replicas : 1);
            case "mixed":
                return new(GpuSharingMode.Mig, isShared && strategy == "time-slicing" ? replicas : 1, IsMigMixed: true);
        }

        if (!isShared)
        {
            return NodeSharing.Exclusive;
        }

        return strategy == "mps" ? new(GpuSharingMode.Mps, replicas) : new(GpuSharingMode.TimeSlicing, replicas);
    }
}
