// One physical GPU (or one MIG slice): the unit whose memory Shared workers divide between them.
using Parley.Tuning.Catalog;

namespace Parley.Tuning.Sharing;

/// <summary>A GPU device on a node that workers can be placed on.</summary>
/// <param name="NodeName">The node it is on.</param>
/// <param name="DeviceId">Stable within the node: <c>gpu-0</c>, or <c>mig-3g.20gb-1</c> for a MIG slice.</param>
/// <param name="Product">The <c>nvidia.com/gpu.product</c> label without <c>-SHARED</c> (for a MIG slice, with its profile).</param>
/// <param name="DisplayName">The name people know it by.</param>
/// <param name="MemoryBytes">Memory of the device (of the slice, for MIG), from <c>nvidia.com/gpu.memory</c>.</param>
/// <param name="NominalGiB">The marketing size, for messages.</param>
/// <param name="Mode">How the node offers it.</param>
/// <param name="Slots">How many worker pods it takes: replicas for time-slicing and MPS, else 1.</param>
/// <param name="ResourceName">The extended resource a worker requests for it.</param>
public sealed record PhysicalGpu(
    string NodeName, string DeviceId, string Product, string DisplayName, long MemoryBytes, int NominalGiB,
    GpuSharingMode Mode, int Slots, string ResourceName = GpuInventory.GpuResource)
{
    /// <summary><c>node/device</c>, the key placements are remembered by.</summary>
    public string Id => $"{NodeName}/{DeviceId}";

    /// <summary>What the workers on it may use together: the same headroom rule as a whole-GPU plan.</summary>
    public long UsableBytes => (long)(MemoryUtilization.ForGpu(MemoryBytes) * MemoryBytes);

    /// <summary>The most one worker may take: under MPS the device plugin limits each client to memory / replicas.</summary>
    public long PerWorkerLimitBytes => Mode == GpuSharingMode.Mps ? UsableBytes / Slots : UsableBytes;

    /// <summary>For messages: <c>NVIDIA GeForce RTX 3060 (desk/gpu-0, time-slicing x4)</c>.</summary>
    public string Describe() => Mode switch
    {
        GpuSharingMode.TimeSlicing => $"{DisplayName} ({Id}, time-slicing x{Slots})",
        GpuSharingMode.Mps => $"{DisplayName} ({Id}, MPS x{Slots})",
        GpuSharingMode.Mig when Slots > 1 => $"{DisplayName} ({Id}, time-slicing x{Slots})",
        _ => $"{DisplayName} ({Id})",
    };

    /// <summary>A device of a catalog product, for the CLI and tests.</summary>
    public static PhysicalGpu Of(GpuProduct product, GpuSharingMode mode, int slots, string nodeName = "node-0", int index = 0)
    {
        ArgumentNullException.ThrowIfNull(product);
        var deviceId = product.IsMig ? $"mig-{product.Label[(product.Label.IndexOf("-MIG-", StringComparison.Ordinal) + 5)..]}-{index}" : $"gpu-{index}";
        return new(nodeName, deviceId, product.Label, product.DisplayName, product.MemoryBytes, product.NominalGiB, mode, slots);
    }
}
