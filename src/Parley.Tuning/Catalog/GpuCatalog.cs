// GPUs keyed by the nvidia.com/gpu.product label that NVIDIA GPU Feature Discovery puts on nodes. Memory is what GFD
// reports in nvidia.com/gpu.memory (MiB, below the marketing size); bandwidth is from NVIDIA's data sheets.
namespace Parley.Tuning.Catalog;

/// <summary>A GPU product as Kubernetes sees it.</summary>
/// <param name="Label">The <c>nvidia.com/gpu.product</c> value.</param>
/// <param name="DisplayName">The name people know it by.</param>
/// <param name="MemoryMiB">Memory per GPU (or per MIG instance) as <c>nvidia.com/gpu.memory</c> reports it.</param>
/// <param name="NominalGiB">The marketing size, for messages ("a GPU with at least 24 GiB").</param>
/// <param name="BandwidthGBps">Memory bandwidth in GB/s (for a MIG instance, its share).</param>
/// <param name="Aliases">Short names the CLI accepts, e.g. <c>rtx-3060-12gb</c>.</param>
public sealed record GpuProduct(string Label, string DisplayName, int MemoryMiB, int NominalGiB, double BandwidthGBps, params string[] Aliases)
{
    /// <summary>A Multi-Instance GPU slice rather than a whole GPU.</summary>
    public bool IsMig => Label.Contains("-MIG-", StringComparison.Ordinal);

    public long MemoryBytes => Bytes.FromMiB(MemoryMiB);
}

/// <summary>Known GPU products.</summary>
public static class GpuCatalog
{
    /// <summary>Every known product, whole GPUs first, smallest memory first.</summary>
    public static IReadOnlyList<GpuProduct> All { get; } =
    [
        new("Tesla-T4", "NVIDIA T4", 15109, 16, 320, "t4"),
        new("NVIDIA-GeForce-RTX-3060", "NVIDIA GeForce RTX 3060", 12288, 12, 360, "rtx-3060-12gb", "rtx-3060", "rtx3060"),
        new("NVIDIA-GeForce-RTX-4090", "NVIDIA GeForce RTX 4090", 24564, 24, 1008, "rtx-4090", "rtx4090"),
        new("NVIDIA-A10G", "NVIDIA A10G", 23028, 24, 600, "a10g"),
        new("NVIDIA-L4", "NVIDIA L4", 23034, 24, 300, "l4"),
        new("NVIDIA-L40S", "NVIDIA L40S", 46068, 48, 864, "l40s"),
        new("NVIDIA-A100-SXM4-40GB", "NVIDIA A100 40GB", 40960, 40, 1555, "a100-40gb", "a100-sxm4-40gb"),
        new("NVIDIA-A100-SXM4-80GB", "NVIDIA A100 80GB", 81920, 80, 2039, "a100-80gb", "a100-sxm4-80gb", "a100"),
        new("NVIDIA-A100-80GB-PCIe", "NVIDIA A100 80GB PCIe", 81920, 80, 1935, "a100-80gb-pcie"),
        new("NVIDIA-H100-80GB-HBM3", "NVIDIA H100 80GB", 81559, 80, 3350, "h100", "h100-80gb", "h100-sxm"),
        new("NVIDIA-H100-PCIe", "NVIDIA H100 PCIe", 81559, 80, 2000, "h100-pcie"),
        new("NVIDIA-H200", "NVIDIA H200", 143771, 141, 4800, "h200"),

        // MIG instances: memory as GFD label dumps show it (3g/7g slices of the 80 GB parts are estimates from the slice
        // count where no dump was at hand; a node's nvidia.com/gpu.memory label wins anyway), and a proportional share of
        // bandwidth (memory slices / 8 of the whole GPU's).
        new("NVIDIA-A100-SXM4-40GB-MIG-1g.5gb", "NVIDIA A100 40GB MIG 1g.5gb", 4864, 5, 194, "a100-40gb-mig-1g.5gb"),
        new("NVIDIA-A100-SXM4-40GB-MIG-2g.10gb", "NVIDIA A100 40GB MIG 2g.10gb", 9984, 10, 389, "a100-40gb-mig-2g.10gb"),
        new("NVIDIA-A100-SXM4-40GB-MIG-3g.20gb", "NVIDIA A100 40GB MIG 3g.20gb", 20096, 20, 778, "a100-40gb-mig-3g.20gb"),
        new("NVIDIA-A100-SXM4-40GB-MIG-7g.40gb", "NVIDIA A100 40GB MIG 7g.40gb", 40192, 40, 1555, "a100-40gb-mig-7g.40gb"),
        new("NVIDIA-A100-SXM4-80GB-MIG-1g.10gb", "NVIDIA A100 80GB MIG 1g.10gb", 9728, 10, 255, "a100-80gb-mig-1g.10gb"),
        new("NVIDIA-A100-SXM4-80GB-MIG-2g.20gb", "NVIDIA A100 80GB MIG 2g.20gb", 19968, 20, 510, "a100-80gb-mig-2g.20gb"),
        new("NVIDIA-A100-SXM4-80GB-MIG-3g.40gb", "NVIDIA A100 80GB MIG 3g.40gb", 40192, 40, 1020, "a100-80gb-mig-3g.40gb"),
        new("NVIDIA-A100-SXM4-80GB-MIG-7g.80gb", "NVIDIA A100 80GB MIG 7g.80gb", 80896, 80, 2039, "a100-80gb-mig-7g.80gb"),
        new("NVIDIA-H100-80GB-HBM3-MIG-1g.10gb", "NVIDIA H100 80GB MIG 1g.10gb", 9984, 10, 419, "h100-mig-1g.10gb"),
        new("NVIDIA-H100-80GB-HBM3-MIG-2g.20gb", "NVIDIA H100 80GB MIG 2g.20gb", 20096, 20, 838, "h100-mig-2g.20gb"),
        new("NVIDIA-H100-80GB-HBM3-MIG-3g.40gb", "NVIDIA H100 80GB MIG 3g.40gb", 40448, 40, 1675, "h100-mig-3g.40gb"),
        new("NVIDIA-H100-80GB-HBM3-MIG-7g.80gb", "NVIDIA H100 80GB MIG 7g.80gb", 81559, 80, 3350, "h100-mig-7g.80gb"),
    ];

    /// <summary>Finds a product by its label (a <c>-SHARED</c> time-slicing suffix is ignored) or by an alias; case-insensitive.</summary>
    public static GpuProduct? Find(string labelOrAlias)
    {
        ArgumentNullException.ThrowIfNull(labelOrAlias);
        var key = WithoutSharingSuffix(labelOrAlias);
        return All.FirstOrDefault(gpu => gpu.Label.Equals(key, StringComparison.OrdinalIgnoreCase))
            ?? All.FirstOrDefault(gpu => gpu.Aliases.Any(alias => alias.Equals(key, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>The product label without the <c>-SHARED</c> suffix GFD adds to time-sliced GPUs.</summary>
    public static string WithoutSharingSuffix(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return label.EndsWith("-SHARED", StringComparison.OrdinalIgnoreCase) ? label[..^"-SHARED".Length] : label;
    }
}
