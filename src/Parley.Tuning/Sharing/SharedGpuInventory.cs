// A node's labels -> its physical GPUs and MIG slices. Whole GPUs are counted by nvidia.com/gpu.count (allocatable
// nvidia.com/gpu counts replicas, so it is divided by them when the count label is missing); MIG slices come from the
// product label under the single strategy and from GFD's per-profile labels (nvidia.com/mig-3g.20gb.count, .memory)
// under the mixed one.
using System.Globalization;
using Parley.Tuning.Catalog;

namespace Parley.Tuning.Sharing;

/// <summary>Reads physical GPUs from a node's labels and allocatable GPU count.</summary>
public static class SharedGpuInventory
{
    private const string MigLabelPrefix = "nvidia.com/mig-";

    public static IReadOnlyList<PhysicalGpu> FromNode(string nodeName, IReadOnlyDictionary<string, string> labels, int? allocatableGpus)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        ArgumentNullException.ThrowIfNull(labels);
        if (!labels.TryGetValue(GpuInventory.ProductLabel, out var productLabel))
        {
            return [];
        }

        var sharing = GpuSharingLabels.Read(labels);
        var product = GpuCatalog.WithoutSharingSuffix(productLabel);
        if (sharing.IsMigMixed)
        {
            return MixedMigSlices(nodeName, product, labels, sharing.Replicas);
        }

        var memory = Number(labels, GpuInventory.MemoryLabel) is { } mib ? mib * Bytes.MiB : GpuCatalog.Find(product)?.MemoryBytes;
        var count = Number(labels, GpuInventory.CountLabel) is { } c && sharing.Mode != GpuSharingMode.Mig ? (int)c : (allocatableGpus ?? 0) / sharing.Replicas;
        if (memory is null || count <= 0)
        {
            return [];
        }

        var catalog = GpuCatalog.Find(product);
        var display = catalog?.DisplayName ?? product.Replace('-', ' ');
        var nominal = catalog?.NominalGiB ?? (int)Math.Round(Bytes.ToGiB(memory.Value));
        var migProfile = product.Contains("-MIG-", StringComparison.Ordinal) ? product[(product.IndexOf("-MIG-", StringComparison.Ordinal) + 5)..] : null;
        return Enumerable.Range(0, count)
            .Select(index => new PhysicalGpu(nodeName, migProfile is null ? $"gpu-{index}" : $"mig-{migProfile}-{index}", product, display,
                memory.Value, nominal, sharing.Mode, sharing.Replicas))
            .ToList();
    }

    private static List<PhysicalGpu> MixedMigSlices(string nodeName, string product, IReadOnlyDictionary<string, string> labels, int replicas)
    {
        var slices = new List<PhysicalGpu>();
        foreach (var profile in labels.Keys.Where(key => key.StartsWith(MigLabelPrefix, StringComparison.Ordinal) && key.EndsWith(".count", StringComparison.Ordinal))
                     .Select(key => key[MigLabelPrefix.Length..^".count".Length]).Order(StringComparer.Ordinal))
        {
            var sliceProduct = $"{product}-MIG-{profile}";
            var catalog = GpuCatalog.Find(sliceProduct);
            var memory = Number(labels, $"{MigLabelPrefix}{profile}.memory") is { } mib ? mib * Bytes.MiB : catalog?.MemoryBytes;
            if (memory is null)
            {
                continue;
            }

            var count = (int)(Number(labels, $"{MigLabelPrefix}{profile}.count") ?? 0);
            slices.AddRange(Enumerable.Range(0, count).Select(index => new PhysicalGpu(nodeName, $"mig-{profile}-{index}", sliceProduct,
                catalog?.DisplayName ?? sliceProduct.Replace('-', ' '), memory.Value, catalog?.NominalGiB ?? (int)Math.Round(Bytes.ToGiB(memory.Value)),
                GpuSharingMode.Mig, replicas, $"{MigLabelPrefix}{profile}")));
        }

        return slices;
    }

    private static long? Number(IReadOnlyDictionary<string, string> labels, string key) =>
        labels.TryGetValue(key, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}
